//! Differential test of the SQL backend against `filterql::eval` on real engines.
//!
//! Generated records (`support::arb_record`) are stored as rows of a table laid out by
//! the storage model; generated predicates over the test schema's top-level fields are
//! compiled for the engine in both modes (inline literals and parameters), executed,
//! and the returned ids must equal the ids of the records `eval` matches.
//!
//! Each proptest case loads one batch of records and runs a batch of predicates over
//! it, so a case costs one round of inserts and many queries. `PROPTEST_CASES` sets the
//! number of batches (default 128, i.e. 128 × 24 predicates × 2 modes = 6144 statements
//! per engine).

mod sqldb;
mod support;

use filterql::eval;
use filterql::ir::Pred;
use filterql::target::sql::{Dialect, Select, SqlOptions};
use filterql::FieldType;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use sqldb::Conn;
use std::cell::RefCell;

/// Predicates per batch of records.
const PREDS_PER_CASE: usize = 24;

/// The top-level fields of the test schema that have a column (everything but the
/// subform), with their types.
fn table_fields() -> Vec<(String, FieldType)> {
    support::schema()
        .fields
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
    let strategy = (
        support::arb_records(),
        prop::collection::vec(arb_pred(), PREDS_PER_CASE),
    );
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let compared = RefCell::new(0usize);
    let result = runner.run(&strategy, |(records, preds)| {
        let mut c = conn.borrow_mut();
        c.clear(&table)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut stored = Vec::new();
        let mut rows = Vec::new();
        for (i, r) in records.iter().enumerate() {
            let (kept, cells) = sqldb::to_row(&fields, r, tz);
            stored.push(kept);
            rows.push((i as i64, cells));
        }
        c.insert(&table, &cols, &rows)
            .map_err(|e| TestCaseError::fail(format!("insert: {e}")))?;
        let mut select = Select::new(&table);
        select.columns = vec!["id".into()];
        for p in &preds {
            let want: Vec<i64> = stored
                .iter()
                .enumerate()
                .filter(|(_, r)| eval::matches(p, r))
                .map(|(i, _)| i as i64)
                .collect();
            for params in [false, true] {
                let opts = SqlOptions { tz, params };
                let q = select
                    .render(p, dialect, &opts)
                    .map_err(|e| TestCaseError::fail(format!("{p:?} rejected: {e:?}")))?;
                let got = c
                    .ids(&q)
                    .map_err(|e| TestCaseError::fail(format!("{}: {e}", q.sql)))?;
                prop_assert_eq!(
                    &got,
                    &want,
                    "{} {:?}\npred {:?}\nrecords {}",
                    q.sql,
                    q.params,
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

#[test]
fn sqlite_agrees_with_eval() {
    run_engine(sqldb::sqlite());
}

#[test]
fn postgres_agrees_with_eval() {
    if let Some(c) = sqldb::connect(Dialect::Postgres) {
        run_engine(c);
    }
}

#[test]
fn mysql_agrees_with_eval() {
    if let Some(c) = sqldb::connect(Dialect::Mysql) {
        run_engine(c);
    }
}
