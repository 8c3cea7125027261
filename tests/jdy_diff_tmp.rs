//! TEMPORARY: differential test of the new encoder against the previous one.
#![allow(dead_code, missing_docs)]
mod support;

use chrono::FixedOffset;
use filterql::ir::{Bound, Pred, Range, Scalar, Test};
use filterql::syntax::ast::TextOp;
use filterql::target::jdy::{self, JdyOptions};
use filterql::Span;
use proptest::prelude::*;

fn arb_scalar() -> BoxedStrategy<Scalar> {
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
        .prop_map(|s| Scalar::Text(s.to_owned())),
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

fn arb_list() -> BoxedStrategy<Vec<Scalar>> {
    prop_oneof![
        4 => prop::collection::vec(arb_scalar(), 0..4),
        1 => (190usize..420, prop_oneof![
            Just(Scalar::Text("v".into())), Just(Scalar::Number(1.0)), Just(Scalar::Number(0.5)),
            Just(Scalar::DateTime(1_640_966_400_000))]).prop_map(|(n, s)| {
            (0..n).map(|i| match &s {
                Scalar::Text(t) => Scalar::Text(format!("{t}{i}")),
                Scalar::Number(x) => Scalar::Number(x + i as f64),
                Scalar::DateTime(x) => Scalar::DateTime(x.wrapping_add(i as i64)),
                b => b.clone(),
            }).collect()
        }),
    ]
    .boxed()
}

fn arb_test() -> BoxedStrategy<Test> {
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
            .prop_map(|(op, s)| Test::Text(op, s.to_owned())),
        arb_list().prop_map(Test::HasAny),
        arb_list().prop_map(Test::HasAll),
    ]
    .boxed()
}

fn arb_leaf() -> BoxedStrategy<Pred> {
    prop_oneof![
        3 => (prop::sample::select(support::field_paths()), arb_test(), any::<bool>())
            .prop_map(|(p, t, n)| Pred::leaf(support::field_ref(&p), t, n, Span::new(1, 3))),
        1 => support::arb_leaf(),
    ]
    .boxed()
}

fn arb_pred() -> BoxedStrategy<Pred> {
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
        3 => support::arb_pred(),
    ]
    .boxed()
}

fn check(p: &Pred, tz: FixedOffset) -> Result<(), TestCaseError> {
    let opts = JdyOptions { tz };
    let old = jdy::old::compile::compile(p, &opts);
    let new = jdy::compile(p, &opts);
    prop_assert_eq!(&new, &old);
    let text = jdy::to_json(p, &opts);
    if text.is_ok() {
        OK.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if text.as_ref().unwrap().len() > 3000 {
            BIG.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
    ALL.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let old_text = old.map(|f| serde_json::to_string(&f).unwrap());
    prop_assert_eq!(text, old_text);
    let po = jdy::old::compile::pushdown(p, &opts);
    let pn = jdy::pushdown(p, &opts);
    prop_assert_eq!(pn.filter, po.filter);
    prop_assert_eq!(format!("{:?}", pn.residual), format!("{:?}", po.residual));
    Ok(())
}

static OK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static BIG: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static ALL: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
#[test]
fn zz_stats() {
    std::thread::sleep(std::time::Duration::from_secs(20));
    eprintln!("ok {:?} big {:?} all {:?}", OK, BIG, ALL);
}
proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    #[test]
    fn same_as_before(p in arb_pred(), off in prop::sample::select(vec![8 * 3600, 0, -(5 * 3600 + 1800), 86_399, -86_399])) {
        check(&p, FixedOffset::east_opt(off).unwrap())?;
    }
}
