//! The REPL fed from a pipe (a script, not a terminal): every entry is answered,
//! including a query left unfinished at end of input (audit finding 12).

use assert_cmd::Command;

fn repl(input: &str) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let schema = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/cli/schema.json"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_filterql"))
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .env("FILTERQL_HISTORY", dir.path().join("history"))
        .args(["repl", "--schema", schema])
        .write_stdin(input)
        .output()
        .expect("runs");
    (
        out.status.code().expect("exited"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_unclosed_parenthesis_at_end_of_input_is_reported() {
    let (code, out, err) = repl("qty > 1\n(((( \n");
    assert_eq!(code, 0);
    assert!(
        out.contains("\"gt\""),
        "the complete query is answered: {out}"
    );
    assert!(err.contains("unclosed_paren"), "{err}");
    assert!(err.contains("never closed"), "{err}");
}

#[test]
fn an_unclosed_string_at_end_of_input_is_reported() {
    let (_, _, err) = repl("name = \"abc");
    assert!(err.contains("never closed"), "{err}");
}

#[test]
fn a_query_spread_over_lines_is_joined_then_answered() {
    let (code, out, err) = repl("(qty > 1 or\n qty < 0)\n:target sql\nqty = 3\n:quit\n");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"or\""), "{out}");
    assert!(out.contains("SELECT"), "{out}");
    assert!(err.trim().is_empty(), "{err}");
}
