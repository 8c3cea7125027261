//! MySQL/MariaDB inline text literals mean the same under every connection setting
//! that changes how statement text is read: the client and connection character sets
//! (single-byte, and multibyte ones whose second bytes include `\`), and `sql_mode`s
//! `NO_BACKSLASH_ESCAPES` and `ANSI_QUOTES`. Text with a backslash, a control or a
//! non-ASCII character is written `_utf8mb4 X'…'`, pure ASCII that no setting reads
//! differently; plain printable ASCII is written quoted.

mod sqldb;

use filterql::target::sql::{Dialect, SqlOptions};
use filterql::{eval, FieldType, Options, Schema};
use serde_json::{json, Value};

const SCHEMA: &str = r#"{"timezone": "+08:00", "fields": [
    {"name": "title", "type": "text"},
    {"name": "tags", "type": "multiselect"}
]}"#;

fn records() -> Vec<Value> {
    vec![
        json!({"title": "进行中", "tags": ["进行中", "a"]}),
        json!({"title": "it's \\ \"q\"", "tags": ["it's \\"]}),
        json!({"title": "表\\'x", "tags": ["表"]}),
        json!({"title": "😀 emoji", "tags": ["😀"]}),
        json!({"title": "plain ascii", "tags": ["plain"]}),
        json!({"title": "é\n\t", "tags": []}),
    ]
}

const QUERIES: &[&str] = &[
    r#"title = "进行中""#,
    r#"title in ("it's \\ \"q\"", "表\\'x")"#,
    r#"title startswith "😀""#,
    r#"title contains "\\'""#,
    r#"title != "é\n\t""#,
    r#"title endswith "ascii""#,
    r#"tags has any ("进行中", "😀")"#,
    r#"tags has "it's \\""#,
    r#"not tags has "表""#,
];

/// Session settings: client/connection character set (results stay utf8mb4, so rows
/// read back as UTF-8) and `sql_mode`.
const CHARSETS: &[&str] = &[
    "utf8mb4", "utf8mb3", "latin1", "ascii", "gbk", "sjis", "big5", "cp932",
];
const MODES: &[&str] = &["", ",NO_BACKSLASH_ESCAPES", ",ANSI_QUOTES"];

#[test]
fn mysql_text_literals_are_exact_under_every_charset_and_mode() {
    let Some(mut c) = sqldb::connect(Dialect::Mysql) else {
        return;
    };
    let schema = Schema::from_json(SCHEMA).expect("schema");
    let fields: Vec<(String, FieldType)> = schema
        .fields()
        .iter()
        .map(|f| (f.name.clone(), f.ty))
        .collect();
    let cols = sqldb::columns(&fields);
    let table = sqldb::table_name("mylit");
    c.create_table(&table, &cols).expect("table");
    let tz = chrono::FixedOffset::east_opt(8 * 3600).expect("offset");
    let mut stored = Vec::new();
    let mut rows = Vec::new();
    for (i, r) in records().iter().enumerate() {
        let (kept, cells) = sqldb::to_row(&fields, r, tz);
        stored.push(kept);
        rows.push((i as i64, cells));
    }
    c.insert(&table, &cols, &rows).expect("insert");
    let now = chrono::DateTime::parse_from_rfc3339("2022-06-01T12:00:00+08:00").expect("now");
    let mut failures = Vec::new();
    let mut checked = 0;
    for cs in CHARSETS {
        for mode in MODES {
            c.batch(&format!(
                "SET character_set_client = {cs}, character_set_connection = {cs}, \
                 character_set_results = utf8mb4, sql_mode = CONCAT(@@GLOBAL.sql_mode, '{mode}')"
            ))
            .expect("session settings");
            for text in QUERIES {
                let q = filterql::compile(text, &schema, &Options::at(now))
                    .unwrap_or_else(|e| panic!("{text}: {}", e.render(80, false)));
                let want = sqldb::ids_where(&stored, |r| eval::matches(q.pred(), r));
                assert!(!want.is_empty(), "{text}: the data should match something");
                let stmt = q
                    .to_sql(
                        &SqlOptions::new(Dialect::Mysql)
                            .table(&table)
                            .columns(["id"]),
                    )
                    .expect("compiles");
                assert!(stmt.sql().is_ascii(), "{}", stmt.sql());
                c.check_ids(
                    &format!("{cs}{mode} {text}"),
                    stmt.sql(),
                    &want,
                    &mut failures,
                );
                checked += 1;
            }
        }
    }
    c.batch("SET NAMES utf8mb4, sql_mode = @@GLOBAL.sql_mode")
        .expect("reset");
    let _ = c.drop_table(&table);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{checked} statements checked");
}
