//! Diagnostics: every pass's error enum, the collection a pass returns, and rendering
//! (graphical for people, JSON for machines).
//!
//! A [`Diagnostics`] keeps at most [`MAX_DIAGNOSTICS`] items; the rest are counted in
//! one closing [`Truncated`] item ("… and 99968 more errors"), so a query or a schema
//! with 10⁵ mistakes costs the same to report as one with 32.

mod escape;
mod json;
mod render;

pub use json::{JsonDiagnostic, JsonLabel};

pub(crate) use escape::{escape_hostile, is_hostile};

use crate::span::Span;
use miette::{Diagnostic, LabeledSpan, Severity};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use std::fmt;

/// The most diagnostics a [`Diagnostics`] keeps; later ones are only counted (in a
/// closing [`Truncated`] item). The parser stops at the same number.
pub const MAX_DIAGNOSTICS: usize = 32;

/// Any diagnostic filterql reports about a query. Each pass has its own enum with codes
/// under `filterql::<pass>::...`; this enum only gathers them.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[non_exhaustive]
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
    /// The diagnostics beyond [`MAX_DIAGNOSTICS`], counted but not kept.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Truncated(#[from] Truncated),
}

impl Error {
    /// Whether this is a warning rather than an error.
    pub fn is_warning(&self) -> bool {
        matches!(
            self.severity(),
            Some(Severity::Warning) | Some(Severity::Advice)
        )
    }

    /// The span of the primary label (the first label when none is marked primary).
    pub fn span(&self) -> Option<Span> {
        primary_span(self)
    }

    /// How many errors and warnings this item stands for: one of either, or a
    /// [`Truncated`] item's counts.
    fn counts(&self) -> (usize, usize) {
        match self {
            Error::Truncated(t) => (t.errors, t.warnings),
            e if e.is_warning() => (0, 1),
            _ => (1, 0),
        }
    }
}

fn primary_span(d: &dyn Diagnostic) -> Option<Span> {
    let labels: Vec<LabeledSpan> = d.labels()?.collect();
    let l = labels
        .iter()
        .find(|l| l.primary())
        .or_else(|| labels.first())?;
    Some(Span::new(l.offset(), l.offset() + l.len()))
}

/// The closing item of a [`Diagnostics`] that reached [`MAX_DIAGNOSTICS`]: how many
/// more errors and warnings there were. Its label points at the first one left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Truncated {
    errors: usize,
    warnings: usize,
    span: Span,
}

impl Truncated {
    /// The errors left out.
    pub fn errors(&self) -> usize {
        self.errors
    }

    /// The warnings left out.
    pub fn warnings(&self) -> usize {
        self.warnings
    }

    fn starting_at(e: &Error) -> Truncated {
        let (errors, warnings) = e.counts();
        Truncated {
            errors,
            warnings,
            span: e.span().unwrap_or_default(),
        }
    }

    fn add(&mut self, e: &Error) {
        let (errors, warnings) = e.counts();
        self.errors += errors;
        self.warnings += warnings;
    }
}

fn plural(n: usize, one: &str) -> String {
    format!("{one}{}", if n == 1 { "" } else { "s" })
}

impl fmt::Display for Truncated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.errors, self.warnings) {
            (e, 0) => write!(f, "… and {} more {}", e, plural(e, "error")),
            (0, w) => write!(f, "… and {} more {}", w, plural(w, "warning")),
            (e, w) => write!(
                f,
                "… and {e} more {} and {w} more {}",
                plural(e, "error"),
                plural(w, "warning")
            ),
        }
    }
}

impl std::error::Error for Truncated {}

impl Diagnostic for Truncated {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("filterql::truncated"))
    }
    fn severity(&self) -> Option<Severity> {
        Some(if self.errors > 0 {
            Severity::Error
        } else {
            Severity::Warning
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!(
            "only the first {MAX_DIAGNOSTICS} diagnostics are reported; fix these and check again to see the rest"
        )))
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(
                Some("the first one not shown".to_owned()),
                self.span,
            ),
        )))
    }
}

/// All diagnostics of a run over one query text, errors and warnings, in the order
/// they were found; at most [`MAX_DIAGNOSTICS`] of them plus a closing [`Truncated`]
/// item counting the rest.
///
/// Implements [`Diagnostic`] itself (its items are the `related` diagnostics and it
/// carries the query text as source code), so `miette::Report::new(diags)` renders all;
/// [`Diagnostics::render`] does the same with long lines clipped and terminal controls
/// escaped. Its `Display` names the first error and how many there are.
///
/// (`miette::Report::new(diags)` renders through miette directly, with the query's
/// lines whole and its characters raw: for text from untrusted users, show
/// [`Diagnostics::render`] instead.)
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    source: String,
    items: Vec<Error>,
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
    /// filter being decompiled), under the same cap as any other.
    pub(crate) fn of<E: Into<Error>>(items: impl IntoIterator<Item = E>) -> Self {
        Diagnostics::over(String::new(), items)
    }

    /// `items` over `source`, pushed one by one so that the cap applies: what a backend's
    /// list of errors becomes at the API.
    pub(crate) fn over<E: Into<Error>>(
        source: impl Into<String>,
        items: impl IntoIterator<Item = E>,
    ) -> Self {
        let mut d = Diagnostics::new(source);
        for e in items {
            d.push(e);
        }
        d
    }

    /// Adds one diagnostic; past [`MAX_DIAGNOSTICS`] it is only counted, except that
    /// an error then takes the place of the latest warning kept (which is counted
    /// instead), so that a report full of warnings still shows its errors.
    pub fn push(&mut self, e: impl Into<Error>) {
        let e = e.into();
        let full = matches!(self.items.last(), Some(Error::Truncated(_)));
        if full && !e.is_warning() && !matches!(e, Error::Truncated(_)) {
            let kept = &self.items[..self.items.len() - 1];
            if let Some(w) = kept.iter().rposition(Error::is_warning) {
                let warning = self.items.remove(w);
                let last = self.items.len() - 1;
                self.items.insert(last, e);
                if let Some(Error::Truncated(t)) = self.items.last_mut() {
                    t.add(&warning);
                }
                return;
            }
        }
        if let Some(Error::Truncated(t)) = self.items.last_mut() {
            t.add(&e);
        } else if self.items.len() < MAX_DIAGNOSTICS && !matches!(e, Error::Truncated(_)) {
            self.items.push(e);
        } else {
            self.items.push(Error::Truncated(match e {
                Error::Truncated(t) => t,
                e => Truncated::starting_at(&e),
            }));
        }
    }

    /// Adds every item of `other` (whose spans must point into the same text) after
    /// this collection's own.
    pub fn append(&mut self, other: Diagnostics) {
        for e in other.items {
            self.push(e);
        }
    }

    /// The items of `earlier` (whose spans must point into the same text) followed by
    /// this collection's own, e.g. a check's warnings before a backend's errors.
    pub fn prepend(&mut self, earlier: Diagnostics) {
        let mine = std::mem::take(&mut self.items);
        for e in earlier.items.into_iter().chain(mine) {
            self.push(e);
        }
    }

    /// Whether any item is an error (not a warning).
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|e| !e.is_warning())
    }

    /// The number of items kept (a closing [`Truncated`] item counts as one).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The query text the spans point into.
    ///
    /// (This inherent method shadows [`std::error::Error::source`], which is `None`: a
    /// `Diagnostics` wraps no other error.)
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The items in the order they were found.
    pub fn iter(&self) -> std::slice::Iter<'_, Error> {
        self.items.iter()
    }

    /// The item at `index`.
    pub fn get(&self, index: usize) -> Option<&Error> {
        self.items.get(index)
    }

    /// The first error (not warning), if any.
    pub fn first_error(&self) -> Option<&Error> {
        self.items.iter().find(|e| !e.is_warning())
    }

    /// How many errors and warnings were found, counting those left out.
    pub fn counts(&self) -> (usize, usize) {
        self.items.iter().fold((0, 0), |(e, w), item| {
            let (e2, w2) = item.counts();
            (e + e2, w + w2)
        })
    }

    /// Takes the text out, leaving an empty one (for a compiled query's own copy).
    pub(crate) fn take_source(&mut self) -> String {
        std::mem::take(&mut self.source)
    }

    /// Renders every item as rustc-like text at `width` columns, with or without colour.
    ///
    /// Lines longer than 160 characters are shown clipped around each label, so the
    /// output stays small (and the time linear) whatever the query's length. Control
    /// characters (C0, C1, DEL) and Unicode bidirectional controls, from the query or
    /// from names inside messages, are shown escaped as `\u{1b}`, so a hostile query
    /// or schema cannot drive the terminal. Over blank text (an empty query, or
    /// diagnostics about something else, such as a filter being decompiled) items are
    /// shown without a source box. Each item's header names the text `query`, with the
    /// line and character column of its primary label: `[query:1:12]`.
    pub fn render(&self, width: usize, color: bool) -> String {
        render::render(self, width, color, &render::Origin::QUERY)
    }

    /// [`render`](Diagnostics::render) for query text read from an input with many
    /// lines, such as a file of queries: the headers name the input (`[filters.txt:12:7]`)
    /// and the source lines are numbered from `first_line`, the line of the input the
    /// text starts on. An item shown without a source box is prefixed with
    /// `name:first_line: `, so that it still says which query it is about.
    ///
    /// ```
    /// use filterql::{compile, Options, Schema};
    ///
    /// let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
    /// // The query on line 12 of `filters.txt`:
    /// let errs = compile("amount > 1 and nosuch = 2", &Schema::demo(), &opts).unwrap_err();
    /// let shown = errs.render_in("filters.txt", 12, 80, false);
    /// assert!(shown.contains("[filters.txt:12:16]"), "{shown}");
    /// assert!(shown.contains(" 12 │ amount > 1 and nosuch = 2"), "{shown}");
    /// ```
    pub fn render_in(&self, name: &str, first_line: usize, width: usize, color: bool) -> String {
        let origin = render::Origin {
            name,
            first_line,
            locate_unlabelled: true,
        };
        render::render(self, width, color, &origin)
    }

    /// The machine-readable form: each item with its severity, code, message, help and
    /// labels, each label's ends given as byte, character and UTF-16 offsets and as
    /// line and column (see [`JsonLabel`]). Computed in one pass over the text.
    ///
    /// A web service can answer a rejected query with it:
    ///
    /// ```
    /// use filterql::{compile, Options, Schema};
    ///
    /// let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
    /// let query = "𠀀 = 1 or 状态 = \"nope\""; // 𠀀 is outside the BMP
    /// let err = compile(query, &Schema::demo(), &opts).unwrap_err();
    /// // The body of an HTTP 400 response:
    /// let body = serde_json::json!({
    ///     "error": err.to_string(),
    ///     "diagnostics": err.to_json(),
    /// });
    /// assert_eq!(body["error"], "unknown field `𠀀` (and 1 more error)");
    /// let label = &body["diagnostics"][1]["labels"][0];
    /// // `"nope"` starts 14 characters in, but 15 UTF-16 units (a JavaScript index).
    /// assert_eq!(label["start_char"], 14);
    /// assert_eq!(label["start_utf16"], 15);
    /// assert_eq!(label["start"], 21); // bytes
    /// assert_eq!((label["line"].as_u64(), label["column"].as_u64()), (Some(1), Some(15)));
    /// assert_eq!(label["end_column"], 21);
    /// ```
    pub fn to_json(&self) -> Vec<JsonDiagnostic> {
        json::to_json(&self.items, &self.source)
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Error;
    type IntoIter = std::slice::Iter<'a, Error>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Error;
    type IntoIter = std::vec::IntoIter<Error>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl fmt::Display for Diagnostics {
    /// The first error's message and how many more there are: `unknown field `x` (and
    /// 2 more errors)`. With only warnings, the first warning likewise. The alternate
    /// form (`{:#}`) lists every item on its own line, with its severity and code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            for (n, e) in self.items.iter().enumerate() {
                if n > 0 {
                    f.write_str("\n")?;
                }
                let kind = if e.is_warning() { "warning" } else { "error" };
                match e.code() {
                    Some(code) => write!(f, "{kind}[{code}]: {e}")?,
                    None => write!(f, "{kind}: {e}")?,
                }
            }
            return Ok(());
        }
        let (errors, warnings) = self.counts();
        let (first, more, what) = match self.first_error() {
            Some(e) => (e, errors - 1, "error"),
            None => match self.items.first() {
                Some(w) => (w, warnings.saturating_sub(1), "warning"),
                None => return f.write_str("no diagnostics"),
            },
        };
        if what == "warning" {
            f.write_str("warning: ")?;
        }
        write!(f, "{first}")?;
        if more > 0 {
            write!(f, " (and {more} more {})", plural(more, what))?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl Serialize for Diagnostics {
    /// `{"source": <query text>, "diagnostics": <Diagnostics::to_json>}`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Diagnostics", 2)?;
        st.serialize_field("source", &self.source)?;
        st.serialize_field("diagnostics", &self.to_json())?;
        st.end()
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::CheckError;

    fn unknown(i: usize) -> CheckError {
        CheckError::UnknownField {
            name: format!("f{i}"),
            help: String::new(),
            span: Span::new(i, i + 1),
        }
    }

    #[test]
    fn items_past_the_cap_are_counted_in_one_closing_item() {
        let mut d = Diagnostics::new("x".repeat(100));
        for i in 0..100 {
            d.push(unknown(i));
        }
        assert_eq!(d.len(), MAX_DIAGNOSTICS + 1);
        assert_eq!(d.counts(), (100, 0));
        let Some(Error::Truncated(t)) = d.iter().last() else {
            panic!("{d:?}")
        };
        assert_eq!(t.errors(), 100 - MAX_DIAGNOSTICS);
        assert_eq!(t.to_string(), "… and 68 more errors");
        assert_eq!(t.span, Span::new(MAX_DIAGNOSTICS, MAX_DIAGNOSTICS + 1));
        assert!(d.has_errors());
        assert_eq!(d.to_string(), "unknown field `f0` (and 99 more errors)");
        // Appending keeps counting.
        let mut other = Diagnostics::new(d.source());
        other.push(unknown(1));
        d.append(other);
        assert_eq!(d.counts(), (101, 0));
        assert_eq!(d.len(), MAX_DIAGNOSTICS + 1);
    }

    #[test]
    fn past_the_cap_errors_take_the_place_of_warnings() {
        let warning = || CheckError::InferredTypes {
            list: String::new(),
            span: Span::new(0, 1),
        };
        let mut d = Diagnostics::new("x".repeat(100));
        for _ in 0..40 {
            d.push(warning());
        }
        d.push(unknown(7));
        assert_eq!(d.counts(), (1, 40));
        assert_eq!(d.len(), MAX_DIAGNOSTICS + 1);
        assert_eq!(d.to_string(), "unknown field `f7`");
        assert!(!d.get(MAX_DIAGNOSTICS - 1).unwrap().is_warning());
        assert_eq!(
            d.iter().last().unwrap().to_string(),
            "… and 9 more warnings"
        );
    }

    #[test]
    fn prepending_merges_both_under_the_cap() {
        let mut errors = Diagnostics::new("abc");
        errors.push(unknown(0));
        let mut warnings = Diagnostics::new("abc");
        warnings.push(CheckError::InferredTypes {
            list: String::new(),
            span: Span::new(0, 3),
        });
        errors.prepend(warnings);
        assert!(errors.get(0).unwrap().is_warning());
        assert!(!errors.get(1).unwrap().is_warning());
        assert_eq!(errors.counts(), (1, 1));
        assert_eq!(errors.to_string(), "unknown field `f0`");
    }
}
