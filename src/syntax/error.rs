//! Syntax diagnostics (`filterql::syntax::...`).
//!
//! Every variant has exactly one label, on the token the user has to change, so that
//! the rendered report and the JSON form agree on where the problem is.

use crate::span::Span;

/// A lexical or grammatical error in the query text, or a violated size limit.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum SyntaxError {
    /// The grammar allows something else here.
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(filterql::syntax::expected))]
    Expected {
        /// What the grammar allows here.
        expected: String,
        /// The token found instead, as written (or `end of query`).
        found: String,
        /// The offending token.
        #[label("expected {expected}")]
        span: Span,
        /// A likely fix, when one is known.
        #[help]
        help: Option<String>,
    },

    /// An operator is not followed by its operand.
    #[error("expected a value after {after}, found {found}")]
    #[diagnostic(
        code(filterql::syntax::missing_value),
        help("write a value here: a \"string\", a number, a date such as 2024-01-31, true/false, or now/today")
    )]
    MissingValue {
        /// The operator or keyword that needs a value, in backticks.
        after: String,
        /// The token found instead.
        found: String,
        /// Where the value should be.
        #[label("value missing here")]
        span: Span,
    },

    /// `:` written where a comparison operator belongs (`status: done`).
    #[error("expected a comparison operator, found `:`")]
    #[diagnostic(
        code(filterql::syntax::colon_operator),
        help("write `=` to compare a field with a value, e.g. `status = \"done\"`")
    )]
    ColonOperator {
        /// The colon.
        #[label("`:` is not an operator")]
        span: Span,
    },

    /// A single `&` or `|`.
    #[error("expected `{double}` or `{word}`, found `{single}`")]
    #[diagnostic(code(filterql::syntax::single_operator))]
    SingleOperator {
        /// `&` or `|`.
        single: &'static str,
        /// `&&` or `||`.
        double: &'static str,
        /// `and` or `or`.
        word: &'static str,
        /// The lone character.
        #[label("write `{double}` or `{word}`")]
        span: Span,
        /// Suggests doubling the character.
        #[help]
        help: String,
    },

    /// A keyword written where a field name is expected.
    #[error("expected a field name, found keyword `{keyword}`")]
    #[diagnostic(code(filterql::syntax::keyword_as_field))]
    KeywordAsField {
        /// The keyword as written.
        keyword: String,
        /// The keyword.
        #[label("`{keyword}` is a keyword")]
        span: Span,
        /// Suggests backticks.
        #[help]
        help: String,
    },

    /// A string literal without its closing quote.
    #[error("unclosed string: expected a closing {quote}, found end of query")]
    #[diagnostic(code(filterql::syntax::unclosed_string))]
    UnclosedString {
        /// The quote character, in backticks.
        quote: &'static str,
        /// The opening quote.
        #[label("this string is never closed")]
        span: Span,
        /// Suggests where to close it.
        #[help]
        help: String,
    },

    /// A backtick-quoted field name without its closing backtick.
    #[error("unclosed field name: expected a closing backtick, found end of query")]
    #[diagnostic(
        code(filterql::syntax::unclosed_field),
        help("close the field name with a backtick; write a backtick inside it as two backticks")
    )]
    UnclosedField {
        /// The opening backtick.
        #[label("this field name is never closed")]
        span: Span,
    },

    /// A parenthesis or bracket without its closing partner.
    #[error("unclosed {open}: expected {close}, found {found}")]
    #[diagnostic(code(filterql::syntax::unclosed_paren))]
    UnclosedParen {
        /// The opening character, in backticks.
        open: &'static str,
        /// The closing character, in backticks.
        close: &'static str,
        /// What was found instead of the closing character.
        found: String,
        /// The opening parenthesis or bracket.
        #[label("this {open} is never closed")]
        span: Span,
        /// Suggests closing it.
        #[help]
        help: String,
    },

    /// A closing parenthesis without an opening one.
    #[error("unmatched `)`: there is no `(` to close")]
    #[diagnostic(
        code(filterql::syntax::unmatched_paren),
        help("remove this `)` or add the missing `(` before it")
    )]
    UnmatchedParen {
        /// The closing parenthesis.
        #[label("no `(` to close")]
        span: Span,
    },

    /// An escape sequence a string literal does not support.
    #[error("invalid escape {escape} in string")]
    #[diagnostic(
        code(filterql::syntax::invalid_escape),
        help(r#"the escapes are \\ \" \' \n \r \t and \u{{XXXX}} (1 to 6 hex digits of a Unicode scalar value)"#)
    )]
    InvalidEscape {
        /// The escape as written, in backticks.
        escape: String,
        /// The escape sequence.
        #[label("invalid escape")]
        span: Span,
    },

    /// A `\u{` in a backtick-quoted field name that is not a valid escape.
    #[error("invalid escape {escape} in a field name")]
    #[diagnostic(
        code(filterql::syntax::invalid_field_escape),
        help(r#"in a field name between backticks, \u{{XXXX}} (1 to 6 hex digits of a Unicode scalar value) stands for one character; write a backslash followed by `u{{` as \u{{5c}}u{{"#)
    )]
    InvalidFieldEscape {
        /// The escape as written, in backticks.
        escape: String,
        /// The escape sequence.
        #[label("invalid escape")]
        span: Span,
    },

    /// A numeric literal that is not zero or a normal finite 64-bit float (it overflows,
    /// or is so close to zero that it would round to a subnormal value or to 0).
    #[error("number {text} is out of range")]
    #[diagnostic(
        code(filterql::syntax::number_out_of_range),
        help(
            "numbers are 64-bit floating point values: 0, or a magnitude between about 2.2e-308 and 1.8e308"
        )
    )]
    NumberOutOfRange {
        /// The literal as written, in backticks.
        text: String,
        /// The literal.
        #[label("out of range")]
        span: Span,
    },

    /// An integer literal beyond ±2^53 that no 64-bit float holds exactly: compared as
    /// the nearest one, it would select records with a different number.
    #[error("number {text} cannot be compared exactly")]
    #[diagnostic(
        code(filterql::syntax::inexact_number),
        help(
            "numbers are 64-bit floating point values, which hold integers beyond ±9007199254740992 (2^53) only in steps; the nearest one is {nearest}: write that, or a range such as `between`"
        )
    )]
    InexactNumber {
        /// The literal as written, in backticks.
        text: String,
        /// The nearest value a 64-bit float holds, in exact digits.
        nearest: String,
        /// The literal.
        #[label("not exactly a 64-bit float")]
        span: Span,
    },

    /// A malformed numeric literal (`1.`, `1e`, `12abc`).
    #[error("invalid number {text}")]
    #[diagnostic(
        code(filterql::syntax::invalid_number),
        help("write numbers as 42, -3.5 or 1e6; quote text such as \"12abc\"")
    )]
    InvalidNumber {
        /// The literal as written, in backticks.
        text: String,
        /// The literal.
        #[label("not a number")]
        span: Span,
    },

    /// A date or datetime literal that names no real calendar date or time.
    #[error("invalid date {text}: {reason}")]
    #[diagnostic(
        code(filterql::syntax::invalid_date),
        help("dates are YYYY-MM-DD; datetimes YYYY-MM-DDThh:mm[:ss[.fff]] with an optional Z or ±hh:mm")
    )]
    InvalidDate {
        /// The literal as written, in backticks.
        text: String,
        /// What is wrong with it.
        reason: &'static str,
        /// The literal.
        #[label("{reason}")]
        span: Span,
    },

    /// A `now`/`today` offset whose amount does not fit.
    #[error("relative time offset {text} is out of range")]
    #[diagnostic(
        code(filterql::syntax::relative_out_of_range),
        help("offsets such as `now - 3d` or `today + 1w` take an amount of at most 9223372036854775807")
    )]
    RelativeOutOfRange {
        /// The offset as written, in backticks.
        text: String,
        /// The amount.
        #[label("too large")]
        span: Span,
    },

    /// `()` or `[]` where a list of values is expected.
    #[error("empty list: a list needs at least one value")]
    #[diagnostic(
        code(filterql::syntax::empty_list),
        help(
            "an empty list would match nothing (or everything, negated); write at least one value"
        )
    )]
    EmptyList {
        /// The list.
        #[label("empty list")]
        span: Span,
    },

    /// `` `` `` as a field name or path segment.
    #[error("empty field name")]
    #[diagnostic(
        code(filterql::syntax::empty_field),
        help("write the field's name or label between the backticks")
    )]
    EmptyField {
        /// The empty quoted name.
        #[label("empty name")]
        span: Span,
    },

    /// Nothing but whitespace and comments.
    #[error("empty query")]
    #[diagnostic(
        code(filterql::syntax::empty_query),
        help("write a condition such as `status = \"done\"`; an empty filter is rejected rather than matching everything")
    )]
    EmptyQuery {
        /// The end of the text.
        #[label("expected a condition")]
        span: Span,
    },

    /// Parentheses and `not` nested deeper than `crate::syntax::MAX_DEPTH`.
    #[error("query nested too deeply: more than {max} levels of parentheses and `not`")]
    #[diagnostic(
        code(filterql::syntax::too_deep),
        help("remove redundant parentheses or double negations")
    )]
    TooDeep {
        /// The limit.
        max: usize,
        /// The first token beyond the limit.
        #[label("nesting limit exceeded here")]
        span: Span,
    },

    /// A query longer than `crate::syntax::MAX_INPUT_BYTES`.
    #[error("query too large: {size} bytes, the limit is {max} bytes")]
    #[diagnostic(
        code(filterql::syntax::too_large),
        help("split the filter, or use a shorter list of values")
    )]
    TooLarge {
        /// The query's size in bytes.
        size: usize,
        /// The limit.
        max: usize,
        /// The part of the query beyond the limit.
        #[label("limit exceeded from here")]
        span: Span,
    },
}

impl SyntaxError {
    /// The primary span of the diagnostic.
    pub fn span(&self) -> Span {
        match self {
            SyntaxError::Expected { span, .. }
            | SyntaxError::MissingValue { span, .. }
            | SyntaxError::ColonOperator { span }
            | SyntaxError::SingleOperator { span, .. }
            | SyntaxError::KeywordAsField { span, .. }
            | SyntaxError::UnclosedString { span, .. }
            | SyntaxError::UnclosedField { span }
            | SyntaxError::UnclosedParen { span, .. }
            | SyntaxError::UnmatchedParen { span }
            | SyntaxError::InvalidEscape { span, .. }
            | SyntaxError::InvalidFieldEscape { span, .. }
            | SyntaxError::NumberOutOfRange { span, .. }
            | SyntaxError::InexactNumber { span, .. }
            | SyntaxError::InvalidNumber { span, .. }
            | SyntaxError::InvalidDate { span, .. }
            | SyntaxError::RelativeOutOfRange { span, .. }
            | SyntaxError::EmptyList { span }
            | SyntaxError::EmptyField { span }
            | SyntaxError::EmptyQuery { span }
            | SyntaxError::TooDeep { span, .. }
            | SyntaxError::TooLarge { span, .. } => *span,
        }
    }
}
