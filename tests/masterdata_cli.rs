//! The issue's done-when through the binary: `filterql compile --target masterdata
//! --schema S 'not (amount > 5 and status in ("a","b"))'` prints a tree with no NOT
//! whose meaning equals the query on records with empty values too; plus the envelope,
//! a rejection, and `decompile --from masterdata` reading the tree back.

mod cli_support;
mod masterdata_sim;

use assert_cmd::Command;
use cli_support::filterql;
use filterql::target::masterdata::Condition;
use filterql::{Options, Schema};
use masterdata_sim::md_sim;
use serde_json::{json, Value};

const SCHEMA: &str = "tests/fixtures/masterdata/schema.json";
const QUERY: &str = r#"not (amount > 5 and status in ("a","b"))"#;

fn schema() -> Schema {
    Schema::from_json(&std::fs::read_to_string(SCHEMA).unwrap()).unwrap()
}

/// `filterql compile --target masterdata --schema SCHEMA`, then `flags`.
fn compile(flags: &[&str]) -> Command {
    let mut c = filterql();
    c.args(["compile", "--target", "masterdata", "--schema", SCHEMA])
        .args(flags);
    c
}

/// What [`compile`] with `flags` prints for [`QUERY`], which must succeed: the tree, or
/// the request with `--envelope`.
fn compiled(flags: &[&str]) -> Value {
    let (code, out, err) = cli_support::run(compile(flags).arg(QUERY));
    assert_eq!(code, 0, "{err}");
    cli_support::json(&out)
}

#[test]
fn done_when_tree_has_no_not_and_keeps_the_meaning() {
    let tree = compiled(&[]);
    let text = tree.to_string();
    assert!(!text.contains(r#""op":"NOT""#), "{text}");
    let cond: Condition = serde_json::from_value(tree).unwrap();

    let now = chrono::DateTime::parse_from_rfc3339("2022-01-01T00:00:00+08:00").unwrap();
    let q = filterql::compile(QUERY, &schema(), &Options::at(now)).unwrap();
    let amounts = [
        None,
        Some(Value::Null),
        Some(json!("")),
        Some(json!([])),
        Some(json!(5)),
        Some(json!(5.5)),
        Some(json!(-1)),
    ];
    let statuses = [
        None,
        Some(Value::Null),
        Some(json!("")),
        Some(json!([])),
        Some(json!("a")),
        Some(json!("b")),
        Some(json!("c")),
    ];
    let mut seen = [false, false];
    for a in &amounts {
        for s in &statuses {
            let mut r = serde_json::Map::new();
            if let Some(a) = a {
                r.insert("amount".into(), a.clone());
            }
            if let Some(s) = s {
                r.insert("status".into(), s.clone());
            }
            let r = Value::Object(r);
            let want = filterql::eval::matches(q.pred(), &r);
            seen[want as usize] = true;
            assert_eq!(md_sim(&cond, &r, &schema(), q.tz()), want, "record {r}");
        }
    }
    assert_eq!(
        seen,
        [true, true],
        "the records should both match and not match"
    );
}

#[test]
fn envelope_wraps_the_tree() {
    let req = compiled(&["--envelope", "--table", "物料"]);
    assert_eq!(req["version"], "1.0");
    assert_eq!(req["request"], json!({"apiVer": "1.0.5"}));
    assert_eq!(req["params"]["metaDataName"], "物料");
    let bare = compiled(&[]);
    assert_eq!(req["params"]["condition"], bare);
}

#[test]
fn unsupported_predicates_exit_1_with_masterdata_diagnostics() {
    let out = compile(&["--diagnostics", "json"])
        .arg(r#"mobile verified and name contains "5%""#)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let diags: Value = serde_json::from_slice(&out.stderr).unwrap();
    let text = diags.to_string();
    assert!(
        text.contains("filterql::masterdata::phone_verified"),
        "{text}"
    );
    assert!(
        text.contains("filterql::masterdata::like_wildcard"),
        "{text}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn decompile_reads_the_tree_and_the_envelope_back() {
    let tree = compiled(&[]);
    let req = compiled(&["--envelope", "--table", "t"]);
    for input in [tree, req] {
        let out = filterql()
            .args(["decompile", "--from", "masterdata", "--schema", SCHEMA, "-"])
            .write_stdin(input.to_string())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert_eq!(
            String::from_utf8(out).unwrap().trim_end(),
            r#"amount <= 5 or amount is empty or status not in ("a", "b")"#
        );
    }
}

/// `--table ''` used to send `"metaDataName": ""`; an empty or blank name names no
/// master data, so it is refused (exit 1, nothing on stdout), as sql refuses it.
#[test]
fn an_empty_table_name_is_refused() {
    for table in ["", "  "] {
        let out = filterql()
            .args([
                "--diagnostics",
                "json",
                "compile",
                "--target",
                "masterdata",
                "--schema",
                SCHEMA,
                "--envelope",
                "--table",
                table,
                QUERY,
            ])
            .assert()
            .code(1)
            .get_output()
            .clone();
        let diags: Value = serde_json::from_slice(&out.stderr).unwrap();
        assert_eq!(
            diags[0]["code"], "filterql::masterdata::request::empty_table",
            "{diags}"
        );
        assert!(out.stdout.is_empty());
    }
}
