//! The reference semantics: does a JSON record match an `ir::Pred`?
//!
//! Every backend is tested against [`matches()`], so this module states the meaning of the
//! language (grammar/README.md, "What a query means") as directly as possible rather than efficiently.
//!
//! # Record shape
//!
//! A record is a JSON object keyed by field name, shaped like a jdy data record:
//!
//! | field type | JSON value |
//! |---|---|
//! | text, sn, select, dataid | string |
//! | number, flowstate | number |
//! | datetime | a datetime string (`2017-10-20T22:41:51.430Z`, see below), or epoch milliseconds as a JSON integer |
//! | phone | `{"phone": "139...", "verified": true}` |
//! | multiselect | array of strings |
//! | user | `{"username": "..."}` or the username as a plain string |
//! | dept | `{"dept_no": 7}` or the number itself |
//! | usergroup, deptgroup | array of users / departments |
//! | subform | array of row objects |
//! | other | anything |
//!
//! # Rules
//!
//! - A value is *empty* when the key is absent, or the value is `null`, `""`, `[]`, or a
//!   phone object without a number (`phone` absent, `null` or `""`).
//! - A value the field's type cannot hold (a string in a number field, a user object
//!   without a `username`, an array whose items all have the wrong shape) is treated as
//!   **no value**, i.e. empty. Every test but `is empty` is therefore false on it, and
//!   the evaluator never panics or guesses. Treating it as empty rather than as a third
//!   kind of value is what keeps the two-valued semantics's `not (x > 5)` ≡ `x <= 5 or x is empty` true
//!   on *every* record of those types, so that normalization is exact even on data that
//!   does not fit the schema.
//! - Datetime fields are the exception (grammar/README.md, "What a query means"): a non-empty value that is not a
//!   datetime (`"yesterday"`, `true`, `1.5`) is **not empty** and fails every test but
//!   the negated ones, so `d != X` and `not (d > X)` hold on it while `d is empty` does
//!   not (normalization keeps negated datetime ranges as negated leaves for this).
//! - A datetime value is read in the query's time zone (`tz` of [`matches_in`]; the
//!   query's zone for [`crate::Query::matches`]) with [`parse_instant_in`]: an RFC 3339
//!   datetime with `T`, `t` or a space between date and time, seconds and fraction
//!   optional, and an offset `Z`, `±hh:mm`, `±hhmm` or none (local time in `tz`, as SQL
//!   rows and masterdata strings hold it); a date alone (`2024-02-29`: that day's 00:00
//!   in `tz`); or a JSON integer, milliseconds since the Unix epoch (as jdy exports it).
//! - Numbers compare by exact mathematical value: a JSON integer (serde_json keeps
//!   every integer that fits 64 bits exactly) is compared with the query's number
//!   without rounding it to a double, as an integer column is; other JSON numbers mean
//!   the nearest double, as a DOUBLE column holds them.
//! - Every test other than [`Test::Empty`] is false on an empty value; a negated leaf is
//!   the exact complement of its positive test.
//! - A subform column leaf (`FieldRef::subform` set) holds when **some** row satisfies the
//!   positive test; a record without rows (or whose subform value is not an array) has
//!   no such row. Its negation holds when no row does.
//! - On the array-valued types (multiselect, usergroup, deptgroup) `has any`/`has all`
//!   are set tests; the scalar tests (`=`, `in`, ranges, text tests) hold when some
//!   item satisfies them, which is jdy's reading of `in` on member groups. Items of the
//!   wrong shape are ignored.
//! - `verified` holds on a phone with a number whose `verified` flag is `true`;
//!   `unverified` on one whose flag is `false`, `null` or absent. A flag of another type
//!   makes both false.
//! - Text comparison is exact and case-sensitive (Rust `str` equality and substring
//!   search, no normalisation). Ordering, should a range carry text bounds, is by bytes.
//! - Datetimes compare as instants truncated to milliseconds, the resolution of the IR.
//!   An instant chrono cannot represent is not a datetime.
//! - Values only compare with scalars of their own kind: a number with
//!   [`Scalar::Number`], a datetime with [`Scalar::DateTime`], a string with
//!   [`Scalar::Text`], a boolean (only in `other` fields) with [`Scalar::Bool`].

use crate::ir::{Bound, Leaf, Pred, Range, Scalar, Test};
use crate::schema::FieldType;
use crate::syntax::ast::TextOp;
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::Value;
use std::cmp::Ordering;

/// Whether `record` satisfies `pred` under the two-valued semantics of grammar/README.md ("What a query means").
///
/// A record that is not a JSON object has every field empty.
///
/// ```
/// use filterql::eval::matches;
/// use filterql::ir::{FieldInfo, FieldRef, Pred, Scalar, Test};
/// use filterql::{FieldType, Span};
/// use serde_json::json;
///
/// let amount = FieldRef::new(FieldInfo {
///     name: "amount".into(), subform: None, ty: FieldType::Number,
///     widget: None, column: "amount".into(), label: None,
/// });
/// // amount != 5
/// let ne = Pred::leaf(amount, Test::Eq(Scalar::Number(5.0)), true, Span::default());
/// assert!(matches(&ne, &json!({"amount": 7})));
/// assert!(!matches(&ne, &json!({"amount": 5})));
/// // Two-valued: an empty (or absent) amount is not 5, so it matches.
/// assert!(matches(&ne, &json!({"amount": null})));
/// assert!(matches(&ne, &json!({})));
/// ```
pub fn matches(pred: &Pred, record: &Value) -> bool {
    matches_in(pred, record, crate::schema::default_timezone())
}

/// [`matches()`], reading datetimes without an offset (and dates alone) as local time
/// in `tz`, the query's time zone ([`crate::Query::matches`] passes its own).
///
/// ```
/// use filterql::{compile, Options, Schema};
/// use serde_json::json;
///
/// let now = chrono::DateTime::parse_from_rfc3339("2024-03-01T00:00:00+08:00").unwrap();
/// let q = compile("createTime = 2024-02-29", &Schema::new(vec![]), &Options::at(now)).unwrap();
/// // Local time in the query's zone (+08:00 by default), a space for `T`, a date alone.
/// assert!(q.matches(&json!({"createTime": "2024-02-29 23:30:00"})));
/// assert!(q.matches(&json!({"createTime": "2024-02-29"})));
/// assert!(!q.matches(&json!({"createTime": "2024-02-29T23:30:00Z"})));
/// ```
pub fn matches_in(pred: &Pred, record: &Value, tz: FixedOffset) -> bool {
    // A chain of `Not`s is walked in a loop, not by recursion.
    let mut pred = pred;
    let mut negated = false;
    while let Pred::Not(inner) = pred {
        pred = inner;
        negated = !negated;
    }
    negated
        != match pred {
            Pred::True => true,
            Pred::False => false,
            Pred::And(ps) => ps.iter().all(|p| matches_in(p, record, tz)),
            Pred::Or(ps) => ps.iter().any(|p| matches_in(p, record, tz)),
            // Not reached after the loop; still the right answer.
            Pred::Not(inner) => !matches_in(inner, record, tz),
            Pred::Leaf(leaf) => leaf_matches(leaf, record, tz) != leaf.negated,
        }
}

/// The positive test of `leaf`, ignoring `negated`.
fn leaf_matches(leaf: &Leaf, record: &Value, tz: FixedOffset) -> bool {
    let ty = leaf.field.ty;
    match &leaf.field.subform {
        None => test_view(&leaf.test, &view(ty, record.get(&leaf.field.name), tz)),
        Some(sub) => match record.get(sub) {
            Some(Value::Array(rows)) => rows
                .iter()
                .any(|row| test_view(&leaf.test, &view(ty, row.get(&leaf.field.name), tz))),
            _ => false,
        },
    }
}

/// Whether a field value is empty: absent, null, `""`, `[]`, a phone without a number,
/// or a value the field's type cannot hold, except on datetime fields, where such a
/// value is not empty (see the module docs). The time zone does not matter here.
pub fn is_empty(ty: FieldType, value: Option<&Value>) -> bool {
    matches!(
        view(ty, value, crate::schema::default_timezone()),
        View::Empty
    )
}

/// A comparable piece of a record value, after unwrapping user/dept/phone objects and
/// parsing datetimes.
#[derive(Debug)]
enum Atom<'a> {
    Str(&'a str),
    Num(Num),
    Instant(i64),
    Bool(bool),
}

/// A field value seen through its field type.
#[derive(Debug)]
enum View<'a> {
    /// No value (including one the type cannot hold).
    Empty,
    /// A single value.
    One(Atom<'a>),
    /// The well-shaped items of an array-valued field (at least one).
    Items(Vec<Atom<'a>>),
    /// A phone number and its verified flag (`None`: the flag has the wrong type).
    Phone(&'a str, Option<bool>),
    /// A non-empty value of an `other` or `subform` field, or a non-empty value of a
    /// datetime field that is not a datetime: only emptiness is testable.
    Opaque,
}

/// A record's number, as exact as serde_json read it.
#[derive(Clone, Copy, Debug)]
enum Num {
    /// An integer that fits `i64`.
    Int(i64),
    /// An integer above `i64::MAX` that fits `u64`.
    Big(u64),
    /// Any other number: the nearest double.
    Float(f64),
}

/// A JSON number, `None` for anything else.
fn num(v: &Value) -> Option<Num> {
    let Value::Number(n) = v else { return None };
    if let Some(i) = n.as_i64() {
        Some(Num::Int(i))
    } else if let Some(u) = n.as_u64() {
        Some(Num::Big(u))
    } else {
        n.as_f64().filter(|x| x.is_finite()).map(Num::Float)
    }
}

/// 2^63 and 2^64 as doubles (both exact).
const TWO_63: f64 = 9_223_372_036_854_775_808.0;
const TWO_64: f64 = 18_446_744_073_709_551_616.0;

impl Num {
    /// The exact order of this number and the finite double `b`, `None` for NaN.
    fn cmp_f64(self, b: f64) -> Option<Ordering> {
        match self {
            Num::Float(a) => a.partial_cmp(&b),
            Num::Int(a) => {
                if b.is_nan() {
                    None
                } else if b >= TWO_63 {
                    Some(Ordering::Less)
                } else if b < -TWO_63 {
                    Some(Ordering::Greater)
                } else {
                    // |trunc(b)| < 2^63: exact as an i64; the fraction breaks ties.
                    let t = b.trunc();
                    Some(
                        (a.cmp(&(t as i64)))
                            .then_with(|| 0.0.partial_cmp(&(b - t)).unwrap_or(Ordering::Equal)),
                    )
                }
            }
            Num::Big(a) => {
                if b.is_nan() {
                    None
                } else if b >= TWO_64 {
                    Some(Ordering::Less)
                } else if b < 0.0 {
                    Some(Ordering::Greater)
                } else {
                    let t = b.trunc();
                    Some(
                        (a.cmp(&(t as u64)))
                            .then_with(|| 0.0.partial_cmp(&(b - t)).unwrap_or(Ordering::Equal)),
                    )
                }
            }
        }
    }
}

fn one(a: Option<Atom<'_>>) -> View<'_> {
    a.map_or(View::Empty, View::One)
}

fn view(ty: FieldType, value: Option<&Value>, tz: FixedOffset) -> View<'_> {
    let Some(value) = value else {
        return View::Empty;
    };
    match ty {
        FieldType::Text | FieldType::Select | FieldType::Sn | FieldType::Dataid => {
            one(string(value).map(Atom::Str))
        }
        FieldType::Number | FieldType::Flowstate => one(num(value).map(Atom::Num)),
        FieldType::Datetime => match value {
            Value::Null => View::Empty,
            Value::String(s) if s.is_empty() => View::Empty,
            Value::Array(a) if a.is_empty() => View::Empty,
            Value::String(s) => {
                parse_instant_in(s, tz).map_or(View::Opaque, |ms| View::One(Atom::Instant(ms)))
            }
            Value::Number(n) => n
                .as_i64()
                .and_then(valid_ms)
                .map_or(View::Opaque, |ms| View::One(Atom::Instant(ms))),
            _ => View::Opaque,
        },
        FieldType::User => one(user(value)),
        FieldType::Dept => one(dept(value)),
        FieldType::Phone => match value {
            Value::Object(o) => match o.get("phone").and_then(string) {
                Some(number) => View::Phone(
                    number,
                    match o.get("verified") {
                        None | Some(Value::Null) => Some(false),
                        Some(Value::Bool(b)) => Some(*b),
                        Some(_) => None,
                    },
                ),
                None => View::Empty,
            },
            _ => View::Empty,
        },
        FieldType::Multiselect | FieldType::Usergroup | FieldType::Deptgroup => {
            let item: fn(&Value) -> Option<Atom<'_>> = match ty {
                FieldType::Usergroup => user,
                FieldType::Deptgroup => dept,
                _ => text_item,
            };
            match value {
                Value::Array(items) => {
                    let atoms: Vec<_> = items.iter().filter_map(item).collect();
                    if atoms.is_empty() {
                        View::Empty
                    } else {
                        View::Items(atoms)
                    }
                }
                _ => View::Empty,
            }
        }
        FieldType::Subform => match value {
            Value::Array(rows) if !rows.is_empty() => View::Opaque,
            _ => View::Empty,
        },
        FieldType::Other => match value {
            Value::Null => View::Empty,
            Value::String(s) if s.is_empty() => View::Empty,
            Value::String(s) => View::One(Atom::Str(s)),
            Value::Number(_) => one(num(value).map(Atom::Num)),
            Value::Bool(b) => View::One(Atom::Bool(*b)),
            Value::Array(a) if a.is_empty() => View::Empty,
            Value::Array(_) | Value::Object(_) => View::Opaque,
        },
    }
}

/// A non-empty string.
fn string(v: &Value) -> Option<&str> {
    v.as_str().filter(|s| !s.is_empty())
}

/// A multiselect item: a non-empty string.
fn text_item(v: &Value) -> Option<Atom<'_>> {
    string(v).map(Atom::Str)
}

/// A user: `{"username": ..}` or the username itself.
fn user(v: &Value) -> Option<Atom<'_>> {
    match v {
        Value::Object(o) => o.get("username").and_then(string),
        other => string(other),
    }
    .map(Atom::Str)
}

/// A department: `{"dept_no": ..}` or the number itself.
fn dept(v: &Value) -> Option<Atom<'_>> {
    match v {
        Value::Object(o) => o.get("dept_no").and_then(num),
        other => num(other),
    }
    .map(Atom::Num)
}

impl Atom<'_> {
    /// Exact equality with a typed value; a kind mismatch is unequal.
    fn equals(&self, s: &Scalar) -> bool {
        self.compare(s) == Some(Ordering::Equal)
    }

    /// Order of this atom relative to `s`, or `None` when they are of different kinds.
    fn compare(&self, s: &Scalar) -> Option<Ordering> {
        match (self, s) {
            (Atom::Str(a), Scalar::Text(b)) => Some((*a).cmp(b.as_str())),
            (Atom::Num(a), Scalar::Number(b)) => a.cmp_f64(*b),
            (Atom::Instant(a), Scalar::DateTime(b)) => Some(a.cmp(b)),
            (Atom::Bool(a), Scalar::Bool(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

/// Apply a positive test to a field's view.
fn test_view(test: &Test, v: &View<'_>) -> bool {
    match (test, v) {
        (Test::Empty, v) => matches!(v, View::Empty),
        (_, View::Empty | View::Opaque) => false,
        (Test::Verified, View::Phone(_, flag)) => *flag == Some(true),
        (Test::Unverified, View::Phone(_, flag)) => *flag == Some(false),
        (Test::Verified | Test::Unverified, _) => false,
        (Test::HasAny(wanted), View::Items(have)) => {
            wanted.iter().any(|w| have.iter().any(|h| h.equals(w)))
        }
        (Test::HasAll(wanted), View::Items(have)) => {
            wanted.iter().all(|w| have.iter().any(|h| h.equals(w)))
        }
        (Test::HasAny(_) | Test::HasAll(_), _) => false,
        (_, View::One(a)) => scalar_test(test, a),
        (_, View::Phone(number, _)) => scalar_test(test, &Atom::Str(number)),
        (_, View::Items(items)) => items.iter().any(|a| scalar_test(test, a)),
    }
}

/// A scalar test (`Eq`, `In`, `Range`, `Text`) on one atom.
fn scalar_test(test: &Test, a: &Atom<'_>) -> bool {
    match test {
        Test::Eq(s) => a.equals(s),
        Test::In(vs) => vs.iter().any(|s| a.equals(s)),
        Test::Range(r) => in_range(r, a),
        Test::Text(op, needle) => match a {
            Atom::Str(h) => match op {
                TextOp::Contains => h.contains(needle.as_str()),
                TextOp::StartsWith => h.starts_with(needle.as_str()),
                TextOp::EndsWith => h.ends_with(needle.as_str()),
            },
            _ => false,
        },
        Test::Empty | Test::Verified | Test::Unverified | Test::HasAny(_) | Test::HasAll(_) => {
            false
        }
    }
}

/// Whether the atom lies within both ends of the range (an absent end is open).
fn in_range(r: &Range, a: &Atom<'_>) -> bool {
    // A range with no end at all is not valid IR (it would silently test only
    // non-emptiness); fail closed.
    if r.lo.is_none() && r.hi.is_none() {
        return false;
    }
    let above_lo = |b: &Bound| match a.compare(&b.value) {
        Some(Ordering::Greater) => true,
        Some(Ordering::Equal) => b.inclusive,
        _ => false,
    };
    let below_hi = |b: &Bound| match a.compare(&b.value) {
        Some(Ordering::Less) => true,
        Some(Ordering::Equal) => b.inclusive,
        _ => false,
    };
    r.lo.as_ref().is_none_or(above_lo) && r.hi.as_ref().is_none_or(below_hi)
}

/// Parses a record's datetime string into milliseconds since the epoch, reading one
/// without an offset as UTC: [`parse_instant_in`] with `tz` = UTC.
pub fn parse_instant(s: &str) -> Option<i64> {
    parse_instant_in(s, FixedOffset::east_opt(0)?)
}

/// Parses a record's datetime string into milliseconds since the epoch (truncating
/// below the millisecond), reading local times in `tz`.
///
/// Accepted: `YYYY-MM-DD` (that day's 00:00 in `tz`), and `YYYY-MM-DD` then `T`, `t` or
/// a space, then `hh:mm`, optionally `:ss` and a fraction of 1–9 digits, then
/// optionally `Z`/`z`, `±hh:mm` or `±hhmm` (without one: local time in `tz`). Anything
/// else, or an instant chrono cannot represent, is `None`.
///
/// ```
/// use filterql::eval::parse_instant_in;
/// use chrono::FixedOffset;
///
/// let tz = FixedOffset::east_opt(8 * 3600).unwrap();
/// let utc = parse_instant_in("2024-02-29T02:00:00Z", tz);
/// assert!(utc.is_some());
/// assert_eq!(parse_instant_in("2024-02-29 10:00:00", tz), utc);
/// assert_eq!(parse_instant_in("2024-02-29T10:00+0800", tz), utc);
/// assert_eq!(parse_instant_in("2024-02-29", tz), parse_instant_in("2024-02-29T00:00", tz));
/// assert_eq!(parse_instant_in("2024-02-30", tz), None);
/// assert_eq!(parse_instant_in("yesterday", tz), None);
/// ```
pub fn parse_instant_in(s: &str, tz: FixedOffset) -> Option<i64> {
    let b = s.as_bytes();
    let num = |p: usize, len: usize| -> Option<u32> {
        let d = b.get(p..p + len)?;
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| d.iter().fold(0, |a, &c| a * 10 + u32::from(c - b'0')))
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(5, 2)?, num(8, 2)?)?;
    let (time, mut p) = match b.get(10) {
        None => (NaiveTime::MIN, 10),
        Some(b'T' | b't' | b' ') => {
            if b.get(13) != Some(&b':') {
                return None;
            }
            let (hh, mm) = (num(11, 2)?, num(14, 2)?);
            let mut p = 16;
            let (mut ss, mut nano) = (0, 0);
            if b.get(p) == Some(&b':') {
                ss = num(p + 1, 2)?;
                p += 3;
                if b.get(p) == Some(&b'.') {
                    let n = b[p + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                    if n == 0 || n > 9 {
                        return None;
                    }
                    nano = num(p + 1, n)? * 10u32.pow(9 - n as u32);
                    p += 1 + n;
                }
            }
            (NaiveTime::from_hms_nano_opt(hh, mm, ss, nano)?, p)
        }
        Some(_) => return None,
    };
    let offset = match b.get(p) {
        None => tz.local_minus_utc(),
        Some(b'Z' | b'z') if p + 1 == b.len() && p > 10 => {
            p += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) if p > 10 => {
            let oh = num(p + 1, 2)?;
            let colon = usize::from(b.get(p + 3) == Some(&b':'));
            let om = num(p + 3 + colon, 2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            p += 5 + colon;
            let secs = (oh * 3600 + om * 60) as i32;
            if sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        Some(_) => return None,
    };
    if p != b.len() {
        return None;
    }
    let ms = NaiveDateTime::new(date, time)
        .and_utc()
        .timestamp_millis()
        .checked_sub(i64::from(offset) * 1000)?;
    valid_ms(ms)
}

/// `ms` when chrono can represent the instant (every backend formats it back).
fn valid_ms(ms: i64) -> Option<i64> {
    chrono::DateTime::from_timestamp_millis(ms).map(|_| ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{FieldInfo, FieldRef};
    use crate::span::Span;
    use serde_json::json;

    fn field(name: &str, ty: FieldType) -> FieldRef {
        FieldRef::top(name, ty)
    }

    fn leaf(name: &str, ty: FieldType, test: Test) -> Pred {
        Pred::leaf(field(name, ty), test, false, Span::default())
    }

    fn neg(p: Pred) -> Pred {
        match p {
            Pred::Leaf(mut l) => {
                l.negated = !l.negated;
                Pred::Leaf(l)
            }
            other => Pred::Not(Box::new(other)),
        }
    }

    fn text(s: &str) -> Scalar {
        Scalar::Text(s.into())
    }

    fn ms(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    }

    fn range(lo: Option<(Scalar, bool)>, hi: Option<(Scalar, bool)>) -> Test {
        let b = |(value, inclusive)| Bound { value, inclusive };
        Test::Range(Range {
            lo: lo.map(b),
            hi: hi.map(b),
        })
    }

    /// Every empty form, for a field called `f`.
    fn empties() -> Vec<Value> {
        vec![
            json!({}),
            json!({"f": null}),
            json!({"f": ""}),
            json!({"f": []}),
        ]
    }

    #[test]
    fn positive_tests_are_false_on_every_empty_form_and_negations_true() {
        let cases = [
            leaf("f", FieldType::Text, Test::Eq(text(""))),
            leaf("f", FieldType::Text, Test::In(vec![text(""), text("a")])),
            leaf(
                "f",
                FieldType::Text,
                Test::Text(TextOp::Contains, "a".into()),
            ),
            leaf(
                "f",
                FieldType::Number,
                range(Some((Scalar::Number(0.0), true)), None),
            ),
            leaf("f", FieldType::Multiselect, Test::HasAll(vec![text("a")])),
            leaf("f", FieldType::Multiselect, Test::HasAny(vec![text("a")])),
            leaf("f", FieldType::Phone, Test::Verified),
            leaf("f", FieldType::Phone, Test::Unverified),
            leaf("f", FieldType::User, Test::Eq(text("alice"))),
        ];
        for p in cases {
            for r in empties() {
                assert!(!matches(&p, &r), "{p:?} on {r}");
                assert!(matches(&neg(p.clone()), &r), "not {p:?} on {r}");
                assert!(matches(&Pred::Not(Box::new(p.clone())), &r));
            }
        }
    }

    #[test]
    fn empty_test_recognises_every_empty_form() {
        let p = leaf("f", FieldType::Phone, Test::Empty);
        for r in empties() {
            assert!(matches(&p, &r), "{r}");
            assert!(!matches(&neg(p.clone()), &r), "{r}");
        }
        for r in [
            json!({"f": {"verified": true}}),
            json!({"f": {"phone": "", "verified": true}}),
            json!({"f": {"phone": null}}),
        ] {
            assert!(matches(&p, &r), "{r}");
        }
        let filled = json!({"f": {"phone": "139"}});
        assert!(!matches(&p, &filled));
        assert!(matches(&neg(p.clone()), &filled));
        // An `other` field holds anything: only null, "" and [] are empty there.
        let other = leaf("f", FieldType::Other, Test::Empty);
        for r in [
            json!({"f": {}}),
            json!({"f": 0}),
            json!({"f": false}),
            json!({"f": [0]}),
        ] {
            assert!(!matches(&other, &r), "{r}");
        }
    }

    #[test]
    fn values_the_type_cannot_hold_count_as_empty() {
        let cases: [(FieldType, Value); 10] = [
            (FieldType::Number, json!("5")),
            (FieldType::Number, json!(true)),
            (FieldType::Flowstate, json!({"v": 1})),
            (FieldType::Text, json!(5)),
            (FieldType::Phone, json!("13900000000")),
            (FieldType::Phone, json!({"phone": 139})),
            (FieldType::User, json!({"name": "alice"})),
            (FieldType::Dept, json!({"dept_no": "7"})),
            (FieldType::Multiselect, json!("a")),
            (FieldType::Usergroup, json!([{"name": "x"}, 5])),
        ];
        for (ty, v) in cases {
            let r = json!({ "f": v });
            assert!(matches(&leaf("f", ty, Test::Empty), &r), "{ty} {r}");
        }
        // Hence `not (x > 5)` is `x <= 5 or x is empty` on such records too.
        let gt5 = leaf(
            "f",
            FieldType::Number,
            range(Some((Scalar::Number(5.0), false)), None),
        );
        let le5_or_empty = Pred::Or(vec![
            leaf(
                "f",
                FieldType::Number,
                range(None, Some((Scalar::Number(5.0), true))),
            ),
            leaf("f", FieldType::Number, Test::Empty),
        ]);
        for v in [json!("abc"), json!(3), json!(7), json!(null), json!([])] {
            let r = json!({ "f": v });
            assert_eq!(
                matches(&neg(gt5.clone()), &r),
                matches(&le5_or_empty, &r),
                "{r}"
            );
        }
    }

    #[test]
    fn ne_matches_empty_and_different_values() {
        let ne = neg(leaf("f", FieldType::Text, Test::Eq(text("a"))));
        assert!(matches(&ne, &json!({})));
        assert!(matches(&ne, &json!({"f": "b"})));
        assert!(matches(&ne, &json!({"f": "A"})));
        assert!(!matches(&ne, &json!({"f": "a"})));
    }

    #[test]
    fn text_is_case_sensitive_and_exact() {
        let eq = leaf("f", FieldType::Text, Test::Eq(text("Ab")));
        assert!(matches(&eq, &json!({"f": "Ab"})));
        assert!(!matches(&eq, &json!({"f": "ab"})));
        assert!(!matches(&eq, &json!({"f": "Ab "})));
        let sw = leaf(
            "f",
            FieldType::Text,
            Test::Text(TextOp::StartsWith, "中".into()),
        );
        assert!(matches(&sw, &json!({"f": "中文"})));
        assert!(!matches(&sw, &json!({"f": "文中"})));
        let ew = leaf(
            "f",
            FieldType::Text,
            Test::Text(TextOp::EndsWith, "b".into()),
        );
        assert!(matches(&ew, &json!({"f": "ab"})));
        assert!(!matches(&ew, &json!({"f": "aB"})));
        let c = leaf(
            "f",
            FieldType::Text,
            Test::Text(TextOp::Contains, "x".into()),
        );
        assert!(matches(&c, &json!({"f": "axb"})));
        assert!(!matches(&c, &json!({"f": "X"})));
    }

    #[test]
    fn wrong_json_types_make_positive_tests_false() {
        let n = leaf("f", FieldType::Number, Test::Eq(Scalar::Number(5.0)));
        for r in [
            json!({"f": "5"}),
            json!({"f": true}),
            json!({"f": [5]}),
            json!({"f": {"v": 5}}),
        ] {
            assert!(!matches(&n, &r), "{r}");
            assert!(matches(&neg(n.clone()), &r), "{r}");
        }
        let t = leaf(
            "f",
            FieldType::Text,
            Test::Text(TextOp::Contains, "5".into()),
        );
        assert!(!matches(&t, &json!({"f": 5})));
        let m = leaf("f", FieldType::Multiselect, Test::HasAny(vec![text("a")]));
        assert!(!matches(&m, &json!({"f": "a"})));
        assert!(!matches(&m, &json!({"f": [1, {"a": 1}]})));
        let p = leaf("f", FieldType::Phone, Test::Verified);
        assert!(!matches(&p, &json!({"f": "13900000000"})));
        assert!(!matches(
            &p,
            &json!({"f": {"phone": "139", "verified": "yes"}})
        ));
        let u = leaf("f", FieldType::Phone, Test::Unverified);
        assert!(!matches(
            &u,
            &json!({"f": {"phone": "139", "verified": "yes"}})
        ));
    }

    #[test]
    fn number_ranges_respect_inclusivity() {
        let n = |v: f64| json!({ "f": v });
        let gt5 = leaf(
            "f",
            FieldType::Number,
            range(Some((Scalar::Number(5.0), false)), None),
        );
        assert!(!matches(&gt5, &n(5.0)));
        assert!(matches(&gt5, &n(5.5)));
        let le5 = leaf(
            "f",
            FieldType::Number,
            range(None, Some((Scalar::Number(5.0), true))),
        );
        assert!(matches(&le5, &n(5.0)));
        assert!(matches(&le5, &n(-7.0)));
        assert!(!matches(&le5, &n(5.01)));
        // not (f > 5) holds on empty, which f <= 5 does not.
        assert!(matches(&neg(gt5.clone()), &json!({})));
        assert!(!matches(&le5, &json!({})));
        let between = leaf(
            "f",
            FieldType::Number,
            range(
                Some((Scalar::Number(1.0), true)),
                Some((Scalar::Number(2.0), false)),
            ),
        );
        assert!(matches(&between, &n(1.0)));
        assert!(!matches(&between, &n(2.0)));
        assert!(matches(&between, &json!({"f": 1})));
    }

    #[test]
    fn datetimes_compare_as_instants() {
        let day = Test::Range(Range {
            lo: Some(Bound {
                value: Scalar::DateTime(ms("2022-01-01T00:00:00+08:00")),
                inclusive: true,
            }),
            hi: Some(Bound {
                value: Scalar::DateTime(ms("2022-01-02T00:00:00+08:00")),
                inclusive: false,
            }),
        });
        let p = leaf("d", FieldType::Datetime, day);
        let d = |s: &str| json!({ "d": s });
        assert!(matches(&p, &d("2021-12-31T16:00:00Z")));
        assert!(matches(&p, &d("2021-12-31T16:00:00.000Z")));
        assert!(matches(&p, &d("2022-01-01T00:00:00+08:00")));
        assert!(matches(&p, &d("2022-01-01T15:59:59.999Z")));
        // Without an offset: local time in the zone (+08:00 for `matches`).
        assert!(!matches(&p, &d("2021-12-31T16:00:00")));
        assert!(matches(&p, &d("2022-01-01T00:00:00")));
        assert!(matches(&p, &d("2022-01-01 23:59:59.999")));
        assert!(!matches(&p, &d("2022-01-02 00:00")));
        let utc = FixedOffset::east_opt(0).unwrap();
        assert!(matches_in(&p, &d("2021-12-31T16:00:00"), utc));
        assert!(!matches_in(&p, &d("2022-01-01T16:00:00"), utc));
        assert!(!matches(&p, &d("2021-12-31T15:59:59.999Z")));
        assert!(!matches(&p, &d("2022-01-01T16:00:00Z")));
        assert!(matches(&p, &d("2022-01-01")), "a date alone is its 00:00");
        assert!(matches_in(&p, &d("2022-01-01"), utc));
        assert!(!matches_in(&p, &d("2022-01-02"), utc));
        assert!(matches(&p, &d("2022-01-01T08:00:00+0800")));
        assert!(!matches(&p, &d("yesterday")));
        assert!(matches(&neg(p.clone()), &d("yesterday")));
        let eq = leaf(
            "d",
            FieldType::Datetime,
            Test::Eq(Scalar::DateTime(ms("2017-10-20T22:41:51.430Z"))),
        );
        assert!(matches(&eq, &d("2017-10-21T06:41:51.43+08:00")));
        assert!(!matches(&eq, &d("2017-10-20T22:41:51.431Z")));
        assert!(matches(&eq, &json!({"d": 1508539311430_i64})), "epoch ms");
        assert!(!matches(&eq, &json!({"d": 1508539311431_i64})));
    }

    #[test]
    fn non_datetimes_in_datetime_fields_are_not_empty_and_fail_comparisons() {
        let at = Scalar::DateTime(ms("2022-01-01T00:00:00Z"));
        let tests = [
            Test::Eq(at.clone()),
            Test::In(vec![at.clone()]),
            range(Some((at.clone(), false)), None),
            range(None, Some((at, true))),
        ];
        for v in [
            json!("yesterday"),
            json!("2022-13-01"),
            json!("2022-01-01T00:00:00+25:00"),
            json!(" 2022-01-01"),
            json!(true),
            json!(1.5),
            json!(i64::MAX),
            json!({"a": 1}),
            json!([1]),
        ] {
            let r = json!({ "d": v });
            let empty = leaf("d", FieldType::Datetime, Test::Empty);
            assert!(!matches(&empty, &r), "{r}");
            assert!(!is_empty(FieldType::Datetime, r.get("d")), "{r}");
            for t in &tests {
                let p = leaf("d", FieldType::Datetime, t.clone());
                assert!(!matches(&p, &r), "{t:?} {r}");
                assert!(matches(&neg(p), &r), "not {t:?} {r}");
            }
        }
    }

    #[test]
    fn integers_compare_exactly() {
        let eq = |x: f64| leaf("k", FieldType::Number, Test::Eq(Scalar::Number(x)));
        let gt = |x: f64| {
            leaf(
                "k",
                FieldType::Number,
                range(Some((Scalar::Number(x), false)), None),
            )
        };
        let big = json!({"k": 9_007_199_254_740_993_u64});
        assert!(!matches(&eq(9_007_199_254_740_992.0), &big));
        assert!(matches(&gt(9_007_199_254_740_992.0), &big));
        assert!(!matches(&gt(9_007_199_254_740_994.0), &big));
        let neg_big = json!({"k": -9_007_199_254_740_993_i64});
        assert!(!matches(&eq(-9_007_199_254_740_992.0), &neg_big));
        assert!(!matches(&gt(-9_007_199_254_740_992.0), &neg_big));
        // i64::MAX is below 2^63 (which a double holds exactly); u64::MAX below 2^64.
        assert!(!matches(
            &gt(9_223_372_036_854_775_808.0),
            &json!({"k": i64::MAX})
        ));
        assert!(matches(
            &gt(9_223_372_036_854_774_784.0),
            &json!({"k": i64::MAX})
        ));
        assert!(!matches(
            &eq(18_446_744_073_709_551_616.0),
            &json!({"k": u64::MAX})
        ));
        assert!(matches(
            &gt(18_446_744_073_709_549_568.0),
            &json!({"k": u64::MAX})
        ));
        assert!(matches(
            &eq(9_223_372_036_854_775_808.0),
            &json!({"k": 1u64 << 63})
        ));
        // Fractions against integers, and floats as the nearest double.
        assert!(matches(&gt(2.5), &json!({"k": 3})));
        assert!(!matches(&gt(-2.5), &json!({"k": -3})));
        assert!(matches(&eq(0.1), &json!({"k": 0.1})));
        assert!(matches(&eq(3.0), &json!({"k": 3.0})));
        // Department arrays too.
        let dg = leaf(
            "g",
            FieldType::Deptgroup,
            Test::HasAny(vec![Scalar::Number(9_007_199_254_740_992.0)]),
        );
        assert!(!matches(&dg, &json!({"g": [9_007_199_254_740_993_u64]})));
        assert!(matches(&dg, &json!({"g": [9_007_199_254_740_992_u64]})));
    }

    #[test]
    fn phone_verification() {
        let v = leaf("p", FieldType::Phone, Test::Verified);
        let u = leaf("p", FieldType::Phone, Test::Unverified);
        let ph = |verified: Value| json!({"p": {"phone": "139", "verified": verified}});
        assert!(matches(&v, &ph(json!(true))));
        assert!(!matches(&u, &ph(json!(true))));
        assert!(matches(&u, &ph(json!(false))));
        assert!(matches(&u, &ph(Value::Null)));
        assert!(matches(&u, &json!({"p": {"phone": "139"}})));
        assert!(!matches(&v, &json!({"p": {"verified": true}})), "no number");
        assert!(matches(&neg(v.clone()), &json!({"p": {"verified": true}})));
        let eq = leaf("p", FieldType::Phone, Test::Eq(text("139")));
        assert!(matches(&eq, &ph(json!(false))));
        assert!(!matches(&eq, &json!({"p": "139"})));
    }

    #[test]
    fn multiselect_has_any_and_all() {
        let any = leaf(
            "m",
            FieldType::Multiselect,
            Test::HasAny(vec![text("a"), text("b")]),
        );
        let all = leaf(
            "m",
            FieldType::Multiselect,
            Test::HasAll(vec![text("a"), text("b")]),
        );
        let m = |v: Value| json!({ "m": v });
        assert!(matches(&any, &m(json!(["b"]))));
        assert!(!matches(&all, &m(json!(["b"]))));
        assert!(matches(&all, &m(json!(["c", "b", "a"]))));
        assert!(!matches(&any, &m(json!(["c", "A"]))));
        assert!(matches(&neg(all.clone()), &m(json!([]))));
        let eq = leaf("m", FieldType::Multiselect, Test::Eq(text("c")));
        assert!(matches(&eq, &m(json!(["a", "c"]))));
        assert!(!matches(&eq, &m(json!(["a"]))));
    }

    #[test]
    fn flowstate_user_and_dept_values() {
        let fs = leaf(
            "flowState",
            FieldType::Flowstate,
            Test::In(vec![Scalar::Number(1.0), Scalar::Number(3.0)]),
        );
        assert!(matches(&fs, &json!({"flowState": 3})));
        assert!(!matches(&fs, &json!({"flowState": 0})));
        assert!(!matches(&fs, &json!({"flowState": "3"})));
        assert!(matches(&neg(fs.clone()), &json!({"flowState": 0})));

        let user = leaf("u", FieldType::User, Test::Eq(text("alice")));
        assert!(matches(
            &user,
            &json!({"u": {"username": "alice", "name": "A"}})
        ));
        assert!(matches(&user, &json!({"u": "alice"})));
        assert!(!matches(&user, &json!({"u": {"name": "alice"}})));
        assert!(!matches(&user, &json!({"u": "Alice"})));

        let dept = leaf("d", FieldType::Dept, Test::Eq(Scalar::Number(7.0)));
        assert!(matches(&dept, &json!({"d": {"dept_no": 7, "name": "x"}})));
        assert!(matches(&dept, &json!({"d": 7})));
        assert!(!matches(&dept, &json!({"d": {"dept_no": "7"}})));

        let ug = leaf(
            "g",
            FieldType::Usergroup,
            Test::HasAll(vec![text("a"), text("b")]),
        );
        assert!(matches(
            &ug,
            &json!({"g": [{"username": "b"}, "a", {"username": "c"}]})
        ));
        assert!(!matches(&ug, &json!({"g": [{"username": "b"}]})));
        let dg = leaf(
            "g",
            FieldType::Deptgroup,
            Test::HasAny(vec![Scalar::Number(2.0)]),
        );
        assert!(matches(&dg, &json!({"g": [{"dept_no": 2}]})));
        assert!(matches(&dg, &json!({"g": [1, 2]})));
        assert!(!matches(&dg, &json!({"g": [{"dept_no": 1}]})));
    }

    #[test]
    fn subform_columns_have_exists_semantics() {
        let col = FieldRef::new(FieldInfo {
            subform: Some("items".into()),
            ..(*field("qty", FieldType::Number)).clone()
        });
        let gt = Pred::leaf(
            col.clone(),
            range(Some((Scalar::Number(2.0), false)), None),
            false,
            Span::default(),
        );
        let rows = |v: Value| json!({ "items": v });
        assert!(matches(&gt, &rows(json!([{"qty": 1}, {"qty": 3}]))));
        assert!(!matches(&gt, &rows(json!([{"qty": 1}, {}]))));
        assert!(!matches(&gt, &rows(json!([]))));
        assert!(!matches(&gt, &json!({})));
        assert!(!matches(&gt, &rows(json!("x"))));
        // Negation: no row matches, including when there are no rows.
        assert!(matches(&neg(gt.clone()), &rows(json!([]))));
        assert!(matches(&neg(gt.clone()), &rows(json!([{"qty": 1}]))));
        assert!(!matches(
            &neg(gt.clone()),
            &rows(json!([{"qty": 1}, {"qty": 3}]))
        ));
        // `is empty` on a column: some row has the column empty.
        let empty = Pred::leaf(col, Test::Empty, false, Span::default());
        assert!(matches(&empty, &rows(json!([{"qty": 1}, {"qty": null}]))));
        assert!(!matches(&empty, &rows(json!([{"qty": 1}]))));
        assert!(!matches(&empty, &rows(json!([]))));
        let sub = leaf("items", FieldType::Subform, Test::Empty);
        assert!(matches(&sub, &rows(json!([]))));
        assert!(!matches(&sub, &rows(json!([{}]))));
    }

    #[test]
    fn connectives_and_constants() {
        let a = leaf("f", FieldType::Text, Test::Eq(text("a")));
        let r = json!({"f": "a"});
        assert!(matches(&Pred::True, &r));
        assert!(!matches(&Pred::False, &r));
        assert!(matches(&Pred::And(vec![]), &r));
        assert!(!matches(&Pred::Or(vec![]), &r));
        assert!(matches(&Pred::And(vec![a.clone(), Pred::True]), &r));
        assert!(!matches(&Pred::And(vec![a.clone(), Pred::False]), &r));
        assert!(matches(&Pred::Or(vec![Pred::False, a.clone()]), &r));
        assert!(!matches(&Pred::Not(Box::new(a.clone())), &r));
        assert!(matches(
            &Pred::Not(Box::new(Pred::Not(Box::new(a.clone())))),
            &r
        ));
        // A record that is not an object: every field is empty.
        assert!(!matches(&a, &json!([1, 2])));
        assert!(matches(&neg(a), &json!("x")));
    }
}
