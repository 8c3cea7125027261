//! Checker fixtures: `tests/fixtures/check/{ok,err}/*.fq`, one query per file, checked
//! against `tests/fixtures/check/schema.json` with the clock fixed at
//! 2024-05-01T12:00:00+08:00 (a Wednesday).
//!
//! Header comments (the language's own `#` comments, so a file is a valid query) change
//! the setting: `# schema: none` (no-schema mode) or `# schema: demo`, `# tz: -05:00`.
//!
//! `ok/` snapshots the checker's IR (before normalization, so the snapshots pin the
//! checker alone) in a readable form: datetimes as UTC instants. `err/` snapshots the
//! diagnostics rendered at width 80 without colour, after asserting the case really
//! fails and only with check diagnostics (not syntax errors).

use chrono::{DateTime, FixedOffset, SecondsFormat};
use filterql::check::check;
use filterql::ir::{Bound, Pred, Scalar, Test};
use filterql::schema::parse_offset;
use filterql::{Diagnostics, Options, Schema};
use std::fmt::Write as _;

fn setting(text: &str) -> (Schema, Options) {
    let mut schema = Schema::from_json(include_str!("fixtures/check/schema.json")).unwrap();
    let now: DateTime<FixedOffset> = "2024-05-01T12:00:00+08:00".parse().unwrap();
    let mut opts = Options::at(now);
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        if let Some(v) = line.strip_prefix("# schema:") {
            schema = match v.trim() {
                "none" => Schema::none(),
                "demo" => Schema::demo(),
                other => panic!("unknown schema header {other}"),
            };
        } else if let Some(v) = line.strip_prefix("# tz:") {
            opts = opts.with_tz(parse_offset(v).expect("valid tz header"));
        }
    }
    (schema, opts)
}

fn run(text: &str) -> (Option<Pred>, Diagnostics) {
    let (schema, opts) = setting(text);
    let ast = filterql::syntax::parse(text)
        .unwrap_or_else(|d| panic!("fixture does not parse:\n{}", d.render(80, false)));
    let mut diags = Diagnostics::new(text);
    let pred = check(&ast, &schema, &opts, &mut diags);
    (pred, diags)
}

fn scalar(s: &Scalar) -> String {
    match s {
        Scalar::Text(t) => format!("{t:?}"),
        Scalar::Number(n) => format!("{n}"),
        Scalar::DateTime(ms) => match DateTime::from_timestamp_millis(*ms) {
            Some(d) => d.to_rfc3339_opts(SecondsFormat::Millis, true),
            None => format!("<bad instant {ms}>"),
        },
        Scalar::Bool(b) => format!("{b}"),
    }
}

fn list(v: &[Scalar]) -> String {
    v.iter().map(scalar).collect::<Vec<_>>().join(", ")
}

fn bound(b: &Option<Bound>, lo: bool) -> String {
    match b {
        None => "..".to_owned(),
        Some(b) => {
            let (open, close) = if lo { ("(", "[") } else { (")", "]") };
            let mark = if b.inclusive { close } else { open };
            if lo {
                format!("{mark}{}", scalar(&b.value))
            } else {
                format!("{}{mark}", scalar(&b.value))
            }
        }
    }
}

fn test(t: &Test) -> String {
    match t {
        Test::Eq(v) => format!("= {}", scalar(v)),
        Test::In(v) => format!("in ({})", list(v)),
        Test::Range(r) => format!("range {}, {}", bound(&r.lo, true), bound(&r.hi, false)),
        Test::Empty => "is empty".to_owned(),
        Test::Verified => "verified".to_owned(),
        Test::Unverified => "unverified".to_owned(),
        Test::Text(op, s) => format!("{op:?} {s:?}"),
        Test::HasAny(v) => format!("has any ({})", list(v)),
        Test::HasAll(v) => format!("has all ({})", list(v)),
    }
}

fn show(p: &Pred, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    match p {
        Pred::True => writeln!(out, "{pad}true").unwrap(),
        Pred::False => writeln!(out, "{pad}false").unwrap(),
        Pred::And(ps) | Pred::Or(ps) => {
            let word = if matches!(p, Pred::And(_)) {
                "and"
            } else {
                "or"
            };
            writeln!(out, "{pad}{word}").unwrap();
            for q in ps {
                show(q, indent + 1, out);
            }
        }
        Pred::Not(q) => {
            writeln!(out, "{pad}not").unwrap();
            show(q, indent + 1, out);
        }
        Pred::Leaf(l) => {
            let f = &l.field;
            let name = match &f.subform {
                Some(s) => format!("{s}.{}", f.name),
                None => f.name.clone(),
            };
            let neg = if l.negated { "NOT " } else { "" };
            writeln!(
                out,
                "{pad}{neg}{name} ({}, column {}) {}",
                f.ty,
                f.column,
                test(&l.test)
            )
            .unwrap();
        }
    }
}

#[test]
fn ok_fixtures() {
    insta::glob!("fixtures/check/ok/*.fq", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let (pred, diags) = run(&text);
        let pred = pred
            .unwrap_or_else(|| panic!("{} rejected:\n{}", path.display(), diags.render(80, false)));
        assert!(!diags.has_errors());
        let mut out = String::new();
        show(&pred, 0, &mut out);
        if !diags.is_empty() {
            out.push_str("\n--- warnings ---\n");
            out.push_str(&diags.render(80, false));
        }
        insta::assert_snapshot!(out);
    });
}

#[test]
fn err_fixtures() {
    insta::glob!("fixtures/check/err/*.fq", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let (pred, diags) = run(&text);
        assert!(pred.is_none(), "{} was accepted: {pred:?}", path.display());
        assert!(diags.has_errors(), "{}: no error", path.display());
        for d in diags.to_json() {
            let code = d.code.unwrap_or_default();
            assert!(
                code.starts_with("filterql::check::"),
                "{}: {code}",
                path.display()
            );
            assert!(d.help.is_some(), "{}: no help for {code}", path.display());
            assert_eq!(
                d.labels.iter().filter(|l| l.primary).count(),
                1,
                "{}: {code} needs one primary label",
                path.display()
            );
        }
        insta::assert_snapshot!(diags.render(80, false));
    });
}
