//! Pins array columns (multiselect, deptgroup) on every engine against JSON as other
//! writers store it and against items `eval` does not count.
//!
//! - Escapes: `["\u00e9"]`, `["a\/b"]`, `["\ud83d\ude00"]` are the same arrays as
//!   `["é"]`, `["a/b"]`, `["😀"]` (Python's `json.dumps` and ASCII-escaping serialisers
//!   write them), so `has` must match them. MariaDB's `JSON_CONTAINS` compares the
//!   stored text and missed them.
//! - Items that do not count: `eval` sees an array holding only `""`, `null` or items of
//!   the wrong type as empty, so `is empty` must hold on it and `has` must not match
//!   such an item.
//!
//! The expected ids are written by hand from DESIGN §3, and `eval` is checked against
//! them on the records parsed from the very JSON text stored in the tables.

mod sqldb;
mod support;

use filterql::ir::{Pred, Scalar, Test};
use filterql::target::sql::SqlOptions;
use filterql::FieldType;
use serde_json::Value;
use sqldb::{Cell, Col, ColKind, Conn, Pin};

/// (tags, depts) per row as stored: `None` is NULL, `Some("")` the empty string, else
/// JSON text written as other serialisers write it. The row id is the index.
fn rows() -> Vec<(Option<&'static str>, Option<&'static str>)> {
    vec![
        (Some(r#"["\u00e9"]"#), Some("[1]")),
        (Some(r#"["a\/b"]"#), Some("[2.0]")),
        (Some(r#"["\ud83d\ude00"]"#), Some("[null]")),
        (Some(r#"["\u0041"]"#), Some(r#"["1"]"#)),
        (Some(r#"[""]"#), Some("[]")),
        (Some("[null]"), None),
        (Some("[1]"), Some("[true]")),
        (
            Some(r#"["", null, 1, {}, [], true]"#),
            Some(r#"["", {}, [], true]"#),
        ),
        (Some("[]"), Some(r#"[3, "x"]"#)),
        (Some(""), Some("")),
        (None, Some("[1, null]")),
        (Some(r#"["a", ""]"#), Some("[ 2 ]")),
        (Some(r#"[" "]"#), None),
        (Some(r#"["é"]"#), None),
        (Some(r#"["e\u0301", "É", "e"]"#), None),
        (Some(r#"["q\"x", "b\\s"]"#), None),
        // Nested arrays hold no item (MariaDB's JSON_CONTAINS searched inside them).
        (None, Some("[[2]]")),
        (None, Some("[1, [2]]")),
        (None, Some("[[1, 7]]")),
        // Integers beyond 2^53 compare exactly (JSON_CONTAINS compared them as doubles).
        (None, Some("[9007199254740993]")),
        (None, Some("[9007199254740992, 7, 1]")),
        (None, Some("[-9007199254740993]")),
    ]
}

fn tags(test: Test, negated: bool) -> Pred {
    support::top_leaf("tags", FieldType::Multiselect, test, negated)
}

fn depts(test: Test, negated: bool) -> Pred {
    support::top_leaf("depts", FieldType::Deptgroup, test, negated)
}

fn t(s: &str) -> Scalar {
    Scalar::Text(s.into())
}

fn all_but(ids: &[i64]) -> Vec<i64> {
    sqldb::all_but(rows().len(), ids)
}

/// Rows whose tags hold no non-empty string.
const EMPTY_TAGS: &[i64] = &[4, 5, 6, 7, 8, 9, 10, 16, 17, 18, 19, 20, 21];
/// Rows whose depts hold no number.
const EMPTY_DEPTS: &[i64] = &[2, 3, 4, 5, 6, 7, 9, 12, 13, 14, 15, 16, 18];

fn cases() -> Vec<Pin> {
    vec![
        (
            "has matches \\u escapes, raw text, and nothing decomposed or folded",
            tags(Test::HasAll(vec![t("é")]), false),
            vec![0, 13],
        ),
        (
            "has matches an escaped solidus",
            tags(Test::HasAll(vec![t("a/b")]), false),
            vec![1],
        ),
        (
            "has matches an escaped surrogate pair",
            tags(Test::HasAny(vec![t("😀")]), false),
            vec![2],
        ),
        (
            "has matches an escaped ASCII letter, case-sensitively",
            tags(Test::HasAll(vec![t("A")]), false),
            vec![3],
        ),
        (
            "has is case-sensitive the other way too",
            tags(Test::HasAll(vec![t("a")]), false),
            vec![11],
        ),
        (
            "has matches escaped quotes and backslashes",
            tags(Test::HasAll(vec![t("q\"x"), t("b\\s")]), false),
            vec![15],
        ),
        (
            "has any over escaped items",
            tags(Test::HasAny(vec![t("é"), t("a/b"), t("E")]), false),
            vec![0, 1, 13],
        ),
        (
            "= on a multiselect is has any",
            tags(Test::Eq(t("é")), false),
            vec![0, 13],
        ),
        (
            "has does not match a number item by its text",
            tags(Test::HasAny(vec![t("1")]), false),
            vec![],
        ),
        (
            "has does not match a space item by an empty-looking one",
            tags(Test::HasAny(vec![t(" ")]), false),
            vec![12],
        ),
        (
            "not has matches the escaped-but-different and every empty value",
            tags(Test::HasAll(vec![t("é")]), true),
            all_but(&[0, 13]),
        ),
        (
            "an array of only empty strings, nulls, wrong types is empty",
            tags(Test::Empty, false),
            EMPTY_TAGS.to_vec(),
        ),
        (
            "is not empty needs a non-empty string item",
            tags(Test::Empty, true),
            all_but(EMPTY_TAGS),
        ),
        (
            "has \"\" matches nothing",
            tags(Test::HasAny(vec![t("")]), false),
            vec![],
        ),
        (
            "has all with \"\" matches nothing; its negation everything",
            tags(Test::HasAll(vec![t("a"), t("")]), true),
            all_but(&[]),
        ),
        (
            "depts: only numbers count",
            depts(Test::Empty, false),
            EMPTY_DEPTS.to_vec(),
        ),
        (
            "depts: not empty",
            depts(Test::Empty, true),
            all_but(EMPTY_DEPTS),
        ),
        (
            "depts: has 1 matches the number, not the string",
            depts(Test::HasAll(vec![Scalar::Number(1.0)]), false),
            vec![0, 10, 17, 20],
        ),
        (
            "depts: has all (1, 7) looks at items, not into nested arrays",
            depts(
                Test::HasAll(vec![Scalar::Number(1.0), Scalar::Number(7.0)]),
                false,
            ),
            vec![20],
        ),
        (
            "depts: has any (7, 2) looks at items only",
            depts(
                Test::HasAny(vec![Scalar::Number(7.0), Scalar::Number(2.0)]),
                false,
            ),
            vec![1, 11, 20],
        ),
        (
            "depts: has 2^53 matches 2^53, not 2^53 + 1",
            depts(
                Test::HasAll(vec![Scalar::Number(9_007_199_254_740_992.0)]),
                false,
            ),
            vec![20],
        ),
        (
            "depts: has -2^53 matches no -(2^53 + 1)",
            depts(
                Test::HasAny(vec![
                    Scalar::Number(-9_007_199_254_740_992.0),
                    Scalar::Number(3.0),
                ]),
                false,
            ),
            vec![8],
        ),
        (
            "depts: not has 2^53",
            depts(
                Test::HasAll(vec![Scalar::Number(9_007_199_254_740_992.0)]),
                true,
            ),
            all_but(&[20]),
        ),
        (
            "depts: has 2 matches 2.0 and 2",
            depts(Test::HasAny(vec![Scalar::Number(2.0)]), false),
            vec![1, 11],
        ),
        (
            "depts: not has 1",
            depts(Test::HasAll(vec![Scalar::Number(1.0)]), true),
            all_but(&[0, 10, 17, 20]),
        ),
    ]
}

fn parse(cell: Option<&str>) -> Option<Value> {
    cell.map(|s| {
        if s.is_empty() {
            Value::String(String::new())
        } else {
            serde_json::from_str(s).expect("test JSON")
        }
    })
}

fn records() -> Vec<Value> {
    rows()
        .into_iter()
        .map(|(tags, depts)| {
            let mut m = serde_json::Map::new();
            if let Some(v) = parse(tags) {
                m.insert("tags".into(), v);
            }
            if let Some(v) = parse(depts) {
                m.insert("depts".into(), v);
            }
            Value::Object(m)
        })
        .collect()
}

#[test]
fn eval_agrees_with_the_expectations() {
    sqldb::assert_eval_agrees(&cases(), &records());
}

fn cell(s: Option<&str>) -> Cell {
    match s {
        None => Cell::Null,
        Some("") => Cell::EmptyJson,
        Some(j) => Cell::Json(j.into()),
    }
}

fn check(mut c: Conn) {
    let d = c.dialect();
    let mut failures = Vec::new();
    // Both the engine's JSON type (`jsonb` decodes escapes on input, MariaDB's JSON
    // keeps the text) and plain text columns.
    for kind in [ColKind::Json, ColKind::JsonText] {
        let table = sqldb::table_name(&format!("arr_{d}_{kind:?}").to_lowercase());
        let cols = vec![
            Col {
                name: "tags".into(),
                kind,
            },
            Col {
                name: "depts".into(),
                kind,
            },
        ];
        c.create_table(&table, &cols).expect("table");
        let data: Vec<(i64, Vec<Cell>)> = rows()
            .into_iter()
            .enumerate()
            .map(|(i, (tags, depts))| (i as i64, vec![cell(tags), cell(depts)]))
            .collect();
        c.insert(&table, &cols, &data).expect("insert");
        let sel = SqlOptions::new(d).table(&table).columns(["id"]);
        for (name, p, want) in cases() {
            c.check_pred(
                &format!("{d} {kind:?} {name}"),
                &p,
                &sel,
                &want,
                &mut failures,
            );
        }
        let _ = c.drop_table(&table);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

sqldb::engine_tests!(check: sqlite_arrays_are_exact, postgres_arrays_are_exact, mysql_arrays_are_exact);
