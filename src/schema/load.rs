//! Schema loaders: the native format and the jdy widget-list response.
//!
//! Every problem is reported, not just the first ([`SchemaError::Many`] when there are
//! several): loading goes on past a problem, skipping only what it makes unreadable (a
//! field without a name or a type is left out, a bad `label` or `options` is ignored).
//!
//! Native (strict: unknown keys are errors, since a misspelt key would silently change
//! meaning):
//! `{"fields":[{"name","aliases"?,"label"?,"type","options"?,"column"?,"widget"?,"fields"?}],
//!   "timezone":"+08:00"?, "system_fields":true?}`
//!
//! jdy (lenient: the API response carries many keys we do not need):
//! `{"widgets":[{"name"|"widgetName","label"?,"type","items"?}], "sysWidgets":[...]?}`.
//! `name` is the record key (the alias when one is set), `widgetName` the widget id; when
//! they differ the widget id becomes an alias ([`Field::aliases`]), so a query may use
//! either.
//! `items` are a subform's columns, or a select's options (strings or `{"value"}` /
//! `{"text"}` objects).

use super::{default_timezone, Field, FieldType, Schema};
use crate::diagnostic::MAX_DIAGNOSTICS;
use chrono::FixedOffset;
use serde_json::{Map, Value};

/// A schema file that cannot be used, with the JSON path of the problem.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum SchemaError {
    /// The text is not valid JSON.
    #[error("schema is not valid JSON at line {line}, column {column}: {message}")]
    #[diagnostic(
        code(filterql::schema::json),
        help("a schema is a JSON object: {{\"fields\": [...]}} or a jdy widget list {{\"widgets\": [...]}}")
    )]
    Json {
        /// serde_json's message.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// Neither a native nor a jdy schema.
    #[error("not a schema: expected an object with `fields` (native format) or `widgets` (jdy widget list)")]
    #[diagnostic(
        code(filterql::schema::format),
        help("native: {{\"fields\": [{{\"name\": \"amount\", \"type\": \"number\"}}]}}")
    )]
    Format,
    /// A required key is missing.
    #[error("`{path}`: missing key `{key}`")]
    #[diagnostic(code(filterql::schema::missing))]
    Missing {
        /// JSON path of the object.
        path: String,
        /// The missing key.
        key: String,
    },
    /// A value has the wrong JSON type.
    #[error("`{path}`: expected {expected}, found {found}")]
    #[diagnostic(code(filterql::schema::wrong_type))]
    WrongType {
        /// JSON path of the value.
        path: String,
        /// What is needed.
        expected: String,
        /// What was given.
        found: String,
    },
    /// A native field type that is not one of the known types.
    #[error("`{path}`: unknown field type `{found}`")]
    #[diagnostic(code(filterql::schema::unknown_type), help("{help}"))]
    UnknownType {
        /// JSON path of the type.
        path: String,
        /// The type written.
        found: String,
        /// Suggestion or the list of types.
        help: String,
    },
    /// A key the native format does not define.
    #[error("`{path}`: unknown key `{key}`")]
    #[diagnostic(code(filterql::schema::unknown_key), help("{help}"))]
    UnknownKey {
        /// JSON path of the object.
        path: String,
        /// The key.
        key: String,
        /// Suggestion or the list of keys.
        help: String,
    },
    /// Two fields of one level share a name.
    #[error("`{path}`: duplicate field name `{name}`")]
    #[diagnostic(
        code(filterql::schema::duplicate),
        help("field names are record keys and must be unique within a form or subform")
    )]
    Duplicate {
        /// JSON path of the second occurrence.
        path: String,
        /// The name.
        name: String,
    },
    /// A time zone that is not `±hh:mm`.
    #[error("`{path}`: invalid time zone `{found}`")]
    #[diagnostic(
        code(filterql::schema::timezone),
        help("write a UTC offset such as \"+08:00\", \"-05:30\" or \"Z\"")
    )]
    Timezone {
        /// JSON path of the value.
        path: String,
        /// The value written.
        found: String,
    },
    /// A key that does not apply to this field type.
    #[error("`{path}`: `{key}` does not apply to a {ty} field")]
    #[diagnostic(
        code(filterql::schema::misplaced),
        help("`options` belong to select and multiselect fields, `fields` to subforms")
    )]
    Misplaced {
        /// JSON path of the key.
        path: String,
        /// The key.
        key: String,
        /// The field's type.
        ty: FieldType,
    },
    /// A subform inside a subform.
    #[error("`{path}`: subforms cannot contain subforms")]
    #[diagnostic(
        code(filterql::schema::nested_subform),
        help("jdy subforms have one level of columns")
    )]
    NestedSubform {
        /// JSON path of the inner subform.
        path: String,
    },
    /// Several problems, in the order the loader met them (the top-level keys, then each
    /// field in turn, a subform's columns within it, and the duplicate names of a level
    /// once all its fields are read). The message lists each with
    /// its help, so that renderers which show only the message (JSON diagnostics) lose
    /// nothing; [`SchemaError::problems`] gives them one by one. Only the first
    /// [`MAX_DIAGNOSTICS`](crate::diagnostic::MAX_DIAGNOSTICS) are kept (the list ends
    /// with "… and N more problems"); `count` counts all.
    #[error("{count} problems in the schema:\n{list}")]
    #[diagnostic(
        code(filterql::schema::many),
        help("each problem is listed with its JSON path; fix them all and load again")
    )]
    Many {
        /// How many, including those not kept.
        count: usize,
        /// One line per problem kept: `- `, its message and its help in parentheses.
        list: String,
        /// The problems kept, none of them `Many`.
        errors: Vec<SchemaError>,
    },
    /// An empty field name.
    #[error("`{path}`: field name is empty")]
    #[diagnostic(
        code(filterql::schema::empty_name),
        help("give the field its record key")
    )]
    EmptyName {
        /// JSON path of the name.
        path: String,
    },
}

impl SchemaError {
    /// The single problems this error stands for: itself, or those of a
    /// [`SchemaError::Many`].
    pub fn problems(&self) -> &[SchemaError] {
        match self {
            SchemaError::Many { errors, .. } => errors,
            one => std::slice::from_ref(one),
        }
    }

    /// One error standing for all the problems (`None` when there is none): the first
    /// [`MAX_DIAGNOSTICS`] listed, the rest counted.
    fn gather(problems: Problems) -> Option<SchemaError> {
        let Problems { mut kept, total } = problems;
        match total {
            0 => None,
            1 => kept.pop(),
            count => {
                let mut list = kept
                    .iter()
                    .map(|e| match miette::Diagnostic::help(e) {
                        Some(h) => format!("- {e} ({h})"),
                        None => format!("- {e}"),
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                if count > kept.len() {
                    let more = count - kept.len();
                    let s = if more == 1 { "" } else { "s" };
                    list.push_str(&format!("\n- … and {more} more problem{s}"));
                }
                Some(SchemaError::Many {
                    count,
                    list,
                    errors: kept,
                })
            }
        }
    }
}

/// Problems found so far: loading goes on past each one (skipping only what the problem
/// makes unreadable, such as a field without a type), so that one run reports them all;
/// past [`MAX_DIAGNOSTICS`] they are only counted, so 10⁵ duplicate names cost a count,
/// not 15 MB of messages.
#[derive(Default)]
struct Problems {
    kept: Vec<SchemaError>,
    total: usize,
}

impl Problems {
    fn new() -> Problems {
        Problems::default()
    }

    fn push(&mut self, e: SchemaError) {
        self.total += 1;
        if self.kept.len() < MAX_DIAGNOSTICS {
            self.kept.push(e);
        }
    }
}

/// Parses a UTC offset: `Z`, `UTC`, `±hh:mm`, `±hhmm` or `±hh`, at most ±23:59.
pub fn parse_offset(text: &str) -> Option<FixedOffset> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match t.as_bytes().first()? {
        b'+' => (1, &t[1..]),
        b'-' => (-1, &t[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    let colons = rest.matches(':').count();
    if !digits.chars().all(|c| c.is_ascii_digit()) || colons > 1 {
        return None;
    }
    let (h, m) = match (digits.len(), colons) {
        (2, 0) => (digits.parse::<i32>().ok()?, 0),
        (4, _) if colons == 0 || rest.find(':') == Some(2) => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

impl Schema {
    /// Loads a schema, detecting the format: an object with `fields` is native, one with
    /// `widgets` is a jdy widget-list response. System fields are added unless a native
    /// schema says `"system_fields": false`; a field of the same name wins over them.
    ///
    /// # The native format
    ///
    /// Strict: an unknown key is an error, since a misspelt key would silently change
    /// what a query means.
    ///
    /// ```json
    /// {
    ///   "fields": [
    ///     {"name": "_widget_1", "label": "手机", "type": "phone"},
    ///     {"name": "status", "type": "select", "options": ["open", "closed"]},
    ///     {"name": "amount", "aliases": ["金额"], "type": "number", "column": "amt"},
    ///     {"name": "items", "type": "subform", "fields": [{"name": "qty", "type": "number"}]}
    ///   ],
    ///   "timezone": "+08:00",
    ///   "system_fields": true
    /// }
    /// ```
    ///
    /// | key | meaning |
    /// |---|---|
    /// | `name` | the record key (jdy widget id or alias); queries may use it |
    /// | `aliases` | other names a query may use |
    /// | `label` | the form label; queries may use it when it is unambiguous |
    /// | `type` | `text`, `number`, `datetime`, `phone`, `flowstate`, `select`, `multiselect`, `user`, `dept`, `usergroup`, `deptgroup`, `sn`, `subform`, `other` |
    /// | `options` | a select's or multi-select's allowed values (checked in queries) |
    /// | `column` | the SQL column (default: `name`) |
    /// | `widget` | the jdy widget type written into jdy conditions (default: from `type`) |
    /// | `fields` | a subform's columns (`items.qty` in queries) |
    /// | `timezone` | the zone dates are read in (default `+08:00`) |
    /// | `system_fields` | add `_id`, `createTime`, `updateTime`, `creator`, `updater`, `flowState` (default `true`) |
    ///
    /// # The jdy widget list
    ///
    /// The response of jdy's widget-list API, lenient (it carries many keys filterql does
    /// not need): `{"widgets": [{"name" | "widgetName", "label", "type", "items"}],
    /// "sysWidgets": [...]}`. `name` is the record key (the alias when one is set),
    /// `widgetName` the widget id; when they differ the widget id becomes an alias.
    /// `items` are a subform's columns, or a select's options.
    ///
    /// # Errors
    ///
    /// [`SchemaError`]: invalid JSON, neither format, or every problem of the fields
    /// (several at once as [`SchemaError::Many`]).
    ///
    /// ```
    /// let schema = filterql::Schema::from_json(
    ///     r#"{"fields": [{"name": "amount", "aliases": ["金额"], "type": "number"}]}"#,
    /// )
    /// .unwrap();
    /// assert!(schema.lookup("金额").is_some());
    /// assert!(filterql::Schema::from_json(r#"{"fields": [{"nmae": "x"}]}"#).is_err());
    /// ```
    pub fn from_json(text: &str) -> Result<Schema, SchemaError> {
        // Editors on Windows may save a byte-order mark; it is not JSON but means no harm.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: Value = serde_json::from_str(text).map_err(|e| SchemaError::Json {
            message: strip_position(&e.to_string()),
            line: e.line(),
            column: e.column(),
        })?;
        Schema::from_value(&value)
    }

    /// Reads a schema from already-parsed JSON: the native format or a jdy widget-list
    /// response, as [`Schema::from_json`].
    ///
    /// # Errors
    ///
    /// As [`Schema::from_json`], except that the JSON itself was already read.
    ///
    /// ```
    /// let v = serde_json::json!({"fields": [{"name": "amount", "type": "number"}]});
    /// let schema = filterql::Schema::from_value(&v).unwrap();
    /// assert!(schema.field("amount").is_some());
    /// ```
    pub fn from_value(value: &Value) -> Result<Schema, SchemaError> {
        let Value::Object(top) = value else {
            return Err(SchemaError::Format);
        };
        let mut problems = Problems::new();
        let schema = if top.contains_key("fields") {
            native(top, &mut problems)
        } else if top.contains_key("widgets") {
            jdy(top, &mut problems)
        } else {
            return Err(SchemaError::Format);
        };
        match SchemaError::gather(problems) {
            None => Ok(schema),
            Some(e) => Err(e),
        }
    }
}

/// serde_json appends " at line L column C"; we report those separately.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn wrong(path: &str, expected: &str, v: &Value) -> SchemaError {
    SchemaError::WrongType {
        path: path.to_owned(),
        expected: expected.to_owned(),
        found: kind(v).to_owned(),
    }
}

fn array<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>, SchemaError> {
    v.as_array().ok_or_else(|| wrong(path, "an array", v))
}

fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, SchemaError> {
    v.as_object().ok_or_else(|| wrong(path, "an object", v))
}

fn string<'a>(v: &'a Value, path: &str) -> Result<&'a str, SchemaError> {
    v.as_str().ok_or_else(|| wrong(path, "a string", v))
}

fn opt_string(
    obj: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<String>, SchemaError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => string(v, &format!("{path}.{key}")).map(|s| Some(s.to_owned())),
    }
}

/// [`opt_string`] for a key the field is usable without: a problem is recorded and the
/// key ignored.
fn soft_string(
    obj: &Map<String, Value>,
    key: &str,
    path: &str,
    problems: &mut Problems,
) -> Option<String> {
    opt_string(obj, key, path).unwrap_or_else(|e| {
        problems.push(e);
        None
    })
}

fn with_system_fields(mut fields: Vec<Field>, system: bool, tz: FixedOffset) -> Schema {
    let mut schema = if system {
        Schema::new(std::mem::take(&mut fields))
    } else {
        Schema::exact(fields)
    };
    schema.timezone = tz;
    schema
}

/// `fields` with the index each had in its JSON array (fields that failed to load leave
/// gaps, and paths must name the original positions).
fn check_unique(fields: &[(usize, Field)], base: &str, key: &str, problems: &mut Problems) {
    let mut seen = std::collections::HashSet::new();
    for (i, f) in fields {
        if !seen.insert(f.name.as_str()) {
            problems.push(SchemaError::Duplicate {
                path: format!("{base}[{i}].{key}"),
                name: f.name.clone(),
            });
        }
    }
}

fn closest_of(written: &str, known: &[&str]) -> Option<String> {
    known
        .iter()
        .map(|k| (super::edit_distance(written, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.to_owned())
}

// ---- native ----

const TOP_KEYS: &[&str] = &["fields", "timezone", "system_fields"];
const FIELD_KEYS: &[&str] = &[
    "name", "aliases", "label", "type", "options", "column", "widget", "fields",
];

fn unknown_keys(obj: &Map<String, Value>, allowed: &[&str], path: &str, problems: &mut Problems) {
    for key in obj.keys() {
        if !allowed.contains(&key.as_str()) {
            let help = match closest_of(key, allowed) {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!("allowed keys: {}", allowed.join(", ")),
            };
            problems.push(SchemaError::UnknownKey {
                path: path.to_owned(),
                key: key.clone(),
                help,
            });
        }
    }
}

fn native(top: &Map<String, Value>, problems: &mut Problems) -> Schema {
    unknown_keys(top, TOP_KEYS, "$", problems);
    let tz = match top.get("timezone") {
        None | Some(Value::Null) => Ok(default_timezone()),
        Some(v) => string(v, "timezone").and_then(|s| {
            parse_offset(s).ok_or_else(|| SchemaError::Timezone {
                path: "timezone".into(),
                found: s.to_owned(),
            })
        }),
    };
    let tz = tz.unwrap_or_else(|e| {
        problems.push(e);
        default_timezone()
    });
    let system = match top.get("system_fields") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(v) => {
            problems.push(wrong("system_fields", "a boolean", v));
            true
        }
    };
    let list = top.get("fields").unwrap_or(&Value::Null);
    let fields = native_fields(list, "fields", false, problems);
    with_system_fields(fields, system, tz)
}

fn native_fields(
    list: &Value,
    path: &str,
    in_subform: bool,
    problems: &mut Problems,
) -> Vec<Field> {
    field_list(list, path, in_subform, problems, native_field)
}

/// A list of fields read by `one`: each problem is recorded and only the unusable entries
/// are skipped, so one run reports every problem of the list.
fn field_list(
    list: &Value,
    path: &str,
    in_subform: bool,
    problems: &mut Problems,
    one: fn(&Value, &str, bool, &mut Problems) -> Result<Field, SchemaError>,
) -> Vec<Field> {
    let items = match array(list, path) {
        Ok(items) => items,
        Err(e) => {
            problems.push(e);
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match one(item, &format!("{path}[{i}]"), in_subform, problems) {
            Ok(f) => out.push((i, f)),
            Err(e) => problems.push(e),
        }
    }
    check_unique(&out, path, "name", problems);
    out.into_iter().map(|(_, f)| f).collect()
}

/// One field; `Err` is a problem that leaves no usable field (no name, no type), the
/// others are recorded in `problems` and the field kept without the faulty key.
fn native_field(
    v: &Value,
    path: &str,
    in_subform: bool,
    problems: &mut Problems,
) -> Result<Field, SchemaError> {
    let obj = object(v, path)?;
    unknown_keys(obj, FIELD_KEYS, path, problems);
    let name = match obj.get("name") {
        Some(v) => string(v, &format!("{path}.name"))?.to_owned(),
        None => {
            return Err(SchemaError::Missing {
                path: path.into(),
                key: "name".into(),
            })
        }
    };
    if name.is_empty() {
        return Err(SchemaError::EmptyName {
            path: format!("{path}.name"),
        });
    }
    let ty_path = format!("{path}.type");
    let ty_text = match obj.get("type") {
        Some(v) => string(v, &ty_path)?,
        None => {
            return Err(SchemaError::Missing {
                path: path.into(),
                key: "type".into(),
            })
        }
    };
    let ty = FieldType::ALL
        .iter()
        .copied()
        .find(|t| t.name() == ty_text)
        .ok_or_else(|| {
            let names: Vec<&str> = FieldType::ALL.iter().map(|t| t.name()).collect();
            let jdy = jdy_type(ty_text);
            let help = match closest_of(&ty_text.to_lowercase(), &names) {
                // A jdy widget type in a native schema: name the native type it maps to.
                _ if jdy != FieldType::Other => format!(
                    "`{ty_text}` is a jdy widget type; write \"type\": \"{jdy}\" (and \"widget\": \"{ty_text}\" to keep it)"
                ),
                Some(k) => format!("did you mean `{k}`?"),
                None => format!("field types: {}", names.join(", ")),
            };
            SchemaError::UnknownType {
                path: ty_path.clone(),
                found: ty_text.to_owned(),
                help,
            }
        })?;
    if ty == FieldType::Subform && in_subform {
        return Err(SchemaError::NestedSubform { path: path.into() });
    }
    let mut field = Field::new(name, ty);
    if let Some(aliases) = obj.get("aliases") {
        let apath = format!("{path}.aliases");
        for (j, a) in soft_array(aliases, &apath, problems).iter().enumerate() {
            let a = match string(a, &format!("{apath}[{j}]")) {
                Ok("") => {
                    problems.push(SchemaError::EmptyName {
                        path: format!("{apath}[{j}]"),
                    });
                    continue;
                }
                Ok(a) => a,
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            if a != field.name && !field.aliases.iter().any(|b| b == a) {
                field.aliases.push(a.to_owned());
            }
        }
    }
    field.label = soft_string(obj, "label", path, problems);
    field.column = soft_string(obj, "column", path, problems);
    field.widget = soft_string(obj, "widget", path, problems);
    if let Some(opts) = obj.get("options") {
        let opath = format!("{path}.options");
        if !matches!(ty, FieldType::Select | FieldType::Multiselect) {
            problems.push(SchemaError::Misplaced {
                path: opath,
                key: "options".into(),
                ty,
            });
        } else {
            for (j, o) in soft_array(opts, &opath, problems).iter().enumerate() {
                match string(o, &format!("{opath}[{j}]")) {
                    Ok(o) => field.options.push(o.to_owned()),
                    Err(e) => problems.push(e),
                }
            }
        }
    }
    if let Some(children) = obj.get("fields") {
        let cpath = format!("{path}.fields");
        if ty != FieldType::Subform {
            problems.push(SchemaError::Misplaced {
                path: cpath,
                key: "fields".into(),
                ty,
            });
        } else {
            field.fields = native_fields(children, &cpath, true, problems);
        }
    }
    Ok(field)
}

/// The items of an array the field is usable without; not an array is a recorded problem
/// and no items.
fn soft_array<'a>(v: &'a Value, path: &str, problems: &mut Problems) -> &'a [Value] {
    match array(v, path) {
        Ok(items) => items,
        Err(e) => {
            problems.push(e);
            &[]
        }
    }
}

// ---- jdy ----

/// Maps a jdy widget type to the field type (unknown widgets are `Other`).
pub(crate) fn jdy_type(widget: &str) -> FieldType {
    match widget {
        "text" | "textarea" => FieldType::Text,
        "number" => FieldType::Number,
        "datetime" | "date" => FieldType::Datetime,
        "phone" => FieldType::Phone,
        "radiogroup" | "combo" => FieldType::Select,
        "checkboxgroup" | "combocheck" => FieldType::Multiselect,
        "user" => FieldType::User,
        "dept" => FieldType::Dept,
        "usergroup" => FieldType::Usergroup,
        "deptgroup" => FieldType::Deptgroup,
        "sn" => FieldType::Sn,
        "subform" => FieldType::Subform,
        "flowstate" => FieldType::Flowstate,
        "dataid" => FieldType::Dataid,
        _ => FieldType::Other,
    }
}

fn jdy(top: &Map<String, Value>, problems: &mut Problems) -> Schema {
    let widgets = top.get("widgets").unwrap_or(&Value::Null);
    let mut fields = jdy_widgets(widgets, "widgets", false, problems);
    if let Some(sys) = top.get("sysWidgets") {
        let base = fields.len();
        for mut f in jdy_widgets(sys, "sysWidgets", false, problems) {
            f.system = true;
            if !fields[..base].iter().any(|g| g.name == f.name) {
                fields.push(f);
            }
        }
    }
    with_system_fields(fields, true, default_timezone())
}

fn jdy_widgets(list: &Value, path: &str, in_subform: bool, problems: &mut Problems) -> Vec<Field> {
    field_list(list, path, in_subform, problems, jdy_widget)
}

/// One widget; `Err` is a problem that leaves no usable field, the others are recorded
/// in `problems`.
fn jdy_widget(
    v: &Value,
    path: &str,
    in_subform: bool,
    problems: &mut Problems,
) -> Result<Field, SchemaError> {
    let obj = object(v, path)?;
    // `name` is the record key (the alias when one is set); `widgetName` the widget id.
    let widget_id = opt_string(obj, "widgetName", path)?;
    let name = match (opt_string(obj, "name", path)?, widget_id.clone()) {
        (Some(n), _) if !n.is_empty() => n,
        (_, Some(w)) if !w.is_empty() => w,
        (Some(_), _) | (_, Some(_)) => {
            return Err(SchemaError::EmptyName {
                path: format!("{path}.name"),
            })
        }
        (None, None) => {
            return Err(SchemaError::Missing {
                path: path.into(),
                key: "name".into(),
            })
        }
    };
    let widget = match obj.get("type") {
        Some(v) => string(v, &format!("{path}.type"))?.to_owned(),
        None => {
            return Err(SchemaError::Missing {
                path: path.into(),
                key: "type".into(),
            })
        }
    };
    let ty = jdy_type(&widget);
    if ty == FieldType::Subform && in_subform {
        return Err(SchemaError::NestedSubform { path: path.into() });
    }
    let mut field = Field::new(name, ty);
    // The jdy filter API takes the widget id as well as the alias: both must resolve.
    if let Some(id) = widget_id.filter(|id| !id.is_empty() && *id != field.name) {
        field.aliases.push(id);
    }
    field.label = soft_string(obj, "label", path, problems);
    field.widget = Some(widget);
    if let Some(items) = obj.get("items") {
        let ipath = format!("{path}.items");
        match ty {
            FieldType::Subform => field.fields = jdy_widgets(items, &ipath, true, problems),
            FieldType::Select | FieldType::Multiselect => {
                for (j, o) in soft_array(items, &ipath, problems).iter().enumerate() {
                    let opath = format!("{ipath}[{j}]");
                    let text = match o {
                        Value::String(s) => Ok(s.clone()),
                        Value::Object(m) => match m.get("value").or_else(|| m.get("text")) {
                            Some(v) => string(v, &format!("{opath}.value")).map(str::to_owned),
                            None => Err(SchemaError::Missing {
                                path: opath,
                                key: "value".into(),
                            }),
                        },
                        other => Err(wrong(&opath, "a string or an object", other)),
                    };
                    match text {
                        Ok(t) => field.options.push(t),
                        Err(e) => problems.push(e),
                    }
                }
            }
            // Other widgets' `items` carry no information we use.
            _ => {}
        }
    }
    Ok(field)
}

impl<'de> serde::Deserialize<'de> for Schema {
    /// Reads either schema format (see [`Schema::from_json`]), so a schema can sit inside
    /// a caller's own configuration.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Schema, D::Error> {
        let value = Value::deserialize(d)?;
        Schema::from_value(&value).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        let secs = |s: &str| parse_offset(s).map(|o| o.local_minus_utc());
        assert_eq!(secs("+08:00"), Some(28_800));
        assert_eq!(secs("-05:30"), Some(-19_800));
        assert_eq!(secs("+0530"), Some(19_800));
        assert_eq!(secs("+09"), Some(32_400));
        assert_eq!(secs("Z"), Some(0));
        assert_eq!(secs("utc"), Some(0));
        assert_eq!(secs("08:00"), None);
        assert_eq!(secs("+24:00"), None);
        assert_eq!(secs("+08:60"), None);
        assert_eq!(secs("+0:800"), None);
        assert_eq!(secs("+"), None);
        assert_eq!(secs(""), None);
        assert_eq!(secs("+８８"), None);
    }
}

