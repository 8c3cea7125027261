//! Snapshot fixtures of the jdy backend: `tests/fixtures/jdy/{ok,err,pushdown}/*.fq`, one
//! query per file, against the shared `tests/fixtures/jdy/schema.json`.
//!
//! - `ok/`: strict compilation succeeds; the snapshot is the filter JSON.
//! - `err/`: the query checks but jdy rejects it; the snapshot is the diagnostics
//!   (no colour, width 80). A case that compiles fails the test.
//! - `pushdown/`: the `--pushdown` output (filter and residual text).

mod support;

use filterql::target::jdy;
use filterql::{FieldType, Options, Query, Schema};
use std::path::Path;

fn schema() -> Schema {
    Schema::from_json(include_str!("fixtures/jdy/schema.json")).expect("fixture schema loads")
}

fn query(path: &Path) -> Query {
    let text = std::fs::read_to_string(path).expect("fixture readable");
    let clock = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00+08:00").unwrap();
    filterql::compile(&text, &schema(), &Options::at(clock)).unwrap_or_else(|d| {
        panic!(
            "{} does not check:\n{}",
            path.display(),
            d.render(80, false)
        )
    })
}

#[test]
fn strict_ok() {
    insta::glob!("fixtures/jdy/ok/*.fq", |path| {
        let q = query(path);
        let f = q
            .to_jdy()
            .unwrap_or_else(|d| panic!("{} is rejected:\n{}", path.display(), d.render(80, false)));
        insta::assert_snapshot!(format!("{}\n{}", q.source().trim_end(), f.to_json_pretty()));
    });
}

#[test]
fn strict_err() {
    insta::glob!("fixtures/jdy/err/*.fq", |path| {
        let q = query(path);
        match q.to_jdy() {
            Ok(f) => panic!(
                "{} should be rejected but compiles to {}",
                path.display(),
                f.to_json_pretty()
            ),
            Err(d) => {
                assert!(d.has_errors());
                assert!(d.to_json().iter().all(|j| j
                    .code
                    .as_deref()
                    .is_some_and(|c| c.starts_with("filterql::jdy::"))));
                insta::assert_snapshot!(d.render(80, false));
            }
        }
    });
}

#[test]
fn pushdown() {
    insta::glob!("fixtures/jdy/pushdown/*.fq", |path| {
        let q = query(path);
        let plan = q.to_jdy_pushdown();
        // The residual text must compile back to the residual predicate's meaning.
        if let Some(r) = plan.residual().filter(|_| !plan.is_unsatisfiable()) {
            let text = r.to_string();
            let back = filterql::compile(&text, &schema(), &Options::at(q_clock()))
                .unwrap_or_else(|d| panic!("residual `{text}`: {}", d.render(80, false)));
            assert_eq!(
                back.pred(),
                &filterql::normalize::normalize(r.pred().clone()),
                "{text}"
            );
        }
        assert_eq!(
            plan.to_json(),
            serde_json::to_string(&plan).unwrap(),
            "{}",
            path.display()
        );
        let json = serde_json::to_string_pretty(&plan).expect("serializes");
        insta::assert_snapshot!(format!("{}\n{}", q.source().trim_end(), json));
    });
}

fn q_clock() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00+08:00").unwrap()
}

#[test]
fn fixture_schema_has_every_field_type() {
    let s = schema();
    for ty in FieldType::ALL.iter().copied() {
        assert!(s.fields().iter().any(|f| f.ty == ty), "no {ty} field");
    }
    let _ = jdy::MAX_VALUES;
}
