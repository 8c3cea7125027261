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

/// Runs `step` on every query of `arg` — the argument itself, or with `-` each query
/// line of stdin as it arrives — and prints the outcomes. Returns whether every query
/// was accepted.
pub fn run(
    arg: &str,
    mode: Mode,
    mut step: impl FnMut(&str) -> Result<Produced, Diagnostics>,
) -> Result<bool, Failure> {
    let mut printer = Printer::new(mode, arg == "-");
    if arg != "-" {
        printer.print(1, step(arg))?;
        return Ok(printer.all_ok);
    }
    for (i, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.map_err(|source| Failure::Io {
            path: "stdin".to_owned(),
            source,
        })?;
        if is_query(&line) && !printer.print(i + 1, step(&line))? {
            // stdout was closed (e.g. `| head`): nobody reads further results.
            break;
        }
    }
    Ok(printer.all_ok)
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
