//! The REPL through a real pseudo-terminal: completion in context, a compiled result, a
//! diagnostic with a suggestion, `:target` switching, `:pushdown`, multi-line queries
//! with the `->` prompt and `#` comments, pasted blocks, Ctrl-D, the pager, `:quit`, and
//! persistent history.

#![cfg(unix)]

use expectrl::process::unix::WaitStatus;
use expectrl::{ControlCode, Expect, Regex, Session};
use std::process::Command;
use std::time::Duration;

/// A shell on the demo schema, history in a fresh temporary directory.
fn spawn(dir: &tempfile::TempDir, args: &[&str]) -> expectrl::session::OsSession {
    spawn_with(dir, args, "cat")
}

/// A shell whose pager is `pager`.
fn spawn_with(dir: &tempfile::TempDir, args: &[&str], pager: &str) -> expectrl::session::OsSession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_filterql"));
    cmd.arg("repl")
        .args(args)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("PAGER", pager)
        .env("LINES", "24")
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
    // Without `:table`, the condition alone (as `compile` prints it without --table).
    s.expect("`amount` >").expect("SQL output");
    s.expect("sql:sqlite> ").unwrap();
    s.send_line(":table t").unwrap();
    s.expect("sql:sqlite> ").unwrap();
    s.send_line("amount > 3").unwrap();
    s.expect("SELECT * FROM \"t\" WHERE `amount` >")
        .expect("SQL output with the table");
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
    // Enter inside an open parenthesis asks for more, with psql's `->` prompt.
    s.send("(amount > 3 or\r").unwrap();
    s.expect("sql:mysql-> ").expect("a continuation prompt");
    s.send("amount < 1)\r").unwrap();
    s.expect("`amount` > 3")
        .expect("the two lines compiled as one query");
    s.expect("`amount` < 1").unwrap();
    s.expect("sql:mysql> ").unwrap();
    quit(s);
}

#[test]
fn a_comment_inside_a_multi_line_query_ends_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spawn(&dir, &["--target", "sql:postgres"]);
    s.expect("sql:postgres> ").unwrap();
    s.send("金额 > 100 and (\r").unwrap();
    s.expect("sql:postgres-> ").unwrap();
    s.send("状态 = \"open\"   # in progress\r").unwrap();
    s.expect("sql:postgres-> ").unwrap();
    s.send("or 标签 has any (\"red\")\r").unwrap();
    s.expect("sql:postgres-> ").unwrap();
    s.send(")\r").unwrap();
    s.expect("\"amount\" > 1").expect("the query finished");
    s.expect("\"status\" = 'open'").unwrap();
    s.expect("sql:postgres> ").unwrap();
    quit(s);
}

#[test]
fn ctrl_d_drops_an_open_query_and_then_leaves() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spawn(&dir, &[]);
    s.expect("jdy> ").unwrap();
    s.send("(amount > 3 or\r").unwrap();
    s.expect("jdy-> ").unwrap();
    s.send(ControlCode::EndOfTransmission).unwrap();
    s.expect("(the unfinished query was dropped)").unwrap();
    s.expect("jdy> ").unwrap();
    s.send(ControlCode::EndOfTransmission).unwrap();
    s.expect(expectrl::Eof).expect("a second Ctrl-D leaves");
}

#[test]
fn pasted_lines_run_as_separate_queries_and_reach_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spawn(&dir, &["--target", "sql"]);
    s.expect("sql:mysql> ").unwrap();
    // A terminal without bracketed paste: the lines arrive at once, typed ahead.
    s.send("amount > 1\r(amount > 2 or\ramount < 0)\ramount > 3\r")
        .unwrap();
    s.expect("`amount` > 1").expect("first");
    s.expect("`amount` > 2").expect("second, over two lines");
    s.expect("`amount` > 3").expect("third");
    s.expect("sql:mysql> ").unwrap();
    // With bracketed paste the block arrives as one edit; Enter runs each query.
    s.send("\x1b[200~amount > 4\ramount > 5\x1b[201~").unwrap();
    s.send("\r").unwrap();
    s.expect("`amount` > 4").expect("fourth");
    s.expect("`amount` > 5").expect("fifth");
    s.expect("sql:mysql> ").unwrap();
    quit(s);
    let saved = std::fs::read_to_string(dir.path().join("history")).expect("history file");
    for n in 1..=5 {
        assert!(saved.contains(&format!("amount > {n}")), "{n}: {saved}");
    }
}

#[test]
fn completion_follows_the_grammar() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spawn(&dir, &[]);
    s.expect("jdy> ").unwrap();
    // After a select field: its operators, not every field spelling.
    s.send("status \t").unwrap();
    s.expect("is not empty").expect("operators of a select");
    s.expect("jdy> status ").unwrap();
    s.send(ControlCode::EndOfText).unwrap();
    s.expect(Regex("\n[^\n]*jdy> ")).unwrap();
    // After a complete condition: only the connective that fits.
    s.send("status = \"open\" a\t").unwrap();
    s.expect("jdy> status = \"open\" and")
        .expect("`and` completed");
    s.send(" amount >= 1\r").unwrap();
    s.expect("\"method\": \"range\"")
        .expect("the completed query compiled");
    s.expect("jdy> ").unwrap();
    // On a continuation line the context comes from the lines before.
    s.send("(status\r").unwrap();
    s.expect("jdy-> ").unwrap();
    s.send("i\t").unwrap();
    s.expect("is not empty")
        .expect("operators for the field on the line before");
    s.send(ControlCode::EndOfText).unwrap();
    s.expect(Regex("\n[^\n]*jdy> ")).unwrap();
    quit(s);
}

#[test]
fn pushdown_in_the_shell_shows_the_residual() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spawn(&dir, &[]);
    s.expect("jdy> ").unwrap();
    s.send_line("`order no` startswith \"PO-\"").unwrap();
    s.expect("hint: `:pushdown on`")
        .expect("the shell's own hint");
    s.expect("jdy> ").unwrap();
    s.send_line(":pushdown on").unwrap();
    s.expect("jdy pushdown: on").unwrap();
    s.expect("jdy> ").unwrap();
    s.send_line("`order no` startswith \"PO-\"").unwrap();
    s.expect("\"filter\"").unwrap();
    s.expect("kept client-side: `order no` startswith \"PO-\"")
        .expect("the residual");
    s.expect("jdy> ").unwrap();
    quit(s);
}

#[test]
fn long_output_goes_through_the_pager() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = spawn_with(&dir, &[], "sed s/^/PAGED:/");
    s.expect("jdy> ").unwrap();
    s.send_line(":explain amount > 1").unwrap();
    s.expect("PAGED:sql:sqlite:")
        .expect("the explanation was paged");
    s.expect("jdy> ").unwrap();
    // Short output is printed directly.
    s.send_line(":target sql").unwrap();
    s.expect("sql:mysql> ").unwrap();
    s.send_line("amount > 1").unwrap();
    let out = s.expect("sql:mysql> ").unwrap();
    let text = String::from_utf8_lossy(out.before()).into_owned();
    assert!(!text.contains("PAGED:"), "{text}");
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

#[test]
fn schema_names_with_terminal_controls_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cli/hostile_schema.json");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_filterql"));
    cmd.arg("repl")
        .arg("--schema")
        .arg(schema)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("PAGER", "cat")
        .env("FILTERQL_HISTORY", dir.path().join("history"));
    let mut s = Session::spawn(cmd).expect("spawn the REPL in a pty");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    let banner = s.expect("jdy> ").expect("a prompt");
    let banner = String::from_utf8_lossy(banner.before()).into_owned();
    assert!(banner.contains("title\\u{1b}]0;pwned\\u{7}"), "{banner:?}");
    assert!(banner.contains("\\u{202e}evil\\u{202c}"), "{banner:?}");
    assert!(!banner.contains("]0;pwned\u{7}"), "raw OSC: {banner:?}");
    assert!(!banner.contains('\u{202e}'), "raw override: {banner:?}");
    // Completion never inserts such a name into the line (which is shown raw); the
    // field's safe spellings still complete.
    s.send("t\t").unwrap();
    std::thread::sleep(Duration::from_millis(500));
    s.send(ControlCode::EndOfText).unwrap();
    let typed = s.expect(Regex("\n[^\n]*jdy> ")).unwrap();
    let typed = String::from_utf8_lossy(typed.before()).into_owned();
    assert!(!typed.contains("]0;pwned"), "{typed:?}");
    s.send("qt\t").unwrap();
    s.expect("jdy> qty").expect("qty completed");
    s.send(ControlCode::EndOfText).unwrap();
    s.expect(Regex("\n[^\n]*jdy> ")).unwrap();
    quit(s);
}
