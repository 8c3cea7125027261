//! Literal × field type: a literal into the typed [`Scalar`] a field needs (the table is
//! in the `check` module docs).

use super::error::CheckError;
use super::Written;
use crate::ir::Scalar;
use crate::schema::{edit_distance, Field, FieldType};
use crate::syntax::ast::{local_date, local_time, Literal, RelBase, Relative, Value};
use chrono::{DateTime, Duration, FixedOffset, Months, NaiveDate, NaiveDateTime, Utc};

/// The flow-state labels jdy shows, by state number.
pub const FLOW_STATES: [&str; 4] = ["进行中", "已完成", "手动结束", "否决"];

/// A resolved datetime literal.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Time {
    /// One instant (ms since the epoch).
    Instant(i64),
    /// A whole day or calendar period `[start, end)` in the query time zone (ms since
    /// the epoch): a date, `today ± n`, or a period such as `last month`.
    Interval { start: i64, end: i64 },
}

/// How the field is named in messages: "number field `amount`".
pub(crate) fn describe(field: &Field, written: Written<'_>) -> String {
    format!("{} field `{written}`", field.ty)
}

fn found(v: &Value) -> &'static str {
    match v {
        Value::Number(n) if n.fract() != 0.0 => "a fractional number",
        Value::String(s) if s.is_empty() => "an empty string",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Date(_) => "a date",
        Value::DateTime(_) => "a datetime",
        Value::Bool(_) => "a boolean",
        Value::Relative(r) => match r.base {
            RelBase::Now => "`now`",
            RelBase::Today => "`today`",
        },
        Value::Period(_) => "a calendar period",
    }
}

/// What was written, for a message: the period by name.
fn found_text(v: &Value) -> String {
    match v {
        Value::Period(p) => format!("the period `{}`", p.name()),
        _ => found(v).to_owned(),
    }
}

pub(crate) fn mismatch(
    lit: &Literal,
    field: &Field,
    written: Written<'_>,
    expected: &str,
) -> CheckError {
    let help = match (&lit.value, field.ty) {
        (Value::Bool(_), _) => {
            "booleans are not values of any field type; test emptiness with `is empty`, a phone with `verified`".to_owned()
        }
        (Value::Relative(_) | Value::Period(_), _) => {
            "`now`, `today` and periods such as `this month` are times: they only apply to datetime fields".to_owned()
        }
        (Value::String(s), FieldType::Number | FieldType::Dept | FieldType::Deptgroup)
            if s.trim().parse::<f64>().is_ok() =>
        {
            format!("write the number without quotes: {}", s.trim())
        }
        (_, FieldType::Datetime) => {
            "write a date (2022-01-01), a datetime (2022-01-01T08:30), a period (`this month`) or `now`/`today` with an optional offset (`now - 3d`)".to_owned()
        }
        (_, FieldType::Dept | FieldType::Deptgroup) => {
            "a department is given by its number (`dept_no`), e.g. 12".to_owned()
        }
        (Value::Number(_) | Value::Date(_) | Value::DateTime(_), _) => {
            "quote the value to compare it as text: \"...\"".to_owned()
        }
        _ => format!(
            "{} {} field compares with {expected}",
            super::rules::article(field.ty),
            field.ty
        ),
    };
    CheckError::LiteralType {
        field: describe(field, written),
        expected: expected.to_owned(),
        found: found_text(&lit.value),
        help,
        span: lit.span,
    }
}

/// A non-datetime value for `=`, `in` or `has` on `field`.
pub(crate) fn scalar(
    lit: &Literal,
    field: &Field,
    written: Written<'_>,
) -> Result<Scalar, CheckError> {
    use FieldType::*;
    if let Value::Number(n) = lit.value {
        // The parser only produces finite numbers; a hand-built NaN would make `!=` match
        // everything.
        if !n.is_finite() {
            return Err(mismatch(lit, field, written, "a finite number"));
        }
    }
    match field.ty {
        Number => match lit.value {
            Value::Number(n) => Ok(Scalar::Number(n)),
            _ => Err(mismatch(lit, field, written, "a number")),
        },
        Dept | Deptgroup => match lit.value {
            Value::Number(n) if n.fract() == 0.0 => Ok(Scalar::Number(n)),
            _ => Err(mismatch(lit, field, written, "a department number")),
        },
        Flowstate => flow_state(lit, field, written),
        Text | Sn | Select | User | Dataid | Phone | Multiselect | Usergroup => match &lit.value {
            Value::String(s) if s.is_empty() => Err(CheckError::EmptyString {
                field: written.to_string(),
                span: lit.span,
            }),
            Value::String(s) => {
                check_option(s, lit, field, written)?;
                Ok(Scalar::Text(s.clone()))
            }
            _ => Err(mismatch(lit, field, written, "a string")),
        },
        // The operator table keeps these from reaching here; reject rather than guess.
        Datetime | Subform | Other => Err(mismatch(lit, field, written, "no value")),
    }
}

fn flow_state(lit: &Literal, field: &Field, written: Written<'_>) -> Result<Scalar, CheckError> {
    match &lit.value {
        // `+ 0.0` turns a written -0 into 0.
        Value::Number(n) if [0.0, 1.0, 2.0, 3.0].contains(n) => Ok(Scalar::Number(*n + 0.0)),
        Value::Number(n) => Err(CheckError::FlowState {
            found: n.to_string(),
            span: lit.span,
        }),
        Value::String(s) => match FLOW_STATES.iter().position(|l| l == s) {
            Some(i) => Ok(Scalar::Number(i as f64)),
            None => Err(CheckError::FlowState {
                found: s.as_str().to_owned(),
                span: lit.span,
            }),
        },
        _ => Err(mismatch(
            lit,
            field,
            written,
            "a flow state (0–3 or its label)",
        )),
    }
}

fn check_option(
    value: &str,
    lit: &Literal,
    field: &Field,
    written: Written<'_>,
) -> Result<(), CheckError> {
    let listed = matches!(field.ty, FieldType::Select | FieldType::Multiselect);
    if !listed || field.options.is_empty() || field.options.iter().any(|o| o == value) {
        return Ok(());
    }
    let limit = (value.chars().count() / 3).max(1);
    let best = field
        .options
        .iter()
        .map(|o| (edit_distance(value, o), o))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d);
    let help = match best {
        Some((_, o)) => format!("did you mean \"{o}\"?"),
        None => {
            let shown: Vec<String> = field
                .options
                .iter()
                .take(12)
                .map(|o| format!("\"{o}\""))
                .collect();
            let more = if field.options.len() > 12 {
                ", ..."
            } else {
                ""
            };
            format!("the options are {}{more}", shown.join(", "))
        }
    };
    Err(CheckError::UnknownOption {
        value: value.to_owned(),
        field: written.to_string(),
        help,
        span: lit.span,
    })
}

/// A datetime-field value, resolved in `tz` against the clock `now`.
pub(crate) fn time(
    lit: &Literal,
    field: &Field,
    written: Written<'_>,
    tz: FixedOffset,
    now: DateTime<FixedOffset>,
) -> Result<Time, CheckError> {
    let out_of_range = || CheckError::OutOfRange { span: lit.span };
    let t = match &lit.value {
        Value::Date(d) => day(*d, tz).ok_or_else(out_of_range)?,
        Value::DateTime(dt) => {
            let offset = dt.offset.unwrap_or(tz.local_minus_utc());
            Time::Instant(local_ms(dt.local, offset).ok_or_else(out_of_range)?)
        }
        Value::Relative(r) => relative(r, tz, now).map_err(|today_unit| {
            if today_unit {
                CheckError::TodayUnit { span: lit.span }
            } else {
                out_of_range()
            }
        })?,
        Value::Period(p) => {
            let today = local_date(now, tz).ok_or_else(out_of_range)?;
            let (first, after) = p.dates(today).ok_or_else(out_of_range)?;
            interval(first, after, tz).ok_or_else(out_of_range)?
        }
        _ => return Err(mismatch(lit, field, written, "a date or time")),
    };
    Ok(t)
}

/// `now ± n unit` (an instant) or `today ± n unit` (a whole day), in `tz`. Months,
/// quarters and years move the calendar date (in `tz`), keeping the time of day and
/// clamping the day to the end of a shorter month. `Err(true)` for `today` moved by
/// minutes or hours, `Err(false)` when the result is out of range.
fn relative(r: &Relative, tz: FixedOffset, now: DateTime<FixedOffset>) -> Result<Time, bool> {
    if r.base == RelBase::Today && r.amount != 0 && r.unit.seconds().is_some_and(|s| s < 86_400) {
        return Err(true);
    }
    let local = local_time(now, tz).ok_or(false)?;
    let moved = match (r.unit.seconds(), r.unit.months()) {
        (Some(unit), _) => {
            let seconds = r.amount.checked_mul(unit).ok_or(false)?;
            match r.base {
                RelBase::Now => {
                    let ms = seconds
                        .checked_mul(1000)
                        .and_then(|d| now.timestamp_millis().checked_add(d))
                        .ok_or(false)?;
                    return valid(ms).map(Time::Instant).ok_or(false);
                }
                // Whole days: `today` moves by days and weeks only.
                RelBase::Today => Duration::try_days(seconds / 86_400)
                    .and_then(|delta| local.checked_add_signed(delta))
                    .ok_or(false)?,
            }
        }
        (None, Some(per)) => {
            let months = r
                .amount
                .unsigned_abs()
                .checked_mul(u64::from(per))
                .and_then(|m| u32::try_from(m).ok())
                .map(Months::new)
                .ok_or(false)?;
            let moved = if r.amount < 0 {
                local.checked_sub_months(months)
            } else {
                local.checked_add_months(months)
            };
            moved.ok_or(false)?
        }
        (None, None) => return Err(false),
    };
    match r.base {
        RelBase::Now => local_ms(moved, tz.local_minus_utc())
            .map(Time::Instant)
            .ok_or(false),
        RelBase::Today => day(moved.date(), tz).ok_or(false),
    }
}

/// `[d 00:00, d+1 00:00)` in `tz`.
fn day(d: NaiveDate, tz: FixedOffset) -> Option<Time> {
    interval(d, d.succ_opt()?, tz)
}

/// `[first 00:00, after 00:00)` in `tz`.
fn interval(first: NaiveDate, after: NaiveDate, tz: FixedOffset) -> Option<Time> {
    let offset = tz.local_minus_utc();
    let start = local_ms(first.and_hms_opt(0, 0, 0)?, offset)?;
    let end = local_ms(after.and_hms_opt(0, 0, 0)?, offset)?;
    Some(Time::Interval { start, end })
}

/// Wall-clock time at `offset` seconds east of UTC → ms since the epoch, if representable.
fn local_ms(local: NaiveDateTime, offset: i32) -> Option<i64> {
    let ms = local
        .and_utc()
        .timestamp_millis()
        .checked_sub(i64::from(offset) * 1000)?;
    valid(ms)
}

/// The first and the last millisecond chrono represents.
const MIN_MS: i64 = DateTime::<Utc>::MIN_UTC.timestamp_millis();
const MAX_MS: i64 = DateTime::<Utc>::MAX_UTC.timestamp_millis();

/// Keeps only instants chrono (and so every backend) can format back into a date.
/// chrono's instants are one unbroken range, so a bounds check tells the same as
/// building the date (which costs a calendar computation per literal).
fn valid(ms: i64) -> Option<i64> {
    (MIN_MS..=MAX_MS).contains(&ms).then_some(ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;
    use crate::syntax::ast::{Period, PeriodUnit, Shift};

    fn written() -> Written<'static> {
        static PATH: [crate::syntax::ast::Str; 0] = [];
        Written(&PATH)
    }

    fn lit(value: Value) -> Literal {
        Literal {
            value,
            span: Span::new(0, 1),
        }
    }

    #[test]
    fn valid_instants_are_those_chrono_builds() {
        for ms in [
            i64::MIN,
            MIN_MS - 1,
            MIN_MS,
            MIN_MS + 1,
            -1,
            0,
            1,
            MAX_MS - 1,
            MAX_MS,
            MAX_MS + 1,
            i64::MAX,
        ] {
            let built = DateTime::from_timestamp_millis(ms).map(|_| ms);
            assert_eq!(valid(ms), built, "{ms}");
        }
    }

    #[test]
    fn flow_state_labels_map_to_numbers() {
        let f = Field::new("flowState", FieldType::Flowstate);
        for (i, label) in FLOW_STATES.iter().enumerate() {
            let got = scalar(&lit(Value::String((*label).into())), &f, written());
            assert_eq!(got, Ok(Scalar::Number(i as f64)));
        }
        assert!(scalar(&lit(Value::Number(4.0)), &f, written()).is_err());
        assert!(scalar(&lit(Value::Number(1.5)), &f, written()).is_err());
        assert!(scalar(&lit(Value::String("done".into())), &f, written()).is_err());
        let minus_zero = scalar(&lit(Value::Number(-0.0)), &f, written());
        assert!(matches!(minus_zero, Ok(Scalar::Number(n)) if n.is_sign_positive()));
    }

    #[test]
    fn non_finite_numbers_are_rejected() {
        for ty in [FieldType::Number, FieldType::Dept, FieldType::Flowstate] {
            let f = Field::new("x", ty);
            for n in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                assert!(
                    scalar(&lit(Value::Number(n)), &f, written()).is_err(),
                    "{ty} {n}"
                );
            }
        }
    }

    #[test]
    fn date_is_a_whole_day_in_the_zone() {
        let f = Field::new("d", FieldType::Datetime);
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        let now = DateTime::parse_from_rfc3339("2024-03-10T12:00:00+08:00").unwrap();
        let d = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
        let got = time(&lit(Value::Date(d)), &f, written(), tz, now).unwrap();
        // 2022-01-01T00:00+08:00 is 2021-12-31T16:00Z.
        let start = DateTime::parse_from_rfc3339("2021-12-31T16:00:00Z")
            .unwrap()
            .timestamp_millis();
        assert_eq!(
            got,
            Time::Interval {
                start,
                end: start + 86_400_000
            }
        );
    }

    #[test]
    fn extreme_dates_are_errors_not_panics() {
        let f = Field::new("d", FieldType::Datetime);
        let west = FixedOffset::east_opt(-12 * 3600).unwrap();
        let east = FixedOffset::east_opt(12 * 3600).unwrap();
        let now = DateTime::parse_from_rfc3339("2024-03-10T12:00:00+08:00").unwrap();
        let rel = |amount, unit, base| {
            lit(Value::Relative(crate::syntax::ast::Relative {
                base,
                amount,
                unit,
            }))
        };
        use crate::syntax::ast::RelUnit::*;
        // The last day has no next day to end at; the first day's midnight east of UTC
        // falls before the first representable instant.
        for (l, tz) in [
            (lit(Value::Date(NaiveDate::MAX)), west),
            (lit(Value::Date(NaiveDate::MIN)), east),
            (rel(i64::MAX, Week, RelBase::Now), west),
            (rel(i64::MIN, Minute, RelBase::Now), west),
            (rel(i64::MAX / 1000, Day, RelBase::Today), west),
            (rel(-(1 << 40), Day, RelBase::Today), west),
            (rel(i64::MAX, Month, RelBase::Now), west),
            (rel(i64::MIN, Year, RelBase::Today), east),
            (rel(i64::from(u32::MAX), Month, RelBase::Now), west),
            (rel(1 << 31, Month, RelBase::Today), west),
            (rel(-(1 << 31) + 1, Month, RelBase::Now), east),
            (rel(178_956_971, Year, RelBase::Now), west),
            (rel(i64::MAX / 3, Quarter, RelBase::Today), west),
        ] {
            let got = time(&l, &f, written(), tz, now);
            assert!(
                matches!(got, Err(CheckError::OutOfRange { .. })),
                "{l:?}: {got:?}"
            );
        }
        // Periods at the ends of the calendar: no next year after the last.
        let period = |unit, shift| lit(Value::Period(Period { unit, shift }));
        let end_of_time = NaiveDate::MAX
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc()
            .fixed_offset();
        for unit in [
            PeriodUnit::Day,
            PeriodUnit::Week,
            PeriodUnit::Month,
            PeriodUnit::Year,
        ] {
            let got = time(&period(unit, Shift::Next), &f, written(), east, end_of_time);
            assert!(
                matches!(got, Err(CheckError::OutOfRange { .. })),
                "{unit:?}: {got:?}"
            );
        }
        for r in [rel(1, Day, RelBase::Today), rel(-1, Month, RelBase::Now)] {
            let got = time(&r, &f, written(), east, end_of_time);
            assert!(
                matches!(got, Err(CheckError::OutOfRange { .. })),
                "{r:?}: {got:?}"
            );
        }
        // The first day seen from west of UTC is representable: not every extreme fails.
        assert!(time(&lit(Value::Date(NaiveDate::MIN)), &f, written(), west, now).is_ok());
        assert!(matches!(
            time(&rel(3, Hour, RelBase::Today), &f, written(), west, now),
            Err(CheckError::TodayUnit { .. })
        ));
    }
}
