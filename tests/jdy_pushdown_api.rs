//! The pushdown contract through the public API (issue 13.2): the plan's residual is
//! a compiled predicate with `matches`, lists the fields it reads, adds them to a
//! projection, serializes without losing anything, and the plan says when no request
//! is needed (unsatisfiable) or nothing needs checking (exact, tautology).

use filterql::target::jdy::{JdyMethods, ListRequest, Pushdown};
use filterql::{compile, Options, Schema};
use serde_json::{json, Value};

fn opts() -> Options {
    Options::at("2024-05-01T12:00:00+08:00".parse().unwrap())
}

fn plan(q: &str) -> Pushdown {
    compile(q, &Schema::demo(), &opts())
        .unwrap_or_else(|d| panic!("{q}: {}", d.render(80, false)))
        .to_jdy_pushdown()
}

#[test]
fn an_unsatisfiable_query_needs_no_request() {
    let p = plan("amount > 5 and amount < 3");
    assert!(p.is_unsatisfiable());
    assert!(!p.is_exact() && !p.is_tautology());
    assert_eq!(p.filter(), None);
    // The residual is the query itself: a caller who fetches anyway keeps nothing.
    let r = p.residual().unwrap();
    assert_eq!(r.to_string(), "amount > 5 and amount < 3");
    assert!(!p.matches(&json!({"amount": 4})));
    assert_eq!(
        serde_json::to_value(&p).unwrap(),
        json!({"filter": null, "residual": "amount > 5 and amount < 3", "unsatisfiable": true})
    );
    assert_eq!(p.to_json(), serde_json::to_string(&p).unwrap());
}

#[test]
fn an_exact_plan_has_no_residual_and_no_extra_key() {
    let p = plan("amount > 5 and class = \"A\"");
    assert!(p.is_exact() && !p.is_unsatisfiable() && !p.is_tautology());
    assert!(
        p.matches(&json!({})),
        "no residual: every fetched record is kept"
    );
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(v["residual"], Value::Null);
    assert_eq!(v.as_object().unwrap().len(), 2, "{v}");
    assert_eq!(
        p.filter_json().unwrap(),
        serde_json::to_string(p.filter().unwrap()).unwrap()
    );
}

#[test]
fn the_residual_is_a_predicate_with_fields_and_text() {
    let p = plan(r#"amount >= 10 and (class = "A" or phone verified) and items.qty > 2"#);
    let r = p.residual().unwrap().clone();
    assert_eq!(r.fields(), ["class", "phone", "items"]);
    // Text that compiles back to the same meaning.
    let back = compile(r.as_str(), &Schema::demo(), &opts()).unwrap();
    for rec in [
        json!({"class": "A", "items": [{"qty": 3}]}),
        json!({"class": "B", "items": [{"qty": 3}]}),
        json!({"class": "A", "items": [{"qty": 1}]}),
        json!({"phone": {"phone": "139", "verified": true}, "items": [{"qty": 5}]}),
    ] {
        assert_eq!(r.matches(&rec), back.matches(&rec), "{rec}");
        assert_eq!(p.matches(&rec), r.matches(&rec));
    }
    // Serializes as its text.
    assert_eq!(serde_json::to_value(&r).unwrap(), json!(r.to_string()));
    assert_eq!(format!("{r}"), r.as_str());
}

#[test]
fn projections_include_the_residual_fields() {
    let p = plan(r#"amount >= 10 and class endswith "A""#);
    assert_eq!(p.projection(&["_id", "amount"]), ["_id", "amount", "class"]);
    assert_eq!(p.projection(&["class"]), ["class"]);
    let req = ListRequest::new("app", "entry")
        .with_fields(["_id"])
        .with_pushdown(&p);
    assert_eq!(req.fields.unwrap(), ["_id", "class"]);
    assert_eq!(req.filter.as_ref(), p.filter());
    // Without a projection every field comes back: nothing to add.
    let all = ListRequest::new("app", "entry").with_pushdown(&p);
    assert_eq!(all.fields, None);
}

#[test]
fn a_nested_query_pushes_its_flat_part() {
    let p = plan(
        r#"createTime >= 2022-01-01 and amount > 100 and (class = "A" or class contains "B1")"#,
    );
    let f = p.filter().unwrap();
    assert_eq!(f.cond.len(), 2);
    assert_eq!(
        p.residual().unwrap().to_string(),
        r#"class = "A" or class contains "B1""#
    );
}

#[test]
fn the_seed_table_is_an_option_of_the_query_methods() {
    let q = compile(
        r#"amount > 5 and class contains "x""#,
        &Schema::demo(),
        &opts(),
    )
    .unwrap();
    let seed = q.jdy_options().with_methods(JdyMethods::Seed);
    assert!(q.to_jdy().is_ok());
    let err = q.to_jdy_with(&seed).unwrap_err();
    assert!(
        err.render(80, false).contains("documented method table"),
        "{}",
        err.render(80, false)
    );
    let p = q.to_jdy_pushdown_with(&seed);
    assert_eq!(
        serde_json::to_value(p.filter().unwrap()).unwrap()["cond"],
        json!([{"field": "amount", "type": "number", "method": "range", "value": [5.000000000000001, null]}])
    );
    assert_eq!(p.residual().unwrap().to_string(), r#"class contains "x""#);
    assert_eq!(
        q.to_jdy_json_with(&seed.clone()).is_err(),
        q.to_jdy_with(&seed).is_err()
    );
}
