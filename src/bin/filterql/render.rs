//! Human rendering of query diagnostics, like [`Diagnostics::render`] but with long
//! lines clipped: a 100 KB `in (...)` list on one line shows the part around the error,
//! not the whole line.

use filterql::{Diagnostics, Error};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, Severity, SourceCode, SourceSpan, SpanContents,
};
use std::fmt;

/// Lines longer than this many characters are clipped around the labels.
const MAX_LINE: usize = 160;
/// Characters kept on each side of a label in a clipped line.
const MARGIN: usize = 60;

/// Every item of `diags`, rustc-style, at `width` columns.
pub fn render(diags: &Diagnostics, width: usize, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let source = Clipped {
        name: "query",
        text: &diags.source,
    };
    let mut out = String::new();
    for item in &diags.items {
        // Writing into a String cannot fail.
        let _ = handler.render_report(
            &mut out,
            &WithSource {
                inner: item,
                source: &source,
            },
        );
    }
    out
}

/// The query text as a miette source whose long lines are windowed.
struct Clipped<'a> {
    name: &'a str,
    text: &'a str,
}

impl SourceCode for Clipped<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let full = self.text.read_span(span, before, after)?;
        let longest = String::from_utf8_lossy(full.data())
            .lines()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0);
        // A read without context lines only locates the primary label for the
        // `query:line:column` header; it is never drawn, so it stays exact.
        if (before == 0 && after == 0) || longest <= MAX_LINE {
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.to_owned(),
                full.data(),
                *full.span(),
                full.line(),
                full.column(),
                full.line_count(),
            )));
        }
        let text = self.text;
        let s = floor_boundary(text, span.offset().min(text.len()));
        let e = floor_boundary(text, (span.offset() + span.len()).clamp(s, text.len()));
        let line_start = text[..s].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[e..].find('\n').map_or(text.len(), |i| e + i);
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
            text[..start].matches('\n').count(),
            text[line_start..start].chars().count(),
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

/// One diagnostic with the clipped query text as its source.
struct WithSource<'a> {
    inner: &'a Error,
    source: &'a Clipped<'a>,
}

impl fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}

impl fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}

impl std::error::Error for WithSource<'_> {}

impl Diagnostic for WithSource<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<Severity> {
        self.inner.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.inner.labels()
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }
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
        assert!(full.len() > 40_000, "the library shows the whole line");
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
    fn clipping_respects_multibyte_characters() {
        let padding = "班".repeat(400);
        let query = format!("class = \"{padding}\" and 错误字段 = 1 and class = \"{padding}\"");
        let clipped = render(&diags(&query), 80, false);
        assert!(clipped.contains("错误字段"), "{clipped}");
        assert!(clipped.len() < 2_000, "{clipped}");
    }
}
