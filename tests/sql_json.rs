//! The statement written as `{"sql","params"}` JSON text directly (`Query::to_sql_json`,
//! `Query::to_sql_where_json`, parameters written as they come) against serde's
//! serialization of the fragment `to_sql`/`to_sql_where` return: the same text, or the
//! same errors, for every predicate — well-typed ones from the shared generators and
//! hand-built IR with ill-typed or non-finite values, datetimes at the ends of the
//! years, long lists, text needing escapes — in every dialect, inline and
//! parameterised.

mod support;

use chrono::FixedOffset;
use filterql::ir::{Bound, Pred, Range, Scalar, Test};
use filterql::syntax::ast::TextOp;
use filterql::target::sql::{self, Dialect, SqlOptions};
use filterql::{Options, Schema, Span};
use proptest::prelude::*;

/// Values of every kind, whatever the field: most are ill-typed somewhere.
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

fn arb_list() -> BoxedStrategy<Vec<Scalar>> {
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
            .prop_map(|(op, s)| Test::Text(op, s.into())),
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

fn arb_tz() -> impl Strategy<Value = FixedOffset> {
    prop::sample::select(vec![8 * 3600, 0, -(5 * 3600 + 1800), 86_399, -86_399])
        .prop_map(|s| FixedOffset::east_opt(s).unwrap())
}

fn arb_opts() -> impl Strategy<Value = SqlOptions> {
    (
        prop::sample::select(Dialect::ALL.to_vec()),
        any::<bool>(),
        0usize..4,
        arb_tz(),
        prop::option::of(prop::sample::select(vec!["t", "a\"b", ""])),
    )
        .prop_map(|(d, params, first, tz, table)| {
            let o = SqlOptions::new(d)
                .params(params)
                .first_placeholder(first)
                .tz(tz)
                .columns(["id"])
                .order_by("id", true);
            match table {
                Some(t) => o.table(t),
                None => o,
            }
        })
}

fn same_text(p: &Pred, o: &SqlOptions) -> Result<(), TestCaseError> {
    let via_serde = sql::compile_where(p, o).map(|f| serde_json::to_string(&f).unwrap());
    prop_assert_eq!(sql::compile_where_json(p, o), via_serde);
    let via_serde = sql::compile_select(p, o).map(|f| serde_json::to_string(&f).unwrap());
    prop_assert_eq!(sql::compile_select_json(p, o), via_serde);
    Ok(())
}

proptest! {
    #[test]
    fn json_is_serde_of_the_fragment(p in support::arb_pred(), o in arb_opts()) {
        same_text(&p, &o)?;
    }

    #[test]
    fn json_is_serde_of_the_fragment_on_any_ir(p in arb_pred(), o in arb_opts()) {
        same_text(&p, &o)?;
    }
}

#[test]
fn query_methods_match_the_fragments() {
    let now = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00+08:00").unwrap();
    let opts = Options::at(now);
    for text in [
        "createTime >= 2022-01-01 and amount > 3.5",
        r#"amount > 1.5 or class = "A\"B" or amount != 3"#,
        r#"amount = 1 and (class = "A" or class contains "B_%")"#,
        "phone verified",
    ] {
        let q = filterql::compile(text, &Schema::demo(), &opts).unwrap();
        for d in Dialect::ALL {
            for params in [false, true] {
                let o = SqlOptions::new(d).params(params);
                let expected = q.to_sql_where(&o).map(|f| f.to_json());
                match (q.to_sql_where_json(&o), expected) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
                    (Err(a), Err(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{text}"),
                    (a, b) => panic!("{text}: {a:?} vs {b:?}"),
                }
                let o = o.table("t");
                let expected = q.to_sql(&o).map(|f| f.to_json());
                match (q.to_sql_json(&o), expected) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
                    (Err(a), Err(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{text}"),
                    (a, b) => panic!("{text}: {a:?} vs {b:?}"),
                }
            }
        }
    }
}
