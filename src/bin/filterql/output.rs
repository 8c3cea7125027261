//! Where results and diagnostics go: stdout for results (plain, pretty JSON, or one JSON
//! object per line with `--jsonl`), stderr for diagnostics (graphical or JSON).

use crate::args::DiagFormat;
use filterql::Diagnostics;
use serde_json::{json, Value};
use std::io::{IsTerminal, Write};

/// What one query produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Text printed as is (query text, SQL).
    Text(String),
    /// A JSON value, pretty-printed for people.
    Json(Value),
    /// Nothing to print (a successful `check`).
    Nothing,
}

impl Output {
    /// The value in a `--jsonl` line.
    pub fn to_json(&self) -> Value {
        match self {
            Output::Text(s) => Value::String(s.clone()),
            Output::Json(v) => v.clone(),
            Output::Nothing => Value::Null,
        }
    }

    /// The human rendering (without a trailing newline), if any; JSON is coloured like
    /// jq's when `color` is set.
    pub fn render(&self, color: bool) -> Option<String> {
        match self {
            Output::Text(s) => Some(s.clone()),
            Output::Json(v) if color => Some(crate::json_color::pretty(v)),
            // Serializing a `Value` cannot fail.
            Output::Json(v) => Some(serde_json::to_string_pretty(v).unwrap_or_default()),
            Output::Nothing => None,
        }
    }
}

/// Whether colour is wanted on a stream: only on a terminal, and never when `NO_COLOR`
/// is set to anything non-empty (<https://no-color.org>).
pub fn color_wanted(is_terminal: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    is_terminal && !no_color
}

/// The width diagnostics are wrapped at: `$COLUMNS` when it is sane, else 80.
pub fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| (40..=400).contains(w))
        .unwrap_or(80)
}

/// Writes diagnostics to stderr in the chosen format.
#[derive(Debug, Clone, Copy)]
pub struct Reporter {
    format: DiagFormat,
    color: bool,
    width: usize,
}

impl Reporter {
    /// A reporter for stderr as it is now.
    pub fn stderr(format: DiagFormat) -> Self {
        Reporter {
            format,
            color: color_wanted(std::io::stderr().is_terminal()),
            width: width(),
        }
    }

    /// The human rendering of `diags`.
    pub fn render(&self, diags: &Diagnostics) -> String {
        crate::render::render(diags, self.width, self.color)
    }

    /// Reports `diags` (errors or warnings) on stderr; `line` names the stdin line in
    /// batch mode. Nothing is written for an empty collection.
    pub fn report(&self, diags: &Diagnostics, line: Option<usize>) {
        if diags.is_empty() {
            return;
        }
        let mut err = std::io::stderr().lock();
        // A closed stderr leaves nowhere to report to; ignoring is all we can do.
        let _ = match self.format {
            DiagFormat::Json => writeln!(err, "{}", Value::from(diagnostics_json(diags))),
            DiagFormat::Human => {
                let head = match line {
                    Some(n) => format!("stdin line {n}: "),
                    None => String::new(),
                };
                write!(err, "{head}{}", self.render(diags))
            }
        };
    }
}

/// `Diagnostics::to_json()` as a JSON array.
pub fn diagnostics_json(diags: &Diagnostics) -> Vec<Value> {
    diags
        .to_json()
        .iter()
        // Serializing plain data cannot fail.
        .map(|d| serde_json::to_value(d).unwrap_or(Value::Null))
        .collect()
}

/// One `--jsonl` result line.
pub fn jsonl_ok(line: usize, output: &Output, warnings: &Diagnostics) -> Value {
    let mut v = json!({"line": line, "ok": true, "output": output.to_json()});
    if !warnings.is_empty() {
        v["warnings"] = Value::from(diagnostics_json(warnings));
    }
    v
}

/// One `--jsonl` rejection line.
pub fn jsonl_err(line: usize, diags: &Diagnostics) -> Value {
    json!({"line": line, "ok": false, "diagnostics": diagnostics_json(diags)})
}
