//! Diagnostics at any size (issue 15, findings 3, 4 and 6; issue 13, finding 4): an
//! ambiguous label among 10⁵ fields, 10³ unknown names in a 10⁵-field form and 10⁵
//! duplicate schema names all report briefly, and the collection's Display, Clone and
//! Serialize say what went wrong.

use filterql::diagnostic::MAX_DIAGNOSTICS;
use filterql::schema::{Field, SchemaError};
use filterql::{compile, FieldType, Options, Schema};
use miette::Diagnostic;

fn opts() -> Options {
    Options::at("2024-05-01T12:00:00+08:00".parse().unwrap())
}

fn wide(n: usize, label: Option<&str>) -> Schema {
    Schema::new(
        (0..n)
            .map(|i| {
                let f = Field::new(format!("f{i}"), FieldType::Number);
                match label {
                    Some(l) => f.with_label(l),
                    None => f,
                }
            })
            .collect(),
    )
}

#[test]
fn an_ambiguous_label_lists_a_few_candidates_once() {
    let schema = wide(100_000, Some("X"));
    let query = vec!["X = 1"; 1_000].join(" || ");
    let d = compile(&query, &schema, &opts()).unwrap_err();
    assert_eq!(d.counts(), (1_000, 0));
    assert_eq!(d.len(), MAX_DIAGNOSTICS + 1);
    let first = d.get(0).unwrap();
    assert_eq!(
        first.to_string(),
        "`X` is ambiguous: 100000 fields carry this label"
    );
    assert_eq!(
        first.help().unwrap().to_string(),
        "write the field's name instead of its label: `f0`, `f1`, `f2`, `f3`, `f4` and 99995 more"
    );
    let json = serde_json::to_string(&d.to_json()).unwrap();
    assert!(json.len() < 32 * 1024, "{} bytes", json.len());
    assert!(d.render(80, false).len() < 32 * 1024);
}

#[test]
fn many_unknown_names_in_a_huge_form_are_reported_with_suggestions_for_the_first() {
    let schema = wide(100_000, None);
    let query = (0..1_000)
        .map(|i| format!("f{}x = 1", i * 97))
        .collect::<Vec<_>>()
        .join(" or ");
    let d = compile(&query, &schema, &opts()).unwrap_err();
    assert_eq!(d.counts(), (1_000, 0));
    let help = d.get(1).unwrap().help().unwrap().to_string();
    assert!(help.starts_with("did you mean `f97"), "{help}");
    let last = d.iter().last().unwrap();
    assert_eq!(last.to_string(), "… and 968 more errors");
    assert_eq!(
        miette::Diagnostic::code(last).unwrap().to_string(),
        "filterql::truncated"
    );
    // The closing item points at the first name left out.
    let at = query.find(&format!("f{}x", 32 * 97)).unwrap();
    assert_eq!(last.span().map(|s| s.start), Some(at));
}

#[test]
fn a_schema_with_100000_duplicate_names_reports_a_capped_list() {
    let fields: Vec<String> = (0..100_000)
        .map(|_| r#"{"name":"a","type":"text"}"#.to_owned())
        .collect();
    let json = format!(r#"{{"fields":[{}]}}"#, fields.join(","));
    let err = Schema::from_json(&json).unwrap_err();
    let SchemaError::Many { count, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(*count, 99_999);
    assert_eq!(err.problems().len(), MAX_DIAGNOSTICS);
    let message = err.to_string();
    assert!(message.len() < 8 * 1024, "{} bytes", message.len());
    assert!(
        message.ends_with("- … and 99967 more problems"),
        "{message}"
    );
}

#[test]
fn display_names_the_first_error_and_the_count() {
    let d = compile("nosuch = 1 and amount contains 5", &Schema::demo(), &opts()).unwrap_err();
    assert_eq!(d.to_string(), "unknown field `nosuch` (and 1 more error)");
    let all = format!("{d:#}");
    assert_eq!(all.lines().count(), 2, "{all}");
    assert!(all.starts_with("error[filterql::check::unknown_field]: unknown field `nosuch`"));
    // Through anyhow-style boxing the message survives.
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(d.clone());
    assert_eq!(boxed.to_string(), d.to_string());
    assert!(std::error::Error::source(&d).is_none());
    assert_eq!(d.source(), "nosuch = 1 and amount contains 5");
}

#[test]
fn diagnostics_serialize_with_their_positions() {
    let d = compile("😀x = 1", &Schema::demo(), &opts());
    // `😀` is not a letter: a syntax error at offset 0.
    let d = d.unwrap_err();
    let v = serde_json::to_value(&d).unwrap();
    assert_eq!(v["source"], "😀x = 1");
    let label = &v["diagnostics"][0]["labels"][0];
    assert_eq!(label["start"], 0);
    assert_eq!(
        label["end_utf16"].as_u64().unwrap() * 2,
        label["end"].as_u64().unwrap()
    );
    assert_eq!(v["diagnostics"], serde_json::to_value(d.to_json()).unwrap());
}
