//! Diagnostics of the masterdata backend (compile) and of decompiling a condition tree.

use crate::span::Span;

/// A predicate the masterdata backend cannot express exactly. Compilation collects
/// every one of them.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum MasterdataError {
    /// The API does not say how fields of this type are stored.
    #[error("`{field}` is a field of type {ty}, which masterdata conditions cannot test")]
    #[diagnostic(
        code(filterql::masterdata::unsupported_type),
        help("masterdata columns hold one text, number or datetime value; filter {ty} fields with `Query::matches` on the fetched records instead")
    )]
    UnsupportedType {
        /// The field.
        field: String,
        /// Its type name.
        ty: String,
        /// The predicate.
        #[label("{ty} field")]
        span: Span,
    },
    /// A test on a subform column ("some row matches") has no masterdata form.
    #[error(
        "`{field}` is a subform column; masterdata conditions test only the record's own columns"
    )]
    #[diagnostic(
        code(filterql::masterdata::subform_column),
        help("filter subform rows with `Query::matches` on the fetched records instead")
    )]
    SubformColumn {
        /// The field as `subform.column`.
        field: String,
        /// The predicate.
        #[label("subform column")]
        span: Span,
    },
    /// The phone's verified flag is not a masterdata column.
    #[error("`{field}`: the phone verified flag cannot be tested on masterdata")]
    #[diagnostic(
        code(filterql::masterdata::phone_verified),
        help(
            "masterdata stores only the phone number; test it with `=`, `contains` or `is empty`"
        )
    )]
    PhoneVerified {
        /// The field.
        field: String,
        /// The predicate.
        #[label("no verified flag on masterdata")]
        span: Span,
    },
    /// A test the backend has no operator for on this column kind.
    #[error("`{field}`: {test} is not supported on a masterdata {kind} column")]
    #[diagnostic(
        code(filterql::masterdata::unsupported_test),
        help("use a test the column type allows (`=`, `in`, `is empty`; ranges on numbers and datetimes; text tests on text)")
    )]
    UnsupportedTest {
        /// The field.
        field: String,
        /// The test, in words.
        test: String,
        /// The column kind.
        kind: String,
        /// The predicate.
        #[label("unsupported here")]
        span: Span,
    },
    /// A LIKE operand with a wildcard or escape character.
    #[error("`{field}`: the text {value:?} contains `{ch}`, which LIKE would read as a wildcard")]
    #[diagnostic(
        code(filterql::masterdata::like_wildcard),
        help("the masterdata API documents no LIKE escape, so `%`, `_` and `\\` cannot be matched literally; use `=` or `in` with the whole value, or `Query::matches` on the fetched records")
    )]
    LikeWildcard {
        /// The field.
        field: String,
        /// The operand.
        value: String,
        /// The offending character.
        ch: char,
        /// The predicate.
        #[label("needs an escape the API does not have")]
        span: Span,
    },
    /// A value that cannot be written as the column's string form.
    #[error("`{field}`: {reason}")]
    #[diagnostic(
        code(filterql::masterdata::value),
        help("masterdata values are text, finite numbers, or datetimes in the years 0001-9999")
    )]
    Value {
        /// The field.
        field: String,
        /// What is wrong.
        reason: String,
        /// The predicate.
        #[label("cannot be sent")]
        span: Span,
    },
    /// The query simplifies to a constant, which a condition tree cannot state.
    #[error("the query is always {}; masterdata conditions cannot express a constant", if *always { "true" } else { "false" })]
    #[diagnostic(
        code(filterql::masterdata::constant),
        help("a condition matching every (or no) record is refused rather than sent; check the query's logic")
    )]
    Constant {
        /// The constant value.
        always: bool,
        /// The whole query.
        #[label("always {}", if *always { "true" } else { "false" })]
        span: Span,
    },
    /// `and`/`or` nested deeper than the backend emits.
    #[error("the query nests `and`/`or` more than {max} levels deep")]
    #[diagnostic(
        code(filterql::masterdata::too_deep),
        help("flatten the query; normalized queries rarely nest more than a few levels")
    )]
    TooDeep {
        /// The limit.
        max: usize,
        /// The group that is too deep.
        #[label("too deep")]
        span: Span,
    },
    /// The request around the condition could not be built (e.g. an empty table name).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Request(#[from] super::envelope::RequestError),
}

/// Why a condition tree cannot be turned back into query text. `path` is a JSON
/// pointer to the offending node, e.g. `/condition/1`.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum DecompileError {
    /// The text is not a well-formed condition tree.
    #[error("not a masterdata condition tree: {message}")]
    #[diagnostic(code(filterql::masterdata::decompile::json))]
    Json {
        /// The parser's message.
        message: String,
    },
    /// The column is not in the schema.
    #[error("{path}: unknown column `{col}`")]
    #[diagnostic(
        code(filterql::masterdata::decompile::unknown_column),
        help("decompile with the schema that defines the column, or with `Schema::none()` to keep column names as written")
    )]
    UnknownColumn {
        /// Where.
        path: String,
        /// The column.
        col: String,
    },
    /// A leaf with an empty `col`: it names no column.
    #[error("{path}: the leaf names no column (`col` is empty)")]
    #[diagnostic(code(filterql::masterdata::decompile::empty_column))]
    EmptyColumn {
        /// Where.
        path: String,
    },
    /// The column's field type has no masterdata form.
    #[error("{path}: column `{col}` is a field of type {ty}, which has no masterdata form")]
    #[diagnostic(code(filterql::masterdata::decompile::unsupported_type))]
    UnsupportedType {
        /// Where.
        path: String,
        /// The column.
        col: String,
        /// The field type.
        ty: String,
    },
    /// A value that does not read as the column's type.
    #[error("{path}: {value:?} is not a {kind} value for column `{col}`")]
    #[diagnostic(code(filterql::masterdata::decompile::value))]
    Value {
        /// Where.
        path: String,
        /// The column.
        col: String,
        /// The value.
        value: String,
        /// What the column takes.
        kind: String,
        /// How such values are written.
        #[help]
        help: String,
    },
    /// An operator the language has no counterpart for on this column kind.
    #[error("{path}: {op} on {kind} field `{col}` has no query-language form")]
    #[diagnostic(code(filterql::masterdata::decompile::unsupported_op))]
    UnsupportedOp {
        /// Where.
        path: String,
        /// The operator.
        op: String,
        /// The column.
        col: String,
        /// The field type.
        kind: String,
    },
    /// A LIKE pattern other than `text`, `%text`, `text%`, `%text%`.
    #[error("{path}: LIKE pattern {pattern:?} has no query-language form")]
    #[diagnostic(
        code(filterql::masterdata::decompile::like_pattern),
        help("only `%` at the start and/or end is understood; `_`, `\\` and inner `%` are not")
    )]
    LikePattern {
        /// Where.
        path: String,
        /// The pattern.
        pattern: String,
    },
    /// The tree treats `NULL` and `""` in a text column differently; the language has
    /// one notion of *empty* for both.
    #[error("column `{col}`: the condition tells NULL from \"\", which the query language cannot")]
    #[diagnostic(
        code(filterql::masterdata::decompile::null_vs_empty),
        help("pair `ISNULL` with `EQUAL \"\"` (or `NOTNULL` with `NOT_EQUAL \"\"`) so both empties behave alike")
    )]
    NullVersusEmpty {
        /// The column.
        col: String,
    },
    /// The tree is too deep or too wide to decompile.
    #[error("the condition tree is too large to decompile: {reason}")]
    #[diagnostic(code(filterql::masterdata::decompile::too_large))]
    TooLarge {
        /// What limit it exceeds.
        reason: String,
    },
    /// The tree is constant.
    #[error("the condition is always {}; the query language has no constant", if *always { "true" } else { "false" })]
    #[diagnostic(code(filterql::masterdata::decompile::constant))]
    Constant {
        /// The constant.
        always: bool,
    },
    /// The query the tree reads as would be refused by the checker as a whole (e.g. it
    /// is longer than the query size limit).
    #[error("the tree reads as a query the checker rejects: {message}")]
    #[diagnostic(
        code(filterql::masterdata::decompile::rejected),
        help("the query language cannot state this tree as one query; split it into smaller conditions")
    )]
    Rejected {
        /// The checker's complaint.
        message: String,
    },
}
