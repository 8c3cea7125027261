//! The nom parser: one `parse_<rule>` function per rule of `grammar/filterql.ebnf`.

use super::ast::Expr;
use crate::diagnostic::Diagnostics;

/// Maximum nesting of parentheses and `not`.
pub const MAX_DEPTH: usize = 128;
/// Maximum query size in bytes.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// Parses a whole query.
pub fn parse(text: &str) -> Result<Expr, Diagnostics> {
    let _ = text;
    unimplemented!("parser")
}
