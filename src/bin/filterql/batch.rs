//! Running a per-query step over the QUERY argument: one query, or with `-` one query per
//! stdin line, continuing past rejected lines.

use crate::args::DiagFormat;
use crate::failure::{read_input, Failure};
use crate::output::{color_wanted, jsonl_err, jsonl_ok, Output, Reporter};
use filterql::Diagnostics;
use std::io::{IsTerminal, Write};

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

/// The queries of a QUERY argument with their 1-based line numbers.
pub fn queries(arg: &str) -> Result<Vec<(usize, String)>, Failure> {
    if arg != "-" {
        return Ok(vec![(1, arg.to_owned())]);
    }
    let text = read_input("-")?;
    Ok(split_lines(&text))
}

/// Splits batch input into queries, skipping blank and `#` comment lines.
pub fn split_lines(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r').to_owned()))
        .collect()
}

/// Runs `step` on every query of `arg` and prints the outcomes. Returns whether every
/// query was accepted.
pub fn run(
    arg: &str,
    mode: Mode,
    mut step: impl FnMut(&str) -> Result<Produced, Diagnostics>,
) -> Result<bool, Failure> {
    let batch = arg == "-";
    let reporter = Reporter::stderr(mode.diagnostics);
    let color = color_wanted(std::io::stdout().is_terminal());
    let mut all_ok = true;
    let mut out = std::io::stdout().lock();
    for (line, query) in queries(arg)? {
        let result = step(&query);
        let label = batch.then_some(line);
        let written = match (&result, mode.jsonl) {
            (Ok(p), true) => writeln!(out, "{}", jsonl_ok(line, &p.output, &p.warnings)),
            (Err(d), true) => writeln!(out, "{}", jsonl_err(line, d)),
            (Ok(p), false) => {
                reporter.report(&p.warnings, label);
                match p.output.render(color) {
                    Some(t) => writeln!(out, "{t}"),
                    None => Ok(()),
                }
            }
            (Err(d), false) => {
                reporter.report(d, label);
                Ok(())
            }
        };
        // Flush per query so a consumer of a pipe sees each result as it is produced.
        written
            .and_then(|()| out.flush())
            .map_err(|source| Failure::Io {
                path: "stdout".to_owned(),
                source,
            })?;
        all_ok &= result.is_ok();
    }
    Ok(all_ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_input_skips_blank_and_comment_lines_but_keeps_numbering() {
        let got = split_lines("a = 1\n\n  # note\nb = 2\r\n   \nc = 3");
        let want = vec![
            (1, "a = 1".to_owned()),
            (4, "b = 2".to_owned()),
            (6, "c = 3".to_owned()),
        ];
        assert_eq!(got, want);
    }
}
