//! The SQL backend (QPaaS custom-SQL endpoint): MySQL, PostgreSQL, SQLite.

pub mod dialect;

use crate::span::Span;

/// A predicate or name the SQL backend cannot express.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
pub enum SqlError {
    /// Placeholder until the backend lands.
    #[error("`{field}` cannot be expressed in SQL")]
    #[diagnostic(code(filterql::sql::unsupported))]
    Unsupported {
        /// The field.
        field: String,
        /// Where.
        #[label("not expressible")]
        span: Span,
    },
}
