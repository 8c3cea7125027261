//! The jdy backend on hand-built IR: wire format of each method-table row, strict
//! rejections, pushdown splits, checked against the simulator of the documented jdy
//! semantics on hand-written records whose expected answers follow from DESIGN §3.

mod jdy_sim;
mod support;

use filterql::ir::{Bound, FieldRef, Pred, Range, Scalar, Test};
use filterql::schema::FieldType;
use filterql::span::Span;
use filterql::syntax::ast::TextOp;
use filterql::target::jdy::{self, JdyError, JdyFilter, JdyOptions};
use jdy_sim::{jdy_sim, sim_opt, NE_MODES};
use serde_json::{json, Value};
use support::top_field as field;

fn leaf(f: FieldRef, test: Test) -> Pred {
    Pred::leaf(f, test, false, Span::new(0, 1))
}

fn not(f: FieldRef, test: Test) -> Pred {
    Pred::leaf(f, test, true, Span::new(0, 1))
}

fn text(s: &str) -> Scalar {
    Scalar::Text(s.into())
}

fn n(x: f64) -> Scalar {
    Scalar::Number(x)
}

/// The residual of a plan as a predicate.
fn residual(pd: &jdy::Pushdown) -> Option<&Pred> {
    pd.residual().map(|r| r.pred())
}

fn opts() -> JdyOptions {
    JdyOptions::default()
}

fn strict(p: &Pred) -> Value {
    serde_json::to_value(jdy::compile(p, &opts()).expect("compiles")).expect("serializes")
}

fn errors(p: &Pred) -> Vec<JdyError> {
    jdy::compile(p, &opts()).expect_err("rejected")
}

/// 2022-01-01T00:00:00+08:00 in ms.
const DAY: i64 = 1_640_966_400_000;
const MS_PER_DAY: i64 = 86_400_000;

fn bound(value: Scalar, inclusive: bool) -> Option<Bound> {
    Some(Bound { value, inclusive })
}

fn range(lo: Option<Bound>, hi: Option<Bound>) -> Test {
    Test::Range(Range { lo, hi })
}

#[test]
fn the_issue_example_is_one_flat_and() {
    // createTime >= 2022-01-01 and phone verified
    let p = Pred::And(vec![
        leaf(
            field("createTime", FieldType::Datetime),
            range(bound(Scalar::DateTime(DAY), true), None),
        ),
        leaf(field("phone", FieldType::Phone), Test::Verified),
    ]);
    assert_eq!(
        strict(&p),
        json!({"rel": "and", "cond": [
            {"field": "createTime", "type": "datetime", "method": "range",
             "value": ["2022-01-01T00:00:00.000+08:00", null]},
            {"field": "phone", "type": "phone", "method": "verified"},
        ]})
    );
}

#[test]
fn a_date_on_a_datetime_field_is_the_inclusive_day() {
    let p = leaf(
        field("d", FieldType::Datetime),
        range(
            bound(Scalar::DateTime(DAY), true),
            bound(Scalar::DateTime(DAY + MS_PER_DAY), false),
        ),
    );
    let f = strict(&p);
    assert_eq!(
        f["cond"][0]["value"],
        json!([
            "2022-01-01T00:00:00.000+08:00",
            "2022-01-01T23:59:59.999+08:00"
        ])
    );
    let filter: JdyFilter = serde_json::from_value(f).unwrap();
    let tz = opts().tz;
    for (t, want) in [
        ("2021-12-31T15:59:59.999Z", false),
        ("2021-12-31T16:00:00.000Z", true),
        ("2022-01-01T15:59:59.999Z", true),
        ("2022-01-01T16:00:00.000Z", false),
    ] {
        assert_eq!(
            jdy_sim(&filter, &json!({"d": t}), NE_MODES[0], tz),
            want,
            "{t}"
        );
    }
}

#[test]
fn strict_datetime_bounds_move_one_millisecond() {
    let p = leaf(
        field("d", FieldType::Datetime),
        range(bound(Scalar::DateTime(DAY), false), None),
    );
    assert_eq!(
        strict(&p)["cond"][0]["value"],
        json!(["2022-01-01T00:00:00.001+08:00", null])
    );
}

#[test]
fn number_bounds_use_gt_lt_and_range() {
    let x = || field("x", FieldType::Number);
    let gt = leaf(x(), range(bound(n(5.0), false), None));
    assert_eq!(
        strict(&gt)["cond"],
        json!([{"field": "x", "type": "number", "method": "gt", "value": [5]}])
    );
    let between = leaf(x(), range(bound(n(1.5), true), bound(n(3.0), true)));
    assert_eq!(strict(&between)["cond"][0]["value"], json!([1.5, 3]));
    // 1 <= x < 3 is two conditions in an `and`; in an `or`, one closed `range` to the
    // double below 3.
    let half = leaf(x(), range(bound(n(1.0), true), bound(n(3.0), false)));
    assert_eq!(
        strict(&half),
        json!({"rel": "and", "cond": [
            {"field": "x", "type": "number", "method": "range", "value": [1, null]},
            {"field": "x", "type": "number", "method": "lt", "value": [3]},
        ]})
    );
    let in_or = Pred::Or(vec![half, leaf(field("t", FieldType::Text), Test::Empty)]);
    assert_eq!(
        strict(&in_or)["cond"][0],
        json!({"field": "x", "type": "number", "method": "range", "value": [1, 2.9999999999999996]})
    );
}

#[test]
fn ne_alone_gets_an_empty_arm() {
    let p = not(field("t", FieldType::Text), Test::Eq(text("a")));
    assert_eq!(
        strict(&p),
        json!({"rel": "or", "cond": [
            {"field": "t", "type": "text", "method": "ne", "value": ["a"]},
            {"field": "t", "type": "text", "method": "empty"},
        ]})
    );
}

#[test]
fn ne_in_an_and_needs_a_non_empty_guard() {
    let t = || field("t", FieldType::Text);
    let a = || leaf(field("a", FieldType::Number), Test::Eq(n(1.0)));
    let bare = Pred::And(vec![a(), not(t(), Test::Eq(text("x")))]);
    let errs = errors(&bare);
    assert!(matches!(errs[..], [JdyError::NeedsOr { .. }]), "{errs:?}");
    let guarded = Pred::And(vec![
        a(),
        not(t(), Test::Eq(text("x"))),
        not(t(), Test::Empty),
    ]);
    assert_eq!(
        strict(&guarded)["cond"],
        json!([
            {"field": "a", "type": "number", "method": "eq", "value": [1]},
            {"field": "t", "type": "text", "method": "ne", "value": ["x"]},
            {"field": "t", "type": "text", "method": "not_empty"},
        ])
    );
}

#[test]
fn nested_groups_are_rejected_and_pushed_down() {
    // a = 1 and (b = 2 or c = 3)
    let a = leaf(field("a", FieldType::Number), Test::Eq(n(1.0)));
    let or = Pred::Or(vec![
        leaf(field("b", FieldType::Number), Test::Eq(n(2.0))),
        leaf(field("c", FieldType::Number), Test::Eq(n(3.0))),
    ]);
    let p = Pred::And(vec![a.clone(), or.clone()]);
    let errs = errors(&p);
    assert!(
        matches!(
            errs[..],
            [JdyError::NestedGroup {
                inner: "or",
                outer: "and",
                ..
            }]
        ),
        "{errs:?}"
    );
    let pd = jdy::pushdown(&p, &opts());
    assert_eq!(
        serde_json::to_value(pd.filter().unwrap()).unwrap(),
        json!({"rel": "and", "cond": [{"field": "a", "type": "number", "method": "eq", "value": [1]}]})
    );
    assert_eq!(residual(&pd), Some(&or));
}

#[test]
fn an_or_is_pushed_whole_or_not_at_all() {
    let t = || field("t", FieldType::Text);
    let p = Pred::Or(vec![
        leaf(t(), Test::Eq(text("a"))),
        leaf(t(), Test::Text(TextOp::EndsWith, "z".into())),
    ]);
    let pd = jdy::pushdown(&p, &opts());
    // `endswith` loosens to `like`; the whole `or` stays as residual.
    assert_eq!(
        serde_json::to_value(pd.filter().unwrap()).unwrap(),
        json!({"rel": "or", "cond": [
            {"field": "t", "type": "text", "method": "eq", "value": ["a"]},
            {"field": "t", "type": "text", "method": "like", "value": ["z"]},
        ]})
    );
    assert_eq!(residual(&pd), Some(&p));
    let hopeless = Pred::Or(vec![
        leaf(t(), Test::Eq(text("a"))),
        not(t(), Test::Text(TextOp::Contains, "z".into())),
    ]);
    let pd = jdy::pushdown(&hopeless, &opts());
    assert_eq!(pd.filter(), None);
    assert_eq!(residual(&pd), Some(&hopeless));
}

#[test]
fn long_lists_split_only_where_exact() {
    let s = || field("s", FieldType::Select);
    let many: Vec<Scalar> = (0..450).map(|i| text(&format!("v{i}"))).collect();
    let alone = leaf(s(), Test::In(many.clone()));
    let f = strict(&alone);
    assert_eq!(f["rel"], "or");
    let sizes: Vec<usize> = f["cond"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [200, 200, 50]);
    let in_and = Pred::And(vec![
        alone,
        leaf(field("a", FieldType::Number), Test::Eq(n(1.0))),
    ]);
    assert!(matches!(
        errors(&in_and)[..],
        [JdyError::TooManyValues { count: 450, .. }]
    ));
    let m = || field("m", FieldType::Multiselect);
    let all = Pred::And(vec![
        leaf(m(), Test::HasAll(many.clone())),
        leaf(field("a", FieldType::Number), Test::Eq(n(1.0))),
    ]);
    assert_eq!(strict(&all)["cond"].as_array().unwrap().len(), 4);
}

#[test]
fn subform_columns_and_unsupported_methods_are_all_reported() {
    let mut col = field("qty", FieldType::Number);
    col.info_mut().subform = Some("items".into());
    let p = Pred::And(vec![
        leaf(col, Test::Eq(n(1.0))),
        leaf(
            field("t", FieldType::Text),
            Test::Text(TextOp::StartsWith, "a".into()),
        ),
        leaf(
            field("d", FieldType::Datetime),
            Test::HasAny(vec![Scalar::DateTime(DAY)]),
        ),
        not(field("_id", FieldType::Dataid), Test::Eq(text("x"))),
    ]);
    let errs = errors(&p);
    assert_eq!(errs.len(), 4, "{errs:?}");
    assert!(matches!(errs[0], JdyError::SubformColumn { .. }));
    assert!(errs[1..]
        .iter()
        .all(|e| matches!(e, JdyError::Unsupported { .. })));
}

#[test]
fn constants_are_rejected() {
    assert!(matches!(
        errors(&Pred::True)[..],
        [JdyError::Constant { value: true, .. }]
    ));
    let pd = jdy::pushdown(&Pred::False, &opts());
    assert!(pd.is_unsatisfiable());
    assert_eq!((pd.filter(), residual(&pd)), (None, Some(&Pred::False)));
    // The language has no `false`: the residual text is a query no record matches.
    assert_eq!(
        pd.residual().unwrap().to_string(),
        "_id is empty and _id is not empty"
    );
    let pd = jdy::pushdown(&Pred::True, &opts());
    assert!(pd.is_tautology() && pd.is_exact() && !pd.is_unsatisfiable());
}

#[test]
fn unnormalized_not_is_handled_exactly() {
    // not (a = 1 or b is empty)  ≡  a != 1 and b is not empty
    let p = Pred::Not(Box::new(Pred::Or(vec![
        leaf(field("a", FieldType::Number), Test::Eq(n(1.0))),
        leaf(field("b", FieldType::Text), Test::Empty),
    ])));
    let pd = jdy::pushdown(&p, &opts());
    let f = pd.filter().expect("b is not empty is pushable").clone();
    let tz = opts().tz;
    let records = [
        (json!({"a": 1, "b": "x"}), false),
        (json!({"a": 2, "b": "x"}), true),
        (json!({"b": "x"}), true),
        (json!({"a": 2}), false),
        (json!({"a": 2, "b": ""}), false),
    ];
    for (r, want) in records {
        let residual_ok = match residual(&pd) {
            None => true,
            Some(res) => {
                // Hand evaluation of the only residual shape possible here: `a != 1`.
                assert!(matches!(res, Pred::Leaf(l) if l.negated && l.field.name == "a"));
                r.get("a") != Some(&json!(1))
            }
        };
        for mode in NE_MODES {
            assert_eq!(
                jdy_sim(&f, &r, mode, tz) && residual_ok,
                want,
                "{r} {mode:?}"
            );
        }
    }
}

#[test]
fn deep_trees_fail_closed() {
    let mut p = leaf(field("a", FieldType::Number), Test::Eq(n(1.0)));
    for _ in 0..300 {
        p = Pred::Not(Box::new(p));
    }
    assert!(matches!(errors(&p)[..], [JdyError::TooDeep { .. }]));
    let pd = jdy::pushdown(&p, &opts());
    assert_eq!(pd.filter(), None);
    assert!(pd.residual().is_some());
}

#[test]
fn phone_and_flowstate_rows() {
    let ph = || field("ph", FieldType::Phone);
    let f = strict(&Pred::Or(vec![
        not(ph(), Test::Verified),
        leaf(ph(), Test::Text(TextOp::Contains, "139".into())),
        leaf(
            field("flowState", FieldType::Flowstate),
            Test::In(vec![n(0.0), n(3.0)]),
        ),
    ]));
    assert_eq!(
        f["cond"],
        json!([
            {"field": "ph", "type": "phone", "method": "unverified"},
            {"field": "ph", "type": "phone", "method": "empty"},
            {"field": "ph", "type": "phone", "method": "like", "value": ["139"]},
            {"field": "flowState", "type": "flowstate", "method": "in", "value": [0, 3]},
        ])
    );
    let filter: JdyFilter = serde_json::from_value(f).unwrap();
    let tz = opts().tz;
    let cases = [
        (json!({"ph": {"phone": "1391", "verified": true}}), true),
        (json!({"ph": {"phone": "1381", "verified": true}}), false),
        (json!({"ph": {"phone": "1381", "verified": false}}), true),
        (json!({"ph": {"verified": true}}), true),
        (
            json!({"ph": {"phone": "1381", "verified": true}, "flowState": 3}),
            true,
        ),
    ];
    for (r, want) in cases {
        assert_eq!(sim_opt(Some(&filter), &r, NE_MODES[1], tz), want, "{r}");
    }
}

#[test]
fn widget_type_wins_over_the_field_type() {
    let mut f = field("s", FieldType::Select);
    f.info_mut().widget = Some("combo".into());
    assert_eq!(
        strict(&leaf(f, Test::Eq(text("A"))))["cond"][0]["type"],
        "combo"
    );
    assert_eq!(
        strict(&leaf(field("_id", FieldType::Dataid), Test::Eq(text("x"))))["cond"][0]["type"],
        "dataid"
    );
}

#[test]
fn seed_request_round_trips_through_serde() {
    let text = r#"{"app_id":"59264073a2a60c0c08e20bfb","entry_id":"59264073a2a60c0c08e20bfd","data_id":"59e9a2fe283ffa7c11b1ddbf","limit":100,"fields":["_widget_1508400000001"],"filter":{"rel":"and","cond":[{"field":"_widget_1508400000001","type":"text","method":"empty"},{"field":"flowState","type":"flowstate","method":"eq","value":[0]},{"field":"createTime","method":"range","value":["2022-01-01",null]}]}}"#;
    let req: jdy::ListRequest = serde_json::from_str(text).unwrap();
    assert_eq!(req.limit, Some(100));
    let back: Value = serde_json::to_value(&req).unwrap();
    assert_eq!(back, serde_json::from_str::<Value>(text).unwrap());
    assert_eq!(req.next_page("z").data_id.as_deref(), Some("z"));
    assert_eq!(
        jdy::ListRequest::new("a", "e").with_limit(500).limit,
        Some(100)
    );
}

#[test]
fn ill_typed_ir_is_rejected_not_guessed() {
    // `has` is a set test; jdy's `in` on a single user is not.
    let p = leaf(
        field("owner", FieldType::User),
        Test::HasAny(vec![text("a")]),
    );
    assert!(matches!(errors(&p)[..], [JdyError::Unsupported { .. }]));
    // A number compared with a text field has no jdy form.
    let p = leaf(field("t", FieldType::Text), Test::Eq(n(1.0)));
    assert!(matches!(errors(&p)[..], [JdyError::BadValue { .. }]));
    // A text bound on a datetime range.
    let p = leaf(
        field("d", FieldType::Datetime),
        range(bound(text("x"), true), None),
    );
    assert!(matches!(errors(&p)[..], [JdyError::BadValue { .. }]));
    // A datetime beyond year 9999.
    let p = leaf(
        field("d", FieldType::Datetime),
        Test::Eq(Scalar::DateTime(300_000_000_000_000)),
    );
    assert!(matches!(errors(&p)[..], [JdyError::BadValue { .. }]));
    // No datetime literal can name that instant and no record holds it: pushdown sees
    // a query that matches nothing.
    let pd = jdy::pushdown(&p, &opts());
    assert!(pd.is_unsatisfiable());
    assert_eq!(pd.filter(), None);
}

#[test]
fn like_is_only_sent_for_plain_text() {
    let t = || field("t", FieldType::Text);
    for s in ["50%", "a_b", "a.b", "x*", "(a)", "^a", "a$", "a\\b", "a|b"] {
        let p = leaf(t(), Test::Text(TextOp::Contains, s.into()));
        assert!(matches!(errors(&p)[..], [JdyError::BadValue { .. }]), "{s}");
        let sw = leaf(t(), Test::Text(TextOp::StartsWith, s.into()));
        assert_eq!(jdy::pushdown(&sw, &opts()).filter(), None, "{s}");
    }
    for s in ["abc", "张三", "139 0000", "a-b", "a@b", "a/b"] {
        let p = leaf(t(), Test::Text(TextOp::Contains, s.into()));
        assert_eq!(strict(&p)["cond"][0]["value"], json!([s]));
    }
}

fn strict_seed_conds(p: &Pred) -> usize {
    jdy::compile(p, &seed()).expect("seed compiles").cond.len()
}

fn seed() -> JdyOptions {
    JdyOptions::default().with_methods(jdy::JdyMethods::Seed)
}

#[test]
fn the_default_table_is_extended() {
    assert_eq!(JdyOptions::default().methods, jdy::JdyMethods::Extended);
    let gt = leaf(
        field("x", FieldType::Number),
        Test::Range(Range {
            lo: Some(Bound {
                value: n(5.0),
                inclusive: false,
            }),
            hi: None,
        }),
    );
    assert_eq!(strict(&gt)["cond"][0]["method"], "gt");
}

#[test]
fn seed_table_numbers_use_closed_ranges_exactly() {
    let x = || field("x", FieldType::Number);
    let b = |v: f64, inclusive| {
        Some(Bound {
            value: n(v),
            inclusive,
        })
    };
    let seed_json =
        |p: &Pred| serde_json::to_value(jdy::compile(p, &seed()).expect("seed compiles")).unwrap();
    let gt = leaf(
        x(),
        Test::Range(Range {
            lo: b(5.0, false),
            hi: None,
        }),
    );
    assert_eq!(
        seed_json(&gt)["cond"],
        json!([{"field": "x", "type": "number", "method": "range", "value": [5.000000000000001, null]}])
    );
    let open = leaf(
        x(),
        Test::Range(Range {
            lo: b(1.0, false),
            hi: b(5.0, false),
        }),
    );
    let f = seed_json(&open);
    assert_eq!(
        f["cond"],
        json!([{"field": "x", "type": "number", "method": "range", "value": [1.0000000000000002, 4.999999999999999]}])
    );
    // One condition, so it also fits an `or`.
    let f = jdy::compile(
        &Pred::Or(vec![open.clone(), leaf(x(), Test::Empty)]),
        &seed(),
    )
    .expect("fits an or");
    for (r, want) in [
        (json!({"x": 1}), false),
        (json!({"x": 1.5}), true),
        (json!({"x": 5}), false),
        (json!({"x": 4.999}), true),
        (json!({}), true),
    ] {
        for mode in NE_MODES {
            assert_eq!(jdy_sim(&f, &r, mode, opts().tz), want, "{r}");
        }
    }
    // `not (x > 5)` = `x <= 5 or empty`.
    let ng = not(
        x(),
        Test::Range(Range {
            lo: b(5.0, false),
            hi: None,
        }),
    );
    assert_eq!(
        seed_json(&ng)["cond"],
        json!([
            {"field": "x", "type": "number", "method": "range", "value": [null, 5]},
            {"field": "x", "type": "number", "method": "empty"},
        ])
    );
}

/// Regression (a flaky `seed_pushdown_keeps_the_meaning`): `-1 < x < 0` in an `or` compiled
/// with the seed table (one closed `range` on adjacent doubles) but the extended table,
/// which prefers `gt` + `lt`, refused it; and the double below 0 was subnormal, which the
/// query text (a decompiled filter) cannot write. Both tables now send the same range,
/// ending at the smallest normal number below zero, as the residual text does.
#[test]
fn open_range_in_or_is_one_range_in_both_tables() {
    let x = || field("x", FieldType::Number);
    let open = leaf(x(), range(bound(n(-1.0), false), bound(n(0.0), false)));
    let p = Pred::Or(vec![open, leaf(field("t", FieldType::Text), Test::Empty)]);
    let want = json!({"field": "x", "type": "number", "method": "range",
        "value": [-0.9999999999999999, -f64::MIN_POSITIVE]});
    let seeded = serde_json::to_value(jdy::compile(&p, &seed()).expect("seed compiles")).unwrap();
    assert_eq!(seeded["cond"][0], want);
    assert_eq!(strict(&p)["cond"][0], want);
    let plan = jdy::pushdown(&p, &opts());
    assert!(plan.is_exact());
    assert_eq!(
        plan.filter_json(),
        jdy::to_json(&p, &opts()).ok().as_deref()
    );
}

#[test]
fn seed_table_refuses_what_the_seed_does_not_list() {
    let mut textarea = field("remark", FieldType::Text);
    textarea.info_mut().widget = Some("textarea".into());
    let refused = [
        leaf(
            field("t", FieldType::Text),
            Test::Text(TextOp::Contains, "a".into()),
        ),
        leaf(textarea, Test::Eq(text("a"))),
        leaf(
            field("m", FieldType::Multiselect),
            Test::HasAny(vec![text("a")]),
        ),
        leaf(field("u", FieldType::User), Test::Eq(text("alice"))),
        leaf(field("flowState", FieldType::Flowstate), Test::Empty),
    ];
    for p in &refused {
        // The extended table takes each of them.
        assert!(jdy::compile(p, &opts()).is_ok(), "{p:?}");
        let errs = jdy::compile(p, &seed()).expect_err("not in the seed table");
        assert!(
            errs.iter().all(|e| match e {
                JdyError::Unsupported { help, .. } => help.contains("documented method table"),
                JdyError::NeedsOr { .. } => true,
                _ => false,
            }),
            "{errs:?}"
        );
        // Pushdown keeps it whole as the residual.
        let pd = jdy::pushdown(p, &seed());
        assert_eq!((pd.filter(), residual(&pd)), (None, Some(p)), "{p:?}");
    }
    // A flow state `in` still fits an `or` as one `eq` per value, alone or in a
    // top-level `or`.
    let fs = leaf(
        field("flowState", FieldType::Flowstate),
        Test::In(vec![n(1.0), n(2.0)]),
    );
    assert_eq!(strict_seed_conds(&fs), 2);
    let or = Pred::Or(vec![
        fs,
        leaf(field("t", FieldType::Text), Test::Eq(text("a"))),
    ]);
    let f = serde_json::to_value(jdy::compile(&or, &seed()).unwrap()).unwrap();
    assert_eq!(f["cond"].as_array().unwrap().len(), 3);
    // Phones keep `like` in the seed table: `=` on a phone still loosens to it.
    let ph = leaf(field("ph", FieldType::Phone), Test::Eq(text("139")));
    let pd = jdy::pushdown(&ph, &seed());
    assert_eq!(pd.filter().unwrap().cond[0].method, jdy::Method::Like);
}

#[test]
fn guards_index_by_field() {
    // `x != 1` may drop its `empty` arm only when another conjunct rules out an empty
    // `x`; a guard on another field, or the conjunct itself, does not count.
    let x = || field("x", FieldType::Number);
    let y = || field("y", FieldType::Number);
    let ne = not(x(), Test::Eq(n(1.0)));
    let guarded = Pred::And(vec![
        ne.clone(),
        leaf(
            x(),
            Test::Range(Range {
                lo: Some(Bound {
                    value: n(0.0),
                    inclusive: true,
                }),
                hi: None,
            }),
        ),
    ]);
    assert_eq!(strict(&guarded)["cond"][0]["method"], "ne");
    let other = Pred::And(vec![ne.clone(), leaf(y(), Test::Eq(n(2.0)))]);
    assert!(jdy::compile(&other, &opts()).is_err());
    let twice = Pred::And(vec![ne.clone(), not(x(), Test::Eq(n(2.0)))]);
    assert!(jdy::compile(&twice, &opts()).is_err());
    let pd = jdy::pushdown(&other, &opts());
    assert_eq!(residual(&pd), Some(&ne));
}
