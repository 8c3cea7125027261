//! `filterql decompile`: a jdy filter or masterdata condition tree back to query text.

use crate::args::{DiagFormat, SchemaArgs, SourceKind};
use crate::batch::Mode;
use crate::engine;
use crate::failure::{read_input, Failure};
use crate::output::{color_wanted, width};
use chrono::FixedOffset;
use filterql::diagnostic::JsonDiagnostic;
use filterql::target::{jdy, masterdata};
use miette::Diagnostic;
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

    let mut schema = match engine::schema_path(schema_args) {
        Some(p) => Some(engine::load_schema(&p.to_string_lossy())?),
        None => None,
    };
    if let (Some(s), Some(tz)) = (schema.as_mut(), tz) {
        s.timezone = tz;
    }
    let result: Result<String, Vec<Box<dyn Diagnostic>>> = match from {
        _ if nothing_pushed => Ok(residual.clone().unwrap_or_default()),
        SourceKind::Jdy => {
            let filter = jdy::JdyFilter::from_json(&text).map_err(|e| vec![boxed(e)]);
            let schema = match (&schema, tz) {
                (Some(_), _) => schema.clone(),
                // Without a schema, --tz still sets the zone datetimes are read in.
                (None, Some(tz)) => Some(filterql::Schema::none().with_timezone(tz)),
                (None, None) => None,
            };
            filter.and_then(|f| {
                jdy::decompile(&f, schema.as_ref())
                    .map(|e| e.to_string())
                    .map_err(|es| es.into_iter().map(boxed).collect())
            })
        }
        SourceKind::Masterdata => {
            let schema = schema.unwrap_or_else(filterql::Schema::none);
            let tz = tz.unwrap_or(schema.timezone);
            let tree = match serde_json::from_str::<Value>(&text) {
                // A request envelope: decompile the condition it carries.
                Ok(Value::Object(o)) if o.contains_key("params") => o
                    .get("params")
                    .and_then(|p| p.get("condition"))
                    .map(Value::to_string)
                    .unwrap_or_default(),
                _ => text.clone(),
            };
            masterdata::decompile_json(&tree, &schema, tz)
                .map(|e| e.to_string())
                .map_err(|es| es.into_iter().map(boxed).collect())
        }
    };
    let result = match (result, residual) {
        (Ok(filter), Some(residual)) if !nothing_pushed => {
            Ok(format!("({filter}) and ({residual})"))
        }
        (other, _) => other,
    };
    // Canonical text (the joined form has redundant parentheses until reprinted).
    let result = result.map(|q| match filterql::syntax::parse(&q) {
        Ok(ast) => ast.to_string(),
        Err(_) => q,
    });
    match result {
        // Printed text must be a query: text that does not parse back would be a
        // backend bug, and is refused rather than handed on.
        Ok(query) if filterql::syntax::parse(&query).is_err() => {
            let diags = filterql::syntax::parse(&query).err().unwrap_or_default();
            report_unparsable(&query, &diags, mode);
            Ok(false)
        }
        Ok(query) => {
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
fn report_unparsable(query: &str, diags: &filterql::Diagnostics, mode: Mode) {
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

fn boxed(e: impl Diagnostic + 'static) -> Box<dyn Diagnostic> {
    Box::new(e)
}

/// Reports decompile errors, which point into JSON rather than query text and so carry
/// no source spans.
fn report(errors: &[Box<dyn Diagnostic>], mode: Mode) {
    let as_json = || -> Vec<Value> {
        errors
            .iter()
            .map(|e| {
                serde_json::to_value(JsonDiagnostic::from_diagnostic(e.as_ref(), ""))
                    .unwrap_or(Value::Null)
            })
            .collect()
    };
    if mode.jsonl {
        let line = json!({"line": 1, "ok": false, "diagnostics": as_json()});
        println!("{}", crate::safe::json(line.to_string()));
        return;
    }
    match mode.diagnostics {
        DiagFormat::Json => eprintln!("{}", crate::safe::json(Value::from(as_json()).to_string())),
        DiagFormat::Human => {
            let color = color_wanted(std::io::stderr().is_terminal());
            for e in errors {
                eprint!(
                    "{}",
                    crate::render::render_other(e.as_ref(), width(), color)
                );
            }
        }
    }
}
