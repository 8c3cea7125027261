//! Syntax diagnostics (`filterql::syntax::...`).

use crate::span::Span;

/// A lexical or grammatical error in the query text.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
pub enum SyntaxError {
    /// Placeholder until the parser lands.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(filterql::syntax::expected))]
    Expected {
        /// What the grammar allows here.
        expected: String,
        /// What was found.
        found: String,
        /// Where.
        #[label("expected {expected}")]
        span: Span,
    },
}
