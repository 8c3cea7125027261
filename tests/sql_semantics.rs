//! Pins the language's exact text semantics on every engine: `=`, `in`, `contains`,
//! `startswith`, `endswith` and `has` are case-, accent- and trailing-space-sensitive
//! (MariaDB's default collation folds all three, SQLite's LIKE folds ASCII case), LIKE
//! wildcards in operands are literal, and negations match empty values.
//!
//! The expected ids are written by hand from DESIGN §3, and `eval` is checked against
//! them too, so a wrong expectation cannot hide behind agreement.

mod sqldb;
mod support;

use filterql::ir::{Pred, Scalar, Test};
use filterql::syntax::ast::TextOp;
use filterql::target::sql::{Dialect, SqlOptions};
use filterql::{FieldType, Span};
use serde_json::{json, Value};
use sqldb::{Cell, Col, ColKind, Conn, Pin};
use support::top_field as field;

/// (v, tags) per row; the row id is the index.
fn rows() -> Vec<(Option<&'static str>, Option<&'static str>)> {
    vec![
        (Some("abc"), Some("A")),
        (Some("ABC"), Some("a")),
        (Some("Abc"), Some("á")),
        (Some("abc "), Some("a ")),
        (Some("ábc"), Some("ä")),
        (Some("a%c"), Some("a\"b\\'")),
        (Some("a_c"), None),
        (Some("a!c"), None),
        (Some(""), None),
        (None, None),
        (Some("xabcx"), Some("b")),
    ]
}

fn v(test: Test, negated: bool) -> Pred {
    support::top_leaf("v", FieldType::Text, test, negated)
}

fn tags(test: Test, negated: bool) -> Pred {
    support::top_leaf("tags", FieldType::Multiselect, test, negated)
}

fn t(s: &str) -> Scalar {
    Scalar::Text(s.into())
}

fn text(op: TextOp, s: &str) -> Test {
    Test::Text(op, s.into())
}

/// Every id but the given ones.
fn all_but(ids: &[i64]) -> Vec<i64> {
    sqldb::all_but(rows().len(), ids)
}

fn cases() -> Vec<Pin> {
    use TextOp::*;
    vec![
        ("= is case-sensitive", v(Test::Eq(t("abc")), false), vec![0]),
        (
            "!= matches empty values",
            v(Test::Eq(t("abc")), true),
            all_but(&[0]),
        ),
        (
            "= keeps trailing spaces",
            v(Test::Eq(t("abc ")), false),
            vec![3],
        ),
        ("= keeps accents", v(Test::Eq(t("ábc")), false), vec![4]),
        (
            "in is exact",
            v(Test::In(vec![t("ABC"), t("ábc")]), false),
            vec![1, 4],
        ),
        (
            "not in matches empty values",
            v(Test::In(vec![t("ABC"), t("ábc")]), true),
            all_but(&[1, 4]),
        ),
        (
            "contains is case-sensitive",
            v(text(Contains, "B"), false),
            vec![1],
        ),
        (
            "contains",
            v(text(Contains, "bc"), false),
            vec![0, 2, 3, 4, 10],
        ),
        (
            "startswith is case-sensitive",
            v(text(StartsWith, "a"), false),
            vec![0, 3, 5, 6, 7],
        ),
        (
            "endswith",
            v(text(EndsWith, "c"), false),
            vec![0, 2, 4, 5, 6, 7],
        ),
        ("% is literal", v(text(Contains, "%"), false), vec![5]),
        ("_ is literal", v(text(Contains, "_"), false), vec![6]),
        ("! is literal", v(text(Contains, "!"), false), vec![7]),
        (
            "not contains matches empty values",
            v(text(Contains, "a"), true),
            vec![1, 2, 4, 8, 9],
        ),
        ("is empty", v(Test::Empty, false), vec![8, 9]),
        (
            "has is exact",
            tags(Test::HasAll(vec![t("a")]), false),
            vec![1],
        ),
        (
            "has matches accented tags exactly",
            tags(Test::HasAll(vec![t("ä")]), false),
            vec![4],
        ),
        (
            "has matches tags with JSON escapes",
            tags(Test::HasAll(vec![t("a\"b\\'")]), false),
            vec![5],
        ),
        (
            "has any is exact",
            tags(Test::HasAny(vec![t("a"), t("b")]), false),
            vec![1, 10],
        ),
        (
            "not has matches empty values",
            tags(Test::HasAll(vec![t("a")]), true),
            all_but(&[1]),
        ),
    ]
}

fn records() -> Vec<Value> {
    rows()
        .into_iter()
        .map(|(v, tag)| {
            let mut m = serde_json::Map::new();
            if let Some(v) = v {
                m.insert("v".into(), json!(v));
            }
            if let Some(tag) = tag {
                m.insert("tags".into(), json!([tag]));
            }
            Value::Object(m)
        })
        .collect()
}

#[test]
fn eval_agrees_with_the_expectations() {
    sqldb::assert_eval_agrees(&cases(), &records());
}

fn check(mut c: Conn) {
    let d = c.dialect();
    let table = sqldb::table_name(&format!("pin_{d}"));
    let cols = vec![
        Col {
            name: "v".into(),
            kind: ColKind::Text,
        },
        Col {
            name: "tags".into(),
            kind: ColKind::Json,
        },
    ];
    c.create_table(&table, &cols).expect("table");
    let data: Vec<(i64, Vec<Cell>)> = rows()
        .into_iter()
        .enumerate()
        .map(|(i, (v, tag))| {
            (
                i as i64,
                vec![
                    v.map_or(Cell::Null, |s| Cell::Text(s.into())),
                    tag.map_or(Cell::Null, |s| Cell::Json(json!([s]).to_string())),
                ],
            )
        })
        .collect();
    c.insert(&table, &cols, &data).expect("insert");
    let sel = SqlOptions::new(d).table(&table).columns(["id"]);
    let mut failures = Vec::new();
    for (name, p, want) in cases() {
        c.check_pred(&format!("{d} {name}"), &p, &sel, &want, &mut failures);
    }
    let _ = c.drop_table(&table);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

sqldb::engine_tests!(check: sqlite_is_exact, postgres_is_exact, mysql_is_exact);

/// The same statements without the backend's exactness measures really do fold on
/// these engines: the pins above test something.
#[test]
fn naive_sql_would_fold() {
    let mut c = sqldb::sqlite();
    c.batch("CREATE TABLE t (id INTEGER, v TEXT); INSERT INTO t VALUES (0, 'abc'), (1, 'ABC');")
        .expect("setup");
    let q = "SELECT id FROM t WHERE v LIKE 'a%' ESCAPE '!'";
    assert_eq!(
        c.ids(q).expect("runs"),
        vec![0, 1],
        "SQLite LIKE folds ASCII case"
    );
    if let Some(mut c) = sqldb::connect(Dialect::Mysql) {
        let table = sqldb::table_name("naive");
        let cols = vec![Col {
            name: "v".into(),
            kind: ColKind::Text,
        }];
        c.create_table(&table, &cols).expect("table");
        let data = vec![
            (0, vec![Cell::Text("abc".into())]),
            (1, vec![Cell::Text("ÁBC ".into())]),
        ];
        c.insert(&table, &cols, &data).expect("insert");
        let q = format!("SELECT id FROM `{table}` WHERE v = 'abc'");
        let got = c.ids(&q).expect("runs");
        let _ = c.drop_table(&table);
        assert_eq!(
            got,
            vec![0, 1],
            "MariaDB's default collation folds case, accents, trailing spaces"
        );
    }
}

/// A schema column missing from the table is an error on SQLite even with
/// double-quoted strings allowed (SQLite's default, which users have): a double-quoted
/// `"c"` would be read as the string `'c'`, so `c = "c"` matched every row. Every test
/// form is tried, as a whole statement and as a bare condition.
#[test]
fn sqlite_missing_column_is_an_error_with_dqs_on() {
    let conn = rusqlite::Connection::open_in_memory().expect("sqlite");
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DQS_DML, true)
        .expect("DQS on");
    conn.execute_batch(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, other TEXT); INSERT INTO t VALUES (1, 'x');",
    )
    .expect("table");
    // The fallback this guards against is real on this connection.
    let n: i64 = conn
        .query_row("SELECT count(*) FROM t WHERE \"c\" = 'c'", [], |r| r.get(0))
        .expect("DQS fallback");
    assert_eq!(n, 1);
    let c = field("c", FieldType::Text);
    let m = field("m", FieldType::Multiselect);
    let p = field("p", FieldType::Phone);
    let preds = [
        Pred::leaf(c.clone(), Test::Eq(t("c")), false, Span::default()),
        Pred::leaf(c.clone(), Test::Eq(t("c")), true, Span::default()),
        Pred::leaf(c.clone(), Test::Empty, false, Span::default()),
        Pred::leaf(
            c.clone(),
            text(TextOp::Contains, "c"),
            false,
            Span::default(),
        ),
        Pred::leaf(m, Test::HasAny(vec![t("c")]), false, Span::default()),
        Pred::leaf(p, Test::Verified, false, Span::default()),
    ];
    for pred in &preds {
        for params in [false, true] {
            let opts = SqlOptions::new(Dialect::Sqlite).params(params);
            let full = filterql::target::sql::compile_select(
                pred,
                &opts.clone().table("t").columns(["id"]),
            )
            .expect("compiles");
            let cond = filterql::target::sql::compile_where(pred, &opts).expect("compiles");
            for sql in [
                full.sql().to_owned(),
                format!("SELECT id FROM t WHERE {}", cond.sql()),
            ] {
                let err = conn.prepare(&sql).err();
                assert!(
                    err.as_ref()
                        .is_some_and(|e| e.to_string().contains("no such column")),
                    "{sql}: {err:?}"
                );
            }
        }
    }
}
