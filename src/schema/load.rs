//! Schema loaders: the native format and the jdy widget-list response.
//!
//! Native (strict: unknown keys are errors, since a misspelt key would silently change
//! meaning):
//! `{"fields":[{"name","label"?,"type","options"?,"column"?,"widget"?,"fields"?}],
//!   "timezone":"+08:00"?, "system_fields":true?}`
//!
//! jdy (lenient: the API response carries many keys we do not need):
//! `{"widgets":[{"name"|"widgetName","label"?,"type","items"?}], "sysWidgets":[...]?}`.
//! `items` are a subform's columns, or a select's options (strings or `{"value"}` /
//! `{"text"}` objects).

use super::{default_timezone, Field, FieldType, Schema};
use chrono::FixedOffset;
use serde_json::{Map, Value};

/// A schema file that cannot be used, with the JSON path of the problem.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
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
    pub fn from_json(text: &str) -> Result<Schema, SchemaError> {
        // Editors on Windows may save a byte-order mark; it is not JSON but means no harm.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: Value = serde_json::from_str(text).map_err(|e| SchemaError::Json {
            message: strip_position(&e.to_string()),
            line: e.line(),
            column: e.column(),
        })?;
        let Value::Object(top) = value else {
            return Err(SchemaError::Format);
        };
        if top.contains_key("fields") {
            native(&top)
        } else if top.contains_key("widgets") {
            jdy(&top)
        } else {
            Err(SchemaError::Format)
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

fn with_system_fields(mut fields: Vec<Field>, system: bool, tz: FixedOffset) -> Schema {
    let mut schema = if system {
        Schema::new(std::mem::take(&mut fields))
    } else {
        Schema {
            fields,
            timezone: default_timezone(),
            infer: false,
        }
    };
    schema.timezone = tz;
    schema
}

fn check_unique(fields: &[Field], base: &str, key: &str) -> Result<(), SchemaError> {
    let mut seen = std::collections::HashSet::new();
    for (i, f) in fields.iter().enumerate() {
        if !seen.insert(f.name.as_str()) {
            return Err(SchemaError::Duplicate {
                path: format!("{base}[{i}].{key}"),
                name: f.name.clone(),
            });
        }
    }
    Ok(())
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
    "name", "label", "type", "options", "column", "widget", "fields",
];
const TYPES: &[FieldType] = &[
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

fn unknown_keys(obj: &Map<String, Value>, allowed: &[&str], path: &str) -> Result<(), SchemaError> {
    for key in obj.keys() {
        if !allowed.contains(&key.as_str()) {
            let help = match closest_of(key, allowed) {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!("allowed keys: {}", allowed.join(", ")),
            };
            return Err(SchemaError::UnknownKey {
                path: path.to_owned(),
                key: key.clone(),
                help,
            });
        }
    }
    Ok(())
}

fn native(top: &Map<String, Value>) -> Result<Schema, SchemaError> {
    unknown_keys(top, TOP_KEYS, "$")?;
    let tz = match top.get("timezone") {
        None | Some(Value::Null) => default_timezone(),
        Some(v) => {
            let s = string(v, "timezone")?;
            parse_offset(s).ok_or_else(|| SchemaError::Timezone {
                path: "timezone".into(),
                found: s.to_owned(),
            })?
        }
    };
    let system = match top.get("system_fields") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(v) => return Err(wrong("system_fields", "a boolean", v)),
    };
    let list = top.get("fields").unwrap_or(&Value::Null);
    let fields = native_fields(list, "fields", false)?;
    Ok(with_system_fields(fields, system, tz))
}

fn native_fields(list: &Value, path: &str, in_subform: bool) -> Result<Vec<Field>, SchemaError> {
    let mut out = Vec::new();
    for (i, item) in array(list, path)?.iter().enumerate() {
        out.push(native_field(item, &format!("{path}[{i}]"), in_subform)?);
    }
    check_unique(&out, path, "name")?;
    Ok(out)
}

fn native_field(v: &Value, path: &str, in_subform: bool) -> Result<Field, SchemaError> {
    let obj = object(v, path)?;
    unknown_keys(obj, FIELD_KEYS, path)?;
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
    let ty = TYPES
        .iter()
        .copied()
        .find(|t| t.name() == ty_text)
        .ok_or_else(|| {
            let names: Vec<&str> = TYPES.iter().map(|t| t.name()).collect();
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
    field.label = opt_string(obj, "label", path)?;
    field.column = opt_string(obj, "column", path)?;
    field.widget = opt_string(obj, "widget", path)?;
    if let Some(opts) = obj.get("options") {
        let opath = format!("{path}.options");
        if !matches!(ty, FieldType::Select | FieldType::Multiselect) {
            return Err(SchemaError::Misplaced {
                path: opath,
                key: "options".into(),
                ty,
            });
        }
        for (j, o) in array(opts, &opath)?.iter().enumerate() {
            field
                .options
                .push(string(o, &format!("{opath}[{j}]"))?.to_owned());
        }
    }
    if let Some(children) = obj.get("fields") {
        let cpath = format!("{path}.fields");
        if ty != FieldType::Subform {
            return Err(SchemaError::Misplaced {
                path: cpath,
                key: "fields".into(),
                ty,
            });
        }
        field.fields = native_fields(children, &cpath, true)?;
    }
    Ok(field)
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

fn jdy(top: &Map<String, Value>) -> Result<Schema, SchemaError> {
    let mut fields = jdy_widgets(top.get("widgets").unwrap_or(&Value::Null), "widgets", false)?;
    if let Some(sys) = top.get("sysWidgets") {
        let base = fields.len();
        for mut f in jdy_widgets(sys, "sysWidgets", false)? {
            f.system = true;
            if !fields[..base].iter().any(|g| g.name == f.name) {
                fields.push(f);
            }
        }
    }
    Ok(with_system_fields(fields, true, default_timezone()))
}

fn jdy_widgets(list: &Value, path: &str, in_subform: bool) -> Result<Vec<Field>, SchemaError> {
    let mut out = Vec::new();
    for (i, item) in array(list, path)?.iter().enumerate() {
        out.push(jdy_widget(item, &format!("{path}[{i}]"), in_subform)?);
    }
    check_unique(&out, path, "name")?;
    Ok(out)
}

fn jdy_widget(v: &Value, path: &str, in_subform: bool) -> Result<Field, SchemaError> {
    let obj = object(v, path)?;
    // `name` is the record key (the alias when one is set); `widgetName` the widget id.
    let name = match (
        opt_string(obj, "name", path)?,
        opt_string(obj, "widgetName", path)?,
    ) {
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
    field.label = opt_string(obj, "label", path)?;
    field.widget = Some(widget);
    if let Some(items) = obj.get("items") {
        let ipath = format!("{path}.items");
        match ty {
            FieldType::Subform => field.fields = jdy_widgets(items, &ipath, true)?,
            FieldType::Select | FieldType::Multiselect => {
                for (j, o) in array(items, &ipath)?.iter().enumerate() {
                    let opath = format!("{ipath}[{j}]");
                    let text = match o {
                        Value::String(s) => s.clone(),
                        Value::Object(m) => match m.get("value").or_else(|| m.get("text")) {
                            Some(v) => string(v, &format!("{opath}.value"))?.to_owned(),
                            None => {
                                return Err(SchemaError::Missing {
                                    path: opath,
                                    key: "value".into(),
                                })
                            }
                        },
                        other => return Err(wrong(&opath, "a string or an object", other)),
                    };
                    field.options.push(text);
                }
            }
            // Other widgets' `items` carry no information we use.
            _ => {}
        }
    }
    Ok(field)
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
