//! The REPL through a real pseudo-terminal: completion, a compiled result, a diagnostic
//! with a suggestion, `:target` switching, `:quit`, and persistent history.

#![cfg(unix)]

use expectrl::process::unix::WaitStatus;
use expectrl::{ControlCode, Expect, Regex, Session};
use std::process::Command;
use std::time::Duration;

/// A shell on the demo schema, history in a fresh temporary directory.
fn spawn(dir: &tempfile::TempDir, args: &[&str]) -> expectrl::session::OsSession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_filterql"));
    cmd.arg("repl")
        .args(args)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("FILTERQL_HISTORY", dir.path().join("history"));
    let mut s = Session::spawn(cmd).expect("spawn the REPL in a pty");
    // Generous: CI is a loaded 2-core machine.
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s.expect("try: createTime >= 2022-01-01 and phone verified")
        .expect("banner with the example query");
    s
}

fn quit(mut s: expectrl::session::OsSession) {
    s.send_line(":quit").expect("send :quit");
    s.expect(expectrl::Eof).expect("the REPL exits");
    match s.get_process().wait().expect("wait") {
        WaitStatus::Exited(_, code) => assert_eq!(code, 0),
        other => panic!("unexpected exit: {other:?}"),
    }
}

// rustyline drops input typed ahead of a prompt, so every step waits for the next
// prompt (named after the current target) before sending more.

#[test]
fn tab_completes_field_names() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spawn(&dir, &[]);
    s.expect("jdy> ").unwrap();
    s.send("crea\t").unwrap();
    // `crea` is a prefix of createTime and creator: the common part is inserted and
    // the list shows both.
    s.expect("createTime").expect("createTime offered");
    s.expect("creator").expect("creator offered");
    s.expect("jdy> creat").expect("the line now reads `creat`");
    s.send(ControlCode::EndOfText).unwrap();
    s.expect(Regex("\n[^\n]*jdy> ")).unwrap();
    s.send("createT\t >= 2022-01-01\r").unwrap();
    // The completed field compiled: jdy JSON came back.
    s.expect("\"field\": \"createTime\"")
        .expect("completed query compiled");
    s.expect("jdy> ").unwrap();
    quit(s);
}

#[test]
fn the_example_query_prints_jdy_json() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spawn(&dir, &[]);
    s.expect("jdy> ").unwrap();
    s.send_line("createTime >= 2022-01-01 and phone verified")
        .unwrap();
    s.expect("\"rel\": \"and\"").expect("a jdy filter");
    s.expect("\"method\": \"verified\"")
        .expect("the phone condition");
    s.expect("jdy> ").unwrap();
    quit(s);
}

#[test]
fn a_typo_shows_a_diagnostic_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spawn(&dir, &[]);
    s.expect("jdy> ").unwrap();
    s.send_line("createTme >= 2022-01-01").unwrap();
    s.expect("unknown field").expect("a diagnostic");
    s.expect("did you mean `createTime`").expect("a suggestion");
    s.expect("jdy> ").unwrap();
    quit(s);
}

#[test]
fn target_switches_the_output_to_sql_and_masterdata() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spawn(&dir, &[]);
    s.expect("jdy> ").unwrap();
    s.send_line(":target sql:sqlite").unwrap();
    s.expect("target: sql:sqlite").unwrap();
    s.expect("sql:sqlite> ").unwrap();
    s.send_line("amount > 3").unwrap();
    s.expect("SELECT * FROM \"t\" WHERE `amount` >")
        .expect("SQL output");
    s.expect("sql:sqlite> ").unwrap();
    s.send_line(":target masterdata").unwrap();
    s.expect("masterdata> ").unwrap();
    s.send_line("amount > 3").unwrap();
    s.expect("\"op\": \"GREATER\"").expect("a masterdata tree");
    s.expect("masterdata> ").unwrap();
    quit(s);
}

#[test]
fn open_parentheses_continue_on_the_next_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spawn(&dir, &["--target", "sql"]);
    s.expect("sql:mysql> ").unwrap();
    // Enter inside an open parenthesis inserts a newline instead of submitting.
    s.send("(amount > 3 or\r").unwrap();
    s.send("amount < 1)\r").unwrap();
    s.expect("SELECT * FROM `t` WHERE")
        .expect("the two lines compiled as one query");
    s.expect("sql:mysql> ").unwrap();
    quit(s);
}

#[test]
fn history_persists_across_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spawn(&dir, &[]);
    s.expect("jdy> ").unwrap();
    s.send_line("amount > 42").unwrap();
    s.expect("\"cond\"").unwrap();
    s.expect("jdy> ").unwrap();
    quit(s);
    let saved = std::fs::read_to_string(dir.path().join("history")).expect("history file");
    assert!(saved.contains("amount > 42"), "{saved}");

    // The next session suggests the rest of the remembered query as a hint.
    let mut s = spawn(&dir, &[]);
    s.expect("jdy> ").unwrap();
    s.send("amou").unwrap();
    s.expect("amount > 42").expect("a history hint");
    s.send(ControlCode::EndOfText).unwrap();
    // Each keystroke redrew `jdy> ...`; only the fresh prompt after Ctrl-C follows a
    // line break.
    s.expect(Regex("\n[^\n]*jdy> ")).unwrap();
    quit(s);
}

#[test]
fn schema_eval_and_explain_commands() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli");
    let mut s = spawn(&dir, &[]);
    s.expect("jdy> ").unwrap();
    s.send_line(format!(
        ":schema {}",
        fixtures.join("schema.json").display()
    ))
    .unwrap();
    s.expect("fields; :fields lists them")
        .expect("schema loaded");
    s.expect("jdy> ").unwrap();
    // `数量` is a label of the loaded schema, not of the demo form.
    s.send_line("数量 > 5").unwrap();
    s.expect("\"field\": \"qty\"")
        .expect("label resolved in the new schema");
    s.expect("jdy> ").unwrap();
    s.send_line(format!(":eval {}", fixtures.join("records.json").display()))
        .unwrap();
    s.expect("\"_id\": \"r4\"").unwrap();
    s.expect("(1 of 4 records match)")
        .expect("the last query evaluated");
    s.expect("jdy> ").unwrap();
    s.send_line(":explain name endswith \"e\"").unwrap();
    s.expect("canonical:  name endswith \"e\"").unwrap();
    s.expect("kept client-side: name endswith \"e\"")
        .expect("pushdown residual");
    s.expect("sql:sqlite:").unwrap();
    s.expect("jdy> ").unwrap();
    s.send_line(":help").unwrap();
    s.expect(":target [jdy|masterdata|sql").unwrap();
    s.expect("jdy> ").unwrap();
    quit(s);
}
