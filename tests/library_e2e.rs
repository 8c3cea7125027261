//! The realistic job, through the public API only, as the README's library section shows
//! it: a schema from a jdy widget-list response → a user's query → jdy `data/list`
//! request bodies with paging, the residual applied to the pages → the same query as SQL
//! with bound parameters on SQLite and PostgreSQL. Every answer is compared with the
//! query's own reference semantics, `Query::matches`.
//!
//! The jdy server is simulated (tests/jdy_sim, the documented method semantics); the SQL
//! engines are real.

mod jdy_sim;

use chrono::{DateTime, FixedOffset};
use filterql::jdy::ListRequest;
use filterql::sql::{Dialect, SqlOptions};
use filterql::{compile, Options, Query, Schema};
use jdy_sim::{sim_opt, NE_MODES};
use serde_json::{json, Value};

/// What jdy's widget-list API returns for the form (trimmed to what matters).
const WIDGETS: &str = r#"{
  "widgets": [
    {"name": "_widget_1", "label": "订单号", "type": "text"},
    {"name": "_widget_2", "label": "金额", "type": "number"},
    {"name": "_widget_3", "label": "状态", "type": "combo", "items": ["进行中", "已完成"]},
    {"name": "_widget_4", "label": "标签", "type": "checkboxgroup", "items": ["red", "blue"]}
  ],
  "sysWidgets": []
}"#;

fn clock() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2024-05-15T10:00:00+08:00").expect("a clock")
}

/// Twelve records as jdy returns them (`createTime` in UTC, as jdy writes it).
fn records() -> Vec<Value> {
    let rows = [
        (
            "PO-1",
            150.0,
            "进行中",
            vec!["red"],
            "2024-05-02T01:00:00.000Z",
        ),
        ("PO-2", 90.0, "进行中", vec![], "2024-05-03T01:00:00.000Z"),
        (
            "SO-3",
            300.0,
            "已完成",
            vec!["red"],
            "2024-04-30T15:59:59.999Z",
        ),
        (
            "PO-4",
            500.0,
            "已完成",
            vec!["blue"],
            "2024-04-30T16:00:00.000Z",
        ),
        (
            "PO-5",
            101.0,
            "已完成",
            vec!["blue", "red"],
            "2024-05-31T15:59:59.999Z",
        ),
        ("PO-6", 1000.0, "已完成", vec![], "2024-05-31T16:00:00.000Z"),
        ("XPO-7", 120.0, "进行中", vec![], "2024-05-10T00:00:00.000Z"),
        (
            "PO-8",
            100.0,
            "进行中",
            vec!["red"],
            "2024-05-11T00:00:00.000Z",
        ),
        ("PO-9", 250.0, "", vec![], "2024-05-12T00:00:00.000Z"),
        ("", 400.0, "进行中", vec!["red"], "2024-05-13T00:00:00.000Z"),
        (
            "PO-11",
            180.5,
            "进行中",
            vec!["blue"],
            "2024-05-14T00:00:00.000Z",
        ),
        (
            "PO-12",
            99.5,
            "已完成",
            vec!["red"],
            "2024-05-15T00:00:00.000Z",
        ),
    ];
    rows.iter()
        .enumerate()
        .map(|(i, (no, amount, state, tags, created))| {
            json!({
                "_id": format!("{:024x}", i + 1),
                "_widget_1": no,
                "_widget_2": amount,
                "_widget_3": state,
                "_widget_4": tags,
                "createTime": created,
            })
        })
        .collect()
}

/// A simulated `POST /api/v5/app/entry/data/list`: the filter (as jdy reads it), records
/// after `data_id` in `_id` order, `limit` of them, projected on `fields`.
fn data_list(body: &Value, all: &[Value], mode: jdy_sim::NeMode) -> Vec<Value> {
    let req: ListRequest = serde_json::from_value(body.clone()).expect("a list request body");
    let tz = FixedOffset::east_opt(8 * 3600).expect("+08:00");
    let after = req.data_id.clone().unwrap_or_default();
    all.iter()
        .filter(|r| r["_id"].as_str().unwrap_or_default() > after.as_str())
        .filter(|r| sim_opt(req.filter.as_ref(), r, mode, tz))
        .take(req.limit.unwrap_or(10) as usize)
        .map(|r| match &req.fields {
            None => r.clone(),
            Some(fields) => {
                let mut out = serde_json::Map::new();
                out.insert("_id".into(), r["_id"].clone());
                for f in fields {
                    if let Some(v) = r.get(f) {
                        out.insert(f.clone(), v.clone());
                    }
                }
                Value::Object(out)
            }
        })
        .collect()
}

/// Pages through jdy with the query's pushdown plan, fetching `wanted` fields (plus the
/// ones the residual reads), and keeps the records the residual accepts.
fn fetch_through_jdy(
    q: &Query,
    all: &[Value],
    wanted: &[&str],
    mode: jdy_sim::NeMode,
) -> Vec<String> {
    let plan = q.to_jdy_pushdown();
    if plan.is_unsatisfiable() {
        return Vec::new();
    }
    let first = ListRequest::new("app", "entry")
        .with_fields(wanted.iter().copied())
        .with_pushdown(&plan)
        .with_limit(5);
    let mut request = first;
    let mut ids = Vec::new();
    loop {
        let body = serde_json::to_value(&request).expect("a request serializes");
        let page = data_list(&body, all, mode);
        for r in &page {
            if plan.matches(r) {
                ids.push(r["_id"].as_str().expect("an id").to_owned());
            }
        }
        match page.last() {
            Some(last) if page.len() == 5 => {
                request = request.next_page(last["_id"].as_str().expect("an id"));
            }
            _ => break,
        }
    }
    ids
}

fn expected(q: &Query, all: &[Value]) -> Vec<String> {
    all.iter()
        .filter(|r| q.matches(r))
        .map(|r| r["_id"].as_str().expect("an id").to_owned())
        .collect()
}

const QUERIES: &[&str] = &[
    // Nested `or`, a prefix test and a period: strict jdy refuses, pushdown splits.
    r#"金额 > 100 and (状态 = "进行中" or 标签 has any ("red")) and 订单号 startswith "PO-""#,
    "createTime = this month and 金额 >= 100",
    r#"状态 != "已完成" or 标签 has all ("blue", "red")"#,
    "not (金额 between 100 and 200) and createTime < 2024-05-12",
    "金额 > 5 and 金额 < 3",
];

#[test]
fn jdy_pages_and_the_residual_return_what_the_query_means() {
    let schema = Schema::from_json(WIDGETS).expect("the widget list loads");
    let all = records();
    let opts = Options::at(clock());
    for text in QUERIES {
        let q = compile(text, &schema, &opts).unwrap_or_else(|d| panic!("{text}: {d}"));
        let want = expected(&q, &all);
        for mode in NE_MODES {
            // Fetching only `_widget_1`: the plan adds what its residual reads.
            let got = fetch_through_jdy(&q, &all, &["_widget_1"], mode);
            assert_eq!(got, want, "{text} ({mode:?})");
        }
    }
    // The first query is not one flat jdy filter: its residual reads the fields the
    // projection must carry.
    let q = compile(QUERIES[0], &schema, &opts).expect("compiles");
    assert!(q.to_jdy().is_err());
    let plan = q.to_jdy_pushdown();
    let residual = plan.residual().expect("a residual");
    for f in residual.fields() {
        assert!(
            plan.projection(&["_widget_1"]).iter().any(|p| p == f),
            "{f}"
        );
    }
    // An impossible query needs no request at all.
    let q = compile(QUERIES[4], &schema, &opts).expect("compiles");
    assert!(q.to_jdy_pushdown().is_unsatisfiable());
}

/// The SQL storage model for this form: one column per field, datetimes as local time in
/// the query's zone, the multi-select as a JSON array.
fn sql_rows(all: &[Value]) -> Vec<(i64, String, f64, String, String, String)> {
    let tz = FixedOffset::east_opt(8 * 3600).expect("+08:00");
    all.iter()
        .enumerate()
        .map(|(i, r)| {
            let created = DateTime::parse_from_rfc3339(r["createTime"].as_str().expect("a time"))
                .expect("RFC 3339")
                .with_timezone(&tz)
                .format("%Y-%m-%d %H:%M:%S%.3f")
                .to_string();
            (
                i as i64 + 1,
                r["_widget_1"].as_str().unwrap_or_default().to_owned(),
                r["_widget_2"].as_f64().expect("an amount"),
                r["_widget_3"].as_str().unwrap_or_default().to_owned(),
                r["_widget_4"].to_string(),
                created,
            )
        })
        .collect()
}

fn expected_rows(q: &Query, all: &[Value]) -> Vec<i64> {
    (0..all.len())
        .filter(|&i| q.matches(&all[i]))
        .map(|i| i as i64 + 1)
        .collect()
}

#[test]
fn sqlite_runs_the_query_with_bound_parameters() {
    let schema = Schema::from_json(WIDGETS).expect("the widget list loads");
    let all = records();
    let conn = rusqlite::Connection::open_in_memory().expect("SQLite");
    conn.execute_batch(
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, _widget_1 TEXT, _widget_2 REAL, \
         _widget_3 TEXT, _widget_4 TEXT, createTime TEXT)",
    )
    .expect("create");
    for row in sql_rows(&all) {
        conn.execute(
            "INSERT INTO orders VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![row.0, row.1, row.2, row.3, row.4, row.5],
        )
        .expect("insert");
    }
    let opts = Options::at(clock());
    for text in QUERIES {
        let q = compile(text, &schema, &opts).expect("compiles");
        let sql = q
            .to_sql(
                &SqlOptions::new(Dialect::Sqlite)
                    .table("orders")
                    .columns(["id"])
                    .params(true),
            )
            .unwrap_or_else(|d| panic!("{text}: {d}"));
        let mut stmt = conn.prepare(sql.sql()).expect("the statement prepares");
        let got: Vec<i64> = stmt
            .query_map(rusqlite::params_from_iter(sql.params()), |r| r.get(0))
            .expect("the statement runs")
            .collect::<Result<_, _>>()
            .expect("rows");
        let mut got = got;
        got.sort_unstable();
        assert_eq!(got, expected_rows(&q, &all), "{text}: {}", sql.sql());
    }
}

#[test]
fn postgres_runs_the_query_with_bound_parameters() {
    let url = match std::env::var("FILTERQL_PG_URL") {
        Ok(u) if !u.is_empty() => u,
        _ => {
            assert!(
                std::env::var("FILTERQL_REQUIRE_DB").as_deref() != Ok("1"),
                "FILTERQL_PG_URL is not set but FILTERQL_REQUIRE_DB=1"
            );
            eprintln!("skipping the PostgreSQL end-to-end test: FILTERQL_PG_URL is not set");
            return;
        }
    };
    let schema = Schema::from_json(WIDGETS).expect("the widget list loads");
    let all = records();
    let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    c.batch_execute(
        "DROP TABLE IF EXISTS library_e2e_orders; CREATE TABLE library_e2e_orders (id bigint \
         PRIMARY KEY, \"_widget_1\" text, \"_widget_2\" float8, \"_widget_3\" text, \
         \"_widget_4\" jsonb, \"createTime\" timestamp(3))",
    )
    .expect("create");
    for row in sql_rows(&all) {
        c.execute(
            "INSERT INTO library_e2e_orders VALUES ($1, $2, $3, $4, $5::text::jsonb, $6::text::timestamp(3))",
            &[&row.0, &row.1, &row.2, &row.3, &row.4, &row.5],
        )
        .expect("insert");
    }
    let opts = Options::at(clock());
    for text in QUERIES {
        let q = compile(text, &schema, &opts).expect("compiles");
        // After two parameters of the caller's own, as a condition in a larger statement.
        let cond = q
            .to_sql_where(
                &SqlOptions::new(Dialect::Postgres)
                    .params(true)
                    .first_placeholder(3),
            )
            .unwrap_or_else(|d| panic!("{text}: {d}"));
        let sql = format!(
            "SELECT id FROM library_e2e_orders WHERE id >= $1 AND id <= $2 AND ({}) ORDER BY id",
            cond.sql()
        );
        let (lo, hi) = (1i64, 100i64);
        let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> = vec![&lo, &hi];
        for p in cond.params() {
            params.push(p);
        }
        let got: Vec<i64> = c
            .query(sql.as_str(), &params)
            .unwrap_or_else(|e| panic!("{text}: {sql}: {e}"))
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(got, expected_rows(&q, &all), "{text}: {sql}");
    }
    c.batch_execute("DROP TABLE library_e2e_orders")
        .expect("drop");
}
