//! Any IR, typed or not: the generators of the tests that hold a direct JSON writer
//! against serde's output of the typed values it stands for (`tests/jdy_json.rs`,
//! `tests/masterdata_json.rs`, `tests/sql_json.rs`). Values of every kind on every field,
//! non-finite numbers, datetimes at the ends of the years 1–9999, long lists and text
//! needing escapes: the inputs where two writers of one format part ways.

use chrono::FixedOffset;
use filterql::ir::{Bound, Pred, Range, Scalar, Test};
use filterql::syntax::ast::TextOp;
use filterql::Span;
use proptest::prelude::*;

/// Values of every kind, whatever the field: most are ill-typed somewhere.
pub fn arb_scalar() -> BoxedStrategy<Scalar> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            "a",
            "a%b",
            "x\"y\n\u{1}",
            "中文",
            "alice",
            "SN-1",
            "a.b",
            "red",
            "A1"
        ])
        .prop_map(|s| Scalar::Text(s.into())),
        prop::sample::select(vec![
            0.0,
            -0.0,
            1.0,
            2.0,
            3.0,
            1.5,
            -7.25,
            1e300,
            9_007_199_254_740_994.0,
            f64::NAN,
            f64::INFINITY,
            100.0
        ])
        .prop_map(Scalar::Number),
        prop::sample::select(vec![
            0i64,
            -1,
            1_640_966_400_000,
            1_640_966_400_001,
            i64::MIN,
            i64::MAX,
            -62_135_596_800_000,
            -62_135_596_800_001,
            253_402_300_799_999,
            253_402_300_800_000,
            -62_135_596_799_999 - 28_800_000
        ])
        .prop_map(Scalar::DateTime),
        any::<bool>().prop_map(Scalar::Bool),
    ]
    .boxed()
}

/// Lists of [`arb_scalar`] values: short ones, and long runs of one kind around jdy's
/// 200-value limit.
pub fn arb_list() -> BoxedStrategy<Vec<Scalar>> {
    prop_oneof![
        4 => prop::collection::vec(arb_scalar(), 0..4),
        1 => (190usize..420, prop_oneof![
            Just(Scalar::Text("v".into())), Just(Scalar::Number(1.0)), Just(Scalar::Number(0.5)),
            Just(Scalar::DateTime(1_640_966_400_000))]).prop_map(|(n, s)| {
            (0..n).map(|i| match &s {
                Scalar::Text(t) => Scalar::Text(format!("{t}{i}").into()),
                Scalar::Number(x) => Scalar::Number(x + i as f64),
                Scalar::DateTime(x) => Scalar::DateTime(x.wrapping_add(i as i64)),
                b => b.clone(),
            }).collect()
        }),
    ]
    .boxed()
}

/// Any test, with any operands.
pub fn arb_test() -> BoxedStrategy<Test> {
    let bound =
        (arb_scalar(), any::<bool>()).prop_map(|(value, inclusive)| Bound { value, inclusive });
    prop_oneof![
        arb_scalar().prop_map(Test::Eq),
        arb_list().prop_map(Test::In),
        (prop::option::of(bound.clone()), prop::option::of(bound))
            .prop_map(|(lo, hi)| Test::Range(Range { lo, hi })),
        Just(Test::Empty),
        Just(Test::Verified),
        Just(Test::Unverified),
        (
            prop::sample::select(vec![TextOp::Contains, TextOp::StartsWith, TextOp::EndsWith]),
            prop::sample::select(vec!["", "ab", "a%", "中", "x\\y", "q\""])
        )
            .prop_map(|(op, s)| Test::Text(op, s.into())),
        arb_list().prop_map(Test::HasAny),
        arb_list().prop_map(Test::HasAll),
    ]
    .boxed()
}

/// A leaf on any field of the test schema with any test (mostly ill-typed), or a
/// well-typed one.
pub fn arb_leaf() -> BoxedStrategy<Pred> {
    prop_oneof![
        3 => (prop::sample::select(super::field_paths()), arb_test(), any::<bool>())
            .prop_map(|(p, t, n)| Pred::leaf(super::field_ref(&p), t, n, Span::new(1, 3))),
        1 => super::arb_leaf(),
    ]
    .boxed()
}

/// Any predicate: nested groups (empty ones too), negations and constants over
/// [`arb_leaf`], and well-typed predicates.
pub fn arb_pred() -> BoxedStrategy<Pred> {
    prop_oneof![
        6 => arb_leaf().prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Pred::And),
                prop::collection::vec(inner.clone(), 0..6).prop_map(Pred::Or),
                inner.prop_map(|p| Pred::Not(Box::new(p))),
            ]
        }),
        3 => arb_leaf(),
        1 => Just(Pred::True),
        1 => Just(Pred::False),
        3 => super::arb_pred(),
    ]
    .boxed()
}

/// Zones at the edges: whole and half hours, and one second short of a day either way.
pub fn arb_tz() -> impl Strategy<Value = FixedOffset> {
    prop::sample::select(vec![8 * 3600, 0, -(5 * 3600 + 1800), 86_399, -86_399])
        .prop_map(|s| FixedOffset::east_opt(s).unwrap())
}
