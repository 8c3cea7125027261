//! Diagnostics: every pass's error enum, the collection a pass returns, and rendering
//! (graphical for people, JSON for machines).

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, Severity};
use serde::Serialize;
use std::fmt;

/// Any diagnostic filterql reports about a query. Each pass has its own enum with codes
/// under `filterql::<pass>::...`; this enum only gathers them.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Error {
    /// Lexical and grammatical errors, limits.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Syntax(#[from] crate::syntax::SyntaxError),
    /// Name resolution and type errors (and warnings).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Check(#[from] crate::check::CheckError),
    /// Predicates the jdy backend cannot express.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Jdy(#[from] crate::target::jdy::JdyError),
    /// Predicates the masterdata backend cannot express.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Masterdata(#[from] crate::target::masterdata::MasterdataError),
    /// Predicates or names the SQL backend cannot express.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Sql(#[from] crate::target::sql::SqlError),
    /// A jdy filter that cannot be read back into query text.
    #[error(transparent)]
    #[diagnostic(transparent)]
    JdyDecompile(#[from] crate::target::jdy::DecompileError),
    /// A master-data condition tree that cannot be read back into query text.
    #[error(transparent)]
    #[diagnostic(transparent)]
    MasterdataDecompile(#[from] crate::target::masterdata::DecompileError),
}

impl Error {
    /// Whether this is a warning rather than an error.
    pub fn is_warning(&self) -> bool {
        matches!(
            self.severity(),
            Some(Severity::Warning) | Some(Severity::Advice)
        )
    }
}

/// All diagnostics of a run over one query text, errors and warnings.
///
/// Implements [`Diagnostic`] itself (its items are the `related` diagnostics and it
/// carries the query text as source code), so `miette::Report::new(diags)` renders all.
#[derive(Debug, Default)]
pub struct Diagnostics {
    /// The query text the spans point into.
    pub source: String,
    /// The diagnostics in source order of discovery.
    pub items: Vec<Error>,
}

impl Diagnostics {
    /// An empty collection over `source`.
    pub fn new(source: impl Into<String>) -> Self {
        Diagnostics {
            source: source.into(),
            items: Vec::new(),
        }
    }

    /// Diagnostics without a source text (their subject was not query text, e.g. a
    /// filter being decompiled).
    pub(crate) fn of<E: Into<Error>>(items: impl IntoIterator<Item = E>) -> Self {
        Diagnostics {
            source: String::new(),
            items: items.into_iter().map(Into::into).collect(),
        }
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, e: impl Into<Error>) {
        self.items.push(e.into());
    }

    /// Whether any item is an error (not a warning).
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|e| !e.is_warning())
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Renders every item as rustc-like text at `width` columns, with or without colour.
    pub fn render(&self, width: usize, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(width)
            .with_links(false);
        let source = NamedSource::new("query", self.source.clone());
        let mut out = String::new();
        for item in &self.items {
            let with_src = WithSource {
                inner: item,
                source: &source,
            };
            // Writing into a String cannot fail.
            let _ = handler.render_report(&mut out, &with_src);
        }
        out
    }

    /// The machine-readable form (`--diagnostics json`).
    pub fn to_json(&self) -> Vec<JsonDiagnostic> {
        self.items
            .iter()
            .map(|e| JsonDiagnostic::from_diagnostic(e, &self.source))
            .collect()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.items.iter().filter(|e| !e.is_warning()).count();
        let warnings = self.items.len() - errors;
        match (errors, warnings) {
            (0, w) => write!(f, "{w} warning{}", if w == 1 { "" } else { "s" }),
            (e, _) => write!(
                f,
                "query rejected with {e} error{}",
                if e == 1 { "" } else { "s" }
            ),
        }
    }
}

impl std::error::Error for Diagnostics {}

impl Diagnostic for Diagnostics {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("filterql::rejected"))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.items.iter().map(|e| e as &dyn Diagnostic)))
    }
}

/// One diagnostic paired with the text its spans point into, for rendering. The CLI
/// pairs items with a clipped view of long queries; [`Diagnostics::render`] with the
/// whole query.
pub struct WithSource<'a, S> {
    /// The diagnostic.
    pub inner: &'a Error,
    /// The text its labels point into.
    pub source: &'a S,
}

impl<S> fmt::Debug for WithSource<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.inner, f)
    }
}
impl<S> fmt::Display for WithSource<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner, f)
    }
}
impl<S> std::error::Error for WithSource<'_, S> {}
impl<S: miette::SourceCode> Diagnostic for WithSource<'_, S> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.code()
    }
    fn severity(&self) -> Option<Severity> {
        self.inner.severity()
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.inner.labels()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.source)
    }
}

/// One diagnostic as JSON.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JsonDiagnostic {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The diagnostic code, e.g. `filterql::syntax::expected`.
    pub code: Option<String>,
    /// The message.
    pub message: String,
    /// A suggested fix.
    pub help: Option<String>,
    /// Labelled spans (byte offsets into the query).
    pub labels: Vec<JsonLabel>,
}

/// A labelled span in a [`JsonDiagnostic`].
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JsonLabel {
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset one past the end.
    pub end: usize,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column (in characters) of the start.
    pub column: usize,
    /// The label text.
    pub label: Option<String>,
    /// Whether this is the primary label.
    pub primary: bool,
}

impl JsonDiagnostic {
    /// Converts any diagnostic whose spans point into `source`.
    pub fn from_diagnostic(d: &dyn Diagnostic, source: &str) -> Self {
        Self::with_index(d, source, &LineIndex::new(source))
    }

    fn with_index(d: &dyn Diagnostic, source: &str, lines: &LineIndex) -> Self {
        let severity = match d.severity() {
            Some(Severity::Warning) | Some(Severity::Advice) => "warning",
            _ => "error",
        };
        let labels = d
            .labels()
            .map(|ls| {
                ls.enumerate()
                    .map(|(i, l)| {
                        let start = floor_char_boundary(source, l.offset().min(source.len()));
                        let (line, column) = lines.locate(source, start);
                        JsonLabel {
                            start,
                            end: (l.offset() + l.len()).min(source.len()),
                            line,
                            column,
                            label: l.label().map(str::to_owned),
                            primary: l.primary() || i == 0,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        JsonDiagnostic {
            severity,
            code: d.code().map(|c| c.to_string()),
            message: d.to_string(),
            help: d.help().map(|h| h.to_string()),
            labels,
        }
    }
}

/// Byte offsets of line starts, for turning offsets into 1-based line/column pairs in
/// O(log lines + column) each.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(source: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(line_starts_after_newlines(source));
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of byte offset `at`.
    fn locate(&self, source: &str, at: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= at);
        let line_start = self.starts[line - 1];
        let column = source.get(line_start..at).map_or(0, |t| t.chars().count()) + 1;
        (line, column)
    }
}

fn line_starts_after_newlines(source: &str) -> impl Iterator<Item = usize> + '_ {
    source
        .bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'\n')
        .map(|(i, _)| i + 1)
}

fn floor_char_boundary(source: &str, mut i: usize) -> usize {
    while i > 0 && !source.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_a_naive_scan() {
        let src = "a = 1\n手机 > 5\r\n\nlast = \"x\"";
        let idx = LineIndex::new(src);
        for at in (0..=src.len()).filter(|&i| src.is_char_boundary(i)) {
            let before = &src[..at];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
            assert_eq!(idx.locate(src, at), (line, column), "offset {at}");
        }
    }
}
