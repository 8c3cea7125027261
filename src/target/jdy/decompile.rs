//! A jdy filter read back into query syntax.

use super::encode::{methods, LIKE_SPECIAL};
use super::error::DecompileError;
use super::filter::{JdyCond, JdyFilter, Method, Rel};
use crate::schema::{FieldType, Schema};
use crate::span::Span;
use crate::syntax::ast::{
    CmpOp, DateTimeLit, Expr, Field, HasOperand, List, Literal, PredKind, Predicate, Quantifier,
    TextOp, Value,
};
use crate::target::checker_errors;
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::Value as Json;

/// Reads `filter` back into query syntax. Its canonical text (`to_string()`) compiled
/// against the same schema means what the filter means under the assumptions in the
/// [module docs](super), with `ne`/`nin` read as "not empty and different" (written
/// `x != v and x is not empty`).
///
/// Field types come from `schema` when it has the field, else from the condition's
/// `type`, else from the system field names (`createTime`, `flowState`, ...) and the
/// values. Datetime values may be ISO-8601 (with or without offset; without one it is
/// the query's time zone), a bare date (which, as in the language, means the whole day:
/// a lower end from its start, an upper end through its end) or epoch milliseconds.
/// All problems are reported, one per condition.
///
/// The text is only returned if the checker accepts it (against `schema`, or in
/// no-schema mode without one), so it always compiles: a condition the checker would
/// refuse as query text — a field the schema lacks, a value that is not among a select's
/// options, a flow state other than 0–3 — is reported as
/// [`DecompileError::Condition`], and a query that is refused only as a whole (two
/// conditions inferring different types for one field) as [`DecompileError::Rejected`].
/// An empty-string value (`eq [""]`, `in ["a", ""]`, ...) is refused too: the language
/// has no equality with `""`, and what jdy makes of it is undocumented.
pub fn decompile(filter: &JdyFilter, schema: Option<&Schema>) -> Result<Expr, Vec<DecompileError>> {
    if filter.cond.is_empty() {
        return Err(vec![DecompileError::NoConditions]);
    }
    let tz = schema.map_or_else(super::default_tz, |s| s.timezone);
    let mut errors = Vec::new();
    let mut parts = Vec::new();
    for (index, c) in filter.cond.iter().enumerate() {
        if is_empty_range(c, schema, tz) {
            // An inverted range matches nothing: in an `or` the condition adds nothing
            // and is left out; in an `and` nothing matches, which no query says.
            if filter.rel == Rel::Or {
                continue;
            }
            errors.push(DecompileError::Condition {
                index,
                field: c.field.clone(),
                method: c.method.name().to_owned(),
                message:
                    "the range is empty (low end above high end), so the filter matches no record"
                        .to_owned(),
            });
            continue;
        }
        let checked = cond_expr(c, schema, tz).and_then(|e| {
            // Each condition is checked alone too, so a refusal names its condition.
            let problems = checker_errors(&e.to_string(), &check_schema(schema, tz), tz);
            if problems.is_empty() {
                Ok(e)
            } else {
                Err(problems.join("; "))
            }
        });
        match checked {
            Ok(e) => parts.push(e),
            Err(message) => errors.push(DecompileError::Condition {
                index,
                field: c.field.clone(),
                method: c.method.name().to_owned(),
                message,
            }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if parts.is_empty() {
        return Err(vec![DecompileError::MatchesNothing]);
    }
    let whole = if parts.len() == 1 {
        parts.remove(0)
    } else {
        join(parts, filter.rel)
    };
    // The conditions each passed the checker; together they still might not (e.g. one
    // inferred field used as two types), and the promise is text that compiles.
    let problems = checker_errors(&whole.to_string(), &check_schema(schema, tz), tz);
    if !problems.is_empty() {
        return Err(problems
            .into_iter()
            .map(|m| DecompileError::Rejected {
                message: format!("together the conditions make a query the checker rejects: {m}"),
            })
            .collect());
    }
    Ok(whole)
}

/// The schema the decompiled text is checked against: the caller's, else no-schema mode
/// (the system fields known, other types inferred), as `filterql check` would use.
fn check_schema(schema: Option<&Schema>, tz: FixedOffset) -> std::borrow::Cow<'_, Schema> {
    match schema {
        Some(s) => std::borrow::Cow::Borrowed(s),
        None => std::borrow::Cow::Owned(Schema::none().with_timezone(tz)),
    }
}

/// The conditions joined by the filter's `rel`.
fn join(parts: Vec<Expr>, rel: Rel) -> Expr {
    match rel {
        Rel::And => {
            // `ne`'s `x != v and x is not empty` joins the outer `and` flat.
            let mut flat = Vec::new();
            for p in parts {
                match &p {
                    Expr::And(cs, _) => flat.extend(cs.iter().cloned()),
                    _ => flat.push(p),
                }
            }
            Expr::And(flat, Span::default())
        }
        Rel::Or => Expr::Or(parts, Span::default()),
    }
}

/// Whether `c` is a `range` whose low end lies above its high end.
fn is_empty_range(c: &JdyCond, schema: Option<&Schema>, tz: FixedOffset) -> bool {
    let (Method::Range, Some([lo, hi])) = (c.method, c.value.as_deref()) else {
        return false;
    };
    if lo.is_null() || hi.is_null() {
        return false;
    }
    match field_type(c, schema) {
        Ok(FieldType::Datetime) => match (instants(lo, tz), instants(hi, tz)) {
            (Some((lo, _)), Some((_, hi))) => lo > hi,
            _ => false,
        },
        Ok(_) => matches!((lo.as_f64(), hi.as_f64()), (Some(l), Some(h)) if l > h),
        Err(_) => false,
    }
}

/// The first and last instant (ms) a datetime value denotes: a bare date is its day.
fn instants(v: &Json, tz: FixedOffset) -> Option<(i64, i64)> {
    match datetime_value(v, tz).ok()? {
        Value::Date(d) => {
            let start = d
                .and_hms_opt(0, 0, 0)?
                .and_local_timezone(tz)
                .single()?
                .timestamp_millis();
            Some((start, start + 86_400_000 - 1))
        }
        Value::DateTime(DateTimeLit { local, offset }) => {
            let off = match offset {
                Some(o) => FixedOffset::east_opt(o)?,
                None => tz,
            };
            let ms = local.and_local_timezone(off).single()?.timestamp_millis();
            Some((ms, ms))
        }
        _ => None,
    }
}

/// The field type of a condition's field.
fn field_type(c: &JdyCond, schema: Option<&Schema>) -> Result<FieldType, String> {
    if let Some(f) = schema.and_then(|s| s.fields().iter().find(|f| f.name == c.field)) {
        return Ok(f.ty);
    }
    if let Some(t) = &c.ty {
        // Unknown widget types are `other`, as in a jdy schema.
        return Ok(crate::schema::jdy_type(t));
    }
    let by_name = match c.field.as_str() {
        "_id" => Some(FieldType::Dataid),
        "createTime" | "updateTime" | "deleteTime" => Some(FieldType::Datetime),
        "creator" | "updater" | "deleter" => Some(FieldType::User),
        "flowState" => Some(FieldType::Flowstate),
        _ => None,
    };
    if let Some(t) = by_name {
        return Ok(t);
    }
    Ok(match c.method {
        Method::Verified | Method::Unverified => FieldType::Phone,
        Method::All => FieldType::Multiselect,
        Method::Gt | Method::Lt => FieldType::Number,
        _ => match c.value.as_deref() {
            Some([Json::Number(_), ..]) | Some([Json::Null, Json::Number(_)]) => FieldType::Number,
            Some(_) if c.method == Method::Range => FieldType::Datetime,
            Some(_) => FieldType::Text,
            // Only `empty`/`not_empty` have no value: any type supports them.
            None => FieldType::Other,
        },
    })
}


fn pred(c: &JdyCond, kind: PredKind) -> Expr {
    Expr::Pred(Predicate {
        field: Field {
            path: crate::syntax::ast::Path::one(c.field.as_str()),
            span: Span::default(),
        },
        kind,
        span: Span::default(),
    })
}

fn lit(value: Value) -> Literal {
    Literal {
        value,
        span: Span::default(),
    }
}

fn list(items: Vec<Literal>) -> List {
    List {
        items,
        span: Span::default(),
    }
}

/// A condition value as a literal of the field's type. A bare date stays a date
/// literal, which the language reads as the whole day, as jdy is assumed to.
fn literal(v: &Json, ty: FieldType, tz: FixedOffset) -> Result<Literal, String> {
    let value = match ty {
        FieldType::Flowstate => match v.as_f64() {
            // jdy's flow states are 0–3; any other number matches no record, which no
            // query says.
            Some(n) if [0.0, 1.0, 2.0, 3.0].contains(&n) => Value::Number(n + 0.0),
            _ => return Err(format!("{v} is not a flow state (0, 1, 2 or 3)")),
        },
        FieldType::Number | FieldType::Dept | FieldType::Deptgroup => {
            match v.as_f64() {
                Some(n) if n.is_finite() => Value::Number(n),
                _ => return Err(format!("expected a number, found {v}")),
            }
        }
        FieldType::Datetime => datetime_value(v, tz)?,
        FieldType::Text
        | FieldType::Select
        | FieldType::Sn
        | FieldType::Dataid
        | FieldType::User
        | FieldType::Usergroup
        | FieldType::Multiselect
        | FieldType::Phone => match v {
            // The language has no `= ""` (an empty value equals nothing), and whether
            // jdy's `eq [""]`/`in [""]` find empty records is undocumented: no query is
            // sure to mean the same.
            Json::String(s) if s.is_empty() => {
                return Err(
                    "an empty-string value has no documented meaning on jdy and no counterpart in the language; test emptiness with `empty` / `not_empty`"
                        .to_owned(),
                )
            }
            Json::String(s) => Value::String(s.into()),
            _ => return Err(format!("expected a string, found {v}")),
        },
        FieldType::Subform | FieldType::Other => {
            return Err(format!("no value can be compared on a {ty} field"))
        }
    };
    Ok(lit(value))
}

fn datetime_value(v: &Json, tz: FixedOffset) -> Result<Value, String> {
    match v {
        Json::String(s) => {
            if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                return Ok(Value::Date(d));
            }
            if let Ok(t) = DateTime::parse_from_rfc3339(s) {
                return instant(t.timestamp_millis(), t.offset().local_minus_utc(), s);
            }
            for f in [
                "%Y-%m-%dT%H:%M:%S%.f",
                "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%dT%H:%M",
            ] {
                if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, f) {
                    if t.and_utc().timestamp_subsec_nanos() % 1_000_000 != 0 {
                        return Err(format!("`{s}` is finer than milliseconds"));
                    }
                    return Ok(Value::DateTime(DateTimeLit {
                        local: t,
                        offset: None,
                    }));
                }
            }
            Err(format!("`{s}` is not an ISO-8601 date or datetime"))
        }
        Json::Number(n) => match n.as_i64() {
            Some(ms) => instant(ms, tz.local_minus_utc(), &n.to_string()),
            None => Err(format!("`{n}` is not whole epoch milliseconds")),
        },
        _ => Err(format!("expected a datetime, found {v}")),
    }
}

fn instant(ms: i64, offset: i32, shown: &str) -> Result<Value, String> {
    let tz = FixedOffset::east_opt(offset).ok_or_else(|| format!("bad offset in `{shown}`"))?;
    let t = DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| format!("`{shown}` is out of range"))?
        .with_timezone(&tz);
    if t.timestamp_subsec_nanos() % 1_000_000 != 0 {
        return Err(format!("`{shown}` is finer than milliseconds"));
    }
    Ok(Value::DateTime(DateTimeLit {
        local: t.naive_local(),
        offset: Some(offset),
    }))
}

fn cond_expr(c: &JdyCond, schema: Option<&Schema>, tz: FixedOffset) -> Result<Expr, String> {
    if c.field.is_empty() {
        return Err("the condition names no field (`field` is empty)".to_owned());
    }
    let ty = field_type(c, schema)?;
    if ty == FieldType::Subform && !matches!(c.method, Method::Empty | Method::NotEmpty) {
        return Err("subform fields can only be tested for emptiness".to_owned());
    }
    if !methods(ty).contains(&c.method) {
        return Err(format!("jdy has no `{}` on {ty} fields", c.method));
    }
    let values: &[Json] = c.value.as_deref().unwrap_or(&[]);
    let arity = |n: usize| -> Result<(), String> {
        if values.len() == n {
            Ok(())
        } else {
            Err(format!("expected {n} value(s), found {}", values.len()))
        }
    };
    let some = || -> Result<Vec<Literal>, String> {
        if values.is_empty() {
            return Err("expected at least one value".to_owned());
        }
        values.iter().map(|v| literal(v, ty, tz)).collect()
    };
    let cmp = |op: CmpOp| -> Result<Expr, String> {
        arity(1)?;
        Ok(pred(
            c,
            PredKind::Compare {
                op,
                value: literal(&values[0], ty, tz)?,
            },
        ))
    };
    let not_empty = || pred(c, PredKind::IsEmpty { negated: true });
    let multi = matches!(
        ty,
        FieldType::Multiselect | FieldType::Usergroup | FieldType::Deptgroup
    );
    Ok(match c.method {
        Method::Eq => cmp(CmpOp::Eq)?,
        Method::Gt => cmp(CmpOp::Gt)?,
        Method::Lt => cmp(CmpOp::Lt)?,
        // Read as "not empty and different": see the module docs.
        Method::Ne => Expr::And(vec![cmp(CmpOp::Ne)?, not_empty()], Span::default()),
        Method::In if multi => pred(
            c,
            PredKind::Has {
                quantifier: Quantifier::Any,
                values: HasOperand::List(list(some()?)),
            },
        ),
        Method::In => pred(
            c,
            PredKind::In {
                negated: false,
                list: list(some()?),
            },
        ),
        Method::Nin => Expr::And(
            vec![
                pred(
                    c,
                    PredKind::In {
                        negated: true,
                        list: list(some()?),
                    },
                ),
                not_empty(),
            ],
            Span::default(),
        ),
        Method::All => pred(
            c,
            PredKind::Has {
                quantifier: Quantifier::All,
                values: HasOperand::List(list(some()?)),
            },
        ),
        Method::Range => {
            arity(2)?;
            match (&values[0], &values[1]) {
                (Json::Null, Json::Null) => {
                    return Err("a range with both ends open".to_owned());
                }
                (lo, Json::Null) => cmp_value(c, CmpOp::Ge, literal(lo, ty, tz)?),
                (Json::Null, hi) => cmp_value(c, CmpOp::Le, literal(hi, ty, tz)?),
                (lo, hi) => pred(
                    c,
                    PredKind::Between {
                        negated: false,
                        low: Box::new(literal(lo, ty, tz)?),
                        high: Box::new(literal(hi, ty, tz)?),
                    },
                ),
            }
        }
        Method::Like => {
            arity(1)?;
            match &values[0] {
                Json::String(s) if s.chars().any(|c| LIKE_SPECIAL.contains(c)) => {
                    return Err(format!(
                        "`{s}` holds a character jdy's `like` may treat as a wildcard or pattern (undocumented), so its meaning is unknown"
                    ))
                }
                Json::String(s) if !s.is_empty() => pred(
                    c,
                    PredKind::Text {
                        negated: false,
                        op: TextOp::Contains,
                        value: lit(Value::String(s.into())),
                    },
                ),
                v => return Err(format!("expected a non-empty string, found {v}")),
            }
        }
        Method::Verified | Method::Unverified => pred(
            c,
            PredKind::Phone {
                verified: c.method == Method::Verified,
            },
        ),
        Method::Empty => pred(c, PredKind::IsEmpty { negated: false }),
        Method::NotEmpty => not_empty(),
    })
}

fn cmp_value(c: &JdyCond, op: CmpOp, value: Literal) -> Expr {
    pred(c, PredKind::Compare { op, value })
}
