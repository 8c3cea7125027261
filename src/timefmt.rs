//! Civil-time formatting of IR instants for the backends.
//!
//! Every backend prints datetimes as fixed-width decimal fields (`2022-01-01T00:00:00.000`);
//! chrono's `format` interprets a strftime string for each value, which costs more than
//! the rest of compiling a leaf. This converts milliseconds since the epoch to calendar
//! fields arithmetically and writes the digits directly.

use chrono::FixedOffset;

/// The calendar fields of an instant in some UTC offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    /// Year, 1–9999.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
    /// Hour, 0–23.
    pub hour: u32,
    /// Minute, 0–59.
    pub minute: u32,
    /// Second, 0–59.
    pub second: u32,
    /// Millisecond, 0–999.
    pub milli: u32,
}

const MS_PER_DAY: i64 = 86_400_000;

impl Civil {
    /// The local calendar fields of `ms` (milliseconds since the Unix epoch) in `tz`, or
    /// `None` when the local year is outside 1–9999 (no backend prints other years).
    pub fn at(ms: i64, tz: FixedOffset) -> Option<Civil> {
        let local = ms.checked_add(i64::from(tz.local_minus_utc()) * 1000)?;
        let days = local.div_euclid(MS_PER_DAY);
        let in_day = local.rem_euclid(MS_PER_DAY);
        let (year, month, day) = civil_from_days(days)?;
        if !(1..=9999).contains(&year) {
            return None;
        }
        // in_day < 86,400,000, so every field below fits its type.
        let in_day = in_day as u32;
        Some(Civil {
            year,
            month,
            day,
            hour: in_day / 3_600_000,
            minute: in_day / 60_000 % 60,
            second: in_day / 1000 % 60,
            milli: in_day % 1000,
        })
    }

    /// Appends `YYYY-MM-DD`, `sep`, `HH:MM:SS`, then `.fff` when `millis`, then the offset
    /// `tz` as `+HH:MM` (or `-HH:MM`) when given, as chrono's `%:z` writes it: seconds of
    /// an offset round to the nearest minute.
    pub fn push(&self, out: &mut String, sep: u8, millis: bool, tz: Option<FixedOffset>) {
        let (b, len) = self.fill(sep, millis, tz);
        // Only ASCII was written (`sep` included, by every caller).
        out.push_str(std::str::from_utf8(&b[..len]).unwrap_or_default());
    }

    /// The text of [`Civil::push`] in a fixed buffer, and its length: for callers that
    /// hand the text on without a `String` (a serializer's `serialize_str`).
    pub(crate) fn fill(&self, sep: u8, millis: bool, tz: Option<FixedOffset>) -> ([u8; 29], usize) {
        // Filled in a fixed buffer and copied once: a `push` per character costs a
        // capacity check and a UTF-8 encode each.
        let mut b = *b"0000-00-00T00:00:00.000+00:00";
        // 1 <= year <= 9999, so four digits always suffice.
        let year = self.year as u32;
        pair(&mut b, 0, year / 100);
        pair(&mut b, 2, year % 100);
        pair(&mut b, 5, self.month);
        pair(&mut b, 8, self.day);
        b[10] = sep;
        pair(&mut b, 11, self.hour);
        pair(&mut b, 14, self.minute);
        pair(&mut b, 17, self.second);
        let mut len = 19;
        if millis {
            digits(&mut b[20..21], self.milli / 100);
            pair(&mut b, 21, self.milli % 100);
            len = 23;
        }
        if let Some(tz) = tz {
            let secs = tz.local_minus_utc();
            let minutes = (secs.unsigned_abs() + 30) / 60;
            b[len] = if secs < 0 { b'-' } else { b'+' };
            digits(&mut b[len + 1..len + 3], minutes / 60);
            b[len + 3] = b':';
            digits(&mut b[len + 4..len + 6], minutes % 60);
            len += 6;
        }
        (b, len)
    }
}

/// Writes `n` (below 100; a larger one loses its leading digits) as two digits at
/// `b[at..at + 2]`, from a table of the pairs: one lookup instead of a division per
/// digit.
fn pair(b: &mut [u8; 29], at: usize, n: u32) {
    const PAIRS: &[u8; 200] = b"00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
    let i = 2 * (n % 100) as usize;
    b[at] = PAIRS[i];
    b[at + 1] = PAIRS[i + 1];
}

/// Writes `n` zero-padded into all of `buf` (`n` must fit: the callers' values are
/// range-checked, and a larger one would only lose its leading digits).
fn digits(buf: &mut [u8], mut n: u32) {
    // Digit by digit into a fixed buffer, then one copy: a `push` per digit costs a
    // capacity check and a UTF-8 encode each.
    for d in buf.iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// The proleptic Gregorian (year, month, day) of a day count since 1970-01-01, by the
/// era arithmetic of 400-year cycles (146,097 days each); `None` when the year does not
/// fit an `i32`.
fn civil_from_days(days: i64) -> Option<(i32, u32, u32)> {
    // Shift the epoch to 0000-03-01 so that leap days fall at the end of each year.
    let z = days.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0..365, from March 1st
    let mp = (5 * doy + 2) / 153; // month from March, 0..11
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some((i32::try_from(year).ok()?, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Datelike};
    use proptest::prelude::*;

    fn with_chrono(ms: i64, tz: FixedOffset) -> Option<String> {
        let t = DateTime::from_timestamp_millis(ms)?.with_timezone(&tz);
        if !(1..=9999).contains(&t.year()) {
            return None;
        }
        Some(t.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string())
    }

    fn ours(ms: i64, tz: FixedOffset) -> Option<String> {
        let c = Civil::at(ms, tz)?;
        let mut s = String::new();
        c.push(&mut s, b'T', true, Some(tz));
        Some(s)
    }

    // Years 0 through 10000, plus the far ends of i64.
    const SPAN: std::ops::Range<i64> = -62_200_000_000_000..253_500_000_000_000;

    proptest! {
        #[test]
        fn agrees_with_chrono(ms in SPAN, offset in -86_399i32..86_400) {
            let tz = FixedOffset::east_opt(offset).unwrap();
            prop_assert_eq!(ours(ms, tz), with_chrono(ms, tz));
        }

        #[test]
        fn agrees_with_chrono_at_whole_minute_offsets(
            ms in SPAN, minutes in -1439i32..1440,
        ) {
            let tz = FixedOffset::east_opt(minutes * 60).unwrap();
            prop_assert_eq!(ours(ms, tz), with_chrono(ms, tz));
        }
    }

    #[test]
    fn edges() {
        let tz8 = FixedOffset::east_opt(8 * 3600).unwrap();
        let west = FixedOffset::west_opt(5 * 3600 + 30 * 60).unwrap();
        for ms in [
            0,
            -1,
            951_782_400_000, // 2000-02-29
            -62_135_596_800_000,
            -62_135_596_800_001,
            253_402_300_799_999,
            253_402_300_800_000,
            i64::MIN,
            i64::MAX,
        ] {
            for tz in [tz8, west, FixedOffset::east_opt(0).unwrap()] {
                assert_eq!(ours(ms, tz), with_chrono(ms, tz), "{ms} {tz}");
            }
        }
    }
}
