//! Reading REPL input from a pipe or file. rustyline's own non-terminal reader joins
//! lines while the validator calls the input incomplete, but at end of input it drops
//! what it had gathered: a script ending in `name = "abc` would get no answer at all.
//! This reader keeps the same joining rule and hands back the unfinished text, so the
//! REPL can report it.

use super::entry_is_complete;
use std::io::{self, BufRead};

/// One read from piped input.
#[derive(Debug, PartialEq, Eq)]
pub enum Piped {
    /// A complete entry (a command, or a query whose brackets and quotes are closed).
    Entry(String),
    /// Input ended inside a query that was still open.
    Unfinished(String),
    /// Input ended between entries.
    End,
}

/// Reads the next entry, joining lines while a query is open (as the line editor's
/// validator does on a terminal).
pub fn read_entry(reader: &mut impl BufRead) -> io::Result<Piped> {
    let mut input = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(if input.is_empty() {
                Piped::End
            } else {
                Piped::Unfinished(input)
            });
        }
        let line = line.strip_suffix('\n').unwrap_or(&line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !input.is_empty() {
            input.push('\n');
        }
        input.push_str(line);
        if entry_is_complete(&input) {
            return Ok(Piped::Entry(input));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(text: &str) -> Vec<Piped> {
        let mut r = text.as_bytes();
        let mut out = Vec::new();
        loop {
            let e = read_entry(&mut r).unwrap();
            let end = !matches!(e, Piped::Entry(_));
            out.push(e);
            if end {
                return out;
            }
        }
    }

    #[test]
    fn open_queries_continue_and_an_unfinished_one_is_handed_back() {
        assert_eq!(
            entries("a = 1\n(b = 1 or\nc = 2)\n:quit\n"),
            vec![
                Piped::Entry("a = 1".into()),
                Piped::Entry("(b = 1 or\nc = 2)".into()),
                Piped::Entry(":quit".into()),
                Piped::End,
            ]
        );
        assert_eq!(
            entries("(b = 1 or\n:quit\nc = 2\n"),
            vec![
                Piped::Entry("(b = 1 or\n:quit".into()),
                Piped::Entry("c = 2".into()),
                Piped::End,
            ]
        );
        assert_eq!(
            entries("a = 1\r\nname = \"abc\n"),
            vec![
                Piped::Entry("a = 1".into()),
                Piped::Unfinished("name = \"abc".into()),
            ]
        );
        assert_eq!(entries("(((( "), vec![Piped::Unfinished("(((( ".into())]);
    }
}
