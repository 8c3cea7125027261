//! Typed parameters through the real drivers: statements compiled in parameterised mode
//! run with `SqlParam` bound by the library's own `rusqlite::ToSql`,
//! `postgres_types::ToSql` and `From<SqlParam> for mysql::Value`, on SQLite (always),
//! PostgreSQL and MariaDB (when their servers are up): `?` and `$n` placeholders,
//! fragments that follow the caller's own parameters, and every variant read back by
//! each engine.

mod sqldb;

use filterql::target::sql::{Dialect, SqlOptions, SqlParam};
use filterql::{eval, FieldType, Options, Query, Schema};
use serde_json::{json, Value};
use sqldb::Conn;
use std::collections::BTreeSet;

const SCHEMA: &str = r#"{"timezone": "+08:00", "fields": [
    {"name": "title", "label": "标题", "type": "text"},
    {"name": "status", "label": "状态", "type": "text"},
    {"name": "amount", "label": "金额", "type": "number"},
    {"name": "due", "label": "截止", "type": "datetime"},
    {"name": "tags", "label": "标签", "type": "multiselect"},
    {"name": "depts", "label": "部门", "type": "deptgroup"}
]}"#;

fn schema() -> Schema {
    Schema::from_json(SCHEMA).expect("schema")
}

fn compile(text: &str) -> Query {
    let now = chrono::DateTime::parse_from_rfc3339("2022-06-01T12:00:00+08:00").expect("now");
    filterql::compile(text, &schema(), &Options::at(now))
        .unwrap_or_else(|e| panic!("{text}: {}", e.render(80, false)))
}

/// Text that needs every kind of care: quotes of both kinds, backslashes, LIKE
/// specials, a newline, CJK and an emoji outside the BMP.
const NASTY: &str = "it's \\ \"q\" 50%_! \n 进行中 😀";

fn records() -> Vec<Value> {
    vec![
        json!({"title": "PO-1", "status": "open", "amount": 5, "due": "2022-01-01T00:00:00.000+08:00", "tags": ["a"], "depts": [1]}),
        json!({"title": "PO-2", "status": "closed", "amount": 5.5, "due": "2022-01-01T00:00:00.007+08:00", "tags": ["a'b", "😀"], "depts": [1, 2]}),
        json!({"title": "SO-3", "status": "hold", "amount": 1000.5, "due": "2022-03-04T05:06:07.089+08:00", "tags": [], "depts": [2]}),
        json!({"title": NASTY, "status": "open", "amount": -0.25, "due": "2021-12-31T23:59:59.999+08:00", "tags": ["b"], "depts": []}),
        json!({"title": "po-5", "status": "", "amount": 9007199254740993.0, "tags": ["😀"], "depts": [2, 1]}),
        json!({"title": "PO-6"}),
    ]
}

/// Queries whose values between them bind as every variant the backend emits.
const QUERIES: &[&str] = &[
    // The issue's cases: rusqlite's serde_json binding made them wrong.
    "状态 != \"open\"",
    "title startswith \"PO-\"",
    "title = \"it's \\\\ \\\"q\\\" 50%_! \\n 进行中 😀\"",
    "title contains \"%_!\" or title endswith \"😀\"",
    "amount > 5",
    "amount = 1000.5 or amount < -0.2",
    "amount >= 9007199254740992",
    "due = 2022-03-04T05:06:07.089+08:00",
    "due >= 2022-01-01T00:00:00.007+08:00",
    "due < 2022-01-01",
    "tags has any (\"a'b\", \"😀\")",
    "not tags has \"a\"",
    "depts has all (1, 2)",
    "depts has any (2)",
    "状态 != \"open\" and title startswith \"PO-\" and not (amount between 1 and 5)",
];

fn fields() -> Vec<(String, FieldType)> {
    schema()
        .fields()
        .iter()
        .map(|f| (f.name.clone(), f.ty))
        .collect()
}

/// Loads the records into a fresh table; returns the table and the records as stored.
fn load(c: &mut Conn, tag: &str) -> (String, Vec<Value>) {
    let fields = fields();
    let cols = sqldb::columns(&fields);
    let table = sqldb::table_name(&format!("drv_{tag}_{}", c.dialect()));
    c.create_table(&table, &cols).expect("table");
    let mut stored = Vec::new();
    let mut rows = Vec::new();
    for (i, r) in records().iter().enumerate() {
        let (kept, cells) = sqldb::to_row(&fields, r, tz());
        stored.push(kept);
        rows.push((i as i64, cells));
    }
    c.insert(&table, &cols, &rows).expect("insert");
    (table, stored)
}

fn tz() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("offset")
}

fn want(q: &Query, stored: &[Value]) -> Vec<i64> {
    (0..stored.len() as i64)
        .filter(|i| eval::matches(q.pred(), &stored[*i as usize]))
        .collect()
}

fn variant(p: &SqlParam) -> &'static str {
    match p {
        SqlParam::Null => "null",
        SqlParam::Bool(_) => "bool",
        SqlParam::Int(_) => "int",
        SqlParam::Float(_) => "float",
        SqlParam::Text(_) => "text",
        SqlParam::Timestamp(_) => "timestamp",
        SqlParam::Json(_) => "json",
        _ => "other",
    }
}

/// Every query as a whole parameterised `SELECT` (placeholders from 1), and as a
/// condition after three parameters of the caller's own (a null, an integer and a
/// boolean, so those variants bind too): both return exactly eval's records.
fn compiled_statements_bind(mut c: Conn) {
    let d = c.dialect();
    let (table, stored) = load(&mut c, "q");
    let t = d.quote_ident(&table).expect("table name");
    let mut kinds = BTreeSet::new();
    for text in QUERIES {
        let q = compile(text);
        let want = want(&q, &stored);
        let stmt = q
            .to_sql(
                &SqlOptions::new(d)
                    .table(&table)
                    .columns(["id"])
                    .params(true),
            )
            .unwrap_or_else(|e| panic!("{text}: {}", e.render(80, false)));
        kinds.extend(stmt.params().iter().map(variant));
        let got = c
            .ids(&stmt)
            .unwrap_or_else(|e| panic!("{d} {text}: {}: {e}", stmt.sql()));
        assert_eq!(got, want, "{d} {text}: {} {:?}", stmt.sql(), stmt.params());

        let cond = q
            .to_sql_where(&SqlOptions::new(d).params(true).first_placeholder(4))
            .expect("compiles");
        // The caller's own `$1`..`$3`: `id <> -1`, `COALESCE(NULL, 'x') = 'x'`, a flag.
        let id = d.quote_ident("id").expect("id");
        let sql = format!(
            "SELECT {id} FROM {t} WHERE {id} <> {} AND COALESCE({}, 'x') = 'x' AND {} AND ({})",
            d.placeholder(1),
            d.placeholder(2),
            d.placeholder(3),
            cond.sql()
        );
        for (flag, expect) in [(true, want.clone()), (false, Vec::new())] {
            let mut params = vec![SqlParam::Int(-1), SqlParam::Null, SqlParam::Bool(flag)];
            params.extend(cond.params().iter().cloned());
            let got = c
                .ids(&(sql.clone(), params))
                .unwrap_or_else(|e| panic!("{d} {text}: {sql}: {e}"));
            assert_eq!(got, expect, "{d} {text} (caller's flag {flag}): {sql}");
        }
        if d == Dialect::Postgres {
            assert!(cond.sql().contains("$4"), "{}", cond.sql());
            assert!(!cond.sql().contains("$1"), "{}", cond.sql());
        }
    }
    let _ = c.drop_table(&table);
    let all: BTreeSet<&str> = ["int", "float", "text", "timestamp", "json"].into();
    // SQLite and MySQL test array items one by one (json_each, JSON_TABLE): no JSON
    // parameter there.
    let expected: BTreeSet<&str> = if d != Dialect::Postgres {
        all.into_iter().filter(|k| *k != "json").collect()
    } else {
        all
    };
    assert_eq!(kinds, expected, "{d}: the variants the queries bound");
}

sqldb::engine_tests!(compiled_statements_bind: sqlite_binds_compiled_statements, postgres_binds_compiled_statements, mysql_binds_compiled_statements);

/// The issue's report, verbatim: plain rusqlite, no test helper in between.
#[test]
fn the_issues_queries_select_the_right_rows_through_rusqlite() {
    let db = rusqlite::Connection::open_in_memory().expect("sqlite");
    db.execute_batch(
        "CREATE TABLE t (id INTEGER, status TEXT, title TEXT);
         INSERT INTO t VALUES (1, 'open', 'PO-1'), (2, 'closed', 'PO-2'), (3, 'open', 'SO-3'),
                              (4, 'hold', 'PO-4'), (5, 'open', 'po-5');",
    )
    .expect("setup");
    let run = |text: &str| -> Vec<i64> {
        let stmt = compile(text)
            .to_sql(
                &SqlOptions::new(Dialect::Sqlite)
                    .table("t")
                    .columns(["id"])
                    .params(true),
            )
            .expect("compiles");
        let mut st = db.prepare(stmt.sql()).expect("prepare");
        st.query_map(rusqlite::params_from_iter(stmt.params()), |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    assert_eq!(run("状态 != \"open\""), [2, 4]);
    assert_eq!(run("title startswith \"PO-\""), [1, 2, 4]);
}

/// Each variant, bound on its own and read back as text by the engine, is the value.
fn variants_read_back(mut c: Conn) {
    let d = c.dialect();
    let ts = chrono::NaiveDate::from_ymd_opt(2022, 3, 4)
        .and_then(|d| d.and_hms_milli_opt(5, 6, 7, 89))
        .expect("timestamp");
    // (parameter, SQL reading it back as text per engine, expected text)
    let cases: Vec<(SqlParam, [&str; 3], Option<&str>)> = vec![
        (
            SqlParam::Text(NASTY.into()),
            ["SELECT ?", "SELECT $1::text", "SELECT CAST(? AS CHAR)"],
            Some(NASTY),
        ),
        (
            SqlParam::Int(-9_007_199_254_740_991),
            [
                "SELECT typeof(?1) || ':' || ?1",
                "SELECT $1::bigint::text",
                "SELECT CAST(? AS CHAR)",
            ],
            None,
        ),
        (
            SqlParam::Float(1000.5),
            [
                "SELECT typeof(?1) || ':' || ?1",
                "SELECT $1::float8::text",
                "SELECT CAST(? AS CHAR)",
            ],
            None,
        ),
        (
            SqlParam::Timestamp(ts),
            [
                "SELECT ?",
                "SELECT $1::timestamp(3)::text",
                "SELECT CAST(CAST(? AS DATETIME(3)) AS CHAR)",
            ],
            Some("2022-03-04 05:06:07.089"),
        ),
        (
            SqlParam::Json(r#"["a'b","😀",1]"#.into()),
            [
                "SELECT json_extract(?, '$[1]')",
                "SELECT $1::jsonb ->> 1",
                "SELECT JSON_UNQUOTE(JSON_EXTRACT(?, '$[1]'))",
            ],
            Some("😀"),
        ),
        (
            SqlParam::Bool(true),
            [
                "SELECT typeof(?1) || ':' || ?1",
                "SELECT $1::boolean::text",
                "SELECT CAST(? AS CHAR)",
            ],
            None,
        ),
        (
            SqlParam::Null,
            ["SELECT ?", "SELECT $1::text", "SELECT CAST(? AS CHAR)"],
            None,
        ),
    ];
    let engine = match d {
        Dialect::Sqlite => 0,
        Dialect::Postgres => 1,
        Dialect::Mysql => 2,
    };
    for (p, sqls, same) in cases {
        let want: Option<String> = match (&p, d) {
            (SqlParam::Null, _) => None,
            (_, _) if same.is_some() => same.map(str::to_owned),
            (SqlParam::Int(i), Dialect::Sqlite) => Some(format!("integer:{i}")),
            (SqlParam::Float(x), Dialect::Sqlite) => Some(format!("real:{x:.1}")),
            (SqlParam::Bool(_), Dialect::Sqlite) => Some("integer:1".into()),
            (SqlParam::Int(i), _) => Some(i.to_string()),
            (SqlParam::Float(x), _) => Some(x.to_string()),
            (SqlParam::Bool(_), Dialect::Postgres) => Some("true".into()),
            (SqlParam::Bool(_), _) => Some("1".into()),
            _ => unreachable!("every case is listed"),
        };
        let sql = sqls[engine].to_owned();
        let got = c
            .strings(&(sql.clone(), vec![p.clone()]))
            .unwrap_or_else(|e| panic!("{d} {p:?}: {sql}: {e}"));
        assert_eq!(got, vec![want], "{d} {p:?}: {sql}");
    }
}

sqldb::engine_tests!(variants_read_back: sqlite_reads_every_variant_back, postgres_reads_every_variant_back, mysql_reads_every_variant_back);

/// PostgreSQL: a number's placeholder is `float8` whatever the column's type, so
/// integer and `numeric` columns work in parameterised mode as they do inline; a value
/// the placeholder's type cannot hold is a bind error, never a converted value.
#[test]
fn postgres_binds_numbers_to_any_numeric_column_and_refuses_mismatches() {
    let Some(Conn::Pg(mut c)) = sqldb::connect(Dialect::Postgres) else {
        return;
    };
    let table = sqldb::table_name("drv_pgnum");
    c.batch_execute(&format!(
        "DROP TABLE IF EXISTS \"{table}\";
         CREATE TABLE \"{table}\" (id bigint, big bigint, small integer, exact numeric);
         INSERT INTO \"{table}\" VALUES (1, 2, 2, 0.1), (2, 3, 3, 2.5), (3, NULL, NULL, NULL);"
    ))
    .expect("setup");
    let schema = Schema::from_json(
        r#"{"fields": [{"name": "big", "type": "number"}, {"name": "small", "type": "number"},
                       {"name": "exact", "type": "number"}]}"#,
    )
    .expect("schema");
    let now = chrono::DateTime::parse_from_rfc3339("2022-06-01T12:00:00+08:00").expect("now");
    let cases: &[(&str, &[i64])] = &[
        ("big > 2.5", &[2]),
        ("small in (2, 3.5)", &[1]),
        ("exact = 0.1", &[1]),
        ("exact >= 2.5 and big = 3", &[2]),
        ("not (small < 2.5)", &[2, 3]),
    ];
    for (text, want) in cases {
        let q = filterql::compile(text, &schema, &Options::at(now)).expect("compiles");
        for params in [false, true] {
            let stmt = q
                .to_sql(
                    &SqlOptions::new(Dialect::Postgres)
                        .table(&table)
                        .columns(["id"])
                        .params(params),
                )
                .expect("compiles");
            let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = stmt
                .params()
                .iter()
                .map(|p| p as &(dyn postgres::types::ToSql + Sync))
                .collect();
            let mut got: Vec<i64> = c
                .query(stmt.sql(), &refs)
                .unwrap_or_else(|e| panic!("{text}: {}: {e}", stmt.sql()))
                .iter()
                .map(|r| r.get(0))
                .collect();
            got.sort_unstable();
            assert_eq!(&got, want, "{text}: {}", stmt.sql());
        }
    }
    let _ = c.batch_execute(&format!("DROP TABLE IF EXISTS \"{table}\""));

    let refused: Vec<(SqlParam, &str)> = vec![
        (
            SqlParam::Text("2022-01-01 00:00:00".into()),
            "SELECT $1::timestamp",
        ),
        (SqlParam::Float(2.5), "SELECT $1::integer"),
        (SqlParam::Int(1 << 40), "SELECT $1::integer"),
        (SqlParam::Int((1 << 53) + 1), "SELECT $1::float8"),
        (SqlParam::Float(0.1), "SELECT $1::real"),
        (SqlParam::Int(1), "SELECT $1::numeric"),
        (SqlParam::Json("[1]".into()), "SELECT $1::integer"),
        (SqlParam::Bool(true), "SELECT $1::integer"),
        (
            SqlParam::Timestamp(chrono::NaiveDateTime::default()),
            "SELECT $1::timestamptz",
        ),
    ];
    for (p, sql) in refused {
        let r = c.query(sql, &[&p]);
        assert!(r.is_err(), "{p:?} must not bind in {sql}: {r:?}");
    }
    let accepted: Vec<(SqlParam, &str, &str)> = vec![
        (SqlParam::Int(7), "SELECT $1::integer::text", "7"),
        (SqlParam::Int(7), "SELECT $1::smallint::text", "7"),
        (SqlParam::Float(0.5), "SELECT $1::real::text", "0.5"),
        (
            SqlParam::Json("[1, 2]".into()),
            "SELECT $1::json::text",
            "[1, 2]",
        ),
        (SqlParam::Json("[1, 2]".into()), "SELECT $1::text", "[1, 2]"),
        (SqlParam::Text("x".into()), "SELECT $1::varchar", "x"),
    ];
    for (p, sql, want) in accepted {
        let row = c
            .query_one(sql, &[&p])
            .unwrap_or_else(|e| panic!("{p:?} in {sql}: {e}"));
        assert_eq!(row.get::<_, String>(0), want, "{sql}");
    }
}
