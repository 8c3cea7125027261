//! The acceptance test at library level: query *text* compiled against a schema
//! file (`filterql::compile` + `Query::to_sql`, what `filterql compile --target sql
//! --table t --schema S QUERY` prints) and run over a table whose columns are the
//! schema's field names returns exactly the records `filterql::eval` matches — on
//! SQLite always, on PostgreSQL and MariaDB when their servers are up.

mod sqldb;
mod support;

use filterql::target::sql::SqlOptions;
use filterql::{eval, FieldType, Options, Schema};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use sqldb::Conn;

/// Queries written as a user would, over the test schema (labels included).
const QUERIES: &[&str] = &[
    "createTime >= 2022-01-01 and mobile verified",
    "title = \"a\"",
    "title != \"a\"",
    "标题 in (\"a\", \"A\", \"中文\")",
    "title not in (\"ab\", \"b\")",
    "title contains \"a\" and not title startswith \"A\"",
    "title endswith \"b\" or title is empty",
    "amount > 1",
    "not (amount > 1)",
    "amount between -1 and 2.5",
    "amount not between 0 and 10",
    "amount <= 0 or amount is null",
    "due = 2022-01-01",
    "due != 2022-01-01",
    "due > 2022-01-01",
    "due <= 2022-01-01",
    "due < 2022-01-01T00:00:00.001+08:00",
    "updateTime between 2021-12-31 and 2022-01-01",
    "mobile unverified",
    "not mobile verified",
    "mobile = \"13900000000\"",
    "mobile contains \"138\"",
    "status = \"open\"",
    "status != \"open\" and status != \"hold\"",
    "tags has \"a\"",
    "tags has any (\"a\", \"b\")",
    "not tags has all (\"a\", \"c\")",
    "tags is empty",
    "owner = \"alice\" or creator in (\"bob\", \"carol\")",
    "team = 2",
    "team not in (1, 3)",
    "watchers has any (\"alice\", \"carol\")",
    "depts has all (1, 2)",
    "not depts has 3",
    "flowState in (0, 1)",
    "flowState != 2",
    "code startswith \"SN-1\"",
    "code = \"SN-10\" or _id = \"5f0000000000000000000001\"",
    "attachment is not empty",
    "not (title = \"a\" or amount > 2) and (status is empty or team = 1)",
];

fn options() -> Options {
    let now = chrono::DateTime::parse_from_rfc3339("2022-01-01T12:00:00+08:00").expect("now");
    Options::at(now)
}

fn run(conn: Conn) {
    let d = conn.dialect();
    let schema = Schema::from_json(support::SCHEMA_JSON).expect("schema");
    // The table's columns are the schema's field names (subforms have no column).
    let fields: Vec<(String, FieldType)> = schema
        .fields()
        .iter()
        .filter(|f| f.ty != FieldType::Subform)
        .map(|f| (f.name.clone(), f.ty))
        .collect();
    let cols = sqldb::columns(&fields);
    let table = sqldb::table_name(&format!("e2e_{d}"));
    let queries: Vec<filterql::Query> = QUERIES
        .iter()
        .map(|t| {
            filterql::compile(t, &schema, &options())
                .unwrap_or_else(|e| panic!("{t}: {}", e.render(80, false)))
        })
        .collect();
    let tz = support::tz();
    sqldb::prop_on_table(
        conn,
        &table,
        &cols,
        32,
        &support::arb_records(),
        |c, records| {
            c.clear(&table).map_err(sqldb::fail)?;
            let mut stored = Vec::new();
            let mut rows = Vec::new();
            for (i, r) in records.iter().enumerate() {
                let (kept, cells) = sqldb::to_row(&fields, r, tz);
                stored.push(kept);
                rows.push((i as i64, cells));
            }
            c.insert(&table, &cols, &rows).map_err(sqldb::fail)?;
            for q in &queries {
                let want: Vec<i64> = stored
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| eval::matches(q.pred(), r))
                    .map(|(i, _)| i as i64)
                    .collect();
                for params in [false, true] {
                    let f = q
                        .to_sql(&SqlOptions::new(d).table(&table).params(params))
                        .map_err(|e| TestCaseError::fail(e.render(80, false)))?;
                    let got = c
                        .ids(&f)
                        .map_err(|e| TestCaseError::fail(format!("{}: {e}", f.sql())))?;
                    prop_assert_eq!(&got, &want, "{}\n{}", q.source(), f.sql());
                }
            }
            Ok(())
        },
    );
}

sqldb::engine_tests!(run: sqlite_returns_evals_records, postgres_returns_evals_records, mysql_returns_evals_records);
