//! Masterdata fixtures, one case per file, against `tests/fixtures/masterdata/schema.json`
//! with the clock fixed at 2022-01-05T12:00:00+08:00.
//!
//! - `ok/*.fq`: a query the backend accepts; the snapshot holds the condition tree and
//!   the tree decompiled back to query text (which must compile again, to a tree of the
//!   same meaning on a set of records with empty values in every form).
//! - `err/*.fq`: a query the checker accepts and the backend refuses; the snapshot holds
//!   the diagnostics rendered at width 80 without colour.
//! - `decompile/ok/*.json`: a condition tree and its decompiled text (which must compile).
//! - `decompile/err/*.json`: a tree decompile refuses, with its errors.
//!
//! A first line `# tz: ±hh:mm` sets the query's time zone.

mod masterdata_sim;

use chrono::{DateTime, FixedOffset};
use filterql::schema::parse_offset;
use filterql::target::masterdata::{decompile, decompile_json, Condition, DecompileError};
use filterql::{Options, Query, Schema};
use masterdata_sim::md_sim;
use serde_json::{json, Value};
use std::path::Path;

fn schema() -> Schema {
    Schema::from_json(include_str!("fixtures/masterdata/schema.json")).unwrap()
}

fn options(text: &str) -> Options {
    let now: DateTime<FixedOffset> = "2022-01-05T12:00:00+08:00".parse().unwrap();
    let mut opts = Options::at(now);
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        if let Some(v) = line.strip_prefix("# tz:") {
            opts = opts.with_tz(parse_offset(v).expect("valid tz header"));
        }
    }
    opts
}

fn query(text: &str) -> Query {
    filterql::compile(text, &schema(), &options(text))
        .unwrap_or_else(|d| panic!("fixture does not compile:\n{}", d.render(80, false)))
}

/// Records with every top-level field the tree can test absent, null, "", [] or
/// filled with values near the fixtures' literals.
fn records() -> Vec<Value> {
    let fills: &[(&str, &[Value])] = &[
        (
            "amount",
            &[json!(0.1), json!(1), json!(5), json!(7), json!(1e21)],
        ),
        ("status", &[json!("a"), json!("c")]),
        (
            "name",
            &[
                json!("a"),
                json!("xaby"),
                json!("ab"),
                json!("中文"),
                json!("50%_\\"),
            ],
        ),
        ("note", &[json!("x"), json!("y")]),
        (
            "mobile",
            &[
                json!({"phone": "13900000000", "verified": true}),
                json!({"phone": ""}),
            ],
        ),
        (
            "due",
            &[
                json!("2021-12-31T15:59:59.999Z"),
                json!("2021-12-31T16:00:00Z"),
                json!("2022-01-01T05:00:00Z"),
                json!("2022-01-01T15:59:59.999Z"),
                json!("2022-01-02T04:59:59.999Z"),
                json!("2017-10-20T22:41:51.430Z"),
            ],
        ),
        ("owner", &[json!({"username": "li"}), json!("wang")]),
        ("team", &[json!({"dept_no": 3}), json!(4)]),
        ("code", &[json!("SN-1"), json!("SN-3")]),
        ("flowState", &[json!(0), json!(2)]),
        ("_id", &[json!("5f00"), json!("5f01")]),
        ("createTime", &[json!("2022-01-01T00:00:00Z")]),
        (
            "updateTime",
            &[json!("2022-01-05T03:00:00Z"), json!("2022-01-06T00:00:00Z")],
        ),
    ];
    let empties = [None, Some(Value::Null), Some(json!("")), Some(json!([]))];
    // One record per (field, value) with the others empty in a rotating form, plus
    // records filling every field with its n-th value.
    let mut out = Vec::new();
    for (i, (f, vals)) in fills.iter().enumerate() {
        for (j, v) in vals
            .iter()
            .chain([Value::Null, json!(""), json!([])].iter())
            .enumerate()
        {
            let mut r = serde_json::Map::new();
            for (k, (g, gvals)) in fills.iter().enumerate() {
                if k == i {
                    r.insert(f.to_string(), v.clone());
                } else if let Some(e) = &empties[(i + j + k) % empties.len()] {
                    r.insert(g.to_string(), e.clone());
                } else if (i + j + k) % 3 == 0 {
                    r.insert(g.to_string(), gvals[(i + j) % gvals.len()].clone());
                }
            }
            out.push(Value::Object(r));
        }
    }
    for n in 0..6 {
        let mut r = serde_json::Map::new();
        for (f, vals) in fills {
            r.insert(f.to_string(), vals[n % vals.len()].clone());
        }
        out.push(Value::Object(r));
    }
    out
}

/// The tree means what the query means on every test record.
fn assert_same_meaning(c: &Condition, q: &Query, tz: FixedOffset) {
    let s = schema();
    for r in records() {
        assert_eq!(
            md_sim(c, &r, &s, tz),
            filterql::eval::matches(q.pred(), &r),
            "record {r}\nquery {}\ntree {}",
            q.source(),
            c.to_json_pretty()
        );
    }
}

fn ok_case(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let q = query(&text);
    let c = q
        .to_masterdata()
        .unwrap_or_else(|d| panic!("backend refused:\n{}", d.render(80, false)));
    assert_same_meaning(&c, &q, q.tz());
    let back = decompile(&c, &schema(), q.tz())
        .unwrap_or_else(|e| panic!("decompile refused its own tree: {e:?}"))
        .to_string();
    // The decompiled text compiles and means the same again.
    let q2 = query(&back);
    assert_same_meaning(&c, &q2, q.tz());
    format!(
        "query: {}\ntree:\n{}\ndecompiled: {back}\n",
        text.trim_end(),
        c.to_json_pretty()
    )
}

fn err_case(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let q = query(&text);
    let diags = match q.to_masterdata() {
        Ok(c) => panic!("err fixture accepted: {}", c.to_json_pretty()),
        Err(d) => d,
    };
    assert!(diags.has_errors());
    for code in diags
        .to_json()
        .iter()
        .map(|d| d.code.clone().unwrap_or_default())
    {
        assert!(code.starts_with("filterql::masterdata::"), "{code}");
    }
    format!("query: {}\n\n{}", text.trim_end(), diags.render(80, false))
}

fn describe(errs: &[DecompileError]) -> String {
    let mut out = String::new();
    for e in errs {
        let code = miette::Diagnostic::code(e)
            .map(|c| c.to_string())
            .unwrap_or_default();
        out.push_str(&format!("{code}: {e}\n"));
        if let Some(h) = miette::Diagnostic::help(e) {
            out.push_str(&format!("  help: {h}\n"));
        }
    }
    out
}

fn tz() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap()
}

#[test]
fn ok_fixtures() {
    insta::glob!("fixtures/masterdata/ok/*.fq", |path| {
        insta::assert_snapshot!(ok_case(path));
    });
}

#[test]
fn err_fixtures() {
    insta::glob!("fixtures/masterdata/err/*.fq", |path| {
        insta::assert_snapshot!(err_case(path));
    });
}

#[test]
fn decompile_ok_fixtures() {
    insta::glob!("fixtures/masterdata/decompile/ok/*.json", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let e = decompile_json(&text, &schema(), tz())
            .unwrap_or_else(|e| panic!("refused:\n{}", describe(&e)));
        let back = e.to_string();
        let q = query(&back);
        let c = Condition::from_json(&text).unwrap();
        assert_same_meaning(&c, &q, tz());
        insta::assert_snapshot!(format!("tree: {}\ndecompiled: {back}\n", text.trim_end()));
    });
}

#[test]
fn decompile_err_fixtures() {
    insta::glob!("fixtures/masterdata/decompile/err/*.json", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let errs = match decompile_json(&text, &schema(), tz()) {
            Ok(e) => panic!("err fixture decompiled to {e}"),
            Err(errs) => errs,
        };
        insta::assert_snapshot!(format!("tree: {}\n\n{}", text.trim_end(), describe(&errs)));
    });
}
