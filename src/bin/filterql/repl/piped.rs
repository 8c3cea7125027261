//! Reading REPL input from a pipe or file. rustyline's own non-terminal reader joins
//! lines while the validator calls the input incomplete, but at end of input it drops
//! what it had gathered: a script ending in `name = "abc` would get no answer at all.
//! This reader keeps the same joining rule and hands back the unfinished text, so the
//! REPL can report it. It also splits a pasted block into its queries (see
//! [`split_entries`]).
//!
//! Each line is scanned once, carrying the open-bracket and open-string state from
//! line to line ([`Open`]), so an entry of many lines costs time in proportion to its
//! length rather than to its length squared.

use super::scan::Open;
use std::io::{self, BufRead};

/// One read from piped input.
#[derive(Debug, PartialEq, Eq)]
pub enum Piped {
    /// A complete entry (a command, or a query whose brackets and quotes are closed).
    Entry(String),
    /// Input ended inside a query that was still open.
    Unfinished(String),
    /// Line `line` (1-based) is not UTF-8; it is skipped, with the open query it was
    /// part of, if any (`dropped`).
    NotUtf8 {
        /// The line number.
        line: usize,
        /// Whether an open query was dropped with it.
        dropped: bool,
    },
    /// Input ended between entries.
    End,
}

/// Gathers lines into entries: a line starts an entry, and lines are joined while the
/// query they belong to is open (or until a command on a line of its own abandons it).
#[derive(Debug, Default)]
pub struct Joiner {
    input: String,
    open: Open,
    lines: usize,
}

impl Joiner {
    /// Adds one line (without its line break); returns the entry it completes, if any.
    pub fn push_line(&mut self, line: &str) -> Option<String> {
        let first = self.lines == 0;
        if !first {
            self.input.push('\n');
            self.open.feed("\n");
        }
        self.lines += 1;
        self.input.push_str(line);
        self.open.feed(line);
        let t = line.trim();
        let complete = if first {
            t.starts_with(':') || !self.open.is_open()
        } else {
            super::is_shell_command(t) || !self.open.is_open()
        };
        complete.then(|| std::mem::take(self).input)
    }

    /// The lines of the open entry gathered so far.
    pub fn text(&self) -> &str {
        &self.input
    }

    /// Whether no line of an open entry is held.
    pub fn is_empty(&self) -> bool {
        self.lines == 0
    }

    /// The open entry gathered so far, which is dropped.
    pub fn take(&mut self) -> String {
        std::mem::take(self).input
    }
}

/// Reads entries from a byte stream, counting lines.
pub struct Reader<R> {
    inner: R,
    line: usize,
    start: usize,
    buf: Vec<u8>,
}

impl<R: BufRead> Reader<R> {
    /// A reader at the start of `inner`.
    pub fn new(inner: R) -> Self {
        Reader {
            inner,
            line: 0,
            start: 0,
            buf: Vec::new(),
        }
    }

    /// The line (1-based) the last entry read started on.
    pub fn entry_line(&self) -> usize {
        self.start
    }

    /// Reads the next entry, joining lines while a query is open (as the line editor's
    /// validator does on a terminal).
    pub fn read_entry(&mut self) -> io::Result<Piped> {
        let mut joiner = Joiner::default();
        loop {
            self.buf.clear();
            if self.inner.read_until(b'\n', &mut self.buf)? == 0 {
                return Ok(if joiner.is_empty() {
                    Piped::End
                } else {
                    Piped::Unfinished(joiner.take())
                });
            }
            self.line += 1;
            if joiner.is_empty() {
                self.start = self.line;
            }
            let bytes = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
            let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
            let Ok(line) = std::str::from_utf8(bytes) else {
                return Ok(Piped::NotUtf8 {
                    line: self.line,
                    dropped: !joiner.is_empty(),
                });
            };
            if let Some(entry) = joiner.push_line(line) {
                return Ok(Piped::Entry(entry));
            }
        }
    }
}

/// The entries of a block of text (several queries pasted at once, or one line typed
/// at the editor): each complete line is an entry of its own, and lines are joined only
/// while a query is open, exactly as piped input is read. Returns the entries and the
/// text of a query still open at the end, if any.
#[cfg(test)]
pub fn split_entries(text: &str) -> (Vec<String>, Option<String>) {
    let mut joiner = Joiner::default();
    let entries = text
        .split('\n')
        .filter_map(|l| joiner.push_line(l.strip_suffix('\r').unwrap_or(l)))
        .collect();
    (entries, (!joiner.is_empty()).then(|| joiner.take()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(text: &[u8]) -> Vec<Piped> {
        let mut r = Reader::new(text);
        let mut out = Vec::new();
        loop {
            let e = r.read_entry().unwrap();
            let end = matches!(e, Piped::End | Piped::Unfinished(_));
            out.push(e);
            if end {
                return out;
            }
        }
    }

    #[test]
    fn open_queries_continue_and_an_unfinished_one_is_handed_back() {
        assert_eq!(
            entries(b"a = 1\n(b = 1 or\nc = 2)\n:quit\n"),
            vec![
                Piped::Entry("a = 1".into()),
                Piped::Entry("(b = 1 or\nc = 2)".into()),
                Piped::Entry(":quit".into()),
                Piped::End,
            ]
        );
        assert_eq!(
            entries(b"(b = 1 or\n:quit\nc = 2\n"),
            vec![
                Piped::Entry("(b = 1 or\n:quit".into()),
                Piped::Entry("c = 2".into()),
                Piped::End,
            ]
        );
        assert_eq!(
            entries(b"a = 1\r\nname = \"abc\n"),
            vec![
                Piped::Entry("a = 1".into()),
                Piped::Unfinished("name = \"abc".into()),
            ]
        );
        assert_eq!(entries(b"(((( "), vec![Piped::Unfinished("(((( ".into())]);
    }

    #[test]
    fn a_comment_inside_an_open_query_ends_at_its_line() {
        assert_eq!(
            entries(b"amount > 5\n(amount > 1 # c\n)\nstatus = \"open\"\n"),
            vec![
                Piped::Entry("amount > 5".into()),
                Piped::Entry("(amount > 1 # c\n)".into()),
                Piped::Entry("status = \"open\"".into()),
                Piped::End,
            ]
        );
    }

    #[test]
    fn a_line_that_is_not_utf8_is_reported_and_reading_goes_on() {
        assert_eq!(
            entries(b"a = 1\n\xff\nb = 2\n(c = 1 or\n\xfe\nd = 3\n"),
            vec![
                Piped::Entry("a = 1".into()),
                Piped::NotUtf8 {
                    line: 2,
                    dropped: false
                },
                Piped::Entry("b = 2".into()),
                Piped::NotUtf8 {
                    line: 5,
                    dropped: true
                },
                Piped::Entry("d = 3".into()),
                Piped::End,
            ]
        );
    }

    #[test]
    fn a_pasted_block_splits_into_its_queries() {
        assert_eq!(
            split_entries("a = 1\nb = 2\n(c = 1 or\nc = 2)\n:target sql\nd = 4"),
            (
                vec![
                    "a = 1".to_owned(),
                    "b = 2".to_owned(),
                    "(c = 1 or\nc = 2)".to_owned(),
                    ":target sql".to_owned(),
                    "d = 4".to_owned()
                ],
                None
            )
        );
        assert_eq!(
            split_entries("a = 1\n(b"),
            (vec!["a = 1".to_owned()], Some("(b".to_owned()))
        );
    }

    #[test]
    fn twenty_thousand_lines_of_an_open_string_are_one_entry() {
        // Each line is scanned once: with a rescan per line this took minutes.
        let mut text = String::from("a = \"");
        for _ in 0..20_000 {
            text.push('\n');
            text.push_str(&"x".repeat(79));
        }
        text.push_str("\"\n");
        let got = entries(text.as_bytes());
        assert_eq!(got.len(), 2);
        assert!(matches!(&got[0], Piped::Entry(e) if e.len() == text.len() - 1));
    }
}
