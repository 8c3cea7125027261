//! The typed, resolved predicate tree every backend consumes.
//!
//! `check` turns an [`crate::syntax::ast::Expr`] into a [`Pred`]; `normalize` rewrites it
//! into negation normal form. Semantics (grammar/README.md, "What a query means") are two-valued: a [`Leaf`] with
//! `negated: true` matches exactly the records the positive leaf does not match,
//! **including records where the field is empty**. Backends on three-valued engines must
//! add the explicit emptiness arms themselves.

use crate::schema::FieldType;
use crate::span::Span;
pub use crate::syntax::ast::Str;
use std::fmt;
use std::sync::{Arc, OnceLock};

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
#[derive(Clone, Debug)]
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

/// A field resolved against the schema: a shared handle to its [`FieldInfo`].
///
/// Every leaf carries one, so it is an `Arc`: the checker hands out clones of the
/// schema's prebuilt handles instead of copying four strings per leaf. It dereferences
/// to [`FieldInfo`] (`leaf.field.name`, `leaf.field.ty`, ...); equality is by content
/// (handles from one schema are equal by identity, which is checked first).
#[derive(Clone)]
pub struct FieldRef(Arc<Handle>);

/// What a [`FieldRef`] points to: the field, and text a backend derives from it alone
/// and would otherwise rebuild for every leaf of every query on the field.
#[derive(Clone)]
struct Handle {
    info: FieldInfo,
    /// The jdy condition head `{"field":"…","type":"…` as JSON text, built on first use
    /// (see [`FieldRef::jdy_head`]). Handles are shared by the schema's index, so it is
    /// built once per field, not once per query.
    jdy_head: OnceLock<Box<str>>,
}

impl PartialEq for FieldRef {
    fn eq(&self, other: &FieldRef) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.info == other.0.info
    }
}

impl Eq for FieldRef {}

impl std::hash::Hash for FieldRef {
    // Name and subform identify a field within a schema; hashing just them is consistent
    // with equality (equal handles have equal names) and skips the other strings.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.info.name.hash(state);
        self.0.info.subform.hash(state);
    }
}

impl FieldRef {
    /// A top-level field of type `ty` whose column is its name, without a widget or a
    /// label: the field of the unit tests.
    #[cfg(test)]
    pub(crate) fn top(name: &str, ty: crate::FieldType) -> FieldRef {
        FieldRef::new(FieldInfo {
            name: name.into(),
            subform: None,
            ty,
            widget: None,
            column: name.into(),
            label: None,
        })
    }

    /// A handle to `info`.
    pub fn new(info: FieldInfo) -> FieldRef {
        FieldRef(Arc::new(Handle {
            info,
            jdy_head: OnceLock::new(),
        }))
    }

    /// The field's data for changing (copied first if the handle is shared).
    pub fn info_mut(&mut self) -> &mut FieldInfo {
        let handle = Arc::make_mut(&mut self.0);
        // Derived from the data about to change.
        handle.jdy_head = OnceLock::new();
        &mut handle.info
    }

    /// The jdy backend's condition head for this field, built by `build` the first time.
    pub(crate) fn jdy_head(&self, build: impl FnOnce(&FieldInfo) -> Box<str>) -> &str {
        self.0.jdy_head.get_or_init(|| build(&self.0.info))
    }
}

impl std::ops::Deref for FieldRef {
    type Target = FieldInfo;
    fn deref(&self) -> &FieldInfo {
        &self.0.info
    }
}

impl From<FieldInfo> for FieldRef {
    fn from(info: FieldInfo) -> FieldRef {
        FieldRef::new(info)
    }
}

impl fmt::Debug for FieldRef {
    // Printed as the struct it stands for, so IR dumps read the same as before.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.0.info;
        f.debug_struct("FieldRef")
            .field("name", &i.name)
            .field("subform", &i.subform)
            .field("ty", &i.ty)
            .field("widget", &i.widget)
            .field("column", &i.column)
            .field("label", &i.label)
            .finish()
    }
}

/// What the IR knows of a resolved field.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldInfo {
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
    Text(crate::syntax::ast::TextOp, Str),
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
    /// Text (also select options, usernames, ids, serial numbers). Usually a slice of the
    /// query text, shared with it rather than copied (see [`Str`]).
    Text(Str),
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

impl serde::Serialize for Str {
    /// As the string it holds (IR text values serialize like the `String`s they replace).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

impl PartialEq for Leaf {
    /// Equal tests on equal fields, wherever they were written (the span is ignored).
    fn eq(&self, other: &Leaf) -> bool {
        let Leaf {
            field,
            test,
            negated,
            span: _,
        } = self;
        *field == other.field && *test == other.test && *negated == other.negated
    }
}
