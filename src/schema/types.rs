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
    /// Every field type, in declaration order (for a type picker, or for going through
    /// them all; [`FieldType::name`] gives each one's name).
    pub const ALL: &'static [FieldType] = &[
        FieldType::Text,
        FieldType::Number,
        FieldType::Datetime,
        FieldType::Phone,
        FieldType::Flowstate,
        FieldType::Select,
        FieldType::Multiselect,
        FieldType::User,
        FieldType::Dept,
        FieldType::Usergroup,
        FieldType::Deptgroup,
        FieldType::Sn,
        FieldType::Subform,
        FieldType::Dataid,
        FieldType::Other,
    ];

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

#[cfg(test)]
mod tests {
    use super::FieldType;

    #[test]
    fn all_lists_every_type_once_in_order() {
        // The match has no wildcard: a new variant fails to compile here until it has a
        // place in the order, and the assertions then want it in `ALL`.
        let position = |t: FieldType| match t {
            FieldType::Text => 0,
            FieldType::Number => 1,
            FieldType::Datetime => 2,
            FieldType::Phone => 3,
            FieldType::Flowstate => 4,
            FieldType::Select => 5,
            FieldType::Multiselect => 6,
            FieldType::User => 7,
            FieldType::Dept => 8,
            FieldType::Usergroup => 9,
            FieldType::Deptgroup => 10,
            FieldType::Sn => 11,
            FieldType::Subform => 12,
            FieldType::Dataid => 13,
            FieldType::Other => 14,
        };
        assert_eq!(FieldType::ALL.len(), 15);
        for (i, t) in FieldType::ALL.iter().enumerate() {
            assert_eq!(position(*t), i, "{t}");
        }
    }
}
