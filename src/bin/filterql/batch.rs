//! Running a per-query step over the query input: the QUERY argument, a whole file
//! (`-f FILE`) or stdin as one query, or with `-` one query per stdin line, continuing
//! past rejected lines.

use crate::args::{DiagFormat, QueryArgs};
use crate::failure::{read_input, Failure};
use crate::output::{color_wanted, jsonl_err, jsonl_ok, width, Look, Output, Reporter};
use crate::render::Place;
use filterql::Diagnostics;
use std::io::{BufRead, IsTerminal, Write};

/// A successful step: what to print and any warnings.
#[derive(Debug)]
pub struct Produced {
    /// The result.
    pub output: Output,
    /// Warnings (e.g. no-schema mode).
    pub warnings: Diagnostics,
}

impl Produced {
    /// A result without warnings.
    pub fn new(output: Output) -> Self {
        Produced {
            output,
            warnings: Diagnostics::default(),
        }
    }
}

/// How results and diagnostics are written.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    /// `--jsonl`.
    pub jsonl: bool,
    /// `--diagnostics`.
    pub diagnostics: DiagFormat,
    /// `-c`: compact JSON.
    pub compact: bool,
    /// A command-line hint for a rejection (e.g. a flag that would help), printed after
    /// human diagnostics.
    pub hint: Option<fn(&Diagnostics) -> Option<&'static str>>,
}

/// Where the queries come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// The QUERY argument.
    Arg(String),
    /// A whole file as one query.
    File(String),
    /// All of stdin as one query.
    Stdin,
    /// One query per stdin line (`-`).
    StdinLines,
}

impl Input {
    /// The input the arguments name. Without QUERY or `-f`, stdin is the query when it
    /// is not a terminal (a person at a terminal gets a usage error, not a hang).
    pub fn from_args(q: &QueryArgs) -> Result<Input, Failure> {
        match (&q.file, &q.query) {
            (Some(f), _) if f == "-" => Ok(Input::Stdin),
            (Some(f), _) => Ok(Input::File(f.clone())),
            (None, Some(q)) if q == "-" => Ok(Input::StdinLines),
            (None, Some(q)) => Ok(Input::Arg(q.clone())),
            (None, None) if !std::io::stdin().is_terminal() => Ok(Input::Stdin),
            (None, None) => Err(Failure::usage(
                "no query given",
                Some("give the QUERY, -f FILE, `-` for one query per stdin line, or pipe the query on stdin"),
            )),
        }
    }

    /// Whether this input reads stdin.
    pub fn reads_stdin(&self) -> bool {
        matches!(self, Input::Stdin | Input::StdinLines)
    }
}

/// Hints naming flags, by diagnostic code, for every command.
fn cli_hints(d: &Diagnostics) -> Vec<&'static str> {
    let has = |code: &str| {
        d.iter()
            .any(|e| miette::Diagnostic::code(e).is_some_and(|c| c.to_string() == code))
    };
    let mut out = Vec::new();
    if has("filterql::check::inferred_types") {
        out.push("--schema FILE (or FILTERQL_SCHEMA) checks names and types against the form");
    }
    if has("filterql::sql::subform") {
        out.push("`filterql eval --data RECORDS.json` filters on subform rows client-side");
    }
    out
}

/// Whether a batch line holds a query (not blank, not a `#` comment).
fn is_query(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#')
}

/// The byte-order mark some editors put at the start of a UTF-8 file; it is not query
/// text.
const BOM: &str = "\u{feff}";

/// `text` without a leading byte-order mark.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix(BOM).unwrap_or(text)
}

/// Runs `step` on every query of `input` — one query, or with `-` each query line of
/// stdin as it arrives — and prints the outcomes. Returns whether every query was
/// accepted. A stdin holding no query at all is rejected like an empty argument: a
/// script piping an empty filter must not get success and no output.
pub fn run(
    input: &Input,
    mode: Mode,
    mut step: impl FnMut(&str) -> Result<Produced, Diagnostics>,
) -> Result<bool, Failure> {
    let mut printer = Printer::new(mode);
    match input {
        Input::Arg(q) => {
            printer.print(Place::QUERY, step(strip_bom(q)))?;
            return Ok(printer.all_ok);
        }
        Input::File(_) | Input::Stdin => {
            let path = match input {
                Input::File(p) => p.as_str(),
                _ => "-",
            };
            let text = read_input(path)?;
            let name = if path == "-" { "<stdin>" } else { path };
            let place = Place {
                name,
                first_line: 1,
            };
            printer.print(place, step(strip_bom(&text)))?;
            return Ok(printer.all_ok);
        }
        Input::StdinLines => {}
    }
    let stdin = std::io::stdin();
    let mut reader = stdin.lock();
    let mut buf = Vec::new();
    let mut line_no = 0;
    let mut queries = 0;
    loop {
        buf.clear();
        let read = reader
            .read_until(b'\n', &mut buf)
            .map_err(|source| Failure::Io {
                path: "stdin".to_owned(),
                source,
            })?;
        if read == 0 {
            break;
        }
        line_no += 1;
        let line = match std::str::from_utf8(trim_newline(&buf)) {
            Ok(line) if line_no == 1 => strip_bom(line),
            Ok(line) => line,
            Err(e) => {
                // Reported with its line number; the lines after it still run.
                queries += 1;
                let failure = Failure::Input {
                    path: "stdin".to_owned(),
                    message: format!("line {line_no} is not valid UTF-8: {e}"),
                    help: Some("save the queries as UTF-8".to_owned()),
                };
                if !printer.print_failure(line_no, &failure)? {
                    break;
                }
                continue;
            }
        };
        if !is_query(line) {
            continue;
        }
        queries += 1;
        let place = Place {
            name: "<stdin>",
            first_line: line_no,
        };
        if !printer.print(place, step(line))? {
            // stdout was closed (e.g. `| head`): nobody reads further results.
            break;
        }
    }
    if queries == 0 {
        // The library's own empty-query rejection, as `''` gets it as an argument.
        printer.print(Place::QUERY, step(""))?;
    }
    Ok(printer.all_ok)
}

/// A line read with `read_until` without its `\n` or `\r\n`.
fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Prints results to stdout and diagnostics to stderr, remembering rejections.
struct Printer {
    mode: Mode,
    reporter: Reporter,
    look: Look,
    all_ok: bool,
}

impl Printer {
    fn new(mode: Mode) -> Self {
        let tty = std::io::stdout().is_terminal();
        Printer {
            mode,
            reporter: Reporter::stderr(mode.diagnostics),
            look: Look {
                color: color_wanted(tty),
                compact: mode.compact,
                escape: tty,
                sql_width: tty.then(width),
            },
            all_ok: true,
        }
    }

    /// Prints a line that could not be handed to the step at all: a JSON line, or a
    /// report on stderr naming the line.
    fn print_failure(&mut self, line: usize, failure: &Failure) -> Result<bool, Failure> {
        self.all_ok = false;
        if !self.mode.jsonl {
            let head = format!("<stdin>:{line}: ");
            match self.mode.diagnostics {
                DiagFormat::Json => {
                    let d = filterql::JsonDiagnostic::from_diagnostic(failure, "");
                    let v = serde_json::json!([d]);
                    eprintln!("{}", crate::safe::json(v.to_string()));
                }
                DiagFormat::Human => eprint!(
                    "{head}{}",
                    crate::render::render_other(failure, width(), self.reporter.color())
                ),
            }
            return Ok(true);
        }
        let d = filterql::JsonDiagnostic::from_diagnostic(failure, "");
        let v = serde_json::json!({"line": line, "ok": false, "diagnostics": [d]});
        let mut out = std::io::stdout().lock();
        match writeln!(out, "{}", crate::safe::json(v.to_string())).and_then(|()| out.flush()) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
            Err(source) => Err(Failure::Write { source }),
        }
    }

    /// Prints the command line's hints for `d` after human diagnostics: the library's
    /// help speaks of the language, the flags that help are the CLI's to name.
    fn hint(&self, d: &Diagnostics) {
        if self.mode.diagnostics != DiagFormat::Human || d.is_empty() {
            return;
        }
        let mut shown = Vec::new();
        let extra = self.mode.hint.and_then(|hint| hint(d));
        for h in cli_hints(d).into_iter().chain(extra) {
            if !shown.contains(&h) {
                eprintln!("hint: {h}");
                shown.push(h);
            }
        }
    }

    /// Prints one outcome; `Ok(false)` when stdout has been closed.
    fn print(
        &mut self,
        place: Place<'_>,
        result: Result<Produced, Diagnostics>,
    ) -> Result<bool, Failure> {
        let mut out = std::io::stdout().lock();
        let line = place.first_line;
        let json = |v: serde_json::Value| crate::safe::json(v.to_string());
        let written = match (&result, self.mode.jsonl) {
            (Ok(p), true) => writeln!(out, "{}", json(jsonl_ok(line, &p.output, &p.warnings))),
            (Err(d), true) => writeln!(out, "{}", json(jsonl_err(line, d))),
            (Ok(p), false) => {
                self.reporter.report(&p.warnings, place);
                self.hint(&p.warnings);
                match p.output.render(&self.look) {
                    Some(t) => writeln!(out, "{t}"),
                    None => Ok(()),
                }
            }
            (Err(d), false) => {
                self.reporter.report(d, place);
                self.hint(d);
                Ok(())
            }
        };
        self.all_ok &= result.is_ok();
        // Flush per query so a consumer of a pipe sees each result as it is produced.
        match written.and_then(|()| out.flush()) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
            Err(source) => Err(Failure::Write { source }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_and_comment_lines_are_not_queries() {
        for line in ["", "   ", "# note", "  # indented note", "\t"] {
            assert!(!is_query(line), "{line:?}");
        }
        for line in ["a = 1", "  a = 1 # trailing comment", "(a = 1)"] {
            assert!(is_query(line), "{line:?}");
        }
    }
}
