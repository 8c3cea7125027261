//! Rendering of values as SQL literal text, per engine.
//!
//! These functions are the injection boundary: every byte of user text that reaches an
//! inline statement goes through [`string`]. Each rule below was checked on the engines
//! and is pinned by the project's injection tests (every `sql_mode`, and on MySQL every
//! common client character set).

use super::dialect::Dialect;
use crate::target::decimal;
use crate::timefmt::Civil;
use chrono::FixedOffset;
use std::fmt::Write as _;

/// Why a value cannot be written as a literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiteralError {
    /// The text contains U+0000, which no engine stores in a text value (PostgreSQL
    /// rejects it, MySQL and SQLite truncate at it in some client paths).
    Nul,
    /// NaN or an infinity: no engine has a literal for it that compares like `eval`.
    NotFinite,
    /// The instant is outside what the engine's datetime type holds.
    DatetimeRange,
    /// A value no column of the storage model holds (a boolean, a datetime in a JSON
    /// array).
    Unrepresentable,
}

/// The string literal for `s` in `dialect`.
///
/// - MySQL/MariaDB: printable ASCII without a backslash is written `'...'` with `'`
///   doubled, which reads the same with and without `NO_BACKSLASH_ESCAPES`. Anything else
///   (a backslash, control or non-ASCII characters) is written `_utf8mb4 X'<hex>'`: a hex
///   literal has no escapes at all and the introducer makes it text in UTF-8 whatever the
///   connection's character set, so it is exact in every `sql_mode`. The statement stays
///   pure ASCII, so it also survives a client or terminal that re-encodes statement
///   text into the connection's character set (a GBK or Shift-JIS session, JDBC's
///   `characterEncoding`), where a quoted `_utf8mb4'进行中'` would reach the server as
///   other bytes.
/// - PostgreSQL: `'...'` with `'` doubled; when a backslash is present, `E'...'` with `\`
///   doubled too, so the value does not depend on `standard_conforming_strings`.
/// - SQLite: `'...'` with `'` doubled (SQLite has no backslash escapes).
pub fn string(dialect: Dialect, s: &str) -> Result<String, LiteralError> {
    let mut out = String::with_capacity(s.len() + 2);
    push_string(&mut out, dialect, s)?;
    Ok(out)
}

// The classes of a byte that decide a string literal's form, as bits of `CLASS`: one
// table load per byte instead of four comparisons.
const NUL: u8 = 1;
const QUOTE: u8 = 2;
const BACKSLASH: u8 = 4;
/// Outside printable ASCII (0x20..0x7f).
const NOT_PLAIN: u8 = 8;
const CLASS: [u8; 256] = {
    let mut t = [0; 256];
    let mut b = 0;
    while b < 256 {
        let mut c = 0;
        if b == 0 {
            c |= NUL;
        }
        if b == b'\'' as usize {
            c |= QUOTE;
        }
        if b == b'\\' as usize {
            c |= BACKSLASH;
        }
        if b < 0x20 || b >= 0x7f {
            c |= NOT_PLAIN;
        }
        t[b] = c;
        b += 1;
    }
    t
};

/// Appends [`string`]`(dialect, s)` to `out` (nothing on error).
pub(crate) fn push_string(out: &mut String, dialect: Dialect, s: &str) -> Result<(), LiteralError> {
    // One pass over the bytes decides the form (values are mostly short: a byte loop
    // beats several searches).
    let mut class = 0;
    for &b in s.as_bytes() {
        class |= CLASS[usize::from(b)];
    }
    let (nul, quote, backslash, plain) = (
        class & NUL != 0,
        class & QUOTE != 0,
        class & BACKSLASH != 0,
        class & NOT_PLAIN == 0,
    );
    if nul {
        return Err(LiteralError::Nul);
    }
    let doubled = |out: &mut String| {
        if quote {
            push_quote_doubling(out, s, '\'');
        } else {
            out.reserve(s.len() + 2);
            out.push('\'');
            out.push_str(s);
            out.push('\'');
        }
    };
    match dialect {
        Dialect::Mysql => {
            if plain && !backslash {
                doubled(out);
            } else {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.reserve(12 + 2 * s.len());
                out.push_str("_utf8mb4 X'");
                for b in s.bytes() {
                    out.push(char::from(HEX[usize::from(b >> 4)]));
                    out.push(char::from(HEX[usize::from(b & 15)]));
                }
                out.push('\'');
            }
        }
        Dialect::Postgres => {
            if backslash {
                out.reserve(s.len() + 4);
                out.push_str("E'");
                for c in s.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\'' => out.push_str("''"),
                        c => out.push(c),
                    }
                }
                out.push('\'');
            } else {
                doubled(out);
            }
        }
        Dialect::Sqlite => doubled(out),
    }
    Ok(())
}

/// Appends `q` + `s` with every `q` doubled + `q`: the SQL-standard quoting of strings
/// and identifiers.
pub(crate) fn push_quote_doubling(out: &mut String, s: &str, q: char) {
    out.reserve(s.len() + 2);
    out.push(q);
    // Whole runs between quote characters at once; the common case is a single run.
    // Every quote character is ASCII, so a byte search finds exactly its occurrences.
    debug_assert!(q.is_ascii());
    let qb = q as u8;
    let mut rest = s;
    while let Some(i) = rest.bytes().position(|b| b == qb) {
        out.push_str(&rest[..=i]);
        out.push(q);
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out.push(q);
}

/// The numeric literal for a finite `x`, read back by every engine as the same double.
///
/// Plain decimal digits where that is short (`5`, `1000.5`, `-0.25`, `0.0001`), exponent
/// form for magnitudes below 1e-4 or from 1e15 (`1e-7`, `1.5e20`); in both, the
/// shortest digits that round-trip, so the nearest double to the text is `x` itself.
/// Every engine reads either form as that double when comparing with a floating
/// column: MySQL reads a plain fraction as an exact DECIMAL and an exponent literal as
/// a DOUBLE, PostgreSQL both as exact numerics, SQLite as a REAL, and each converts an
/// exact decimal to the nearest double (checked on the engines by `tests/sql_numbers.rs`).
/// Whole numbers in plain form are below 1e15, so the integer is the double exactly,
/// also where an engine compares an integer with a double without converting (SQLite).
/// Zero is `0` (`-0` equals it everywhere). Negative values are parenthesised so that
/// no `--` comment can ever form after an operator.
pub fn number(x: f64) -> Result<String, LiteralError> {
    let mut out = String::new();
    push_number(&mut out, x)?;
    Ok(out)
}

/// Below this magnitude numbers are written with an exponent (a plain form would start
/// with more than four zeros).
const PLAIN_MIN: f64 = 1e-4;
/// From this magnitude numbers are written with an exponent: the plain form of a
/// whole number would be longer than 15 digits, and above 2^53 its digits would not
/// all be exact.
const PLAIN_MAX: f64 = 1e15;

/// Appends [`number`]`(x)` to `out` (nothing on error).
pub(crate) fn push_number(out: &mut String, x: f64) -> Result<(), LiteralError> {
    if !x.is_finite() {
        return Err(LiteralError::NotFinite);
    }
    if x == 0.0 {
        out.push('0');
        return Ok(());
    }
    let negative = x < 0.0;
    let a = x.abs();
    if negative {
        out.push_str("(-");
    }
    if a.fract() == 0.0 && a < PLAIN_MAX {
        // The common case, without float formatting.
        decimal::push_decimal(out, a as u64);
    } else if (PLAIN_MIN..PLAIN_MAX).contains(&a) {
        // Display prints the shortest round-trip digits, never with an exponent.
        let _ = write!(out, "{a}");
    } else {
        let _ = write!(out, "{a:e}");
    }
    if negative {
        out.push(')');
    }
    Ok(())
}

/// The earliest and latest instants (ms since the epoch, UTC) a dialect's datetime
/// column can hold, as written in the query time zone.
fn datetime_bounds(dialect: Dialect) -> (i32, i32) {
    match dialect {
        // MySQL and MariaDB document DATETIME from year 1000.
        Dialect::Mysql => (1000, 9999),
        // Four-digit years keep SQLite's text order equal to time order; PostgreSQL would
        // take more but a wider range would make the dialects disagree on what is valid.
        Dialect::Postgres | Dialect::Sqlite => (1, 9999),
    }
}

/// The first and last instants (ms since the epoch) a dialect's datetime column holds
/// when it stores local time in `tz`: 00:00:00.000 on the first day of the first year,
/// 23:59:59.999 on the last day of the last year.
pub(crate) fn datetime_limits(dialect: Dialect, tz: FixedOffset) -> Option<(i64, i64)> {
    let (lo, hi) = datetime_bounds(dialect);
    let ms = |y: i32, m: u32, d: u32, t: (u32, u32, u32, u32)| {
        chrono::NaiveDate::from_ymd_opt(y, m, d)?
            .and_hms_milli_opt(t.0, t.1, t.2, t.3)?
            .and_local_timezone(tz)
            .single()
            .map(|t| t.timestamp_millis())
    };
    Some((
        ms(lo, 1, 1, (0, 0, 0, 0))?,
        ms(hi, 12, 31, (23, 59, 59, 999))?,
    ))
}

/// The instant `ms` as `YYYY-MM-DD HH:MM:SS.fff` in `tz`: the storage format of datetime
/// columns (see the module docs of [`crate::target::sql`]).
pub fn datetime_text(dialect: Dialect, ms: i64, tz: FixedOffset) -> Result<String, LiteralError> {
    let mut out = String::with_capacity(23);
    push_datetime_text(&mut out, dialect, ms, tz)?;
    Ok(out)
}

/// The local calendar fields of `ms` in `tz`, if the dialect's datetime columns hold it.
pub(crate) fn datetime_civil(
    dialect: Dialect,
    ms: i64,
    tz: FixedOffset,
) -> Result<Civil, LiteralError> {
    let c = Civil::at(ms, tz).ok_or(LiteralError::DatetimeRange)?;
    let (lo, hi) = datetime_bounds(dialect);
    if c.year < lo || c.year > hi {
        return Err(LiteralError::DatetimeRange);
    }
    Ok(c)
}

/// Appends `YYYY-MM-DD HH:MM:SS.fff`.
fn push_civil(out: &mut String, c: &Civil) {
    c.push(out, b' ', true, None);
}

/// Appends [`datetime_text`]`(dialect, ms, tz)` to `out` (nothing on error).
pub(crate) fn push_datetime_text(
    out: &mut String,
    dialect: Dialect,
    ms: i64,
    tz: FixedOffset,
) -> Result<(), LiteralError> {
    let c = datetime_civil(dialect, ms, tz)?;
    push_civil(out, &c);
    Ok(())
}

/// The inline datetime literal: `TIMESTAMP '...'` where the engine has a datetime type
/// (MySQL, PostgreSQL), the plain text where datetimes are stored as text (SQLite).
pub fn datetime(dialect: Dialect, ms: i64, tz: FixedOffset) -> Result<String, LiteralError> {
    let mut out = String::with_capacity(36);
    push_datetime(&mut out, dialect, ms, tz)?;
    Ok(out)
}

/// Appends [`datetime`]`(dialect, ms, tz)` to `out` (nothing on error).
pub(crate) fn push_datetime(
    out: &mut String,
    dialect: Dialect,
    ms: i64,
    tz: FixedOffset,
) -> Result<(), LiteralError> {
    let c = datetime_civil(dialect, ms, tz)?;
    push_datetime_civil(out, dialect, &c);
    Ok(())
}

/// Appends the inline datetime literal of calendar fields already checked against the
/// dialect's range ([`datetime_civil`]).
pub(crate) fn push_datetime_civil(out: &mut String, dialect: Dialect, c: &Civil) {
    // The text is digits, `-`, `:`, `.` and a space: no quoting issue in any engine.
    out.push_str(match dialect {
        Dialect::Mysql | Dialect::Postgres => "TIMESTAMP '",
        Dialect::Sqlite => "'",
    });
    push_civil(out, c);
    out.push('\'');
}

/// The local time of calendar fields already checked against the dialect's range
/// ([`datetime_civil`]).
pub(crate) fn civil_naive(c: &Civil) -> Result<chrono::NaiveDateTime, LiteralError> {
    chrono::NaiveDate::from_ymd_opt(c.year, c.month, c.day)
        .and_then(|d| d.and_hms_milli_opt(c.hour, c.minute, c.second, c.milli))
        .ok_or(LiteralError::DatetimeRange)
}

/// `s` as a LIKE pattern body with the escape character `!`: `!`, `%` and `_` are
/// prefixed by `!`, so the pattern matches the text literally.
pub fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_like_escape(&mut out, s);
    out
}

/// Appends [`like_escape`]`(s)` to `out`.
pub(crate) fn push_like_escape(out: &mut String, s: &str) {
    // Runs between the specials are copied whole. The specials are ASCII, so no byte of
    // a longer character matches one, and each run ends on a character boundary.
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        if matches!(b, b'!' | b'%' | b'_') {
            out.push_str(&s[start..i]);
            out.push('!');
            start = i;
        }
    }
    out.push_str(&s[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The rule of [`number`], through float formatting alone.
    fn slow_number(x: f64) -> String {
        let a = x.abs();
        let s = if x == 0.0 {
            "0".to_owned()
        } else if (1e-4..1e15).contains(&a) {
            format!("{a}")
        } else {
            format!("{a:e}")
        };
        if x < 0.0 {
            format!("(-{s})")
        } else {
            s
        }
    }

    proptest! {
        #[test]
        fn numbers_print_as_float_formatting_does(
            x in prop_oneof![
                (-1_000_000_000_000_000i64..1_000_000_000_000_000).prop_map(|i| i as f64),
                (-1000i64..1000).prop_map(|i| i as f64),
                (0u32..15, -9i64..10).prop_map(|(e, m)| m as f64 * 10f64.powi(e as i32)),
                any::<f64>().prop_filter("finite", |x| x.is_finite()),
                -1e6..1e6f64,
            ]
        ) {
            prop_assert_eq!(number(x).unwrap(), slow_number(x));
        }
    }

    #[test]
    fn number_edges_print_as_float_formatting_does() {
        for x in [
            1.0,
            -1.0,
            0.0,
            -0.0,
            10.0,
            150.0,
            999_999_999_999_999.0,
            1e15,
            -1e14,
            0.5,
            1e300,
            1e-4,
            9.999999999999999e-5,
            999_999_999_999_999.9,
        ] {
            assert_eq!(number(x).unwrap(), slow_number(x), "{x}");
        }
    }

    #[test]
    fn numbers_read_plainly() {
        let cases = [
            (5.0, "5"),
            (1000.5, "1000.5"),
            (-0.25, "(-0.25)"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-5"),
            (-0.0, "0"),
            (123456789.123, "123456789.123"),
            (999_999_999_999_999.0, "999999999999999"),
            (1e15, "1e15"),
            (1.5e20, "1.5e20"),
            (5e-324, "5e-324"),
        ];
        for (x, want) in cases {
            assert_eq!(number(x).unwrap(), want, "{x:e}");
        }
    }

    #[test]
    fn mysql_strings_switch_to_hex_for_backslashes_and_non_ascii() {
        assert_eq!(string(Dialect::Mysql, "it's").unwrap(), "'it''s'");
        assert_eq!(
            string(Dialect::Mysql, "a\\b").unwrap(),
            "_utf8mb4 X'615C62'"
        );
        assert_eq!(string(Dialect::Mysql, "é").unwrap(), "_utf8mb4 X'C3A9'");
        assert_eq!(
            string(Dialect::Mysql, "a\nb").unwrap(),
            "_utf8mb4 X'610A62'"
        );
    }

    #[test]
    fn postgres_uses_e_strings_only_with_backslashes() {
        assert_eq!(string(Dialect::Postgres, "it's").unwrap(), "'it''s'");
        assert_eq!(string(Dialect::Postgres, "a\\'b").unwrap(), "E'a\\\\''b'");
    }

    #[test]
    fn nul_is_rejected_everywhere() {
        for d in [Dialect::Mysql, Dialect::Postgres, Dialect::Sqlite] {
            assert_eq!(string(d, "a\0b"), Err(LiteralError::Nul));
        }
    }

    #[test]
    fn numbers_round_trip_through_their_text() {
        for x in [0.1, -0.0, 1e300, -2.5e-7, 5e-324, f64::MAX, 123456789.0] {
            let t = number(x).unwrap();
            let t = t.trim_start_matches('(').trim_end_matches(')');
            // `-0` is written `0`, an equal double.
            let back = t.parse::<f64>().unwrap();
            assert!(
                back == x && (x == 0.0 || back.to_bits() == x.to_bits()),
                "{t}"
            );
        }
        assert_eq!(number(f64::NAN), Err(LiteralError::NotFinite));
        assert_eq!(number(-1.0).unwrap(), "(-1)");
    }

    #[test]
    fn datetimes_are_local_to_the_query_zone() {
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        // 2021-12-31T16:00:00Z is midnight on 2022-01-01 at +08:00.
        let ms = 1_640_966_400_000;
        assert_eq!(
            datetime_text(Dialect::Sqlite, ms, tz).unwrap(),
            "2022-01-01 00:00:00.000"
        );
        assert_eq!(
            datetime(Dialect::Mysql, ms + 7, tz).unwrap(),
            "TIMESTAMP '2022-01-01 00:00:00.007'"
        );
        // Year 999 is fine for SQLite's text but below MySQL's DATETIME range.
        let y999 = -30_641_760_000_000;
        assert!(datetime(Dialect::Sqlite, y999, tz).is_ok());
        assert_eq!(
            datetime(Dialect::Mysql, y999, tz),
            Err(LiteralError::DatetimeRange)
        );
    }

    #[test]
    fn like_escapes_its_three_specials() {
        assert_eq!(like_escape("50%_off!"), "50!%!_off!!");
    }
}
