//! Lexical helpers under the nom rules: whitespace and comments, identifiers, keywords,
//! token descriptions for messages, and the token-aware skipping used for error recovery.
//!
//! These are plain byte scanners rather than combinator chains because they sit on the
//! hot path of every token: they never allocate and never build an error value.

use super::ast::{Period, PeriodUnit, Shift};

/// The reserved words of the language. Matching is ASCII case-insensitive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kw {
    And,
    Or,
    Not,
    In,
    Between,
    Is,
    Empty,
    Null,
    Verified,
    Unverified,
    Contains,
    StartsWith,
    EndsWith,
    Has,
    Any,
    All,
    True,
    False,
    Now,
    Today,
}

impl Kw {
    /// Every keyword (for [`FIRST_LETTERS`]: one missing here could not be read).
    const ALL: [Kw; 20] = [
        Kw::And,
        Kw::Or,
        Kw::Not,
        Kw::In,
        Kw::Between,
        Kw::Is,
        Kw::Empty,
        Kw::Null,
        Kw::Verified,
        Kw::Unverified,
        Kw::Contains,
        Kw::StartsWith,
        Kw::EndsWith,
        Kw::Has,
        Kw::Any,
        Kw::All,
        Kw::True,
        Kw::False,
        Kw::Now,
        Kw::Today,
    ];

    /// The keyword in lower case.
    pub(crate) const fn text(self) -> &'static str {
        match self {
            Kw::And => "and",
            Kw::Or => "or",
            Kw::Not => "not",
            Kw::In => "in",
            Kw::Between => "between",
            Kw::Is => "is",
            Kw::Empty => "empty",
            Kw::Null => "null",
            Kw::Verified => "verified",
            Kw::Unverified => "unverified",
            Kw::Contains => "contains",
            Kw::StartsWith => "startswith",
            Kw::EndsWith => "endswith",
            Kw::Has => "has",
            Kw::Any => "any",
            Kw::All => "all",
            Kw::True => "true",
            Kw::False => "false",
            Kw::Now => "now",
            Kw::Today => "today",
        }
    }
}

/// Packs the first (up to) 8 bytes of `b`, ASCII letters folded to lower case, into one
/// integer (first byte lowest), so that a word is classified by a few integer
/// comparisons instead of a string comparison per keyword. Folding sets bit 0x20 of
/// every byte: that maps only `A`–`Z` onto lower-case letters (every keyword byte is a
/// lower-case letter), so no other word packs to a keyword's key.
const fn pack(b: &[u8]) -> u64 {
    let mut k = 0u64;
    let mut p = 0;
    while p < b.len() && p < 8 {
        k |= ((b[p] | 0x20) as u64) << (8 * p);
        p += 1;
    }
    k
}


/// The bit of a word's first byte in [`FIRST_LETTERS`]: its letter's position in the
/// alphabet, case folded as in [`pack`]. Other bytes get some bit of the 32 too, which
/// may let a word through to the exact comparison but never rejects a keyword.
const fn first_letter_bit(c: u8) -> u32 {
    1 << ((c | 0x20).wrapping_sub(b'a') & 31)
}

/// By length, the first letters of the keywords of that length: most names are rejected
/// by this one lookup (`createTime`, `status`), without packing their bytes.
static FIRST_LETTERS: [u32; 11] = {
    let mut t = [0u32; 11];
    let mut k = 0;
    while k < Kw::ALL.len() {
        let w = Kw::ALL[k].text().as_bytes();
        t[w.len()] |= first_letter_bit(w[0]);
        k += 1;
    }
    t
};

/// Classifies `word` as a keyword (ASCII case-insensitively).
pub(crate) fn keyword(word: &str) -> Option<Kw> {
    let b = word.as_bytes();
    if b.len() < 2 || b.len() > 10 || FIRST_LETTERS[b.len()] & first_letter_bit(b[0]) == 0 {
        return None;
    }
    let k = pack(b);
    // Matching on the length first leaves a handful of candidates per length.
    let found = match b.len() {
        2 => match k {
            k if k == const { pack(b"or") } => Kw::Or,
            k if k == const { pack(b"in") } => Kw::In,
            k if k == const { pack(b"is") } => Kw::Is,
            _ => return None,
        },
        3 => match k {
            k if k == const { pack(b"and") } => Kw::And,
            k if k == const { pack(b"not") } => Kw::Not,
            k if k == const { pack(b"has") } => Kw::Has,
            k if k == const { pack(b"any") } => Kw::Any,
            k if k == const { pack(b"all") } => Kw::All,
            k if k == const { pack(b"now") } => Kw::Now,
            _ => return None,
        },
        4 => match k {
            k if k == const { pack(b"null") } => Kw::Null,
            k if k == const { pack(b"true") } => Kw::True,
            _ => return None,
        },
        5 => match k {
            k if k == const { pack(b"empty") } => Kw::Empty,
            k if k == const { pack(b"false") } => Kw::False,
            k if k == const { pack(b"today") } => Kw::Today,
            _ => return None,
        },
        7 if k == const { pack(b"between") } => Kw::Between,
        8 => match k {
            k if k == const { pack(b"verified") } => Kw::Verified,
            k if k == const { pack(b"contains") } => Kw::Contains,
            k if k == const { pack(b"endswith") } => Kw::EndsWith,
            _ => return None,
        },
        10 => {
            let tail = pack(&b[8..]);
            match (k, tail) {
                (k, t) if k == const { pack(b"unverifi") } && t == const { pack(b"ed") } => {
                    Kw::Unverified
                }
                (k, t) if k == const { pack(b"startswi") } && t == const { pack(b"th") } => {
                    Kw::StartsWith
                }
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(found)
}

/// The keyword `kw` as a whole word at the start of `i`: the input after it. Compares
/// the keyword's bytes in place rather than measuring and classifying the whole word.
pub(crate) fn word(i: &str, kw: Kw) -> Option<&str> {
    let t = kw.text().as_bytes();
    let b = i.as_bytes();
    let head = b.get(..t.len())?;
    if !head.iter().zip(t).all(|(&c, &k)| c | 0x20 == k) {
        return None;
    }
    match b.get(t.len()) {
        // The word goes on (`andrew`): not the keyword.
        Some(&c) if c < 0x80 && CLASS[c as usize] & IDENT_CONT != 0 => None,
        Some(&c) if c >= 0x80 && ident_len(i) != t.len() => None,
        // All bytes compared are ASCII, so `t.len()` is a character boundary.
        _ => i.get(t.len()..),
    }
}

/// Whether `word` is a keyword of the language (case-insensitive). Such a word can only
/// be used as a field name in backticks.
pub fn is_keyword(word: &str) -> bool {
    keyword(word).is_some()
}

/// Whether `word` can be written as a bare field segment: a non-empty identifier that is
/// not a keyword.
pub(crate) fn is_bare_ident(word: &str) -> bool {
    !word.is_empty() && ident_len(word) == word.len() && !is_keyword(word)
}

/// The period named at the start of `i` and the input after it: a whole word
/// (`yesterday`, `today`, `tomorrow`, or a Chinese name such as `本月`: `本月销量` is
/// another word), or `this`/`last`/`next` and a unit word, ASCII case-insensitively.
/// These words are not reserved: only a value may be a period, so a field may still be
/// named `last` or `本月`.
pub(crate) fn period_at(i: &str) -> Option<(Period, &str)> {
    let n = ident_len(i);
    let first = i.get(..n)?;
    if n == 0 {
        return None;
    }
    let rest = &i[n..];
    let shift = if first.eq_ignore_ascii_case("this") {
        Shift::This
    } else if first.eq_ignore_ascii_case("last") {
        Shift::Last
    } else if first.eq_ignore_ascii_case("next") {
        Shift::Next
    } else {
        let found = Period::NAMES
            .iter()
            .find(|(name, _)| !name.contains(' ') && name.eq_ignore_ascii_case(first))?;
        return Some((found.1, rest));
    };
    let j = skip_ws(rest);
    let m = ident_len(j);
    let unit = match j.get(..m) {
        Some(w) if w.eq_ignore_ascii_case("week") => PeriodUnit::Week,
        Some(w) if w.eq_ignore_ascii_case("month") => PeriodUnit::Month,
        Some(w) if w.eq_ignore_ascii_case("quarter") => PeriodUnit::Quarter,
        Some(w) if w.eq_ignore_ascii_case("year") => PeriodUnit::Year,
        _ => return None,
    };
    Some((Period { unit, shift }, &j[m..]))
}

/// Byte classes for the scanners: `IDENT_START` (ASCII letter, `_`), `IDENT_CONT`
/// (those and digits), `WS` (may start whitespace or a comment: ASCII whitespace, `#`
/// and every non-ASCII byte, which the slow path decodes).
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        let mut k = 0;
        if b.is_ascii_alphabetic() || b == b'_' {
            k |= IDENT_START | IDENT_CONT;
        }
        if b.is_ascii_digit() {
            k |= IDENT_CONT;
        }
        // `char::is_whitespace` on ASCII: \t \n \x0B \x0C \r and space.
        if matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' | b'#') || b >= 0x80 {
            k |= WS;
        }
        t[c] = k;
        c += 1;
    }
    t
};
const IDENT_START: u8 = 1;
const IDENT_CONT: u8 = 2;
const WS: u8 = 4;

/// Skips whitespace and `#` comments.
#[inline]
pub(crate) fn skip_ws(i: &str) -> &str {
    // Most tokens are preceded by one space or by nothing: decide on the first byte.
    match i.as_bytes() {
        [c, ..] if CLASS[*c as usize] & WS == 0 => i,
        [b' ', c, ..] if CLASS[*c as usize] & WS == 0 => &i[1..],
        [] => i,
        _ => skip_ws_slow(i),
    }
}

fn skip_ws_slow(i: &str) -> &str {
    let b = i.as_bytes();
    let mut p = 0;
    while let Some(&c) = b.get(p) {
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => p += 1,
            b'#' => {
                p += 1;
                while let Some(&c) = b.get(p) {
                    if c == b'\n' {
                        break;
                    }
                    p += 1;
                }
            }
            c if c < 0x80 => {
                if (c as char).is_whitespace() {
                    p += 1;
                } else {
                    break;
                }
            }
            _ => match i[p..].chars().next() {
                Some(ch) if ch.is_whitespace() => p += ch.len_utf8(),
                _ => break,
            },
        }
    }
    &i[p..]
}

/// Length in bytes of the identifier at the start of `i` (0 when there is none):
/// a Unicode letter or `_`, then letters, digits and `_`.
#[inline]
pub(crate) fn ident_len(i: &str) -> usize {
    let b = i.as_bytes();
    let mut p = match b.first() {
        Some(&c) if CLASS[c as usize] & IDENT_START != 0 => 1,
        Some(&c) if c >= 0x80 => 0,
        _ => return 0,
    };
    while let Some(&c) = b.get(p) {
        if CLASS[c as usize] & IDENT_CONT != 0 {
            p += 1;
            continue;
        }
        if c < 0x80 {
            break;
        }
        match i[p..].chars().next() {
            Some(ch) if ch.is_alphabetic() || (p > 0 && ch.is_alphanumeric()) => p += ch.len_utf8(),
            _ => break,
        }
    }
    p
}

/// The name a backtick-quoted field stands for, from the text between its backticks
/// (already checked by the parser): a doubled backtick is one backtick and
/// `\u{X..}` one character; any other backslash stands for itself.
pub(crate) fn unquote_ident(raw: &str) -> String {
    let b = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut p = 0;
    while p < b.len() {
        let run = b[p..]
            .iter()
            .position(|&c| c == b'`' || c == b'\\')
            .map_or(b.len(), |n| p + n);
        out.push_str(&raw[p..run]);
        p = run;
        match b.get(p) {
            Some(b'`') => {
                out.push('`');
                p += 2;
            }
            Some(b'\\') => match super::literal::unicode_escape(&b[p..]) {
                (Some(ch), len) if b.get(p + 1) == Some(&b'u') => {
                    out.push(ch);
                    p += len;
                }
                _ => {
                    out.push('\\');
                    p += 1;
                }
            },
            _ => {}
        }
    }
    out
}

/// Whether `c` may continue an identifier (used to reject `12abc` as one bad token).
pub(crate) fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Length in bytes of the token at the start of `i` (which must not start with
/// whitespace), for messages and recovery. Quoted tokens run to their closing quote or
/// the end of the text.
pub(crate) fn token_len(i: &str) -> usize {
    let b = i.as_bytes();
    let Some(&c) = b.first() else { return 0 };
    match c {
        b'"' | b'\'' | b'`' => quoted_len(i),
        b'0'..=b'9' | b'-' | b'+' => {
            let mut p = 1;
            while let Some(&c) = b.get(p) {
                if c.is_ascii_alphanumeric() || matches!(c, b'.' | b':' | b'_') {
                    p += 1;
                } else if matches!(c, b'-' | b'+') && p > 0 && b[p - 1].is_ascii_alphanumeric() {
                    // Inside dates, datetimes, exponents and offsets.
                    p += 1;
                } else {
                    break;
                }
            }
            if p == 1 && c == b'-' && b.get(1) == Some(&b'-') {
                return 1;
            }
            p
        }
        _ => {
            let n = ident_len(i);
            if n > 0 {
                return n;
            }
            let two = i.get(..2).unwrap_or("");
            if matches!(two, "==" | "!=" | "<>" | "<=" | ">=" | "&&" | "||") {
                return 2;
            }
            i.chars().next().map_or(0, char::len_utf8)
        }
    }
}

/// Length of a quoted string or field name starting at `i`, including both quotes, or
/// the whole rest of `i` when the quote is never closed.
fn quoted_len(i: &str) -> usize {
    let b = i.as_bytes();
    let q = b[0];
    let mut p = 1;
    while let Some(&c) = b.get(p) {
        if c == q {
            if q == b'`' && b.get(p + 1) == Some(&b'`') {
                p += 2;
                continue;
            }
            return p + 1;
        }
        if c == b'\\' && q != b'`' {
            p += 2;
            continue;
        }
        p += 1;
    }
    i.len()
}

/// Describes the token at the start of `i` for an "expected X, found Y" message.
pub(crate) fn describe(i: &str) -> String {
    let n = token_len(i);
    if n == 0 {
        return "end of query".to_owned();
    }
    let text = i.get(..n).unwrap_or(i);
    if keyword(text).is_some() {
        return format!("keyword `{text}`");
    }
    let mut shown: String = text.chars().take(24).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    format!("`{shown}`")
}

/// A help line for a full-width or typographic character written where ASCII
/// punctuation belongs (`＝`, `（`, `“`), as Chinese input methods produce.
pub(crate) fn ascii_hint(i: &str) -> Option<String> {
    let c = i.chars().next()?;
    let ascii = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0)?,
        '\u{201C}' | '\u{201D}' | '\u{201E}' => '"',
        '\u{2018}' | '\u{2019}' => '\'',
        '\u{3001}' => ',',
        _ => return None,
    };
    Some(format!(
        "`{c}` is a full-width or typographic character: write the ASCII `{ascii}` instead"
    ))
}

/// Error recovery: skips tokens until a point where parsing can resume — the end of the
/// text, a `)` that closes a group opened before `i`, or an `and`/`or` (`&&`, `||`, `&`,
/// `|`) outside any bracket opened after `i`. Strings are skipped whole so that their
/// contents never look like operators.
pub(crate) fn skip_to_sync(mut i: &str) -> &str {
    let mut depth = 0usize;
    loop {
        i = skip_ws(i);
        let Some(&c) = i.as_bytes().first() else {
            return i;
        };
        let n = match c {
            b'(' | b'[' => {
                depth += 1;
                1
            }
            b')' | b']' => {
                if depth == 0 && c == b')' {
                    return i;
                }
                depth = depth.saturating_sub(1);
                1
            }
            b'&' | b'|' if depth == 0 => return i,
            _ => {
                let n = token_len(i);
                if depth == 0 && matches!(keyword(&i[..n]), Some(Kw::And | Kw::Or)) {
                    return i;
                }
                n.max(1)
            }
        };
        i = i.get(n..).unwrap_or("");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_ignore_ascii_case_only() {
        assert_eq!(keyword("AnD"), Some(Kw::And));
        assert_eq!(keyword("StartsWith"), Some(Kw::StartsWith));
        assert_eq!(keyword("andx"), None);
        assert_eq!(keyword("a"), None);
        assert!(!is_keyword("ı n"));
    }

    #[test]
    fn every_keyword_passes_the_first_letter_filter() {
        for kw in Kw::ALL {
            assert_eq!(keyword(kw.text()), Some(kw));
            assert_eq!(keyword(&kw.text().to_ascii_uppercase()), Some(kw));
        }
        for name in ["createTime", "status", "amount", "owner", "class", "x", "_and"] {
            assert_eq!(keyword(name), None, "{name}");
        }
    }

    #[test]
    fn identifiers_take_unicode_letters() {
        assert_eq!(ident_len("手机 = 1"), "手机".len());
        assert_eq!(ident_len("_a1.b"), 3);
        assert_eq!(ident_len("1a"), 0);
    }

    #[test]
    fn comments_are_whitespace() {
        assert_eq!(skip_ws("  # note\n\t x"), "x");
        assert_eq!(skip_ws("# only"), "");
        assert_eq!(skip_ws("\u{3000}x"), "x");
    }

    #[test]
    fn recovery_stops_at_top_level_and() {
        assert_eq!(skip_to_sync("= (x and y) \"and\" and z"), "and z");
        assert_eq!(skip_to_sync("1 2) or z"), ") or z");
        assert_eq!(skip_to_sync("\"unclosed and"), "");
    }

    #[test]
    fn full_width_punctuation_gets_an_ascii_hint() {
        assert!(ascii_hint("＝ 1").is_some_and(|h| h.contains("ASCII `=`")));
        assert!(ascii_hint("“x”").is_some_and(|h| h.contains("ASCII `\"`")));
        assert!(ascii_hint("（").is_some_and(|h| h.contains("ASCII `(`")));
        assert_eq!(ascii_hint("= 1"), None);
        assert_eq!(ascii_hint("手"), None);
    }

    #[test]
    fn periods_are_whole_words() {
        let p = |unit, shift| Period { unit, shift };
        let found = |i| period_at(i).map(|(p, rest)| (p, rest.len()));
        assert_eq!(
            found("this month"),
            Some((p(PeriodUnit::Month, Shift::This), 0))
        );
        assert_eq!(
            found("LAST  Week)"),
            Some((p(PeriodUnit::Week, Shift::Last), 1))
        );
        assert_eq!(
            found("Yesterday"),
            Some((p(PeriodUnit::Day, Shift::Last), 0))
        );
        assert_eq!(
            found("上季度 and"),
            Some((p(PeriodUnit::Quarter, Shift::Last), 4))
        );
        assert_eq!(found("去年"), Some((p(PeriodUnit::Year, Shift::Last), 0)));
        for not_one in [
            "本月销量",
            "this",
            "this monthly",
            "last day",
            "thismonth",
            "todays",
        ] {
            assert_eq!(found(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn describe_shows_the_token() {
        assert_eq!(describe(""), "end of query");
        assert_eq!(describe("AND x"), "keyword `AND`");
        assert_eq!(describe(">= 1"), "`>=`");
        assert_eq!(
            describe("2022-01-01T10:00+08:00 x"),
            "`2022-01-01T10:00+08:00`"
        );
    }
}
