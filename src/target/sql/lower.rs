//! Lowering of an [`ir::Pred`](crate::ir::Pred) to a SQL condition that keeps the
//! language's two-valued meaning on three-valued engines.
//!
//! Every leaf is built from two parts: `empty`, a never-NULL test that the column holds
//! an empty value (NULL, `''`, or an empty JSON array), and `pos`, the test itself, which
//! is never NULL on a non-empty value. A positive leaf is `pos` when `pos` is already
//! false or NULL on every empty value, else `(NOT (empty) AND pos)`; a negated leaf is
//! `(empty OR NOT (pos))`. Negation is pushed to the leaves, so `And`/`Or` only ever
//! combine leaves positively, where a NULL acts exactly like false.

use super::dialect::Dialect;
use super::frag::Frag;
use super::literal::{self, LiteralError};
use super::SqlError;
use crate::ir::{Leaf, Pred, Range, Scalar, Test};
use crate::schema::FieldType;
use crate::span::Span;
use chrono::FixedOffset;

/// How deep `And`/`Or` may nest. Engines' own parsers give up around here (SQLite's
/// default expression depth is 1000, counting every operator), and normalized trees from
/// real queries are a few levels deep.
pub(crate) const MAX_DEPTH: usize = 200;

/// Produces literals or parameters for values.
pub(crate) struct Values {
    pub(crate) dialect: Dialect,
    pub(crate) params: bool,
    pub(crate) tz: FixedOffset,
}

impl Values {
    /// A text value.
    pub(crate) fn text(&self, s: &str) -> Result<Frag, LiteralError> {
        if self.params {
            if s.contains('\0') {
                return Err(LiteralError::Nul);
            }
            Ok(Frag::param(serde_json::Value::String(s.to_owned())))
        } else {
            literal::string(self.dialect, s).map(Frag::sql)
        }
    }

    /// A number.
    pub(crate) fn number(&self, x: f64) -> Result<Frag, LiteralError> {
        if self.params {
            // Whole numbers go out as JSON integers, which bind to integer and floating
            // columns alike; below 2^53 the integer is the double exactly.
            const EXACT: f64 = 9_007_199_254_740_992.0;
            let n = if x.fract() == 0.0 && x.abs() < EXACT {
                serde_json::Number::from(x as i64)
            } else {
                serde_json::Number::from_f64(x).ok_or(LiteralError::NotFinite)?
            };
            Ok(Frag::param(serde_json::Value::Number(n)))
        } else {
            literal::number(x).map(Frag::sql)
        }
    }

    /// An instant, as local time in the query's zone.
    pub(crate) fn datetime(&self, ms: i64) -> Result<Frag, LiteralError> {
        if self.params {
            let text = literal::datetime_text(self.dialect, ms, self.tz)?;
            Ok(Frag::param(serde_json::Value::String(text)))
        } else {
            literal::datetime(self.dialect, ms, self.tz).map(Frag::sql)
        }
    }

    /// Any scalar except booleans, which no SQL column of the storage model holds.
    pub(crate) fn scalar(&self, s: &Scalar) -> Result<Frag, LiteralError> {
        match s {
            Scalar::Text(t) => self.text(t),
            Scalar::Number(x) => self.number(*x),
            Scalar::DateTime(ms) => self.datetime(*ms),
            // No column of the storage model holds a boolean value (callers check scalar
            // types against the column first; this keeps a slip from becoming a constant).
            Scalar::Bool(_) => Err(LiteralError::Unrepresentable),
        }
    }

    /// A JSON array of `elems`, as text (a literal or a text parameter).
    pub(crate) fn json(&self, elems: &[Scalar]) -> Result<Frag, LiteralError> {
        let mut arr = Vec::with_capacity(elems.len());
        for e in elems {
            arr.push(match e {
                Scalar::Text(t) if t.contains('\0') => return Err(LiteralError::Nul),
                Scalar::Text(t) => serde_json::Value::String(t.to_string()),
                Scalar::Number(x) => serde_json::Number::from_f64(*x)
                    .map(serde_json::Value::Number)
                    .ok_or(LiteralError::NotFinite)?,
                Scalar::DateTime(_) | Scalar::Bool(_) => return Err(LiteralError::Unrepresentable),
            });
        }
        self.text(&serde_json::Value::Array(arr).to_string())
    }
}

/// How a field is stored (see the storage model in the module docs of `target::sql`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A text column: NULL or `''` when empty.
    Text,
    /// A numeric column: NULL when empty.
    Number,
    /// A datetime column (text on SQLite): NULL (or `''` on SQLite) when empty.
    Datetime,
    /// A JSON array of strings.
    TextArray,
    /// A JSON array of numbers.
    NumberArray,
}

fn kind(ty: FieldType) -> Option<Kind> {
    Some(match ty {
        FieldType::Text
        | FieldType::Sn
        | FieldType::Select
        | FieldType::Dataid
        | FieldType::User
        | FieldType::Phone
        | FieldType::Other => Kind::Text,
        FieldType::Number | FieldType::Flowstate | FieldType::Dept => Kind::Number,
        FieldType::Datetime => Kind::Datetime,
        FieldType::Multiselect | FieldType::Usergroup => Kind::TextArray,
        FieldType::Deptgroup => Kind::NumberArray,
        FieldType::Subform => return None,
    })
}

/// Whether scalar `s` is a value of a column of kind `k` (elements, for arrays).
fn fits(k: Kind, s: &Scalar) -> bool {
    matches!(
        (k, s),
        (Kind::Text | Kind::TextArray, Scalar::Text(_))
            | (Kind::Number | Kind::NumberArray, Scalar::Number(_))
            | (Kind::Datetime, Scalar::DateTime(_))
    )
}

/// The lowering pass: collects every error instead of stopping at the first.
pub(crate) struct Lower<'a> {
    pub(crate) v: Values,
    pub(crate) errors: &'a mut Vec<SqlError>,
}

impl Lower<'_> {
    /// Lowers `p`, complemented when `negate`.
    pub(crate) fn pred(&mut self, p: &Pred, negate: bool, depth: usize) -> Frag {
        // Chains of `Not` only flip the polarity; walking them in a loop keeps a
        // 100,000-deep `not not ...` off the call stack.
        let mut p = p;
        let mut negate = negate;
        while let Pred::Not(inner) = p {
            p = inner;
            negate = !negate;
        }
        match p {
            Pred::True | Pred::False => {
                let t = matches!(p, Pred::True) != negate;
                Frag::sql(if t { "(1 = 1)" } else { "(1 = 0)" })
            }
            Pred::And(ps) | Pred::Or(ps) => {
                let is_and = matches!(p, Pred::And(_)) != negate;
                if ps.is_empty() {
                    // The neutral element: an empty And is true, an empty Or false.
                    return Frag::sql(if is_and { "(1 = 1)" } else { "(1 = 0)" });
                }
                if depth >= MAX_DEPTH {
                    self.errors.push(SqlError::TooDeep {
                        max: MAX_DEPTH,
                        span: first_span(p),
                    });
                    return Frag::sql("(1 = 0)");
                }
                let parts: Vec<Frag> = ps
                    .iter()
                    .map(|c| {
                        let f = self.pred(c, negate, depth + 1);
                        if is_compound(c) {
                            f.paren()
                        } else {
                            f
                        }
                    })
                    .collect();
                if parts.len() == 1 {
                    return parts.into_iter().next().unwrap_or_default();
                }
                Frag::join(&parts, if is_and { " AND " } else { " OR " })
            }
            Pred::Leaf(l) => match self.leaf(l, l.negated != negate) {
                Ok(f) => f,
                Err(e) => {
                    self.errors.push(e);
                    Frag::sql("(1 = 0)")
                }
            },
            Pred::Not(_) => unreachable_not(),
        }
    }

    fn quote(&self, l: &Leaf, name: &str) -> Result<String, SqlError> {
        self.v
            .dialect
            .quote_ident(name)
            .map_err(|reason| SqlError::ColumnName {
                name: name.to_owned(),
                reason,
                span: l.span,
            })
    }

    fn lit<T>(&self, l: &Leaf, r: Result<T, LiteralError>) -> Result<T, SqlError> {
        r.map_err(|e| SqlError::from_literal(e, l, self.v.dialect))
    }

    fn leaf(&self, l: &Leaf, negated: bool) -> Result<Frag, SqlError> {
        let f = &l.field;
        if f.subform.is_some() || f.ty == FieldType::Subform {
            return Err(SqlError::Subform {
                field: display_name(l),
                span: l.span,
            });
        }
        let Some(k) = kind(f.ty) else {
            return Err(unsupported(l));
        };
        let engine = self.v.dialect.engine();
        let col = self.quote(l, &f.column)?;
        let sqlite = self.v.dialect == Dialect::Sqlite;
        // `arms` is the emptiness test without outer parentheses: an OR-list on text
        // columns, so that a negated leaf reads `(c IS NULL OR c = '' OR NOT (...))`.
        let arms = match k {
            // `other` fields (attachments, images, ...) hold JSON text when filled, so
            // an empty list `[]` is empty too.
            Kind::Text if f.ty == FieldType::Other => Frag::fill(
                "{} IS NULL OR {} = '' OR {} = '[]'",
                &[
                    &Frag::sql(&col),
                    &engine.exact_text(&col),
                    &engine.exact_text(&col),
                ],
            ),
            Kind::Text => Frag::fill(
                "{} IS NULL OR {} = ''",
                &[&Frag::sql(&col), &engine.exact_text(&col)],
            ),
            Kind::Number => Frag::sql(format!("{col} IS NULL")),
            Kind::Datetime if sqlite => Frag::sql(format!("{col} IS NULL OR {col} = ''")),
            Kind::Datetime => Frag::sql(format!("{col} IS NULL")),
            Kind::TextArray => engine.json_empty(&col, false),
            Kind::NumberArray => engine.json_empty(&col, true),
        };
        let arms_are_or = matches!(k, Kind::Text) || (sqlite && k == Kind::Datetime);
        let empty = if arms_are_or {
            arms.paren()
        } else {
            arms.clone()
        };
        let check = |ok: bool| if ok { Ok(()) } else { Err(unsupported(l)) };
        // On array columns `=` and `in` hold when some element matches (eval's reading,
        // jdy's `in` on member groups): that is `has any`.
        let any_of;
        let test = match (&l.test, k) {
            (Test::Eq(s), Kind::TextArray | Kind::NumberArray) => {
                any_of = Test::HasAny(vec![s.clone()]);
                &any_of
            }
            (Test::In(vs), Kind::TextArray | Kind::NumberArray) => {
                any_of = Test::HasAny(vs.clone());
                &any_of
            }
            (t, _) => t,
        };
        let (pos, false_on_empty) = match test {
            Test::Empty => {
                return Ok(if negated {
                    Frag::fill("NOT ({})", &[&arms])
                } else {
                    empty
                });
            }
            Test::Eq(s) => {
                check(matches!(k, Kind::Text | Kind::Number | Kind::Datetime) && fits(k, s))?;
                let lhs = if k == Kind::Text {
                    engine.exact_text(&col)
                } else {
                    Frag::sql(&col)
                };
                let rhs = self.lit(l, self.v.scalar(s))?;
                let foe = !matches!(s, Scalar::Text(t) if t.is_empty());
                (Frag::fill("{} = {}", &[&lhs, &rhs]), foe)
            }
            Test::In(vs) => {
                check(
                    matches!(k, Kind::Text | Kind::Number | Kind::Datetime)
                        && vs.iter().all(|s| fits(k, s)),
                )?;
                if vs.is_empty() {
                    (Frag::sql("(1 = 0)"), true)
                } else {
                    let lhs = if k == Kind::Text {
                        engine.exact_text(&col)
                    } else {
                        Frag::sql(&col)
                    };
                    let vals = vs
                        .iter()
                        .map(|s| self.lit(l, self.v.scalar(s)))
                        .collect::<Result<Vec<_>, _>>()?;
                    let foe = !vs
                        .iter()
                        .any(|s| matches!(s, Scalar::Text(t) if t.is_empty()));
                    (
                        Frag::fill("{} IN ({})", &[&lhs, &Frag::join(&vals, ", ")]),
                        foe,
                    )
                }
            }
            Test::Range(r) => {
                check(matches!(k, Kind::Number | Kind::Datetime) && range_fits(k, r))?;
                let pos = self.range(l, &col, r)?;
                // SQLite stores datetimes as text and `''` sorts before every datetime,
                // so a range without a lower end would hold on `''`: guard it there.
                let sqlite_text_hole = sqlite && k == Kind::Datetime && r.lo.is_none();
                (pos, !sqlite_text_hole && (r.lo.is_some() || r.hi.is_some()))
            }
            Test::Verified | Test::Unverified => {
                check(f.ty == FieldType::Phone)?;
                let flag = self.quote(l, &format!("{}_verified", f.column))?;
                let is = if *test == Test::Verified {
                    "IS TRUE"
                } else {
                    "IS NOT TRUE"
                };
                (Frag::sql(format!("{flag} {is}")), false)
            }
            Test::Text(op, s) => {
                check(k == Kind::Text)?;
                let body = literal::like_escape(s);
                let pattern = match op {
                    crate::syntax::ast::TextOp::Contains => format!("%{body}%"),
                    crate::syntax::ast::TextOp::StartsWith => format!("{body}%"),
                    crate::syntax::ast::TextOp::EndsWith => format!("%{body}"),
                };
                let pattern = self.lit(l, self.v.text(&pattern))?;
                let value = self.lit(l, self.v.text(s))?;
                let pos = engine.text_test(&col, *op, &pattern, &value, s.chars().count());
                (pos, !s.is_empty())
            }
            Test::HasAny(vs) | Test::HasAll(vs) => {
                check(
                    matches!(k, Kind::TextArray | Kind::NumberArray)
                        && vs.iter().all(|s| fits(k, s)),
                )?;
                let any = matches!(test, Test::HasAny(_));
                // `eval` never counts an empty string as an item: `has ""` is false on
                // every value, so it drops out of `has any` and fails `has all`.
                let blank = |s: &Scalar| matches!(s, Scalar::Text(t) if t.is_empty());
                let kept: Vec<Scalar> = vs.iter().filter(|s| !blank(s)).cloned().collect();
                if !any && kept.len() < vs.len() {
                    (Frag::sql("(1 = 0)"), true)
                } else if kept.is_empty() {
                    // Vacuous: any-of-nothing is false, all-of-nothing holds for every
                    // non-empty value.
                    if any {
                        (Frag::sql("(1 = 0)"), true)
                    } else {
                        (Frag::sql("(1 = 1)"), false)
                    }
                } else {
                    let pos = self.lit(l, engine.json_has(&self.v, &col, &kept, any))?;
                    (pos, true)
                }
            }
        };
        Ok(if negated {
            Frag::fill("({} OR NOT ({}))", &[&arms, &pos])
        } else if false_on_empty {
            pos
        } else {
            Frag::fill("(NOT ({}) AND {})", &[&arms, &pos])
        })
    }

    fn range(&self, l: &Leaf, col: &str, r: &Range) -> Result<Frag, SqlError> {
        let mut parts = Vec::new();
        for (b, is_lo) in [(&r.lo, true), (&r.hi, false)] {
            let Some(b) = b else { continue };
            let (v, inclusive) = match (self.v.scalar(&b.value), &b.value) {
                (Err(LiteralError::DatetimeRange), Scalar::DateTime(ms)) => {
                    match self.datetime_clamp(*ms, is_lo) {
                        Some(Some(edge)) => (self.v.datetime(edge), true),
                        // No value of the column is in the range.
                        Some(None) => return Ok(Frag::sql("(1 = 0)")),
                        None => (Err(LiteralError::DatetimeRange), b.inclusive),
                    }
                }
                (v, _) => (v, b.inclusive),
            };
            let v = self.lit(l, v)?;
            let op = match (is_lo, inclusive) {
                (true, true) => ">=",
                (true, false) => ">",
                (false, true) => "<=",
                (false, false) => "<",
            };
            parts.push(Frag::fill(
                &format!("{{}} {op} {{}}"),
                &[&Frag::sql(col), &v],
            ));
        }
        Ok(match parts.len() {
            0 => Frag::sql("(1 = 1)"),
            1 => parts.remove(0),
            _ => Frag::join(&parts, " AND ").paren(),
        })
    }

    /// A range end at `ms`, outside what the engine's datetime columns hold, as the same
    /// condition on the values they do hold: an inclusive end at the first or last
    /// instant they hold (`Some(Some(edge))`: a day's exclusive end 10000-01-01 00:00,
    /// from `<= 9999-12-31`, is `<= 9999-12-31 23:59:59.999`), or a range no value is in
    /// (`Some(None)`: a lower end after the last instant, an upper end before the first).
    /// `None` when `ms` is in fact inside.
    fn datetime_clamp(&self, ms: i64, is_lo: bool) -> Option<Option<i64>> {
        let (first, last) = literal::datetime_limits(self.v.dialect, self.v.tz)?;
        if ms > last {
            Some(if is_lo { None } else { Some(last) })
        } else if ms < first {
            Some(if is_lo { Some(first) } else { None })
        } else {
            None
        }
    }
}

fn range_fits(k: Kind, r: &Range) -> bool {
    [&r.lo, &r.hi]
        .into_iter()
        .flatten()
        .all(|b| fits(k, &b.value))
}

fn is_compound(p: &Pred) -> bool {
    let mut p = p;
    while let Pred::Not(inner) = p {
        p = inner;
    }
    matches!(p, Pred::And(v) | Pred::Or(v) if v.len() > 1)
}

/// The span of the first leaf under `p`, for errors about a whole subtree.
fn first_span(p: &Pred) -> Span {
    let mut stack = vec![p];
    while let Some(p) = stack.pop() {
        match p {
            Pred::Leaf(l) => return l.span,
            Pred::Not(inner) => stack.push(inner),
            Pred::And(ps) | Pred::Or(ps) => stack.extend(ps.iter().rev()),
            Pred::True | Pred::False => {}
        }
    }
    Span::default()
}

fn display_name(l: &Leaf) -> String {
    match &l.field.subform {
        Some(s) => format!("{s}.{}", l.field.name),
        None => l.field.name.clone(),
    }
}

fn unsupported(l: &Leaf) -> SqlError {
    SqlError::Unsupported {
        field: display_name(l),
        ty: l.field.ty,
        test: test_name(&l.test).to_owned(),
        span: l.span,
    }
}

/// A short name of a test, for messages.
pub(crate) fn test_name(t: &Test) -> &'static str {
    match t {
        Test::Eq(_) => "`=`",
        Test::In(_) => "`in`",
        Test::Range(_) => "a comparison",
        Test::Empty => "`is empty`",
        Test::Verified => "`verified`",
        Test::Unverified => "`unverified`",
        Test::Text(crate::syntax::ast::TextOp::Contains, _) => "`contains`",
        Test::Text(crate::syntax::ast::TextOp::StartsWith, _) => "`startswith`",
        Test::Text(crate::syntax::ast::TextOp::EndsWith, _) => "`endswith`",
        Test::HasAny(_) => "`has any`",
        Test::HasAll(_) => "`has all`",
    }
}

// `pred` strips every `Not` before matching, so this arm cannot be reached; it returns
// a never-matching condition rather than panicking.
fn unreachable_not() -> Frag {
    Frag::sql("(1 = 0)")
}
