//! The jdy backend.

use crate::span::Span;

/// A predicate the jdy backend cannot express.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
pub enum JdyError {
    /// Placeholder until the backend lands.
    #[error("`{field}` cannot be filtered this way on jdy")]
    #[diagnostic(code(filterql::jdy::unsupported))]
    Unsupported {
        /// The field.
        field: String,
        /// Where.
        #[label("not expressible")]
        span: Span,
    },
}
