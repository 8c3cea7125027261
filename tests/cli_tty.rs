//! Diagnostics on a terminal: coloured unless `NO_COLOR` is set.

#![cfg(unix)]

use expectrl::{Eof, Expect, Session};
use std::process::Command;
use std::time::Duration;

/// Runs `filterql check` on a misspelt field in a pseudo-terminal and returns all it
/// printed.
fn check_in_a_tty(no_color: bool) -> String {
    let schema =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli/schema.json");
    let mut cmd = tty_command(&["check", "--schema"], no_color);
    cmd.arg(schema).arg("qtty > 3");
    printed(cmd)
}

/// The binary with `args`, for a terminal (`TERM` set), with `NO_COLOR` set or not.
fn tty_command(args: &[&str], no_color: bool) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_filterql"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    cmd
}

/// Runs `cmd` in a pseudo-terminal and returns all it printed.
fn printed(cmd: Command) -> String {
    let mut s = Session::spawn(cmd).expect("spawn in a pty");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    // The Eof needle matches everything printed.
    let all = s.expect(Eof).expect("the command ends");
    String::from_utf8_lossy(all.as_bytes()).into_owned()
}

#[test]
fn diagnostics_are_coloured_on_a_terminal() {
    let out = check_in_a_tty(false);
    assert!(out.contains("did you mean"), "{out}");
    assert!(out.contains("\x1b["), "no colour on a terminal: {out:?}");
}

#[test]
fn no_color_turns_colour_off_even_on_a_terminal() {
    let out = check_in_a_tty(true);
    assert!(out.contains("did you mean"), "{out}");
    assert!(!out.contains("\x1b["), "colour despite NO_COLOR: {out:?}");
}

#[test]
fn json_results_are_coloured_on_a_terminal_only() {
    let run = |no_color: bool| {
        printed(tty_command(
            &["compile", "--target", "jdy", "createTime < 2022-01-01"],
            no_color,
        ))
    };
    let coloured = run(false);
    assert!(coloured.contains("\"rel\"\x1b[0m: "), "{coloured:?}");
    let plain = run(true);
    assert!(plain.contains("\"rel\": \"and\""), "{plain:?}");
    assert!(!plain.contains("\x1b["), "{plain:?}");
}

/// Runs `filterql ARGS` in a pseudo-terminal without colour and returns all it printed.
fn in_a_tty(args: &[&str]) -> String {
    let mut cmd = tty_command(args, true);
    cmd.env("COLUMNS", "60");
    printed(cmd)
}

#[test]
fn terminal_controls_in_results_are_shown_escaped_on_a_terminal() {
    // The string holds ESC [2J (clear screen) and a right-to-left override.
    let out = in_a_tty(&[
        "compile",
        "--target",
        "sql",
        "--dialect",
        "postgres",
        "--no-schema",
        "name = \"a\\u{1b}[2Jb\\u{202e}c\"",
    ]);
    assert!(out.contains("a\\u{1b}[2Jb\\u{202e}c"), "{out:?}");
    assert!(
        !out.contains('\u{1b}'),
        "raw ESC reached the terminal: {out:?}"
    );
    assert!(!out.contains('\u{202e}'), "{out:?}");
}

#[test]
fn long_sql_is_laid_out_over_lines_on_a_terminal() {
    let query = (0..12)
        .map(|i| format!("qty = {i}"))
        .collect::<Vec<_>>()
        .join(" or ");
    let out = in_a_tty(&[
        "compile",
        "--target",
        "sql",
        "--table",
        "t",
        "--no-schema",
        &query,
    ]);
    let sql: Vec<&str> = out
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .skip_while(|l| !l.starts_with("SELECT"))
        .take_while(|l| !l.is_empty() && !l.starts_with("filterql::"))
        .collect();
    assert_eq!(sql[0], "SELECT * FROM `t`", "{out}");
    assert!(sql[1].starts_with("WHERE `qty` = 0"), "{out}");
    assert!(
        sql.iter().skip(2).all(|l| l.starts_with("  OR `qty` = ")),
        "{out}"
    );
    assert_eq!(sql.len(), 13, "{out}");
}
