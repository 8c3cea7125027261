//! Where queries come from and how results reach people and programs (issues 15 and
//! 16): `-f FILE` and stdin as one query, `-` line mode with invalid UTF-8, the
//! `FILTERQL_SCHEMA` default, `--color`, `-c`, `eval --count`, `decompile` of a pushdown
//! result, usage errors in one style, and shell completion of `repl --target`.

mod cli_support;

use cli_support::{filterql, fixture, run};
use serde_json::Value;

#[test]
fn a_query_file_is_one_query_however_many_lines() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("q.fq");
    std::fs::write(
        &file,
        "qty > 1   # more than one\n  and (名称 startswith \"a\"\n  or qty < 0)\n",
    )
    .unwrap();
    let schema = fixture("schema.json");
    let to_sqlite = || {
        let mut c = filterql();
        c.args([
            "compile",
            "--target",
            "sql",
            "--dialect",
            "sqlite",
            "--schema",
            &schema,
        ]);
        c
    };
    let (code, out, err) = run(to_sqlite().arg("-f").arg(&file));
    assert_eq!(code, 0, "{err}");
    // One statement, holding all three conditions: not three filters, one per line.
    assert_eq!(out.lines().count(), 1, "{out}");
    for part in ["`qty` > 1", "`name`", "`qty` < 0"] {
        assert!(out.contains(part), "{part}: {out}");
    }
    // The same text on stdin, without a QUERY argument, is the same one query.
    let text = std::fs::read_to_string(&file).unwrap();
    let (code, piped, _) = run(to_sqlite().write_stdin(text.clone()));
    assert_eq!((code, &piped), (0, &out));
    // `-` keeps reading one query per line: the second line alone is not a query.
    let (code, _, err) = run(filterql()
        .args(["check", "--schema", &schema, "-"])
        .write_stdin(text));
    assert_eq!(code, 1);
    assert!(err.contains("[<stdin>:2:"), "{err}");
}

#[test]
fn a_missing_query_file_is_an_io_error() {
    let (code, _, err) = run(filterql().args(["fmt", "-f", "/nonexistent/q.fq"]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /nonexistent/q.fq"), "{err}");
}

#[test]
fn invalid_utf8_lines_are_named_and_the_batch_goes_on() {
    let (code, out, err) = run(filterql()
        .args(["fmt", "-"])
        .write_stdin(&b"a = 1\n\xff\xfe\nb = = 2\nc = 3\n"[..]));
    assert_eq!(code, 1);
    assert_eq!(out.lines().collect::<Vec<_>>(), ["a = 1", "c = 3"]);
    assert!(err.contains("<stdin>:2: "), "{err}");
    assert!(err.contains("not valid UTF-8"), "{err}");
    assert!(err.contains("[<stdin>:3:5]"), "{err}");
    // JSON lines: one answer per line, the bad one included.
    let (code, out, _) = run(filterql()
        .args(["--jsonl", "fmt", "-"])
        .write_stdin(&b"a = 1\n\xff\nc = 3\n"[..]));
    assert_eq!(code, 1);
    let oks: Vec<bool> = out
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["ok"] == true)
        .collect();
    assert_eq!(oks, [true, false, true]);
}

#[test]
fn the_schema_can_come_from_the_environment() {
    // `数量` is a label of the fixture schema only.
    let (code, _, err) = run(filterql()
        .env("FILTERQL_SCHEMA", fixture("schema.json"))
        .args(["check", "数量 > 1"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "no inference warning with a schema: {err}");
    // --no-schema overrides it; --schema wins over it.
    let (code, _, err) = run(filterql()
        .env("FILTERQL_SCHEMA", fixture("schema.json"))
        .args(["check", "--no-schema", "数量 > 1"]));
    assert_eq!(code, 0);
    assert!(err.contains("inferred"), "{err}");
    let (code, _, _) = run(filterql()
        .env("FILTERQL_SCHEMA", fixture("no_such.json"))
        .args(["check", "--schema", &fixture("schema.json"), "数量 > 1"]));
    assert_eq!(code, 0);
}

#[test]
fn color_can_be_forced_or_refused() {
    let typo = ["check", "--schema", &fixture("schema.json"), "qtty > 3"];
    let (_, _, err) = run(filterql().args(["--color", "always"]).args(typo));
    assert!(err.contains("\x1b["), "--color always: {err:?}");
    let (_, _, err) = run(filterql()
        .env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .args(typo));
    assert!(err.contains("\x1b["), "CLICOLOR_FORCE: {err:?}");
    let (_, _, err) = run(filterql()
        .env_remove("NO_COLOR")
        .env("FORCE_COLOR", "0")
        .args(typo));
    assert!(!err.contains("\x1b["), "FORCE_COLOR=0: {err:?}");
    let (_, _, err) = run(filterql()
        .env("CLICOLOR_FORCE", "1")
        .args(["--color", "never"])
        .args(typo));
    assert!(!err.contains("\x1b["), "--color never: {err:?}");
    let (_, out, _) = run(filterql().args([
        "--color",
        "always",
        "compile",
        "--target",
        "jdy",
        "--schema",
        &fixture("schema.json"),
        "qty > 3",
    ]));
    assert!(out.contains("\x1b["), "coloured JSON: {out:?}");
}

#[test]
fn compact_json_and_counts() {
    let (code, out, _) = run(filterql().args([
        "-c",
        "compile",
        "--target",
        "jdy",
        "--schema",
        &fixture("schema.json"),
        "qty > 3",
    ]));
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1, "{out}");
    serde_json::from_str::<Value>(&out).expect("JSON");
    let (code, out, _) = run(filterql().args([
        "eval",
        "--data",
        &fixture("records.json"),
        "--schema",
        &fixture("schema.json"),
        "--count",
        "qty >= 0",
    ]));
    assert_eq!(code, 0);
    let all: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("records.json")).unwrap()).unwrap();
    let with_qty = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["qty"].as_f64().is_some_and(|q| q >= 0.0))
        .count();
    assert_eq!(out.trim(), with_qty.to_string());
}

#[test]
fn decompile_reads_what_compile_pushdown_printed() {
    // `compile --pushdown` of `query` (with `extra` flags), then `decompile` of its output.
    let pushdown = |extra: &[&str], query: &str| {
        let schema = fixture("schema.json");
        let mut args = extra.to_vec();
        args.extend([
            "compile",
            "--target",
            "jdy",
            "--pushdown",
            "--schema",
            &schema,
            query,
        ]);
        run(filterql().args(args))
    };
    let decompile = |pushed: String| {
        let schema = fixture("schema.json");
        run(filterql()
            .args(["decompile", "--from", "jdy", "--schema", &schema, "-"])
            .write_stdin(pushed))
    };
    let (code, pushed, err) = pushdown(&["-c"], "name endswith \"x\" and qty > 1");
    assert_eq!(code, 0, "{err}");
    let (code, back, err) = decompile(pushed);
    assert_eq!(code, 0, "{err}");
    let back = back.trim();
    assert!(
        back.contains("endswith \"x\""),
        "the residual is kept: {back}"
    );
    assert!(back.contains("qty > 1"), "{back}");
    // An exact pushdown has no residual: just the filter.
    let (_, pushed, _) = pushdown(&[], "qty > 1");
    let (code, back, _) = decompile(pushed);
    assert_eq!((code, back.trim()), (0, "qty > 1"));
    // Nothing jdy can do: a `null` filter, and the residual is the whole query.
    let (_, pushed, _) = pushdown(&[], "not (name endswith \"x\") or qty > 1");
    assert!(pushed.contains("\"filter\": null"), "{pushed}");
    let (code, back, err) = decompile(pushed);
    assert_eq!(
        (code, back.trim()),
        (0, "name not endswith \"x\" or qty > 1"),
        "{err}"
    );
}

#[test]
fn usage_errors_share_one_style() {
    for args in [
        vec!["frobnicate"],
        vec!["compile", "x = 1"],
        vec!["compile", "--target", "jdy", "--dialect", "mysql", "x = 1"],
        vec!["repl", "--target", "mongo"],
    ] {
        let (code, _, err) = run(filterql().args(&args));
        assert_eq!(code, 2, "{args:?}");
        assert!(err.starts_with("filterql::cli::usage"), "{args:?}: {err}");
        assert!(err.contains("  × "), "{args:?}: {err}");
    }
}

#[test]
fn the_query_and_another_input_cannot_both_be_stdin() {
    let (code, _, err) = run(filterql().args(["eval", "--data", "-"]).write_stdin("[]"));
    assert_eq!(code, 2);
    assert!(err.contains("read stdin"), "{err}");
}

#[test]
fn bash_completion_offers_the_repl_targets() {
    let (code, out, _) = run(filterql().args(["completions", "bash"]));
    assert_eq!(code, 0);
    assert!(out.contains("sql:postgres"), "repl --target values missing");
}

#[test]
fn sql_is_printed_as_is_for_programs() {
    // Not a terminal: one line, exactly what the backend produced.
    let long = (0..40)
        .map(|i| format!("qty = {i}"))
        .collect::<Vec<_>>()
        .join(" or ");
    let (code, out, _) = run(filterql().args([
        "compile",
        "--target",
        "sql",
        "--schema",
        &fixture("schema.json"),
        &long,
    ]));
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1, "{out}");
}
