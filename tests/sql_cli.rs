//! The "done when", through the binary: the statement printed by
//! `filterql compile --target sql --dialect D --table t --schema S QUERY`, run over a
//! table whose columns are the schema's field names holding the records, returns
//! exactly the records `filterql eval --data R --schema S QUERY` prints — on SQLite
//! always, on PostgreSQL and MariaDB when their servers are up.

mod sqldb;
mod support;

use assert_cmd::Command;
use filterql::FieldType;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::Value;
use std::io::Write;

const QUERIES: &[&str] = &[
    "createTime >= 2022-01-01 and mobile verified",
    "title != \"a\" and not (amount > 1)",
    "标题 contains \"a\" or status not in (\"open\", \"hold\")",
    "due = 2022-01-01 or due is empty",
    "tags has any (\"a\", \"b\") and not watchers has \"alice\"",
    "team in (1, 2) or depts has all (1, 3) or flowState != 0",
    "mobile unverified or code endswith \"10\"",
];

fn temp_file(contents: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(contents.as_bytes()).expect("write");
    f
}

fn cli(args: &[&str]) -> String {
    let out = Command::cargo_bin("filterql")
        .expect("binary")
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "filterql {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn compiled_statements_return_what_eval_prints() {
    let schema_file = temp_file(support::SCHEMA_JSON);
    let schema = schema_file.path().to_str().expect("path");
    let fields: Vec<(String, FieldType)> = support::schema()
        .into_fields()
        .into_iter()
        .filter(|f| f.ty != FieldType::Subform)
        .map(|f| (f.name, f.ty))
        .collect();
    let cols = sqldb::columns(&fields);
    // A few deterministic batches of generated records (the storage model's view of them).
    let mut runner = TestRunner::deterministic();
    let batches: Vec<Vec<Value>> = (0..3)
        .map(|_| {
            let records = support::arb_records()
                .new_tree(&mut runner)
                .expect("records")
                .current();
            records
                .iter()
                .map(|r| sqldb::to_row(&fields, r, support::tz()).0)
                .collect()
        })
        .collect();
    let mut checked = 0;
    for mut conn in sqldb::all_engines() {
        let d = conn.dialect();
        let table = sqldb::table_name(&format!("cli_{d}"));
        conn.create_table(&table, &cols).expect("table");
        for records in &batches {
            conn.clear(&table).expect("clear");
            let rows: Vec<(i64, Vec<sqldb::Cell>)> = records
                .iter()
                .enumerate()
                .map(|(i, r)| (i as i64, sqldb::to_row(&fields, r, support::tz()).1))
                .collect();
            conn.insert(&table, &cols, &rows).expect("insert");
            let data = temp_file(&Value::Array(records.clone()).to_string());
            let data = data.path().to_str().expect("path").to_owned();
            for q in QUERIES {
                let sql = cli(&[
                    "compile",
                    "--target",
                    "sql",
                    "--dialect",
                    d.name(),
                    "--table",
                    &table,
                    "--schema",
                    schema,
                    q,
                ]);
                let sql = sql.trim_end().to_owned();
                assert!(!sql.contains('\n'), "one statement on one line: {sql}");
                let ids = conn
                    .ids(&sql)
                    .unwrap_or_else(|e| panic!("{d} rejects {sql}: {e}"));
                let got: Vec<Value> = ids.iter().map(|i| records[*i as usize].clone()).collect();
                let want: Value =
                    serde_json::from_str(&cli(&["eval", "--data", &data, "--schema", schema, q]))
                        .expect("eval prints JSON");
                assert_eq!(Value::Array(got), want, "{d}: {q}\n{sql}");
                checked += 1;
            }
        }
        let _ = conn.drop_table(&table);
    }
    assert!(checked >= QUERIES.len() * 3);
}
