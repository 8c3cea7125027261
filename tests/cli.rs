//! The `filterql` binary end to end: every subcommand, exit codes 0/1/2, JSON
//! diagnostics, batch mode and JSON lines.

mod cli_support;

use cli_support::{filterql, fixture, json, run_utf8 as run};
use predicates::prelude::*;
use serde_json::Value;
use std::path::PathBuf;

const NOW: &str = "2024-05-01T12:00:00+08:00";

/// The `_id`s of an array of records.
fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|r| r["_id"].as_str().expect("an _id").to_owned())
        .collect()
}

// --- fmt --------------------------------------------------------------------------

#[test]
fn fmt_prints_a_canonical_form_that_is_its_own_fixed_point() {
    let (code, first, err) =
        run(filterql().args(["fmt", "createTime>=2022-01-01   AND phone VERIFIED"]));
    assert_eq!(code, 0, "stderr: {err}");
    let first = first.trim_end().to_owned();
    assert!(first.contains("createTime"), "{first}");
    // Keywords are case-insensitive; the canonical form writes them one way.
    assert!(
        !first.contains("AND") && !first.contains("VERIFIED"),
        "{first}"
    );
    let (code, second, _) = run(filterql().args(["fmt", &first]));
    assert_eq!(code, 0);
    assert_eq!(second.trim_end(), first);
}

#[test]
fn fmt_rejects_bad_syntax_with_exit_1_and_a_pointed_diagnostic() {
    filterql()
        .args(["fmt", "qty > and"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("filterql::syntax"))
        .stderr(predicate::str::contains("qty > and"));
}

// --- check ------------------------------------------------------------------------

#[test]
fn check_accepts_a_valid_query_silently() {
    filterql()
        .args([
            "check",
            "--schema",
            &fixture("schema.json"),
            "数量 > 3 and phone verified",
        ])
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn check_rejects_a_misspelt_field_with_a_suggestion() {
    filterql()
        .args(["check", "--schema", &fixture("schema.json"), "qtty > 3"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("qty"))
        .stderr(predicate::str::contains("did you mean"));
}

#[test]
fn check_without_a_schema_infers_types_and_warns() {
    filterql()
        .args(["check", "whatever > 3"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").or(predicate::str::contains("⚠")));
}

#[test]
fn check_reads_a_jdy_widget_list_schema_by_label() {
    filterql()
        .args([
            "check",
            "--schema",
            &fixture("jdy_widgets.json"),
            "金额 > 3 and 手机 verified",
        ])
        .assert()
        .success();
}

#[test]
fn an_invalid_schema_file_is_an_input_error_with_exit_2() {
    filterql()
        .args(["check", "--schema", &fixture("bad_schema.json"), "qty > 3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("numbr"));
    filterql()
        .args([
            "check",
            "--schema",
            &fixture("no_such_file.json"),
            "qty > 3",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no_such_file.json"));
}

// --- diagnostics json -------------------------------------------------------------

#[test]
fn json_diagnostics_are_an_array_of_objects_with_spans() {
    let query = "qtty > 3";
    let (code, out, err) = run(filterql().args([
        "--diagnostics",
        "json",
        "check",
        "--schema",
        &fixture("schema.json"),
        query,
    ]));
    assert_eq!(code, 1);
    assert_eq!(out, "");
    let diags = json(&err);
    let arr = diags.as_array().expect("a JSON array");
    assert!(!arr.is_empty());
    let d = &arr[0];
    assert_eq!(d["severity"], "error");
    assert!(
        d["code"].as_str().unwrap().starts_with("filterql::check::"),
        "{d}"
    );
    assert!(d["message"].as_str().unwrap().contains("qtty"), "{d}");
    assert!(d["help"].as_str().unwrap().contains("qty"), "{d}");
    let label = &d["labels"][0];
    // The primary label covers the misspelt name: bytes 0..4, line 1 column 1.
    assert_eq!(
        (
            &label["start"],
            &label["end"],
            &label["line"],
            &label["column"]
        ),
        (
            &Value::from(0),
            &Value::from(4),
            &Value::from(1),
            &Value::from(1)
        )
    );
    assert_eq!(&query[0..4], "qtty");
}

// --- batch mode -------------------------------------------------------------------

#[test]
fn jsonl_batch_continues_past_a_bad_line_and_exits_1() {
    let input = "# three queries\nqty > 3\n\nqty > and\nstatus = \"open\"\n";
    let (code, out, err) = run(filterql()
        .args(["--jsonl", "check", "--schema", &fixture("schema.json"), "-"])
        .write_stdin(input));
    assert_eq!(code, 1, "stderr: {err}");
    let lines: Vec<Value> = out.lines().map(json).collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(
        (&lines[0]["line"], &lines[0]["ok"]),
        (&Value::from(2), &Value::from(true))
    );
    assert_eq!(
        (&lines[1]["line"], &lines[1]["ok"]),
        (&Value::from(4), &Value::from(false))
    );
    assert_eq!(
        (&lines[2]["line"], &lines[2]["ok"]),
        (&Value::from(5), &Value::from(true))
    );
    let diags = lines[1]["diagnostics"]
        .as_array()
        .expect("diagnostics array");
    assert!(diags[0]["code"]
        .as_str()
        .unwrap()
        .starts_with("filterql::syntax::"));
    assert!(lines[1].get("output").is_none());
}

#[test]
fn jsonl_fmt_outputs_strings_and_all_good_lines_exit_0() {
    let (code, out, _) = run(filterql()
        .args(["--jsonl", "fmt", "-"])
        .write_stdin("a = 1\nb != \"x\"\n"));
    assert_eq!(code, 0);
    let lines: Vec<Value> = out.lines().map(json).collect();
    assert_eq!(lines.len(), 2);
    for l in &lines {
        assert_eq!(l["ok"], true);
        assert!(l["output"].is_string(), "{l}");
    }
}

#[test]
fn plain_batch_prints_each_result_and_names_the_bad_line() {
    let (code, out, err) = run(filterql()
        .args(["fmt", "-"])
        .write_stdin("a = 1\n(b = 2\nc = 3\n"));
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 2, "{out}");
    // rustc-style `file:line:column`, the column in characters.
    assert!(err.contains("[<stdin>:2:1]"), "{err}");
}

// --- compile ----------------------------------------------------------------------

#[test]
fn compile_jdy_prints_the_filter_of_the_example_query() {
    let (code, out, err) = run(filterql().args([
        "compile",
        "--target",
        "jdy",
        "--schema",
        &fixture("schema.json"),
        "--now",
        NOW,
        "createTime >= 2022-01-01 and phone verified",
    ]));
    assert_eq!(code, 0, "stderr: {err}");
    let f = json(&out);
    assert_eq!(f["rel"], "and");
    let cond = f["cond"].as_array().expect("cond array");
    assert_eq!(cond.len(), 2, "{f}");
    let by_field = |name: &str| {
        cond.iter()
            .find(|c| c["field"] == name)
            .unwrap_or_else(|| panic!("no condition on {name}: {f}"))
    };
    assert_eq!(by_field("phone")["method"], "verified");
    assert_eq!(by_field("createTime")["method"], "range");
}

#[test]
fn compile_jdy_pushdown_returns_filter_and_residual() {
    let (code, out, err) = run(filterql().args([
        "compile",
        "--target",
        "jdy",
        "--pushdown",
        "--schema",
        &fixture("schema.json"),
        "qty > 3 and name endswith \"e\"",
    ]));
    assert_eq!(code, 0, "stderr: {err}");
    let v = json(&out);
    assert!(v["filter"].is_object() || v["filter"].is_null(), "{v}");
    let residual = v["residual"].as_str().expect("a residual query");
    assert!(residual.contains("endswith"), "{residual}");
}

#[test]
fn compile_sql_without_a_table_prints_the_condition_and_with_one_a_select() {
    let (code, out, err) = run(filterql().args([
        "compile",
        "--target",
        "sql",
        "--schema",
        &fixture("schema.json"),
        "qty > 3",
    ]));
    assert_eq!(code, 0, "stderr: {err}");
    assert!(out.starts_with("`qty` > "), "{out}");
    let (code, out, err) = run(filterql().args([
        "compile",
        "--target",
        "sql",
        "--dialect",
        "postgres",
        "--table",
        "orders",
        "--schema",
        &fixture("schema.json"),
        "qty > 3",
    ]));
    assert_eq!(code, 0, "stderr: {err}");
    assert!(
        out.starts_with("SELECT * FROM \"orders\" WHERE")
            || out.starts_with("SELECT * FROM orders WHERE"),
        "{out}"
    );
    assert!(out.contains("\"qty\""), "{out}");
}

#[test]
fn compile_sql_params_prints_sql_and_parameters() {
    let (code, out, err) = run(filterql().args([
        "compile",
        "--target",
        "sql",
        "--params",
        "--schema",
        &fixture("schema.json"),
        "name = \"it's\"",
    ]));
    assert_eq!(code, 0, "stderr: {err}");
    let v = json(&out);
    let sql = v["sql"].as_str().expect("sql text");
    assert!(
        !sql.contains("it's"),
        "the value must be a parameter: {sql}"
    );
    assert!(
        v["params"]
            .as_array()
            .expect("params")
            .contains(&Value::from("it's")),
        "{v}"
    );
}

#[test]
fn compile_masterdata_prints_a_condition_tree_and_an_envelope_on_request() {
    let (code, out, err) = run(filterql().args([
        "compile",
        "--target",
        "masterdata",
        "--schema",
        &fixture("schema.json"),
        "status in (\"open\", \"closed\")",
    ]));
    assert_eq!(code, 0, "stderr: {err}");
    let tree = json(&out);
    assert_eq!(tree["op"], "IN", "{tree}");
    let (code, out, _) = run(filterql().args([
        "compile",
        "--target",
        "masterdata",
        "--envelope",
        "--table",
        "物料",
        "--schema",
        &fixture("schema.json"),
        "status in (\"open\", \"closed\")",
    ]));
    assert_eq!(code, 0);
    let env = json(&out);
    assert_eq!(env["version"], "1.0", "{env}");
    assert_eq!(env["params"]["metaDataName"], "物料", "{env}");
    assert_eq!(env["params"]["condition"], tree, "{env}");
    // The envelope must name its master data.
    filterql()
        .args([
            "compile",
            "--target",
            "masterdata",
            "--envelope",
            "a = \"1\"",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--table"));
}

#[test]
fn compile_flags_for_another_target_are_usage_errors() {
    for args in [
        vec!["compile", "--target", "jdy", "--dialect", "sqlite", "a = 1"],
        vec!["compile", "--target", "masterdata", "--pushdown", "a = 1"],
        vec!["compile", "--target", "jdy", "--envelope", "a = 1"],
        vec!["compile", "--target", "oracle", "a = 1"],
        vec!["compile", "a = 1"],
    ] {
        filterql().args(&args).assert().code(2);
    }
}

#[test]
fn compile_rejects_what_the_target_cannot_express_with_exit_1() {
    // jdy has no `startswith` and, without --pushdown, nothing may be dropped.
    filterql()
        .args([
            "compile",
            "--target",
            "jdy",
            "--schema",
            &fixture("schema.json"),
            "name startswith \"ap\"",
        ])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("filterql::jdy"));
}

// --- eval -------------------------------------------------------------------------

fn eval(query: &str, extra: &[&str]) -> Vec<String> {
    let records = fixture("records.json");
    let schema = fixture("schema.json");
    let mut args = vec![
        "eval", "--data", &records, "--schema", &schema, "--now", NOW,
    ];
    args.extend_from_slice(extra);
    args.push(query);
    let (code, out, err) = run(filterql().args(&args));
    assert_eq!(code, 0, "{query}: {err}");
    ids(&json(&out))
}

#[test]
fn eval_keeps_input_order_and_treats_empty_values_as_not_equal() {
    // r2 has "" and r3 has no name at all: both are empty, so both differ from "apple".
    assert_eq!(eval("name != \"apple\"", &[]), ["r2", "r3", "r4"]);
    assert_eq!(eval("name is empty", &[]), ["r2", "r3"]);
    assert_eq!(
        eval("name = \"apple\" or name = \"pear\"", &[]),
        ["r1", "r4"]
    );
}

#[test]
fn eval_not_is_the_exact_complement() {
    assert_eq!(eval("qty > 5", &[]), ["r4"]);
    // null and absent quantities are not > 5, so `not` matches them.
    assert_eq!(eval("not (qty > 5)", &[]), ["r1", "r2", "r3"]);
    assert_eq!(eval("phone verified", &[]), ["r1"]);
    assert_eq!(eval("not phone verified", &[]), ["r2", "r3", "r4"]);
    assert_eq!(eval("tags has \"a\"", &[]), ["r1"]);
    assert_eq!(eval("items.n > 5", &[]), ["r1"]);
    assert_eq!(eval("not items.n > 5", &[]), ["r2", "r3", "r4"]);
}

#[test]
fn eval_reads_date_literals_in_the_query_time_zone() {
    // r4 was created at 2022-01-01 00:00 in +08:00, which is still 2021 in UTC.
    assert_eq!(eval("createTime >= 2022-01-01", &[]), ["r1", "r4"]);
    assert_eq!(eval("createTime >= 2022-01-01", &["--tz", "Z"]), ["r1"]);
}

#[test]
fn eval_batch_outputs_one_array_per_query() {
    let (code, out, _) =
        run(cli_support::eval_each_line().write_stdin("qty > 5\nnope >\nphone unverified\n"));
    assert_eq!(code, 1);
    let lines: Vec<Value> = out.lines().map(json).collect();
    assert_eq!(ids(&lines[0]["output"]), ["r4"]);
    assert_eq!(lines[1]["ok"], false);
    assert_eq!(ids(&lines[2]["output"]), ["r4"]);
}

#[test]
fn eval_with_unreadable_records_is_exit_2() {
    filterql()
        .args(["eval", "--data", &fixture("missing.json"), "qty > 1"])
        .assert()
        .code(2);
    filterql()
        .args(["eval", "--data", "-", "qty > 1"])
        .write_stdin("[1, 2")
        .assert()
        .code(2);
}

// --- decompile --------------------------------------------------------------------

#[test]
fn decompile_prints_query_text_with_the_same_meaning() {
    let (code, text, err) = run(filterql().args([
        "decompile",
        "--from",
        "jdy",
        "--schema",
        &fixture("schema.json"),
        &fixture("jdy_filter.json"),
    ]));
    assert_eq!(code, 0, "stderr: {err}");
    let text = text.trim_end();
    // The filter says qty in [5, ∞) and status in {open, closed}: only r4 qualifies.
    assert_eq!(eval(text, &[]), ["r4"], "decompiled: {text}");
    assert_eq!(
        eval(text, &[]),
        eval("qty >= 5 and status in (\"open\", \"closed\")", &[])
    );
}

#[test]
fn decompile_reads_stdin_and_rejects_bad_input() {
    let (code, text, _) = run(filterql()
        .args(["decompile", "--from", "masterdata", "--schema", &fixture("schema.json"), "-"])
        .write_stdin(r#"{"op":"AND","condition":[{"col":"qty","op":"GREATER","value":"5"},{"col":"status","op":"EQUAL","value":"closed"}]}"#));
    assert_eq!(code, 0);
    assert_eq!(eval(text.trim_end(), &[]), ["r4"], "{text}");
    filterql()
        .args(["decompile", "--from", "jdy", "-"])
        .write_stdin("{not json")
        .assert()
        .code(2);
}

// --- completions, help, usage -----------------------------------------------------

#[test]
fn completion_scripts_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, _) = run(filterql().args(["completions", shell]));
        assert_eq!(code, 0);
        assert!(
            out.contains("filterql") && out.contains("compile"),
            "{shell}: {out}"
        );
    }
    filterql().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn help_shows_examples_and_usage_errors_exit_2() {
    filterql()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains("filterql compile --target jdy"));
    filterql().arg("frobnicate").assert().code(2);
    filterql()
        .args(["check", "--tz", "+25:00", "a = 1"])
        .assert()
        .code(2);
    filterql()
        .args(["check", "--now", "yesterday", "a = 1"])
        .assert()
        .code(2);
    filterql().assert().code(2);
}

#[test]
fn eval_accepts_a_jdy_list_response_and_json_lines() {
    let response = r#"{"data": [{"_id": "a", "qty": 9}, {"_id": "b", "qty": 1}]}"#;
    let (code, out, _) = run(filterql()
        .args(["eval", "--data", "-", "qty > 5"])
        .write_stdin(response));
    assert_eq!(code, 0);
    assert_eq!(ids(&json(&out)), ["a"]);
    let lines = "{\"_id\": \"a\", \"qty\": 9}\n\n{\"_id\": \"b\", \"qty\": 7}\n";
    let (code, out, _) = run(filterql()
        .args(["eval", "--data", "-", "qty > 5"])
        .write_stdin(lines));
    assert_eq!(code, 0);
    assert_eq!(ids(&json(&out)), ["a", "b"]);
    filterql()
        .args(["eval", "--data", "-", "qty > 5"])
        .write_stdin("\"just a string\"")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a string"));
}

#[test]
fn only_one_input_may_read_stdin() {
    filterql()
        .args(["eval", "--data", "-", "-"])
        .write_stdin("[]")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("stdin"));
    filterql()
        .args(["check", "--schema", "-", "-"])
        .write_stdin("{}")
        .assert()
        .code(2);
}

#[test]
fn a_batch_shares_one_clock() {
    // Without --now the clock is read once, so `now` means the same on every line.
    let (code, out, _) = run(filterql()
        .args(["--jsonl", "compile", "--target", "jdy", "-"])
        .write_stdin("createTime < now\ncreateTime < now\n"));
    assert_eq!(code, 0);
    let lines: Vec<Value> = out.lines().map(json).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["output"], lines[1]["output"]);
}

#[test]
fn repl_with_an_unreadable_schema_exits_2_and_without_a_terminal_reads_lines() {
    filterql()
        .args(["repl", "--schema", &fixture("no_such_schema.json")])
        .assert()
        .code(2);
    filterql()
        .args(["repl", "--target", "mongo"])
        .assert()
        .code(2);
    // Piped input: no line editing, but the same commands and results.
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = run(filterql()
        .args(["repl", "--target", "sql:postgres"])
        .env("FILTERQL_HISTORY", dir.path().join("h"))
        .write_stdin("amount > 3\nbogus >\n:target jdy\namount > 3\n"));
    // Like sqlite3: a rejected query makes the script fail.
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("\"amount\" > "), "{out}");
    assert!(out.contains("\"method\": \"gt\""), "{out}");
    assert!(err.contains("filterql::"), "{err}");
}

#[test]
fn json_diagnostics_also_cover_input_errors() {
    let (code, _, err) = run(filterql().args([
        "--diagnostics",
        "json",
        "check",
        "--schema",
        &fixture("bad_schema.json"),
        "qty > 1",
    ]));
    assert_eq!(code, 2);
    let d = json(&err);
    assert_eq!(d[0]["code"], "filterql::cli::schema");
    assert!(d[0]["message"].as_str().unwrap().contains("numbr"), "{d}");
}

#[test]
fn batch_results_stream_before_stdin_ends() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_filterql"))
        .args(["--jsonl", "fmt", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        while let Some(Ok(l)) = lines.next() {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    stdin.write_all(b"a  =  1\n").unwrap();
    stdin.flush().unwrap();
    // stdin is still open: the answer to the first line must come anyway.
    let first = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("a result while stdin is still open");
    assert_eq!(json(&first)["output"], "a = 1");
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn eval_refuses_records_that_are_not_objects() {
    filterql()
        .args(["eval", "--data", "-", "qty != 1"])
        .write_stdin(r#"[{"qty": 2}, 3]"#)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("record 2 is a number"));
}

#[test]
fn deep_nesting_from_stdin_is_rejected_with_a_short_diagnostic() {
    let deep = format!("{}a = 1{}\n", "(".repeat(100_000), ")".repeat(100_000));
    let (code, out, err) = run(filterql().args(["fmt", "-"]).write_stdin(deep));
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(err.contains("filterql::syntax::too_deep"), "{err}");
    // The 200 KB line is shown only around the error.
    assert!(err.len() < 4_000, "{} bytes of diagnostics", err.len());
}

/// The binary is built on the public API alone, so the `cli` feature (a default one)
/// need not open the hidden internal modules to every default-features user. The real
/// check is `.ci/run`'s `cargo clippy --bin filterql --no-default-features --features
/// cli` (here the tests' `internals` is on for every target); this one fails fast in a
/// plain `cargo test`.
#[test]
fn the_binary_names_no_internal_module_and_cli_does_not_imply_internals() {
    let root = env!("CARGO_MANIFEST_DIR");
    let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap();
    let cli = manifest
        .lines()
        .find(|l| l.trim_start().starts_with("cli ="))
        .expect("a cli feature");
    assert!(!cli.contains("internals"), "{cli}");

    let internal = [
        "check",
        "diagnostic",
        "eval",
        "ir",
        "normalize",
        "plan",
        "schema",
        "span",
        "syntax",
        "target",
        "timefmt",
        "unparse",
    ];
    let mut stack = vec![PathBuf::from(format!("{root}/src/bin"))];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            for m in internal {
                // Diagnostic codes (`filterql::check::unknown_field`) are strings, not paths.
                let hits = text.lines().filter(|l| {
                    let l = l.split("//").next().unwrap_or("");
                    let code = l.contains(&format!("\"filterql::{m}::"))
                        || l.contains(&format!("code(filterql::{m}::"));
                    !code && l.contains(&format!("filterql::{m}::"))
                });
                assert_eq!(hits.count(), 0, "{} uses filterql::{m}", path.display());
            }
            assert!(
                !text.contains(".pred()"),
                "{} uses Query::pred",
                path.display()
            );
        }
    }
    assert!(files > 10, "{files} files under src/bin");
}
