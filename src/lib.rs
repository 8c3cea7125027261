//! # filterql
//!
//! A compiler for a small textual filter language into the filter formats of Jiandaoyun
//! (jdy), an industrial master-data API and SQL (MySQL, PostgreSQL, SQLite).
//!
//! Pipeline: text → [`syntax::parse`] → [`syntax::ast::Expr`] → [`check`] against a
//! [`Schema`] → [`ir::Pred`] → [`normalize`] → a backend in [`target`]; [`eval`] is the
//! reference semantics every backend is tested against.
//!
//! ```
//! use filterql::{compile, Options, Schema};
//! use serde_json::json;
//!
//! // A schema: the native format, or a jdy widget-list response (detected).
//! let schema = Schema::from_json(r#"{"fields": [
//!     {"name": "_widget_1", "label": "手机", "type": "phone"},
//!     {"name": "amount", "label": "金额", "type": "number"}
//! ]}"#).unwrap();
//! // A fixed clock for `now`/`today`; dates are read in +08:00 unless told otherwise.
//! let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
//!
//! let query = compile("手机 verified and createTime >= 2022-01-01 and 金额 > 5", &schema, &opts)
//!     .unwrap();
//! let record = json!({
//!     "_widget_1": {"phone": "13900000000", "verified": true},
//!     "createTime": "2023-06-01T09:30:00.000Z",
//!     "amount": 12
//! });
//! assert!(query.matches(&record));
//!
//! // Rejected queries carry every diagnostic, rendered like rustc's.
//! let errors = compile("金额 contains 5", &schema, &opts).unwrap_err();
//! eprintln!("{}", errors.render(80, false));
//! ```
#![warn(missing_docs)]

pub mod check;
pub mod diagnostic;
pub mod eval;
pub mod ir;
pub mod normalize;
pub mod plan;
pub mod schema;
pub mod span;
pub mod syntax;
pub mod target;
pub mod timefmt;
pub mod unparse;

pub use diagnostic::{Diagnostics, Error};
pub use schema::{FieldType, Schema};
pub use span::Span;

use chrono::{DateTime, FixedOffset};

/// Compilation options: the time zone and the clock `now`/`today` are resolved against.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    /// The zone date literals and offset-less datetimes are read in; `None` takes the
    /// schema's (default +08:00).
    pub tz: Option<FixedOffset>,
    /// The instant `now` denotes (and whose day, in the zone, `today` denotes).
    pub now: DateTime<FixedOffset>,
}

impl Options {
    /// Options with a fixed clock, for reproducible output.
    pub fn at(now: DateTime<FixedOffset>) -> Options {
        Options { tz: None, now }
    }

    /// The same options reading dates in `tz`.
    pub fn with_tz(self, tz: FixedOffset) -> Options {
        Options {
            tz: Some(tz),
            ..self
        }
    }
}

impl Default for Options {
    /// The system clock, the schema's time zone.
    fn default() -> Options {
        Options::at(chrono::Local::now().fixed_offset())
    }
}

/// A compiled query: the source and its checked, normalized predicate.
///
/// The syntax tree is not kept (it is dropped as soon as the predicate is built, which
/// keeps the peak memory of a compile low); [`Query::ast`] parses the source again.
#[derive(Debug)]
pub struct Query {
    /// The query text.
    pub source: String,
    /// The checked predicate, normalized (negation normal form, flattened, folded).
    pub pred: ir::Pred,
    /// Warnings of the check (e.g. types inferred without a schema); never errors. Their
    /// `source` is the query text when there is a warning, empty otherwise.
    pub warnings: Diagnostics,
    /// The time zone dates were read in (the backends render datetimes in it).
    pub tz: FixedOffset,
}

/// Parses, checks and normalizes `text` against `schema`.
///
/// On failure the [`Diagnostics`] hold every syntax error, or every check error (with
/// any warning); render them with [`Diagnostics::render`].
///
/// ```
/// use filterql::{compile, Options, Schema};
/// use serde_json::json;
///
/// let schema = Schema::from_json(
///     r#"{"fields":[{"name":"_widget_1","label":"手机","type":"phone"}]}"#,
/// ).unwrap();
/// let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
///
/// let q = compile("手机 verified and createTime >= 2022-01-01", &schema, &opts).unwrap();
/// assert!(q.matches(&json!({
///     "_widget_1": {"phone": "13900000000", "verified": true},
///     "createTime": "2022-03-01T08:00:00.000Z",
/// })));
///
/// // Every error of the query at once, each pointing at its token.
/// let errs = compile("createTim >= 2022-01-01 and 手机 > 5", &schema, &opts).unwrap_err();
/// assert_eq!(errs.len(), 2);
/// assert!(errs.render(80, false).contains("did you mean `createTime`?"));
/// ```
pub fn compile(text: &str, schema: &Schema, opts: &Options) -> Result<Query, Diagnostics> {
    let ast = syntax::parse(text)?;
    let mut diags = Diagnostics::new(text);
    let pred = check::check(&ast, schema, opts, &mut diags);
    drop(ast);
    match pred {
        Some(pred) if !diags.has_errors() => {
            // One copy of the text: the query's, unless warnings need theirs too.
            let source = if diags.is_empty() {
                diags.take_source()
            } else {
                diags.source().to_owned()
            };
            Ok(Query {
                source,
                pred: normalize::normalize(pred),
                warnings: diags,
                tz: opts.tz.unwrap_or(schema.timezone),
            })
        }
        _ => Err(diags),
    }
}

impl Query {
    /// The query text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The checked, normalized predicate.
    pub fn pred(&self) -> &ir::Pred {
        &self.pred
    }

    /// Warnings of the check; never errors.
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }

    /// The time zone dates were read in.
    pub fn tz(&self) -> FixedOffset {
        self.tz
    }

    /// The syntax tree of the query, parsed again from [`Query::source`].
    pub fn ast(&self) -> syntax::ast::Expr {
        // The source parsed when the query was compiled, and parsing is deterministic.
        syntax::parse(&self.source).expect("a compiled query's source parses")
    }

    /// Whether a record (a JSON object shaped like a jdy data record) matches, under the
    /// two-valued semantics of DESIGN §3 (see [`eval`]).
    ///
    /// ```
    /// use filterql::{compile, Options, Schema};
    /// use serde_json::json;
    ///
    /// let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
    /// let q = compile("amount != 5", &Schema::demo(), &opts).unwrap();
    /// assert!(q.matches(&json!({"amount": 7})));
    /// assert!(!q.matches(&json!({"amount": 5})));
    /// // `!=` is the complement of `=`: an empty amount matches.
    /// assert!(q.matches(&json!({"amount": null})));
    /// assert!(q.matches(&json!({})));
    /// ```
    pub fn matches(&self, record: &serde_json::Value) -> bool {
        eval::matches(&self.pred, record)
    }
}
