//! The checker through the public API: the issue's done-when examples, meaning of the
//! produced IR on records (via `eval`), time zones and the clock, label/name
//! equivalences, no-schema mode, hand-built trees and a no-panic property.

use chrono::{DateTime, FixedOffset};
use filterql::check::{check, CheckError, MAX_DEPTH};
use filterql::ir::Pred;
use filterql::span::Span;
use filterql::syntax::ast::{CmpOp, Expr, Field, Literal, PredKind, Predicate, Value};
use filterql::{compile, Diagnostics, Options, Query, Schema};
use miette::{Diagnostic, Severity};
use proptest::prelude::*;
use serde_json::{json, Value as Json};

fn schema() -> Schema {
    Schema::from_json(include_str!("fixtures/check/schema.json")).unwrap()
}

fn at(now: &str) -> Options {
    Options::at(now.parse::<DateTime<FixedOffset>>().unwrap())
}

fn opts() -> Options {
    at("2024-05-01T12:00:00+08:00")
}

fn ok(text: &str) -> Query {
    ok_with(text, &schema(), &opts())
}

fn ok_with(text: &str, schema: &Schema, opts: &Options) -> Query {
    compile(text, schema, opts).unwrap_or_else(|d| panic!("{text}:\n{}", d.render(80, false)))
}

fn rejected(text: &str) -> Diagnostics {
    match compile(text, &schema(), &opts()) {
        Ok(q) => panic!("{text} accepted: {:?}", q.pred()),
        Err(d) => d,
    }
}

fn codes(d: &Diagnostics) -> Vec<String> {
    d.to_json()
        .into_iter()
        .map(|j| j.code.unwrap_or_default())
        .collect()
}

/// The records of `records` the query selects, by their `id`.
fn selected(q: &Query, records: &[Json]) -> Vec<i64> {
    records
        .iter()
        .filter(|r| q.matches(r))
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn done_when_accepted() {
    let q = ok("手机 verified and createTime >= 2022-01-01");
    assert!(q.warnings().is_empty());
    assert!(q.matches(&json!({
        "_widget_1": {"phone": "13900000000", "verified": true},
        "createTime": "2022-01-01T00:00:00+08:00"
    })));
    assert!(!q.matches(&json!({
        "_widget_1": {"phone": "13900000000", "verified": true},
        "createTime": "2021-12-31T23:59:59.999+08:00"
    })));
    assert!(!q.matches(&json!({
        "_widget_1": {"phone": "13900000000", "verified": false},
        "createTime": "2022-06-01T00:00:00Z"
    })));
}

#[test]
fn done_when_rejected_with_exactly_two_diagnostics() {
    let text = "createTim >= 2022-01-01 and 手机 > 5";
    let d = rejected(text);
    let j = d.to_json();
    assert_eq!(j.len(), 2, "{}", d.render(80, false));

    assert_eq!(j[0].code.as_deref(), Some("filterql::check::unknown_field"));
    assert_eq!(j[0].help.as_deref(), Some("did you mean `createTime`?"));
    assert_eq!(
        (j[0].labels[0].start, j[0].labels[0].end),
        (0, "createTim".len())
    );

    assert_eq!(j[1].code.as_deref(), Some("filterql::check::operator_type"));
    assert!(
        j[1].message.contains("`>` does not apply to a phone field"),
        "{}",
        j[1].message
    );
    let gt = text
        .find('>')
        .map(|i| text[i + 1..].find('>').unwrap() + i + 1)
        .unwrap();
    assert_eq!((j[1].labels[0].start, j[1].labels[0].end), (gt, gt + 1));
    assert!(j.iter().all(|x| x.severity == "error"));
}

#[test]
fn every_error_of_a_query_is_reported() {
    let d = rejected(
        r#"amout > 1 or (name > "a" and status = "x") or not (due = 5 and 手机 has "1") or 备注 = "" or flowState = 7"#,
    );
    assert_eq!(
        codes(&d),
        [
            "filterql::check::unknown_field",
            "filterql::check::operator_type",
            "filterql::check::unknown_option",
            "filterql::check::literal_type",
            "filterql::check::operator_type",
            "filterql::check::ambiguous_field",
            "filterql::check::flow_state",
        ]
    );
    // Every bad literal of a list, not only the first.
    let d = rejected(r#"amount in (1, "2", 3, "4")"#);
    assert_eq!(codes(&d).len(), 2);
}

const DAY_RECORDS: &str = r#"[
  {"id": 1, "due": "2021-12-31T15:59:59.999Z"},
  {"id": 2, "due": "2021-12-31T16:00:00.000Z"},
  {"id": 3, "due": "2022-01-01T12:00:00+08:00"},
  {"id": 4, "due": "2022-01-01T15:59:59.999Z"},
  {"id": 5, "due": "2022-01-01T16:00:00Z"},
  {"id": 6, "due": "2022-01-01T04:59:59.999Z"},
  {"id": 7, "due": "2022-01-02T05:00:00Z"},
  {"id": 8},
  {"id": 9, "due": null}
]"#;

#[test]
fn a_date_on_a_datetime_field_is_the_whole_day_in_plus_eight() {
    let recs: Vec<Json> = serde_json::from_str(DAY_RECORDS).unwrap();
    // The day 2022-01-01 in +08:00 is [2021-12-31T16:00Z, 2022-01-01T16:00Z).
    assert_eq!(selected(&ok("due = 2022-01-01"), &recs), [2, 3, 4, 6]);
    assert_eq!(selected(&ok("due != 2022-01-01"), &recs), [1, 5, 7, 8, 9]);
    assert_eq!(selected(&ok("due > 2022-01-01"), &recs), [5, 7]);
    assert_eq!(
        selected(&ok("due >= 2022-01-01"), &recs),
        [2, 3, 4, 5, 6, 7]
    );
    assert_eq!(selected(&ok("due < 2022-01-01"), &recs), [1]);
    assert_eq!(selected(&ok("due <= 2022-01-01"), &recs), [1, 2, 3, 4, 6]);
    assert_eq!(
        selected(&ok("not (due <= 2022-01-01)"), &recs),
        [5, 7, 8, 9]
    );
    assert_eq!(
        selected(&ok("due between 2022-01-01 and 2022-01-01"), &recs),
        [2, 3, 4, 6]
    );
}

#[test]
fn a_date_in_another_zone() {
    let recs: Vec<Json> = serde_json::from_str(DAY_RECORDS).unwrap();
    let west = opts().with_tz("-05:00".parse().unwrap());
    // The day 2022-01-01 in -05:00 is [2022-01-01T05:00Z, 2022-01-02T05:00Z).
    let q = ok_with("due = 2022-01-01", &schema(), &west);
    assert_eq!(selected(&q, &recs), [4, 5]);
    assert_eq!(q.tz().local_minus_utc(), -5 * 3600);
    let q = ok_with("due > 2022-01-01", &schema(), &west);
    assert_eq!(selected(&q, &recs), [7]);
    // Without an option the schema's zone applies.
    let utc_schema =
        Schema::from_json(r#"{"fields":[{"name":"due","type":"datetime"}],"timezone":"Z"}"#)
            .unwrap();
    let q = ok_with("due = 2022-01-01", &utc_schema, &opts());
    assert_eq!(selected(&q, &recs), [3, 4, 5, 6]);
    // An offset-less datetime is read in the zone too; an explicit offset is kept.
    let q = ok_with("due >= 2022-01-01T23:59:59.999", &schema(), &west);
    assert_eq!(selected(&q, &recs), [7]);
    let q = ok_with("due < 2022-01-01T00:00:00Z", &schema(), &west);
    assert_eq!(selected(&q, &recs), [1, 2]);
}

#[test]
fn now_and_today_follow_the_callers_clock() {
    let recs = vec![
        json!({"id": 1, "createTime": "2024-04-30T15:59:59Z"}),
        json!({"id": 2, "createTime": "2024-04-30T16:00:00Z"}),
        json!({"id": 3, "createTime": "2024-04-30T23:59:59Z"}),
        json!({"id": 4, "createTime": "2024-05-01T00:00:00Z"}),
    ];
    // 00:30 on 1 May in +08:00 is still 30 April in UTC.
    let early = at("2024-05-01T00:30:00+08:00");
    let q = ok_with("createTime = today", &schema(), &early);
    assert_eq!(selected(&q, &recs), [2, 3, 4]);
    let q = ok_with(
        "createTime = today",
        &schema(),
        &early.with_tz("+00:00".parse().unwrap()),
    );
    assert_eq!(selected(&q, &recs), [1, 2, 3]);
    let q = ok_with("createTime < today - 1d", &schema(), &early);
    assert!(selected(&q, &recs).is_empty());
    // now - 30m is 2024-04-30T16:00Z exactly: record 2 is on the inclusive bound.
    let q = ok_with("createTime >= now - 30m", &schema(), &early);
    assert_eq!(selected(&q, &recs), [2, 3, 4]);
    let q = ok_with("createTime > now - 30m", &schema(), &early);
    assert_eq!(selected(&q, &recs), [3, 4]);
    let q = ok_with("createTime > now - 1w", &schema(), &early);
    assert_eq!(selected(&q, &recs), [1, 2, 3, 4]);
}

#[test]
fn labels_and_names_mean_the_same() {
    let pairs = [
        ("手机 verified", "_widget_1 verified"),
        ("明细.数量 > 1", "items.qty > 1"),
        ("items.数量 > 1", "明细.qty > 1"),
        ("提交时间 >= 2022-01-01", "createTime >= 2022-01-01"),
        (r#"flowState = "已完成""#, "flowState = 1"),
        (r#"flowState in ("进行中", "否决")"#, "flowState in (0, 3)"),
        (r#"flowState != "手动结束""#, "flowState != 2"),
        (r#"流程状态 = "进行中""#, "flowState = 0"),
        (r#"tags has "重要""#, r#"tags has all ("重要")"#),
        ("amount not between 1 and 2", "not (amount between 1 and 2)"),
        ("amount != 1", "not (amount = 1)"),
        ("amount not in (1, 2, 1)", "not (amount in (1, 2))"),
    ];
    for (a, b) in pairs {
        assert_eq!(ok(a).pred(), ok(b).pred(), "{a} vs {b}");
    }
}

#[test]
fn subform_columns_match_when_some_row_does() {
    let q = ok("明细.数量 > 2");
    assert!(q.matches(&json!({"items": [{"qty": 1}, {"qty": 3}]})));
    assert!(!q.matches(&json!({"items": [{"qty": 1}, {"qty": 2}]})));
    assert!(!q.matches(&json!({"items": []})));
    let q = ok("not (items.qty > 2)");
    assert!(q.matches(&json!({"items": []})));
    assert!(!q.matches(&json!({"items": [{"qty": 1}, {"qty": 3}]})));
    let q = ok("items is empty");
    assert!(q.matches(&json!({"items": []})));
    assert!(!q.matches(&json!({"items": [{"qty": 1}]})));
}

#[test]
fn no_schema_mode_infers_and_warns() {
    let q = ok_with(
        r#"amount > 5 and tag has "a" and p verified and when >= 2022-01-01"#,
        &Schema::none(),
        &opts(),
    );
    let w = &q.warnings();
    assert_eq!(w.len(), 1);
    assert!(!w.has_errors());
    let item = w.get(0).unwrap();
    assert_eq!(item.severity(), Some(Severity::Warning));
    assert_eq!(
        item.code().unwrap().to_string(),
        "filterql::check::inferred_types"
    );
    let msg = item.to_string();
    for part in [
        "`amount`: number",
        "`tag`: multiselect",
        "`p`: phone",
        "`when`: datetime",
    ] {
        assert!(msg.contains(part), "{msg} lacks {part}");
    }
    assert!(q.matches(&json!({
        "amount": 6, "tag": ["a", "b"], "p": {"phone": "1", "verified": true},
        "when": "2022-01-01T00:00:00+08:00"
    })));
    assert!(!q.matches(&json!({
        "amount": 5, "tag": ["a", "b"], "p": {"phone": "1", "verified": true},
        "when": "2022-01-01T00:00:00+08:00"
    })));

    let d = compile(r#"x = 5 or x startswith "a""#, &Schema::none(), &opts()).unwrap_err();
    assert_eq!(
        codes(&d),
        [
            "filterql::check::inferred_types",
            "filterql::check::conflicting_types"
        ]
    );
    // Type errors still apply to inferred types: a text field has no order.
    let d = compile(r#"name > "a""#, &Schema::none(), &opts()).unwrap_err();
    assert!(codes(&d).contains(&"filterql::check::operator_type".to_owned()));
}

#[test]
fn no_schema_booleans_get_one_error_on_the_literal() {
    // Audit finding 12: `x = true` used to infer `x: other` and then reject its own `=`.
    let text = "x = true";
    let d = compile(text, &Schema::none(), &opts()).unwrap_err();
    let j = d.to_json();
    let errors: Vec<_> = j
        .iter()
        .filter(|e| e.code.as_deref() != Some("filterql::check::inferred_types"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", d.render(80, false));
    assert_eq!(
        errors[0].code.as_deref(),
        Some("filterql::check::boolean_value")
    );
    assert_eq!(
        (errors[0].labels[0].start, errors[0].labels[0].end),
        (4, 8),
        "the label is on `true`"
    );
    assert!(errors[0]
        .help
        .as_deref()
        .unwrap_or("")
        .contains("is [not] empty"));
    // Every boolean is reported, subform columns included.
    let d = compile(
        "x in (true, false) or items.y != false",
        &Schema::none(),
        &opts(),
    )
    .unwrap_err();
    assert_eq!(
        codes(&d)
            .iter()
            .filter(|c| *c == "filterql::check::boolean_value")
            .count(),
        3,
        "{}",
        d.render(80, false)
    );
    // A boolean next to a typed literal: the field is typed by the other literal and
    // the boolean is a literal of the wrong kind for it.
    let d = compile("x in (true, 1)", &Schema::none(), &opts()).unwrap_err();
    assert_eq!(
        codes(&d),
        [
            "filterql::check::inferred_types",
            "filterql::check::literal_type"
        ]
    );
    assert!(d.to_json()[0].message.contains("`x`: number"));
}

#[test]
fn the_demo_schema_checks_the_readme_tour() {
    for text in [
        "createTime >= 2022-01-01 and phone verified",
        r#"status in ("open", "pending") or amount > 1000"#,
        r#"not (手机 is empty) && `order no` startswith "PO-""#,
        r#"tags has any ("red", "blue")"#,
        "items.qty between 1 and 10",
        r#"updateTime >= now - 7d and flowState = "进行中""#,
    ] {
        let q = ok_with(text, &Schema::demo(), &opts());
        assert!(q.warnings().is_empty(), "{text}");
    }
}

#[test]
fn the_demo_schema_runs_the_readme_example() {
    let q = ok_with(
        "createTime >= 2022-01-01 and phone verified",
        &Schema::demo(),
        &opts(),
    );
    assert!(q.warnings().is_empty());
    assert!(q.matches(
        &json!({"createTime": "2023-01-01T00:00:00Z", "phone": {"phone": "1", "verified": true}})
    ));
}

fn pred(field: &str, op: CmpOp, value: Value) -> Expr {
    let span = Span::new(0, 0);
    Expr::Pred(Predicate {
        field: Field {
            path: vec![field.to_owned()].into(),
            span,
        },
        kind: PredKind::Compare {
            op,
            value: Literal { value, span },
        },
        span,
    })
}

#[test]
fn hand_built_trees_deeper_than_any_parse_are_rejected_without_overflow() {
    let mut e = pred("amount", CmpOp::Gt, Value::Number(1.0));
    for _ in 0..200_000 {
        e = Expr::Not(Box::new(e), Span::new(0, 0));
    }
    let mut d = Diagnostics::new("");
    assert!(check(&e, &schema(), &opts(), &mut d).is_none());
    assert!(matches!(
        d.iter().collect::<Vec<_>>().as_slice(),
        [filterql::Error::Check(CheckError::TooDeep { .. })]
    ));
    // Just inside the limit is fine.
    let mut e = pred("amount", CmpOp::Gt, Value::Number(1.0));
    for _ in 1..MAX_DEPTH {
        e = Expr::Not(Box::new(e), Span::new(0, 0));
    }
    let mut d = Diagnostics::new("");
    assert!(
        check(&e, &schema(), &opts(), &mut d).is_some(),
        "{}",
        d.render(80, false)
    );
    // One level more is not, and the only error is the depth.
    let e = Expr::Not(Box::new(e), Span::new(0, 0));
    let mut d = Diagnostics::new("");
    assert!(check(&e, &schema(), &opts(), &mut d).is_none());
    assert_eq!(d.len(), 1);
}

#[test]
fn empty_groups_fail_closed() {
    let mut d = Diagnostics::new("");
    let e = Expr::And(Vec::new(), Span::new(0, 0));
    assert!(check(&e, &schema(), &opts(), &mut d).is_none());
    assert!(d.has_errors());
    let mut d = Diagnostics::new("");
    let e = Expr::Or(
        vec![
            pred("amount", CmpOp::Eq, Value::Number(1.0)),
            Expr::Or(Vec::new(), Span::new(0, 0)),
        ],
        Span::new(0, 0),
    );
    assert!(check(&e, &schema(), &opts(), &mut d).is_none());
    assert_eq!(codes(&d), ["filterql::check::empty"]);
}

#[test]
fn the_checker_output_is_returned_only_without_errors() {
    let mut d = Diagnostics::new("");
    let e = Expr::And(
        vec![
            pred("amount", CmpOp::Eq, Value::Number(1.0)),
            pred("name", CmpOp::Eq, Value::Bool(true)),
        ],
        Span::new(0, 0),
    );
    assert_eq!(check(&e, &schema(), &opts(), &mut d), None::<Pred>);
    assert_eq!(codes(&d), ["filterql::check::literal_type"]);
}

/// Query pieces over the fixture schema: good and bad fields, operators and literals.
fn arb_query() -> impl Strategy<Value = String> {
    let field = prop::sample::select(vec![
        "name",
        "amount",
        "due",
        "手机",
        "status",
        "tags",
        "owner",
        "members",
        "dept",
        "depts",
        "sn",
        "备注",
        "attachment",
        "items",
        "items.qty",
        "明细.物品",
        "flowState",
        "createTime",
        "_id",
        "nope",
        "amount.x",
        "items.nope",
    ]);
    let op = prop::sample::select(vec![
        "=",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "in",
        "not in",
        "between",
        "not between",
        "contains",
        "not startswith",
        "endswith",
        "has",
        "has any",
        "has all",
        "is empty",
        "is not null",
        "verified",
        "unverified",
    ]);
    let lit = prop::sample::select(vec![
        "1",
        "-2.5",
        "0",
        "3",
        "\"\"",
        "\"a\"",
        "\"已完成\"",
        "\"重要\"",
        "2022-01-01",
        "2022-01-01T08:00",
        "2022-01-01T08:00Z",
        "now",
        "today - 1d",
        "now + 3h",
        "today + 2h",
        "true",
        "\"进行中\"",
    ]);
    let leaf = (field, op, lit.clone(), lit).prop_map(|(f, o, a, b)| match o {
        "in" | "not in" | "has any" | "has all" => format!("{f} {o} ({a}, {b})"),
        "between" | "not between" => format!("{f} {o} {a} and {b}"),
        "is empty" | "is not null" | "verified" | "unverified" => format!("{f} {o}"),
        _ => format!("{f} {o} {a}"),
    });
    leaf.prop_recursive(3, 8, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} and {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} or {b})")),
            inner.prop_map(|a| format!("not ({a})")),
        ]
    })
}

proptest! {
    /// Whatever the query, the checker never panics, returns IR exactly when it reports
    /// no error, and every diagnostic has a code, a help line and a label inside the text.
    #[test]
    fn check_is_total_and_consistent(text in arb_query(), infer in any::<bool>()) {
        let schema = if infer { Schema::none() } else { schema() };
        let Ok(ast) = filterql::syntax::parse(&text) else { return Ok(()) };
        let mut d = Diagnostics::new(text.clone());
        let got = check(&ast, &schema, &opts(), &mut d);
        prop_assert_eq!(got.is_some(), !d.has_errors(), "{}", d.render(80, false));
        for j in d.to_json() {
            prop_assert!(j.code.as_deref().unwrap_or("").starts_with("filterql::check::"));
            prop_assert!(j.help.is_some());
            prop_assert_eq!(j.labels.len(), 1);
            prop_assert!(j.labels[0].end <= text.len() && j.labels[0].start <= j.labels[0].end);
        }
    }
}

/// The IR the checker builds for each field type means what the user wrote on jdy-shaped
/// records (the value forms of DESIGN §3).
#[test]
fn checked_queries_on_jdy_record_shapes() {
    let cases: &[(&str, Json, bool)] = &[
        (
            r#"手机 = "139""#,
            json!({"_widget_1": {"phone": "139", "verified": false}}),
            true,
        ),
        (
            r#"手机 = "139""#,
            json!({"_widget_1": {"phone": "1390"}}),
            false,
        ),
        (
            r#"手机 contains "39""#,
            json!({"_widget_1": {"phone": "1390"}}),
            true,
        ),
        (
            "手机 unverified",
            json!({"_widget_1": {"phone": "1390", "verified": false}}),
            true,
        ),
        (
            "手机 unverified",
            json!({"_widget_1": {"phone": "", "verified": false}}),
            false,
        ),
        (
            "手机 is empty",
            json!({"_widget_1": {"phone": "", "verified": true}}),
            true,
        ),
        (
            r#"owner = "xiaojian""#,
            json!({"owner": {"username": "xiaojian", "name": "小简"}}),
            true,
        ),
        (r#"owner = "xiaojian""#, json!({"owner": "xiaojian"}), true),
        (
            r#"creator != "xiaojian""#,
            json!({"creator": {"username": "other"}}),
            true,
        ),
        ("dept in (1, 3)", json!({"dept": {"dept_no": 3}}), true),
        ("dept in (1, 3)", json!({"dept": 2}), false),
        (
            r#"members has "a""#,
            json!({"members": [{"username": "a"}, {"username": "b"}]}),
            true,
        ),
        (
            "depts has all (1, 2)",
            json!({"depts": [{"dept_no": 1}, {"dept_no": 2}]}),
            true,
        ),
        (
            "depts has all (1, 2)",
            json!({"depts": [{"dept_no": 1}]}),
            false,
        ),
        (
            r#"tags has any ("重要", "普通")"#,
            json!({"tags": ["普通"]}),
            true,
        ),
        (
            r#"tags has all ("重要", "普通")"#,
            json!({"tags": ["普通"]}),
            false,
        ),
        (r#"tags is empty"#, json!({"tags": []}), true),
        (r#"flowState = "已完成""#, json!({"flowState": 1}), true),
        (r#"flowState != "已完成""#, json!({}), true),
        (r#"status = "已完成""#, json!({"status": "已完成"}), true),
        (r#"name = "A""#, json!({"name": "a"}), false),
        (r#"name startswith "张""#, json!({"name": "张三"}), true),
        (r#"sn endswith "09""#, json!({"sn": "SN-0009"}), true),
        (
            r#"_id = "59e9a2fe283ffa7c11b1ddbe""#,
            json!({"_id": "59e9a2fe283ffa7c11b1ddbe"}),
            true,
        ),
        ("amount between 1 and 2", json!({"amount": 2}), true),
        ("amount not between 1 and 2", json!({"amount": null}), true),
        (
            "due in (2022-01-01, 2022-01-03)",
            json!({"due": "2022-01-03T23:00:00+08:00"}),
            true,
        ),
        (
            "due not in (2022-01-01, 2022-01-03)",
            json!({"due": "2022-01-02T23:00:00+08:00"}),
            true,
        ),
        (
            "due not in (2022-01-01, 2022-01-03)",
            json!({"due": "2022-01-01T23:00:00+08:00"}),
            false,
        ),
    ];
    for (text, record, want) in cases {
        assert_eq!(ok(text).matches(record), *want, "{text} on {record}");
    }
}

/// Large queries (near the parser's input limit) are checked in linear time: many
/// distinct fields in no-schema mode, long value lists with repeats. (The checker alone:
/// normalization is another pass.)
#[test]
fn large_queries() {
    let run = |text: &str, schema: &Schema| {
        let ast = filterql::syntax::parse(text).unwrap();
        let mut d = Diagnostics::new(text);
        let p = check(&ast, schema, &opts(), &mut d);
        (p.unwrap_or_else(|| panic!("{}", d.render(80, false))), d)
    };
    let n = 40_000;
    let text: Vec<String> = (0..n).map(|i| format!("f{i} > {i}")).collect();
    let (p, d) = run(&text.join(" or "), &Schema::none());
    assert!(d
        .get(0)
        .unwrap()
        .to_string()
        .contains(&format!("`f{}`: number", n - 1)));
    assert!(filterql::eval::matches(&p, &json!({"f39999": 40000})));
    assert!(!filterql::eval::matches(&p, &json!({"f39999": 39999})));

    let values: Vec<String> = (0..100_000).map(|i| (i % 50_000).to_string()).collect();
    let (p, _) = run(&format!("amount in ({})", values.join(", ")), &schema());
    // The checker keeps the list as written; normalization deduplicates it.
    let p = filterql::normalize::normalize(p);
    match &p {
        Pred::Leaf(l) => match &l.test {
            filterql::ir::Test::In(v) => assert_eq!(v.len(), 50_000),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    assert!(filterql::eval::matches(&p, &json!({"amount": 49_999})));
    assert!(!filterql::eval::matches(&p, &json!({"amount": 50_000})));
}

/// The deepest query the parser accepts is within the checker's depth limit.
#[test]
fn the_deepest_parsable_query_checks() {
    let nested = |depth: usize, not: bool| {
        let mut text = String::from("amount = 1");
        for i in 0..depth {
            let op = if i % 2 == 0 { "or" } else { "and" };
            text = if not && i % 3 == 0 {
                format!("not ({text})")
            } else {
                format!("amount = 1 {op} ({text})")
            };
        }
        text
    };
    for not in [false, true] {
        let deepest = (0..=filterql::syntax::MAX_DEPTH + 2)
            .rev()
            .find(|d| filterql::syntax::parse(&nested(*d, not)).is_ok())
            .unwrap();
        // `not (..)` counts twice towards the parser limit.
        assert!(deepest >= filterql::syntax::MAX_DEPTH / 2, "{deepest}");
        let q = ok(&nested(deepest, not));
        assert!(q.matches(&json!({"amount": 1})));
    }
}

#[test]
fn a_swapped_pair_in_a_short_name_is_suggested() {
    // Audit finding 10, end to end: the diagnostic's help names the field.
    let j = rejected(r#"nmae = "a""#).to_json();
    assert_eq!(j.len(), 1);
    assert_eq!(j[0].code.as_deref(), Some("filterql::check::unknown_field"));
    assert_eq!(j[0].help.as_deref(), Some("did you mean `name`?"));
}

#[test]
fn a_jdy_widget_id_and_its_alias_compile_to_the_same_filter() {
    // jdy returns records keyed by alias and filters by alias or widget id: the IR
    // carries the alias, whichever was written.
    let schema = Schema::from_json(
        r#"{"widgets": [
            {"label": "手机", "name": "phone", "widgetName": "_widget_3", "type": "phone"},
            {"label": "金额", "name": "amount", "widgetName": "_widget_4", "type": "number"}
        ]}"#,
    )
    .unwrap();
    let by_alias = ok_with("phone verified and amount > 5", &schema, &opts());
    let by_id = ok_with("_widget_3 verified and _widget_4 > 5", &schema, &opts());
    assert_eq!(by_alias.pred(), by_id.pred());
    let filter = serde_json::to_value(by_id.to_jdy().unwrap()).unwrap();
    let fields: Vec<&str> = filter["cond"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["phone", "amount"], "{filter}");
    assert!(by_id.matches(&json!({
        "phone": {"phone": "139", "verified": true}, "amount": 6
    })));
}
