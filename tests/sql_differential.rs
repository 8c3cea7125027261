//! Differential test of the SQL backend against `filterql::eval` on real engines.
//!
//! Generated records (`support::arb_record`) are stored as rows of a table laid out by
//! the storage model; generated predicates over the test schema's top-level fields are
//! compiled for the engine in both modes (inline literals and parameters), executed,
//! and the returned ids must equal the ids of the records `eval` matches.
//!
//! Array fields get extra items `eval` does not count (`""`, `null`, numbers in text
//! arrays, strings in number arrays, `{}`, `true`), sometimes as their only items, and
//! their cells are written in each [`JsonStyle`] (plain UTF-8, ASCII with `\uXXXX`,
//! everything escaped), so emptiness and `has` are pinned against JSON as any writer
//! stores it.
//!
//! Each proptest case loads one batch of records and runs a batch of predicates over
//! it, so a case costs one round of inserts and many queries. `PROPTEST_CASES` sets the
//! number of batches (default 128, i.e. 128 × 24 predicates × 2 modes = 6144 statements
//! per engine).

mod sqldb;
mod support;

use filterql::eval;
use filterql::ir::Pred;
use filterql::target::sql::{compile_select, SqlOptions};
use filterql::FieldType;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;
use sqldb::{Conn, JsonStyle};
use std::cell::RefCell;

/// Predicates per batch of records.
const PREDS_PER_CASE: usize = 24;

/// The top-level fields of the test schema that have a column (everything but the
/// subform), with their types.
fn table_fields() -> Vec<(String, FieldType)> {
    support::schema()
        .into_fields()
        .into_iter()
        .filter(|f| f.ty != FieldType::Subform)
        .map(|f| (f.name, f.ty))
        .collect()
}

/// A leaf over a top-level field (support's `arb_test`, so the same pools as records).
fn arb_leaf() -> BoxedStrategy<Pred> {
    let paths: Vec<String> = table_fields().into_iter().map(|(n, _)| n).collect();
    prop::sample::select(paths)
        .prop_flat_map(|path| {
            let f = support::field_ref(&path);
            (support::arb_test(&path, f.ty), any::<bool>()).prop_map(move |(test, negated)| {
                Pred::leaf(f.clone(), test, negated, filterql::Span::default())
            })
        })
        .boxed()
}

/// Predicates with `And`/`Or`/`Not` nesting and the occasional constant, as the
/// backend must accept any `Pred`, normalized or not.
fn arb_pred() -> BoxedStrategy<Pred> {
    prop_oneof![
        12 => arb_leaf(),
        1 => Just(Pred::True),
        1 => Just(Pred::False),
    ]
    .prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Pred::And),
            prop::collection::vec(inner.clone(), 1..4).prop_map(Pred::Or),
            inner.prop_map(|p| Pred::Not(Box::new(p))),
        ]
    })
    .boxed()
}

/// Items no array field counts (in the shapes `eval` ignores for every array type).
const JUNK: &[&str] = &[r#""""#, "null", "1", r#""1""#, "{}", "true", "[]"];

/// How a record is decorated before it is stored: the JSON style of its array cells,
/// and junk items added to each array field (`None`: the field is left as generated).
type Decoration = (usize, Vec<Option<Vec<&'static str>>>);

fn arb_decoration(arrays: usize) -> BoxedStrategy<Decoration> {
    (
        0..JsonStyle::ALL.len(),
        prop::collection::vec(
            prop::option::weighted(0.3, prop::sample::subsequence(JUNK, 1..3)),
            arrays,
        ),
    )
        .boxed()
}

/// The array fields of the table.
fn array_fields() -> Vec<String> {
    table_fields()
        .into_iter()
        .filter(|(_, ty)| {
            matches!(
                ty,
                FieldType::Multiselect | FieldType::Usergroup | FieldType::Deptgroup
            )
        })
        .map(|(n, _)| n)
        .collect()
}

/// `record` with the junk of `deco` appended to its arrays (an absent or empty-form
/// array becomes an array of junk alone).
fn decorate(record: &Value, deco: &Decoration) -> Value {
    let mut r = record.clone();
    let Some(obj) = r.as_object_mut() else {
        return r;
    };
    for (name, junk) in array_fields().iter().zip(&deco.1) {
        let Some(junk) = junk else { continue };
        let mut items = match obj.get(name) {
            Some(Value::Array(a)) => a.clone(),
            _ => Vec::new(),
        };
        for j in junk {
            items.push(serde_json::from_str(j).unwrap_or(Value::Null));
        }
        obj.insert(name.clone(), Value::Array(items));
    }
    r
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(128)
}

fn run_engine(conn: Conn) {
    let dialect = conn.dialect();
    let fields = table_fields();
    let cols = sqldb::columns(&fields);
    let table = sqldb::table_name(&format!("diff_{dialect}"));
    let conn = RefCell::new(conn);
    conn.borrow_mut()
        .create_table(&table, &cols)
        .expect("create table");
    let tz = support::tz();
    let arrays = array_fields().len();
    assert!(arrays > 0, "the test schema has array fields");
    let strategy = (
        support::arb_records(),
        prop::collection::vec(arb_decoration(arrays), 12),
        prop::collection::vec(arb_pred(), PREDS_PER_CASE),
    );
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let compared = RefCell::new(0usize);
    let result = runner.run(&strategy, |(records, decos, preds)| {
        let mut c = conn.borrow_mut();
        c.clear(&table)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut stored = Vec::new();
        let mut rows = Vec::new();
        for (i, (r, deco)) in records.iter().zip(decos.iter().cycle()).enumerate() {
            let style = JsonStyle::ALL[deco.0];
            let (kept, cells) = sqldb::to_row_styled(&fields, &decorate(r, deco), tz, style);
            stored.push(kept);
            rows.push((i as i64, cells));
        }
        c.insert(&table, &cols, &rows)
            .map_err(|e| TestCaseError::fail(format!("insert: {e}")))?;
        let select = SqlOptions::new(dialect).table(&table).columns(["id"]);
        for p in &preds {
            let want: Vec<i64> = stored
                .iter()
                .enumerate()
                .filter(|(_, r)| eval::matches(p, r))
                .map(|(i, _)| i as i64)
                .collect();
            for params in [false, true] {
                let opts = select.clone().tz(tz).params(params);
                let q = compile_select(p, &opts)
                    .map_err(|e| TestCaseError::fail(format!("{p:?} rejected: {e:?}")))?;
                let got = c
                    .ids(&q)
                    .map_err(|e| TestCaseError::fail(format!("{}: {e}", q.sql())))?;
                prop_assert_eq!(
                    &got,
                    &want,
                    "{} {:?}\npred {:?}\nrecords {}",
                    q.sql(),
                    q.params(),
                    p,
                    serde_json::to_string(&stored).unwrap_or_default()
                );
                *compared.borrow_mut() += 1;
            }
        }
        Ok(())
    });
    let _ = conn.borrow_mut().drop_table(&table);
    if let Err(e) = result {
        panic!("{dialect}: {e}");
    }
    let n = *compared.borrow();
    eprintln!("{dialect}: {n} statements agreed with eval");
    assert!(n > 0);
}

sqldb::engine_tests!(run_engine: sqlite_agrees_with_eval, postgres_agrees_with_eval, mysql_agrees_with_eval);
