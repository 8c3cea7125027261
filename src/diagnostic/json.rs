//! The machine-readable form of diagnostics, with every position given in the units a
//! consumer may need: bytes (Rust, Go), characters (Python), UTF-16 code units
//! (JavaScript, Java), and line/column.

use super::Error;
use miette::{Diagnostic, Severity};
use serde::Serialize;

/// One diagnostic as JSON.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JsonDiagnostic {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The diagnostic code, e.g. `filterql::syntax::expected`.
    pub code: Option<String>,
    /// The message.
    pub message: String,
    /// A suggested fix.
    pub help: Option<String>,
    /// Labelled spans into the query.
    pub labels: Vec<JsonLabel>,
}

/// A labelled span in a [`JsonDiagnostic`]. `start` and `end` delimit the span in
/// three units; lines and columns are 1-based and count characters, a line ending at
/// each `\n`. The end is exclusive: a one-character label at column 5 has `end_column`
/// 6.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JsonLabel {
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset one past the end.
    pub end: usize,
    /// Character (Unicode scalar value) offset of the start.
    pub start_char: usize,
    /// Character offset one past the end.
    pub end_char: usize,
    /// UTF-16 code unit offset of the start (a JavaScript string index).
    pub start_utf16: usize,
    /// UTF-16 code unit offset one past the end.
    pub end_utf16: usize,
    /// Line of the start.
    pub line: usize,
    /// Column (in characters) of the start.
    pub column: usize,
    /// Line of the end.
    pub end_line: usize,
    /// Column (in characters) of the end.
    pub end_column: usize,
    /// The label text.
    pub label: Option<String>,
    /// Whether this is the primary label.
    pub primary: bool,
}

impl JsonDiagnostic {
    /// Converts any diagnostic whose spans point into `source`.
    pub fn from_diagnostic(d: &dyn Diagnostic, source: &str) -> Self {
        convert([d].into_iter(), source).pop().unwrap_or_else(|| {
            // `convert` yields one item per diagnostic given.
            JsonDiagnostic {
                severity: "error",
                code: None,
                message: d.to_string(),
                help: None,
                labels: Vec::new(),
            }
        })
    }
}

pub(super) fn to_json(items: &[Error], source: &str) -> Vec<JsonDiagnostic> {
    convert(items.iter().map(|e| e as &dyn Diagnostic), source)
}

/// A label before its positions are known.
struct Raw {
    start: usize,
    end: usize,
    label: Option<String>,
    primary: bool,
}

/// Converts every diagnostic, locating all their labels in one pass over `source`
/// (positions sorted once), so that 10⁵ labels on one long line cost no more than the
/// line.
fn convert<'a>(ds: impl Iterator<Item = &'a dyn Diagnostic>, source: &str) -> Vec<JsonDiagnostic> {
    let mut pending: Vec<(JsonDiagnostic, Vec<Raw>)> = Vec::new();
    let mut offsets: Vec<usize> = Vec::new();
    for d in ds {
        let severity = match d.severity() {
            Some(Severity::Warning) | Some(Severity::Advice) => "warning",
            _ => "error",
        };
        let raws: Vec<Raw> = d
            .labels()
            .map(|ls| {
                ls.enumerate()
                    .map(|(i, l)| {
                        let start = floor_char_boundary(source, l.offset());
                        let end = floor_char_boundary(source, l.offset().saturating_add(l.len()))
                            .max(start);
                        offsets.push(start);
                        offsets.push(end);
                        Raw {
                            start,
                            end,
                            label: l.label().map(str::to_owned),
                            primary: l.primary() || i == 0,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let json = JsonDiagnostic {
            severity,
            code: d.code().map(|c| c.to_string()),
            message: d.to_string(),
            help: d.help().map(|h| h.to_string()),
            labels: Vec::with_capacity(raws.len()),
        };
        pending.push((json, raws));
    }
    offsets.sort_unstable();
    offsets.dedup();
    let located = locate_all(source, &offsets);
    let at = |offset: usize| located[offsets.partition_point(|&o| o < offset)];
    pending
        .into_iter()
        .map(|(mut json, raws)| {
            json.labels = raws
                .into_iter()
                .map(|r| {
                    let (s, e) = (at(r.start), at(r.end));
                    JsonLabel {
                        start: r.start,
                        end: r.end,
                        start_char: s.char,
                        end_char: e.char,
                        start_utf16: s.utf16,
                        end_utf16: e.utf16,
                        line: s.line,
                        column: s.column,
                        end_line: e.line,
                        end_column: e.column,
                        label: r.label,
                        primary: r.primary,
                    }
                })
                .collect();
            json
        })
        .collect()
}

/// Where a byte offset is, in the other units.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Located {
    char: usize,
    utf16: usize,
    line: usize,
    column: usize,
}

/// Locates every offset of `sorted` (ascending char boundaries within `source`) in one
/// walk over `source`.
fn locate_all(source: &str, sorted: &[usize]) -> Vec<Located> {
    let mut out = Vec::with_capacity(sorted.len());
    let mut here = Located {
        char: 0,
        utf16: 0,
        line: 1,
        column: 1,
    };
    let mut chars = source.char_indices().peekable();
    for &target in sorted {
        while let Some(&(i, c)) = chars.peek() {
            if i >= target {
                break;
            }
            #[cfg(test)]
            tests::STEPS.with(|s| s.set(s.get() + 1));
            here.char += 1;
            here.utf16 += c.len_utf16();
            if c == '\n' {
                here.line += 1;
                here.column = 1;
            } else {
                here.column += 1;
            }
            chars.next();
        }
        out.push(here);
    }
    out
}

fn floor_char_boundary(source: &str, i: usize) -> usize {
    let mut i = i.min(source.len());
    while !source.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::CheckError;
    use crate::span::Span;

    thread_local! {
        /// Characters walked so far on this thread.
        pub(super) static STEPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// Characters walked to locate `n` unknown fields on one line (uncapped: the items
    /// are converted directly).
    fn steps_for(n: usize) -> usize {
        let query = (0..n)
            .map(|i| format!("字{i:06} = 1"))
            .collect::<Vec<_>>()
            .join(" or ");
        let items: Vec<Error> = query
            .match_indices('字')
            .map(|(at, _)| {
                CheckError::UnknownField {
                    name: String::new(),
                    help: String::new(),
                    span: Span::new(at, at + 9),
                }
                .into()
            })
            .collect();
        STEPS.with(|s| s.set(0));
        let json = to_json(&items, &query);
        assert_eq!(json.len(), n);
        let last = &json[n - 1].labels[0];
        assert_eq!(last.start_char, query[..last.start].chars().count());
        assert_eq!(last.end_column, last.column + 7);
        STEPS.with(|s| s.get())
    }

    #[test]
    fn locating_every_label_on_one_line_is_linear() {
        let (small, big) = (steps_for(3_000), steps_for(30_000));
        eprintln!("{small} steps for 3k labels, {big} for 30k");
        // Input x10 -> work x10 (one walk), where a walk per label would be x100.
        assert!(big <= small * 11, "x{}", big / small);
    }

    #[test]
    fn one_walk_agrees_with_a_naive_count_everywhere() {
        let src = "a = 1\n手机 > 5\r\n\n𠀀 = \"😀x\"";
        let offsets: Vec<usize> = (0..=src.len())
            .filter(|&i| src.is_char_boundary(i))
            .collect();
        let located = locate_all(src, &offsets);
        for (&at, l) in offsets.iter().zip(&located) {
            let before = &src[..at];
            let naive = Located {
                char: before.chars().count(),
                utf16: before.encode_utf16().count(),
                line: before.matches('\n').count() + 1,
                column: before.rsplit('\n').next().unwrap().chars().count() + 1,
            };
            assert_eq!(*l, naive, "offset {at}");
        }
    }
}
