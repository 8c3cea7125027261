//! How typed values and column types map to the API's string values.
//!
//! - Numbers: the shortest decimal that reads back as the same `f64`, written out
//!   positionally (never an exponent), integers without `.0`, `-0` as `0`:
//!   `5`, `-2.5`, `0.0000001`, `1000000000000000000000`.
//! - Datetimes: `YYYY-MM-DD HH:MM:SS` in the compilation time zone, with `.fff`
//!   appended only when the milliseconds are not zero: `2022-01-01 00:00:00`,
//!   `2017-10-21 06:41:51.430`. Years outside 0001–9999 are rejected.
//! - Text: as is.

use crate::schema::FieldType;
use crate::timefmt::Civil;
use chrono::{FixedOffset, NaiveDateTime, TimeZone};

/// How a column stores values, which decides its emptiness arms and value format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    /// A string column (text, serial number, single choice, record id, phone number,
    /// member username). It can hold `""` as well as `NULL`; both are *empty*.
    Text,
    /// A numeric column (number, flow state, department number). An empty value is
    /// stored as `NULL`.
    Number,
    /// A datetime column. An empty value is stored as `NULL`.
    DateTime,
}

impl ColumnKind {
    /// The column kind of a field type, or `None` when the API does not say how such a
    /// field is stored (multi-selects, member/department groups, subforms, other).
    pub fn of(ty: FieldType) -> Option<ColumnKind> {
        match ty {
            FieldType::Text
            | FieldType::Sn
            | FieldType::Select
            | FieldType::Dataid
            | FieldType::Phone
            | FieldType::User => Some(ColumnKind::Text),
            FieldType::Number | FieldType::Flowstate | FieldType::Dept => Some(ColumnKind::Number),
            FieldType::Datetime => Some(ColumnKind::DateTime),
            FieldType::Multiselect
            | FieldType::Usergroup
            | FieldType::Deptgroup
            | FieldType::Subform
            | FieldType::Other => None,
        }
    }

    /// The kind's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            ColumnKind::Text => "text",
            ColumnKind::Number => "number",
            ColumnKind::DateTime => "datetime",
        }
    }
}

/// The canonical decimal form of a finite number, or `None` for NaN and infinities.
pub fn format_number(n: f64) -> Option<String> {
    if !n.is_finite() {
        return None;
    }
    if n == 0.0 {
        return Some("0".to_owned());
    }
    if n.fract() == 0.0 && n.abs() < 1e15 {
        // Exact in i64, and integer formatting is much cheaper than float formatting.
        return Some((n as i64).to_string());
    }
    if n.fract() == 0.0 && n.abs() < 1e21 {
        // The exact digits: the shortest round-trip digits of 2^60 (`1152921504606847000`)
        // are a different integer to a server that compares integers exactly.
        return Some(format!("{n:.0}"));
    }
    // Rust's `Display` for f64 is already the shortest round-trip digits, positional.
    Some(format!("{n}"))
}

/// Reads a number written as `-?digits[.digits]` (the form [`format_number`] writes).
/// Exponents, `inf`, `NaN`, a leading `+` or `.` are refused: the API documents no
/// number syntax, so only the plain form is trusted to mean what it says.
pub fn parse_number(s: &str) -> Option<f64> {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// An instant (ms since the epoch) as `YYYY-MM-DD HH:MM:SS[.fff]` in `tz`, or `None`
/// when its year in `tz` is outside 0001–9999.
pub fn format_datetime(ms: i64, tz: FixedOffset) -> Option<String> {
    // Civil arithmetic, not chrono's strftime: this runs once per datetime value.
    let c = Civil::at(ms, tz)?;
    let mut s = String::with_capacity(23);
    c.push(&mut s, b' ', c.milli != 0, None);
    Some(s)
}

/// Reads `YYYY-MM-DD HH:MM:SS[.fff]` (one to three fraction digits) in `tz` as ms since
/// the epoch.
pub fn parse_datetime(s: &str, tz: FixedOffset) -> Option<i64> {
    let (main, frac) = match s.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (s, None),
    };
    // Fixed width, so chrono's lenient padding cannot accept other spellings.
    if main.len() != 19 {
        return None;
    }
    let naive = NaiveDateTime::parse_from_str(main, "%Y-%m-%d %H:%M:%S").ok()?;
    let ms_frac = match frac {
        None => 0,
        Some(f) if (1..=3).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => {
            let n: i64 = f.parse().ok()?;
            n * 10i64.pow(3 - f.len() as u32)
        }
        Some(_) => return None,
    };
    let at = tz.from_local_datetime(&naive).single()?;
    Some(at.timestamp_millis() + ms_frac)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use proptest::strategy::Strategy;

    fn cst() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    proptest::proptest! {
        #[test]
        fn integral_numbers_print_as_floats_do(
            n in proptest::prop_oneof![-1e15..1e15f64, (-1_000_000_000_000_000i64..1_000_000_000_000_000).prop_map(|i| i as f64)]
        ) {
            let n = if n == 0.0 { 1.0 } else { n.trunc() };
            proptest::prop_assert_eq!(format_number(n).unwrap(), format!("{n}"));
        }
    }

    #[test]
    fn numbers_are_positional_and_shortest() {
        assert_eq!(format_number(5.0).unwrap(), "5");
        assert_eq!(format_number(-0.0).unwrap(), "0");
        assert_eq!(format_number(-2.5).unwrap(), "-2.5");
        assert_eq!(format_number(0.1 + 0.2).unwrap(), "0.30000000000000004");
        assert_eq!(format_number(1e-7).unwrap(), "0.0000001");
        assert_eq!(format_number(1e21).unwrap(), "1000000000000000000000");
        assert_eq!(format_number(f64::NAN), None);
        assert_eq!(format_number(f64::INFINITY), None);
    }

    #[test]
    fn numbers_round_trip() {
        for n in [
            0.0,
            1.0,
            -1.5,
            1e-300,
            1.7976931348623157e308,
            123456.789,
            5e-324,
        ] {
            let s = format_number(n).unwrap();
            assert!(!s.contains(['e', 'E']), "{s}");
            assert_eq!(parse_number(&s), Some(n), "{s}");
        }
    }

    #[test]
    fn number_parsing_refuses_other_spellings() {
        for s in [
            "", "-", "1.", ".5", "+1", "1e3", "inf", "NaN", "1,5", " 1", "0x10",
        ] {
            assert_eq!(parse_number(s), None, "{s:?}");
        }
    }

    #[test]
    fn datetimes_in_the_zone() {
        // 2017-10-20T22:41:51.430Z is 06:41:51.430 next day at +08:00.
        let ms = DateTime::parse_from_rfc3339("2017-10-20T22:41:51.430Z")
            .unwrap()
            .timestamp_millis();
        assert_eq!(
            format_datetime(ms, cst()).unwrap(),
            "2017-10-21 06:41:51.430"
        );
        assert_eq!(parse_datetime("2017-10-21 06:41:51.430", cst()), Some(ms));
        assert_eq!(parse_datetime("2017-10-21 06:41:51.43", cst()), Some(ms));
        let midnight = ms - ms.rem_euclid(86_400_000) - 8 * 3_600_000 + 86_400_000;
        assert_eq!(
            format_datetime(midnight, cst()).unwrap(),
            "2017-10-21 00:00:00"
        );
    }

    /// The strftime form this module wrote before the civil-arithmetic one.
    fn format_datetime_chrono(ms: i64, tz: FixedOffset) -> Option<String> {
        const DAY: i64 = 86_400_000;
        const FIRST: i64 = -62_135_596_800_000;
        const END: i64 = 253_402_300_800_000;
        if !(FIRST - DAY..END + DAY).contains(&ms) {
            return None;
        }
        let local = DateTime::from_timestamp_millis(ms)?
            .with_timezone(&tz)
            .naive_local();
        if !(1..=9999).contains(&chrono::Datelike::year(&local)) {
            return None;
        }
        let mut s = local.format("%Y-%m-%d %H:%M:%S").to_string();
        let frac = ms.rem_euclid(1000);
        if frac != 0 {
            s.push_str(&format!(".{frac:03}"));
        }
        Some(s)
    }

    proptest::proptest! {
        #[test]
        fn datetimes_agree_with_chrono(
            ms in -62_300_000_000_000i64..253_500_000_000_000,
            offset in -86_399i32..86_400,
        ) {
            let tz = FixedOffset::east_opt(offset).unwrap();
            proptest::prop_assert_eq!(format_datetime(ms, tz), format_datetime_chrono(ms, tz));
        }
    }

    #[test]
    fn datetime_limits() {
        assert_eq!(format_datetime(i64::MAX, cst()), None);
        assert_eq!(format_datetime(i64::MIN, cst()), None);
        // chrono's own last instant: shifting it by +08:00 must not panic.
        let last = chrono::NaiveDateTime::MAX.and_utc().timestamp_millis();
        assert_eq!(format_datetime(last, cst()), None);
        let first = chrono::NaiveDateTime::MIN.and_utc().timestamp_millis();
        assert_eq!(
            format_datetime(first, FixedOffset::west_opt(8 * 3600).unwrap()),
            None
        );
        assert_eq!(
            format_datetime(253_402_300_799_999, FixedOffset::east_opt(0).unwrap()).unwrap(),
            "9999-12-31 23:59:59.999"
        );
        assert_eq!(format_datetime(253_402_300_799_999, cst()), None);
        assert_eq!(
            format_datetime(-62_135_596_800_001, FixedOffset::east_opt(0).unwrap()),
            None
        );
        for s in [
            "2022-1-01 00:00:00",
            "2022-01-01T00:00:00",
            "2022-01-01 00:00:00.",
            "2022-01-01 00:00:00.1234",
            "2022-01-01",
        ] {
            assert_eq!(parse_datetime(s, cst()), None, "{s}");
        }
    }
}
