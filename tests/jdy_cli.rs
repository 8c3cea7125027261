//! The issue's acceptance commands, end to end through the binary.

use assert_cmd::Command;
use serde_json::{json, Value};

const SCHEMA: &str = "tests/fixtures/jdy/schema.json";

fn filterql(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("filterql")
        .expect("binary built")
        .args(args)
        .assert()
}

/// `filterql compile --target jdy --pushdown` of `query` against [`SCHEMA`], which must
/// succeed.
fn pushdown(query: &str) -> assert_cmd::assert::Assert {
    filterql(&[
        "compile",
        "--target",
        "jdy",
        "--pushdown",
        "--schema",
        SCHEMA,
        query,
    ])
    .success()
}

fn stdout_json(a: &assert_cmd::assert::Assert) -> Value {
    serde_json::from_slice(&a.get_output().stdout).expect("JSON on stdout")
}

#[test]
fn the_users_example_is_a_flat_and_with_an_open_range_and_verified() {
    let a = filterql(&[
        "compile",
        "--target",
        "jdy",
        "--schema",
        SCHEMA,
        "createTime >= 2022-01-01 and phone verified",
    ])
    .success();
    assert_eq!(
        stdout_json(&a),
        json!({"rel": "and", "cond": [
            {"field": "createTime", "type": "datetime", "method": "range",
             "value": ["2022-01-01T00:00:00.000+08:00", null]},
            {"field": "phone", "type": "phone", "method": "verified"},
        ]})
    );
}

#[test]
fn a_nested_or_exits_1_strict_and_splits_with_pushdown() {
    let q = r#"amount = 1 and (name = "b" or level = "C")"#;
    let strict = filterql(&["compile", "--target", "jdy", "--schema", SCHEMA, q]).code(1);
    let stderr = String::from_utf8_lossy(&strict.get_output().stderr).into_owned();
    assert!(stderr.contains("filterql::jdy::nested_group"), "{stderr}");
    let a = pushdown(q);
    assert_eq!(
        stdout_json(&a),
        json!({
            "filter": {"rel": "and", "cond": [
                {"field": "amount", "type": "number", "method": "eq", "value": [1]}
            ]},
            "residual": r#"name = "b" or level = "C""#,
        })
    );
}

#[test]
fn nothing_pushable_says_so() {
    let a = pushdown(r#"name not contains "x""#);
    assert_eq!(
        stdout_json(&a),
        json!({"filter": null, "residual": r#"name not contains "x""#})
    );
}

#[test]
fn decompile_reads_the_seed_filter_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("filter.json");
    std::fs::write(
        &path,
        r#"{"rel":"and","cond":[{"field":"flowState","type":"flowstate","method":"eq","value":[0]},{"field":"createTime","method":"range","value":["2022-01-01",null]}]}"#,
    )
    .unwrap();
    let a = filterql(&["decompile", "--from", "jdy", path.to_str().unwrap()]).success();
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stdout).trim(),
        "flowState = 0 and createTime >= 2022-01-01"
    );
}

#[test]
fn jdy_methods_seed_keeps_to_the_documented_table() {
    // Extended: `gt`. Seed: numbers have no `gt`, so the exclusive bound becomes the
    // closed `range` from the next double up, which means the same.
    let a = filterql(&["compile", "--target", "jdy", "--no-schema", "amount > 5"]);
    let v = stdout_json(&a.success());
    assert_eq!(v["cond"][0]["method"], "gt");
    let a = filterql(&[
        "compile",
        "--target",
        "jdy",
        "--no-schema",
        "--jdy-methods",
        "seed",
        "amount > 5",
    ]);
    let v = stdout_json(&a.success());
    assert_eq!(v["cond"][0]["method"], "range");
    assert_eq!(v["cond"][0]["value"], json!([5.000000000000001, null]));
    // `like` is only for phones in the seed table: `contains` on text is refused.
    filterql(&[
        "compile",
        "--target",
        "jdy",
        "--no-schema",
        "--jdy-methods",
        "seed",
        "name contains \"x\"",
    ])
    .code(1)
    .stderr(predicates::str::contains(
        "filterql::jdy::unsupported_method",
    ));
}
