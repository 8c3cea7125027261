//! One IR leaf → the jdy conditions that express it, in every shape a flat filter can
//! use: as an `or` of conditions, as an `and` of conditions, as an `and` valid when the
//! field is known to be non-empty, and as a single looser condition (a superset, for
//! pushdown).

use crate::ir::{Bound, Leaf, Range, Scalar, Test};
use crate::schema::FieldType;
use crate::syntax::ast::TextOp;
use crate::target::jdy::JdyError;
use crate::target::jdy::JdyOptions;
use crate::target::jdy::{JdyCond, Method};
use chrono::{DateTime, Datelike};
use serde_json::Value;

/// jdy's limit on the values of one `in`, `nin` or `all` condition.
pub const MAX_VALUES: usize = 200;

/// The methods jdy offers for a field type (DESIGN §5).
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

/// The encodings of one leaf. A shape is `None` when it cannot express the leaf exactly;
/// the matching `err_*` then says why.
#[derive(Debug, Clone)]
pub struct LeafEnc {
    /// The leaf is exactly the `or` of these conditions.
    pub any: Option<Vec<JdyCond>>,
    /// The leaf is exactly the `and` of these conditions.
    pub all: Option<Vec<JdyCond>>,
    /// On records where the field is not empty, the leaf is exactly the `and` of these.
    pub nonempty: Option<Vec<JdyCond>>,
    /// One condition matching every record the leaf matches (and maybe more).
    pub loose: Option<JdyCond>,
    /// Why `all` is `None`.
    pub err_in_and: Option<JdyError>,
    /// Why `any` is `None`.
    pub err_in_or: Option<JdyError>,
}

impl LeafEnc {
    fn none(err: JdyError) -> Self {
        LeafEnc {
            any: None,
            all: None,
            nonempty: None,
            loose: None,
            err_in_and: Some(err.clone()),
            err_in_or: Some(err),
        }
    }

    fn one(c: JdyCond) -> Self {
        LeafEnc {
            any: Some(vec![c.clone()]),
            all: Some(vec![c.clone()]),
            nonempty: Some(vec![c.clone()]),
            loose: Some(c),
            err_in_and: None,
            err_in_or: None,
        }
    }
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
            let op = match op {
                TextOp::Contains => "contains",
                TextOp::StartsWith => "startswith",
                TextOp::EndsWith => "endswith",
            };
            format!("`{not}{op}`")
        }
        Test::HasAny(_) => format!("`{not}has any`"),
        Test::HasAll(_) => format!("`{not}has all`"),
    }
}

/// Builds the conditions of one leaf's field.
struct Ctx<'a> {
    leaf: &'a Leaf,
    opts: &'a JdyOptions,
}

impl Ctx<'_> {
    fn ty(&self) -> FieldType {
        self.leaf.field.ty
    }

    fn has(&self, m: Method) -> bool {
        methods(self.ty()).contains(&m)
    }

    fn cond(&self, method: Method, value: Option<Vec<Value>>) -> JdyCond {
        let f = &self.leaf.field;
        JdyCond {
            field: f.name.clone(),
            ty: f
                .widget
                .clone()
                .or_else(|| default_type(f.ty).map(str::to_owned)),
            method,
            value,
        }
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
        let names: Vec<&str> = methods(self.ty()).iter().map(|m| m.name()).collect();
        format!(
            "jdy offers only {} on {} fields; use --pushdown to evaluate this client-side",
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

    /// The JSON form of a value on this field.
    fn value(&self, s: &Scalar) -> Result<Value, JdyError> {
        let ty = self.ty();
        match (s, ty) {
            (
                Scalar::Number(n),
                FieldType::Number | FieldType::Flowstate | FieldType::Dept | FieldType::Deptgroup,
            ) => number(*n).ok_or_else(|| self.bad_value(format!("the number {n} is not finite"))),
            (
                Scalar::Text(t),
                FieldType::Text
                | FieldType::Select
                | FieldType::Sn
                | FieldType::Dataid
                | FieldType::User
                | FieldType::Usergroup
                | FieldType::Multiselect
                | FieldType::Phone,
            ) => Ok(Value::String(t.clone())),
            (Scalar::DateTime(ms), FieldType::Datetime) => datetime(*ms, self.opts)
                .map(Value::String)
                .ok_or_else(|| self.bad_value("the datetime is outside the years 1–9999")),
            _ => Err(self.bad_value(format!(
                "a {} value on a {} field has no jdy form",
                scalar_kind(s),
                ty.name()
            ))),
        }
    }

    fn values(&self, vs: &[Scalar]) -> Result<Vec<Value>, JdyError> {
        if vs.is_empty() {
            return Err(self.bad_value("an empty list of values"));
        }
        vs.iter().map(|v| self.value(v)).collect()
    }

    /// `method` over `vs` split into conditions of at most [`MAX_VALUES`] values.
    fn chunked(&self, method: Method, vs: &[Value]) -> Vec<JdyCond> {
        vs.chunks(MAX_VALUES)
            .map(|c| self.cond(method, Some(c.to_vec())))
            .collect()
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

/// The emitted datetime format: ISO-8601 with milliseconds and the query's UTC offset,
/// e.g. `2022-01-01T00:00:00.000+08:00`. An explicit offset makes the instant exact
/// whatever time zone the jdy tenant is set to; milliseconds are jdy's precision.
pub fn datetime(ms: i64, opts: &JdyOptions) -> Option<String> {
    let t = DateTime::from_timestamp_millis(ms)?.with_timezone(&opts.tz);
    if !(1..=9999).contains(&t.year()) {
        return None;
    }
    Some(t.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string())
}

/// Encodes one leaf. Never fails: what cannot be expressed carries its error.
pub fn encode(leaf: &Leaf, opts: &JdyOptions) -> LeafEnc {
    let cx = Ctx { leaf, opts };
    if let Some(sub) = &leaf.field.subform {
        return LeafEnc::none(JdyError::SubformColumn {
            field: cx.field(),
            subform: sub.clone(),
            span: leaf.span,
        });
    }
    let r = match &leaf.test {
        Test::Empty => Ok(LeafEnc::one(cx.cond(
            if leaf.negated {
                Method::NotEmpty
            } else {
                Method::Empty
            },
            None,
        ))),
        Test::Eq(v) => encode_eq(&cx, v),
        Test::In(vs) => encode_in(&cx, vs),
        Test::Range(r) => encode_range(&cx, r),
        Test::Verified => encode_phone(&cx, Method::Verified, Method::Unverified),
        Test::Unverified => encode_phone(&cx, Method::Unverified, Method::Verified),
        Test::Text(op, s) => encode_text(&cx, *op, s),
        Test::HasAny(vs) => encode_has(&cx, vs, Method::In),
        Test::HasAll(vs) => encode_has(&cx, vs, Method::All),
    };
    r.unwrap_or_else(LeafEnc::none)
}

/// The two-valued complement of a test that is false on empty values is
/// "the complementary method, or empty". jdy does not document whether `ne`/`nin` match
/// empty values, so that complement is only ever emitted with an explicit `empty` arm
/// (correct whichever way jdy behaves) or, in an `and`, next to a conjunct that already
/// rules out empty values.
fn complement(cx: &Ctx, conds: Vec<JdyCond>, help: &str) -> LeafEnc {
    let any = if conds.len() == 1 {
        let mut v = conds.clone();
        v.push(cx.cond(Method::Empty, None));
        Some(v)
    } else {
        None
    };
    LeafEnc {
        // Several conditions (a long `nin`, one `ne` per value) would need a nested `and`.
        err_in_or: any.is_none().then(|| cx.needs_and()),
        any,
        all: None,
        nonempty: Some(conds),
        loose: None,
        err_in_and: Some(cx.needs_or(help)),
    }
}

fn ne_help(cx: &Ctx) -> String {
    let f = &cx.leaf.field.name;
    format!(
        "jdy does not document whether `ne`/`nin` match records where `{f}` is empty, so this is only exact as `ne ... or empty`; add `and {f} is not empty` if empty values should not match, make it the only condition, or use --pushdown"
    )
}

fn encode_eq(cx: &Ctx, v: &Scalar) -> Result<LeafEnc, JdyError> {
    let leaf = cx.leaf;
    if !leaf.negated {
        if !cx.has(Method::Eq) {
            let mut e = LeafEnc::none(cx.unsupported(cx.offers()));
            if cx.has(Method::Like) {
                // Equal implies contains: `like` is a superset to push.
                if let Scalar::Text(t) = v {
                    if !t.is_empty() && !t.chars().any(|c| LIKE_SPECIAL.contains(c)) {
                        e.loose = Some(cx.cond(Method::Like, Some(vec![cx.value(v)?])));
                    }
                }
            }
            return Ok(e);
        }
        return Ok(LeafEnc::one(cx.cond(Method::Eq, Some(vec![cx.value(v)?]))));
    }
    if !cx.has(Method::Ne) {
        return Ok(LeafEnc::none(cx.unsupported(cx.offers())));
    }
    let c = cx.cond(Method::Ne, Some(vec![cx.value(v)?]));
    Ok(complement(cx, vec![c], &ne_help(cx)))
}

fn encode_in(cx: &Ctx, vs: &[Scalar]) -> Result<LeafEnc, JdyError> {
    let values = cx.values(vs)?;
    let n = values.len();
    if !cx.leaf.negated {
        let conds = if cx.has(Method::In) {
            cx.chunked(Method::In, &values)
        } else if cx.has(Method::Eq) {
            values
                .into_iter()
                .map(|v| cx.cond(Method::Eq, Some(vec![v])))
                .collect()
        } else {
            return Ok(LeafEnc::none(cx.unsupported(cx.offers())));
        };
        if conds.len() == 1 {
            return Ok(LeafEnc::one(conds.into_iter().next().unwrap_or_else(
                || {
                    // Unreachable: `values` is non-empty.
                    cx.cond(Method::In, Some(Vec::new()))
                },
            )));
        }
        let err = if cx.has(Method::In) {
            cx.too_many(
                n,
                "only inside a top-level `or` can a list be split into several `in` conditions; use --pushdown",
            )
        } else {
            cx.needs_or(format!(
                "jdy has no `in` on {} fields, so this is one `eq` per value joined by `or`; make the filter an `or` or use --pushdown",
                cx.ty().name()
            ))
        };
        return Ok(LeafEnc {
            any: Some(conds),
            all: None,
            nonempty: None,
            loose: None,
            err_in_and: Some(err),
            err_in_or: None,
        });
    }
    let conds = if cx.has(Method::Nin) {
        cx.chunked(Method::Nin, &values)
    } else if cx.has(Method::Ne) {
        values
            .into_iter()
            .map(|v| cx.cond(Method::Ne, Some(vec![v])))
            .collect()
    } else {
        return Ok(LeafEnc::none(cx.unsupported(cx.offers())));
    };
    if conds.len() > 1 && cx.has(Method::Nin) {
        let mut e = complement(cx, conds, &ne_help(cx));
        e.err_in_or = Some(cx.too_many(
            n,
            "a `not in` over 200 values cannot be split inside an `or`; use --pushdown",
        ));
        return Ok(e);
    }
    Ok(complement(cx, conds, &ne_help(cx)))
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

fn encode_range(cx: &Ctx, r: &Range) -> Result<LeafEnc, JdyError> {
    if r.lo.is_none() && r.hi.is_none() {
        return Err(cx.bad_value("a range with no end"));
    }
    match cx.ty() {
        FieldType::Datetime => encode_dt_range(cx, r),
        FieldType::Number => encode_num_range(cx, r),
        _ => Ok(LeafEnc::none(cx.unsupported(cx.offers()))),
    }
}

fn dt_range_cond(cx: &Ctx, lo: Option<i64>, hi: Option<i64>) -> Result<JdyCond, JdyError> {
    let end = |e: Option<i64>| -> Result<Value, JdyError> {
        match e {
            None => Ok(Value::Null),
            Some(ms) => cx.value(&Scalar::DateTime(ms)),
        }
    };
    Ok(cx.cond(Method::Range, Some(vec![end(lo)?, end(hi)?])))
}

fn encode_dt_range(cx: &Ctx, r: &Range) -> Result<LeafEnc, JdyError> {
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
        return Ok(LeafEnc::one(dt_range_cond(cx, lo, hi)?));
    }
    // Not in [lo, hi]: below lo, above hi, or empty.
    let mut pieces = Vec::new();
    if let Some(lo) = lo {
        let below = lo.checked_sub(1).ok_or_else(overflow)?;
        pieces.push(dt_range_cond(cx, None, Some(below))?);
    }
    if let Some(hi) = hi {
        let above = hi.checked_add(1).ok_or_else(overflow)?;
        pieces.push(dt_range_cond(cx, Some(above), None)?);
    }
    Ok(negated_range(cx, pieces))
}

fn negated_range(cx: &Ctx, pieces: Vec<JdyCond>) -> LeafEnc {
    let nonempty = (pieces.len() == 1).then(|| pieces.clone());
    let mut any = pieces;
    any.push(cx.cond(Method::Empty, None));
    LeafEnc {
        any: Some(any),
        all: None,
        nonempty,
        loose: None,
        err_in_and: Some(cx.needs_or(
            "outside a range, or empty, needs an `or` of jdy conditions; make the filter an `or` or use --pushdown",
        )),
        err_in_or: None,
    }
}

fn encode_num_range(cx: &Ctx, r: &Range) -> Result<LeafEnc, JdyError> {
    let v = |b: &Bound| -> Result<Value, JdyError> {
        match b.value {
            Scalar::Number(_) => cx.value(&b.value),
            _ => Err(cx.bad_value("a non-numeric bound on a number field")),
        }
    };
    // `x >= lo` / `x > lo` and `x <= hi` / `x < hi`, each as one condition.
    let lower = |b: &Bound| -> Result<JdyCond, JdyError> {
        Ok(if b.inclusive {
            cx.cond(Method::Range, Some(vec![v(b)?, Value::Null]))
        } else {
            cx.cond(Method::Gt, Some(vec![v(b)?]))
        })
    };
    let upper = |b: &Bound| -> Result<JdyCond, JdyError> {
        Ok(if b.inclusive {
            cx.cond(Method::Range, Some(vec![Value::Null, v(b)?]))
        } else {
            cx.cond(Method::Lt, Some(vec![v(b)?]))
        })
    };
    if cx.leaf.negated {
        // The complement of `x >= lo` on a number is `x < lo`, of `x > lo` is `x <= lo`.
        let mut pieces = Vec::new();
        if let Some(b) = &r.lo {
            let flipped = Bound {
                value: b.value.clone(),
                inclusive: !b.inclusive,
            };
            pieces.push(upper(&flipped)?);
        }
        if let Some(b) = &r.hi {
            let flipped = Bound {
                value: b.value.clone(),
                inclusive: !b.inclusive,
            };
            pieces.push(lower(&flipped)?);
        }
        return Ok(negated_range(cx, pieces));
    }
    match (&r.lo, &r.hi) {
        (Some(lo), Some(hi)) if lo.inclusive && hi.inclusive => Ok(LeafEnc::one(
            cx.cond(Method::Range, Some(vec![v(lo)?, v(hi)?])),
        )),
        (Some(lo), Some(hi)) => {
            let conds = vec![lower(lo)?, upper(hi)?];
            Ok(LeafEnc {
                any: None,
                all: Some(conds.clone()),
                nonempty: Some(conds),
                // The closed range contains the half-open one.
                loose: Some(cx.cond(Method::Range, Some(vec![v(lo)?, v(hi)?]))),
                err_in_and: None,
                err_in_or: Some(cx.needs_and()),
            })
        }
        (Some(lo), None) => Ok(LeafEnc::one(lower(lo)?)),
        (None, Some(hi)) => Ok(LeafEnc::one(upper(hi)?)),
        (None, None) => Err(cx.bad_value("a range with no end")),
    }
}

fn encode_phone(cx: &Ctx, pos: Method, neg: Method) -> Result<LeafEnc, JdyError> {
    if !cx.has(pos) {
        return Ok(LeafEnc::none(cx.unsupported(cx.offers())));
    }
    if !cx.leaf.negated {
        return Ok(LeafEnc::one(cx.cond(pos, None)));
    }
    // Not verified = unverified (a number, not verified) or no number at all; both
    // methods are documented to require a filled-in number, so this is exact.
    let c = cx.cond(neg, None);
    let mut e = complement(cx, vec![c], "");
    e.err_in_and = Some(cx.needs_or(format!(
        "this is `{}` or empty; add `and {} is not empty` to exclude empty values, make the filter an `or`, or use --pushdown",
        neg.name(),
        cx.leaf.field.name
    )));
    Ok(e)
}

/// Characters that are wildcards in SQL `LIKE` or special in regular expressions. How
/// jdy's `like` treats them (escaping, wildcards, patterns) is not documented, so an
/// operand holding one is never sent: `like` is only used where it is surely a literal
/// substring test.
pub const LIKE_SPECIAL: &str = "%_\\.*+?[](){}^$|";

fn encode_text(cx: &Ctx, op: TextOp, s: &str) -> Result<LeafEnc, JdyError> {
    if s.is_empty() {
        return Err(cx.bad_value("an empty text operand"));
    }
    if !cx.has(Method::Like) {
        return Ok(LeafEnc::none(cx.unsupported(cx.offers())));
    }
    if cx.leaf.negated {
        return Ok(LeafEnc::none(cx.unsupported(
            "jdy has no negated `like`; use --pushdown to evaluate it client-side",
        )));
    }
    if let Some(c) = s.chars().find(|c| LIKE_SPECIAL.contains(*c)) {
        return Ok(LeafEnc::none(cx.bad_value(format!(
            "the text contains `{c}`, and jdy does not document whether `like` treats it as a wildcard or pattern character"
        ))));
    }
    let like = cx.cond(Method::Like, Some(vec![Value::String(s.to_owned())]));
    match op {
        TextOp::Contains => Ok(LeafEnc::one(like)),
        TextOp::StartsWith | TextOp::EndsWith => {
            let mut e = LeafEnc::none(cx.unsupported(
                "jdy has only `like` (contains); use `contains`, or --pushdown to push `like` and check the rest client-side",
            ));
            // Starting or ending with `s` implies containing it.
            e.loose = Some(like);
            Ok(e)
        }
    }
}

fn encode_has(cx: &Ctx, vs: &[Scalar], method: Method) -> Result<LeafEnc, JdyError> {
    let multi = matches!(
        cx.ty(),
        FieldType::Multiselect | FieldType::Usergroup | FieldType::Deptgroup
    );
    // `has` is a set test: on a single-valued field it is not jdy's `in`.
    if !multi || !cx.has(method) {
        return Ok(LeafEnc::none(cx.unsupported(cx.offers())));
    }
    if cx.leaf.negated {
        return Ok(LeafEnc::none(cx.unsupported(
            "jdy has no negated `in`/`all` on multi-valued fields; use --pushdown to evaluate it client-side",
        )));
    }
    let values = cx.values(vs)?;
    let n = values.len();
    let conds = cx.chunked(method, &values);
    if conds.len() == 1 {
        return Ok(LeafEnc::one(conds.into_iter().next().unwrap_or_else(
            || {
                // Unreachable: `values` is non-empty.
                cx.cond(method, Some(Vec::new()))
            },
        )));
    }
    // `has any (A ∪ B)` = `in A or in B`; `has all (A ∪ B)` = `all A and all B`.
    Ok(if method == Method::In {
        LeafEnc {
            any: Some(conds),
            all: None,
            nonempty: None,
            loose: None,
            err_in_and: Some(cx.too_many(
                n,
                "only inside a top-level `or` can `has any` be split into several `in` conditions; use --pushdown",
            )),
            err_in_or: None,
        }
    } else {
        LeafEnc {
            loose: conds.first().cloned(),
            any: None,
            all: Some(conds.clone()),
            nonempty: Some(conds),
            err_in_and: None,
            err_in_or: Some(cx.too_many(
                n,
                "only inside a top-level `and` can `has all` be split into several `all` conditions; use --pushdown",
            )),
        }
    })
}
