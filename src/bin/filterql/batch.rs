//! Running a per-query step over the QUERY argument: one query, or with `-` one query per
//! stdin line, continuing past rejected lines.

use crate::args::DiagFormat;
use crate::failure::Failure;
use crate::output::{color_wanted, jsonl_err, jsonl_ok, Output, Reporter};
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

/// Runs `step` on every query of `arg` — the argument itself, or with `-` each query
/// line of stdin as it arrives — and prints the outcomes. Returns whether every query
/// was accepted. A stdin holding no query at all is rejected like an empty argument:
/// a script piping an empty filter must not get success and no output.
pub fn run(
    arg: &str,
    mode: Mode,
    mut step: impl FnMut(&str) -> Result<Produced, Diagnostics>,
) -> Result<bool, Failure> {
    let mut printer = Printer::new(mode, arg == "-");
    if arg != "-" {
        printer.print(1, step(strip_bom(arg)))?;
        return Ok(printer.all_ok);
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
            Err(e) if mode.jsonl => {
                // A JSON-lines consumer gets an answer for every line, bad bytes included.
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
            Err(e) => {
                return Err(Failure::Io {
                    path: "stdin".to_owned(),
                    source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
                })
            }
        };
        if !is_query(line) {
            continue;
        }
        queries += 1;
        if !printer.print(line_no, step(line))? {
            // stdout was closed (e.g. `| head`): nobody reads further results.
            break;
        }
    }
    if queries == 0 {
        // The library's own empty-query rejection, as `''` gets it as an argument.
        printer.batch = false;
        printer.print(1, step(""))?;
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
    batch: bool,
    reporter: Reporter,
    color: bool,
    all_ok: bool,
}

impl Printer {
    fn new(mode: Mode, batch: bool) -> Self {
        Printer {
            mode,
            batch,
            reporter: Reporter::stderr(mode.diagnostics),
            color: color_wanted(std::io::stdout().is_terminal()),
            all_ok: true,
        }
    }

    /// Prints a line that could not be handed to the step at all (JSON lines only).
    fn print_failure(&mut self, line: usize, failure: &Failure) -> Result<bool, Failure> {
        let d = filterql::diagnostic::JsonDiagnostic::from_diagnostic(failure, "");
        let v = serde_json::json!({"line": line, "ok": false, "diagnostics": [d]});
        self.all_ok = false;
        let mut out = std::io::stdout().lock();
        match writeln!(out, "{v}").and_then(|()| out.flush()) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
            Err(source) => Err(Failure::Write { source }),
        }
    }

    /// Prints one outcome; `Ok(false)` when stdout has been closed.
    fn print(
        &mut self,
        line: usize,
        result: Result<Produced, Diagnostics>,
    ) -> Result<bool, Failure> {
        let mut out = std::io::stdout().lock();
        let label = self.batch.then_some(line);
        let written = match (&result, self.mode.jsonl) {
            (Ok(p), true) => writeln!(out, "{}", jsonl_ok(line, &p.output, &p.warnings)),
            (Err(d), true) => writeln!(out, "{}", jsonl_err(line, d)),
            (Ok(p), false) => {
                self.reporter.report(&p.warnings, label);
                match p.output.render(self.color) {
                    Some(t) => writeln!(out, "{t}"),
                    None => Ok(()),
                }
            }
            (Err(d), false) => {
                self.reporter.report(d, label);
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
