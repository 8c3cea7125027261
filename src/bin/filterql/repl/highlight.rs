//! Syntax colouring of the line being edited (ANSI SGR only, so the display width of
//! the line is unchanged, as rustyline requires).

use super::scan::{scan, Kind};

const RESET: &str = "\x1b[0m";

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
    let mut out = String::with_capacity(line.len() * 2);
    let mut at = 0;
    for t in scan(line) {
        out.push_str(&line[at..t.range.start]);
        let text = &line[t.range.clone()];
        match style(t.kind) {
            Some(s) => {
                out.push_str(s);
                out.push_str(text);
                out.push_str(RESET);
            }
            None => out.push_str(text),
        }
        at = t.range.end;
    }
    out.push_str(&line[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut esc = false;
        for c in s.chars() {
            match (esc, c) {
                (false, '\x1b') => esc = true,
                (true, 'm') => esc = false,
                (true, _) => {}
                (false, c) => out.push(c),
            }
        }
        out
    }

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
    fn a_comment_dims_only_the_rest_of_its_line() {
        let h = highlight("(amount > 1 # c\nor status = \"x\")");
        assert!(h.contains("\x1b[2m# c\x1b[0m\n"), "{h:?}");
        assert!(h.contains("\x1b[1;35mor\x1b[0m"), "{h:?}");
        assert!(h.contains("\x1b[36mstatus\x1b[0m"), "{h:?}");
    }
}
