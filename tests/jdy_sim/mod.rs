//! A test-side simulator of jdy's filter semantics, exactly as documented in
//! `filterql::target::jdy` (module docs). It reads only the JSON-level filter (each
//! condition's `type` says how to read the record's value) and a record.
#![allow(dead_code)]

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use filterql::target::jdy::{JdyCond, JdyFilter, Method, Rel};
use serde_json::Value;

/// What `ne`/`nin` do on an empty value: jdy does not document it, so tests run both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeMode {
    /// `ne`/`nin` match records whose field is empty (MongoDB's `$ne` behaves so).
    MatchesEmpty,
    /// `ne`/`nin` require a non-empty value.
    ExcludesEmpty,
}

/// Both readings of `ne`/`nin`.
pub const NE_MODES: [NeMode; 2] = [NeMode::MatchesEmpty, NeMode::ExcludesEmpty];

/// Whether jdy returns `record` for `filter`. `tz` is the time zone bare dates and
/// offset-less datetimes in filter values are read in.
pub fn jdy_sim(filter: &JdyFilter, record: &Value, mode: NeMode, tz: FixedOffset) -> bool {
    let mut results = filter.cond.iter().map(|c| cond(c, record, mode, tz));
    match filter.rel {
        Rel::And => results.all(|b| b),
        Rel::Or => results.any(|b| b),
    }
}

/// The simulated answer of an optional filter (none: every record).
pub fn sim_opt(filter: Option<&JdyFilter>, record: &Value, mode: NeMode, tz: FixedOffset) -> bool {
    match filter {
        Some(f) => jdy_sim(f, record, mode, tz),
        None => true,
    }
}

/// How a jdy widget type's values are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Number,
    Time,
    User,
    Dept,
    Phone,
    TextSet,
    UserSet,
    DeptSet,
    Subform,
    Other,
}

fn kind(ty: Option<&str>) -> Kind {
    match ty.unwrap_or("") {
        "text" | "textarea" | "radiogroup" | "combo" | "sn" | "dataid" => Kind::Text,
        "number" | "flowstate" => Kind::Number,
        "datetime" | "date" => Kind::Time,
        "user" => Kind::User,
        "dept" => Kind::Dept,
        "phone" => Kind::Phone,
        "checkboxgroup" | "combocheck" => Kind::TextSet,
        "usergroup" => Kind::UserSet,
        "deptgroup" => Kind::DeptSet,
        "subform" => Kind::Subform,
        _ => Kind::Other,
    }
}

/// A comparable atom of a record or filter value.
#[derive(Clone, Debug, PartialEq)]
enum Atom {
    Text(String),
    Num(f64),
}

fn nonempty_str(v: &Value) -> Option<Atom> {
    v.as_str()
        .filter(|s| !s.is_empty())
        .map(|s| Atom::Text(s.to_owned()))
}

fn user(v: &Value) -> Option<Atom> {
    match v {
        Value::Object(o) => o.get("username").and_then(nonempty_str),
        v => nonempty_str(v),
    }
}

fn dept(v: &Value) -> Option<Atom> {
    match v {
        Value::Object(o) => o.get("dept_no").and_then(Value::as_f64).map(Atom::Num),
        v => v.as_f64().map(Atom::Num),
    }
}

/// A record's datetime value as an atom, read as `eval` reads it (DESIGN §3): a
/// datetime string (no offset: local time in `tz`; a date alone: its 00:00) or epoch
/// milliseconds; no atom when empty; any other value is a filled field that compares
/// with nothing (an atom no filter value equals or orders).
fn time_atom(v: &Value, tz: FixedOffset) -> Option<Atom> {
    let opaque = || Some(Atom::Text("\u{0}not a datetime".to_owned()));
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::Array(a) if a.is_empty() => None,
        Value::String(s) => filterql::eval::parse_instant_in(s, tz)
            .map(|ms| Atom::Num(ms as f64))
            .or_else(opaque),
        Value::Number(n) => n
            .as_i64()
            .filter(|ms| DateTime::from_timestamp_millis(*ms).is_some())
            .map(|ms| Atom::Num(ms as f64))
            .or_else(opaque),
        _ => opaque(),
    }
}

/// The record value's atoms. No atom means the value is empty: absent, null, `""`,
/// `[]`, a phone without a number, and (the documented assumption for data jdy itself
/// never holds) a value of the wrong shape for its field, except in datetime fields
/// (see [`time_atom`]).
fn atoms(k: Kind, v: Option<&Value>, tz: FixedOffset) -> Vec<Atom> {
    let Some(v) = v else { return Vec::new() };
    let set = |item: fn(&Value) -> Option<Atom>| match v {
        Value::Array(a) => a.iter().filter_map(item).collect(),
        _ => Vec::new(),
    };
    match k {
        Kind::Text => nonempty_str(v).into_iter().collect(),
        Kind::Number => v.as_f64().map(Atom::Num).into_iter().collect(),
        Kind::Time => time_atom(v, tz).into_iter().collect(),
        Kind::User => user(v).into_iter().collect(),
        Kind::Dept => dept(v).into_iter().collect(),
        Kind::Phone => v.get("phone").and_then(nonempty_str).into_iter().collect(),
        Kind::TextSet => set(nonempty_str),
        Kind::UserSet => set(user),
        Kind::DeptSet => set(dept),
        // Only emptiness is testable: a placeholder atom for "filled".
        Kind::Subform => match v {
            Value::Array(a) if !a.is_empty() => vec![Atom::Num(0.0)],
            _ => Vec::new(),
        },
        Kind::Other => match v {
            Value::Null => Vec::new(),
            Value::String(s) if s.is_empty() => Vec::new(),
            Value::Array(a) if a.is_empty() => Vec::new(),
            _ => vec![Atom::Num(0.0)],
        },
    }
}

/// A filter value as the inclusive interval of atoms it denotes: a bare date is its
/// whole day in `tz`; an offset-less datetime is in `tz`; a number is epoch ms.
fn filter_value(k: Kind, v: &Value, tz: FixedOffset) -> Option<(Atom, Atom)> {
    let point = |a: Atom| Some((a.clone(), a));
    match k {
        Kind::Time => match v {
            Value::Number(n) => point(Atom::Num(n.as_f64()?)),
            Value::String(s) => {
                if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                    let start = tz
                        .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
                        .single()?
                        .timestamp_millis();
                    return Some((
                        Atom::Num(start as f64),
                        Atom::Num((start + 86_400_000 - 1) as f64),
                    ));
                }
                if let Ok(t) = DateTime::parse_from_rfc3339(s) {
                    return point(Atom::Num(t.timestamp_millis() as f64));
                }
                for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
                    if let Ok(n) = chrono::NaiveDateTime::parse_from_str(s, f) {
                        let ms = tz.from_local_datetime(&n).single()?.timestamp_millis();
                        return point(Atom::Num(ms as f64));
                    }
                }
                None
            }
            _ => None,
        },
        Kind::Number | Kind::Dept | Kind::DeptSet => point(Atom::Num(v.as_f64()?)),
        _ => point(Atom::Text(v.as_str()?.to_owned())),
    }
}

fn num(a: &Atom) -> Option<f64> {
    match a {
        Atom::Num(x) => Some(*x),
        Atom::Text(_) => None,
    }
}

/// Whether atom `a` equals filter value `v` (within a bare date's day).
fn equals(k: Kind, a: &Atom, v: &Value, tz: FixedOffset) -> bool {
    match filter_value(k, v, tz) {
        Some((lo, hi)) if lo == hi => *a == lo,
        Some((lo, hi)) => match (num(a), num(&lo), num(&hi)) {
            (Some(x), Some(l), Some(h)) => l <= x && x <= h,
            _ => false,
        },
        None => false,
    }
}

fn cond(c: &JdyCond, record: &Value, mode: NeMode, tz: FixedOffset) -> bool {
    let k = kind(c.ty.as_deref());
    let raw = record.get(&c.field);
    let have = atoms(k, raw, tz);
    let values: &[Value] = c.value.as_deref().unwrap_or(&[]);
    match c.method {
        Method::Empty => return have.is_empty(),
        Method::NotEmpty => return !have.is_empty(),
        _ => {}
    }
    if have.is_empty() {
        return matches!(c.method, Method::Ne | Method::Nin) && mode == NeMode::MatchesEmpty;
    }
    let has = |v: &Value| have.iter().any(|a| equals(k, a, v, tz));
    match c.method {
        Method::Eq => values.len() == 1 && has(&values[0]),
        Method::Ne => values.len() == 1 && !has(&values[0]),
        Method::In => values.iter().any(has),
        Method::Nin => !values.iter().any(has),
        Method::All => !values.is_empty() && values.iter().all(has),
        Method::Gt | Method::Lt => {
            let (Some(x), [v]) = (have.first().and_then(num), values) else {
                return false;
            };
            let Some(v) = v.as_f64() else { return false };
            if c.method == Method::Gt {
                x > v
            } else {
                x < v
            }
        }
        Method::Range => {
            let [lo, hi] = values else { return false };
            let lo = match lo {
                Value::Null => f64::NEG_INFINITY,
                v => match filter_value(k, v, tz).and_then(|(l, _)| num(&l)) {
                    Some(l) => l,
                    None => return false,
                },
            };
            let hi = match hi {
                Value::Null => f64::INFINITY,
                v => match filter_value(k, v, tz).and_then(|(_, h)| num(&h)) {
                    Some(h) => h,
                    None => return false,
                },
            };
            have.iter()
                .any(|a| num(a).is_some_and(|x| lo <= x && x <= hi))
        }
        Method::Like => match values {
            [Value::String(s)] => have
                .iter()
                .any(|a| matches!(a, Atom::Text(t) if t.contains(s.as_str()))),
            _ => false,
        },
        Method::Verified | Method::Unverified => {
            if k != Kind::Phone {
                return false;
            }
            // An absent or null flag is "not verified"; a flag of another type is neither.
            let flag = match raw.and_then(|r| r.get("verified")) {
                None | Some(Value::Null) => Some(false),
                Some(Value::Bool(b)) => Some(*b),
                Some(_) => None,
            };
            flag == Some(c.method == Method::Verified)
        }
        Method::Empty | Method::NotEmpty => false,
    }
}
