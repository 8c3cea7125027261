//! Meaning-preserving rewrites of `ir::Pred`: NNF, flattening, folding, range merging.
//!
//! [`normalize`] returns a predicate that matches exactly the same records as its input
//! under [`crate::eval::matches`] (the property tests in `tests/normalize.rs` check this
//! on generated predicates × generated records, including every empty form and values
//! of the wrong type). Each rewrite below says why it is exact.
//!
//! The output is in *normal form*:
//! - no [`Pred::Not`]: negation sits in [`crate::ir::Leaf::negated`];
//! - every `And`/`Or` has at least two operands, none of them an `And` inside an `And`
//!   or an `Or` inside an `Or`, and no two equal operands;
//! - `True`/`False` occur only as the whole predicate;
//! - `In`, `HasAny` and `HasAll` lists have no duplicates; a one-value `In` is `Eq` and a
//!   one-value `HasAny` is `HasAll`;
//! - within an `And`, a single-valued field has at most one positive range, and no
//!   range is empty;
//! - a negated range on a single-valued field is spelled out as explicit arms.
//!
//! Normalizing a normal form returns it unchanged.

use crate::ir::{Bound, FieldRef, Leaf, Pred, Range, Scalar, Test};
use crate::schema::FieldType;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// Rewrite `p` into normal form (see the module docs) without changing its meaning.
///
/// ```
/// use filterql::ir::{Bound, FieldRef, Pred, Range, Scalar, Test};
/// use filterql::normalize::normalize;
/// use filterql::{FieldType, Span};
///
/// let x = FieldRef {
///     name: "x".into(), subform: None, ty: FieldType::Number,
///     widget: None, column: "x".into(), label: None,
/// };
/// let range = |lo: Option<Bound>, hi: Option<Bound>| Test::Range(Range { lo, hi });
/// let five = |inclusive| Some(Bound { value: Scalar::Number(5.0), inclusive });
/// // not (x > 5)  →  x <= 5 or x is empty
/// let p = Pred::Not(Box::new(Pred::leaf(x.clone(), range(five(false), None), false, Span::default())));
/// assert_eq!(
///     normalize(p),
///     Pred::Or(vec![
///         Pred::leaf(x.clone(), range(None, five(true)), false, Span::default()),
///         Pred::leaf(x, Test::Empty, false, Span::default()),
///     ])
/// );
/// ```
///
/// Recursion depth is the number of nested `And`/`Or` levels of `p` (chains of `Not` are
/// walked in a loop), which the parser and checker bound.
pub fn normalize(p: Pred) -> Pred {
    nnf(p, false)
}

/// Normalize `p`, complemented when `neg` is set.
///
/// Negation is pushed down by De Morgan (`not (a and b)` = `not a or not b`, and dually),
/// double negation cancels and `not true` = `false`: all exact in two-valued logic,
/// which is the logic of `eval` (a negated leaf is the exact complement of its test).
fn nnf(mut p: Pred, mut neg: bool) -> Pred {
    // A chain of `Not`s is unwrapped in a loop, not by recursion.
    while let Pred::Not(inner) = p {
        p = *inner;
        neg = !neg;
    }
    match p {
        Pred::True => constant(!neg),
        Pred::False => constant(neg),
        // Not reached after the loop; still the right answer.
        Pred::Not(inner) => nnf(*inner, !neg),
        Pred::And(ps) => {
            let kids = ps.into_iter().map(|q| nnf(q, neg)).collect();
            if neg {
                or(kids)
            } else {
                and(kids)
            }
        }
        Pred::Or(ps) => {
            let kids = ps.into_iter().map(|q| nnf(q, neg)).collect();
            if neg {
                and(kids)
            } else {
                or(kids)
            }
        }
        Pred::Leaf(mut l) => {
            l.negated ^= neg;
            leaf(l)
        }
    }
}

fn constant(b: bool) -> Pred {
    if b {
        Pred::True
    } else {
        Pred::False
    }
}

/// Build a normalized conjunction of normalized operands.
///
/// - Nested `And`s are flattened (associativity).
/// - `True` operands are dropped (identity); one `False` makes it `False` (annihilator).
/// - Equal operands are kept once (idempotence).
/// - Two positive ranges on the same single-valued field merge into their intersection,
///   `False` when it is empty: for one value `v`, `v ∈ A and v ∈ B` is `v ∈ A ∩ B`, and
///   both are false on an empty value.
/// - No operand left is `True`; one operand is itself.
///
/// Duplicates and ranges are found through hash maps, so a 100,000-operand chain (a
/// query near the parser's size limit) costs linear, not quadratic, time.
fn and(kids: Vec<Pred>) -> Pred {
    let mut flat = Vec::with_capacity(kids.len());
    for k in kids {
        match k {
            Pred::True => {}
            Pred::False => return Pred::False,
            Pred::And(inner) => flat.extend(inner),
            other => flat.push(other),
        }
    }
    let mut out: Vec<Pred> = Vec::with_capacity(flat.len());
    let mut seen = HashSet::new();
    // The operand index of the (first) positive range on each single-valued field.
    let mut ranges: HashMap<FieldRef, usize> = HashMap::new();
    for q in flat {
        if let Pred::Leaf(new) = &q {
            if let Some((field, r2)) = mergeable_range(new) {
                match ranges.get(field) {
                    Some(&i) => {
                        let merged = match &out[i] {
                            Pred::Leaf(old) => mergeable_range(old)
                                .and_then(|(_, r1)| intersect(r1, r2))
                                .map(|m| (m, old.span.to(new.span))),
                            _ => None,
                        };
                        if let Some((merged, span)) = merged {
                            if range_is_empty(&merged) {
                                return Pred::False;
                            }
                            // A later operand equal to the replaced range is still
                            // skipped as "seen": the narrower merged range implies it.
                            out[i] = Pred::leaf(field.clone(), Test::Range(merged), false, span);
                            continue;
                        }
                    }
                    None => {
                        ranges.insert(field.clone(), out.len());
                    }
                }
            }
        }
        if seen.insert(key(&q)) {
            out.push(q);
        }
    }
    finish(out, Pred::True, Pred::And)
}

/// Build a normalized disjunction of normalized operands: the dual of [`and`] without
/// range merging (flatten, drop `False`, `True` wins, keep equal operands once).
fn or(kids: Vec<Pred>) -> Pred {
    let mut out: Vec<Pred> = Vec::with_capacity(kids.len());
    let mut seen = HashSet::new();
    let mut add = |q: Pred| {
        if seen.insert(key(&q)) {
            out.push(q);
        }
    };
    for k in kids {
        match k {
            Pred::False => {}
            Pred::True => return Pred::True,
            Pred::Or(inner) => inner.into_iter().for_each(&mut add),
            other => add(other),
        }
    }
    finish(out, Pred::False, Pred::Or)
}

/// A text that two predicates share exactly when they are equal (`PartialEq`, which
/// ignores spans), for finding duplicates by hashing.
fn key(p: &Pred) -> String {
    let mut out = String::new();
    write_key(p, &mut out);
    out
}

fn write_key(p: &Pred, out: &mut String) {
    use std::fmt::Write;
    match p {
        Pred::True => out.push('T'),
        Pred::False => out.push('F'),
        Pred::Not(q) => {
            out.push_str("!(");
            write_key(q, out);
            out.push(')');
        }
        Pred::And(ps) | Pred::Or(ps) => {
            out.push_str(if matches!(p, Pred::And(_)) {
                "&("
            } else {
                "|("
            });
            for q in ps {
                write_key(q, out);
                out.push(',');
            }
            out.push(')');
        }
        Pred::Leaf(l) => {
            // `Debug` quotes and escapes every string, so the text is unambiguous; the
            // field and test hold no span.
            let _ = write!(out, "L({:?},{},", l.field, l.negated);
            write_test_key(&l.test, out);
            out.push(')');
        }
    }
}

fn write_test_key(t: &Test, out: &mut String) {
    use std::fmt::Write;
    let list = |vs: &[Scalar], out: &mut String| {
        for v in vs {
            out.push_str(&scalar_key(v));
            out.push(',');
        }
    };
    let _ = match t {
        Test::Eq(v) => write!(out, "eq {}", scalar_key(v)),
        Test::In(vs) => {
            out.push_str("in ");
            list(vs, out);
            Ok(())
        }
        Test::HasAny(vs) => {
            out.push_str("any ");
            list(vs, out);
            Ok(())
        }
        Test::HasAll(vs) => {
            out.push_str("all ");
            list(vs, out);
            Ok(())
        }
        Test::Range(r) => {
            for b in [&r.lo, &r.hi] {
                match b {
                    Some(b) => {
                        let _ = write!(out, "[{} {}]", scalar_key(&b.value), b.inclusive);
                    }
                    None => out.push_str("[]"),
                }
            }
            Ok(())
        }
        Test::Text(op, s) => write!(out, "text {op:?} {s:?}"),
        Test::Empty | Test::Verified | Test::Unverified => write!(out, "{t:?}"),
    };
}

/// A text two scalars share exactly when they are equal (`0.0` and `-0.0` are).
fn scalar_key(v: &Scalar) -> String {
    match v {
        Scalar::Number(n) if *n == 0.0 => "n0".to_owned(),
        Scalar::Number(n) => format!("n{n:?}"),
        Scalar::Text(t) => format!("t{t:?}"),
        Scalar::DateTime(ms) => format!("d{ms}"),
        Scalar::Bool(b) => format!("b{b}"),
    }
}

fn finish(mut out: Vec<Pred>, unit: Pred, build: fn(Vec<Pred>) -> Pred) -> Pred {
    match out.len() {
        0 => unit,
        1 => out.pop().unwrap_or(unit),
        _ => build(out),
    }
}

/// The field and range of a positive range leaf on a single-valued field.
fn mergeable_range(l: &Leaf) -> Option<(&FieldRef, &Range)> {
    match &l.test {
        Test::Range(r) if !l.negated && single_valued(&l.field) => Some((&l.field, r)),
        _ => None,
    }
}

/// Whether the field has at most one value per record. Subform columns have one per row
/// and are tested with "some row", array-valued types with "some item": for those, two
/// ranges may be met by different rows/items and must not be merged, nor may a negated
/// range be spelled out as "below or above or empty".
fn single_valued(f: &FieldRef) -> bool {
    f.subform.is_none()
        && !matches!(
            f.ty,
            FieldType::Multiselect
                | FieldType::Usergroup
                | FieldType::Deptgroup
                | FieldType::Subform
        )
}

/// Normalize one leaf (its `negated` already final).
///
/// - `In`/`HasAny`/`HasAll` lose duplicate values (set semantics in `eval`).
/// - A one-value `In` is `Eq` (`v in (a)` iff `v = a`); an empty `In` or `HasAny` is
///   `False` (no value is among none), complemented when negated.
/// - A one-value `HasAny` is `HasAll` (some of `{a}` = all of `{a}`).
/// - An empty range is `False`, its negation `True`.
/// - A negated range becomes explicit arms where that is exact (see [`spell_out`]).
fn leaf(mut l: Leaf) -> Pred {
    match &mut l.test {
        Test::In(vs) | Test::HasAny(vs) | Test::HasAll(vs) => dedup(vs),
        _ => {}
    }
    l.test = match std::mem::replace(&mut l.test, Test::Empty) {
        Test::In(mut vs) if vs.len() == 1 => Test::Eq(vs.remove(0)),
        Test::In(vs) | Test::HasAny(vs) if vs.is_empty() => return constant(l.negated),
        Test::HasAny(vs) if vs.len() == 1 => Test::HasAll(vs),
        Test::Range(r) if range_is_empty(&r) => return constant(l.negated),
        other => other,
    };
    if l.negated {
        if let Test::Range(r) = &l.test {
            if let Some(arms) = spell_out(&l, r) {
                return or(arms);
            }
        }
    }
    Pred::Leaf(l)
}

fn dedup(vs: &mut Vec<Scalar>) {
    let mut seen = HashSet::with_capacity(vs.len());
    vs.retain(|v| seen.insert(scalar_key(v)));
}

/// `not (x in [lo, hi])` as `x < lo or x > hi or x is empty` (with the open/closed ends
/// flipped, and an arm only for each end present).
///
/// Exact when every non-empty value of the field compares with every bound: then a
/// value is either empty, below `lo`, within the range, or above `hi`. That holds for a
/// single-valued field whose values all have the bounds' kind — numbers on number,
/// flowstate and dept fields, instants on datetime fields, strings on the text-like
/// fields — because `eval` treats a value the field type cannot hold as empty. It does
/// not hold for subform columns or array-valued fields ("no row in range" is not "some
/// row outside it"), nor for `other` fields (mixed kinds), which keep the negated leaf.
fn spell_out(l: &Leaf, r: &Range) -> Option<Vec<Pred>> {
    if !single_valued(&l.field) || (r.lo.is_none() && r.hi.is_none()) {
        return None;
    }
    let total = |b: &Option<Bound>| {
        b.as_ref()
            .map_or(true, |b| kind_is_total(l.field.ty, &b.value))
    };
    if !total(&r.lo) || !total(&r.hi) {
        return None;
    }
    let arm = |range: Range| Pred::leaf(l.field.clone(), Test::Range(range), false, l.span);
    let flip = |b: &Bound| Bound {
        value: b.value.clone(),
        inclusive: !b.inclusive,
    };
    let mut arms = Vec::with_capacity(3);
    if let Some(lo) = &r.lo {
        arms.push(arm(Range {
            lo: None,
            hi: Some(flip(lo)),
        }));
    }
    if let Some(hi) = &r.hi {
        arms.push(arm(Range {
            lo: Some(flip(hi)),
            hi: None,
        }));
    }
    arms.push(Pred::leaf(l.field.clone(), Test::Empty, false, l.span));
    Some(arms)
}

/// Whether every non-empty value `eval` sees in a field of type `ty` compares with `v`
/// (mirrors the value views in `eval`).
fn kind_is_total(ty: FieldType, v: &Scalar) -> bool {
    use FieldType as T;
    match v {
        Scalar::Number(n) => n.is_finite() && matches!(ty, T::Number | T::Flowstate | T::Dept),
        Scalar::DateTime(_) => ty == T::Datetime,
        Scalar::Text(_) => matches!(
            ty,
            T::Text | T::Select | T::Sn | T::Dataid | T::User | T::Phone
        ),
        Scalar::Bool(_) => false,
    }
}

/// The order of two bound values, `None` when they are of different kinds.
fn cmp_scalar(a: &Scalar, b: &Scalar) -> Option<Ordering> {
    match (a, b) {
        (Scalar::Text(x), Scalar::Text(y)) => Some(x.cmp(y)),
        (Scalar::Number(x), Scalar::Number(y)) => x.partial_cmp(y),
        (Scalar::DateTime(x), Scalar::DateTime(y)) => Some(x.cmp(y)),
        (Scalar::Bool(x), Scalar::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// The intersection of two ranges, or `None` when their bounds are not comparable (then
/// they are left apart, which is always exact).
fn intersect(a: &Range, b: &Range) -> Option<Range> {
    Some(Range {
        lo: tighter(&a.lo, &b.lo, Ordering::Greater)?,
        hi: tighter(&a.hi, &b.hi, Ordering::Less)?,
    })
}

/// Of two ends of the same side, the one that excludes more: the larger lower end or the
/// smaller upper end (`wins` says which order wins); at equal values, the exclusive one.
/// `None` when they cannot be compared.
fn tighter(a: &Option<Bound>, b: &Option<Bound>, wins: Ordering) -> Option<Option<Bound>> {
    Some(match (a, b) {
        (None, None) => None,
        (Some(x), None) | (None, Some(x)) => Some(x.clone()),
        (Some(x), Some(y)) => match cmp_scalar(&x.value, &y.value)? {
            Ordering::Equal => Some(Bound {
                value: x.value.clone(),
                inclusive: x.inclusive && y.inclusive,
            }),
            o if o == wins => Some(x.clone()),
            _ => Some(y.clone()),
        },
    })
}

/// Whether no value lies in the range: both ends present, comparable, and either
/// `lo > hi` or `lo == hi` with an end excluded. Incomparable ends are not claimed empty.
pub(crate) fn range_is_empty(r: &Range) -> bool {
    match (&r.lo, &r.hi) {
        (Some(lo), Some(hi)) => match cmp_scalar(&lo.value, &hi.value) {
            Some(Ordering::Greater) => true,
            Some(Ordering::Equal) => !(lo.inclusive && hi.inclusive),
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn f(name: &str, ty: FieldType) -> FieldRef {
        FieldRef {
            name: name.into(),
            subform: None,
            ty,
            widget: None,
            column: name.into(),
            label: None,
        }
    }

    fn num() -> FieldRef {
        f("n", FieldType::Number)
    }

    fn b(v: f64, inclusive: bool) -> Bound {
        Bound {
            value: Scalar::Number(v),
            inclusive,
        }
    }

    fn rng(field: FieldRef, lo: Option<Bound>, hi: Option<Bound>, negated: bool) -> Pred {
        Pred::leaf(
            field,
            Test::Range(Range { lo, hi }),
            negated,
            Span::default(),
        )
    }

    fn lf(field: FieldRef, test: Test, negated: bool) -> Pred {
        Pred::leaf(field, test, negated, Span::default())
    }

    fn not(p: Pred) -> Pred {
        Pred::Not(Box::new(p))
    }

    #[test]
    fn not_gt_becomes_le_or_empty() {
        let p = not(rng(num(), Some(b(5.0, false)), None, false));
        let want = Pred::Or(vec![
            rng(num(), None, Some(b(5.0, true)), false),
            lf(num(), Test::Empty, false),
        ]);
        assert_eq!(normalize(p), want);
    }

    #[test]
    fn not_between_becomes_three_arms() {
        let p = rng(num(), Some(b(1.0, true)), Some(b(9.0, true)), true);
        let want = Pred::Or(vec![
            rng(num(), None, Some(b(1.0, false)), false),
            rng(num(), Some(b(9.0, false)), None, false),
            lf(num(), Test::Empty, false),
        ]);
        assert_eq!(normalize(p), want);
    }

    #[test]
    fn negated_range_on_subform_column_stays_a_leaf() {
        let col = FieldRef {
            subform: Some("items".into()),
            ..num()
        };
        let p = rng(col, Some(b(5.0, false)), None, true);
        assert_eq!(normalize(p.clone()), p);
    }

    #[test]
    fn de_morgan_and_double_negation() {
        let a = lf(num(), Test::Eq(Scalar::Number(1.0)), false);
        let c = lf(f("t", FieldType::Text), Test::Empty, false);
        let p = not(Pred::And(vec![a.clone(), not(not(c.clone()))]));
        let neg = |p: &Pred| match p {
            Pred::Leaf(l) => Pred::Leaf(Leaf {
                negated: !l.negated,
                ..l.clone()
            }),
            _ => unreachable!(),
        };
        assert_eq!(normalize(p), Pred::Or(vec![neg(&a), neg(&c)]));
        assert_eq!(normalize(not(not(a.clone()))), a);
    }

    #[test]
    fn constants_fold() {
        let a = lf(num(), Test::Empty, false);
        assert_eq!(normalize(not(Pred::True)), Pred::False);
        assert_eq!(normalize(not(Pred::False)), Pred::True);
        assert_eq!(normalize(Pred::And(vec![a.clone(), Pred::True])), a);
        assert_eq!(
            normalize(Pred::And(vec![a.clone(), Pred::False])),
            Pred::False
        );
        assert_eq!(normalize(Pred::Or(vec![a.clone(), Pred::True])), Pred::True);
        assert_eq!(normalize(Pred::Or(vec![Pred::False, a.clone()])), a);
        assert_eq!(normalize(Pred::And(vec![])), Pred::True);
        assert_eq!(normalize(Pred::Or(vec![])), Pred::False);
        assert_eq!(
            normalize(not(Pred::Or(vec![a.clone(), not(Pred::False)]))),
            Pred::False
        );
    }

    #[test]
    fn nested_same_kind_flattens_and_duplicates_go() {
        let x = |v: f64| lf(num(), Test::Eq(Scalar::Number(v)), false);
        let p = Pred::Or(vec![
            x(1.0),
            Pred::Or(vec![x(2.0), Pred::Or(vec![x(1.0), x(3.0)])]),
        ]);
        assert_eq!(normalize(p), Pred::Or(vec![x(1.0), x(2.0), x(3.0)]));
    }

    #[test]
    fn in_values_dedup_and_singletons() {
        let t = f("t", FieldType::Text);
        let s = |v: &str| Scalar::Text(v.into());
        let p = lf(t.clone(), Test::In(vec![s("a"), s("b"), s("a")]), true);
        assert_eq!(
            normalize(p),
            lf(t.clone(), Test::In(vec![s("a"), s("b")]), true)
        );
        let p = lf(t.clone(), Test::In(vec![s("a"), s("a")]), false);
        assert_eq!(normalize(p), lf(t.clone(), Test::Eq(s("a")), false));
        let m = f("m", FieldType::Multiselect);
        let p = lf(m.clone(), Test::HasAny(vec![s("a"), s("a")]), false);
        assert_eq!(
            normalize(p),
            lf(m.clone(), Test::HasAll(vec![s("a")]), false)
        );
        let p = lf(m.clone(), Test::HasAll(vec![s("b"), s("a"), s("b")]), false);
        assert_eq!(
            normalize(p),
            lf(m, Test::HasAll(vec![s("b"), s("a")]), false)
        );
    }

    #[test]
    fn ranges_merge_inside_and() {
        let ge1 = rng(num(), Some(b(1.0, true)), None, false);
        let le9 = rng(num(), None, Some(b(9.0, true)), false);
        let gt1 = rng(num(), Some(b(1.0, false)), None, false);
        let other = lf(f("t", FieldType::Text), Test::Empty, false);
        let p = Pred::And(vec![ge1.clone(), other.clone(), le9, gt1]);
        assert_eq!(
            normalize(p),
            Pred::And(vec![
                rng(num(), Some(b(1.0, false)), Some(b(9.0, true)), false),
                other
            ])
        );
        // Empty intersections, including touching ends with one excluded.
        let lt1 = rng(num(), None, Some(b(1.0, false)), false);
        assert_eq!(normalize(Pred::And(vec![ge1.clone(), lt1])), Pred::False);
        let le1 = rng(num(), None, Some(b(1.0, true)), false);
        assert_eq!(
            normalize(Pred::And(vec![ge1, le1])),
            rng(num(), Some(b(1.0, true)), Some(b(1.0, true)), false)
        );
        // An empty range alone.
        assert_eq!(
            normalize(rng(num(), Some(b(3.0, true)), Some(b(2.0, true)), false)),
            Pred::False
        );
        assert_eq!(
            normalize(rng(num(), Some(b(3.0, true)), Some(b(2.0, true)), true)),
            Pred::True
        );
    }

    #[test]
    fn ranges_on_subform_columns_do_not_merge() {
        let col = FieldRef {
            subform: Some("items".into()),
            ..num()
        };
        let p = Pred::And(vec![
            rng(col.clone(), Some(b(5.0, false)), None, false),
            rng(col, None, Some(b(1.0, false)), false),
        ]);
        assert_eq!(normalize(p.clone()), p);
    }
}
