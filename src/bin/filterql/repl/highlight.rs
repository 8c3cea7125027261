//! Syntax colouring of the line being edited (ANSI SGR only, so the display width of
//! the line is unchanged, as rustyline requires).

use super::scan::{scan, Kind};
use crate::sgr::{paint, RESET};

/// The colour of a token kind, if it has one.
fn style(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Keyword => Some("\x1b[1;35m"),
        Kind::Field => Some("\x1b[36m"),
        Kind::String { closed: true } => Some("\x1b[32m"),
        // An unterminated string is shown in a warning colour until it is closed.
        Kind::String { closed: false } => Some("\x1b[33m"),
        Kind::Number => Some("\x1b[33m"),
        Kind::Operator => Some("\x1b[1m"),
        Kind::Comment => Some("\x1b[2m"),
        Kind::Punct | Kind::Other => None,
    }
}

/// `line` with ANSI colours; REPL commands (`:target ...`) are shown bold.
pub fn highlight(line: &str) -> String {
    if line.trim_start().starts_with(':') {
        return format!("\x1b[1m{line}{RESET}");
    }
    highlight_from(line, 0)
}

/// `text[from..]` coloured as part of the whole `text`: the line being edited after
/// the earlier lines of an open query, so that a string or comment begun before is
/// still seen as one.
pub fn highlight_from(text: &str, from: usize) -> String {
    let mut out = String::with_capacity((text.len() - from) * 2);
    let mut at = from;
    for t in scan(text) {
        if t.range.end <= from {
            continue;
        }
        let start = t.range.start.max(from);
        out.push_str(&text[at..start]);
        let piece = &text[start..t.range.end];
        match style(t.kind) {
            Some(s) => paint(&mut out, s, piece),
            None => out.push_str(piece),
        }
        at = t.range.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sgr::strip;

    #[test]
    fn colouring_keeps_the_text_and_marks_each_kind() {
        let line = r#"createTime >= 2022-01-01 and (tags has "重要" or x<3) # hi"#;
        let h = highlight(line);
        assert_eq!(strip(&h), line);
        assert!(h.contains("\x1b[1;35mand\x1b[0m"));
        assert!(h.contains("\x1b[36mcreateTime\x1b[0m"));
        assert!(h.contains("\x1b[32m\"重要\"\x1b[0m"));
        assert!(h.contains("\x1b[33m2022-01-01\x1b[0m"));
        assert!(h.contains("\x1b[2m# hi\x1b[0m"));
    }

    #[test]
    fn a_continuation_line_is_coloured_in_the_context_of_the_lines_before() {
        let before = "name = \"abc\n";
        let h = highlight_from(&format!("{before}def\" and x"), before.len());
        assert_eq!(strip(&h), "def\" and x");
        assert!(h.starts_with("\x1b[32mdef\"\x1b[0m"), "{h:?}");
    }

    #[test]
    fn a_comment_dims_only_the_rest_of_its_line() {
        let h = highlight("(amount > 1 # c\nor status = \"x\")");
        assert!(h.contains("\x1b[2m# c\x1b[0m\n"), "{h:?}");
        assert!(h.contains("\x1b[1;35mor\x1b[0m"), "{h:?}");
        assert!(h.contains("\x1b[36mstatus\x1b[0m"), "{h:?}");
    }
}
