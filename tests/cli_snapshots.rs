//! Snapshot tests of whole command runs: one case per file under
//! `tests/fixtures/cli/cases/{ok,err,usage}/`, each `{"args": [...], "stdin"?: "..."}`,
//! run in `tests/fixtures/cli/` without colour. The directory fixes the exit status each
//! case must have (ok 0, err 1, usage 2); the snapshot records stdout and stderr.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};

fn run_case(path: &Path) -> String {
    let case: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("case file")).expect("JSON");
    let args: Vec<&str> = case["args"]
        .as_array()
        .expect("args")
        .iter()
        .map(|a| a.as_str().expect("string args"))
        .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli");
    let mut child = Command::new(env!("CARGO_BIN_EXE_filterql"))
        .args(&args)
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdin = case["stdin"].as_str().unwrap_or("").to_owned();
    {
        use std::io::Write;
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(stdin.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    let code = out.status.code().expect("exit code");
    let kind = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .expect("case directory");
    let want = match kind {
        "ok" => 0,
        "err" => 1,
        "usage" => 2,
        other => panic!("unknown case directory {other}"),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        code,
        want,
        "{} must exit {want}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        path.display()
    );
    // The command line is the case's own text: shown with terminal controls escaped so
    // that reading a snapshot in a terminal is safe.
    let shown: String = args
        .join(" ")
        .chars()
        .map(|c| {
            let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            if c.is_control() || bidi {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect();
    format!("$ filterql {shown}\nexit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}")
}

#[test]
fn cli_cases() {
    insta::glob!("fixtures/cli/cases/*/*.json", |path| {
        insta::assert_snapshot!(run_case(path));
    });
}
