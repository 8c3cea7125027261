//! Human rendering of diagnostics. Query diagnostics are drawn by the library
//! ([`Diagnostics::render`], [`Diagnostics::render_in`]: long lines clipped around each
//! label, terminal controls escaped); the CLI adds where the query came from, so that
//! the headers say `[query:1:4]`, `[<stdin>:5:4]` or `[filter.fq:2:7]`. Its own
//! failures (usage, input) are drawn here, cleaned the same way (see [`crate::safe`]).

use crate::safe::Clean;
use filterql::Diagnostics;
use miette::{GraphicalReportHandler, GraphicalTheme};

/// Where a query was read from, for the `[name:line:column]` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place<'a> {
    /// `query` for an argument, `<stdin>` or a file name.
    pub name: &'a str,
    /// The line of the input the query's first line is (1-based).
    pub first_line: usize,
}

impl Place<'static> {
    /// A query given as a command-line argument or typed at the shell.
    pub const QUERY: Place<'static> = Place {
        name: "query",
        first_line: 1,
    };
}

/// Every item of `diags`, rustc-style, at `width` columns.
pub fn render(diags: &Diagnostics, width: usize, color: bool) -> String {
    diags.render(width, color)
}

/// Every item of `diags`, rustc-style, at `width` columns, located at `place`. Items
/// without a position in the query are prefixed with `name:line: ` (except for a query
/// given on its own) so that a batch still says which line they are about.
pub fn render_at(diags: &Diagnostics, width: usize, color: bool, place: Place<'_>) -> String {
    if place == Place::QUERY {
        diags.render(width, color)
    } else {
        diags.render_in(place.name, place.first_line, width, color)
    }
}

/// Any other diagnostic (a usage or input failure), cleaned.
pub fn render_other(d: &dyn miette::Diagnostic, width: usize, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = handler.render_report(&mut out, &Clean::of(d));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use filterql::{Options, Schema};

    fn diags(query: &str) -> Diagnostics {
        let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
        filterql::compile(query, &Schema::demo(), &opts).expect_err("rejected")
    }

    #[test]
    fn a_long_line_is_clipped_around_the_error() {
        let values: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
        let query = format!(
            "amount in ({}) and nosuch = 2 and amount in ({})",
            values.join(", "),
            values.join(", ")
        );
        let clipped = render(&diags(&query), 80, false);
        assert!(clipped.len() < 2_000, "{clipped}");
        assert!(clipped.contains("nosuch = 2"), "{clipped}");
        assert!(
            clipped.contains("did you mean") || clipped.contains("unknown field"),
            "{clipped}"
        );
        // The header still points at the real column.
        let col = query.find("nosuch").unwrap() + 1;
        assert!(clipped.contains(&format!("query:1:{col}")), "{clipped}");
    }

    #[test]
    fn controls_are_escaped_and_the_header_counts_characters_of_the_query_as_written() {
        let query = "amount > 1 and `\u{1b}]0;x\u{7}班` = 1 and nosuch = 2";
        let out = render(&diags(query), 80, false);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
        assert!(out.contains("\\u{1b}]0;x\\u{7}"), "{out}");
        // `nosuch` is character 32 of the query as written.
        let col = query[..query.find("nosuch").unwrap()].chars().count() + 1;
        assert!(out.contains(&format!("[query:1:{col}]")), "{out}");
        // The underline is under `nosuch` in the escaped line.
        let lines: Vec<&str> = out.lines().collect();
        let i = lines
            .iter()
            .rposition(|l| l.contains("nosuch = 2") && l.contains('│'))
            .unwrap();
        let width = |s: &str| crate::repl::display_width(s);
        let at = width(&lines[i][..lines[i].find("nosuch").unwrap()]);
        let under = lines[i + 1];
        let mark = width(&under[..under.find('─').unwrap()]);
        assert_eq!(at, mark, "{out}");
    }

    #[test]
    fn a_batch_line_is_named_in_the_header() {
        let d = diags("数量 = 1 and 金额x = 1");
        let out = render_at(
            &d,
            80,
            false,
            Place {
                name: "<stdin>",
                first_line: 5,
            },
        );
        assert!(out.contains("[<stdin>:5:"), "{out}");
        assert!(out.contains(" 5 │ 数量"), "{out}");
    }

    #[test]
    fn clipping_respects_multibyte_characters() {
        let padding = "班".repeat(400);
        let query = format!("class = \"{padding}\" and 错误字段 = 1 and class = \"{padding}\"");
        let clipped = render(&diags(&query), 80, false);
        assert!(clipped.contains("错误字段"), "{clipped}");
        assert!(clipped.len() < 2_000, "{clipped}");
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use filterql::{Options, Schema};
    use proptest::prelude::*;

    fn hostile() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("amount > 1".to_owned()),
                Just(" and ".to_owned()),
                Just(" or ".to_owned()),
                Just("班级".to_owned()),
                Just("\"".to_owned()),
                Just("`".to_owned()),
                Just("\n".to_owned()),
                Just("\r\n".to_owned()),
                Just("\r".to_owned()),
                Just("\u{1b}[2J".to_owned()),
                Just("\u{202e}".to_owned()),
                Just("\u{0}".to_owned()),
                Just("\u{9b}".to_owned()),
                Just("nosuch".to_owned()),
                any::<char>().prop_map(String::from),
            ],
            0..20,
        )
        .prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn rendering_never_lets_a_control_through(q in hostile()) {
            let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
            if let Err(d) = filterql::compile(&q, &Schema::demo(), &opts) {
                let out = render_at(&d, 80, false, Place { name: "<stdin>", first_line: 3 });
                // A carriage return before a line feed only ends a line.
                prop_assert!(
                    !out.replace("\r\n", "\n").chars().any(crate::safe::is_unsafe),
                    "{:?}", out
                );
            }
        }
    }
}
