//! The masterdata backend on hand-built IR: tree shapes, meaning under `md_sim` against
//! hand-written truth, rejections, decompile and the request envelopes.

mod masterdata_sim;

use chrono::{FixedOffset, TimeZone};
use filterql::ir::{Bound, FieldInfo, FieldRef, Pred, Range, Scalar, Test};
use filterql::schema::{Field, Schema};
use filterql::span::Span;
use filterql::syntax::ast::TextOp;
use filterql::target::masterdata::{
    compile, decompile, decompile_json, query_request, write_request, Caller, Condition,
    DecompileError, MasterdataError, MdOptions, RequestError, Table, WriteAction,
};
use filterql::FieldType;
use masterdata_sim::md_sim;
use serde_json::{json, Value};

fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap()
}

fn opts() -> MdOptions {
    MdOptions::new(cst())
}

/// A small form: one field of each column kind, plus types the backend refuses.
fn schema() -> Schema {
    let mut items = Field::new("items", FieldType::Subform);
    items.fields = vec![Field::new("qty", FieldType::Number)];
    let mut status = Field::new("status", FieldType::Select);
    status.column = Some("status_col".into());
    Schema::exact(vec![
        Field::new("amount", FieldType::Number),
        status,
        Field::new("name", FieldType::Text),
        Field::new("phone", FieldType::Phone),
        Field::new("d", FieldType::Datetime),
        Field::new("owner", FieldType::User),
        Field::new("dept", FieldType::Dept),
        Field::new("tags", FieldType::Multiselect),
        items,
    ])
    .with_timezone(cst())
}

fn fref(name: &str) -> FieldRef {
    let s = schema();
    let f = s.fields().iter().find(|f| f.name == name).unwrap();
    f.to_ref(None)
}

fn leaf(name: &str, test: Test, negated: bool) -> Pred {
    Pred::leaf(fref(name), test, negated, Span::new(0, 1))
}

fn text(s: &str) -> Scalar {
    Scalar::Text(s.into())
}

fn num(n: f64) -> Scalar {
    Scalar::Number(n)
}

fn gt(n: f64) -> Test {
    Test::Range(Range {
        lo: Some(Bound {
            value: num(n),
            inclusive: false,
        }),
        hi: None,
    })
}

fn ms(y: i32, m: u32, d: u32, h: u32, mi: u32) -> i64 {
    cst()
        .with_ymd_and_hms(y, m, d, h, mi, 0)
        .unwrap()
        .timestamp_millis()
}

fn tree(p: &Pred) -> Condition {
    compile(p, &opts()).unwrap_or_else(|e| panic!("compile failed: {e:?}"))
}

fn json_of(c: &Condition) -> Value {
    serde_json::to_value(c).unwrap()
}

/// Every value the column model distinguishes, as JSON, for each field used below.
fn values(name: &str) -> Vec<Option<Value>> {
    let mut v: Vec<Option<Value>> = vec![None, Some(Value::Null), Some(json!("")), Some(json!([]))];
    v.extend(
        match name {
            "amount" | "dept" => vec![json!(3), json!(5), json!(5.5), json!(7)],
            "status" | "name" => vec![json!("a"), json!("b"), json!("c"), json!("ab%")],
            "phone" => vec![
                json!({"phone": "139", "verified": true}),
                json!({"phone": ""}),
                json!({"verified": false}),
                json!({"phone": "13900"}),
            ],
            "owner" => vec![
                json!({"username": "li"}),
                json!("wang"),
                json!({"username": ""}),
            ],
            "d" => vec![
                json!("2021-12-31T15:59:59.999Z"),
                json!("2021-12-31T16:00:00Z"),
                json!("2022-01-01T15:59:59.999Z"),
                json!("2022-01-01T16:00:00.000Z"),
            ],
            _ => unreachable!(),
        }
        .into_iter()
        .map(Some),
    );
    v
}

/// Records over every combination of the fields' values.
fn records(fields: &[&str]) -> Vec<Value> {
    let mut out = vec![json!({})];
    for f in fields {
        let mut next = Vec::new();
        for r in &out {
            for v in values(f) {
                let mut r = r.clone();
                if let Some(v) = v {
                    r[*f] = v;
                }
                next.push(r);
            }
        }
        out = next;
    }
    out
}

/// The tree means `truth` on every record over `fields`.
fn assert_means(c: &Condition, fields: &[&str], truth: impl Fn(&Value) -> bool) {
    let s = schema();
    for r in records(fields) {
        assert_eq!(
            md_sim(c, &r, &s, cst()),
            truth(&r),
            "record {r}\ntree {}",
            c.to_json_pretty()
        );
    }
}

fn num_of(r: &Value, f: &str) -> Option<f64> {
    r.get(f).and_then(Value::as_f64)
}

fn str_of<'a>(r: &'a Value, f: &str) -> Option<&'a str> {
    r.get(f).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn ops(c: &Condition) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![json_of(c)];
    while let Some(v) = stack.pop() {
        out.push(v["op"].as_str().unwrap().to_owned());
        if let Some(cs) = v["condition"].as_array() {
            stack.extend(cs.iter().cloned());
        }
    }
    out
}

#[test]
fn done_when_example_has_no_not_and_keeps_meaning() {
    // not (amount > 5 and status in ("a", "b"))
    let p = Pred::Not(Box::new(Pred::And(vec![
        leaf("amount", gt(5.0), false),
        leaf("status", Test::In(vec![text("a"), text("b")]), false),
    ])));
    let c = tree(&p);
    assert_eq!(
        json_of(&c),
        json!({"op": "OR", "condition": [
            {"col": "amount", "op": "LESS_EQUAL", "value": "5"},
            {"col": "amount", "op": "ISNULL"},
            {"col": "status_col", "op": "NOT_IN", "value": ["a", "b"]},
            {"col": "status_col", "op": "ISNULL"},
        ]})
    );
    assert!(ops(&c).iter().all(|o| o != "NOT"));
    assert_means(&c, &["amount", "status"], |r| {
        let big = num_of(r, "amount").is_some_and(|n| n > 5.0);
        let ab = matches!(str_of(r, "status"), Some("a" | "b"));
        !(big && ab)
    });
}

#[test]
fn not_equal_gets_an_isnull_arm() {
    let c = tree(&leaf("amount", Test::Eq(num(5.0)), true));
    assert_eq!(
        json_of(&c),
        json!({"op": "OR", "condition": [
            {"col": "amount", "op": "NOT_EQUAL", "value": "5"},
            {"col": "amount", "op": "ISNULL"},
        ]})
    );
    assert_means(&c, &["amount"], |r| num_of(r, "amount") != Some(5.0));
    let c = tree(&leaf("name", Test::Eq(text("a")), true));
    assert_means(&c, &["name"], |r| str_of(r, "name") != Some("a"));
}

#[test]
fn emptiness_on_text_and_number_columns() {
    let c = tree(&leaf("name", Test::Empty, false));
    assert_eq!(
        json_of(&c),
        json!({"op": "OR", "condition": [
            {"col": "name", "op": "ISNULL"},
            {"col": "name", "op": "EQUAL", "value": ""},
        ]})
    );
    assert_means(&c, &["name"], |r| str_of(r, "name").is_none());
    let c = tree(&leaf("name", Test::Empty, true));
    assert_eq!(
        json_of(&c),
        json!({"op": "AND", "condition": [
            {"col": "name", "op": "NOTNULL"},
            {"col": "name", "op": "NOT_EQUAL", "value": ""},
        ]})
    );
    assert_means(&c, &["name"], |r| str_of(r, "name").is_some());
    let c = tree(&leaf("amount", Test::Empty, false));
    assert_eq!(json_of(&c), json!({"col": "amount", "op": "ISNULL"}));
    assert_means(&c, &["amount"], |r| num_of(r, "amount").is_none());
    // The phone column is the number; a phone object without one is empty.
    let c = tree(&leaf("phone", Test::Empty, true));
    assert_means(&c, &["phone"], |r| {
        r.get("phone")
            .and_then(|p| p.get("phone").and_then(Value::as_str))
            .is_some_and(|s| !s.is_empty())
    });
}

#[test]
fn between_is_two_bounds_and_not_between_three_arms() {
    let range = Test::Range(Range {
        lo: Some(Bound {
            value: num(3.0),
            inclusive: true,
        }),
        hi: Some(Bound {
            value: num(5.5),
            inclusive: false,
        }),
    });
    let c = tree(&leaf("amount", range.clone(), false));
    assert_eq!(
        json_of(&c),
        json!({"op": "AND", "condition": [
            {"col": "amount", "op": "GREATER_EQUAL", "value": "3"},
            {"col": "amount", "op": "LESS", "value": "5.5"},
        ]})
    );
    let inside = |r: &Value| num_of(r, "amount").is_some_and(|n| (3.0..5.5).contains(&n));
    assert_means(&c, &["amount"], inside);
    let c = tree(&leaf("amount", range, true));
    assert_eq!(
        json_of(&c),
        json!({"op": "OR", "condition": [
            {"col": "amount", "op": "LESS", "value": "3"},
            {"col": "amount", "op": "GREATER_EQUAL", "value": "5.5"},
            {"col": "amount", "op": "ISNULL"},
        ]})
    );
    assert_means(&c, &["amount"], |r| !inside(r));
}

#[test]
fn date_day_interval_in_the_zone() {
    // d = 2022-01-01 at +08:00: [2022-01-01 00:00, 2022-01-02 00:00).
    let day = Test::Range(Range {
        lo: Some(Bound {
            value: Scalar::DateTime(ms(2022, 1, 1, 0, 0)),
            inclusive: true,
        }),
        hi: Some(Bound {
            value: Scalar::DateTime(ms(2022, 1, 2, 0, 0)),
            inclusive: false,
        }),
    });
    let c = tree(&leaf("d", day.clone(), false));
    assert_eq!(
        json_of(&c),
        json!({"op": "AND", "condition": [
            {"col": "d", "op": "GREATER_EQUAL", "value": "2022-01-01 00:00:00"},
            {"col": "d", "op": "LESS", "value": "2022-01-02 00:00:00"},
        ]})
    );
    // 2021-12-31T16:00Z is 2022-01-01 00:00 at +08:00; 2022-01-01T16:00Z is the next day.
    let in_day = |r: &Value| {
        matches!(
            r.get("d").and_then(Value::as_str),
            Some("2021-12-31T16:00:00Z" | "2022-01-01T15:59:59.999Z")
        )
    };
    assert_means(&c, &["d"], in_day);
    assert_means(&tree(&leaf("d", day, true)), &["d"], |r| !in_day(r));
    // Another zone shifts the written values, not the instants.
    let utc = MdOptions::new(FixedOffset::east_opt(0).unwrap());
    let c = compile(
        &leaf(
            "d",
            Test::Eq(Scalar::DateTime(ms(2022, 1, 1, 0, 0) + 430)),
            false,
        ),
        &utc,
    )
    .unwrap();
    assert_eq!(
        json_of(&c),
        json!({"col": "d", "op": "EQUAL", "value": "2021-12-31 16:00:00.430"})
    );
}

#[test]
fn text_tests_become_like_patterns() {
    for (op, pattern, f) in [
        (
            TextOp::Contains,
            "%b%",
            (|s: &str| s.contains('b')) as fn(&str) -> bool,
        ),
        (TextOp::StartsWith, "b%", |s: &str| s.starts_with('b')),
        (TextOp::EndsWith, "%b", |s: &str| s.ends_with('b')),
    ] {
        let c = tree(&leaf("name", Test::Text(op, "b".into()), false));
        assert_eq!(
            json_of(&c),
            json!({"col": "name", "op": "LIKE", "value": pattern})
        );
        assert_means(&c, &["name"], |r| str_of(r, "name").is_some_and(f));
        let c = tree(&leaf("name", Test::Text(op, "b".into()), true));
        assert_eq!(
            json_of(&c),
            json!({"op": "OR", "condition": [
                {"col": "name", "op": "NOT_LIKE", "value": pattern},
                {"col": "name", "op": "ISNULL"},
            ]})
        );
        assert_means(&c, &["name"], |r| !str_of(r, "name").is_some_and(f));
    }
}

#[test]
fn wildcards_in_like_operands_are_rejected_all_of_them() {
    let p = Pred::Or(vec![
        leaf("name", Test::Text(TextOp::Contains, "50%".into()), false),
        leaf("name", Test::Text(TextOp::StartsWith, "a_b".into()), true),
        leaf("name", Test::Text(TextOp::EndsWith, "a\\".into()), false),
        leaf("name", Test::Text(TextOp::Contains, "ok".into()), false),
    ]);
    let errs = compile(&p, &opts()).unwrap_err();
    let chars: Vec<char> = errs
        .iter()
        .map(|e| match e {
            MasterdataError::LikeWildcard { ch, .. } => *ch,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(chars, vec!['%', '_', '\\']);
    // `=` with the same value is fine: no wildcard meaning there.
    let c = tree(&leaf("name", Test::Eq(text("50%")), false));
    assert_eq!(
        json_of(&c),
        json!({"col": "name", "op": "EQUAL", "value": "50%"})
    );
}

#[test]
fn unsupported_forms_are_rejected_with_codes() {
    let sub = FieldRef::new(FieldInfo {
        name: "qty".into(),
        subform: Some("items".into()),
        ..(*fref("amount")).clone()
    });
    let p = Pred::And(vec![
        leaf("tags", Test::HasAny(vec![text("x")]), false),
        leaf("tags", Test::Empty, false),
        leaf("phone", Test::Verified, false),
        leaf("phone", Test::Unverified, true),
        Pred::leaf(sub, Test::Eq(num(1.0)), false, Span::new(0, 1)),
        leaf("name", gt(1.0), false),
        leaf("amount", Test::Text(TextOp::Contains, "1".into()), false),
        leaf("amount", Test::Eq(text("1")), false),
        leaf("amount", Test::Eq(Scalar::Bool(true)), false),
        leaf("amount", Test::Eq(num(f64::NAN)), false),
        leaf("d", Test::Eq(Scalar::DateTime(i64::MAX)), false),
        leaf("name", Test::Eq(text("ok")), false),
    ]);
    let errs = compile(&p, &opts()).unwrap_err();
    let codes: Vec<String> = errs
        .iter()
        .map(|e| miette::Diagnostic::code(e).unwrap().to_string())
        .collect();
    assert_eq!(
        codes,
        [
            "unsupported_type",
            "unsupported_type",
            "phone_verified",
            "phone_verified",
            "subform_column",
            "unsupported_test",
            "unsupported_test",
            "value",
            "value",
            "value",
            "value",
        ]
        .map(|c| format!("filterql::masterdata::{c}"))
    );
    for e in &errs {
        assert!(miette::Diagnostic::help(e).is_some(), "{e:?} has no help");
        assert_eq!(miette::Diagnostic::labels(e).unwrap().count(), 1);
    }
}

#[test]
fn constants_are_folded_or_refused() {
    // `= ""` never matches; inside an OR it disappears, alone it is refused.
    let c = tree(&Pred::Or(vec![
        leaf("name", Test::Eq(text("")), false),
        leaf("amount", Test::Eq(num(1.0)), false),
    ]));
    assert_eq!(
        json_of(&c),
        json!({"col": "amount", "op": "EQUAL", "value": "1"})
    );
    for (p, always) in [
        (Pred::True, true),
        (Pred::False, false),
        (leaf("name", Test::Eq(text("")), false), false),
        (leaf("name", Test::Eq(text("")), true), true),
        (leaf("name", Test::In(vec![text("")]), true), true),
        (
            Pred::And(vec![leaf("amount", Test::Empty, false), Pred::False]),
            false,
        ),
        (
            Pred::Not(Box::new(Pred::Or(vec![
                Pred::True,
                leaf("amount", Test::Empty, false),
            ]))),
            false,
        ),
    ] {
        let errs = compile(&p, &opts()).unwrap_err();
        // The span is the folded predicate's (a leaf's, or none for a literal constant).
        assert!(
            matches!(errs.as_slice(), [MasterdataError::Constant { always: a, .. }] if *a == always),
            "{p:?}: {errs:?}"
        );
    }
}

#[test]
fn in_lists_drop_blank_and_repeated_values() {
    let c = tree(&leaf(
        "name",
        Test::In(vec![text("a"), text(""), text("b"), text("a")]),
        false,
    ));
    assert_eq!(
        json_of(&c),
        json!({"col": "name", "op": "IN", "value": ["a", "b"]})
    );
    assert_means(&c, &["name"], |r| {
        matches!(str_of(r, "name"), Some("a" | "b"))
    });
    let c = tree(&leaf("name", Test::In(vec![text("a"), text("")]), true));
    assert_means(&c, &["name"], |r| str_of(r, "name") != Some("a"));
}

#[test]
fn users_and_departments_compare_on_their_keys() {
    let c = tree(&leaf(
        "owner",
        Test::In(vec![text("li"), text("wang")]),
        true,
    ));
    assert_means(&c, &["owner"], |r| {
        let u = r
            .get("owner")
            .and_then(|o| o.as_str().or_else(|| o.get("username")?.as_str()));
        !matches!(u, Some("li" | "wang"))
    });
    let c = tree(&leaf("dept", gt(4.0), false));
    assert_means(&c, &["dept"], |r| {
        num_of(r, "dept").is_some_and(|n| n > 4.0)
    });
}

#[test]
fn long_not_chains_and_deep_nesting() {
    let mut p = leaf("amount", Test::Eq(num(1.0)), false);
    for _ in 0..5001 {
        p = Pred::Not(Box::new(p));
    }
    // An odd number of `not`s: amount != 1.
    let c = tree(&p);
    assert_means(&c, &["amount"], |r| num_of(r, "amount") != Some(1.0));

    let mut p = leaf("amount", Test::Eq(num(1.0)), false);
    for i in 0..=filterql::target::masterdata::MAX_DEPTH {
        let other = leaf("name", Test::Eq(text(&i.to_string())), false);
        p = if i % 2 == 0 {
            Pred::And(vec![p, other])
        } else {
            Pred::Or(vec![p, other])
        };
    }
    let errs = compile(&p, &opts()).unwrap_err();
    assert!(
        matches!(errs[..], [MasterdataError::TooDeep { .. }]),
        "{errs:?}"
    );
}

#[test]
fn output_nesting_stays_readable() {
    // The deepest accepted input still reads back through serde_json.
    let mut p = leaf("name", Test::Text(TextOp::Contains, "x".into()), true);
    for i in 0..filterql::target::masterdata::MAX_DEPTH {
        let other = leaf("amount", Test::Empty, true);
        p = if i % 2 == 0 {
            Pred::And(vec![p, other])
        } else {
            Pred::Or(vec![p, other])
        };
    }
    let c = tree(&p);
    let text = serde_json::to_string(&c).unwrap();
    assert_eq!(Condition::from_json(&text).unwrap(), c);
}

#[test]
fn condition_json_is_validated() {
    for bad in [
        r#"{"op": "NOT", "condition": []}"#,
        r#"{"op": "AND", "condition": []}"#,
        r#"{"op": "AND"}"#,
        r#"{"op": "OR", "col": "a", "condition": [{"col": "a", "op": "ISNULL"}]}"#,
        r#"{"col": "a", "op": "IN", "value": "x"}"#,
        r#"{"col": "a", "op": "IN", "value": []}"#,
        r#"{"col": "a", "op": "EQUAL", "value": ["x"]}"#,
        r#"{"col": "a", "op": "EQUAL"}"#,
        r#"{"col": "a", "op": "ISNULL", "value": "x"}"#,
        r#"{"op": "EQUAL", "value": "x"}"#,
        r#"{"col": "a", "op": "EQUAL", "value": "x", "extra": 1}"#,
        r#"{"col": "a", "op": "EQUAL", "value": 5}"#,
    ] {
        assert!(Condition::from_json(bad).is_err(), "accepted {bad}");
    }
    let ok = r#"{"op":"AND","condition":[{"col":"a","op":"IN","value":["1","2"]},{"col":"b","op":"NOTNULL"}]}"#;
    let c = Condition::from_json(ok).unwrap();
    assert_eq!(serde_json::to_string(&c).unwrap(), ok);
}

#[test]
fn query_envelope_shape() {
    let c = tree(&leaf("phone", Test::Eq(text("139")), false));
    let extra = serde_json::Map::from_iter([("pageSize".to_owned(), json!(100))]);
    let req = query_request(
        "42",
        Table::MetaDataName("物料".into()),
        c.clone(),
        Caller::default(),
        extra,
    )
    .unwrap();
    assert_eq!(
        req.to_value(),
        json!({"id": "42", "version": "1.0", "request": {"apiVer": "1.0.5"},
               "params": {"metaDataName": "物料",
                          "condition": {"col": "phone", "op": "EQUAL", "value": "139"},
                          "pageSize": 100}})
    );
    let text = serde_json::to_string(&req).unwrap();
    assert!(
        text.starts_with(
            r#"{"id":"42","version":"1.0","request":{"apiVer":"1.0.5"},"params":{"metaDataName""#
        ),
        "{text}"
    );
    let clash = serde_json::Map::from_iter([("condition".to_owned(), json!(null))]);
    assert!(query_request("1", Table::DataId(1), c, Caller::default(), clash).is_err());
}

#[test]
fn write_envelopes_match_the_seed_doc() {
    let c = tree(&leaf("phone", Test::Eq(text("139")), false));
    let caller = Caller {
        source: Some("SAAS".into()),
        corp_id: Some("c1".into()),
        ..Caller::default()
    };
    let row = vec![
        ("asset_num".to_owned(), json!("EQ01")),
        ("brevity_code".to_owned(), json!("NEQ")),
        ("usable_condition".to_owned(), json!(1)),
    ];
    let req = write_request(
        "7",
        Table::DataId(1234),
        WriteAction::Modify(row),
        c.clone(),
        caller,
    )
    .unwrap();
    let v = req.to_value();
    assert_eq!(
        v,
        json!({"id": "7", "version": "1.0", "request": {"apiVer": "1.0.5"},
               "params": {"dataId": 1234, "action": "MODIFY",
                          "nodes": ["asset_num", "brevity_code", "usable_condition"],
                          "data": "[\"EQ01\",\"NEQ\",1]",
                          "condition": {"col": "phone", "op": "EQUAL", "value": "139"},
                          "source": "SAAS", "corpId": "c1"}})
    );
    // `data` is the string of a one-dimensional array, in `nodes` order.
    let data: Value = serde_json::from_str(v["params"]["data"].as_str().unwrap()).unwrap();
    assert_eq!(data, json!(["EQ01", "NEQ", 1]));

    let req = write_request(
        "8",
        Table::DataId(1),
        WriteAction::Archive,
        c.clone(),
        Caller::default(),
    )
    .unwrap();
    assert_eq!(
        req.to_value()["params"],
        json!({"dataId": 1, "action": "ARCHIVE", "condition": {"col": "phone", "op": "EQUAL", "value": "139"}})
    );
    for bad in [
        vec![],
        vec![("a".to_owned(), json!(1)), ("a".to_owned(), json!(2))],
        vec![("a".to_owned(), json!([1]))],
    ] {
        assert!(write_request(
            "9",
            Table::DataId(1),
            WriteAction::Modify(bad),
            c.clone(),
            Caller::default()
        )
        .is_err());
    }
}

fn decompiled(text: &str) -> Result<String, Vec<DecompileError>> {
    decompile_json(text, &schema(), cst()).map(|e| format!("{e:?}"))
}

#[test]
fn decompile_refuses_what_the_language_cannot_say() {
    for (text, code) in [
        (r#"{"col": "name", "op": "ISNULL"}"#, "null_vs_empty"),
        (
            r#"{"col": "name", "op": "EQUAL", "value": ""}"#,
            "null_vs_empty",
        ),
        (
            r#"{"col": "name", "op": "NOT_EQUAL", "value": "a"}"#,
            "null_vs_empty",
        ),
        (
            r#"{"col": "name", "op": "NOT_LIKE", "value": "%a%"}"#,
            "null_vs_empty",
        ),
        (
            r#"{"col": "name", "op": "LIKE", "value": "a_c"}"#,
            "like_pattern",
        ),
        (
            r#"{"col": "name", "op": "LIKE", "value": "a%c"}"#,
            "like_pattern",
        ),
        (
            r#"{"col": "name", "op": "LESS", "value": "a"}"#,
            "unsupported_op",
        ),
        (
            r#"{"col": "amount", "op": "LIKE", "value": "1%"}"#,
            "unsupported_op",
        ),
        (
            r#"{"col": "amount", "op": "EQUAL", "value": "1e3"}"#,
            "value",
        ),
        (
            r#"{"col": "d", "op": "EQUAL", "value": "2022-01-01"}"#,
            "value",
        ),
        (r#"{"col": "nope", "op": "ISNULL"}"#, "unknown_column"),
        (r#"{"col": "tags", "op": "ISNULL"}"#, "unsupported_type"),
        // (A constant tree with leaves, such as `AND(ISNULL name, EQUAL name "")`, is
        // written leaf by leaf: see the decompile fixtures.)
        (
            r#"{"col": "amount", "op": "EQUAL", "value": "9007199254740993"}"#,
            "value",
        ),
        (r#"{"col": "amount", "op": "NOT"}"#, "json"),
    ] {
        let errs = decompiled(text).unwrap_err();
        let got = miette::Diagnostic::code(&errs[0]).unwrap().to_string();
        assert_eq!(
            got,
            format!("filterql::masterdata::decompile::{code}"),
            "{text}"
        );
    }
    // Every bad leaf is reported, not just the first.
    let errs = decompiled(
        r#"{"op": "AND", "condition": [{"col": "nope", "op": "ISNULL"}, {"col": "amount", "op": "EQUAL", "value": "x"}, {"col": "name", "op": "LIKE", "value": "_"}]}"#,
    )
    .unwrap_err();
    assert_eq!(errs.len(), 3, "{errs:?}");
}

#[test]
fn decompile_accepts_the_paired_arms() {
    for text in [
        r#"{"op": "OR", "condition": [{"col": "name", "op": "ISNULL"}, {"col": "name", "op": "EQUAL", "value": ""}]}"#,
        r#"{"op": "AND", "condition": [{"col": "name", "op": "NOTNULL"}, {"col": "name", "op": "NOT_EQUAL", "value": ""}]}"#,
        r#"{"col": "name", "op": "NOT_EQUAL", "value": ""}"#,
        r#"{"op": "OR", "condition": [{"col": "name", "op": "NOT_EQUAL", "value": "a"}, {"col": "name", "op": "ISNULL"}]}"#,
        r#"{"col": "amount", "op": "ISNULL"}"#,
        r#"{"col": "amount", "op": "NOT_EQUAL", "value": "5"}"#,
        r#"{"col": "status_col", "op": "IN", "value": ["a", "b"]}"#,
    ] {
        assert!(decompiled(text).is_ok(), "{text}: {:?}", decompiled(text));
    }
}

#[test]
fn decompile_of_compile_is_the_original_leaf() {
    // Round trip at the AST level, before the parser/checker are here to compare text.
    let c = tree(&leaf("status", Test::In(vec![text("a"), text("b")]), true));
    let e = decompile(&c, &schema(), cst()).unwrap();
    let s = format!("{e:?}");
    assert!(
        s.contains("negated: true") && s.contains("\"status\""),
        "{s}"
    );
}

#[test]
fn decompile_without_a_schema_guesses_column_kinds() {
    let tree = r#"{"op": "AND", "condition": [
        {"col": "amount", "op": "GREATER", "value": "5"},
        {"op": "OR", "condition": [{"col": "title", "op": "NOT_LIKE", "value": "%a%"}, {"col": "title", "op": "ISNULL"}]},
        {"col": "due", "op": "LESS", "value": "2022-01-01 00:00:00"},
        {"col": "createTime", "op": "GREATER_EQUAL", "value": "2021-01-01 08:00:00"}
    ]}"#;
    let e = decompile_json(tree, &Schema::none(), cst()).unwrap();
    assert_eq!(
        e.to_string(),
        r#"amount > 5 and title not contains "a" and due < 2022-01-01T00:00:00+08:00 and createTime >= 2021-01-01T08:00:00+08:00"#
    );
    // The text compiles in no-schema mode (with the inference warning) to a tree of
    // the same shape.
    let now = chrono::DateTime::parse_from_rfc3339("2022-01-05T12:00:00+08:00").unwrap();
    let q = filterql::compile(&e.to_string(), &Schema::none(), &filterql::Options::at(now))
        .unwrap_or_else(|d| panic!("{}", d.render(80, false)));
    assert_eq!(
        q.to_masterdata().unwrap(),
        Condition::from_json(tree).unwrap()
    );
    // A text-looking column compared like a number is still refused when it cannot be
    // a number.
    let errs = decompile_json(
        r#"{"op": "AND", "condition": [{"col": "x", "op": "LESS", "value": "a"}]}"#,
        &Schema::none(),
        cst(),
    )
    .unwrap_err();
    assert!(
        matches!(errs[..], [DecompileError::UnsupportedOp { .. }]),
        "{errs:?}"
    );
}

#[test]
fn wide_trees_decompile_or_are_refused_as_too_large() {
    // Many columns, each needing the NULL-versus-"" check.
    let mut arms = Vec::new();
    for i in 0..1000 {
        arms.push(json!({"col": format!("c{i}"), "op": "NOT_EQUAL", "value": "a"}));
        arms.push(json!({"col": format!("c{i}"), "op": "ISNULL"}));
    }
    let tree = json!({"op": "OR", "condition": arms}).to_string();
    let e = decompile_json(&tree, &Schema::none(), cst()).unwrap();
    let text = e.to_string();
    assert!(
        text.starts_with(r#"c0 != "a" or c1 != "a" or "#),
        "{}",
        &text[..80]
    );
    assert_eq!(text.matches(" or ").count(), 999);

    let too_many: Vec<Value> = (0..5001)
        .map(|i| json!({"col": format!("c{i}"), "op": "ISNULL"}))
        .collect();
    let tree = json!({"op": "AND", "condition": too_many}).to_string();
    let errs = decompile_json(&tree, &Schema::none(), cst()).unwrap_err();
    assert!(
        matches!(errs[..], [DecompileError::TooLarge { .. }]),
        "{errs:?}"
    );
}

/// 100,000 distinct values, each written twice: the repeats are dropped (first
/// occurrence kept, in order) both ways. Removing duplicates by scanning the list kept
/// so far made this quadratic (minutes); a set makes it linear.
#[test]
fn long_in_lists_compile_and_decompile() {
    let n = 100_000;
    let p = leaf(
        "amount",
        Test::In((0..2 * n).map(|i| num((i % n) as f64)).collect()),
        false,
    );
    let c = tree(&p);
    let want: Vec<String> = (0..n).map(|i| i.to_string()).collect();
    assert_eq!(
        json_of(&c),
        json!({"col": "amount", "op": "IN", "value": want})
    );
    let back = decompile(&c, &schema(), cst()).unwrap().to_string();
    let listed: Vec<&str> = back
        .strip_prefix("amount in (")
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or_else(|| panic!("not an `in`: {}", &back[..back.len().min(80)]))
        .split(", ")
        .collect();
    assert_eq!(listed, want);

    let names: Vec<String> = (0..2 * n).map(|i| format!("v{}", i % n)).collect();
    let in_list: Condition =
        serde_json::from_value(json!({"col": "name", "op": "IN", "value": names})).unwrap();
    let back = decompile(&in_list, &schema(), cst()).unwrap().to_string();
    let listed: Vec<String> = back
        .strip_prefix("name in (")
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or_else(|| panic!("not an `in`: {}", &back[..back.len().min(80)]))
        .split(", ")
        .map(str::to_owned)
        .collect();
    let want: Vec<String> = (0..n).map(|i| format!("\"v{i}\"")).collect();
    assert_eq!(listed, want);
}

/// Datetime ends a millisecond outside the writable years 0001–9999 (the end of the day
/// 9999-12-31 is `< 10000-01-01 00:00`) are sent as the other kind of end, inside them,
/// and mean the same on records at and around the edges.
#[test]
fn day_bounds_at_the_edge_of_the_writable_years() {
    let s = schema();
    let at = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00+08:00").unwrap();
    let o = filterql::Options::at(at);
    let q = filterql::compile("d <= 9999-12-31", &s, &o).unwrap();
    assert_eq!(
        json_of(&tree(q.pred())),
        json!({"col": "d", "op": "LESS_EQUAL", "value": "9999-12-31 23:59:59.999"})
    );
    let records: Vec<Value> = [
        Some(json!("9999-12-30T15:59:59.999Z")),
        Some(json!("9999-12-30T16:00:00.000Z")),
        Some(json!("9999-12-31T15:59:59.999Z")),
        Some(json!("9999-12-31T16:00:00.000Z")),
        Some(json!("0000-12-31T15:59:59.999Z")),
        Some(json!("0000-12-31T16:00:00.000Z")),
        Some(json!("0001-01-01T16:00:00.000Z")),
        Some(json!("2022-01-01T00:00:00.000Z")),
        Some(Value::Null),
        None,
    ]
    .into_iter()
    .map(|v| match v {
        Some(v) => json!({ "d": v }),
        None => json!({}),
    })
    .collect();
    for text in [
        "d <= 9999-12-31",
        "d < 9999-12-31",
        "d = 9999-12-31",
        "d != 9999-12-31",
        "d > 9999-12-31",
        "d >= 9999-12-31",
        "d between 2022-01-01 and 9999-12-31",
        "d not between 2022-01-01 and 9999-12-31",
        "d > 0000-12-31",
        "d <= 0000-12-31",
        "d >= 0001-01-01",
    ] {
        let q = filterql::compile(text, &s, &o).unwrap();
        let c = compile(q.pred(), &opts()).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        for r in &records {
            assert_eq!(
                md_sim(&c, r, &s, cst()),
                q.matches(r),
                "{text} on {r}\ntree {}",
                c.to_json_pretty()
            );
        }
        // The tree reads back as a query that compiles and means the same.
        let back = decompile(&c, &s, cst()).unwrap().to_string();
        let q2 = filterql::compile(&back, &s, &o).unwrap();
        for r in &records {
            assert_eq!(q2.matches(r), q.matches(r), "{text} -> {back} on {r}");
        }
    }
}

/// Both request builders refuse an empty or blank `metaDataName` (it used to be sent as
/// `""`); a non-empty one, and a `dataId`, are fine.
#[test]
fn requests_refuse_an_empty_table_name() {
    let c = tree(&leaf("phone", Test::Eq(text("139")), false));
    for name in ["", " ", "\t\n"] {
        let table = || Table::MetaDataName(name.to_owned());
        let q = query_request(
            "1",
            table(),
            c.clone(),
            Caller::default(),
            Default::default(),
        );
        assert_eq!(q.unwrap_err(), RequestError::EmptyTableName, "{name:?}");
        for action in [
            WriteAction::Archive,
            WriteAction::Modify(vec![("a".to_owned(), json!(1))]),
        ] {
            let w = write_request("1", table(), action, c.clone(), Caller::default());
            assert_eq!(w.unwrap_err(), RequestError::EmptyTableName, "{name:?}");
        }
    }
    let named = Table::MetaDataName("物料".to_owned());
    assert!(query_request("1", named, c.clone(), Caller::default(), Default::default()).is_ok());
    assert!(query_request(
        "1",
        Table::DataId(0),
        c,
        Caller::default(),
        Default::default()
    )
    .is_ok());

    // Through `Query`: the refusal is a diagnostic with its code.
    let at = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00+08:00").unwrap();
    let q = filterql::compile("amount > 5", &schema(), &filterql::Options::at(at)).unwrap();
    let empty = Table::MetaDataName(String::new());
    let d = q
        .to_masterdata_request("1", empty, Caller::default(), Default::default())
        .unwrap_err();
    let json = serde_json::to_string(&d.to_json()).unwrap();
    assert!(
        json.contains(r#""code":"filterql::masterdata::request::empty_table""#),
        "{json}"
    );
}

/// A tree whose query text would pass the checker's size limit is refused, rather than
/// printed as text that does not compile.
#[test]
fn a_tree_too_long_as_a_query_is_refused() {
    let names: Vec<String> = (0..200_000).map(|i| format!("v{i}")).collect();
    let big: Condition =
        serde_json::from_value(json!({"col": "name", "op": "IN", "value": names})).unwrap();
    let errs = decompile(&big, &schema(), cst()).unwrap_err();
    assert!(
        matches!(&errs[..], [DecompileError::Rejected { message }] if message.contains("too large")),
        "{errs:?}"
    );
}

/// A tree without any leaf (only buildable through the API: the JSON reader refuses
/// empty groups) is the one constant the language cannot write.
#[test]
fn decompile_refuses_a_tree_without_leaves() {
    let errs = filterql::target::masterdata::decompile(&Condition::And(vec![]), &schema(), cst())
        .unwrap_err();
    assert!(
        matches!(errs[..], [DecompileError::Constant { always: true }]),
        "{errs:?}"
    );
}
