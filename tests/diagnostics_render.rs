//! `Diagnostics::render` on hostile and huge inputs (issue 15, findings 7 and 9): it
//! never panics, stays small around long lines, and never lets a control character
//! through to the terminal.

use filterql::schema::{Field, FieldType};
use filterql::{compile, Diagnostics, Options, Schema};
use proptest::prelude::*;

fn opts() -> Options {
    Options::at("2024-05-01T12:00:00+08:00".parse().unwrap())
}

fn rejected(query: &str, schema: &Schema) -> Diagnostics {
    compile(query, schema, &opts()).expect_err("rejected")
}

/// What a terminal must never receive raw: every control character but the line feed,
/// and the bidirectional controls.
fn raw_hostile(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
    })
}

#[test]
fn a_label_past_column_65535_renders_without_panicking() {
    let query = format!("name = \"{}\" and zzz = 1", "x".repeat(70_000));
    let d = rejected(&query, &Schema::demo());
    let out = d.render(80, false);
    assert!(out.contains("zzz = 1"), "{out}");
    let column = query.find("zzz").unwrap() + 1;
    assert!(out.contains(&format!("query:1:{column}")), "{out}");
    assert!(out.len() < 4_000, "{} bytes", out.len());
}

#[test]
fn a_label_longer_than_a_screen_is_shown_by_its_start() {
    let long = "x".repeat(100_000);
    for query in [
        format!("amount = \"{long}\""),
        format!("amount = \"{}\"", "line\n".repeat(20_000)),
        format!(
            "{long} = 1 and amount = \"{long}\" and `{}` = 2",
            "y\n".repeat(5_000)
        ),
    ] {
        let out = rejected(&query, &Schema::demo()).render(80, false);
        assert!(out.contains("amount"), "{out}");
        assert!(out.len() < 20_000, "{} bytes:\n{}", out.len(), &out[..2000]);
    }
}

#[test]
fn many_errors_on_one_huge_line_render_briefly() {
    let query = (0..30_000)
        .map(|i| format!("nosuch{i} = {i}"))
        .collect::<Vec<_>>()
        .join(" or ");
    let d = rejected(&query, &Schema::demo());
    assert_eq!(d.counts(), (30_000, 0));
    let out = d.render(80, false);
    assert!(out.contains("… and 29968 more errors"), "{out}");
    assert!(out.len() < 60_000, "{} bytes", out.len());
}

#[test]
fn control_characters_in_the_query_are_shown_escaped() {
    let query =
        "`a\u{1b}]0;owned\u{7}b\u{0}\u{202e}c` = 1 and amount = \"\u{1b}[2J\" and\r x\u{85} = 2";
    let d = rejected(query, &Schema::demo());
    for color in [false, true] {
        let out = d.render(80, color);
        if !color {
            assert_eq!(raw_hostile(&out), None, "{out:?}");
        }
        assert!(
            out.contains(r"a\u{1b}]0;owned\u{7}b\u{0}\u{202e}c"),
            "{out}"
        );
        assert!(out.contains(r#""\u{1b}[2J""#), "{out}");
        assert!(out.contains(r"and\u{d} x\u{85}"), "{out}");
    }
    // With colour, the only ESC bytes are miette's own SGR sequences (`ESC [ ... m`).
    let coloured = d.render(80, true);
    for (i, _) in coloured.match_indices('\u{1b}') {
        let rest = &coloured[i + 1..];
        let sgr = rest.starts_with('[')
            && rest[1..]
                .chars()
                .take_while(|&c| c != 'm')
                .all(|c| c.is_ascii_digit() || c == ';');
        assert!(sgr, "{:?}", &rest[..rest.len().min(20)]);
    }
}

#[test]
fn control_characters_in_schema_names_are_shown_escaped() {
    let evil = "\u{1b}[31mred\u{202e}";
    let mut fields = vec![Field::new("a", FieldType::Number).with_label(evil)];
    fields.push(Field::new("b", FieldType::Number).with_label(evil));
    fields.push(Field::new(format!("x{evil}"), FieldType::Number));
    let schema = Schema::new(fields);
    // Ambiguous label, and a suggestion naming the hostile field.
    let query = format!("`{evil}` = 1 and `y{evil}` = 2");
    let out = rejected(&query, &schema).render(80, false);
    assert_eq!(raw_hostile(&out), None, "{out:?}");
    assert!(out.contains(r"\u{1b}[31mred\u{202e}"), "{out}");
    assert!(out.contains(r"or `x\u{1b}[31mred\u{202e}`?"), "{out}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Long lines, hostile characters, many lines: rendering never panics, shows no raw
    /// control character, and stays within a bound per item whatever the input's size.
    #[test]
    fn rendering_is_total_and_bounded(
        pad in prop::sample::select(vec![0usize, 10, 159, 161, 1_000, 65_530, 70_000]),
        pieces in prop::collection::vec(
            prop::sample::select(vec![
                "x", " ", "\n", "\r\n", "\r", "\t", "\u{1b}", "\u{0}", "\u{202e}", "班",
                "𠀀", "\"", "`", "=", "and ", "or ", "nosuch", "amount", "1", "\u{85}",
            ]),
            0..40,
        ),
        at_end in any::<bool>(),
    ) {
        let tail: String = pieces.concat();
        let padding = "y".repeat(pad);
        let query = if at_end {
            format!("amount = 1 and {tail} zz{padding} = 1")
        } else {
            format!("{padding} = 1 {tail} and amount = \"{tail}\"")
        };
        if let Err(d) = compile(&query, &Schema::demo(), &opts()) {
            let out = d.render(100, false);
            prop_assert_eq!(raw_hostile(&out), None);
            prop_assert!(out.len() < 6_000 * d.len(), "{} bytes for {} items", out.len(), d.len());
        }
    }
}

/// Found by the `parse` fuzz target: a clipped window cut between `\r` and `\n` left a
/// raw carriage return in the rendering.
#[test]
fn a_window_cut_inside_crlf_leaves_no_carriage_return() {
    let text = std::fs::read_to_string("tests/fixtures/render/crlf_cut.fq").unwrap();
    let d = filterql::syntax::parse(&text).unwrap_err();
    let out = d.render(80, false);
    assert_eq!(raw_hostile(&out), None, "{out:?}");
}
