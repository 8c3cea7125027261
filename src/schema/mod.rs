//! Form schemas: the field model, loaders for the native and jdy formats, name resolution.

mod types;

pub use types::FieldType;

use chrono::FixedOffset;

/// One field of a form.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Widget id or alias; the key in records.
    pub name: String,
    /// Human label (may be Chinese), if any.
    pub label: Option<String>,
    /// The field type.
    pub ty: FieldType,
    /// The platform's own widget type (`radiogroup`, `combocheck`, ...), if known.
    pub widget: Option<String>,
    /// SQL / masterdata column name when it differs from `name`.
    pub column: Option<String>,
    /// Allowed values of select / multiselect fields, when the schema lists them.
    pub options: Vec<String>,
    /// Child fields of a subform.
    pub fields: Vec<Field>,
    /// Whether this is one of the jdy system fields.
    pub system: bool,
}

/// A form schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    /// The fields, system fields included.
    pub fields: Vec<Field>,
    /// The time zone date literals are read in.
    pub timezone: FixedOffset,
    /// No schema was given: field types are inferred from literals.
    pub infer: bool,
}
