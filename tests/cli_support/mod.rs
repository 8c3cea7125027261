//! What the tests of the `filterql` binary share: the fixture paths, the binary with a
//! pinned environment, and running it to its exit code and output.
//!
//! CLI test files use it with `mod cli_support;`.
#![allow(dead_code)] // each test file uses a different subset

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;

/// The path of `tests/fixtures/cli/NAME`.
pub fn fixture(name: &str) -> String {
    let p: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", "cli", name]
        .iter()
        .collect();
    p.to_string_lossy().into_owned()
}

/// The binary with a pinned environment: no colour, fixed width, no default schema.
pub fn filterql() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_filterql"));
    c.env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .env_remove("FILTERQL_SCHEMA")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR");
    c
}

/// `filterql --jsonl eval` over the records and schema fixtures, reading one query per
/// stdin line and printing one JSON line per query.
pub fn eval_each_line() -> Command {
    let mut c = filterql();
    c.args(["--jsonl", "eval", "--data", &fixture("records.json")])
        .args(["--schema", &fixture("schema.json"), "-"]);
    c
}

/// Runs and returns (exit code, stdout, stderr), bytes that are not UTF-8 replaced.
pub fn run(c: &mut Command) -> (i32, String, String) {
    let out = c.output().expect("runs");
    (
        out.status.code().expect("exited normally"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// [`run`], asserting that both outputs are UTF-8.
pub fn run_utf8(c: &mut Command) -> (i32, String, String) {
    let out = c.output().expect("runs");
    (
        out.status.code().expect("exited normally"),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

/// `s` as JSON, or a panic that shows it.
pub fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}
