//! `filterql fmt`: canonical query text.

use crate::batch::Produced;
use crate::output::Output;
use filterql::Diagnostics;

/// Parses `query` and prints it back in canonical form. No schema is involved: the
/// formatter only needs the grammar.
pub fn step(query: &str) -> Result<Produced, Diagnostics> {
    let ast = filterql::parse(query)?;
    Ok(Produced::new(Output::Text(ast.to_string())))
}
