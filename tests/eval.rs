//! Properties of the reference evaluator over generated predicates and records.

mod support;

use filterql::eval::matches;
use filterql::ir::Pred;
use proptest::prelude::*;
use support::*;

fn complement(p: &Pred) -> Pred {
    match p {
        Pred::Leaf(l) => {
            let mut l = l.clone();
            l.negated = !l.negated;
            Pred::Leaf(l)
        }
        other => Pred::Not(Box::new(other.clone())),
    }
}

proptest! {
    /// A negated leaf is the exact complement of the positive one, empty values included.
    #[test]
    fn negated_leaf_is_the_complement(p in arb_leaf(), r in arb_messy_record()) {
        prop_assert_ne!(matches(&p, &r), matches(&complement(&p), &r));
    }

    /// `not` over any tree is the complement; De Morgan holds.
    #[test]
    fn not_and_de_morgan(a in arb_pred(), b in arb_pred(), r in arb_messy_record()) {
        let and = Pred::And(vec![a.clone(), b.clone()]);
        let not_and = Pred::Not(Box::new(and.clone()));
        let or_of_nots = Pred::Or(vec![
            Pred::Not(Box::new(a.clone())),
            Pred::Not(Box::new(b.clone())),
        ]);
        prop_assert_eq!(matches(&not_and, &r), !matches(&and, &r));
        prop_assert_eq!(matches(&not_and, &r), matches(&or_of_nots, &r));
    }
}

/// The generators are only useful if predicates and records collide: every leaf kind must
/// both match and fail on generated records, and every empty form must occur.
#[test]
fn generators_collide() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeMap;

    let mut runner = TestRunner::deterministic();
    let records: Vec<_> = (0..300)
        .map(|_| arb_messy_record().new_tree(&mut runner).unwrap().current())
        .collect();
    // Per (field type, test kind, negated): (matched, failed) counts.
    let mut seen: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for _ in 0..3000 {
        let p = arb_leaf().new_tree(&mut runner).unwrap().current();
        let Pred::Leaf(l) = &p else {
            panic!("arb_leaf gave {p:?}")
        };
        let kind = format!("{:?}", l.test);
        let kind = kind.split('(').next().unwrap().to_string();
        let key = format!(
            "{}{} {}",
            l.field.ty,
            if l.field.subform.is_some() {
                "[col]"
            } else {
                ""
            },
            kind
        );
        let e = seen.entry(key).or_default();
        for r in &records[..20] {
            if matches(&p, r) {
                e.0 += 1
            } else {
                e.1 += 1
            }
        }
    }
    for (k, (yes, no)) in &seen {
        assert!(*yes > 0 && *no > 0, "{k}: matched {yes}, failed {no}");
    }
    assert!(seen.len() >= 40, "too few leaf kinds: {:?}", seen.keys());

    let text = serde_json::to_string(&records).unwrap();
    for form in ["null", "\"\"", "[]", "{\"verified\":true}", "not a date"] {
        assert!(text.contains(form), "no record has {form}");
    }
    let absent = records.iter().filter(|r| r.get("title").is_none()).count();
    assert!(absent > 0);
}

/// Whole queries through `compile`, on records chosen so that each query meets empty,
/// ill-typed and boundary values; the expected ids are worked out by hand from DESIGN §3.
#[test]
fn compiled_queries_select_the_documented_records() {
    let schema = filterql::Schema::from_json(SCHEMA_JSON).unwrap();
    let opts = filterql::Options::at(
        chrono::DateTime::parse_from_rfc3339("2022-06-15T12:00:00+08:00").unwrap(),
    );
    let records = serde_json::json!([
        {"_id": "r0", "title": "Apple", "amount": 5,
         "mobile": {"phone": "13900000000", "verified": true},
         "createTime": "2022-01-01T00:30:00+08:00", "tags": ["a", "b"], "flowState": 1,
         "owner": {"username": "alice"}, "items": [{"qty": 1}, {"qty": 7}]},
        {"_id": "r1", "title": "", "amount": null,
         "mobile": {"phone": "", "verified": false},
         "createTime": "2021-12-31T23:59:59+08:00", "tags": [], "flowState": 0,
         "items": []},
        {"_id": "r2", "amount": 12.5,
         "mobile": {"phone": "13800000000", "verified": false},
         "createTime": "2022-01-01T16:00:00Z", "tags": ["c"], "owner": "bob",
         "items": [{"qty": 3}]},
        {"_id": "r3", "title": "apple pie", "amount": "5", "createTime": "garbage",
         "flowState": 3, "items": [{"qty": null}]}
    ]);
    let records = records.as_array().unwrap();
    let cases: &[(&str, &[&str])] = &[
        ("amount = 5", &["r0"]),
        // `!=` and `not` match empty values (null, absent, and "5" in a number field).
        ("amount != 5", &["r1", "r2", "r3"]),
        ("not (amount > 6)", &["r0", "r1", "r3"]),
        ("amount <= 6", &["r0"]),
        ("amount is empty", &["r1", "r3"]),
        ("createTime >= 2022-01-01 and mobile verified", &["r0"]),
        // A date is the whole day in +08:00; r2 is exactly the next midnight.
        ("createTime = 2022-01-01", &["r0"]),
        ("createTime != 2022-01-01", &["r1", "r2", "r3"]),
        ("createTime > 2022-01-01", &["r2"]),
        ("createTime <= 2022-01-01", &["r0", "r1"]),
        ("mobile unverified", &["r2"]),
        ("mobile is empty", &["r1", "r3"]),
        ("not (mobile verified)", &["r1", "r2", "r3"]),
        ("title contains \"pple\"", &["r0", "r3"]),
        ("title contains \"apple\"", &["r3"]),
        ("title not contains \"apple\"", &["r0", "r1", "r2"]),
        ("title = \"apple\"", &[]),
        ("tags has any (\"a\", \"c\")", &["r0", "r2"]),
        ("tags has all (\"a\", \"b\")", &["r0"]),
        ("not (tags has \"a\")", &["r1", "r2", "r3"]),
        ("flowState in (0, 1)", &["r0", "r1"]),
        ("flowState != 3", &["r0", "r1", "r2"]),
        ("flowState = \"已完成\"", &["r0"]),
        ("owner = \"bob\"", &["r2"]),
        ("owner != \"alice\"", &["r1", "r2", "r3"]),
        // Subform columns: some row matches / no row matches.
        ("items.qty > 5", &["r0"]),
        ("not (items.qty > 5)", &["r1", "r2", "r3"]),
        ("items.qty is empty", &["r3"]),
        ("items is empty", &["r1"]),
        ("title is empty or amount > 10", &["r1", "r2"]),
        ("not (title is empty or amount > 10)", &["r0", "r3"]),
    ];
    let mut failures = Vec::new();
    for (query, want) in cases {
        let q = filterql::compile(query, &schema, &opts)
            .unwrap_or_else(|d| panic!("{query}: {}", d.render(80, false)));
        let got: Vec<&str> = records
            .iter()
            .filter(|r| matches(q.pred(), r))
            .map(|r| r["_id"].as_str().unwrap())
            .collect();
        if got != *want {
            failures.push(format!("{query}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `arb_record` holds only values of the field's type: a value counts as empty exactly
/// when it is one of the listed empty forms, never because its type is wrong.
#[test]
fn well_typed_records_are_empty_only_in_the_listed_forms() {
    use proptest::strategy::ValueTree;
    use serde_json::Value;
    let listed_empty = |ty: filterql::FieldType, v: Option<&Value>| match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) if ty == filterql::FieldType::Phone => o
            .get("phone")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty),
        Some(_) => false,
    };
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..300 {
        let r = arb_record().new_tree(&mut runner).unwrap().current();
        for f in schema().fields() {
            let v = r.get(&f.name);
            assert_eq!(
                filterql::eval::is_empty(f.ty, v),
                listed_empty(f.ty, v),
                "{} in {r}",
                f.name
            );
            for row in v.and_then(Value::as_array).into_iter().flatten() {
                for c in &f.fields {
                    let cv = row.get(&c.name);
                    assert_eq!(
                        filterql::eval::is_empty(c.ty, cv),
                        listed_empty(c.ty, cv),
                        "{}.{} in {r}",
                        f.name,
                        c.name
                    );
                }
            }
        }
    }
}

/// How records are read (DESIGN §3, grammar/README.md "Record values"), through the
/// public API: the query's own time zone decides offset-less record datetimes.
#[test]
fn record_values_are_read_in_the_query_zone() {
    use filterql::{compile, Options};
    use serde_json::json;
    let now = chrono::DateTime::parse_from_rfc3339("2024-03-01T12:00:00+08:00").unwrap();
    let west = chrono::FixedOffset::west_opt(5 * 3600 + 1800).unwrap();
    let q = |text: &str, tz| compile(text, &schema(), &Options::at(now).with_tz(tz)).unwrap();
    let d = |v: serde_json::Value| json!({ "due": v });
    // The whole day 2024-02-29 in -05:30, and in +08:00.
    for (tz, inside, outside) in [
        (west, "2024-02-29T23:59:59.999", "2024-02-29T05:29:59.999Z"),
        (tz(), "2024-02-29 00:00", "2024-02-28T15:59:59.999Z"),
    ] {
        let day = q("due = 2024-02-29", tz);
        for v in [
            json!(inside),
            json!("2024-02-29"),
            json!("2024-02-29 10:00:00"),
            json!("2024-02-29t10:00:00.5"),
        ] {
            assert!(day.matches(&d(v.clone())), "{tz} {v}");
        }
        assert!(!day.matches(&d(json!(outside))), "{tz}");
        assert!(!day.matches(&d(json!("2024-03-01"))), "{tz}");
    }
    let plus8 = q("due = 2024-02-29T10:00:00+08:00", west);
    assert!(plus8.matches(&d(json!("2024-02-29T10:00:00+0800"))));
    assert!(plus8.matches(&d(json!("2024-02-29T02:00:00Z"))));
    assert!(plus8.matches(&d(json!(1_709_172_000_000_i64))), "epoch ms");
    assert!(
        !plus8.matches(&d(json!("2024-02-29T10:00:00"))),
        "local in -05:30"
    );
    // Not a datetime, yet not empty.
    let empty = q("due is empty", tz());
    let ne = q("due != 2024-02-29", tz());
    let gt = q("due > 2000-01-01", tz());
    let not_gt = q("not (due > 2000-01-01)", tz());
    for v in [
        json!("yesterday"),
        json!("2024-02-30"),
        json!(true),
        json!(1.5),
    ] {
        assert!(!empty.matches(&d(v.clone())), "{v}");
        assert!(ne.matches(&d(v.clone())), "{v}");
        assert!(!gt.matches(&d(v.clone())), "{v}");
        assert!(not_gt.matches(&d(v.clone())), "{v}");
    }
    for v in [json!(null), json!(""), json!([])] {
        assert!(empty.matches(&d(v.clone())), "{v}");
        assert!(not_gt.matches(&d(v.clone())), "{v}");
    }
}

/// A record's JSON integer is compared exactly with the query's number.
#[test]
fn record_integers_compare_exactly() {
    use filterql::{compile, Options};
    use serde_json::json;
    let now = chrono::DateTime::parse_from_rfc3339("2024-03-01T12:00:00+08:00").unwrap();
    let q = |text: &str| compile(text, &schema(), &Options::at(now)).unwrap();
    let r = json!({"amount": 9_007_199_254_740_993_u64});
    assert!(!q("amount = 9007199254740992").matches(&r));
    assert!(q("amount > 9007199254740992").matches(&r));
    assert!(q("amount < 9007199254740994").matches(&r));
    assert!(
        !q("amount in (1, 9007199254740994) or amount between 9007199254740993.5 and 1e300")
            .matches(&r)
    );
    assert!(q("amount != 9007199254740992").matches(&r));
    assert!(!q("amount > 9223372036854775808").matches(&json!({"amount": i64::MAX})));
}
