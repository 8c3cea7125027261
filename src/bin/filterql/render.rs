//! Human rendering of query diagnostics, like [`Diagnostics::render`] but with long
//! lines clipped (a 100 KB `in (...)` list on one line shows the part around the error,
//! not the whole line), terminal controls in the query and the messages escaped (see
//! [`crate::safe`]), and the header naming where the query came from with a
//! character column: `[query:1:4]`, `[<stdin>:5:4]`, `[filter.fq:2:7]`.

use crate::safe::{self, Clean, WithText};
use filterql::Diagnostics;
use miette::{
    GraphicalReportHandler, GraphicalTheme, MietteError, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};

/// Lines longer than this many characters are clipped around the labels.
const MAX_LINE: usize = 160;
/// Characters kept on each side of a label in a clipped line.
const MARGIN: usize = 60;

/// Where a query was read from, for the `[name:line:column]` header.
#[derive(Debug, Clone, Copy)]
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

/// A graphical handler at `width` columns.
fn handler(width: usize, color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false)
}

/// Every item of `diags`, rustc-style, at `width` columns.
pub fn render(diags: &Diagnostics, width: usize, color: bool) -> String {
    render_at(diags, width, color, Place::QUERY)
}

/// Every item of `diags`, rustc-style, at `width` columns, located at `place`. Items
/// without a position in the query are prefixed with `name:line: ` so that a batch
/// still says which line they are about.
pub fn render_at(diags: &Diagnostics, width: usize, color: bool, place: Place<'_>) -> String {
    let handler = handler(width, color);
    let escapes = Escapes::new(diags.source());
    let shown = safe::text(diags.source());
    let source = Clipped {
        name: place.name,
        text: &shown,
        index: TextIndex::new(&shown),
        original: diags.source(),
        original_index: TextIndex::new(diags.source()),
        escapes: &escapes,
        line_offset: place.first_line.saturating_sub(1),
    };
    let mut out = String::new();
    for item in diags.iter() {
        let mut clean = Clean::of(item, &|o| escapes.shown(o));
        if diags.source().trim().is_empty() {
            // Nothing to point at: no empty source box.
            clean.drop_labels();
        }
        if miette::Diagnostic::labels(&clean).is_none() && place.name != Place::QUERY.name {
            out.push_str(&format!(
                "{}:{}: ",
                safe::text(place.name),
                place.first_line
            ));
        }
        // Writing into a String cannot fail.
        let _ = handler.render_report(
            &mut out,
            &WithText {
                clean: &clean,
                source: &source,
            },
        );
    }
    out
}

/// Any other diagnostic (a usage or input failure, a decompile error), cleaned.
pub fn render_other(d: &dyn miette::Diagnostic, width: usize, color: bool) -> String {
    let clean = Clean::of(d, &|o| o);
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = handler(width, color).render_report(&mut out, &clean);
    out
}

/// Where [`safe::text`] widened the query: each escaped character's byte offset in the
/// original text and in the text shown, and how many bytes the text shown has gained up
/// to and including it.
struct Escapes {
    at: Vec<usize>,
    shown_at: Vec<usize>,
    gained: Vec<usize>,
}

impl Escapes {
    fn new(text: &str) -> Self {
        let mut e = Escapes {
            at: Vec::new(),
            shown_at: Vec::new(),
            gained: Vec::new(),
        };
        let mut total = 0;
        safe::for_each_unsafe(text, |i, c| {
            e.at.push(i);
            e.shown_at.push(i + total);
            total += safe::escaped_len(c) - c.len_utf8();
            e.gained.push(total);
        });
        e
    }

    /// The offset in the text shown of byte `o` of the original.
    fn shown(&self, o: usize) -> usize {
        match self.at.partition_point(|&a| a < o) {
            0 => o,
            k => o + self.gained[k - 1],
        }
    }

    /// The offset in the original of byte `s` of the text shown (the start of a
    /// character or of an escape).
    fn original(&self, s: usize) -> usize {
        match self.shown_at.partition_point(|&a| a < s) {
            0 => s,
            k => s.saturating_sub(self.gained[k - 1]),
        }
    }
}

/// Bytes between char-count checkpoints in [`TextIndex`].
const CHUNK: usize = 1024;

/// Line starts and char-count checkpoints of a text, built once per rendering so that
/// each of thousands of diagnostics is located without rescanning the text from its
/// start (which made rendering quadratic).
struct TextIndex {
    /// Byte offsets where lines start. Like miette, `\n`, `\r\n` and a lone `\r` end a
    /// line, so windows cut at these offsets render exactly as the whole text does.
    starts: Vec<usize>,
    /// `chars[k]`: the number of chars in the first `k * CHUNK` bytes.
    chars: Vec<usize>,
}

impl TextIndex {
    fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut chars = Vec::with_capacity(bytes.len() / CHUNK + 1);
        let mut count = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if i % CHUNK == 0 {
                chars.push(count);
            }
            if !is_continuation(b) {
                count += 1;
            }
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        TextIndex { starts, chars }
    }

    /// The 0-based line holding byte `at`.
    fn line_of(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s <= at).saturating_sub(1)
    }

    /// Where line `line`'s text ends (before its line break).
    fn line_end(&self, text: &str, line: usize) -> usize {
        let start = self.starts[line];
        let bytes = text.as_bytes();
        let mut end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        end
    }

    /// The number of chars before byte `at` (a char boundary).
    fn chars_before(&self, text: &str, at: usize) -> usize {
        if self.chars.is_empty() {
            return 0;
        }
        let k = (at / CHUNK).min(self.chars.len() - 1);
        let tail = text.as_bytes()[k * CHUNK..at]
            .iter()
            .filter(|&&b| !is_continuation(b))
            .count();
        self.chars[k] + tail
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// The query text as a miette source whose long lines are windowed.
struct Clipped<'a> {
    name: &'a str,
    /// The text shown (escaped).
    text: &'a str,
    index: TextIndex,
    /// The query as written, for the header's line and column.
    original: &'a str,
    original_index: TextIndex,
    escapes: &'a Escapes,
    /// Lines of the input before the query's first line.
    line_offset: usize,
}

impl SourceCode for Clipped<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text: &'a str = self.text;
        if span.offset() + span.len() > text.len() {
            // Out of bounds: miette's own error.
            return text.read_span(span, before, after);
        }
        let index = &self.index;
        let s = floor_boundary(text, span.offset());
        let e = floor_boundary(text, (span.offset() + span.len()).max(s));
        if before == 0 && after == 0 {
            // Only locates the primary label for the `name:line:column` header (never
            // drawn): the line and character column in the query as written.
            let o = floor_boundary(self.original, self.escapes.original(s));
            let oi = &self.original_index;
            let line = oi.line_of(o);
            let column =
                oi.chars_before(self.original, o) - oi.chars_before(self.original, oi.starts[line]);
            let end = floor_boundary(text, (s + span.len().max(1)).min(text.len())).max(s);
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.to_owned(),
                &text.as_bytes()[s..end],
                (s, end - s).into(),
                line + self.line_offset,
                column,
                line + self.line_offset,
            )));
        }
        let (l0, l1) = (index.line_of(s), index.line_of(e));
        let first = l0.saturating_sub(before);
        let last = (l1 + after).min(index.starts.len() - 1);
        let longest = (first..=last)
            .map(|l| {
                index.chars_before(text, index.line_end(text, l))
                    - index.chars_before(text, index.starts[l])
            })
            .max()
            .unwrap_or(0);
        if longest <= MAX_LINE {
            // miette scans from the start of what it is given: give it only the lines it
            // shows (plus one), then shift its answer back into the whole text.
            let win_start = index.starts[first];
            let win_end = index.starts.get(last + 2).copied().unwrap_or(text.len());
            let window: &'a str = &text[win_start..win_end];
            let local: SourceSpan = (span.offset() - win_start, span.len()).into();
            let c = window.read_span(&local, before, after)?;
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.to_owned(),
                c.data(),
                (c.span().offset() + win_start, c.span().len()).into(),
                c.line() + first + self.line_offset,
                c.column(),
                c.line_count() + first + self.line_offset,
            )));
        }
        let line_start = index.starts[l0];
        let line_end = index.line_end(text, l1).max(e);
        let start = text[line_start..s]
            .char_indices()
            .rev()
            .take(MARGIN)
            .last()
            .map_or(s, |(i, _)| line_start + i);
        let end = text[e..line_end]
            .char_indices()
            .nth(MARGIN)
            .map_or(line_end, |(i, _)| e + i);
        // A label longer than a line's worth is shown by its beginning.
        let end = text[start..end]
            .char_indices()
            .nth(MAX_LINE)
            .map_or(end, |(i, _)| start + i);
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_owned(),
            &text.as_bytes()[start..end],
            (start, end - start).into(),
            index.line_of(start) + self.line_offset,
            index.chars_before(text, start) - index.chars_before(text, line_start),
            text[start..end].matches('\n').count() + 1,
        )))
    }
}

/// The largest char boundary at or before `i`.
fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
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
    fn short_queries_render_exactly_as_the_library_does() {
        let d = diags("amount > 1 and nosuch = 2");
        assert_eq!(render(&d, 80, false), d.render(80, false));
    }

    #[test]
    fn multi_line_queries_with_many_errors_render_exactly_as_the_library_does() {
        for newline in ["\n", "\r\n", "\n\n"] {
            let query = (0..40)
                .map(|i| format!("nosuch{i} > 1 and amount = \"班{i}\""))
                .collect::<Vec<_>>()
                .join(&format!(" and{newline}  "));
            let d = diags(&query);
            assert!(d.len() > filterql::diagnostic::MAX_DIAGNOSTICS);
            assert_eq!(render(&d, 80, false), d.render(80, false), "{newline:?}");
        }
    }

    #[test]
    fn the_index_agrees_with_a_naive_scan() {
        let text = "ab\n班级\r\nx\ry".repeat(300);
        let index = TextIndex::new(&text);
        for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            assert_eq!(index.chars_before(&text, at), text[..at].chars().count());
            if text[..at].ends_with('\r') && text[at..].starts_with('\n') {
                continue; // inside a `\r\n` line break
            }
            let naive_line = text[..at]
                .replace("\r\n", "\n")
                .chars()
                .filter(|&c| c == '\n' || c == '\r')
                .count();
            assert_eq!(index.line_of(at), naive_line, "{at}");
        }
    }

    #[test]
    fn a_long_line_is_clipped_around_the_error() {
        let values: Vec<String> = (0..5000).map(|i| i.to_string()).collect();
        let query = format!(
            "amount in ({}) and nosuch = 2 and amount in ({})",
            values.join(", "),
            values.join(", ")
        );
        let d = diags(&query);
        let full = d.render(80, false);
        let clipped = render(&d, 80, false);
        // The library clips long lines too, with the same window.
        assert!(full.len() < 2_000, "{full}");
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
