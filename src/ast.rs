//! The syntax tree of a query, as [`parse`](crate::parse) returns it.
//!
//! The tree is read-only for callers (its nodes are `#[non_exhaustive]`): it is built by
//! the parser (and by the decompilers), whose nesting limits keep it shallow enough for
//! every recursive walk (`Display`, `Clone`, `PartialEq`, `Debug`), so no tree a caller
//! can get overflows the stack. `Display` prints the
//! canonical source text, and parsing that text again gives an equal tree.

pub use crate::syntax::ast::{
    CmpOp, DateTimeLit, Expr, Field, HasOperand, List, Literal, Path, Period, PeriodUnit, PredKind,
    Predicate, Quantifier, RelBase, RelUnit, Relative, Shift, Str, TextOp, Value,
};
