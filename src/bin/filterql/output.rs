//! Where results and diagnostics go: stdout for results (plain, pretty JSON, or one JSON
//! object per line with `--jsonl`), stderr for diagnostics (graphical or JSON).

use crate::args::DiagFormat;
use filterql::Diagnostics;
use serde_json::{json, Value};
use std::io::{IsTerminal, Write};

/// What one query produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Text printed as is (query text).
    Text(String),
    /// An SQL statement or condition; `mysql` when a backslash escapes in its strings.
    Sql {
        /// The SQL.
        sql: String,
        /// Whether it is MySQL's.
        mysql: bool,
    },
    /// A JSON value, pretty-printed for people.
    Json(Value),
    /// Nothing to print (a successful `check`).
    Nothing,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Look {
    /// jq-like colours in JSON.
    pub color: bool,
    /// JSON on one line (`-c`).
    pub compact: bool,
    /// Terminal controls in text shown escaped (the reader is a person at a terminal).
    pub escape: bool,
    /// SQL laid out over lines at this width (for a person); `None` prints it as is.
    pub sql_width: Option<usize>,
}

impl Output {
    /// The value in a `--jsonl` line.
    pub fn to_json(&self) -> Value {
        match self {
            Output::Text(s) | Output::Sql { sql: s, .. } => Value::String(s.clone()),
            Output::Json(v) => v.clone(),
            Output::Nothing => Value::Null,
        }
    }

    /// The human rendering (without a trailing newline), if any. JSON keeps its value
    /// whatever the look (unsafe characters become `\uXXXX` escapes); text is escaped
    /// only for a person at a terminal, since escaping changes it.
    pub fn render(&self, look: &Look) -> Option<String> {
        let text = |s: &str| {
            if look.escape {
                crate::safe::text(s).into_owned()
            } else {
                s.to_owned()
            }
        };
        match self {
            Output::Text(s) => Some(text(s)),
            Output::Sql { sql, mysql } => Some(match look.sql_width {
                Some(w) => text(&crate::sql_pretty::layout(sql, w, *mysql)),
                None => text(sql),
            }),
            Output::Json(v) if look.compact => Some(crate::safe::json(v.to_string())),
            Output::Json(v) if look.color => Some(crate::json_color::pretty(v)),
            // Serializing a `Value` cannot fail.
            Output::Json(v) => Some(crate::safe::json(
                serde_json::to_string_pretty(v).unwrap_or_default(),
            )),
            Output::Nothing => None,
        }
    }
}

/// When to colour: `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set (or forced by `CLICOLOR_FORCE` /
    /// `FORCE_COLOR`).
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

static COLOR: std::sync::OnceLock<ColorChoice> = std::sync::OnceLock::new();

/// Records `--color` for [`color_wanted`] (once, at start-up).
pub fn set_color_choice(c: ColorChoice) {
    let _ = COLOR.set(c);
}

/// Whether colour is wanted on a stream. `--color always|never` decide; otherwise
/// `NO_COLOR` (set and non-empty, <https://no-color.org>) turns it off,
/// `CLICOLOR_FORCE` or `FORCE_COLOR` (set, non-empty and not `0`) turn it on, and
/// without any of them only a terminal gets colour.
pub fn color_wanted(is_terminal: bool) -> bool {
    let set = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    match COLOR.get().copied().unwrap_or_default() {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("NO_COLOR").is_some() => false,
        ColorChoice::Auto
            if ["CLICOLOR_FORCE", "FORCE_COLOR"]
                .iter()
                .any(|k| set(k).is_some_and(|v| v != "0")) =>
        {
            true
        }
        ColorChoice::Auto => is_terminal,
    }
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

    /// Whether diagnostics are coloured.
    pub fn color(&self) -> bool {
        self.color
    }

    /// Reports `diags` (errors or warnings) on stderr, located at `place` (the source
    /// and line of the query). Nothing is written for an empty collection.
    pub fn report(&self, diags: &Diagnostics, place: crate::render::Place<'_>) {
        if diags.is_empty() {
            return;
        }
        let mut err = std::io::stderr().lock();
        // A closed stderr leaves nowhere to report to; ignoring is all we can do.
        let _ = match self.format {
            DiagFormat::Json => {
                let v = Value::from(diagnostics_json(diags));
                writeln!(err, "{}", crate::safe::json(v.to_string()))
            }
            DiagFormat::Human => write!(
                err,
                "{}",
                crate::render::render_at(diags, self.width, self.color, place)
            ),
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
