//! Hostile characters in text people read (issue 15, finding 9): `fmt` and the
//! decompilers print control and bidi characters in field names and strings as
//! `\u{..}` escapes, and the printed text reads back to the same names.

use filterql::schema::{Field, FieldType};
use filterql::syntax::parse;
use filterql::target::{jdy, masterdata};
use filterql::Schema;
use miette::Diagnostic;
use proptest::prelude::*;

/// Control characters (but not the line feed of a multi-line query, which the parser
/// treats as a space between tokens) and bidirectional controls.
fn raw_hostile(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        c.is_control()
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
    })
}

#[test]
fn fmt_escapes_control_characters_in_field_names_and_reads_back() {
    let text = "`a\u{1b}[31m\u{0}\n\t\u{202e}b` = \"x\u{202e}\u{1b}\"";
    let ast = parse(text).unwrap();
    let printed = ast.to_string();
    assert_eq!(raw_hostile(&printed), None, "{printed:?}");
    assert_eq!(
        printed,
        r#"`a\u{001B}[31m\u{0000}\u{000A}\u{0009}\u{202E}b` = "x\u{202E}\u{001B}""#
    );
    assert_eq!(parse(&printed).unwrap(), ast);
}

#[test]
fn a_backslash_that_would_start_an_escape_is_itself_escaped() {
    // `\u{41}` typed as an escape is `A`; a name holding the six characters `\u{41}`
    // prints its backslash escaped.
    let escaped = parse(r"`\u{41}` is empty").unwrap();
    assert_eq!(escaped, parse("A is empty").unwrap());
    let ast = parse(r"`\u{5c}u{41}` is empty").unwrap();
    let printed = ast.to_string();
    assert_eq!(printed, r"`\u{5C}u{41}` is empty");
    assert_eq!(parse(&printed).unwrap(), ast);
    // Other backslashes stand for themselves, as before.
    let plain = parse(r"`a\b\n` is empty").unwrap();
    assert_eq!(plain.to_string(), r"`a\b\n` is empty");
}

#[test]
fn a_bad_escape_in_a_field_name_is_a_diagnostic() {
    for (text, escape) in [
        (r"`a\u{zz}` = 1", r"`\u{`"),
        (r"`a\u{110000}` = 1", r"`\u{110000}`"),
        (r"`a\u{1234567}b` = 1", r"`\u{123456`"),
    ] {
        let d = parse(text).unwrap_err();
        let e = d.get(0).unwrap();
        assert_eq!(
            e.code().unwrap().to_string(),
            "filterql::syntax::invalid_field_escape",
            "{text}"
        );
        assert_eq!(
            e.to_string(),
            format!("invalid escape {escape} in a field name")
        );
        let span = e.span().unwrap();
        assert_eq!(&text[span.start..span.end], &escape[1..escape.len() - 1]);
    }
}

#[test]
fn decompiled_jdy_filters_print_hostile_names_escaped() {
    let name = "w\u{1b}]0;t\u{7}\u{202e}";
    let filter = serde_json::json!({
        "rel": "and",
        "cond": [{"field": name, "type": "text", "method": "eq", "value": ["v\u{1b}"]}]
    });
    let f = jdy::JdyFilter::from_json(&filter.to_string()).unwrap();
    let text = jdy::decompile(&f, None).unwrap().to_string();
    assert_eq!(raw_hostile(&text), None, "{text:?}");
    assert_eq!(text, r#"`w\u{001B}]0;t\u{0007}\u{202E}` = "v\u{001B}""#);
    assert_eq!(parse(&text).unwrap(), jdy::decompile(&f, None).unwrap());
}

#[test]
fn decompiled_masterdata_conditions_print_hostile_names_escaped() {
    let name = "c\u{1b}[2J\u{85}";
    let schema = Schema::new(vec![Field::new(name, FieldType::Text)]);
    let cond = serde_json::json!({"col": name, "op": "EQUAL", "value": "x"}).to_string();
    let tz = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let expr = masterdata::decompile_json(&cond, &schema, tz).unwrap();
    let text = expr.to_string();
    assert_eq!(raw_hostile(&text), None, "{text:?}");
    assert_eq!(text, r#"`c\u{001B}[2J\u{0085}` = "x""#);
    assert_eq!(parse(&text).unwrap(), expr);
}

proptest! {
    /// Any name, written entirely in escapes, prints without a raw hostile character
    /// and reads back to the same tree.
    #[test]
    fn any_field_name_prints_safely_and_reads_back(name in "\\PC*[\\x00-\\x1f\\x7f-\\x9f\\u{202a}-\\u{202e}\\\\`]\\PC*") {
        let escaped: String = name.chars().map(|c| format!("\\u{{{:x}}}", u32::from(c))).collect();
        let ast = parse(&format!("`{escaped}` is empty")).unwrap();
        let printed = ast.to_string();
        prop_assert_eq!(raw_hostile(&printed), None);
        prop_assert_eq!(parse(&printed).unwrap(), ast);
    }
}
