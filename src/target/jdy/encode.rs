//! One IR leaf → the jdy conditions that express it, in the [`Shape`] a flat filter
//! needs: as an `or` of conditions, as an `and` of conditions, as an `and` valid when the
//! field is known to be non-empty, or as a single looser condition (a superset, for
//! pushdown).
//!
//! [`emit`] encodes one shape straight into a [`Sink`] (JSON text or `JdyCond`s)
//! without building the others: strict compilation and the pushdown planner ask only
//! for the shape a position needs, and roll the sink back when it does not fit.

use super::error::JdyError;
use super::filter::Method;
use super::sink::{json_head, Sink, Val};
use super::{JdyMethods, JdyOptions};
use crate::ir::{Bound, FieldInfo, Leaf, Range, Scalar, Test};
use crate::schema::FieldType;
use crate::syntax::ast::TextOp;
use crate::timefmt::Civil;
use crate::unparse::adjacent_number;
use serde_json::Value;

/// jdy's limit on the values of one `in`, `nin` or `all` condition.
pub const MAX_VALUES: usize = 200;

/// The methods jdy offers for a field type (the vendor's list, see the module docs).
pub fn methods(ty: FieldType) -> &'static [Method] {
    use Method::*;
    match ty {
        FieldType::Flowstate | FieldType::User | FieldType::Dept | FieldType::Select => {
            &[Eq, Ne, In, Nin, Empty, NotEmpty]
        }
        FieldType::Dataid => &[Eq, In, Empty, NotEmpty],
        FieldType::Usergroup | FieldType::Deptgroup | FieldType::Multiselect => {
            &[In, All, Empty, NotEmpty]
        }
        FieldType::Datetime => &[Eq, Ne, Range, Empty, NotEmpty],
        FieldType::Number => &[Eq, Ne, Range, Gt, Lt, Empty, NotEmpty],
        FieldType::Text | FieldType::Sn => &[Eq, Ne, In, Nin, Like, Empty, NotEmpty],
        FieldType::Phone => &[Like, Verified, Unverified, Empty, NotEmpty],
        FieldType::Subform | FieldType::Other => &[Empty, NotEmpty],
    }
}

/// The methods filterql uses on a field under `table`: [`methods`] of its type for
/// [`JdyMethods::Extended`]; for [`JdyMethods::Seed`], only what jdy's v5 data-list
/// documentation lists (numbers and datetimes `eq ne range empty not_empty`; flow state
/// `eq ne`; single-line text, dropdown, radio group and serial number `eq ne in nin empty
/// not_empty`; phone `like verified unverified empty not_empty`; every other field,
/// multi-line text included, `empty not_empty`).
pub fn methods_for(field: &FieldInfo, table: JdyMethods) -> &'static [Method] {
    use Method::*;
    if table == JdyMethods::Extended {
        return methods(field.ty);
    }
    match field.ty {
        FieldType::Flowstate => &[Eq, Ne],
        FieldType::Datetime | FieldType::Number => &[Eq, Ne, Range, Empty, NotEmpty],
        FieldType::Text if field.widget.as_deref() == Some("textarea") => &[Empty, NotEmpty],
        FieldType::Text | FieldType::Select | FieldType::Sn => &[Eq, Ne, In, Nin, Empty, NotEmpty],
        FieldType::Phone => &[Like, Verified, Unverified, Empty, NotEmpty],
        FieldType::User
        | FieldType::Dept
        | FieldType::Usergroup
        | FieldType::Deptgroup
        | FieldType::Multiselect
        | FieldType::Dataid
        | FieldType::Subform
        | FieldType::Other => &[Empty, NotEmpty],
    }
}

/// The jdy `type` written into a condition when the schema did not name the widget.
pub fn default_type(ty: FieldType) -> Option<&'static str> {
    Some(match ty {
        FieldType::Text => "text",
        FieldType::Number => "number",
        FieldType::Datetime => "datetime",
        FieldType::Phone => "phone",
        FieldType::Flowstate => "flowstate",
        FieldType::Select => "radiogroup",
        FieldType::Multiselect => "combocheck",
        FieldType::User => "user",
        FieldType::Dept => "dept",
        FieldType::Usergroup => "usergroup",
        FieldType::Deptgroup => "deptgroup",
        FieldType::Sn => "sn",
        FieldType::Subform => "subform",
        FieldType::Dataid => "dataid",
        FieldType::Other => return None,
    })
}

/// How a leaf's field is shown in messages: `` `name` `` or `` `label` (`name`) ``.
pub fn field_display(leaf: &Leaf) -> String {
    let f = &leaf.field;
    let name = match &f.subform {
        Some(s) => format!("{s}.{}", f.name),
        None => f.name.clone(),
    };
    match &f.label {
        Some(l) if *l != f.name => format!("`{l}` (`{name}`)"),
        _ => format!("`{name}`"),
    }
}

/// The test as the user wrote it, for messages.
pub fn describe(test: &Test, negated: bool) -> String {
    let not = if negated { "not " } else { "" };
    match test {
        Test::Eq(_) => if negated { "`!=`" } else { "`=`" }.to_owned(),
        Test::In(_) => format!("`{not}in`"),
        Test::Range(r) => {
            let lo = |b: &Bound| if b.inclusive { ">=" } else { ">" };
            let hi = |b: &Bound| if b.inclusive { "<=" } else { "<" };
            let op = match (&r.lo, &r.hi) {
                (Some(l), Some(h)) if l.inclusive && h.inclusive => "between".to_owned(),
                (Some(l), Some(h)) => format!("{} … {}", lo(l), hi(h)),
                (Some(l), None) => lo(l).to_owned(),
                (None, Some(h)) => hi(h).to_owned(),
                (None, None) => "range".to_owned(),
            };
            format!("`{not}{op}`")
        }
        Test::Empty => if negated {
            "`is not empty`"
        } else {
            "`is empty`"
        }
        .to_owned(),
        Test::Verified => format!("`{not}verified`"),
        Test::Unverified => format!("`{not}unverified`"),
        Test::Text(op, _) => {
            format!("`{not}{}`", op.keyword())
        }
        Test::HasAny(_) => format!("`{not}has any`"),
        Test::HasAll(_) => format!("`{not}has all`"),
    }
}

/// Which flat-filter form of a leaf to encode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    /// Exactly the leaf, as conditions joined by `or`.
    Any,
    /// Exactly the leaf, as conditions joined by `and`.
    All,
    /// The leaf on records where its field is not empty, as conditions joined by `and`.
    NonEmpty,
    /// One condition matching every record the leaf matches (and maybe more).
    Loose,
}

/// Writes `leaf` in `shape` into `sink`, or says why the shape cannot express it (for
/// [`Shape::Any`] and [`Shape::All`] the error strict mode reports; for the other shapes
/// the error only means "none"). On an error the sink may hold part of the conditions:
/// the caller resets it.
pub(super) fn emit<S: Sink>(
    leaf: &Leaf,
    opts: &JdyOptions,
    shape: Shape,
    sink: &mut S,
) -> Result<(), JdyError> {
    let cx = Ctx { leaf, opts };
    if let Some(sub) = &leaf.field.subform {
        return Err(JdyError::SubformColumn {
            field: cx.field(),
            subform: sub.clone(),
            span: leaf.span,
        });
    }
    match &leaf.test {
        Test::Empty => {
            let m = if leaf.negated {
                Method::NotEmpty
            } else {
                Method::Empty
            };
            if !cx.has(m) {
                return Err(cx.unsupported(cx.offers()));
            }
            cx.put0(sink, m);
            Ok(())
        }
        Test::Eq(v) => emit_eq(&cx, v, shape, sink),
        Test::In(vs) => emit_in(&cx, vs, shape, sink),
        Test::Range(r) => emit_range(&cx, r, shape, sink),
        Test::Verified => emit_phone(&cx, Method::Verified, Method::Unverified, shape, sink),
        Test::Unverified => emit_phone(&cx, Method::Unverified, Method::Verified, shape, sink),
        Test::Text(op, s) => emit_text(&cx, *op, s, shape, sink),
        Test::HasAny(vs) => emit_has(&cx, vs, Method::In, shape, sink),
        Test::HasAll(vs) => emit_has(&cx, vs, Method::All, shape, sink),
    }
}

/// A condition with at most two operands (the pieces of ranges).
#[derive(Clone, Copy)]
struct Piece<'a> {
    method: Method,
    vals: [Val<'a>; 2],
    len: usize,
}

impl<'a> Piece<'a> {
    fn one(method: Method, v: Val<'a>) -> Self {
        Piece {
            method,
            vals: [v, Val::Null],
            len: 1,
        }
    }

    fn two(method: Method, a: Val<'a>, b: Val<'a>) -> Self {
        Piece {
            method,
            vals: [a, b],
            len: 2,
        }
    }
}

/// Encodes one leaf's conditions.
struct Ctx<'a> {
    leaf: &'a Leaf,
    opts: &'a JdyOptions,
}

impl<'a> Ctx<'a> {
    fn ty(&self) -> FieldType {
        self.leaf.field.ty
    }

    fn has(&self, m: Method) -> bool {
        methods_for(&self.leaf.field, self.opts.methods).contains(&m)
    }

    /// A condition without operands.
    fn put0<S: Sink>(&self, s: &mut S, method: Method) {
        s.begin(&self.leaf.field, method, false);
        s.end();
    }

    /// A condition with the given operands.
    fn put<S: Sink>(&self, s: &mut S, method: Method, vals: &[Val<'_>]) {
        s.begin(&self.leaf.field, method, true);
        for v in vals {
            s.value(*v);
        }
        s.end();
    }

    fn put_piece<S: Sink>(&self, s: &mut S, p: &Piece<'_>) {
        self.put(s, p.method, &p.vals[..p.len]);
    }

    /// `method` over `vs`, split into conditions of at most [`MAX_VALUES`] values.
    fn put_chunks<S: Sink>(
        &self,
        s: &mut S,
        method: Method,
        vs: &[Scalar],
    ) -> Result<(), JdyError> {
        for chunk in vs.chunks(MAX_VALUES) {
            s.begin(&self.leaf.field, method, true);
            for v in chunk {
                s.value(self.value(v)?);
            }
            s.end();
        }
        Ok(())
    }

    /// One `method` condition per value.
    fn put_each<S: Sink>(&self, s: &mut S, method: Method, vs: &[Scalar]) -> Result<(), JdyError> {
        for v in vs {
            let v = self.value(v)?;
            self.put(s, method, &[v]);
        }
        Ok(())
    }

    fn field(&self) -> String {
        field_display(self.leaf)
    }

    fn what(&self) -> String {
        describe(&self.leaf.test, self.leaf.negated)
    }

    fn unsupported(&self, help: impl Into<String>) -> JdyError {
        JdyError::Unsupported {
            field: self.field(),
            ty: self.ty().name().to_owned(),
            what: self.what(),
            span: self.leaf.span,
            help: help.into(),
        }
    }

    /// The default help: which methods the type does have.
    fn offers(&self) -> String {
        let names: Vec<&str> = methods_for(&self.leaf.field, self.opts.methods)
            .iter()
            .map(|m| m.name())
            .collect();
        let table = match self.opts.methods {
            JdyMethods::Extended => "jdy offers",
            JdyMethods::Seed => "jdy's documented method table has",
        };
        format!(
            "{table} only {} on {} fields; use the pushdown plan (`Query::to_jdy_pushdown`) to evaluate this client-side",
            names.join(", "),
            self.ty().name()
        )
    }

    fn bad_value(&self, what: impl Into<String>) -> JdyError {
        JdyError::BadValue {
            field: self.field(),
            what: what.into(),
            span: self.leaf.span,
        }
    }

    fn needs_or(&self, help: impl Into<String>) -> JdyError {
        JdyError::NeedsOr {
            field: self.field(),
            what: self.what(),
            span: self.leaf.span,
            help: help.into(),
        }
    }

    fn needs_and(&self) -> JdyError {
        JdyError::NeedsAnd {
            field: self.field(),
            what: self.what(),
            span: self.leaf.span,
        }
    }

    fn too_many(&self, count: usize, help: &str) -> JdyError {
        JdyError::TooManyValues {
            field: self.field(),
            count,
            span: self.leaf.span,
            help: help.to_owned(),
        }
    }

    /// The operand form of a value on this field.
    #[inline]
    fn value<'v>(&self, s: &'v Scalar) -> Result<Val<'v>, JdyError> {
        let ty = self.ty();
        match s {
            Scalar::Number(n) if takes_number(ty) => {
                if n.is_finite() {
                    Ok(Val::Num(*n))
                } else {
                    Err(self.bad_value(format!("the number {n} is not finite")))
                }
            }
            Scalar::Text(t) if takes_text(ty) => Ok(Val::Text(t)),
            Scalar::DateTime(ms) if ty == FieldType::Datetime => self.datetime(*ms),
            _ => Err(self.bad_value(format!(
                "a {} value on a {} field has no jdy form",
                scalar_kind(s),
                ty.name()
            ))),
        }
    }

    /// A datetime operand: years 1–9999 in the query's offset.
    fn datetime(&self, ms: i64) -> Result<Val<'static>, JdyError> {
        Civil::at(ms, self.opts.tz)
            .map(Val::Dt)
            .ok_or_else(|| self.bad_value("the datetime is outside the years 1–9999"))
    }

    /// Checks a value list before anything is written: not empty, every value with a
    /// jdy form (the first bad one is the error).
    fn check_values(&self, vs: &[Scalar]) -> Result<(), JdyError> {
        if vs.is_empty() {
            return Err(self.bad_value("an empty list of values"));
        }
        // The common lists pass a plain kind check; others (datetimes, or a bad value to
        // report) go through `value`.
        let ty = self.ty();
        let plain = if takes_text(ty) {
            vs.iter().all(|v| matches!(v, Scalar::Text(_)))
        } else if takes_number(ty) {
            vs.iter()
                .all(|v| matches!(v, Scalar::Number(n) if n.is_finite()))
        } else {
            false
        };
        if plain {
            return Ok(());
        }
        for v in vs {
            self.value(v)?;
        }
        Ok(())
    }
}

/// Whether values on a field of type `ty` are numbers.
fn takes_number(ty: FieldType) -> bool {
    matches!(
        ty,
        FieldType::Number | FieldType::Flowstate | FieldType::Dept | FieldType::Deptgroup
    )
}

/// Whether values on a field of type `ty` are text.
fn takes_text(ty: FieldType) -> bool {
    matches!(
        ty,
        FieldType::Text
            | FieldType::Select
            | FieldType::Sn
            | FieldType::Dataid
            | FieldType::User
            | FieldType::Usergroup
            | FieldType::Multiselect
            | FieldType::Phone
    )
}

/// Whether `leaf`, when it can be encoded at all, only fits an `or` (a positive `in`
/// that needs several conditions): strict mode then tries that shape first instead of
/// failing the `and` one.
pub(super) fn only_or(leaf: &Leaf, opts: &JdyOptions) -> bool {
    let Test::In(vs) = &leaf.test else {
        return false;
    };
    let methods = methods_for(&leaf.field, opts.methods);
    !leaf.negated
        && if methods.contains(&Method::In) {
            vs.len() > MAX_VALUES
        } else {
            methods.contains(&Method::Eq) && vs.len() > 1
        }
}

fn scalar_kind(s: &Scalar) -> &'static str {
    match s {
        Scalar::Text(_) => "text",
        Scalar::Number(_) => "number",
        Scalar::DateTime(_) => "datetime",
        Scalar::Bool(_) => "boolean",
    }
}

/// A JSON number, integral values without a fraction (`5`, not `5.0`).
pub fn number(n: f64) -> Option<Value> {
    if !n.is_finite() {
        return None;
    }
    // Integers up to 2^53 are exact in f64, so printing them as i64 loses nothing.
    if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0 {
        return Some(Value::from(n as i64));
    }
    serde_json::Number::from_f64(n).map(Value::Number)
}

/// The two-valued complement of a test that is false on empty values is
/// "the complementary method, or empty". jdy does not document whether `ne`/`nin` match
/// empty values, so that complement is only ever emitted with an explicit `empty` arm
/// (correct whichever way jdy behaves) or, in an `and`, next to a conjunct that already
/// rules out empty values.
///
/// `count` is how many conditions `conds` writes; `in_and` is the error in an `and`,
/// `in_or` the one in an `or` when there are several conditions (they would need a
/// nested `and`).
fn complement<S: Sink>(
    cx: &Ctx,
    shape: Shape,
    s: &mut S,
    count: usize,
    conds: impl FnOnce(&mut S) -> Result<(), JdyError>,
    in_and: impl FnOnce() -> JdyError,
    in_or: impl FnOnce() -> JdyError,
) -> Result<(), JdyError> {
    match shape {
        // The seed table has no `empty` on flow states: no exact complement there.
        Shape::Any if !cx.has(Method::Empty) => Err(cx.unsupported(cx.offers())),
        Shape::Any if count == 1 => {
            conds(s)?;
            cx.put0(s, Method::Empty);
            Ok(())
        }
        Shape::Any => Err(in_or()),
        Shape::NonEmpty => conds(s),
        Shape::All | Shape::Loose => Err(in_and()),
    }
}

fn ne_help(cx: &Ctx) -> String {
    let f = &cx.leaf.field.name;
    format!(
        "jdy does not document whether `ne`/`nin` match records where `{f}` is empty, so this is only exact as `ne ... or empty`; add `and {f} is not empty` if empty values should not match, make it the only condition, or use the pushdown plan (`Query::to_jdy_pushdown`)"
    )
}

fn emit_eq<S: Sink>(cx: &Ctx, v: &Scalar, shape: Shape, s: &mut S) -> Result<(), JdyError> {
    if !cx.leaf.negated {
        if !cx.has(Method::Eq) {
            if cx.has(Method::Like) {
                // Equal implies contains: `like` is a superset to push.
                if let Scalar::Text(t) = v {
                    if !t.is_empty() && !t.chars().any(|c| LIKE_SPECIAL.contains(c)) {
                        let val = cx.value(v)?;
                        if shape == Shape::Loose {
                            cx.put(s, Method::Like, &[val]);
                            return Ok(());
                        }
                    }
                }
            }
            return Err(cx.unsupported(cx.offers()));
        }
        let val = cx.value(v)?;
        cx.put(s, Method::Eq, &[val]);
        return Ok(());
    }
    if !cx.has(Method::Ne) {
        return Err(cx.unsupported(cx.offers()));
    }
    let val = cx.value(v)?;
    complement(
        cx,
        shape,
        s,
        1,
        |s| {
            cx.put(s, Method::Ne, &[val]);
            Ok(())
        },
        || cx.needs_or(ne_help(cx)),
        || cx.needs_and(),
    )
}

fn emit_in<S: Sink>(cx: &Ctx, vs: &[Scalar], shape: Shape, s: &mut S) -> Result<(), JdyError> {
    cx.check_values(vs)?;
    let n = vs.len();
    let chunks = n.div_ceil(MAX_VALUES);
    if !cx.leaf.negated {
        let (method, count) = if cx.has(Method::In) {
            (Method::In, chunks)
        } else if cx.has(Method::Eq) {
            (Method::Eq, n)
        } else {
            return Err(cx.unsupported(cx.offers()));
        };
        if count == 1 || shape == Shape::Any {
            return if method == Method::In {
                cx.put_chunks(s, method, vs)
            } else {
                cx.put_each(s, method, vs)
            };
        }
        return Err(if method == Method::In {
            cx.too_many(
                n,
                "only inside a top-level `or` can a list be split into several `in` conditions; use the pushdown plan (`Query::to_jdy_pushdown`)",
            )
        } else {
            cx.needs_or(format!(
                "jdy has no `in` on {} fields, so this is one `eq` per value joined by `or`; make the filter an `or` or use the pushdown plan (`Query::to_jdy_pushdown`)",
                cx.ty().name()
            ))
        });
    }
    let (method, count) = if cx.has(Method::Nin) {
        (Method::Nin, chunks)
    } else if cx.has(Method::Ne) {
        (Method::Ne, n)
    } else {
        return Err(cx.unsupported(cx.offers()));
    };
    complement(
        cx,
        shape,
        s,
        count,
        |s| {
            if method == Method::Nin {
                cx.put_chunks(s, method, vs)
            } else {
                cx.put_each(s, method, vs)
            }
        },
        || cx.needs_or(ne_help(cx)),
        || {
            if method == Method::Nin {
                cx.too_many(
                    n,
                    "a `not in` over 200 values cannot be split inside an `or`; use the pushdown plan (`Query::to_jdy_pushdown`)",
                )
            } else {
                cx.needs_and()
            }
        },
    )
}

/// An inclusive datetime end: jdy `range` is inclusive and datetimes have millisecond
/// precision, so an exclusive end moves one millisecond inwards.
fn dt_end(cx: &Ctx, b: &Bound, lower: bool) -> Result<i64, JdyError> {
    let Scalar::DateTime(ms) = b.value else {
        return Err(cx.bad_value(format!(
            "a {} bound on a datetime field",
            scalar_kind(&b.value)
        )));
    };
    let end = if b.inclusive {
        Some(ms)
    } else if lower {
        ms.checked_add(1)
    } else {
        ms.checked_sub(1)
    };
    end.ok_or_else(|| cx.bad_value("a datetime bound at the end of the representable range"))
}

fn emit_range<S: Sink>(cx: &Ctx, r: &Range, shape: Shape, s: &mut S) -> Result<(), JdyError> {
    if r.lo.is_none() && r.hi.is_none() {
        return Err(cx.bad_value("a range with no end"));
    }
    match cx.ty() {
        FieldType::Datetime => emit_dt_range(cx, r, shape, s),
        FieldType::Number => emit_num_range(cx, r, shape, s),
        _ => Err(cx.unsupported(cx.offers())),
    }
}

/// A datetime range end as an operand: `null` when open.
fn dt_val(cx: &Ctx, end: Option<i64>) -> Result<Val<'static>, JdyError> {
    match end {
        None => Ok(Val::Null),
        Some(ms) => cx.datetime(ms),
    }
}

fn emit_dt_range<S: Sink>(cx: &Ctx, r: &Range, shape: Shape, s: &mut S) -> Result<(), JdyError> {
    let overflow = || cx.bad_value("a datetime bound at the end of the representable range");
    let lo = match &r.lo {
        Some(b) => Some(dt_end(cx, b, true)?),
        None => None,
    };
    let hi = match &r.hi {
        Some(b) => Some(dt_end(cx, b, false)?),
        None => None,
    };
    if !cx.leaf.negated {
        let (a, b) = (dt_val(cx, lo)?, dt_val(cx, hi)?);
        cx.put(s, Method::Range, &[a, b]);
        return Ok(());
    }
    // Not in [lo, hi]: below lo, above hi, or empty. Both pieces are checked whatever
    // the shape, so every shape fails with the same value error.
    let below = match lo {
        Some(lo) => {
            let below = lo.checked_sub(1).ok_or_else(overflow)?;
            Some(Piece::two(
                Method::Range,
                Val::Null,
                dt_val(cx, Some(below))?,
            ))
        }
        None => None,
    };
    let above = match hi {
        Some(hi) => {
            let above = hi.checked_add(1).ok_or_else(overflow)?;
            Some(Piece::two(
                Method::Range,
                dt_val(cx, Some(above))?,
                Val::Null,
            ))
        }
        None => None,
    };
    negated_range(cx, shape, s, [below, above])
}

/// Outside a range: one condition per side, or empty.
fn negated_range<S: Sink>(
    cx: &Ctx,
    shape: Shape,
    s: &mut S,
    pieces: [Option<Piece>; 2],
) -> Result<(), JdyError> {
    let count = pieces.iter().flatten().count();
    match shape {
        Shape::Any if !cx.has(Method::Empty) => Err(cx.unsupported(cx.offers())),
        Shape::Any => {
            for p in pieces.iter().flatten() {
                cx.put_piece(s, p);
            }
            cx.put0(s, Method::Empty);
            Ok(())
        }
        Shape::NonEmpty if count == 1 => {
            for p in pieces.iter().flatten() {
                cx.put_piece(s, p);
            }
            Ok(())
        }
        _ => Err(cx.needs_or(
            "outside a range, or empty, needs an `or` of jdy conditions; make the filter an `or` or use the pushdown plan (`Query::to_jdy_pushdown`)",
        )),
    }
}

fn emit_num_range<S: Sink>(cx: &Ctx, r: &Range, shape: Shape, s: &mut S) -> Result<(), JdyError> {
    let v = |b: &Bound| -> Result<Val<'static>, JdyError> {
        match b.value {
            Scalar::Number(_) => cx.value(&b.value).map(|v| match v {
                Val::Num(n) => Val::Num(n),
                _ => Val::Null,
            }),
            _ => Err(cx.bad_value("a non-numeric bound on a number field")),
        }
    };
    // Without `gt`/`lt` (the seed table), or where one condition must say both ends,
    // an exclusive end is the closed `range` from the adjacent f64: exact, as numbers
    // compare as f64 (no value lies between; next to zero, as the query text writes it).
    let adjacent = |b: &Bound, up: bool| -> Result<Val<'static>, JdyError> {
        let Val::Num(n) = v(b)? else {
            return Err(cx.bad_value("a non-numeric bound on a number field"));
        };
        match adjacent_number(n, up) {
            Some(next) => Ok(Val::Num(next)),
            None => Err(cx.bad_value("an exclusive bound at the end of the number range")),
        }
    };
    // `x >= lo` / `x > lo` and `x <= hi` / `x < hi`, each as one condition.
    let lower = |b: &Bound, inclusive: bool| -> Result<Piece<'static>, JdyError> {
        Ok(if inclusive {
            Piece::two(Method::Range, v(b)?, Val::Null)
        } else if cx.has(Method::Gt) {
            Piece::one(Method::Gt, v(b)?)
        } else {
            Piece::two(Method::Range, adjacent(b, true)?, Val::Null)
        })
    };
    let upper = |b: &Bound, inclusive: bool| -> Result<Piece<'static>, JdyError> {
        Ok(if inclusive {
            Piece::two(Method::Range, Val::Null, v(b)?)
        } else if cx.has(Method::Lt) {
            Piece::one(Method::Lt, v(b)?)
        } else {
            Piece::two(Method::Range, Val::Null, adjacent(b, false)?)
        })
    };
    if cx.leaf.negated {
        // The complement of `x >= lo` on a number is `x < lo`, of `x > lo` is `x <= lo`.
        let below = match &r.lo {
            Some(b) => Some(upper(b, !b.inclusive)?),
            None => None,
        };
        let above = match &r.hi {
            Some(b) => Some(lower(b, !b.inclusive)?),
            None => None,
        };
        return negated_range(cx, shape, s, [below, above]);
    }
    match (&r.lo, &r.hi) {
        (Some(lo), Some(hi)) if lo.inclusive && hi.inclusive => {
            let (a, b) = (v(lo)?, v(hi)?);
            cx.put(s, Method::Range, &[a, b]);
            Ok(())
        }
        (Some(lo), Some(hi))
            if !cx.has(Method::Gt) || !cx.has(Method::Lt) || shape == Shape::Any =>
        {
            // Both ends closed on adjacent values: one exact `range`, in any shape (in an
            // `or`, where `gt` and `lt` would need a nested `and`, even with them).
            let closed = |b: &Bound, up: bool| if b.inclusive { v(b) } else { adjacent(b, up) };
            let (a, b) = (closed(lo, true)?, closed(hi, false)?);
            cx.put(s, Method::Range, &[a, b]);
            Ok(())
        }
        (Some(lo), Some(hi)) => {
            let (l, u) = (lower(lo, lo.inclusive)?, upper(hi, hi.inclusive)?);
            match shape {
                Shape::All | Shape::NonEmpty => {
                    cx.put_piece(s, &l);
                    cx.put_piece(s, &u);
                    Ok(())
                }
                // The closed range contains the half-open one.
                Shape::Loose => {
                    let (a, b) = (v(lo)?, v(hi)?);
                    cx.put(s, Method::Range, &[a, b]);
                    Ok(())
                }
                Shape::Any => Err(cx.needs_and()),
            }
        }
        (Some(lo), None) => {
            cx.put_piece(s, &lower(lo, lo.inclusive)?);
            Ok(())
        }
        (None, Some(hi)) => {
            cx.put_piece(s, &upper(hi, hi.inclusive)?);
            Ok(())
        }
        (None, None) => Err(cx.bad_value("a range with no end")),
    }
}

fn emit_phone<S: Sink>(
    cx: &Ctx,
    pos: Method,
    neg: Method,
    shape: Shape,
    s: &mut S,
) -> Result<(), JdyError> {
    if !cx.has(pos) {
        return Err(cx.unsupported(cx.offers()));
    }
    if !cx.leaf.negated {
        cx.put0(s, pos);
        return Ok(());
    }
    // Not verified = unverified (a number, not verified) or no number at all; both
    // methods are documented to require a filled-in number, so this is exact.
    complement(
        cx,
        shape,
        s,
        1,
        |s| {
            cx.put0(s, neg);
            Ok(())
        },
        || {
            cx.needs_or(format!(
                "this is `{}` or empty; add `and {} is not empty` to exclude empty values, make the filter an `or`, or use the pushdown plan (`Query::to_jdy_pushdown`)",
                neg.name(),
                cx.leaf.field.name
            ))
        },
        || cx.needs_and(),
    )
}

/// Characters that are wildcards in SQL `LIKE` or special in regular expressions. How
/// jdy's `like` treats them (escaping, wildcards, patterns) is not documented, so an
/// operand holding one is never sent: `like` is only used where it is surely a literal
/// substring test.
pub const LIKE_SPECIAL: &str = "%_\\.*+?[](){}^$|";

fn emit_text<S: Sink>(
    cx: &Ctx,
    op: TextOp,
    text: &str,
    shape: Shape,
    s: &mut S,
) -> Result<(), JdyError> {
    if text.is_empty() {
        return Err(cx.bad_value("an empty text operand"));
    }
    if !cx.has(Method::Like) {
        return Err(cx.unsupported(cx.offers()));
    }
    if cx.leaf.negated {
        return Err(
            cx.unsupported("jdy has no negated `like`; use the pushdown plan (`Query::to_jdy_pushdown`) to evaluate it client-side")
        );
    }
    if let Some(c) = text.chars().find(|c| LIKE_SPECIAL.contains(*c)) {
        return Err(cx.bad_value(format!(
            "the text contains `{c}`, and jdy does not document whether `like` treats it as a wildcard or pattern character"
        )));
    }
    // Starting or ending with `text` implies containing it: `like` is then only loose.
    if op == TextOp::Contains || shape == Shape::Loose {
        cx.put(s, Method::Like, &[Val::Text(text)]);
        return Ok(());
    }
    Err(cx.unsupported(
        "jdy has only `like` (contains); use `contains`, or the pushdown plan (`Query::to_jdy_pushdown`) to push `like` and check the rest client-side",
    ))
}

fn emit_has<S: Sink>(
    cx: &Ctx,
    vs: &[Scalar],
    method: Method,
    shape: Shape,
    s: &mut S,
) -> Result<(), JdyError> {
    let multi = matches!(
        cx.ty(),
        FieldType::Multiselect | FieldType::Usergroup | FieldType::Deptgroup
    );
    // `has` is a set test: on a single-valued field it is not jdy's `in`.
    if !multi || !cx.has(method) {
        return Err(cx.unsupported(cx.offers()));
    }
    if cx.leaf.negated {
        return Err(cx.unsupported(
            "jdy has no negated `in`/`all` on multi-valued fields; use the pushdown plan (`Query::to_jdy_pushdown`) to evaluate it client-side",
        ));
    }
    cx.check_values(vs)?;
    let n = vs.len();
    if n <= MAX_VALUES {
        return cx.put_chunks(s, method, vs);
    }
    // `has any (A ∪ B)` = `in A or in B`; `has all (A ∪ B)` = `all A and all B`.
    match (method, shape) {
        (Method::In, Shape::Any) | (Method::All, Shape::All | Shape::NonEmpty) => {
            cx.put_chunks(s, method, vs)
        }
        // Having all of the values implies having the first chunk's.
        (Method::All, Shape::Loose) => cx.put_chunks(s, method, &vs[..MAX_VALUES]),
        (Method::All, Shape::Any) => Err(cx.too_many(
            n,
            "only inside a top-level `and` can `has all` be split into several `all` conditions; use the pushdown plan (`Query::to_jdy_pushdown`)",
        )),
        _ => Err(cx.too_many(
            n,
            "only inside a top-level `or` can `has any` be split into several `in` conditions; use the pushdown plan (`Query::to_jdy_pushdown`)",
        )),
    }
}

/// About how many bytes of JSON the conditions of `leaf` take: the usual encoding's
/// conditions with their operands, a little over rather than under (the estimate sizes
/// the output text, and regrowing would double it).
pub(super) fn estimate(leaf: &Leaf) -> usize {
    let f = &leaf.field;
    // `,` + the field's head `{"field":"…","type":"…` + `","method":"…","value":[…]}`:
    // 30 bytes around the head, and a method name of at most 5 bytes (the longer ones
    // take no value, whose 10 bytes of `,"value":[]` make up for it).
    let head = 31 + f.jdy_head(json_head).len();
    let empty_arm = if leaf.negated { head } else { 0 };
    let scalar = |s: &Scalar| match s {
        // Quotes and a comma; escapes are rare enough to regrow for.
        Scalar::Text(t) => t.len() + 3,
        Scalar::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
            // Sign, digits and a comma.
            let mut len = 3;
            let mut m = n.abs();
            while m >= 10.0 {
                m /= 10.0;
                len += 1;
            }
            len
        }
        Scalar::Number(_) => 26,
        Scalar::DateTime(_) => 32,
        Scalar::Bool(_) => 6,
    };
    let end = |b: &Option<Bound>| b.as_ref().map_or(5, |b| scalar(&b.value));
    match &leaf.test {
        Test::Eq(v) => head + scalar(v) + empty_arm,
        Test::In(vs) | Test::HasAny(vs) | Test::HasAll(vs) => {
            let conds = if matches!(f.ty, FieldType::Number | FieldType::Datetime) {
                vs.len()
            } else {
                vs.len().div_ceil(MAX_VALUES)
            };
            conds * head + vs.iter().map(scalar).sum::<usize>() + empty_arm
        }
        // One condition with both ends (`null` for an open one), or one per end.
        Test::Range(r) => {
            let ends = usize::from(r.lo.is_some()) + usize::from(r.hi.is_some());
            let closed = r.lo.as_ref().is_some_and(|b| b.inclusive)
                && r.hi.as_ref().is_some_and(|b| b.inclusive);
            let conds = if leaf.negated || (f.ty == FieldType::Number && !closed) {
                ends
            } else {
                1
            };
            conds * head + end(&r.lo) + end(&r.hi) + 10 + empty_arm
        }
        Test::Text(_, s) => head + s.len() + 3,
        Test::Empty | Test::Verified | Test::Unverified => head + empty_arm,
    }
}
