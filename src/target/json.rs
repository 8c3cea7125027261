//! JSON text written directly, byte for byte as serde_json writes it: the backends that
//! emit JSON (jdy conditions, masterdata trees) write their text from their own types
//! instead of going through serde's data model, which costs more than the rest of
//! compiling a small query.

/// A JSON string literal, escaped exactly as serde_json does: `"`, `\` and control
/// characters only (`\b \t \n \f \r`, others as `\u00XX` in lowercase hex).
pub(crate) fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    push_json_inner(out, s);
    out.push('"');
}

/// Whether JSON escapes byte `b`: `"`, `\\` or a control character.
#[inline(always)]
pub(crate) const fn escaped(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Whether `b` holds a byte JSON escapes ([`escaped`]).
///
/// A word at a time: most strings here are names and values of a few bytes, too short
/// for a vectorized loop and slow byte by byte. Short strings are read as two
/// overlapping halves, the tail of a long one as the last eight bytes.
#[inline]
pub(crate) fn needs_json_escape(b: &[u8]) -> bool {
    let n = b.len();
    let word = |at: usize| {
        let mut w = [0; 8];
        w.copy_from_slice(&b[at..at + 8]);
        u64::from_le_bytes(w)
    };
    let half = |at: usize| {
        let mut w = [0; 4];
        w.copy_from_slice(&b[at..at + 4]);
        u64::from(u32::from_le_bytes(w))
    };
    let quarter = |at: usize| u64::from(u16::from_le_bytes([b[at], b[at + 1]]));
    // Bytes that are not in the string are filled with a letter, which needs no escape.
    const FILL: u64 = u64::from_le_bytes([b'a'; 8]);
    match n {
        0 => false,
        1 => word_needs_escape(u64::from(b[0]) | (FILL << 8)),
        2..=3 => word_needs_escape(quarter(0) | (quarter(n - 2) << 16) | (FILL << 32)),
        4..=8 => word_needs_escape(half(0) | (half(n - 4) << 32)),
        _ => (0..n / 8).any(|k| word_needs_escape(word(8 * k))) || word_needs_escape(word(n - 8)),
    }
}

/// Whether one of the eight bytes of `x` is `"`, `\\` or below 0x20.
#[inline]
fn word_needs_escape(x: u64) -> bool {
    dirty(x) != 0
}

/// The high bit of each of the eight bytes of `x` that is `"`, `\\` or below 0x20, by
/// the classic "has a zero byte" / "has a byte less than" word tricks. Bytes above a
/// flagged one may be flagged wrongly (a borrow), but the lowest flagged byte is always
/// one of them, and no flag at all means none is.
#[inline]
fn dirty(x: u64) -> u64 {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    let control = x.wrapping_sub(ONES * 0x20) & !x;
    let q = x ^ (ONES * u64::from(b'"'));
    let quote = q.wrapping_sub(ONES) & !q;
    let s = x ^ (ONES * u64::from(b'\\'));
    let slash = s.wrapping_sub(ONES) & !s;
    (control | quote | slash) & (ONES * 0x80)
}

/// The inside of [`push_json_str`]'s literal.
pub(crate) fn push_json_inner(out: &mut String, s: &str) {
    // Almost every string needs no escape: one quick pass to tell, then one copy.
    if !needs_json_escape(s.as_bytes()) {
        out.push_str(s);
        return;
    }
    let mut start = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if !escaped(b) {
            continue;
        }
        // `i` is at an ASCII byte, so both slices end on character boundaries.
        out.push_str(&s[start..i]);
        push_escape(out, b);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// [`push_json_inner`] for longer text with an escape here and there (statement text
/// with PostgreSQL's quoted columns, query text and its quoted values): clean runs are
/// skipped eight bytes at a time and copied whole, where a byte-by-byte scan would cost
/// several instructions per byte.
pub(crate) fn push_json_text(out: &mut String, s: &str) {
    let b = s.as_bytes();
    out.reserve(b.len() + b.len() / 8);
    // `start` is where the text not yet copied begins.
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        if let Some(w) = b.get(i..i + 8) {
            let mut word = [0; 8];
            word.copy_from_slice(w);
            let m = dirty(u64::from_le_bytes(word));
            if m == 0 {
                i += 8;
                continue;
            }
            // Straight to the first byte to escape.
            i += (m.trailing_zeros() / 8) as usize;
        }
        let c = b[i];
        i += 1;
        if escaped(c) {
            // `c` is an ASCII byte, so both slices end on character boundaries.
            out.push_str(&s[start..i - 1]);
            push_escape(out, c);
            start = i;
        }
    }
    out.push_str(&s[start..]);
}

/// Escapes for the inside of a JSON string what `out` holds from `start` on (text
/// written by a plain-text writer into JSON being built): usually nothing to do.
pub(crate) fn escape_from(out: &mut String, start: usize) {
    let tail = &out.as_bytes()[start..];
    if !needs_json_escape(tail) {
        return;
    }
    // Only from the first byte that needs it; that byte is ASCII, so a boundary.
    let at = start + tail.iter().position(|&b| escaped(b)).unwrap_or(0);
    let raw = out.split_off(at);
    push_json_text(out, &raw);
}

/// A JSON string literal of longer text, as [`push_json_str`] writes it, by
/// [`push_json_text`]'s scan.
pub(crate) fn push_json_text_str(out: &mut String, s: &str) {
    out.push('"');
    push_json_text(out, s);
    out.push('"');
}

/// Writes JSON's escape of `b`, a byte that needs one (`"`, `\\`, a control character).
#[inline]
pub(crate) fn push_escape(out: &mut String, b: u8) {
    let esc = match b {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x09 => b't',
        0x0a => b'n',
        0x0c => b'f',
        0x0d => b'r',
        _ => b'u',
    };
    out.push('\\');
    if esc == b'u' {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        out.push_str("u00");
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    } else {
        out.push(char::from(esc));
    }
}

/// Writes a non-integral `n` with at most three decimals and a magnitude below 10^9
/// (`12.5`, `-0.25`) as its shortest round-trip digits, the text serde_json (ryu), Rust's
/// `{}` and the query language's number format all give it; `false`, with nothing
/// written, for every other number, which the caller formats the slow way.
///
/// Below 10^9 one ulp is under 10^-7, so at most one decimal with `k` <= 3 fraction
/// digits reads back as `n`, and it is the nearest, `round(n * 10^k)`: the first `k`
/// that reads back gives the shortest digits, as the formatting machinery would (at a
/// fraction of its cost).
pub(crate) fn push_short_decimal(out: &mut String, n: f64) -> bool {
    let a = n.abs();
    if !(1e-3..1e9).contains(&a) || a.fract() == 0.0 {
        return false;
    }
    let mut scale = 1u64;
    for k in 1..=3 {
        scale *= 10;
        // Powers of ten up to 10^3 and integers up to 10^12 are exact doubles, and the
        // division is correctly rounded: `m / scale == a` exactly when the decimal
        // `m / 10^k` parses back to `a`.
        let m = (a * scale as f64).round();
        if m / scale as f64 == a {
            let m = m as u64;
            if n < 0.0 {
                out.push('-');
            }
            crate::target::decimal::push_decimal(out, m / scale);
            out.push('.');
            let mut frac = [b'0'; 3];
            let mut f = m % scale;
            for d in frac[..k].iter_mut().rev() {
                *d = b'0' + (f % 10) as u8;
                f /= 10;
            }
            for &d in &frac[..k] {
                out.push(char::from(d));
            }
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn short_decimals_are_serde_jsons_and_rusts(
            n in prop_oneof![
                (-2_000_000_000i64..2_000_000_000, 0u32..4).prop_map(|(m, k)| m as f64 / 10f64.powi(k as i32)),
                any::<f64>(),
                -1e10f64..1e10,
            ]
        ) {
            let mut out = String::new();
            if push_short_decimal(&mut out, n) {
                prop_assert_eq!(&out, &serde_json::Number::from_f64(n).unwrap().to_string());
                prop_assert_eq!(&out, &n.to_string());
            } else {
                prop_assert!(out.is_empty());
            }
        }

        #[test]
        fn strings_escape_as_serde_json(s in "(?s).{0,40}") {
            let mut out = String::new();
            push_json_str(&mut out, &s);
            prop_assert_eq!(out, serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn text_escapes_as_serde_json(s in prop_oneof![
            "(?s).{0,40}",
            any::<String>(),
            "[a\"\\\\\u{0}-\u{1f}中 ]{0,40}",
            // Statement text: quoted columns among plain SQL.
            "(?s)[\"\\\\\\x00-\\x1fa-z`é\\x7f]{0,40}",
        ]) {
            let mut out = String::new();
            push_json_text_str(&mut out, &s);
            prop_assert_eq!(out, serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn escapes_are_found_at_every_offset(
            pad in "[a-zé\\x7f]{0,24}",
            c in prop_oneof![Just('"'), Just('\\'), (0u8..0x20).prop_map(char::from), Just('a')],
            tail in "[a-z]{0,9}",
        ) {
            let s = format!("{pad}{c}{tail}");
            prop_assert_eq!(
                needs_json_escape(s.as_bytes()),
                s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\')
            );
        }

        #[test]
        fn control_characters_escape_as_serde_json(s in "[\\x00-\\x1f\"\\\\a\\x7fé]{0,12}") {
            let mut out = String::new();
            push_json_str(&mut out, &s);
            prop_assert_eq!(out, serde_json::to_string(&s).unwrap());
        }
    }

    #[test]
    fn short_decimal_edges() {
        for n in [0.5, -0.5, 12.5, 0.001, -0.001, 0.1, 0.3, 2.675, 999_999_999.875, 123.456] {
            let mut out = String::new();
            assert!(push_short_decimal(&mut out, n), "{n}");
            assert_eq!(out, n.to_string());
        }
        for n in [0.0, 1.0, -3.0, 1e-3 + 1e-18, 1e9 + 0.5, 0.0001, 1.0005, f64::NAN, f64::INFINITY] {
            let mut out = String::new();
            assert!(!push_short_decimal(&mut out, n), "{n}");
            assert!(out.is_empty());
        }
    }
}
