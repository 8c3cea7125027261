//! Name resolution and type checking: `ast::Expr` + `Schema` → `ir::Pred`.

use crate::span::Span;

/// A name-resolution or type error (or warning).
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
pub enum CheckError {
    /// Placeholder until the checker lands.
    #[error("unknown field `{name}`")]
    #[diagnostic(code(filterql::check::unknown_field))]
    UnknownField {
        /// The name written.
        name: String,
        /// Where.
        #[label("not a field of this form")]
        span: Span,
    },
}
