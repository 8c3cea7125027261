//! A test-side simulator of jdy's filter semantics, exactly as documented in
//! `filterql::target::jdy` (module docs). Written independently of the backend: it reads
//! only the JSON-level filter and a record.
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

fn is_empty(ty: &str, v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) if ty == "phone" => match o.get("phone") {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.is_empty(),
            Some(_) => false,
        },
        Some(_) => false,
    }
}

/// A comparable atom of a record value or a filter value.
#[derive(Clone, Debug, PartialEq)]
enum Atom {
    Text(String),
    Num(f64),
}

fn kind(ty: &str) -> &'static str {
    match ty {
        "number" | "flowstate" | "dept" | "deptgroup" => "num",
        "datetime" | "date" => "time",
        _ => "text",
    }
}

/// The atoms a record value holds (several for multi-valued fields).
fn record_atoms(ty: &str, v: &Value) -> Vec<Atom> {
    let one = |v: &Value| -> Option<Atom> {
        match (ty, v) {
            ("user" | "usergroup", Value::Object(o)) => o
                .get("username")?
                .as_str()
                .map(|s| Atom::Text(s.to_owned())),
            ("dept" | "deptgroup", Value::Object(o)) => o.get("dept_no")?.as_f64().map(Atom::Num),
            ("phone", Value::Object(o)) => {
                o.get("phone")?.as_str().map(|s| Atom::Text(s.to_owned()))
            }
            (_, Value::String(s)) if kind(ty) == "time" => parse_instant(s).map(Atom::Num),
            (_, Value::String(s)) if kind(ty) == "text" => Some(Atom::Text(s.clone())),
            (_, Value::Number(n)) if kind(ty) == "num" => n.as_f64().map(Atom::Num),
            _ => None,
        }
    };
    match v {
        Value::Array(items) => items.iter().filter_map(one).collect(),
        v => one(v).into_iter().collect(),
    }
}

/// A record's ISO-8601 instant in ms (no offset: UTC, as jdy returns `...Z`).
fn parse_instant(s: &str) -> Option<f64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp_millis() as f64);
    }
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    Some(naive.and_utc().timestamp_millis() as f64)
}

/// A filter datetime value as the inclusive interval of instants it denotes: a bare date
/// is its whole day in `tz`.
fn filter_instants(v: &Value, tz: FixedOffset) -> Option<(f64, f64)> {
    match v {
        Value::Number(n) => n.as_f64().map(|x| (x, x)),
        Value::String(s) => {
            if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                let start = tz
                    .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
                    .single()?
                    .timestamp_millis();
                return Some((start as f64, (start + 86_400_000 - 1) as f64));
            }
            if let Ok(t) = DateTime::parse_from_rfc3339(s) {
                let ms = t.timestamp_millis() as f64;
                return Some((ms, ms));
            }
            let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
            let ms = tz.from_local_datetime(&naive).single()?.timestamp_millis() as f64;
            Some((ms, ms))
        }
        _ => None,
    }
}

/// A filter value as the inclusive interval of atoms it matches.
fn filter_atom(ty: &str, v: &Value, tz: FixedOffset) -> Option<(Atom, Atom)> {
    match kind(ty) {
        "time" => filter_instants(v, tz).map(|(a, b)| (Atom::Num(a), Atom::Num(b))),
        "num" => v.as_f64().map(|x| (Atom::Num(x), Atom::Num(x))),
        _ => v
            .as_str()
            .map(|s| (Atom::Text(s.to_owned()), Atom::Text(s.to_owned()))),
    }
}

fn num(a: &Atom) -> Option<f64> {
    match a {
        Atom::Num(x) => Some(*x),
        Atom::Text(_) => None,
    }
}

fn matches_value(ty: &str, atom: &Atom, v: &Value, tz: FixedOffset) -> bool {
    match filter_atom(ty, v, tz) {
        Some((lo, hi)) if lo == hi => *atom == lo,
        Some((lo, hi)) => match (num(atom), num(&lo), num(&hi)) {
            (Some(x), Some(l), Some(h)) => l <= x && x <= h,
            _ => false,
        },
        None => false,
    }
}

fn cond(c: &JdyCond, record: &Value, mode: NeMode, tz: FixedOffset) -> bool {
    let ty = c.ty.as_deref().unwrap_or("text");
    let raw = record.get(&c.field);
    let empty = is_empty(ty, raw);
    let values: &[Value] = c.value.as_deref().unwrap_or(&[]);
    match c.method {
        Method::Empty => return empty,
        Method::NotEmpty => return !empty,
        _ => {}
    }
    if empty {
        return matches!(c.method, Method::Ne | Method::Nin) && mode == NeMode::MatchesEmpty;
    }
    let Some(raw) = raw else { return false };
    let atoms = record_atoms(ty, raw);
    let any_eq = |v: &Value| atoms.iter().any(|a| matches_value(ty, a, v, tz));
    match c.method {
        Method::Eq => values.len() == 1 && any_eq(&values[0]),
        Method::Ne => values.len() == 1 && !any_eq(&values[0]),
        Method::In => values.iter().any(any_eq),
        Method::Nin => !values.iter().any(any_eq),
        Method::All => !values.is_empty() && values.iter().all(any_eq),
        Method::Gt | Method::Lt => {
            let (Some(x), Some(v)) = (atoms.first().and_then(num), values.first()) else {
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
            let Some(x) = atoms.first().and_then(num) else {
                return false;
            };
            if values.len() != 2 {
                return false;
            }
            let lo = match &values[0] {
                Value::Null => f64::NEG_INFINITY,
                v => match filter_atom(ty, v, tz).and_then(|(l, _)| num(&l)) {
                    Some(l) => l,
                    None => return false,
                },
            };
            let hi = match &values[1] {
                Value::Null => f64::INFINITY,
                v => match filter_atom(ty, v, tz).and_then(|(_, h)| num(&h)) {
                    Some(h) => h,
                    None => return false,
                },
            };
            lo <= x && x <= hi
        }
        Method::Like => match (atoms.first(), values.first().and_then(Value::as_str)) {
            (Some(Atom::Text(t)), Some(s)) => t.contains(s),
            _ => false,
        },
        Method::Verified | Method::Unverified => {
            let verified = raw.get("verified").and_then(Value::as_bool) == Some(true);
            verified == (c.method == Method::Verified)
        }
        Method::Empty | Method::NotEmpty => unreachable!("handled above"),
    }
}
