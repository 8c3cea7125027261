//! Check diagnostics (`filterql::check::...`).

use crate::schema::{FieldType, ResolveError};
use crate::span::Span;
use crate::syntax::ast::Field as AstField;

/// A name-resolution or type error (or the no-schema warning).
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum CheckError {
    /// No field has this name or label.
    #[error("unknown field `{name}`")]
    #[diagnostic(code(filterql::check::unknown_field), help("{help}"))]
    UnknownField {
        /// The name written (dotted for a subform column).
        name: String,
        /// "did you mean" or where to look.
        help: String,
        /// The field reference.
        #[label("not a field of this form")]
        span: Span,
    },
    /// A label carried by several fields.
    #[error("`{name}` is ambiguous: {count} fields carry this label")]
    #[diagnostic(
        code(filterql::check::ambiguous_field),
        help("write the field's name instead of its label: {candidates}")
    )]
    AmbiguousField {
        /// The label written.
        name: String,
        /// How many fields carry it.
        count: usize,
        /// The first few fields carrying it, as "`a`, `b`" (then "and 3 more").
        candidates: String,
        /// The field reference.
        #[label("matches several fields")]
        span: Span,
    },
    /// A dotted path through a field that is not a subform.
    #[error("`{name}` is {article} {ty} field, not a subform: it has no columns")]
    #[diagnostic(
        code(filterql::check::not_a_subform),
        help("only subform fields have columns (`subform.column`); quote a name containing a dot with backticks")
    )]
    NotASubform {
        /// The path up to the offending segment.
        name: String,
        /// Its type.
        ty: FieldType,
        /// "a" or "an", for the type.
        article: &'static str,
        /// The field reference.
        #[label("not a subform")]
        span: Span,
    },
    /// An operator applied to a field type that does not support it.
    #[error("`{op}` does not apply to {article} {ty} field (`{field}`)")]
    #[diagnostic(code(filterql::check::operator_type), help("{help}"))]
    OperatorType {
        /// The operator as written in canonical form.
        op: String,
        /// The field's type.
        ty: FieldType,
        /// "a" or "an", for the type.
        article: &'static str,
        /// The field as written.
        field: String,
        /// What the type supports.
        help: String,
        /// The operator.
        #[label("not defined on {ty}")]
        span: Span,
    },
    /// A literal of the wrong kind for the field.
    #[error("{field} expects {expected}, found {found}")]
    #[diagnostic(code(filterql::check::literal_type), help("{help}"))]
    LiteralType {
        /// The field, e.g. "number field `amount`".
        field: String,
        /// What the field needs, e.g. "a number".
        expected: String,
        /// What was written, e.g. "a string".
        found: String,
        /// How to write it.
        help: String,
        /// The literal.
        #[label("expected {expected}")]
        span: Span,
    },
    /// `= ""` and friends: an empty value never equals anything.
    #[error("empty string as a value of `{field}`")]
    #[diagnostic(
        code(filterql::check::empty_string),
        help("an empty value is never equal to anything; to find records where the field is empty write `{field} is empty`")
    )]
    EmptyString {
        /// The field as written.
        field: String,
        /// The literal.
        #[label("empty string")]
        span: Span,
    },
    /// `contains ""`: meaningless.
    #[error("empty operand of `{op}`")]
    #[diagnostic(
        code(filterql::check::empty_text_operand),
        help(
            "every text contains the empty string; give a non-empty text, or write `is not empty`"
        )
    )]
    EmptyTextOperand {
        /// The text operator.
        op: String,
        /// The literal.
        #[label("empty string")]
        span: Span,
    },
    /// A value that is not one of a select field's options.
    #[error("`{value}` is not an option of `{field}`")]
    #[diagnostic(code(filterql::check::unknown_option), help("{help}"))]
    UnknownOption {
        /// The value written.
        value: String,
        /// The field as written.
        field: String,
        /// "did you mean" or the options.
        help: String,
        /// The literal.
        #[label("not an option")]
        span: Span,
    },
    /// A flow state that is not 0–3 or one of its labels.
    #[error("`{found}` is not a flow state")]
    #[diagnostic(
        code(filterql::check::flow_state),
        help("a flow state is 0 or \"进行中\" (in progress), 1 or \"已完成\" (done), 2 or \"手动结束\" (ended), 3 or \"否决\" (rejected)")
    )]
    FlowState {
        /// The value written.
        found: String,
        /// The literal.
        #[label("not 0, 1, 2 or 3")]
        span: Span,
    },
    /// `between a and b` with `a` after `b`: it would match nothing.
    #[error("empty range: the lower bound is above the upper bound")]
    #[diagnostic(
        code(filterql::check::empty_range),
        help("`between` takes the lower bound first: `x between low and high`")
    )]
    EmptyRange {
        /// The bounds.
        #[label("matches no value")]
        span: Span,
    },
    /// `today + 3h`: `today` denotes a whole day.
    #[error("`today` can only move by days, weeks, months, quarters or years")]
    #[diagnostic(
        code(filterql::check::today_unit),
        help("`today` denotes a whole day; use `now + 3h` for an instant, or `today + 1d`")
    )]
    TodayUnit {
        /// The literal.
        #[label("minutes or hours")]
        span: Span,
    },
    /// A date or time outside the representable range.
    #[error("date or time out of range")]
    #[diagnostic(
        code(filterql::check::out_of_range),
        help("dates must lie between the years -262143 and 262142")
    )]
    OutOfRange {
        /// The literal.
        #[label("cannot be represented")]
        span: Span,
    },
    /// A syntax tree deeper than any parsed query can be.
    #[error("expression nested too deeply")]
    #[diagnostic(
        code(filterql::check::too_deep),
        help("flatten the expression: at most {max} levels of `not` and parentheses")
    )]
    TooDeep {
        /// The limit.
        max: usize,
        /// The expression.
        #[label("too deep")]
        span: Span,
    },
    /// An `and`/`or` group or a value list without operands (only hand-built trees).
    #[error("empty {what}")]
    #[diagnostic(
        code(filterql::check::empty),
        help("an empty {what} has no meaning a filter could keep; give at least one operand")
    )]
    Empty {
        /// "`and` group", "`or` group" or "list".
        what: String,
        /// Where.
        #[label("empty")]
        span: Span,
    },
    /// No-schema mode: two uses of a field imply different types.
    #[error("conflicting uses of `{field}`: used as {now} here, but as {before} before")]
    #[diagnostic(
        code(filterql::check::conflicting_types),
        help("without a schema a field's type is inferred from its uses; they must agree (or pass a schema)")
    )]
    ConflictingTypes {
        /// The field as written.
        field: String,
        /// The type this use implies.
        now: String,
        /// The type earlier uses implied.
        before: String,
        /// This use.
        #[label("used as {now}")]
        span: Span,
    },
    /// No-schema mode: a field whose only typed uses are booleans, which no field type
    /// takes (jdy has no boolean widget).
    #[error("booleans are values of no field type, so `{field}` cannot be compared with one")]
    #[diagnostic(
        code(filterql::check::boolean_value),
        help("test emptiness with `is [not] empty`, a phone with `verified`; if the field holds the text \"true\" or a number, write that")
    )]
    BooleanValue {
        /// The field as written.
        field: String,
        /// The boolean literal.
        #[label("no field type takes a boolean")]
        span: Span,
    },
    /// `= now` or `!= now` (with or without an offset) on a datetime field: an exact
    /// millisecond, which almost no record is stamped at (so `=` is nearly always false
    /// and `!=` nearly always true).
    #[error("`{op} now` compares with one exact millisecond: {effect}")]
    #[diagnostic(
        code(filterql::check::exact_now),
        severity(Warning),
        help("compare by day with `= today`, or give a window such as `>= now - 1h`")
    )]
    ExactNow {
        /// The operator as written canonically (`=` or `!=`).
        op: &'static str,
        /// "almost no record matches it" (`=`), "almost every record matches it" (`!=`).
        effect: &'static str,
        /// The `now` operand.
        #[label("this exact instant")]
        span: Span,
    },
    /// No-schema mode: the types the checker inferred.
    #[error("no schema: field types inferred from the query: {list}")]
    #[diagnostic(
        code(filterql::check::inferred_types),
        severity(Warning),
        help("compile against the form's schema to check field names and types; without one, types are inferred from how the query uses each field")
    )]
    InferredTypes {
        /// "`a`: number, `b`: text".
        list: String,
        /// The whole query.
        #[label("types inferred")]
        span: Span,
    },
}

impl CheckError {
    /// The diagnostic for a field reference that did not resolve.
    pub(crate) fn from_resolve(e: ResolveError, field: &AstField) -> CheckError {
        let path = &field.path;
        let upto = |segment: usize| path[..=segment.min(path.len().saturating_sub(1))].join(".");
        match e {
            ResolveError::Unknown {
                segment,
                suggestions,
            } => {
                let prefix = if segment > 0 {
                    format!("{}.", path[..segment].join("."))
                } else {
                    String::new()
                };
                let quoted: Vec<String> = suggestions
                    .iter()
                    .map(|s| format!("`{prefix}{s}`"))
                    .collect();
                let help = match quoted.as_slice() {
                    [] if segment > 0 => format!(
                        "`{}` is a subform; this is not one of its columns",
                        path[..segment].join(".")
                    ),
                    [] => "fields are found by name or by label; check the spelling against the schema"
                        .to_owned(),
                    [one] => format!("did you mean {one}?"),
                    [init @ .., last] => format!("did you mean {} or {last}?", init.join(", ")),
                };
                CheckError::UnknownField {
                    name: upto(segment),
                    help,
                    span: field.span,
                }
            }
            ResolveError::Ambiguous {
                segment,
                candidates,
                total,
            } => {
                let mut listed = candidates
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                if total > candidates.len() {
                    listed.push_str(&format!(" and {} more", total - candidates.len()));
                }
                CheckError::AmbiguousField {
                    name: upto(segment),
                    count: total,
                    candidates: listed,
                    span: field.span,
                }
            }
            ResolveError::NotASubform { segment, ty } => CheckError::NotASubform {
                name: upto(segment),
                ty,
                article: super::rules::article(ty),
                span: field.span,
            },
            ResolveError::EmptyPath => CheckError::UnknownField {
                name: String::new(),
                help: "a predicate needs a field".to_owned(),
                span: field.span,
            },
        }
    }
}
