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
use super::frag::{Col, Out};
use super::literal::{self, LiteralError};
use super::{SqlError, SqlParam};
use crate::ir::{Leaf, Pred, Range, Scalar, Test};
use crate::schema::FieldType;
use crate::span::Span;
use crate::syntax::ast::TextOp;
use crate::timefmt::Civil;
use chrono::FixedOffset;

/// How deep `And`/`Or` may nest. Engines' own parsers give up around here (SQLite's
/// default expression depth is 1000, counting every operator), and normalized trees from
/// real queries are a few levels deep.
pub(crate) const MAX_DEPTH: usize = 200;

/// `has` over array items: one `exists` test over all of `elems` for `has any` (or a
/// single value), else an `and` of one test per value.
pub(crate) fn has_each(
    out: &mut Out,
    elems: &[Scalar],
    any: bool,
    exists: impl Fn(&mut Out, &[Scalar]) -> Result<(), LiteralError>,
) -> Result<(), LiteralError> {
    tests_joined(out, elems, any || elems.len() == 1, " AND ", exists)
}

/// `has` by array containment, `contains(es)` meaning the array holds every one of
/// `es`: one test over all of `elems` for `has all` (or a single value), else an `or` of
/// one test per value.
pub(crate) fn has_contained(
    out: &mut Out,
    elems: &[Scalar],
    any: bool,
    contains: impl Fn(&mut Out, &[Scalar]) -> Result<(), LiteralError>,
) -> Result<(), LiteralError> {
    tests_joined(out, elems, !any || elems.len() == 1, " OR ", contains)
}

/// `test` over all of `elems` at once when `together`, else a parenthesised chain of one
/// `test` per value joined by `join`.
fn tests_joined(
    out: &mut Out,
    elems: &[Scalar],
    together: bool,
    join: &str,
    test: impl Fn(&mut Out, &[Scalar]) -> Result<(), LiteralError>,
) -> Result<(), LiteralError> {
    if together {
        return test(out, elems);
    }
    out.push("(");
    for (i, e) in elems.iter().enumerate() {
        if i > 0 {
            out.push(join);
        }
        test(out, std::slice::from_ref(e))?;
    }
    out.push(")");
    Ok(())
}

/// Writes values as literals or parameters.
pub(crate) struct Values {
    pub(crate) dialect: Dialect,
    pub(crate) params: bool,
    pub(crate) tz: FixedOffset,
}

impl Values {
    /// A text value. Nothing is written on error.
    pub(crate) fn text(&self, out: &mut Out, s: &str) -> Result<(), LiteralError> {
        if self.params {
            out.param_text(s)
        } else {
            out.write_with(|sql| literal::push_string(sql, self.dialect, s))
        }
    }

    /// A number. Nothing is written on error.
    ///
    /// Integers from 2^53 up are where engines part ways (MariaDB compares a BIGINT with
    /// a DOUBLE as doubles, so `9007199254740993 = 9.007199254740992e15` is true), so
    /// they are written as exact integers: inline as their digits (an exact integer or
    /// DECIMAL/numeric literal on every engine), as parameters as JSON integers (bound
    /// as 64-bit integers). Beyond what a 64-bit integer parameter holds, the digits are
    /// written inline even in parameterised mode (a number carries no text to escape).
    pub(crate) fn number(&self, out: &mut Out, x: f64) -> Result<(), LiteralError> {
        if !x.is_finite() {
            return Err(LiteralError::NotFinite);
        }
        let whole = x.fract() == 0.0;
        if self.params && (!whole || (-TWO_63..TWO_63).contains(&x)) {
            // Whole numbers go out as 64-bit integers (JSON integers in `--params`
            // output), exact at any size an integer column holds; fractions as doubles.
            // On PostgreSQL the placeholder carries its type (`frag.rs`), so a fraction
            // never meets a bigint placeholder.
            out.param(if whole {
                SqlParam::Int(x as i64)
            } else {
                SqlParam::Float(x)
            });
            Ok(())
        } else if whole && (EXACT..DIGITS_BELOW).contains(&x.abs()) {
            use std::fmt::Write as _;
            let neg = x < 0.0;
            if neg {
                out.push("(");
            }
            // Writing to a String cannot fail; `{:.0}` prints a double's exact digits.
            let _ = out.write_with(|sql| write!(sql, "{x:.0}"));
            if neg {
                out.push(")");
            }
            Ok(())
        } else {
            out.write_with(|sql| literal::push_number(sql, x))
        }
    }

    /// An instant, as local time in the query's zone. Nothing is written on error.
    pub(crate) fn datetime(&self, out: &mut Out, ms: i64) -> Result<(), LiteralError> {
        let c = literal::datetime_civil(self.dialect, ms, self.tz)?;
        self.civil(out, &c)
    }

    /// An instant's local calendar fields, already checked against the dialect's range.
    fn civil(&self, out: &mut Out, c: &Civil) -> Result<(), LiteralError> {
        if self.params {
            out.param_civil(c)?;
        } else {
            out.write_with(|sql| literal::push_datetime_civil(sql, self.dialect, c));
        }
        Ok(())
    }

    /// Any scalar except booleans, which no SQL column of the storage model holds.
    pub(crate) fn scalar(&self, out: &mut Out, s: &Scalar) -> Result<(), LiteralError> {
        match s {
            Scalar::Text(t) => self.text(out, t),
            Scalar::Number(x) => self.number(out, *x),
            Scalar::DateTime(ms) => self.datetime(out, *ms),
            // No column of the storage model holds a boolean value (callers check scalar
            // types against the column first; this keeps a slip from becoming a constant).
            Scalar::Bool(_) => Err(LiteralError::Unrepresentable),
        }
    }

    /// `= v` for one value, `IN (v, ...)` for several: an array item's test in `has`.
    pub(crate) fn eq_or_in(&self, out: &mut Out, es: &[Scalar]) -> Result<(), LiteralError> {
        if let [e] = es {
            out.push("= ");
            return self.scalar(out, e);
        }
        out.push("IN (");
        for (i, e) in es.iter().enumerate() {
            if i > 0 {
                out.push(", ");
            }
            self.scalar(out, e)?;
        }
        out.push(")");
        Ok(())
    }

    /// A JSON array of `elems`, as text (a literal or a text parameter).
    pub(crate) fn json(&self, out: &mut Out, elems: &[Scalar]) -> Result<(), LiteralError> {
        let mut arr = Vec::with_capacity(elems.len());
        for e in elems {
            arr.push(match e {
                Scalar::Text(t) if t.contains('\0') => return Err(LiteralError::Nul),
                Scalar::Text(t) => serde_json::Value::String(t.to_string()),
                Scalar::Number(x) => serde_json::Value::Number(json_number(*x)?),
                Scalar::DateTime(_) | Scalar::Bool(_) => return Err(LiteralError::Unrepresentable),
            });
        }
        let text = serde_json::Value::Array(arr).to_string();
        if self.params {
            out.param(SqlParam::Json(text));
            Ok(())
        } else {
            out.write_with(|sql| literal::push_string(sql, self.dialect, &text))
        }
    }
}

/// 2^53: every integer below it is a double, and engines compare any number with it
/// exactly.
pub(crate) const EXACT: f64 = 9_007_199_254_740_992.0;
/// 2^63, the first integer a signed 64-bit parameter cannot hold.
const TWO_63: f64 = 9_223_372_036_854_775_808.0;
/// 2^64, the first integer a 64-bit JSON integer cannot hold.
const TWO_64: f64 = 18_446_744_073_709_551_616.0;
/// Integers are written as digits below this (at most 21 of them); beyond, no integer
/// column holds values and the exponent form is as exact.
const DIGITS_BELOW: f64 = 1e21;

/// `x` as a JSON number: integers from 2^53 up to 2^64 with their exact digits (the
/// shortest round-trip form of 2^60 is `1.152921504606847e18`, a different integer to
/// PostgreSQL's exact `jsonb` numbers), others as serde_json writes a double.
fn json_number(x: f64) -> Result<serde_json::Number, LiteralError> {
    let a = x.abs();
    if x.fract() == 0.0 && (EXACT..TWO_64).contains(&a) {
        if a < TWO_63 {
            return Ok(serde_json::Number::from(x as i64));
        }
        if x > 0.0 {
            return Ok(serde_json::Number::from(x as u64));
        }
    }
    serde_json::Number::from_f64(x).ok_or(LiteralError::NotFinite)
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

/// The lowering pass: writes the condition into one [`Out`] and collects every error
/// instead of stopping at the first.
pub(crate) struct Lower<'a> {
    pub(crate) v: Values,
    pub(crate) errors: &'a mut Vec<SqlError>,
    /// The quoted column of the leaf being written (kept to reuse its allocation).
    pub(crate) col: String,
}

/// What a leaf tests, once `=` and `in` on array columns are read as `has any`.
enum View<'a> {
    Plain(&'a Test),
    Has(&'a [Scalar], bool),
}

/// The test part of a leaf, decided before anything is written.
enum Pos<'a> {
    /// Fixed text.
    Const(&'static str),
    Eq(&'a Scalar),
    In(&'a [Scalar]),
    Range(&'a Range),
    Flag(&'static str),
    Text(TextOp, &'a str),
    Has(Vec<Scalar>, bool),
}

impl Lower<'_> {
    /// Writes `p`, complemented when `negate`.
    pub(crate) fn pred(&mut self, out: &mut Out, p: &Pred, negate: bool, depth: usize) {
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
                out.push(if t { "(1 = 1)" } else { "(1 = 0)" });
            }
            Pred::And(ps) | Pred::Or(ps) => {
                let is_and = matches!(p, Pred::And(_)) != negate;
                if ps.is_empty() {
                    // The neutral element: an empty And is true, an empty Or false.
                    out.push(if is_and { "(1 = 1)" } else { "(1 = 0)" });
                    return;
                }
                if depth >= MAX_DEPTH {
                    self.errors.push(SqlError::TooDeep {
                        max: MAX_DEPTH,
                        span: first_span(p),
                    });
                    out.push("(1 = 0)");
                    return;
                }
                for (i, c) in ps.iter().enumerate() {
                    if i > 0 {
                        // Constants in each arm, so that nothing is left to check
                        // for JSON escapes at run time (`Out::push`).
                        if is_and {
                            out.push(" AND ");
                        } else {
                            out.push(" OR ");
                        }
                    }
                    let paren = is_compound(c);
                    if paren {
                        out.push("(");
                    }
                    self.pred(out, c, negate, depth + 1);
                    if paren {
                        out.push(")");
                    }
                }
            }
            Pred::Leaf(l) => {
                let start = out.mark();
                let mut col = std::mem::take(&mut self.col);
                col.clear();
                let r = self.leaf(out, l, l.negated != negate, &mut col);
                self.col = col;
                if let Err(e) = r {
                    // The text is discarded with the error; keep it well formed anyway.
                    out.truncate(start);
                    self.errors.push(e);
                    out.push("(1 = 0)");
                }
            }
            Pred::Not(_) => out.push(UNREACHABLE_NOT),
        }
    }

    fn lit<T>(&self, l: &Leaf, r: Result<T, LiteralError>) -> Result<T, SqlError> {
        r.map_err(|e| SqlError::from_literal(e, l, self.v.dialect))
    }

    /// Writes the leaf (complemented when `negated`); on error the caller discards what
    /// was written. `col` is scratch space for the quoted column.
    fn leaf(
        &self,
        out: &mut Out,
        l: &Leaf,
        negated: bool,
        col: &mut String,
    ) -> Result<(), SqlError> {
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
        let col = out
            .column(col, &f.column)
            .map_err(|reason| SqlError::ColumnName {
                name: f.column.clone(),
                reason,
                span: l.span,
            })?;
        let sqlite = self.v.dialect == Dialect::Sqlite;
        // `arms` is the emptiness test without outer parentheses: an OR-list on text
        // columns, so that a negated leaf reads `(c IS NULL OR c = '' OR NOT (...))`.
        let arms = |out: &mut Out| match k {
            // `other` fields (attachments, images, ...) hold JSON text when filled, so
            // an empty list `[]` is empty too.
            Kind::Text if f.ty == FieldType::Other => {
                out.push_col(col);
                out.push(" IS NULL OR ");
                engine.exact_text(out, col);
                out.push(" = '' OR ");
                engine.exact_text(out, col);
                out.push(" = '[]'");
            }
            Kind::Text => {
                out.push_col(col);
                out.push(" IS NULL OR ");
                engine.exact_text(out, col);
                out.push(" = ''");
            }
            Kind::Datetime if sqlite => {
                out.push_col(col);
                out.push(" IS NULL OR ");
                out.push_col(col);
                out.push(" = ''");
            }
            Kind::Number | Kind::Datetime => {
                out.push_col(col);
                out.push(" IS NULL");
            }
            Kind::TextArray => engine.json_empty(out, col, false),
            Kind::NumberArray => engine.json_empty(out, col, true),
        };
        let arms_are_or = matches!(k, Kind::Text) || (sqlite && k == Kind::Datetime);
        let check = |ok: bool| if ok { Ok(()) } else { Err(unsupported(l)) };
        // On array columns `=` and `in` hold when some element matches (eval's reading,
        // jdy's `in` on member groups): that is `has any`.
        let view = match (&l.test, k) {
            (Test::Eq(s), Kind::TextArray | Kind::NumberArray) => {
                View::Has(std::slice::from_ref(s), true)
            }
            (Test::In(vs), Kind::TextArray | Kind::NumberArray) => View::Has(vs, true),
            (Test::HasAny(vs), _) => View::Has(vs, true),
            (Test::HasAll(vs), _) => View::Has(vs, false),
            (t, _) => View::Plain(t),
        };
        // First every check, the form of the test and whether it is false on every empty
        // value; then the text, front to back.
        let (pos, false_on_empty) = match view {
            View::Plain(Test::Empty) => {
                if negated {
                    out.push("NOT (");
                    arms(out);
                    out.push(")");
                } else if arms_are_or {
                    out.push("(");
                    arms(out);
                    out.push(")");
                } else {
                    arms(out);
                }
                return Ok(());
            }
            View::Plain(Test::Eq(s)) => {
                check(matches!(k, Kind::Text | Kind::Number | Kind::Datetime) && fits(k, s))?;
                (Pos::Eq(s), !matches!(s, Scalar::Text(t) if t.is_empty()))
            }
            View::Plain(Test::In(vs)) => {
                check(
                    matches!(k, Kind::Text | Kind::Number | Kind::Datetime)
                        && vs.iter().all(|s| fits(k, s)),
                )?;
                if vs.is_empty() {
                    (Pos::Const("(1 = 0)"), true)
                } else {
                    let foe = !vs
                        .iter()
                        .any(|s| matches!(s, Scalar::Text(t) if t.is_empty()));
                    (Pos::In(vs), foe)
                }
            }
            View::Plain(Test::Range(r)) => {
                check(matches!(k, Kind::Number | Kind::Datetime) && range_fits(k, r))?;
                // SQLite stores datetimes as text and `''` sorts before every datetime,
                // so a range without a lower end would hold on `''`: guard it there.
                let sqlite_text_hole = sqlite && k == Kind::Datetime && r.lo.is_none();
                (
                    Pos::Range(r),
                    !sqlite_text_hole && (r.lo.is_some() || r.hi.is_some()),
                )
            }
            View::Plain(t @ (Test::Verified | Test::Unverified)) => {
                check(f.ty == FieldType::Phone)?;
                let is = if *t == Test::Verified {
                    "IS TRUE"
                } else {
                    "IS NOT TRUE"
                };
                (Pos::Flag(is), false)
            }
            View::Plain(Test::Text(op, s)) => {
                check(k == Kind::Text)?;
                (Pos::Text(*op, s), !s.is_empty())
            }
            // Read as `View::Has` above; listed so the match stays exhaustive.
            View::Plain(Test::HasAny(_) | Test::HasAll(_)) => return Err(unsupported(l)),
            View::Has(vs, any) => {
                check(
                    matches!(k, Kind::TextArray | Kind::NumberArray)
                        && vs.iter().all(|s| fits(k, s)),
                )?;
                // `eval` never counts an empty string as an item: `has ""` is false on
                // every value, so it drops out of `has any` and fails `has all`.
                let blank = |s: &Scalar| matches!(s, Scalar::Text(t) if t.is_empty());
                let kept: Vec<Scalar> = vs.iter().filter(|s| !blank(s)).cloned().collect();
                if !any && kept.len() < vs.len() {
                    (Pos::Const("(1 = 0)"), true)
                } else if kept.is_empty() {
                    // Vacuous: any-of-nothing is false, all-of-nothing holds for every
                    // non-empty value.
                    if any {
                        (Pos::Const("(1 = 0)"), true)
                    } else {
                        (Pos::Const("(1 = 1)"), false)
                    }
                } else {
                    (Pos::Has(kept, any), true)
                }
            }
        };
        if negated {
            out.push("(");
            arms(out);
            out.push(" OR NOT (");
        } else if !false_on_empty {
            out.push("(NOT (");
            arms(out);
            out.push(") AND ");
        }
        // The left side of `=` and `IN`: text compares exactly.
        let operand = |out: &mut Out| {
            if k == Kind::Text {
                engine.exact_text(out, col);
            } else {
                out.push_col(col);
            }
        };
        match pos {
            Pos::Const(c) => out.push(c),
            Pos::Eq(s) => {
                operand(out);
                out.push(" = ");
                self.lit(l, self.v.scalar(out, s))?;
            }
            Pos::In(vs) => {
                operand(out);
                out.push(" IN (");
                for (i, s) in vs.iter().enumerate() {
                    if i > 0 {
                        out.push(", ");
                    }
                    self.lit(l, self.v.scalar(out, s))?;
                }
                out.push(")");
            }
            Pos::Range(r) => self.range(out, l, col, r)?,
            Pos::Flag(is) => {
                let mut flag = String::with_capacity(f.column.len() + 9);
                flag.push_str(&f.column);
                flag.push_str("_verified");
                out.push_column(&flag).map_err(|reason| {
                    SqlError::ColumnName {
                        name: flag.clone(),
                        reason,
                        span: l.span,
                    }
                })?;
                out.push(" ");
                out.push(is);
            }
            Pos::Text(op, s) => {
                // A short pattern is built on the stack (each byte of `s` at most
                // doubled, plus two `%`), a long one in a string.
                let mut buf = [0; 64];
                let mut heap = String::new();
                let pattern = match like_pattern(op, s, &mut buf) {
                    Some(p) => p,
                    None => {
                        heap.reserve(2 * s.len() + 2);
                        if op != TextOp::StartsWith {
                            heap.push('%');
                        }
                        literal::push_like_escape(&mut heap, s);
                        if op != TextOp::EndsWith {
                            heap.push('%');
                        }
                        &heap
                    }
                };
                let r = engine.text_test(out, &self.v, col, op, pattern, s);
                self.lit(l, r)?;
            }
            Pos::Has(kept, any) => {
                let r = engine.json_has(out, &self.v, col, &kept, any);
                self.lit(l, r)?;
            }
        }
        if negated {
            out.push("))");
        } else if !false_on_empty {
            out.push(")");
        }
        Ok(())
    }

    /// Writes the range test: `col >= a`, `col < b`, or `(col >= a AND col < b)`.
    fn range(&self, out: &mut Out, l: &Leaf, col: Col<'_>, r: &Range) -> Result<(), SqlError> {
        let start = out.mark();
        let both = r.lo.is_some() && r.hi.is_some();
        if r.lo.is_none() && r.hi.is_none() {
            out.push("(1 = 1)");
            return Ok(());
        }
        if both {
            out.push("(");
        }
        for (b, is_lo) in [(&r.lo, true), (&r.hi, false)] {
            let Some(b) = b else { continue };
            // An end outside what the column holds becomes an inclusive end at its
            // first or last instant, or makes the range empty.
            let mut end = (b.inclusive, None);
            // The calendar fields of a datetime end, computed once for the check and the
            // text.
            let mut civil = None;
            if let Scalar::DateTime(ms) = b.value {
                match literal::datetime_civil(self.v.dialect, ms, self.v.tz) {
                    Ok(c) => civil = Some(c),
                    Err(_) => match self.datetime_clamp(ms, is_lo) {
                        Some(Some(edge)) => end = (true, Some(edge)),
                        // No value of the column is in the range.
                        Some(None) => {
                            out.truncate(start);
                            out.push("(1 = 0)");
                            return Ok(());
                        }
                        None => {
                            return Err(SqlError::from_literal(
                                LiteralError::DatetimeRange,
                                l,
                                self.v.dialect,
                            ))
                        }
                    },
                }
            }
            let (inclusive, edge) = end;
            if !is_lo && r.lo.is_some() {
                out.push(" AND ");
            }
            out.push_col(col);
            match (is_lo, inclusive) {
                (true, true) => out.push(" >= "),
                (true, false) => out.push(" > "),
                (false, true) => out.push(" <= "),
                (false, false) => out.push(" < "),
            }
            let v = match (edge, &civil) {
                (Some(ms), _) => self.v.datetime(out, ms),
                (None, Some(c)) => self.v.civil(out, c),
                (None, None) => self.v.scalar(out, &b.value),
            };
            self.lit(l, v)?;
        }
        if both {
            out.push(")");
        }
        Ok(())
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

/// The LIKE pattern of `op` over `s` (`!`, `%` and `_` escaped with `!`, `%` on the
/// open ends), built in `buf`, or `None` when it might not fit.
fn like_pattern<'b>(op: TextOp, s: &str, buf: &'b mut [u8; 64]) -> Option<&'b str> {
    if 2 * s.len() + 2 > buf.len() {
        return None;
    }
    let mut n = 0;
    let mut put = |b: u8| {
        buf[n] = b;
        n += 1;
    };
    if op != TextOp::StartsWith {
        put(b'%');
    }
    for &b in s.as_bytes() {
        // The specials are ASCII, so no byte of a longer character matches them.
        if matches!(b, b'!' | b'%' | b'_') {
            put(b'!');
        }
        put(b);
    }
    if op != TextOp::EndsWith {
        put(b'%');
    }
    // `s` with ASCII bytes inserted between its characters: still UTF-8.
    std::str::from_utf8(&buf[..n]).ok()
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

// `pred` strips every `Not` before matching, so that arm cannot be reached; it writes
// a never-matching condition rather than panicking.
const UNREACHABLE_NOT: &str = "(1 = 0)";

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn stack_patterns_are_the_escaped_text(s in "[a!%_é中]{0,40}", op in 0..3) {
            let op = [TextOp::Contains, TextOp::StartsWith, TextOp::EndsWith][op as usize];
            let mut want = String::new();
            if op != TextOp::StartsWith {
                want.push('%');
            }
            literal::push_like_escape(&mut want, &s);
            if op != TextOp::EndsWith {
                want.push('%');
            }
            let mut buf = [0; 64];
            match like_pattern(op, &s, &mut buf) {
                Some(p) => prop_assert_eq!(p, want),
                None => prop_assert!(2 * s.len() + 2 > 64),
            }
        }
    }
}
