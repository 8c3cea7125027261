//! Snapshot fixtures of the SQL backend: each `tests/fixtures/sql/{ok,err}/*.fq` is one
//! query over the test schema (`support::SCHEMA_JSON`), compiled for every dialect in
//! both modes. `ok/` cases must compile everywhere, `err/` cases must be rejected
//! everywhere (diagnostics rendered at width 80 without colour).
//!
//! Every `ok/` statement is also run on an empty SQLite table with the storage model's
//! columns, so a snapshot never holds SQL the engine cannot parse.

mod sqldb;
mod support;

use filterql::target::sql::{Dialect, SqlOptions};
use filterql::{Options, Schema};
use std::fmt::Write as _;

fn options() -> Options {
    let now = chrono::DateTime::parse_from_rfc3339("2024-03-01T12:00:00+08:00").expect("now");
    Options::at(now)
}

fn schema() -> Schema {
    Schema::from_json(support::SCHEMA_JSON).expect("test schema loads")
}

/// Every dialect and mode, rendered; `Err` with the diagnostics of the first failure
/// when `want_ok` is false.
fn render_all(text: &str, want_ok: bool) -> String {
    let mut out = String::new();
    let q = match filterql::compile(text, &schema(), &options()) {
        Ok(q) => q,
        Err(d) => panic!(
            "fixture does not pass the checker:\n{}",
            d.render(80, false)
        ),
    };
    for d in Dialect::ALL {
        for params in [false, true] {
            let mode = if params { " --params" } else { "" };
            let _ = writeln!(out, "-- {d}{mode}");
            match q.to_sql(&SqlOptions::new(d).table("t").params(params)) {
                Ok(f) => {
                    assert!(want_ok, "{d}{mode}: expected a rejection, got {}", f.sql());
                    if params {
                        let _ = writeln!(
                            out,
                            "{}",
                            serde_json::to_string_pretty(&f).expect("serializes")
                        );
                    } else {
                        let _ = writeln!(out, "{}", f.sql());
                    }
                    if d == Dialect::Sqlite {
                        run_on_sqlite(&f);
                    }
                }
                Err(diags) => {
                    assert!(!want_ok, "{d}{mode}:\n{}", diags.render(80, false));
                    assert!(diags.has_errors());
                    let _ = writeln!(out, "{}", diags.render(80, false));
                }
            }
        }
    }
    out
}

fn run_on_sqlite(f: &filterql::target::sql::SqlFragment) {
    let fields: Vec<(String, filterql::FieldType)> = support::schema()
        .into_fields()
        .into_iter()
        .map(|f| (f.name, f.ty))
        .collect();
    let mut c = sqldb::sqlite();
    c.create_table("t", &sqldb::columns(&fields))
        .expect("create table");
    c.ids(f)
        .unwrap_or_else(|e| panic!("SQLite rejects {}: {e}", f.sql()));
}

#[test]
fn ok_fixtures() {
    insta::glob!("fixtures/sql/ok/*.fq", |path| {
        let text = std::fs::read_to_string(path).expect("read fixture");
        let out = render_all(&text, true);
        insta::assert_snapshot!(format!("{text}\n{out}"));
    });
}

#[test]
fn err_fixtures() {
    insta::glob!("fixtures/sql/err/*.fq", |path| {
        let text = std::fs::read_to_string(path).expect("read fixture");
        let out = render_all(&text, false);
        insta::assert_snapshot!(format!("{text}\n{out}"));
    });
}
