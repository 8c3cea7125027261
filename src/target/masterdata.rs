//! The masterdata backend.

use crate::span::Span;

/// A predicate the masterdata backend cannot express.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
pub enum MasterdataError {
    /// Placeholder until the backend lands.
    #[error("`{field}` cannot be filtered this way on masterdata")]
    #[diagnostic(code(filterql::masterdata::unsupported))]
    Unsupported {
        /// The field.
        field: String,
        /// Where.
        #[label("not expressible")]
        span: Span,
    },
}
