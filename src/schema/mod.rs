//! Form schemas: the field model, loaders for the native and jdy formats, name resolution.
//!
//! A [`Schema`] is a flat list of top-level [`Field`]s (subforms carry their columns in
//! [`Field::fields`]) plus the time zone date literals are read in. Load one with
//! [`Schema::from_json`] (native or jdy widget-list format, detected automatically), use
//! [`Schema::demo`] for the built-in demo form, or [`Schema::none`] to let the checker
//! infer field types from the query.
//!
//! Resolution ([`Schema::resolve`], [`Resolver`]): each segment of a field path is looked
//! up among the fields of its level (the form, then the subform's columns) by exact name
//! first, then by exact alias ([`Field::aliases`]: a jdy widget id whose record key is
//! an alias), then by exact label, so a name always wins over another field's alias or
//! label. A label
//! carried by several fields is ambiguous (the error lists their names). An unknown
//! segment gets suggestions: the names or labels (compared case-insensitively, in
//! characters, a swapped pair of neighbours counting as one edit) within one edit for a
//! segment of up to 4 characters, two edits up to 8, a third of its length beyond, all
//! of those tied at the smallest distance, at most three.
//!
//! ```
//! use filterql::{FieldType, Schema};
//! let schema = Schema::from_json(r#"{"fields":[{"name":"_widget_1","label":"手机","type":"phone"}]}"#)
//!     .unwrap();
//! // By name, by label, and the system fields every jdy form has:
//! assert_eq!(schema.resolve_str("手机").unwrap().field.name, "_widget_1");
//! assert_eq!(schema.resolve_str("createTime").unwrap().field.ty, FieldType::Datetime);
//! ```

mod demo;
mod load;
mod resolve;
mod types;

pub use load::{parse_offset, SchemaError};
pub use resolve::{edit_distance, Resolution, ResolveError, Resolver};
pub use types::FieldType;
pub(crate) use load::jdy_type;

use crate::ir::{FieldInfo, FieldRef};
use chrono::{FixedOffset, Offset as _};

/// One field of a form.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The key in records, and the name `FieldInfo::name`
    /// carries to every backend: for a jdy widget with an alias, the alias (jdy returns
    /// data keyed by alias when one is set, and its filter API accepts the alias as well
    /// as the widget id); otherwise the widget id (`_widget_…`).
    pub name: String,
    /// Other names the field resolves by, tried after every field's `name` and before
    /// labels: the jdy widget id (`widgetName`) of a widget whose `name` is an alias, or
    /// the native format's `aliases`. They never reach the IR: a query written with one
    /// compiles to the same `FieldRef` as one written with `name`.
    pub aliases: Vec<String>,
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

impl Field {
    /// A plain field with a name and a type and nothing else.
    pub fn new(name: impl Into<String>, ty: FieldType) -> Field {
        Field {
            name: name.into(),
            aliases: Vec::new(),
            label: None,
            ty,
            widget: None,
            column: None,
            options: Vec::new(),
            fields: Vec::new(),
            system: false,
        }
    }

    /// The same field with a label.
    pub fn with_label(mut self, label: impl Into<String>) -> Field {
        self.label = Some(label.into());
        self
    }

    /// The resolved reference backends consume; `subform` is the enclosing subform's
    /// name when this field is one of its columns.
    pub fn to_ref(&self, subform: Option<&str>) -> FieldRef {
        FieldRef::new(FieldInfo {
            name: self.name.clone(),
            subform: subform.map(str::to_owned),
            ty: self.ty,
            widget: self.widget.clone(),
            column: self.column.clone().unwrap_or_else(|| self.name.clone()),
            label: self.label.clone(),
        })
    }
}

/// A form schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Schema {
    /// The fields, system fields included (read with [`Schema::fields`]; private so that
    /// every change goes through [`Schema::fields_mut`], which drops the name index).
    fields: Vec<Field>,
    /// The time zone date literals are read in.
    pub timezone: FixedOffset,
    /// No schema was given: field types are inferred from literals.
    pub infer: bool,
    /// The name and label index, built on first use.
    index: resolve::IndexCell,
}

/// The default time zone of jdy forms: China Standard Time (+08:00).
pub fn default_timezone() -> FixedOffset {
    // 8 hours is within FixedOffset's ±24h range, so the fallback is never taken.
    FixedOffset::east_opt(8 * 3600).unwrap_or(chrono::Utc.fix())
}

/// The jdy system fields present in every form: `_id`, `createTime`, `updateTime`,
/// `creator`, `updater`, `flowState`, with their Chinese labels.
pub fn system_fields() -> Vec<Field> {
    let sys = |name: &str, label: &str, ty: FieldType, widget: &str| Field {
        widget: Some(widget.to_owned()),
        system: true,
        ..Field::new(name, ty).with_label(label)
    };
    vec![
        sys("_id", "数据ID", FieldType::Dataid, "dataid"),
        sys("createTime", "提交时间", FieldType::Datetime, "datetime"),
        sys("updateTime", "更新时间", FieldType::Datetime, "datetime"),
        sys("creator", "提交人", FieldType::User, "user"),
        sys("updater", "修改人", FieldType::User, "user"),
        sys("flowState", "流程状态", FieldType::Flowstate, "flowstate"),
    ]
}

impl Schema {
    /// A schema of `fields` plus the system fields (a field of the same name as a system
    /// field replaces it), in time zone +08:00.
    pub fn new(fields: Vec<Field>) -> Schema {
        let mut all = fields;
        for sys in system_fields() {
            if !all.iter().any(|f| f.name == sys.name) {
                all.push(sys);
            }
        }
        Schema::exact(all)
    }

    /// A schema of exactly `fields` (no system fields added), in time zone +08:00.
    pub fn exact(fields: Vec<Field>) -> Schema {
        Schema {
            fields,
            timezone: default_timezone(),
            infer: false,
            index: resolve::IndexCell::default(),
        }
    }

    /// The same schema reading dates in `tz`.
    pub fn with_timezone(self, tz: FixedOffset) -> Schema {
        Schema {
            timezone: tz,
            ..self
        }
    }

    /// The fields, system fields included.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The fields, for changing them.
    pub fn fields_mut(&mut self) -> &mut Vec<Field> {
        self.index.clear();
        &mut self.fields
    }

    /// The fields, taken out of the schema.
    pub fn into_fields(self) -> Vec<Field> {
        self.fields
    }

    /// The name and label index (built on first use, then kept).
    pub(crate) fn index(&self) -> &resolve::Index {
        self.index.get(&self.fields)
    }

    /// No-schema mode: only the system fields are known; the checker infers the type of
    /// every other field from how the query uses it and warns that it did
    /// (`filterql::check::inferred_types`).
    pub fn none() -> Schema {
        Schema {
            infer: true,
            ..Schema::new(Vec::new())
        }
    }

    /// The built-in demo form used by the REPL, modelled on the jdy list-filter example.
    ///
    /// | name | label | type |
    /// |---|---|---|
    /// | `class` | 班级 | text |
    /// | `amount` | 金额 | number |
    /// | `phone` | 手机 | phone |
    /// | `status` | 状态 | select: open, pending, closed |
    /// | `tags` | 标签 | multiselect: red, blue, green |
    /// | `due` | 截止时间 | datetime |
    /// | `owner` | 负责人 | user |
    /// | `dept` | 部门 | dept |
    /// | `sn` | 流水号 | sn |
    /// | `order no` | 订单号 | text |
    /// | `items` | 明细 | subform: `name` 物品 (text), `qty` 数量 (number) |
    ///
    /// plus the system fields, so the README's examples (`createTime >= 2022-01-01 and
    /// phone verified`, `tags has any ("red", "blue")`, ...) check.
    pub fn demo() -> Schema {
        demo::demo()
    }

    /// The top-level field named exactly `name` (no alias or label lookup).
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The top-level field with this name, else with this alias, else the one field with
    /// this label; `None`
    /// when there is none or the label is ambiguous (use [`Schema::resolve`] to learn
    /// why).
    pub fn lookup(&self, name_or_label: &str) -> Option<&Field> {
        self.resolve(std::slice::from_ref(&name_or_label.to_owned()))
            .ok()
            .map(|r| r.field)
    }

    /// The resolved reference of a field given by name or label, dotted for a subform
    /// column (`items.qty`); `None` when it does not resolve to exactly one field.
    pub fn field_ref(&self, dotted: &str) -> Option<FieldRef> {
        self.resolve_str(dotted).ok().map(|r| r.to_ref())
    }
}
