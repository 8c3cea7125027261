//! Reading jdy filters back into query text.

mod jdy_sim;

use filterql::target::jdy::{self, DecompileError, JdyFilter};
use filterql::{Options, Schema};
use jdy_sim::{jdy_sim, NeMode};
use serde_json::json;

const SEED_FILTER: &str = r#"{
  "rel": "and",
  "cond": [
    {"field": "_widget_1508400000001", "type": "text", "method": "empty"},
    {"field": "_widget_1508400000002", "type": "number", "method": "not_empty"},
    {"field": "flowState", "type": "flowstate", "method": "eq", "value": [0]},
    {"field": "createTime", "method": "range", "value": ["2022-01-01", null]}
  ]
}"#;

fn schema() -> Schema {
    Schema::from_json(include_str!("fixtures/jdy/schema.json")).expect("fixture schema loads")
}

fn options() -> Options {
    Options::at(chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00+08:00").unwrap())
}

fn text(f: &str, schema: Option<&Schema>) -> String {
    let f = JdyFilter::from_json(f).expect("a filter");
    jdy::decompile(&f, schema).expect("decompiles").to_string()
}

#[test]
fn the_seed_example_reads_back_as_the_query_that_produces_it() {
    let query = "_widget_1508400000001 is empty and _widget_1508400000002 is not empty and flowState = 0 and createTime >= 2022-01-01";
    // With and without a schema: the condition types and system field names suffice.
    assert_eq!(text(SEED_FILTER, Some(&schema())), query);
    assert_eq!(text(SEED_FILTER, None), query);
    // Compiling that query gives the seed's filter back (datetimes with an offset).
    let q = filterql::compile(query, &schema(), &options()).unwrap();
    let f = q.to_jdy().unwrap();
    let mut seed: serde_json::Value = serde_json::from_str(SEED_FILTER).unwrap();
    seed["cond"][3]["type"] = json!("datetime");
    seed["cond"][3]["value"][0] = json!("2022-01-01T00:00:00.000+08:00");
    assert_eq!(serde_json::to_value(f).unwrap(), seed);
}

#[test]
fn each_method_reads_as_the_matching_predicate() {
    let s = schema();
    let cases = [
        (
            json!({"field": "name", "type": "text", "method": "eq", "value": ["a"]}),
            r#"name = "a""#,
        ),
        (
            json!({"field": "name", "type": "text", "method": "ne", "value": ["a"]}),
            r#"name != "a" and name is not empty"#,
        ),
        (
            json!({"field": "level", "type": "radiogroup", "method": "in", "value": ["A", "B"]}),
            r#"level in ("A", "B")"#,
        ),
        (
            json!({"field": "level", "type": "radiogroup", "method": "nin", "value": ["A"]}),
            r#"level not in ("A") and level is not empty"#,
        ),
        (
            json!({"field": "amount", "type": "number", "method": "range", "value": [1, 5]}),
            "amount between 1 and 5",
        ),
        (
            json!({"field": "amount", "type": "number", "method": "range", "value": [null, 5]}),
            "amount <= 5",
        ),
        (
            json!({"field": "amount", "type": "number", "method": "gt", "value": [5]}),
            "amount > 5",
        ),
        (
            json!({"field": "amount", "type": "number", "method": "lt", "value": [-5.5]}),
            "amount < -5.5",
        ),
        (
            json!({"field": "name", "type": "text", "method": "like", "value": ["x"]}),
            r#"name contains "x""#,
        ),
        (
            json!({"field": "phone", "type": "phone", "method": "verified"}),
            "phone verified",
        ),
        (
            json!({"field": "phone", "type": "phone", "method": "unverified"}),
            "phone unverified",
        ),
        (
            json!({"field": "tags", "type": "checkboxgroup", "method": "all", "value": ["vip"]}),
            r#"tags has all ("vip")"#,
        ),
        (
            json!({"field": "members", "type": "usergroup", "method": "in", "value": ["a", "b"]}),
            r#"members has any ("a", "b")"#,
        ),
        (
            json!({"field": "due", "type": "datetime", "method": "eq", "value": ["2022-01-01T08:00:00.000Z"]}),
            "due = 2022-01-01T08:00:00Z",
        ),
        (
            json!({"field": "due", "type": "datetime", "method": "range", "value": [1640966400000_i64, null]}),
            "due >= 2022-01-01T00:00:00+08:00",
        ),
    ];
    for (cond, want) in cases {
        let f = json!({"rel": "and", "cond": [cond]}).to_string();
        let got = text(&f, Some(&s));
        // The canonical printer decides spelling; compare after a parse round trip.
        let norm = |t: &str| filterql::syntax::parse(t).unwrap().to_string();
        assert_eq!(got, norm(want), "{f}");
        assert!(filterql::compile(&got, &s, &options()).is_ok(), "{got}");
    }
}

#[test]
fn a_bare_date_upper_end_reaches_through_the_day() {
    let f = r#"{"rel":"or","cond":[{"field":"due","type":"datetime","method":"range","value":[null,"2022-01-31"]}]}"#;
    let t = text(f, Some(&schema()));
    assert_eq!(t, "due <= 2022-01-31");
    let q = filterql::compile(&t, &schema(), &options()).unwrap();
    let filter = JdyFilter::from_json(f).unwrap();
    for (rec, want) in [
        (json!({"due": "2022-01-31T15:59:59.999Z"}), true),
        (json!({"due": "2022-01-31T16:00:00.000Z"}), false),
    ] {
        assert_eq!(filterql::eval::matches(q.pred(), &rec), want);
        assert_eq!(jdy_sim(&filter, &rec, NeMode::ExcludesEmpty, q.tz()), want);
    }
}

#[test]
fn bad_filters_report_every_condition() {
    let f = r#"{"rel":"and","cond":[
        {"field":"amount","type":"number","method":"like","value":["x"]},
        {"field":"name","type":"text","method":"eq","value":[1]},
        {"field":"name","type":"text","method":"eq","value":["a","b"]},
        {"field":"name","type":"text","method":"empty"},
        {"field":"x","type":"text","method":"empty"},
        {"field":"amount","type":"number","method":"range","value":[null,null]},
        {"field":"name","type":"text","method":"like","value":["50%"]}
    ]}"#;
    let errs = jdy::decompile(&JdyFilter::from_json(f).unwrap(), Some(&schema())).unwrap_err();
    let indexes: Vec<usize> = errs
        .iter()
        .map(|e| match e {
            DecompileError::Condition { index, .. } => *index,
            other => panic!("{other:?}"),
        })
        .collect();
    // Only `name is empty` is fine: `x` is not in the schema.
    assert_eq!(indexes, [0, 1, 2, 4, 5, 6]);
    assert!(matches!(
        JdyFilter::from_json(r#"{"rel":"xor","cond":[]}"#),
        Err(DecompileError::Json { .. })
    ));
    let empty = JdyFilter::from_json(r#"{"rel":"and","cond":[]}"#).unwrap();
    assert_eq!(
        jdy::decompile(&empty, None).unwrap_err(),
        [DecompileError::NoConditions]
    );
}

#[test]
fn an_inverted_range_drops_out_of_an_or_and_empties_an_and() {
    let cond = r#"{"field":"amount","type":"number","method":"range","value":[5,1]}"#;
    let other = r#"{"field":"name","type":"text","method":"eq","value":["a"]}"#;
    let or = format!(r#"{{"rel":"or","cond":[{cond},{other}]}}"#);
    assert_eq!(text(&or, Some(&schema())), r#"name = "a""#);
    let and = format!(r#"{{"rel":"and","cond":[{cond},{other}]}}"#);
    assert!(jdy::decompile(&JdyFilter::from_json(&and).unwrap(), Some(&schema())).is_err());
}

/// The audit's cases: each condition is one the checker would refuse as query text, so
/// decompile refuses it (naming the condition) instead of printing that text.
#[test]
fn conditions_the_checker_would_refuse_are_refused() {
    let s = schema();
    let status_options = s
        .fields()
        .iter()
        .find(|f| f.name == "level")
        .map(|f| f.options.clone())
        .unwrap_or_default();
    assert!(
        !status_options.is_empty() && !status_options.iter().any(|o| o == "zzz"),
        "the fixture's `level` lists options, `zzz` not among them"
    );
    let cases = [
        json!({"field": "name", "type": "text", "method": "eq", "value": [""]}),
        json!({"field": "name", "type": "text", "method": "in", "value": ["a", ""]}),
        json!({"field": "name", "type": "text", "method": "nin", "value": [""]}),
        json!({"field": "flowState", "type": "flowstate", "method": "eq", "value": [7]}),
        json!({"field": "flowState", "type": "flowstate", "method": "eq", "value": [1.5]}),
        json!({"field": "flowState", "type": "flowstate", "method": "in", "value": [0, -1]}),
        json!({"field": "level", "type": "radiogroup", "method": "eq", "value": ["zzz"]}),
        json!({"field": "nosuch", "type": "text", "method": "eq", "value": ["a"]}),
    ];
    for cond in cases {
        for rel in ["and", "or"] {
            let ok = json!({"field": "name", "type": "text", "method": "eq", "value": ["a"]});
            let f = json!({"rel": rel, "cond": [ok, cond]}).to_string();
            let errs = jdy::decompile(&JdyFilter::from_json(&f).unwrap(), Some(&s)).expect_err(&f);
            assert!(
                matches!(errs[..], [DecompileError::Condition { index: 1, .. }]),
                "{f}: {errs:?}"
            );
        }
    }
    // Without a schema the system field `flowState` is still known, and an empty string
    // is still refused; an unknown field is fine (no-schema mode infers it).
    for (cond, ok) in [
        (
            json!({"field": "flowState", "method": "eq", "value": [7]}),
            false,
        ),
        (
            json!({"field": "name", "type": "text", "method": "eq", "value": [""]}),
            false,
        ),
        (
            json!({"field": "nosuch", "type": "text", "method": "eq", "value": ["a"]}),
            true,
        ),
    ] {
        let f = json!({"rel": "and", "cond": [cond]}).to_string();
        let got = jdy::decompile(&JdyFilter::from_json(&f).unwrap(), None);
        assert_eq!(got.is_ok(), ok, "{f}: {got:?}");
    }
}

/// Conditions that pass one by one but not together: without a schema, one field read
/// as a number by one condition and as text by the other.
#[test]
fn a_query_the_checker_refuses_as_a_whole_is_refused() {
    let f = r#"{"rel":"or","cond":[
        {"field":"x","type":"number","method":"eq","value":[1]},
        {"field":"x","type":"text","method":"eq","value":["a"]}
    ]}"#;
    let errs = jdy::decompile(&JdyFilter::from_json(f).unwrap(), None).unwrap_err();
    assert!(
        matches!(&errs[..], [DecompileError::Rejected { message }] if message.contains("conflicting uses of `x`")),
        "{errs:?}"
    );
    // Each condition alone reads back fine.
    for one in [
        r#"{"rel":"and","cond":[{"field":"x","type":"number","method":"eq","value":[1]}]}"#,
        r#"{"rel":"and","cond":[{"field":"x","type":"text","method":"eq","value":["a"]}]}"#,
    ] {
        assert!(jdy::decompile(&JdyFilter::from_json(one).unwrap(), None).is_ok());
    }
}
