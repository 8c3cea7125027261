//! Regressions for the audit's findings about the binary (`/work/audit/FINDINGS.md`).

mod cli_support;

use cli_support::{filterql, fixture, json, run};
use serde_json::Value;

// Finding 1: a lone record whose `data` is not an array is a record, not a list response.
#[test]
fn a_lone_record_with_a_non_array_data_field_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("s.json");
    std::fs::write(&schema, r#"{"fields":[{"name":"data","type":"text"}]}"#).unwrap();
    let data = dir.path().join("d.json");
    std::fs::write(&data, r#"{"_id":"r1","data":"x"}"#).unwrap();
    let (code, out, err) = run(filterql()
        .args(["eval", "--data"])
        .arg(&data)
        .arg("--schema")
        .arg(&schema)
        .arg(r#"data = "x""#));
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out), json(r#"[{"_id":"r1","data":"x"}]"#));
    let (code, out, err) = run(filterql()
        .args(["eval", "--data"])
        .arg(&data)
        .arg("--schema")
        .arg(&schema)
        .arg("data is empty"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out), json("[]"));
}

#[test]
fn an_object_with_a_data_array_is_still_unwrapped() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d.json");
    std::fs::write(
        &data,
        r#"{"data":[{"_id":"a","qty":3},{"_id":"b","qty":1}]}"#,
    )
    .unwrap();
    let (code, out, err) = run(filterql().args(["eval", "--data"]).arg(&data).args([
        "--schema",
        &fixture("schema.json"),
        "qty > 2",
    ]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out), json(r#"[{"_id":"a","qty":3}]"#));
}

// Finding 7: clap's argument errors honour `--diagnostics json` too.
#[test]
fn argument_errors_are_json_diagnostics_when_asked() {
    let schema = fixture("schema.json");
    let cases: [&[&str]; 4] = [
        &[
            "--diagnostics",
            "json",
            "compile",
            "--target",
            "sql",
            "--tz",
            "bogus",
            "--schema",
            &schema,
            "qty > 1",
        ],
        &[
            "--diagnostics",
            "json",
            "eval",
            "--now",
            "yesterday",
            "--data",
            "x.json",
            "qty > 1",
        ],
        &["--diagnostics=json", "check", "--no-such-flag", "qty > 1"],
        &["compile", "--diagnostics", "json", "qty > 1"],
    ];
    for args in cases {
        let (code, out, err) = run(filterql().args(args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        let v = json(err.trim());
        let items = v.as_array().expect("an array");
        assert_eq!(items.len(), 1, "{err}");
        assert_eq!(items[0]["severity"], "error");
        assert_eq!(items[0]["code"], "filterql::cli::usage");
        assert!(
            items[0]["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{err}"
        );
    }
}

#[test]
fn argument_errors_stay_human_without_json_and_help_still_works() {
    let (code, _, err) = run(filterql().args(["check", "--tz", "bogus", "qty > 1"]));
    assert_eq!(code, 2);
    // The same style as every other usage error (issue 16.11).
    assert!(err.starts_with("filterql::cli::usage"), "{err}");
    assert!(err.contains("invalid time zone `bogus`"), "{err}");
    let (code, out, _) = run(filterql().args(["--diagnostics", "json", "--help"]));
    assert_eq!(code, 0);
    assert!(out.contains("Usage"), "{out}");
}

// Finding 8: a byte-order mark is not query text.
#[test]
fn a_leading_byte_order_mark_is_ignored() {
    let schema = fixture("schema.json");
    let (code, _, err) = run(filterql()
        .args(["check", "--schema", &schema, "-"])
        .write_stdin("\u{feff}qty > 1\nqty > 2\n"));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(filterql().args(["fmt", "\u{feff}qty>1"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "qty > 1");
}

// Finding 11: an empty batch is an empty query, not a silent success.
#[test]
fn a_batch_without_queries_is_rejected_as_an_empty_query() {
    let schema = fixture("schema.json");
    for input in ["", "\n", "# just a comment\n\n"] {
        let (code, out, err) = run(filterql()
            .args([
                "compile", "--target", "sql", "--table", "t", "--schema", &schema, "-",
            ])
            .write_stdin(input));
        assert_eq!(code, 1, "{input:?}");
        assert!(out.is_empty(), "{out}");
        assert!(err.contains("empty query"), "{err}");
        let (code, out, _) = run(cli_support::eval_each_line().write_stdin(input));
        assert_eq!(code, 1, "{input:?}");
        let v = json(out.trim());
        assert_eq!(v["ok"], false);
        assert_eq!(v["diagnostics"][0]["code"], "filterql::syntax::empty_query");
    }
}

#[test]
fn jsonl_answers_an_invalid_utf8_line_and_goes_on() {
    let (code, out, err) = run(filterql()
        .args(["--jsonl", "fmt", "-"])
        .write_stdin(&b"qty > 1\nname = \"\xff\"\nqty > 2\n"[..]));
    assert_eq!(code, 1, "{err}");
    let lines: Vec<Value> = out.lines().map(json).collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0]["ok"], true);
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["ok"], false);
    assert!(lines[1]["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("UTF-8"));
    assert_eq!(lines[2]["line"], 3);
    assert_eq!(lines[2]["output"], "qty > 2");
}
