//! Injection tests: arbitrary Unicode text (quotes, backslashes, `%`, `_`, `!`, control
//! characters, multibyte, emoji) used as a literal must come back exactly and must not
//! change the statement's shape, on every engine, in both output modes, and on MySQL in
//! both `sql_mode`s (with and without `NO_BACKSLASH_ESCAPES`), on PostgreSQL with
//! `standard_conforming_strings` on and off.

mod sqldb;
mod support;

use filterql::eval;
use filterql::ir::{FieldInfo, FieldRef, Pred, Scalar, Test};
use filterql::syntax::ast::TextOp;
use filterql::target::sql::{compile_where, literal, Dialect, SqlError, SqlOptions, SqlParam};
use filterql::{FieldType, Span};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::json;
use sqldb::{Cell, Col, ColKind, Conn};
use std::cell::RefCell;

/// Characters that matter to some SQL or LIKE lexer, or to a driver.
const NASTY: &[char] = &[
    '\'', '"', '`', '\\', '%', '_', '!', '?', '$', ':', ';', '-', '/', '*', '#', '\n', '\r', '\t',
    '\x08', '\x1a', '\x7f', ' ', 'a', 'A', 'e', 'E', 'x', 'X', '0', 'é', 'É', 'ß', 'ı', '中', '😀',
    '\u{202e}', '\u{feff}', '\u{ffff}',
];

/// Text from the nasty characters and any Unicode scalar; half the time printable
/// ASCII only, which MySQL literals write without hex (so quotes and backslashes there
/// are exercised in both spellings).
fn arb_text() -> impl Strategy<Value = String> {
    let ascii: Vec<char> = NASTY
        .iter()
        .copied()
        .filter(|c| (' '..='~').contains(c))
        .collect();
    let any_text = prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(NASTY),
            1 => any::<char>().prop_filter("no NUL", |c| *c != '\0'),
        ],
        0..24,
    );
    let ascii_text = prop::collection::vec(prop::sample::select(ascii), 0..16);
    prop_oneof![any_text, ascii_text].prop_map(|cs| cs.into_iter().collect())
}

fn text_field() -> FieldRef {
    support::top_field("v", FieldType::Text)
}

fn leaf(test: Test) -> Pred {
    Pred::leaf(text_field(), test, false, Span::default())
}

/// The session settings each engine is checked under.
fn settings(d: Dialect) -> Vec<&'static str> {
    match d {
        Dialect::Mysql => vec![
            "SET SESSION sql_mode = @@GLOBAL.sql_mode",
            "SET SESSION sql_mode = CONCAT(@@GLOBAL.sql_mode, ',NO_BACKSLASH_ESCAPES')",
        ],
        Dialect::Postgres => vec![
            "SET standard_conforming_strings = on",
            "SET standard_conforming_strings = off",
        ],
        Dialect::Sqlite => vec!["SELECT 1"],
    }
}

/// `SELECT <literal>` for `s`: inline or as a parameter.
fn select_literal(d: Dialect, s: &str, params: bool) -> (String, Vec<SqlParam>) {
    if params {
        let sql = match d {
            // An untyped `$1` alone has no type PostgreSQL can infer.
            Dialect::Postgres => "SELECT CAST($1 AS text)".to_owned(),
            _ => "SELECT ?".to_owned(),
        };
        (sql, vec![SqlParam::Text(s.into())])
    } else {
        (
            format!("SELECT {}", literal::string(d, s).expect("no NUL")),
            vec![],
        )
    }
}

/// Parses `sql` with sqlparser in the engine's dialect: one statement, and for
/// `SELECT <literal>` one projected value whose text is `s`.
fn check_literal_shape(d: Dialect, sql: &str, s: &str) -> Result<(), TestCaseError> {
    use sqlparser::ast::{Expr, SelectItem, SetExpr, Statement, Value};
    let dialect: Box<dyn sqlparser::dialect::Dialect> = match d {
        Dialect::Mysql => Box::new(sqlparser::dialect::MySqlDialect {}),
        Dialect::Postgres => Box::new(sqlparser::dialect::PostgreSqlDialect {}),
        Dialect::Sqlite => Box::new(sqlparser::dialect::SQLiteDialect {}),
    };
    let stmts = sqlparser::parser::Parser::parse_sql(dialect.as_ref(), sql)
        .map_err(|e| TestCaseError::fail(format!("{sql}: {e}")))?;
    prop_assert_eq!(stmts.len(), 1, "{}", sql);
    let Statement::Query(q) = &stmts[0] else {
        return Err(TestCaseError::fail(format!("not a query: {sql}")));
    };
    let SetExpr::Select(sel) = q.body.as_ref() else {
        return Err(TestCaseError::fail(format!("not a select: {sql}")));
    };
    prop_assert_eq!(sel.projection.len(), 1, "{}", sql);
    let SelectItem::UnnamedExpr(e) = &sel.projection[0] else {
        return Err(TestCaseError::fail(format!("not an expression: {sql}")));
    };
    let e = match e {
        Expr::Prefixed { value, .. } => value.as_ref(),
        e => e,
    };
    let Expr::Value(v) = e else {
        return Err(TestCaseError::fail(format!("not a literal: {sql}")));
    };
    let text = match &v.value {
        Value::SingleQuotedString(t) | Value::EscapedStringLiteral(t) => t.clone(),
        Value::HexStringLiteral(h) => {
            let bytes: Vec<u8> = (0..h.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap_or(0))
                .collect();
            String::from_utf8(bytes).map_err(|e| TestCaseError::fail(e.to_string()))?
        }
        other => return Err(TestCaseError::fail(format!("unexpected literal {other:?}"))),
    };
    prop_assert_eq!(text, s, "{}", sql);
    Ok(())
}

/// The token sequence of `sql` with every string literal (however spelled: `'..'`,
/// `E'..'`, `_utf8mb4 X'..'`) and number replaced by a marker: two statements with the
/// same shape differ only in literal contents.
fn shape(d: Dialect, sql: &str) -> Result<Vec<String>, TestCaseError> {
    use sqlparser::tokenizer::{Token, Tokenizer};
    let dialect: Box<dyn sqlparser::dialect::Dialect> = match d {
        Dialect::Mysql => Box::new(sqlparser::dialect::MySqlDialect {}),
        Dialect::Postgres => Box::new(sqlparser::dialect::PostgreSqlDialect {}),
        Dialect::Sqlite => Box::new(sqlparser::dialect::SQLiteDialect {}),
    };
    let tokens = Tokenizer::new(dialect.as_ref(), sql)
        .tokenize()
        .map_err(|e| TestCaseError::fail(format!("{sql}: {e}")))?;
    Ok(tokens
        .into_iter()
        .filter_map(|t| match t {
            Token::Whitespace(sqlparser::tokenizer::Whitespace::Space) => None,
            Token::SingleQuotedString(_)
            | Token::EscapedStringLiteral(_)
            | Token::HexStringLiteral(_) => Some("<str>".to_owned()),
            Token::Number(..) => Some("<num>".to_owned()),
            Token::Word(w) if w.quote_style.is_none() && w.value == "_utf8mb4" => None,
            other => Some(format!("{other:?}")),
        })
        .collect())
}

/// The predicates checked for a text `s`, in a fixed order.
fn preds_for(s: &str) -> Vec<Pred> {
    let mut preds = vec![
        leaf(Test::Eq(Scalar::Text(s.into()))),
        leaf(Test::In(vec![
            Scalar::Text(s.into()),
            Scalar::Text(format!("{s}'").into()),
        ])),
    ];
    if !s.is_empty() {
        for op in [TextOp::Contains, TextOp::StartsWith, TextOp::EndsWith] {
            preds.push(leaf(Test::Text(op, s.into())));
        }
    }
    preds
}

/// Rows whose values are near `s`: itself, case-changed, padded, embedded, shortened.
fn neighbours(s: &str) -> Vec<Option<String>> {
    let mut v = vec![
        Some(s.to_owned()),
        Some(s.to_uppercase()),
        Some(s.to_lowercase()),
        Some(format!("{s} ")),
        Some(format!(" {s}")),
        Some(format!("x{s}y")),
        Some(format!("{s}{s}")),
        Some(s.chars().skip(1).collect()),
        Some(s.chars().rev().collect()),
        Some(String::new()),
        Some("%".into()),
        Some("_".into()),
        None,
    ];
    v.dedup();
    v
}

fn run(conn: Conn) {
    let d = conn.dialect();
    let table = sqldb::table_name(&format!("inj_{d}"));
    let cols = vec![Col {
        name: "v".into(),
        kind: ColKind::Text,
    }];
    let checked = RefCell::new(0usize);
    sqldb::prop_on_table(conn, &table, &cols, 256, &arb_text(), |c, s| {
        let rows: Vec<Option<String>> = neighbours(&s);
        c.clear(&table).map_err(sqldb::fail)?;
        let cells: Vec<(i64, Vec<Cell>)> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (i as i64, vec![r.clone().map_or(Cell::Null, Cell::Text)]))
            .collect();
        c.insert(&table, &cols, &cells).map_err(sqldb::fail)?;
        let records: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| r.as_ref().map_or(json!({}), |t| json!({ "v": t })))
            .collect();
        let preds = preds_for(&s);
        // The same predicates over a harmless text: the statement shapes must agree.
        // (An empty text is compared with itself: `= ''` needs an emptiness guard, a
        // difference of meaning, not of escaping.)
        let harmless = if s.is_empty() { "" } else { "x" };
        for (p, benign) in preds.iter().zip(preds_for(harmless)) {
            for params in [false, true] {
                let opts = SqlOptions::new(d).params(params);
                let a =
                    compile_where(p, &opts).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                let b = compile_where(&benign, &opts)
                    .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                prop_assert_eq!(
                    shape(d, a.sql())?,
                    shape(d, b.sql())?,
                    "{} vs {}",
                    a.sql(),
                    b.sql()
                );
                prop_assert_eq!(a.params().len(), b.params().len());
            }
        }
        for set in settings(d) {
            c.batch(set).map_err(sqldb::fail)?;
            for params in [false, true] {
                let q = select_literal(d, &s, params);
                if !params {
                    check_literal_shape(d, &q.0, &s)?;
                }
                let got = c
                    .strings(&q)
                    .map_err(|e| TestCaseError::fail(format!("{}: {e}", q.0)))?;
                prop_assert_eq!(&got, &vec![Some(s.clone())], "{} under {}", q.0, set);
                let sel = SqlOptions::new(d)
                    .table(&table)
                    .columns(["id"])
                    .params(params);
                for p in &preds {
                    for negated in [false, true] {
                        let p = match p {
                            Pred::Leaf(l) => {
                                let mut l = l.clone();
                                l.negated = negated;
                                Pred::Leaf(l)
                            }
                            other => other.clone(),
                        };
                        let want = sqldb::ids_where(&records, |r| eval::matches(&p, r));
                        let (q, got) = c.select_ids(&p, &sel)?;
                        prop_assert_eq!(
                            &got,
                            &want,
                            "{} {:?} under {}; rows {:?}",
                            q.sql(),
                            q.params(),
                            set,
                            rows
                        );
                        *checked.borrow_mut() += 1;
                    }
                }
            }
        }
        Ok(())
    });
    eprintln!("{d}: {} statements checked", checked.borrow());
}

sqldb::engine_tests!(run: sqlite_literals_round_trip, postgres_literals_round_trip, mysql_literals_round_trip);

#[test]
fn nul_is_rejected_in_every_dialect_and_mode() {
    for d in Dialect::ALL {
        for params in [false, true] {
            let p = leaf(Test::Eq(Scalar::Text("a\0b".into())));
            let errs = compile_where(&p, &SqlOptions::new(d).params(params))
                .expect_err("NUL must be rejected");
            assert!(matches!(errs[..], [SqlError::Nul { .. }]), "{errs:?}");
        }
    }
}

/// Column names are quoted identifiers that may hold `{}` (the backend's own template
/// marker), quotes and backslashes; with operands holding quotes too, every statement
/// must still read the right columns and return the rows `eval` matches, in every
/// dialect and mode.
fn braces_in_column_names(mut c: Conn) {
    let d = c.dialect();
    let names = [("v", "a{}b\"{}`'"), ("d", "d{}\"x"), ("tags", "t{}{}")];
    let kinds = [ColKind::Text, ColKind::Datetime, ColKind::JsonText];
    let types = [FieldType::Text, FieldType::Datetime, FieldType::Multiselect];
    let table = sqldb::table_name(&format!("braces_{d}"));
    let cols: Vec<Col> = names
        .iter()
        .zip(kinds)
        .map(|((_, col), kind)| Col {
            name: (*col).into(),
            kind,
        })
        .collect();
    c.create_table(&table, &cols).expect("table");
    let rows = [
        ("x\"}{a", "2022-01-01 08:00:00.000", r#"["{}", "b"]"#),
        ("ABC", "2022-01-02 08:00:00.000", r#"["a"]"#),
        ("", "", ""),
    ];
    let data: Vec<(i64, Vec<Cell>)> = rows
        .iter()
        .enumerate()
        .map(|(i, (v, dt, tags))| {
            let dt = if dt.is_empty() {
                Cell::EmptyDatetime
            } else {
                Cell::Datetime((*dt).into())
            };
            let tags = if tags.is_empty() {
                Cell::EmptyJson
            } else {
                Cell::Json((*tags).into())
            };
            (i as i64, vec![Cell::Text((*v).into()), dt, tags])
        })
        .collect();
    c.insert(&table, &cols, &data).expect("insert");
    let records: Vec<serde_json::Value> = rows
        .iter()
        .map(|(v, dt, tags)| {
            let dt = if dt.is_empty() {
                json!("")
            } else {
                json!(format!("{}+08:00", dt.replace(' ', "T")))
            };
            let tags: serde_json::Value = serde_json::from_str(tags).unwrap_or(json!(""));
            json!({"v": v, "d": dt, "tags": tags})
        })
        .collect();
    let field = |i: usize| {
        FieldRef::new(FieldInfo {
            name: names[i].0.into(),
            subform: None,
            ty: types[i],
            widget: None,
            column: names[i].1.into(),
            label: None,
        })
    };
    let at = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .expect("instant")
            .timestamp_millis()
    };
    let mut tests = Vec::new();
    for op in [TextOp::Contains, TextOp::StartsWith, TextOp::EndsWith] {
        for needle in ["\"}", "x\"", "{a", "B"] {
            tests.push((0, Test::Text(op, needle.into())));
        }
    }
    tests.push((0, Test::Eq(Scalar::Text("ABC".into()))));
    let range = |lo: Option<&str>, hi: Option<&str>| {
        Test::Range(filterql::ir::Range {
            lo: lo.map(|s| filterql::ir::Bound {
                value: Scalar::DateTime(at(s)),
                inclusive: true,
            }),
            hi: hi.map(|s| filterql::ir::Bound {
                value: Scalar::DateTime(at(s)),
                inclusive: false,
            }),
        })
    };
    tests.push((1, range(Some("2022-01-02T00:00:00+08:00"), None)));
    tests.push((1, range(None, Some("2022-01-02T00:00:00+08:00"))));
    tests.push((2, Test::HasAny(vec![Scalar::Text("{}".into())])));
    tests.push((2, Test::HasAll(vec![Scalar::Text("a".into())])));
    tests.push((2, Test::Empty));
    let sel = SqlOptions::new(d).table(&table).columns(["id"]);
    let mut failures = Vec::new();
    for (i, test) in tests {
        for negated in [false, true] {
            let p = Pred::leaf(field(i), test.clone(), negated, Span::default());
            let want = sqldb::ids_where(&records, |r| eval::matches(&p, r));
            c.check_pred(names[i].1, &p, &sel, &want, &mut failures);
        }
    }
    let _ = c.drop_table(&table);
    assert!(failures.is_empty(), "{d}:\n{}", failures.join("\n"));
}

sqldb::engine_tests!(braces_in_column_names: sqlite_braces_in_column_names, postgres_braces_in_column_names, mysql_braces_in_column_names);
