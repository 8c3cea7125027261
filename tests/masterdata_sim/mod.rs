//! `md_sim`: a test-side evaluator of masterdata condition trees, written from the
//! backend's documented semantics (module docs of `filterql::target::masterdata`), not
//! from its code.
//!
//! - A record (jdy-shaped JSON) gives each column a SQL value: `NULL`, a string, a
//!   number or an instant, by the column's field type: text-like fields (text, sn,
//!   select, `_id`) keep strings as they are, `""` included; phone takes the object's
//!   `phone`; user the object's `username` (or a plain string);
//!   number and flowstate take numbers; dept the object's `dept_no` (or a plain
//!   number); datetime reads a datetime string or epoch milliseconds as `eval` does
//!   (`filterql::eval::parse_instant_in`: no offset, or a date alone, is local time in
//!   the query's zone). Anything else — absent, null, `[]`, a value of the wrong shape,
//!   `""` in a number or datetime column — is `NULL`. A non-empty datetime value that is
//!   not a datetime has no column form (eval reads it as filled but comparable with
//!   nothing, which a typed column cannot hold): [`in_model`] removes it from a record
//!   before both sides see it.
//! - Every comparison is false on `NULL` (`NOT_EQUAL`, `NOT_IN`, `NOT_LIKE` too);
//!   `ISNULL`/`NOTNULL` test for `NULL`. Strings compare exactly; numbers numerically
//!   (the operand parsed as a decimal); instants chronologically (the operand read as
//!   `YYYY-MM-DD HH:MM:SS[.fff]` in the given zone). `LIKE`: `%` any run, `_` one
//!   character, case-sensitive, no escape.
#![allow(dead_code)]

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use filterql::schema::{Field, Schema};
use filterql::target::masterdata::{CmpOp, Condition, LeafOp};
use filterql::FieldType;
use serde_json::Value;
use std::cmp::Ordering;

/// A column's SQL value.
#[derive(Clone, Debug, PartialEq)]
pub enum Sql {
    Null,
    Str(String),
    Num(f64),
    Time(i64),
}

/// The field a column belongs to (top-level fields only).
pub fn field_of<'a>(schema: &'a Schema, col: &str) -> &'a Field {
    schema
        .fields()
        .iter()
        .find(|f| f.column.as_deref().unwrap_or(&f.name) == col)
        .unwrap_or_else(|| panic!("md_sim: column {col:?} is not in the test schema"))
}

/// A record's datetime value as an instant, read as `eval` reads it.
pub fn instant(v: &Value, tz: FixedOffset) -> Option<i64> {
    match v {
        Value::String(s) => filterql::eval::parse_instant_in(s, tz),
        Value::Number(n) => n
            .as_i64()
            .filter(|ms| DateTime::from_timestamp_millis(*ms).is_some()),
        _ => None,
    }
}

/// `record` without the values a masterdata column cannot hold and `eval` does not
/// read as empty: non-empty datetime values that are not datetimes.
pub fn in_model(schema: &Schema, record: &Value, tz: FixedOffset) -> Value {
    let mut r = record.clone();
    if let Value::Object(o) = &mut r {
        for f in schema.fields() {
            if f.ty == FieldType::Datetime {
                let bad = o.get(&f.name).is_some_and(|v| {
                    !filterql::eval::is_empty(FieldType::Datetime, Some(v))
                        && instant(v, tz).is_none()
                });
                if bad {
                    o.remove(&f.name);
                }
            }
        }
    }
    r
}

/// The SQL value of `field` in `record`.
pub fn column_value(field: &Field, record: &Value, tz: FixedOffset) -> Sql {
    let v = record.get(&field.name).unwrap_or(&Value::Null);
    let string = |v: &Value| v.as_str().map(|s| Sql::Str(s.to_owned()));
    let number = |v: &Value| v.as_f64().map(Sql::Num);
    let got = match field.ty {
        FieldType::Text | FieldType::Sn | FieldType::Select | FieldType::Dataid => string(v),
        // Only a phone object carries a number; a bare string is not a phone value.
        FieldType::Phone => v.get("phone").and_then(string),
        FieldType::User => string(v).or_else(|| v.get("username").and_then(string)),
        FieldType::Number | FieldType::Flowstate => number(v),
        FieldType::Dept => number(v).or_else(|| v.get("dept_no").and_then(number)),
        FieldType::Datetime => instant(v, tz).map(Sql::Time),
        other => panic!("md_sim: no column model for {other} fields"),
    };
    got.unwrap_or(Sql::Null)
}

/// `s LIKE p`: `%` any run of characters, `_` exactly one.
pub fn like(s: &str, p: &str) -> bool {
    let s: Vec<char> = s.chars().collect();
    let p: Vec<char> = p.chars().collect();
    // m[j]: the first i characters of s match the first j of p.
    let mut m = vec![false; p.len() + 1];
    m[0] = true;
    for j in 0..p.len() {
        m[j + 1] = m[j] && p[j] == '%';
    }
    for c in &s {
        let mut next = vec![false; p.len() + 1];
        for j in 0..p.len() {
            next[j + 1] = match p[j] {
                '%' => next[j] || m[j + 1],
                '_' => m[j],
                q => m[j] && q == *c,
            };
        }
        m = next;
    }
    m[p.len()]
}

fn operand_cmp(col: &Sql, v: &str, tz: FixedOffset) -> Option<Ordering> {
    match col {
        Sql::Null => None,
        Sql::Str(s) => Some(s.as_str().cmp(v)),
        Sql::Num(n) => {
            let w: f64 = v
                .parse()
                .unwrap_or_else(|_| panic!("md_sim: {v:?} is not a number"));
            n.partial_cmp(&w)
        }
        Sql::Time(t) => {
            let n = NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S%.f")
                .unwrap_or_else(|_| panic!("md_sim: {v:?} is not a datetime"));
            let w = tz
                .from_local_datetime(&n)
                .single()
                .unwrap()
                .timestamp_millis();
            Some(t.cmp(&w))
        }
    }
}

/// Whether `record` satisfies `cond`, columns resolved against `schema`, datetime
/// operands read in `tz`.
pub fn md_sim(cond: &Condition, record: &Value, schema: &Schema, tz: FixedOffset) -> bool {
    match cond {
        Condition::And(cs) => cs.iter().all(|c| md_sim(c, record, schema, tz)),
        Condition::Or(cs) => cs.iter().any(|c| md_sim(c, record, schema, tz)),
        Condition::Leaf(l) => {
            let col = column_value(field_of(schema, &l.col), record, tz);
            if col == Sql::Null {
                return l.test == LeafOp::IsNull;
            }
            match &l.test {
                LeafOp::IsNull => false,
                LeafOp::NotNull => true,
                LeafOp::In { negated, values } => {
                    let hit = values
                        .iter()
                        .any(|v| operand_cmp(&col, v, tz) == Some(Ordering::Equal));
                    hit != *negated
                }
                LeafOp::Cmp(op @ (CmpOp::Like | CmpOp::NotLike), p) => match &col {
                    Sql::Str(s) => like(s, p) == (*op == CmpOp::Like),
                    other => panic!("md_sim: LIKE on a non-text value {other:?}"),
                },
                LeafOp::Cmp(op, v) => {
                    let Some(o) = operand_cmp(&col, v, tz) else {
                        return false;
                    };
                    match op {
                        CmpOp::Equal => o == Ordering::Equal,
                        CmpOp::NotEqual => o != Ordering::Equal,
                        CmpOp::Less => o == Ordering::Less,
                        CmpOp::LessEqual => o != Ordering::Greater,
                        CmpOp::Greater => o == Ordering::Greater,
                        CmpOp::GreaterEqual => o != Ordering::Less,
                        CmpOp::Like | CmpOp::NotLike => unreachable!(),
                    }
                }
            }
        }
    }
}

#[test]
fn like_matcher() {
    assert!(like("abc", "%b%"));
    assert!(like("abc", "a%"));
    assert!(like("abc", "%c"));
    assert!(like("abc", "a_c"));
    assert!(like("", "%"));
    assert!(like("", ""));
    assert!(!like("", "_"));
    assert!(!like("abc", "%B%"));
    assert!(!like("abc", "b%"));
    assert!(!like("ab", "a_c"));
    assert!(like("a%c", "a%c"));
    assert!(like("中文字", "%文%"));
}
