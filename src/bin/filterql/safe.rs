//! Text from queries, schemas and data shown to a person, with the characters that
//! would steer a terminal made visible: control characters (ESC, NUL, BEL, C1, a lone
//! carriage return), and the invisible direction marks and overrides that make text
//! read differently from what it is (U+202A–U+202E, U+2066–U+2069, …). Each is shown as
//! a Rust-style escape, `\u{1b}`, so the output cannot move the cursor, retitle the
//! window or reorder what is shown, and the reader still sees which character it was.
//!
//! Machine-readable output (JSON) keeps the same value: there such characters become
//! JSON `\uXXXX` escapes instead (see [`json`]).

use miette::{Diagnostic, LabeledSpan, Severity};
use std::borrow::Cow;
use std::fmt;

/// Whether `c` must not reach a terminal as is. Line feeds and tabs lay out text and
/// are kept; a carriage return is kept only before a line feed (see [`text`]).
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
            | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// How `c` is shown.
fn escape(c: char) -> String {
    format!("\\u{{{:x}}}", c as u32)
}

/// Calls `each(byte_offset, char)` for every character of `s` that [`text`] escapes.
fn for_each_unsafe(s: &str, mut each: impl FnMut(usize, char)) {
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let crlf = c == '\r' && chars.peek().is_some_and(|&(_, d)| d == '\n');
        if is_unsafe(c) && !crlf {
            each(i, c);
        }
    }
}

/// `s` with every unsafe character escaped; borrowed when there is none.
pub fn text(s: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut at = 0;
    for_each_unsafe(s, |i, c| {
        let o = out.get_or_insert_with(|| String::with_capacity(s.len() + 8));
        o.push_str(&s[at..i]);
        o.push_str(&escape(c));
        at = i + c.len_utf8();
    });
    match out {
        None => Cow::Borrowed(s),
        Some(mut o) => {
            o.push_str(&s[at..]);
            Cow::Owned(o)
        }
    }
}

/// Serialized JSON with every unsafe character that the serializer left raw (DEL, C1,
/// direction marks) written as a `\uXXXX` escape. Outside strings JSON text is plain
/// ASCII, so every such character is inside a string, where the escape means the same
/// character: the value is unchanged.
pub fn json(s: String) -> String {
    if !s.chars().any(is_unsafe) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe(c) {
            // Every character escaped here is in the Basic Multilingual Plane.
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A diagnostic's texts with unsafe characters escaped, owned so that it can stand in
/// for the original when miette renders it (message, code, help, label texts, the
/// diagnostic it wraps and the chain of causes).
#[derive(Debug)]
pub struct Clean {
    message: String,
    code: Option<String>,
    severity: Option<Severity>,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    diagnostic_source: Option<Box<Clean>>,
    cause: Option<Box<Clean>>,
}

impl Clean {
    /// `d` cleaned (its labels' spans kept: they point into no escaped text).
    pub fn of(d: &dyn Diagnostic) -> Clean {
        let labels = d
            .labels()
            .map(|ls| {
                ls.map(|l| {
                    let label = l.label().map(|t| text(t).into_owned());
                    if l.primary() {
                        LabeledSpan::new_primary_with_span(label, *l.inner())
                    } else {
                        LabeledSpan::new_with_span(label, *l.inner())
                    }
                })
                .collect()
            })
            .unwrap_or_default();
        let cause = if d.diagnostic_source().is_some() {
            None
        } else {
            d.source().map(|e| Box::new(Clean::error(e)))
        };
        Clean {
            message: text(&d.to_string()).into_owned(),
            code: d.code().map(|c| text(&c.to_string()).into_owned()),
            severity: d.severity(),
            help: d.help().map(|h| text(&h.to_string()).into_owned()),
            labels,
            diagnostic_source: d.diagnostic_source().map(|s| Box::new(Clean::of(s))),
            cause,
        }
    }

    /// A plain error (a cause in a chain) cleaned.
    fn error(e: &dyn std::error::Error) -> Clean {
        Clean {
            message: text(&e.to_string()).into_owned(),
            code: None,
            severity: None,
            help: None,
            labels: Vec::new(),
            diagnostic_source: None,
            cause: e.source().map(|c| Box::new(Clean::error(c))),
        }
    }
}

impl fmt::Display for Clean {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Clean {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|c| c as &(dyn std::error::Error + 'static))
    }
}

impl Diagnostic for Clean {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<Severity> {
        self.severity
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.diagnostic_source
            .as_deref()
            .map(|d| d as &dyn Diagnostic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_and_direction_overrides_are_escaped() {
        assert_eq!(
            text("a\u{1b}]0;x\u{7}b\0\u{202e}c\u{2066}"),
            "a\\u{1b}]0;x\\u{7}b\\u{0}\\u{202e}c\\u{2066}"
        );
        assert_eq!(text("line\r\nnext\ttab\rx"), "line\r\nnext\ttab\\u{d}x");
        assert!(matches!(text("班级 = \"a\""), Cow::Borrowed(_)));
        assert_eq!(text("\u{9b}31m"), "\\u{9b}31m");
    }

    #[test]
    fn json_keeps_its_value() {
        let v = serde_json::json!({"k\u{202e}": "\u{1b}[2J\u{7f}\u{85}"});
        let s = json(serde_json::to_string(&v).unwrap());
        assert!(!s.chars().any(is_unsafe), "{s}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
    }
}
