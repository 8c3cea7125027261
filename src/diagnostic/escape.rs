//! Characters that must not reach a terminal raw: they move the cursor, change colours,
//! set the window title (ESC, OSC … BEL), erase text, or reorder what is shown (bidi
//! overrides such as U+202E). People-facing output shows them as `\u{1b}`, the
//! language's own escape, so what is shown can be typed back.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is shown escaped: C0 and C1 controls and DEL (tab and line feed
/// included: the callers that keep line structure let `\n` through themselves), Unicode
/// bidirectional controls, line and paragraph separators, and invisible marks that
/// hide text (zero width space, byte order mark).
pub(crate) fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Appends the escape of `c` (`\u{1b}`, lower-case hex, no padding).
pub(crate) fn push_escape(out: &mut String, c: char) {
    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
}

/// `text` with every [`is_hostile`] character escaped (borrowed when there is none).
pub(crate) fn escape_hostile(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hostile) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_hostile(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_are_escaped() {
        assert_eq!(
            escape_hostile("a\u{1b}[31mb\u{7}\u{0}\u{202e}c\u{85}\n"),
            "a\\u{1b}[31mb\\u{7}\\u{0}\\u{202e}c\\u{85}\\u{a}"
        );
        assert!(matches!(escape_hostile("手机 = \"ok\""), Cow::Borrowed(_)));
        // Joiners stay: emoji sequences and many scripts need them.
        assert!(!is_hostile('\u{200D}'));
    }
}
