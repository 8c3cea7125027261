//! The field model shared by every pass.

use serde::{Deserialize, Serialize};

/// The type of a schema field (grammar/README.md, "Fields").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// Single-line or multi-line text.
    Text,
    /// A number.
    Number,
    /// A date or datetime.
    Datetime,
    /// A phone number with a verified flag.
    Phone,
    /// Workflow state: 0 in progress, 1 done, 2 ended, 3 rejected.
    Flowstate,
    /// Single choice (jdy radiogroup / combo).
    Select,
    /// Multiple choice (jdy checkboxgroup / combocheck); the value is an array.
    Multiselect,
    /// A member (value: username).
    User,
    /// A department (value: department number).
    Dept,
    /// Several members.
    Usergroup,
    /// Several departments.
    Deptgroup,
    /// Serial number (text).
    Sn,
    /// A table of child rows.
    Subform,
    /// The record id (`_id`, jdy type `dataid`).
    Dataid,
    /// Anything else: only emptiness can be tested.
    Other,
}

impl FieldType {
    /// The lower-case name used in schema files and messages.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Number => "number",
            FieldType::Datetime => "datetime",
            FieldType::Phone => "phone",
            FieldType::Flowstate => "flowstate",
            FieldType::Select => "select",
            FieldType::Multiselect => "multiselect",
            FieldType::User => "user",
            FieldType::Dept => "dept",
            FieldType::Usergroup => "usergroup",
            FieldType::Deptgroup => "deptgroup",
            FieldType::Sn => "sn",
            FieldType::Subform => "subform",
            FieldType::Dataid => "dataid",
            FieldType::Other => "other",
        }
    }
}

impl std::fmt::Display for FieldType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
