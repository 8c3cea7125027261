//! The binary's single point of contact with the library: loading schemas and records,
//! compiling queries, and rendering a compiled query for a target. Commands and the REPL
//! go through here so that the library's API is used in one place.

use crate::args::{ClockArgs, Dialect, SchemaArgs, TargetKind, TargetSpec};
use crate::failure::{read_input, Failure};
use crate::output::Output;
use chrono::{DateTime, FixedOffset};
use filterql::{masterdata, sql};
use filterql::{Diagnostics, Options, Query, Schema};
use serde_json::Value;

/// The clock and time zone a query is compiled against.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    /// Overrides the schema's time zone.
    pub tz: Option<FixedOffset>,
    /// The instant `now` means; `None` reads the system clock at each compilation.
    pub now: Option<DateTime<FixedOffset>>,
}

impl From<&ClockArgs> for Clock {
    /// A command-line clock: without `--now`, the system clock read once, so that every
    /// query of a batch sees the same `now`.
    fn from(c: &ClockArgs) -> Self {
        Clock {
            tz: c.tz,
            now: Some(c.now.unwrap_or_else(|| chrono::Local::now().fixed_offset())),
        }
    }
}

impl Clock {
    /// The library options for one compilation.
    pub fn options(&self) -> Options {
        let o = match self.now {
            Some(now) => Options::at(now),
            None => Options::default(),
        };
        match self.tz {
            Some(tz) => o.with_tz(tz),
            None => o,
        }
    }
}

/// Loads a schema file (native or jdy widget list).
pub fn load_schema(path: &str) -> Result<Schema, Failure> {
    let text = read_input(path)?;
    Schema::from_json(&text).map_err(|e| Failure::Schema {
        path: display_name(path),
        source: Box::new(e),
    })
}

/// How an input is named in messages: `stdin` for `-`.
fn display_name(path: &str) -> String {
    if path == "-" {
        "stdin".to_owned()
    } else {
        path.to_owned()
    }
}

/// The schema file `FILTERQL_SCHEMA` names, if it is set and not empty.
pub fn schema_from_env() -> Option<std::path::PathBuf> {
    std::env::var_os("FILTERQL_SCHEMA")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
}

/// The schema file to use: `--schema F`, else `FILTERQL_SCHEMA` unless `--no-schema`.
pub fn schema_path(args: &SchemaArgs) -> Option<std::path::PathBuf> {
    match &args.schema {
        Some(p) => Some(p.clone()),
        None if args.no_schema => None,
        None => schema_from_env(),
    }
}

/// The schema of `--schema F` (or `FILTERQL_SCHEMA`), or no-schema mode.
pub fn schema_from_args(args: &SchemaArgs) -> Result<Schema, Failure> {
    match schema_path(args) {
        Some(p) => load_schema(&p.to_string_lossy()),
        None => Ok(Schema::none()),
    }
}

/// Compiles a query: parse, check, normalize.
pub fn compile(text: &str, schema: &Schema, clock: &Clock) -> Result<Query, Diagnostics> {
    filterql::compile(text, schema, &clock.options())
}

/// How a target's output is shaped.
#[derive(Debug, Clone, Default)]
pub struct Shape {
    /// SQL: the table of `SELECT * FROM <table>`.
    pub table: Option<String>,
    /// SQL: placeholders and a parameter list.
    pub params: bool,
    /// jdy: send what jdy can filter, keep the rest as a residual query.
    pub pushdown: bool,
    /// masterdata: wrap the tree in the request envelope.
    pub envelope: bool,
    /// jdy: the method table the output may use.
    pub jdy_methods: filterql::jdy::JdyMethods,
}

/// Renders a compiled query for a target, through the backends' `Query` methods.
pub fn render(query: &Query, target: TargetSpec, shape: &Shape) -> Result<Output, Diagnostics> {
    match target.kind {
        TargetKind::Jdy => {
            let opts = query.jdy_options().with_methods(shape.jdy_methods);
            if shape.pushdown {
                // The plan's own JSON text, read back into a value to be laid out.
                let plan = query.to_jdy_pushdown_with(&opts).to_json();
                Ok(Output::Json(
                    serde_json::from_str(&plan).unwrap_or(Value::Null),
                ))
            } else {
                Ok(Output::Json(to_json(&query.to_jdy_with(&opts)?)))
            }
        }
        TargetKind::Masterdata => {
            match (&shape.table, shape.envelope) {
                (Some(table), true) => {
                    // An empty table name is refused here, as sql refuses it.
                    let req = query.to_masterdata_request(
                        "1",
                        masterdata::Table::MetaDataName(table.clone()),
                        masterdata::Caller::default(),
                        serde_json::Map::new(),
                    )?;
                    Ok(Output::Json(req.to_value()))
                }
                _ => Ok(Output::Json(query.to_masterdata()?.to_value())),
            }
        }
        TargetKind::Sql => {
            let dialect = match target.dialect {
                Dialect::Mysql => sql::Dialect::Mysql,
                Dialect::Postgres => sql::Dialect::Postgres,
                Dialect::Sqlite => sql::Dialect::Sqlite,
            };
            let opts = sql::SqlOptions::new(dialect).params(shape.params);
            let frag = match &shape.table {
                Some(t) => query.to_sql(&opts.table(t.clone()))?,
                None => query.to_sql_where(&opts)?,
            };
            if shape.params {
                Ok(Output::Json(to_json(&frag)))
            } else {
                Ok(Output::Sql {
                    sql: frag.into_parts().0,
                    mysql: dialect == sql::Dialect::Mysql,
                })
            }
        }
    }
}

fn to_json(v: &impl serde::Serialize) -> Value {
    // The backends' output types hold only strings, finite numbers, nulls and arrays.
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Reads records for `eval`: a JSON array, an object with a `data` array (a jdy list
/// response), or one JSON object per line.
pub fn load_records(path: &str) -> Result<Vec<Value>, Failure> {
    let text = read_input(path)?;
    parse_records(&text).map_err(|message| Failure::Input {
        path: display_name(path),
        message,
        help: Some(
            "give a JSON array of records, {\"data\": [...]}, or one JSON object per line"
                .to_owned(),
        ),
    })
}

/// The records in `text` (see [`load_records`]). Every record must be a JSON object: a
/// stray number or string has no fields, and filtering it would only mislead.
pub fn parse_records(text: &str) -> Result<Vec<Value>, String> {
    let records = parse_documents(text)?;
    match records.iter().position(|r| !r.is_object()) {
        Some(i) => Err(format!(
            "record {} is {}, not an object",
            i + 1,
            json_kind(&records[i])
        )),
        None => Ok(records),
    }
}

fn parse_documents(text: &str) -> Result<Vec<Value>, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(records)) => Ok(records),
        // Only a `data` array is a jdy list response; any other `data` is a record field.
        Ok(Value::Object(mut o)) => match o.get("data") {
            Some(Value::Array(_)) => match o.remove("data") {
                Some(Value::Array(records)) => Ok(records),
                _ => Ok(Vec::new()),
            },
            _ => Ok(vec![Value::Object(o)]),
        },
        Ok(other) => Err(format!("expected records, found {}", json_kind(&other))),
        Err(whole) => {
            // Not one JSON document: try JSON lines before giving up.
            let mut records = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Value>(line) {
                    Ok(v @ Value::Object(_)) => records.push(v),
                    Ok(other) => {
                        return Err(format!(
                            "line {}: expected a record object, found {}",
                            i + 1,
                            json_kind(&other)
                        ))
                    }
                    Err(_) if records.is_empty() => return Err(whole.to_string()),
                    Err(e) => return Err(format!("line {}: {e}", i + 1)),
                }
            }
            Ok(records)
        }
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The records `query` matches, in input order.
pub fn filter_records(query: &Query, records: &[Value]) -> Vec<Value> {
    records
        .iter()
        .filter(|r| query.matches(r))
        .cloned()
        .collect()
}
