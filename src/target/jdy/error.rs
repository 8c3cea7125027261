//! Diagnostics of the jdy backend.

use crate::span::Span;

/// A predicate the jdy backend cannot express (strict mode), each with a label on the
/// offending predicate and a help line saying what would work.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum JdyError {
    /// The field type has no jdy method for this test.
    #[error("jdy cannot filter {ty} field {field} by {what}")]
    #[diagnostic(code(filterql::jdy::unsupported_method))]
    Unsupported {
        /// The field, quoted for the message (`` `label` (`name`) ``).
        field: String,
        /// The field's type.
        ty: String,
        /// The test, with the method jdy lacks.
        what: String,
        /// The predicate.
        #[label("no jdy method for this")]
        span: Span,
        /// What would work.
        #[help]
        help: String,
    },
    /// Subform columns cannot be filtered on jdy at all.
    #[error("{field} is a subform column; jdy filters only top-level fields")]
    #[diagnostic(
        code(filterql::jdy::subform_column),
        help("use the pushdown plan (`Query::to_jdy_pushdown`) to test subform rows client-side, or test only whether the subform `{subform}` is empty")
    )]
    SubformColumn {
        /// The column.
        field: String,
        /// Its subform.
        subform: String,
        /// The predicate.
        #[label("subform column")]
        span: Span,
    },
    /// The test needs several jdy conditions joined by `or`, but it sits in an `and`.
    #[error("{field}: {what} needs an `or` of jdy conditions, but the filter is an `and`")]
    #[diagnostic(code(filterql::jdy::needs_or))]
    NeedsOr {
        /// The field, quoted for the message (`` `label` (`name`) ``).
        field: String,
        /// The test.
        what: String,
        /// The predicate.
        #[label("would need a nested `or`")]
        span: Span,
        /// What would work.
        #[help]
        help: String,
    },
    /// The test needs several jdy conditions joined by `and`, but it sits in an `or`.
    #[error("{field}: {what} needs an `and` of jdy conditions, but the filter is an `or`")]
    #[diagnostic(
        code(filterql::jdy::needs_and),
        help("use the pushdown plan (`Query::to_jdy_pushdown`) to evaluate it client-side")
    )]
    NeedsAnd {
        /// The field, quoted for the message (`` `label` (`name`) ``).
        field: String,
        /// The test.
        what: String,
        /// The predicate.
        #[label("would need a nested `and`")]
        span: Span,
    },
    /// An `and` inside an `or` or an `or` inside an `and`.
    #[error("nested `{inner}` inside `{outer}`: a jdy filter is one flat level of conditions")]
    #[diagnostic(
        code(filterql::jdy::nested_group),
        help("rewrite the query as one flat `and` or one flat `or`, or use the pushdown plan (`Query::to_jdy_pushdown`) to evaluate the group client-side")
    )]
    NestedGroup {
        /// `and` or `or`.
        inner: &'static str,
        /// `and` or `or`.
        outer: &'static str,
        /// The group.
        #[label("nested `{inner}`")]
        span: Span,
    },
    /// More values than jdy accepts in one condition, where splitting would change the
    /// meaning.
    #[error("{field}: {count} values, but jdy takes at most 200 per condition")]
    #[diagnostic(code(filterql::jdy::too_many_values))]
    TooManyValues {
        /// The field, quoted for the message (`` `label` (`name`) ``).
        field: String,
        /// How many values.
        count: usize,
        /// The predicate.
        #[label("{count} values")]
        span: Span,
        /// What would work.
        #[help]
        help: String,
    },
    /// A value jdy has no representation for.
    #[error("{field}: {what}")]
    #[diagnostic(
        code(filterql::jdy::bad_value),
        help("use the pushdown plan (`Query::to_jdy_pushdown`) to evaluate it client-side")
    )]
    BadValue {
        /// The field, quoted for the message (`` `label` (`name`) ``).
        field: String,
        /// What is wrong.
        what: String,
        /// The predicate.
        #[label("not representable on jdy")]
        span: Span,
    },
    /// The whole query is constant: a jdy filter cannot say "everything" or "nothing".
    #[error("the query always evaluates to {value}; a jdy filter cannot express that")]
    #[diagnostic(
        code(filterql::jdy::constant),
        help("a query that matches every record needs no filter; one that matches none needs no request")
    )]
    Constant {
        /// The constant.
        value: bool,
        /// The query.
        #[label("always {value}")]
        span: Span,
    },
    /// The predicate tree is nested deeper than the backend walks.
    #[error("the query is nested more than {limit} levels deep")]
    #[diagnostic(
        code(filterql::jdy::too_deep),
        help("a jdy filter is one flat level; simplify the query")
    )]
    TooDeep {
        /// The depth limit.
        limit: usize,
        /// The query.
        #[label("too deep")]
        span: Span,
    },
}

/// Why a jdy filter could not be read back into query text.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum DecompileError {
    /// The JSON is not a jdy filter.
    #[error("not a jdy filter: {message}")]
    #[diagnostic(
        code(filterql::jdy::decompile::json),
        help("expected {{\"rel\": \"and\"|\"or\", \"cond\": [{{\"field\", \"type\", \"method\", \"value\"}}]}}")
    )]
    Json {
        /// The parser's message.
        message: String,
    },
    /// A filter with no conditions: jdy would return every record, and the language has
    /// no query for "everything".
    #[error("the filter has no conditions (it matches every record)")]
    #[diagnostic(
        code(filterql::jdy::decompile::no_conditions),
        help("a query needs at least one condition")
    )]
    NoConditions,
    /// Every condition of an `or` is an empty range: the filter matches no record.
    #[error("the filter matches no record (every condition is an empty range)")]
    #[diagnostic(
        code(filterql::jdy::decompile::matches_nothing),
        help("a query needs a condition some record can meet")
    )]
    MatchesNothing,
    /// The conditions read back one by one, but the query they make together would be
    /// rejected by the checker (e.g. an inferred field used as two different types).
    #[error("{message}")]
    #[diagnostic(
        code(filterql::jdy::decompile::rejected),
        help("the filter has no query that compiles against this schema")
    )]
    Rejected {
        /// The checker's complaint.
        message: String,
    },
    /// A condition whose method, value or field type does not fit.
    #[error("condition {index} (`{field}` {method}): {message}")]
    #[diagnostic(code(filterql::jdy::decompile::condition))]
    Condition {
        /// 0-based index in `cond`.
        index: usize,
        /// The field, quoted for the message (`` `label` (`name`) ``).
        field: String,
        /// The method.
        method: String,
        /// What is wrong.
        message: String,
    },
}
