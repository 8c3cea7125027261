//! The typed, resolved predicate tree every backend consumes.
//!
//! `check` turns an [`crate::syntax::ast::Expr`] into a [`Pred`]; `normalize` rewrites it
//! into negation normal form. Semantics (DESIGN §3) are two-valued: a [`Leaf`] with
//! `negated: true` matches exactly the records the positive leaf does not match,
//! **including records where the field is empty**. Backends on three-valued engines must
//! add the explicit emptiness arms themselves.

use crate::schema::FieldType;
use crate::span::Span;

/// A predicate over one record.
#[derive(Clone, Debug, PartialEq)]
pub enum Pred {
    /// Matches every record (only produced by constant folding; never a whole query).
    True,
    /// Matches no record (e.g. an empty range after merging).
    False,
    /// All operands match. Normalized: at least two operands, none of them `And`.
    And(Vec<Pred>),
    /// Some operand matches. Normalized: at least two operands, none of them `Or`.
    Or(Vec<Pred>),
    /// The complement. Normalized trees have no `Not`: negation sits in [`Leaf::negated`].
    Not(Box<Pred>),
    /// A test on one field.
    Leaf(Leaf),
}

/// A test on one field, optionally complemented.
#[derive(Clone, Debug, PartialEq)]
pub struct Leaf {
    /// The resolved field.
    pub field: FieldRef,
    /// The positive test.
    pub test: Test,
    /// Two-valued complement of `test`: true exactly where `test` is false, empty
    /// values included.
    pub negated: bool,
    /// The source predicate, for diagnostics.
    pub span: Span,
}

/// A field resolved against the schema.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldRef {
    /// The field's name (jdy widget id or alias); the key in a record.
    pub name: String,
    /// For a subform column, the subform's name; the leaf then matches when **some**
    /// row of the subform satisfies the test (and its negation when no row does).
    pub subform: Option<String>,
    /// The field type.
    pub ty: FieldType,
    /// The platform's own type name (jdy widget type such as `radiogroup`), if known.
    pub widget: Option<String>,
    /// The SQL / masterdata column name (defaults to `name`).
    pub column: String,
    /// The label, when the schema has one (for messages and decompiled text).
    pub label: Option<String>,
}

/// The positive tests. Every test is false on an empty value except [`Test::Empty`].
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    /// Equal to the value (exact and case-sensitive for text).
    Eq(Scalar),
    /// Equal to one of the values (deduplicated, at least one).
    In(Vec<Scalar>),
    /// Within the range. `<`, `<=`, `>`, `>=`, `between`, a date literal on a datetime
    /// field and merged bounds all become ranges.
    Range(Range),
    /// The value is empty: absent, null, `""`, `[]`, or a phone with no number.
    Empty,
    /// A phone number is filled in and verified.
    Verified,
    /// A phone number is filled in and not verified.
    Unverified,
    /// Text test with a non-empty operand.
    Text(crate::syntax::ast::TextOp, String),
    /// A multi-select value contains at least one of the values.
    HasAny(Vec<Scalar>),
    /// A multi-select value contains every one of the values.
    HasAll(Vec<Scalar>),
}

/// A range with optional ends; at least one end is present.
#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    /// Lower end.
    pub lo: Option<Bound>,
    /// Upper end.
    pub hi: Option<Bound>,
}

/// One end of a [`Range`].
#[derive(Clone, Debug, PartialEq)]
pub struct Bound {
    /// The end value.
    pub value: Scalar,
    /// Whether the end itself is included.
    pub inclusive: bool,
}

/// A typed value.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// Text (also select options, usernames, ids, serial numbers).
    Text(String),
    /// A finite number (also flow states and department numbers).
    Number(f64),
    /// An instant, in milliseconds since the Unix epoch (UTC).
    DateTime(i64),
    /// A boolean.
    Bool(bool),
}

impl Pred {
    /// A leaf predicate.
    pub fn leaf(field: FieldRef, test: Test, negated: bool, span: Span) -> Pred {
        Pred::Leaf(Leaf {
            field,
            test,
            negated,
            span,
        })
    }
}
