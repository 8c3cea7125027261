//! Building IR tests from checked values: comparisons into ranges, whole days, value
//! lists.

use super::values::Time;
use crate::ir::{Bound, FieldRef, Pred, Range, Scalar, Test};
use crate::span::Span;
use crate::syntax::ast::CmpOp;
use std::collections::HashSet;

/// `Test::HasAll` or `Test::HasAny`.
pub(super) type HasTest = fn(Vec<Scalar>) -> Test;

/// A leaf under construction: the resolved field and the predicate's span.
pub(super) struct Leaf {
    pub(super) field: FieldRef,
    pub(super) span: Span,
}

impl Leaf {
    pub(super) fn make(&self, test: Test, negated: bool) -> Pred {
        Pred::leaf(self.field.clone(), test, negated, self.span)
    }
}

pub(super) fn bound(value: Scalar, inclusive: bool) -> Bound {
    Bound { value, inclusive }
}

pub(super) fn scalar_compare(op: CmpOp, v: Scalar) -> (Test, bool) {
    // `v` is moved into the one test built: a text value shared with the query text is
    // not cloned and dropped again (a shared counter touched twice per comparison).
    let range = |lo, hi| Test::Range(Range { lo, hi });
    match op {
        CmpOp::Eq => (Test::Eq(v), false),
        CmpOp::Ne => (Test::Eq(v), true),
        CmpOp::Lt => (range(None, Some(bound(v, false))), false),
        CmpOp::Le => (range(None, Some(bound(v, true))), false),
        CmpOp::Gt => (range(Some(bound(v, false)), None), false),
        CmpOp::Ge => (range(Some(bound(v, true)), None), false),
    }
}

fn day_range(start: i64, end: i64) -> Test {
    Test::Range(Range {
        lo: Some(bound(Scalar::DateTime(start), true)),
        hi: Some(bound(Scalar::DateTime(end), false)),
    })
}

pub(super) fn time_compare(op: CmpOp, t: Time) -> (Test, bool) {
    let (start, end) = match t {
        Time::Instant(ms) => return scalar_compare(op, Scalar::DateTime(ms)),
        Time::Interval { start, end } => (start, end),
    };
    let lo = |ms| {
        Test::Range(Range {
            lo: Some(bound(Scalar::DateTime(ms), true)),
            hi: None,
        })
    };
    let hi = |ms| {
        Test::Range(Range {
            lo: None,
            hi: Some(bound(Scalar::DateTime(ms), false)),
        })
    };
    match op {
        CmpOp::Eq => (day_range(start, end), false),
        CmpOp::Ne => (day_range(start, end), true),
        CmpOp::Lt => (hi(start), false),
        CmpOp::Le => (hi(end), false),
        CmpOp::Gt => (lo(end), false),
        CmpOp::Ge => (lo(start), false),
    }
}

/// `d in (...)` on a datetime field: instants are an `In`; once a whole day is among the
/// values, an `or` of one leaf per value.
pub(super) fn time_in(leaf: &Leaf, times: Vec<Time>, negated: bool) -> Pred {
    if times.iter().all(|t| matches!(t, Time::Instant(_))) {
        let instants = times
            .iter()
            .filter_map(|t| match t {
                Time::Instant(ms) => Some(Scalar::DateTime(*ms)),
                Time::Interval { .. } => None,
            })
            .collect();
        return leaf.make(Test::In(instants), negated);
    }
    let times = dedup(times, |t| match t {
        Time::Instant(ms) => (*ms, None),
        Time::Interval { start, end } => (*start, Some(*end)),
    });
    let tests: Vec<Test> = times
        .into_iter()
        .map(|t| match t {
            Time::Instant(ms) => Test::Eq(Scalar::DateTime(ms)),
            Time::Interval { start, end } => day_range(start, end),
        })
        .collect();
    let mut tests = tests;
    if tests.len() == 1 {
        if let Some(t) = tests.pop() {
            return leaf.make(t, negated);
        }
    }
    let any = Pred::Or(tests.into_iter().map(|t| leaf.make(t, false)).collect());
    if negated {
        Pred::Not(Box::new(any))
    } else {
        any
    }
}

/// Drops repeated values, keeping first occurrences; hashing keeps a list of any length
/// linear.
fn dedup<T, K: std::hash::Hash + Eq>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut seen = HashSet::new();
    items.into_iter().filter(|i| seen.insert(key(i))).collect()
}

fn key(s: &Scalar) -> Option<f64> {
    match s {
        Scalar::Number(n) => Some(*n),
        Scalar::DateTime(ms) => Some(*ms as f64),
        Scalar::Text(_) | Scalar::Bool(_) => None,
    }
}

pub(super) fn range_is_empty(lo: &Bound, hi: &Bound) -> bool {
    // Instants compare exactly as i64; numbers as f64.
    let ordering = match (&lo.value, &hi.value) {
        (Scalar::DateTime(a), Scalar::DateTime(b)) => a.partial_cmp(b),
        (a, b) => key(a).zip(key(b)).and_then(|(a, b)| a.partial_cmp(&b)),
    };
    match ordering {
        Some(std::cmp::Ordering::Greater) => true,
        Some(std::cmp::Ordering::Equal) => !(lo.inclusive && hi.inclusive),
        _ => false,
    }
}
