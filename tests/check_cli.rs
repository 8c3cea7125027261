//! The done-when, through the binary: `filterql check --schema S QUERY`.

use assert_cmd::Command;

const SCHEMA: &str = "tests/fixtures/check/schema.json";

fn check(query: &str, json: bool) -> (i32, String) {
    let mut cmd = Command::cargo_bin("filterql").unwrap();
    cmd.args(["check", "--schema", SCHEMA]);
    if json {
        cmd.args(["--diagnostics", "json"]);
    }
    let out = cmd.arg(query).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_good_query_exits_0() {
    let (code, err) = check("手机 verified and createTime >= 2022-01-01", false);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_bad_query_exits_1_with_both_diagnostics() {
    let query = "createTim >= 2022-01-01 and 手机 > 5";
    let (code, err) = check(query, true);
    assert_eq!(code, 1, "{err}");
    let diags: serde_json::Value = serde_json::from_str(err.trim()).unwrap();
    let diags = diags.as_array().unwrap();
    assert_eq!(diags.len(), 2, "{err}");
    assert_eq!(diags[0]["code"], "filterql::check::unknown_field");
    assert_eq!(diags[0]["help"], "did you mean `createTime`?");
    assert_eq!(diags[1]["code"], "filterql::check::operator_type");
    let msg = diags[1]["message"].as_str().unwrap();
    assert!(msg.contains("`>` does not apply to a phone field"), "{msg}");

    // The human form says the same.
    let (code, err) = check(query, false);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean `createTime`?"), "{err}");
    assert!(err.contains("`>` does not apply to a phone field"), "{err}");
}
