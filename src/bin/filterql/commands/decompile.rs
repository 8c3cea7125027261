//! `filterql decompile`: a jdy filter or masterdata condition tree back to query text.

use crate::args::{DiagFormat, SchemaArgs, SourceKind};
use crate::batch::Mode;
use crate::engine;
use crate::failure::{read_input, Failure};
use crate::output::{color_wanted, width};
use chrono::FixedOffset;
use filterql::{jdy, masterdata, Diagnostics, Schema};
use serde_json::{json, Value};
use std::io::IsTerminal;

/// Reads `file` and prints the equivalent canonical query. Input that is not JSON is an
/// input error (exit 2); a well-formed filter that cannot be expressed is rejected
/// (exit 1) with every reason.
pub fn run(
    from: SourceKind,
    schema_args: &SchemaArgs,
    tz: Option<FixedOffset>,
    file: &str,
    mode: Mode,
) -> Result<bool, Failure> {
    let text = read_input(file)?;
    let display = if file == "-" { "stdin" } else { file };
    let not_json = |e: serde_json::Error| Failure::Input {
        path: display.to_owned(),
        message: e.to_string(),
        help: None,
    };
    // Malformed JSON is reported as an input error before the backends see it.
    let value = serde_json::from_str::<Value>(&text).map_err(not_json)?;
    // A `compile --pushdown` result: the filter is decompiled, and the residual (query
    // text the client evaluates) joins it with `and`.
    let mut nothing_pushed = false;
    let (text, residual) = match (&value, from) {
        (Value::Object(o), SourceKind::Jdy)
            if o.contains_key("filter") && !o.contains_key("rel") =>
        {
            let residual = match o.get("residual") {
                Some(Value::String(r)) => Some(r.clone()),
                Some(Value::Null) | None => None,
                Some(_) => {
                    return Err(Failure::Input {
                        path: display.to_owned(),
                        message: "`residual` is neither query text nor null".to_owned(),
                        help: None,
                    })
                }
            };
            // A filter of `null`: jdy was sent nothing, the residual is the whole query.
            nothing_pushed = matches!(o.get("filter"), Some(Value::Null)) && residual.is_some();
            (
                o.get("filter").map(Value::to_string).unwrap_or_default(),
                residual,
            )
        }
        _ => (text, None),
    };

    let schema = match engine::schema_path(schema_args) {
        Some(p) => engine::load_schema(&p.to_string_lossy())?,
        None => Schema::none(),
    };
    // --tz sets the zone datetimes without an offset are read in, schema or not.
    let schema = match tz {
        Some(tz) => schema.with_timezone(tz),
        None => schema,
    };
    let result: Result<String, Diagnostics> = match from {
        _ if nothing_pushed => Ok(residual.clone().unwrap_or_default()),
        SourceKind::Jdy => jdy::decompile_json(&text, &schema).map(|e| e.to_string()),
        SourceKind::Masterdata => {
            let tree = match serde_json::from_str::<Value>(&text) {
                // A request envelope: decompile the condition it carries.
                Ok(Value::Object(o)) if o.contains_key("params") => o
                    .get("params")
                    .and_then(|p| p.get("condition"))
                    .map(Value::to_string)
                    .unwrap_or_default(),
                _ => text.clone(),
            };
            masterdata::decompile_json(&tree, &schema).map(|e| e.to_string())
        }
    };
    let result = match (result, residual) {
        (Ok(filter), Some(residual)) if !nothing_pushed => {
            Ok(format!("({filter}) and ({residual})"))
        }
        (other, _) => other,
    };
    // Canonical text (the joined form has redundant parentheses until reprinted).
    // Printed text must be a query: text that does not parse back, as read or as
    // reprinted, would be a backend bug, and is refused (with why) rather than handed on.
    let result = result.map(|q| {
        let canonical = match filterql::parse(&q) {
            Ok(ast) => ast.to_string(),
            Err(diags) => return Err((q, diags)),
        };
        match filterql::parse(&canonical) {
            Ok(_) => Ok(canonical),
            Err(diags) => Err((canonical, diags)),
        }
    });
    match result {
        Ok(Err((query, diags))) => {
            report_unparsable(&query, &diags, mode);
            Ok(false)
        }
        Ok(Ok(query)) => {
            if mode.jsonl {
                let line = json!({"line": 1, "ok": true, "output": query});
                println!("{}", crate::safe::json(line.to_string()));
            } else if std::io::stdout().is_terminal() {
                println!("{}", crate::safe::text(&query));
            } else {
                println!("{query}");
            }
            Ok(true)
        }
        Err(errors) => {
            report(&errors, mode);
            Ok(false)
        }
    }
}

/// Reports decompiled text that is not a valid query, with the parser's diagnostics
/// over that text.
fn report_unparsable(query: &str, diags: &Diagnostics, mode: Mode) {
    let items = crate::output::diagnostics_json(diags);
    if mode.jsonl {
        let line = json!({"line": 1, "ok": false, "diagnostics": items});
        println!("{}", crate::safe::json(line.to_string()));
        return;
    }
    match mode.diagnostics {
        DiagFormat::Json => eprintln!("{}", crate::safe::json(Value::from(items).to_string())),
        DiagFormat::Human => {
            eprintln!(
                "error: this filter decompiles to text that does not parse back as a query \
                 (a filterql bug; please report it):\n    {}",
                crate::safe::text(query)
            );
            eprint!(
                "{}",
                crate::render::render(
                    diags,
                    width(),
                    color_wanted(std::io::stderr().is_terminal())
                )
            );
        }
    }
}

/// Reports decompile errors, which point into JSON rather than query text and so carry
/// no source spans.
fn report(errors: &Diagnostics, mode: Mode) {
    let as_json = || crate::output::diagnostics_json(errors);
    if mode.jsonl {
        let line = json!({"line": 1, "ok": false, "diagnostics": as_json()});
        println!("{}", crate::safe::json(line.to_string()));
        return;
    }
    match mode.diagnostics {
        DiagFormat::Json => eprintln!("{}", crate::safe::json(Value::from(as_json()).to_string())),
        DiagFormat::Human => {
            let color = color_wanted(std::io::stderr().is_terminal());
            eprint!("{}", crate::render::render(errors, width(), color));
        }
    }
}
