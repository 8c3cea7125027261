//! The invariants the performance work relies on (issue 8), checked independently of
//! the code paths that were made faster:
//!
//! - `plan::nnf_cow` borrows a tree exactly when `plan::nnf` would return it unchanged,
//!   and otherwise returns what `nnf` returns;
//! - normalization's hashed duplicate detection: `p and p` and `p or p` normalize to
//!   what `p` does (whatever `p` is: ranges, lists, nested groups, constants);
//! - masterdata's hashed `IN` deduplication keeps the first of each value, in order.

mod support;

use filterql::ir::{Pred, Scalar, Test};
use filterql::normalize::normalize;
use filterql::plan;
use filterql::target::masterdata::{self, Leaf, MdOptions};
use filterql::Span;
use proptest::prelude::*;
use std::borrow::Cow;

proptest! {
    #[test]
    fn nnf_cow_is_nnf(p in support::arb_pred_with_constants()) {
        let cow = plan::nnf_cow(&p);
        let full = plan::nnf(&p);
        prop_assert_eq!(&*cow, &full);
        if let Cow::Borrowed(b) = &cow {
            // Borrowed means "unchanged", so nnf must be a fixed point there.
            prop_assert_eq!(&plan::nnf(b), *b);
        }
    }

    #[test]
    fn normalized_trees_are_borrowed(p in support::arb_pred()) {
        let n = normalize(p);
        prop_assert!(matches!(plan::nnf_cow(&n), Cow::Borrowed(_)), "{:?}", n);
    }

    #[test]
    fn duplicates_normalize_away(p in support::arb_pred_with_constants()) {
        let once = normalize(p.clone());
        prop_assert_eq!(&normalize(Pred::And(vec![p.clone(), p.clone()])), &once);
        prop_assert_eq!(&normalize(Pred::Or(vec![p.clone(), p])), &once);
    }
}

#[test]
fn masterdata_in_keeps_the_first_of_each_value_in_order() {
    let field = support::field_ref("title");
    let text = |s: &str| Scalar::Text(s.into());
    // 3,000 values with every one repeated, and "" (never matches) mixed in.
    let mut values = Vec::new();
    for i in 0..3_000 {
        values.push(text(&format!("v{}", i % 1_000)));
        if i % 7 == 0 {
            values.push(text(""));
        }
    }
    let p = Pred::leaf(field, Test::In(values), false, Span::default());
    let c = masterdata::compile(&p, &MdOptions::default()).expect("compiles");
    let expected: Vec<String> = (0..1_000).map(|i| format!("v{i}")).collect();
    assert_eq!(c, Leaf::in_list("title", false, expected));
}

/// Found by the `jdy` fuzz target: a long number literal must reach the filter as the
/// correctly rounded `f64`, and survive the filter's JSON unchanged (serde_json parses
/// floats exactly only with its `float_roundtrip` feature).
#[test]
fn long_number_literals_survive_jdy_json_exactly() {
    use filterql::target::jdy::{self, JdyFilter, JdyOptions};
    // A fraction: an integer literal that long would be inexact, which is an error.
    let digits = format!("{}.2", "2".repeat(109));
    let exact: f64 = digits.parse().expect("a number");
    let opts = filterql::Options::at(
        chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00+08:00").expect("valid"),
    );
    let q = filterql::compile(
        &format!("amount > {digits}"),
        &filterql::Schema::demo(),
        &opts,
    )
    .expect("compiles");
    let f = jdy::compile(q.pred(), &JdyOptions::new(q.tz())).expect("jdy");
    let value = |f: &JdyFilter| f.cond[0].value.clone().expect("a value")[0].as_f64();
    assert_eq!(value(&f), Some(exact));
    let back = JdyFilter::from_json(&serde_json::to_string(&f).expect("JSON")).expect("reads");
    assert_eq!(back, f);
}

/// Long groups of leaves on distinct fields skip duplicate detection (nothing can be
/// equal or merge); a long group with a repeated field must still be deduplicated and
/// merged. Both are checked against evaluation and against the short-group path.
#[test]
fn long_groups_on_distinct_fields_are_already_normal() {
    use filterql::ir::{Bound, FieldRef, Range};
    use filterql::FieldType;
    let field = |i: usize| support::top_field(&format!("f{i}"), FieldType::Number);
    let gt = |f: FieldRef, n: f64| {
        let lo = Some(Bound {
            value: Scalar::Number(n),
            inclusive: false,
        });
        Pred::leaf(
            f,
            Test::Range(Range { lo, hi: None }),
            false,
            Span::default(),
        )
    };
    let distinct: Vec<Pred> = (0..40).map(|i| gt(field(i), i as f64)).collect();
    for make in [Pred::And, Pred::Or] {
        assert_eq!(normalize(make(distinct.clone())), make(distinct.clone()));
    }
    // The same 40 leaves, with a duplicate of one (a fresh handle, equal by content) and
    // a second range on another field: removed and merged as a short group would be.
    let mut repeated = distinct.clone();
    repeated.push(gt(field(3), 3.0));
    repeated.push(gt(field(5), 50.0));
    let Pred::And(ops) = normalize(Pred::And(repeated.clone())) else {
        panic!("an and stays an and");
    };
    assert_eq!(ops.len(), 40);
    assert_eq!(ops[5], gt(field(5), 50.0));
    let Pred::Or(ops) = normalize(Pred::Or(repeated)) else {
        panic!("an or stays an or");
    };
    assert_eq!(ops.len(), 41);
}
