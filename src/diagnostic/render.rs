//! Human rendering of diagnostics: rustc-like text through miette, with long lines
//! clipped around each label and hostile characters escaped.
//!
//! miette reads the source from the start of whatever it is given and formats columns
//! as padding widths, so handing it a 1 MB line costs a rescan per diagnostic and, past
//! column 65,535, a panic inside `format!`. Here miette only ever sees the few lines
//! around a label, cut to a window of [`MAX_LINE`] characters when a line is longer,
//! and located through an index built once per rendering.

use super::escape::{is_hostile, push_escape};
use super::{escape_hostile, Diagnostics, Error};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, Severity, SourceCode, SourceSpan, SpanContents,
};
use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// Lines longer than this many characters are clipped around the labels.
const MAX_LINE: usize = 160;
/// Characters kept on each side of a label in a clipped line.
const MARGIN: usize = 60;
/// Bytes of a label underlined at most (within [`MARGIN`] of the window's end).
const MAX_LABEL: usize = MAX_LINE - MARGIN - 1;
/// Lines of a multi-line label drawn at most.
const MAX_LABEL_LINES: usize = 40;
/// Messages, help and label texts longer than this many characters (a 100 KB name
/// quoted in "unknown field") are shown by their start and end.
const MAX_TEXT: usize = 400;

/// Where the rendered text came from, for the `[name:line:column]` headers.
pub(super) struct Origin<'a> {
    /// What the text is called: `query`, a file name, `<stdin>`.
    pub(super) name: &'a str,
    /// The line of the input the text's first line is (1-based).
    pub(super) first_line: usize,
    /// Whether an item without a source box is prefixed with `name:first_line: `, so
    /// that it still says where it came from.
    pub(super) locate_unlabelled: bool,
}

impl Origin<'static> {
    /// A query given on its own.
    pub(super) const QUERY: Origin<'static> = Origin {
        name: "query",
        first_line: 1,
        locate_unlabelled: false,
    };
}

pub(super) fn render(diags: &Diagnostics, width: usize, color: bool, origin: &Origin) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let shown = Shown::new(diags.source());
    let name = escape_hostile(origin.name);
    let source = Clipped {
        name: &name,
        text: &shown.text,
        index: TextIndex::new(&shown.text),
        shown: &shown,
        line_offset: origin.first_line.saturating_sub(1),
    };
    // Blank text has nothing to point at: no empty source box.
    let labelled = !diags.source().trim().is_empty();
    let mut out = String::new();
    for item in diags.iter() {
        let view = View {
            inner: item,
            shown: &shown,
            source: &source,
            labelled,
        };
        if origin.locate_unlabelled && view.labels().is_none() {
            let _ = write!(out, "{name}:{}: ", origin.first_line);
        }
        // Writing into a String cannot fail.
        let _ = handler.render_report(&mut out, &view);
    }
    out
}

/// The query text as shown: hostile characters replaced by their escapes (line feeds,
/// tabs and the `\r` of `\r\n` kept, so lines stay lines), with the map from offsets in
/// the query to offsets in the shown text.
struct Shown<'a> {
    query: &'a str,
    text: Cow<'a, str>,
    /// The escapes, in text order.
    escapes: Vec<Escape>,
}

struct Escape {
    /// Byte offset of the character in the query.
    at: usize,
    /// Byte offset of its escape in the shown text.
    shown_at: usize,
    /// Bytes (= characters: escapes are ASCII) the shown text has gained over the
    /// query up to and including this escape.
    grown_bytes: usize,
    /// Characters gained likewise.
    grown_chars: usize,
}

impl<'a> Shown<'a> {
    fn new(query: &'a str) -> Shown<'a> {
        let hostile = |c: char, next: Option<char>| {
            is_hostile(c) && c != '\n' && c != '\t' && !(c == '\r' && next == Some('\n'))
        };
        let mut chars = query.chars().peekable();
        let mut any = false;
        while let Some(c) = chars.next() {
            if hostile(c, chars.peek().copied()) {
                any = true;
                break;
            }
        }
        if !any {
            return Shown {
                query,
                text: Cow::Borrowed(query),
                escapes: Vec::new(),
            };
        }
        let mut text = String::with_capacity(query.len() + 64);
        let mut escapes = Vec::new();
        let (mut grown_bytes, mut grown_chars) = (0, 0);
        let mut it = query.char_indices().peekable();
        while let Some((at, c)) = it.next() {
            if hostile(c, it.peek().map(|&(_, n)| n)) {
                let shown_at = text.len();
                push_escape(&mut text, c);
                let len = text.len() - shown_at;
                grown_bytes += len - c.len_utf8();
                grown_chars += len - 1;
                escapes.push(Escape {
                    at,
                    shown_at,
                    grown_bytes,
                    grown_chars,
                });
            } else {
                text.push(c);
            }
        }
        Shown {
            query,
            text: Cow::Owned(text),
            escapes,
        }
    }

    /// The shown offset of query offset `at` (a character boundary): an escaped
    /// character's start maps to its escape's start, its end to the escape's end.
    fn map(&self, at: usize) -> usize {
        let k = self.escapes.partition_point(|e| e.at < at);
        at + k.checked_sub(1).map_or(0, |k| self.escapes[k].grown_bytes)
    }

    /// How many characters the escapes in shown bytes `from..to` added.
    fn grown_chars_between(&self, from: usize, to: usize) -> usize {
        let upto = |x: usize| {
            let k = self.escapes.partition_point(|e| e.shown_at < x);
            k.checked_sub(1).map_or(0, |k| self.escapes[k].grown_chars)
        };
        upto(to) - upto(from)
    }
}

/// One item as shown: message, help and labels escaped, spans moved into the shown
/// text.
struct View<'a> {
    inner: &'a Error,
    shown: &'a Shown<'a>,
    source: &'a Clipped<'a>,
    /// Whether the labels are drawn (not over blank text).
    labelled: bool,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&shown_text(&self.inner.to_string()))
    }
}

impl std::error::Error for View<'_> {}

impl Diagnostic for View<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<Severity> {
        self.inner.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let help = self.inner.help()?.to_string();
        Some(Box::new(shown_text(&help)))
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if !self.labelled {
            return None;
        }
        let query = self.shown.query;
        let text = self.source.text;
        let labels = self.inner.labels()?.map(move |l| {
            let start = self.shown.map(floor_boundary_in(query, l.offset()));
            let end = self
                .shown
                .map(floor_boundary_in(query, l.offset().saturating_add(l.len())))
                .max(start);
            // A label that miette cannot draw whole within the line and window limits
            // is underlined over the start of its first line only, so that the
            // clipped window holds it and its text.
            let end = if fits(&text[start..end]) {
                end
            } else {
                text[start..end]
                    .char_indices()
                    .find(|&(i, c)| c == '\n' || c == '\r' || i >= MAX_LABEL)
                    .map_or(end, |(i, _)| start + i)
            };
            LabeledSpan::new_with_span(l.label().map(shown_text), (start, end - start))
                .with_primary(l.primary())
        });
        Some(Box::new(labels.collect::<Vec<_>>().into_iter()))
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }
}

/// Whether a label's text is drawn whole: at most [`MAX_LABEL_LINES`] lines, none
/// longer than [`MAX_LINE`] characters (looking at no more than that many characters).
fn fits(label: &str) -> bool {
    let (mut lines, mut column) = (1, 0);
    for c in label.chars() {
        if c == '\n' {
            lines += 1;
            column = 0;
            if lines > MAX_LABEL_LINES {
                return false;
            }
        } else {
            column += 1;
            if column > MAX_LINE {
                return false;
            }
        }
    }
    true
}

/// A message, help or label as shown: escaped, and cut in the middle when too long.
fn shown_text(text: &str) -> String {
    let escaped = escape_hostile(text);
    let n = escaped.chars().count();
    if n <= MAX_TEXT {
        return escaped.into_owned();
    }
    let keep_end = MAX_TEXT / 4;
    let head: String = escaped.chars().take(MAX_TEXT - keep_end).collect();
    let tail: String = escaped.chars().skip(n - keep_end).collect();
    format!("{head} … ({} characters) … {tail}", n - MAX_TEXT)
}

trait WithPrimary {
    fn with_primary(self, primary: bool) -> Self;
}

impl WithPrimary for LabeledSpan {
    fn with_primary(self, primary: bool) -> Self {
        if primary {
            LabeledSpan::new_primary_with_span(self.label().map(str::to_owned), *self.inner())
        } else {
            self
        }
    }
}

/// A query offset clamped into the query and moved back to a character boundary
/// (labels of hand-made diagnostics may point anywhere).
fn floor_boundary_in(query: &str, at: usize) -> usize {
    floor_boundary(query, at.min(query.len()))
}

/// Bytes between char-count checkpoints in [`TextIndex`].
const CHUNK: usize = 1024;

/// Line starts and char-count checkpoints of a text, built once per rendering so that
/// each of thousands of diagnostics is located without rescanning the text from its
/// start.
struct TextIndex {
    /// Byte offsets where lines start (after each `\n`; the shown text has no lone
    /// `\r`, which is escaped).
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
            if b == b'\n' {
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

/// The shown text as a miette source whose long lines are windowed.
struct Clipped<'a> {
    name: &'a str,
    text: &'a str,
    index: TextIndex,
    shown: &'a Shown<'a>,
    /// Lines of the input before the text's first line.
    line_offset: usize,
}

impl SourceCode for Clipped<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let contents = self.window(span, before, after)?;
        #[cfg(test)]
        tests::READ.with(|r| r.set(r.get() + contents.data().len()));
        Ok(contents)
    }
}

impl Clipped<'_> {
    fn window<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text: &'a str = self.text;
        if span.offset() + span.len() > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let index = &self.index;
        let s = floor_boundary(text, span.offset());
        let e = floor_boundary(text, (span.offset() + span.len()).max(s));
        if before == 0 && after == 0 {
            // Only locates the primary label for the `query:line:column` header (never
            // drawn): the line, and the column in characters of the query as written.
            let line = index.line_of(s);
            let line_start = index.starts[line];
            let column = index.chars_before(text, s)
                - index.chars_before(text, line_start)
                - self.shown.grown_chars_between(line_start, s);
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
        if longest <= MAX_LINE && last - first <= MAX_LABEL_LINES + 2 * before.max(after) {
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
        // A long line, or a label over many lines: a window of characters around the
        // label's start, at most MAX_LINE long.
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
        let mut end = text[start..end]
            .char_indices()
            .nth(MAX_LINE)
            .map_or(end, |(i, _)| start + i);
        // A window cut inside `\r\n` would end on a lone `\r`, which miette prints
        // raw (found by the `parse` fuzz target).
        if end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_owned(),
            &text.as_bytes()[start..end],
            (start, end - start).into(),
            index.line_of(start) + self.line_offset,
            index.chars_before(text, start)
                - index.chars_before(text, index.starts[index.line_of(start)]),
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
    use crate::{compile, Options, Schema};

    thread_local! {
        /// Bytes of query text handed to miette so far on this thread.
        pub(super) static READ: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// Bytes miette reads to render the errors of a one-line query of `n` conditions,
    /// every tenth an unknown field.
    fn read_for(n: usize) -> (usize, usize) {
        let query = (0..n)
            .map(|i| match i % 10 {
                0 => format!("nosuch{i} = {i}"),
                _ => format!("amount = {i}"),
            })
            .collect::<Vec<_>>()
            .join(" or ");
        let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
        let d = compile(&query, &Schema::demo(), &opts).unwrap_err();
        READ.with(|r| r.set(0));
        let out = d.render(80, false);
        (READ.with(|r| r.get()), out.len())
    }

    #[test]
    fn rendering_reads_a_bounded_window_per_item_whatever_the_line_length() {
        let (small, small_out) = read_for(1_000);
        let (big, big_out) = read_for(10_000);
        eprintln!("{small} bytes read for 1k conditions, {big} for 10k");
        // Input x10 -> work x1: 33 items, each a window of at most MAX_LINE characters.
        assert!(big <= small * 11 / 10, "x{}", big / small);
        assert!(big_out <= small_out * 11 / 10, "{small_out} -> {big_out}");
    }

    #[test]
    fn the_shown_text_maps_offsets_around_escapes() {
        let q = "a\u{1b}bc\u{202e}d";
        let shown = Shown::new(q);
        assert_eq!(shown.text, "a\\u{1b}bc\\u{202e}d");
        assert_eq!(shown.map(0), 0);
        assert_eq!(shown.map(1), 1); // the escape's start
        assert_eq!(shown.map(2), 7); // after `\u{1b}`
        assert_eq!(shown.map(q.len()), shown.text.len());
        assert_eq!(shown.grown_chars_between(0, shown.text.len()), 5 + 7);
    }

    fn rejected(query: &str) -> Diagnostics {
        let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
        compile(query, &Schema::demo(), &opts).unwrap_err()
    }

    #[test]
    fn a_named_input_numbers_its_lines_from_the_first_line() {
        let d = rejected("amount > 1 and\n  nosuch = 2");
        let out = d.render_in("<stdin>", 9, 80, false);
        // The label is on the query's second line: line 10 of the input, column 3.
        assert!(out.contains("[<stdin>:10:3]"), "{out}");
        assert!(out.contains("  9 │ amount > 1 and"), "{out}");
        assert!(out.contains(" 10 │   nosuch = 2"), "{out}");
    }

    #[test]
    fn blank_text_gets_no_source_box_and_a_named_input_says_where() {
        let d = rejected("   ");
        let plain = d.render(80, false);
        assert!(!plain.contains('│') && !plain.contains("[query"), "{plain}");
        let named = d.render_in("filters.txt", 4, 80, false);
        assert!(named.starts_with("filters.txt:4: "), "{named}");
        assert_eq!(named.strip_prefix("filters.txt:4: "), Some(plain.as_str()));
        // Hostile input names are escaped like everything else shown.
        let hostile = d.render_in("a\u{1b}[2Jb", 1, 80, false);
        assert!(hostile.starts_with("a\\u{1b}[2Jb:1: "), "{hostile}");
    }
}
