//! Residual and unparse text at the edges of the datetime range (issue 14.1): whatever
//! instant the IR holds and whatever the query's zone, the text the plan prints parses,
//! compiles and selects the same records as the predicate, including records whose
//! datetimes sit at the first and last instants a literal (and a record) can name.

mod support;

use chrono::{DateTime, FixedOffset};
use filterql::eval::matches;
use filterql::ir::{Bound, Pred, Range, Scalar, Test};
use filterql::normalize::normalize;
use filterql::span::Span;
use filterql::target::jdy::{self, JdyOptions};
use filterql::unparse::{to_ast, Constant, MAX_INSTANT_MS, MIN_INSTANT_MS};
use filterql::{compile, Options, Schema};
use proptest::prelude::*;
use serde_json::{json, Value};
use support::field_ref;

/// `0000-01-01T00:00:00Z` and `9999-12-31T23:59:59.999Z`.
const YEAR_0_UTC: i64 = -62_167_219_200_000;
const YEAR_9999_UTC: i64 = 253_402_300_799_999;
const DAY: i64 = 86_400_000;

fn options() -> Options {
    Options::at(DateTime::parse_from_rfc3339("2022-06-15T12:00:00+08:00").unwrap())
}

fn schema() -> Schema {
    Schema::from_json(support::SCHEMA_JSON).expect("the test schema loads")
}

/// Instants around every edge: the nameable range, the UTC years 0000 and 9999, a day
/// either side, and far outside (what only a hand-built tree holds).
fn edge_instant() -> BoxedStrategy<i64> {
    let edges = [
        MIN_INSTANT_MS,
        MAX_INSTANT_MS,
        YEAR_0_UTC,
        YEAR_9999_UTC,
        YEAR_9999_UTC - DAY,
        YEAR_0_UTC + DAY,
    ];
    prop_oneof![
        4 => (prop::sample::select(edges.to_vec()), -2i64..=2).prop_map(|(e, d)| e + d),
        2 => (prop::sample::select(edges.to_vec()), -30i64..=30)
            .prop_map(|(e, h)| e + h * 3_600_000),
        1 => prop::sample::select(vec![
            i64::MIN,
            i64::MAX,
            MAX_INSTANT_MS + 100 * DAY,
            MIN_INSTANT_MS - 100 * DAY,
            1_640_966_400_000,
        ]),
    ]
    .boxed()
}

/// Zones a query can be compiled in, including the extremes a literal can write and
/// one with seconds (which no literal can write).
fn zone() -> BoxedStrategy<FixedOffset> {
    prop::sample::select(vec![
        8 * 3600,
        -(5 * 3600 + 30 * 60),
        0,
        23 * 3600 + 59 * 60,
        -(23 * 3600 + 59 * 60),
        14 * 3600 + 30,
    ])
    .prop_map(|s| FixedOffset::east_opt(s).unwrap())
    .boxed()
}

fn bound() -> BoxedStrategy<Option<Bound>> {
    prop::option::of(
        (edge_instant(), any::<bool>()).prop_map(|(ms, inclusive)| Bound {
            value: Scalar::DateTime(ms),
            inclusive,
        }),
    )
    .boxed()
}

/// A leaf on the datetime field `due` or the subform column `items.shipped`.
fn leaf() -> BoxedStrategy<Pred> {
    let path = prop::sample::select(vec!["due", "items.shipped"]);
    let test = prop_oneof![
        edge_instant().prop_map(|ms| Test::Eq(Scalar::DateTime(ms))),
        prop::collection::vec(edge_instant().prop_map(Scalar::DateTime), 1..4).prop_map(Test::In),
        (bound(), bound()).prop_filter_map("a range has an end", |(lo, hi)| {
            (lo.is_some() || hi.is_some()).then_some(Test::Range(Range { lo, hi }))
        }),
    ];
    (path, test, any::<bool>())
        .prop_map(|(path, test, negated)| {
            Pred::leaf(field_ref(path), test, negated, Span::default())
        })
        .boxed()
}

fn pred() -> BoxedStrategy<Pred> {
    leaf()
        .prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..4).prop_map(Pred::And),
                prop::collection::vec(inner, 2..4).prop_map(Pred::Or),
            ]
        })
        .boxed()
}

/// A record datetime at a nameable instant, written as records hold them: RFC 3339 with
/// a four-digit year, in UTC or an offset that keeps the year in range.
fn datetime_value() -> BoxedStrategy<Value> {
    (edge_instant(), zone())
        .prop_filter_map("a record holds a four-digit year", |(ms, tz)| {
            if !(MIN_INSTANT_MS..=MAX_INSTANT_MS).contains(&ms) {
                return None;
            }
            let utc = DateTime::from_timestamp_millis(ms)?;
            [
                tz,
                FixedOffset::east_opt(0)?,
                FixedOffset::east_opt(23 * 3600 + 59 * 60)?,
                FixedOffset::west_opt(23 * 3600 + 59 * 60)?,
            ]
            .into_iter()
            .map(|z| utc.with_timezone(&z))
            .find(|t| (0..=9999).contains(&chrono::Datelike::year(t)) && z_minutes(t.offset()))
            .map(|t| json!(t.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()))
        })
        .boxed()
}

fn z_minutes(o: &FixedOffset) -> bool {
    o.local_minus_utc() % 60 == 0
}

fn record() -> BoxedStrategy<Value> {
    let maybe = || prop::option::of(datetime_value());
    (maybe(), prop::collection::vec(maybe(), 0..3))
        .prop_map(|(due, rows)| {
            let rows: Vec<Value> = rows
                .into_iter()
                .map(|s| s.map_or(json!({}), |s| json!({ "shipped": s })))
                .collect();
            let mut r = json!({ "items": rows });
            if let Some(d) = due {
                r["due"] = d;
            }
            r
        })
        .boxed()
}

/// Compiles `text` and checks it selects what `p` selects on every record.
fn same_meaning(p: &Pred, text: &str, records: &[Value]) -> Result<(), TestCaseError> {
    let q = compile(text, &schema(), &options()).map_err(|d| {
        TestCaseError::fail(format!(
            "`{text}` does not compile:\n{}",
            d.render(80, false)
        ))
    })?;
    for r in records {
        prop_assert_eq!(
            matches(p, r),
            q.matches(r),
            "text {}\nrecord {}\npred {:?}",
            text,
            r,
            p
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// `unparse` text of any tree (raw and normalized) compiles and means the same, in
    /// any zone; a constant is the right constant.
    #[test]
    fn unparse_text_at_the_edges(p in pred(), tz in zone(), records in prop::collection::vec(record(), 1..8)) {
        for p in [p.clone(), normalize(p)] {
            match to_ast(&p, tz) {
                Ok(e) => same_meaning(&p, &e.to_string(), &records)?,
                Err(c) => for r in &records {
                    prop_assert_eq!(matches(&p, r), c == Constant::True, "record {}\npred {:?}", r, p);
                },
            }
        }
    }

    /// The direct writer agrees with the tree at the edges and in every zone.
    #[test]
    fn write_text_at_the_edges(p in pred(), tz in zone()) {
        for p in [p.clone(), normalize(p)] {
            let mut out = String::new();
            let direct = filterql::unparse::write_text(&p, tz, &mut out).map(|()| out);
            prop_assert_eq!(direct, to_ast(&p, tz).map(|e| e.to_string()));
        }
    }

    /// The jdy plan's residual text compiles and means what the residual predicate
    /// means, and the plan keeps the query's meaning on the records.
    #[test]
    fn pushdown_residual_at_the_edges(p in pred(), tz in zone(), records in prop::collection::vec(record(), 1..8)) {
        let plan = jdy::pushdown(&p, &JdyOptions::new(tz));
        if let Some(r) = plan.residual() {
            if !plan.is_unsatisfiable() {
                same_meaning(r.pred(), &r.to_string(), &records)?;
            }
        }
        if plan.is_unsatisfiable() {
            for r in &records {
                prop_assert!(!matches(&p, r), "unsatisfiable, but {} matches {:?}", r, p);
            }
        }
    }
}

/// The cases of issue 14.1, each once: the residual parses and means the query.
#[test]
fn issue_cases_print_text_that_parses() {
    let cases = [
        ("d > 9999-12-31", "+08:00", "d >= 9999-12-31T16:00:00Z"),
        (
            "d = 9999-12-31T23:59:59.999Z",
            "+08:00",
            "d = 9999-12-31T23:59:59.999Z",
        ),
        ("d > 9999-12-31", "-05:30", "d >= 9999-12-31T05:31:00-23:59"),
        ("d < 0000-01-01", "-05:30", "d < 0000-01-01T00:00:00-05:30"),
    ];
    let schema = Schema::from_json(r#"{"fields":[{"name":"d","type":"datetime"}]}"#).unwrap();
    for (query, tz, want) in cases {
        let tz: FixedOffset = tz.parse().unwrap();
        let q = compile(query, &schema, &options().with_tz(tz)).unwrap();
        let pd = q.to_jdy_pushdown();
        let text = pd.residual().map(|r| r.to_string()).unwrap_or_default();
        // The residual might have been pushed to jdy where its offset allows; when it
        // was not, it is the text above.
        if pd.filter().is_none() {
            assert_eq!(text, want, "{query} in {tz}");
        }
        if !text.is_empty() {
            let back = compile(&text, &schema, &options())
                .unwrap_or_else(|d| panic!("`{text}` does not parse:\n{}", d.render(80, false)));
            for s in [
                "9999-12-31T15:59:59.999Z",
                "9999-12-31T16:00:00Z",
                "9999-12-31T23:59:59.999Z",
                "0000-01-01T00:00:00Z",
                "0000-01-01T05:29:59.999Z",
                "0000-01-01T05:30:00Z",
            ] {
                let r = json!({ "d": s });
                assert_eq!(
                    back.matches(&r),
                    q.matches(&r),
                    "{query} in {tz}: `{text}` on {s}"
                );
            }
        }
    }
    // An instant beyond every literal is one no record holds: the plan is unsatisfiable
    // and needs no request.
    let q = compile(
        "d > 9999-12-31",
        &schema,
        &options().with_tz("-23:59".parse().unwrap()),
    )
    .unwrap();
    assert!(q.to_jdy_pushdown().is_unsatisfiable());
}
