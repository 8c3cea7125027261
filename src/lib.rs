//! # filterql
//!
//! A compiler for a small textual filter language into the filter formats of Jiandaoyun
//! (jdy), an industrial master-data API and SQL (MySQL/MariaDB, PostgreSQL, SQLite).
//! Users write `createTime >= 2022-01-01 and phone verified` once; filterql parses it,
//! checks it against the form's [`Schema`] and emits exactly what each platform accepts —
//! or says precisely why it cannot, never a silently wider filter.
//!
//! ## The API in five minutes
//!
//! | step | call | gives |
//! |---|---|---|
//! | load the form's fields | [`Schema::from_json`] / [`Schema::from_value`] (native format or a jdy widget list, detected; also `Deserialize`) | [`Schema`] |
//! | compile a user's text | [`compile`]`(text, &schema, &`[`Options`]`)` | [`Query`] or [`Diagnostics`] |
//! | jdy `data/list` filter | [`Query::to_jdy`] (exact, or an error), [`Query::to_jdy_json`] | [`jdy::JdyFilter`] |
//! | jdy with a client-side rest | [`Query::to_jdy_pushdown`] | [`jdy::Pushdown`]: the filter, and a [`Residual`] to apply to the fetched records |
//! | master-data condition tree | [`Query::to_masterdata`], [`Query::to_masterdata_request`]; [`Query::to_masterdata_json`] (the tree's JSON text, written straight from the query) | [`masterdata::Condition`], `String` |
//! | SQL | [`Query::to_sql`] / [`Query::to_sql_where`] with [`sql::SqlOptions`]; [`Query::to_sql_json`] / [`Query::to_sql_where_json`] (the `{"sql","params"}` text) | [`sql::SqlFragment`]: text and typed [`sql::SqlParam`]s; `String` |
//! | test one record | [`Query::matches`] (the reference semantics every backend is tested against) | `bool` |
//! | read a filter back | [`jdy::decompile`], [`masterdata::decompile`] | [`ast::Expr`] (its `Display` is query text) |
//! | the syntax tree only | [`parse`] | [`ast::Expr`] |
//! | what a query became | [`Query::normalized`] (the normalized query as text), [`Query::explain`] (a typed tree, for people) | [`ast::Expr`], `String` |
//!
//! Errors: every fallible call returns [`Diagnostics`] — every problem of the pass at
//! once, each with a code (`filterql::check::unknown_field`), a labelled span and a
//! help line. [`Diagnostics::render`] draws them like rustc does
//! ([`Diagnostics::render_in`] for a query read from a file of many);
//! [`Diagnostics::to_json`] gives positions as byte, character and UTF-16 offsets for a
//! web front end. Schema loading returns [`SchemaError`].
//!
//! The clock: `now`, `today` and periods like `this month` are resolved when the query
//! is compiled, against [`Options`]' clock. [`Query::clock`] says whether a query
//! depends on it; [`Query::recompile`] resolves it again.
//!
//! ## Features
//!
//! - `cli` (default): the `filterql` command-line tool and REPL (clap, rustyline,
//!   miette's terminal handler). A library user sets `default-features = false`.
//! - `rusqlite`, `postgres`, `mysql`: [`sql::SqlParam`] binds through that driver
//!   (`ToSql` / `Into<mysql::Value>`).
//! - `internals`: the crate's internal modules, hidden and outside semver, for the
//!   project's own tests, benches and fuzz targets only. Nothing turns it on for a
//!   user: the `filterql` binary, too, is built on the public API alone.
//!
//! ## Example
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
//! assert_eq!(
//!     query.to_jdy_json().unwrap(),
//!     r#"{"rel":"and","cond":[{"field":"_widget_1","type":"phone","method":"verified"},{"field":"createTime","type":"datetime","method":"range","value":["2022-01-01T00:00:00.000+08:00",null]},{"field":"amount","type":"number","method":"gt","value":[5]}]}"#
//! );
//!
//! // A rejected query carries every diagnostic.
//! let errors = compile("金额 contains 5 and 手机 > 1", &schema, &opts).unwrap_err();
//! assert_eq!(errors.len(), 2);
//! // As the body of an HTTP 400 answer:
//! let body = serde_json::to_string(&errors.to_json()).unwrap();
//! assert!(body.contains("filterql::check::operator_type"));
//! ```
#![warn(missing_docs)]
// Without `internals`, the internal modules' items that only the project's own tests
// and benches use are unreachable; they are not dead code of the library.
#![cfg_attr(not(feature = "internals"), allow(dead_code, unused_imports))]

/// Declares the crate's internal modules: private to the crate, or — with the
/// `internals` feature, for the project's own tests, benches and fuzz targets —
/// public at the same paths but hidden from the docs and outside semver.
macro_rules! internal_modules {
    ($($name:ident),* $(,)?) => {$(
        #[cfg(feature = "internals")]
        #[doc(hidden)]
        pub mod $name;
        #[cfg(not(feature = "internals"))]
        mod $name;
    )*};
}

internal_modules!(
    check, diagnostic, eval, ir, normalize, plan, schema, span, syntax, target, timefmt, unparse,
);

mod explain;

pub mod ast;
pub mod jdy;
pub mod masterdata;
pub mod sql;

pub use crate::check::CheckError;
pub use crate::diagnostic::{
    Diagnostics, Error, JsonDiagnostic, JsonLabel, Truncated, MAX_DIAGNOSTICS,
};
pub use crate::plan::Residual;
pub use crate::schema::{Field, FieldType, Schema, SchemaError};
pub use crate::span::Span;
pub use crate::syntax::SyntaxError;

use chrono::{DateTime, FixedOffset};

/// Compilation options: the time zone and the clock `now`/`today` are resolved against.
///
/// The clock is read when a query is compiled, not when it is used: a [`Query`] that
/// says `today` keeps the day it was compiled on (see [`Query::clock`] and
/// [`Query::recompile`]).
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub struct Options {
    pub(crate) tz: Option<FixedOffset>,
    pub(crate) now: DateTime<FixedOffset>,
}

impl Options {
    /// Options with a fixed clock, for reproducible output; dates are read in the
    /// schema's time zone.
    pub fn at(now: DateTime<FixedOffset>) -> Options {
        Options { tz: None, now }
    }

    /// The same options reading dates in `tz` instead of the schema's zone.
    pub fn with_tz(self, tz: FixedOffset) -> Options {
        Options {
            tz: Some(tz),
            ..self
        }
    }

    /// The zone dates are read in, when it overrides the schema's.
    pub fn tz(&self) -> Option<FixedOffset> {
        self.tz
    }

    /// The instant `now` denotes (and whose day, in the zone, `today` denotes).
    pub fn now(&self) -> DateTime<FixedOffset> {
        self.now
    }
}

impl Default for Options {
    /// The system clock, read now; the schema's time zone.
    fn default() -> Options {
        Options::at(chrono::Local::now().fixed_offset())
    }
}

/// A compiled query: the source and its checked, normalized predicate.
///
/// Build one with [`compile`]; turn it into a platform's filter with
/// [`to_jdy`](Query::to_jdy), [`to_jdy_pushdown`](Query::to_jdy_pushdown),
/// [`to_masterdata`](Query::to_masterdata) or [`to_sql`](Query::to_sql), or test a record
/// with [`matches`](Query::matches). `Display` prints the canonical query text; `Serialize`
/// writes `{"query": <canonical text>, "tz": "+08:00", "clock": <RFC 3339> | null}`.
///
/// The syntax tree is not kept (it is dropped as soon as the predicate is built, which
/// keeps the peak memory of a compile low); [`Query::ast`] parses the source again.
#[derive(Clone, Debug)]
pub struct Query {
    source: String,
    pred: ir::Pred,
    warnings: Diagnostics,
    tz: FixedOffset,
    clock: Option<DateTime<FixedOffset>>,
}

/// Parses, checks and normalizes `text` against `schema`.
///
/// # Errors
///
/// The [`Diagnostics`] hold every syntax error, or every check error (with any warning);
/// render them with [`Diagnostics::render`] or send them as JSON with
/// [`Diagnostics::to_json`].
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
    let (ast, reads_clock) = syntax::parse_noting_clock(text)?;
    let mut diags = Diagnostics::new(text);
    let pred = check::check(&ast, schema, opts, &mut diags);
    let clock = reads_clock.then_some(opts.now);
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
                clock,
            })
        }
        _ => Err(diags),
    }
}

/// Parses `text` into its syntax tree, without a schema.
///
/// `Display` on the tree prints the canonical text (what `filterql fmt` prints).
///
/// # Errors
///
/// Every syntax error of the text (up to a cap), as [`Diagnostics`].
///
/// ```
/// let e = filterql::parse("a  =  1 && b IN (2,3)").unwrap();
/// assert_eq!(e.to_string(), "a = 1 and b in (2, 3)");
/// ```
pub fn parse(text: &str) -> Result<ast::Expr, Diagnostics> {
    syntax::parse(text)
}

impl Query {
    /// The query text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The checked, normalized predicate (internal IR, for the project's own tests).
    #[cfg(feature = "internals")]
    #[doc(hidden)]
    pub fn pred(&self) -> &ir::Pred {
        &self.pred
    }

    /// Warnings of the check (e.g. types inferred without a schema); never errors.
    pub fn warnings(&self) -> &Diagnostics {
        &self.warnings
    }

    /// The warnings, taken out of the query.
    pub fn into_warnings(self) -> Diagnostics {
        self.warnings
    }

    /// The time zone dates were read in.
    pub fn tz(&self) -> FixedOffset {
        self.tz
    }

    /// The clock the query was resolved against, when its meaning depends on it (it
    /// says `now`, `today`, `this month`, ...); `None` when it does not.
    ///
    /// A compiled query is a snapshot: `createTime >= today` keeps the day it was
    /// compiled on. A service that caches queries checks this and calls
    /// [`recompile`](Query::recompile) when the clock has moved on (compiling is cheap:
    /// a few microseconds for a typical query).
    ///
    /// ```
    /// use filterql::{compile, Options, Schema};
    /// let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
    /// let q = compile("createTime >= today", &Schema::demo(), &opts).unwrap();
    /// assert_eq!(q.clock(), Some(opts.now()));
    /// let later = Options::at("2024-05-02T09:00:00+08:00".parse().unwrap());
    /// let q2 = q.recompile(&Schema::demo(), &later).unwrap();
    /// assert_ne!(q.to_jdy_json().unwrap(), q2.to_jdy_json().unwrap());
    /// assert_eq!(compile("amount > 5", &Schema::demo(), &opts).unwrap().clock(), None);
    /// ```
    pub fn clock(&self) -> Option<DateTime<FixedOffset>> {
        self.clock
    }

    /// The same query text compiled again against `schema` and `opts` (typically a new
    /// clock, see [`clock`](Query::clock)).
    ///
    /// # Errors
    ///
    /// As [`compile`]: the schema may have changed since the query was compiled.
    pub fn recompile(&self, schema: &Schema, opts: &Options) -> Result<Query, Diagnostics> {
        compile(&self.source, schema, opts)
    }

    /// The syntax tree of the query, parsed again from [`Query::source`].
    pub fn ast(&self) -> ast::Expr {
        match syntax::parse(&self.source) {
            Ok(e) => e,
            // The source parsed when the query was compiled, the field is private and
            // parsing is deterministic: unreachable, but no reason to panic.
            Err(_) => unreachable_ast(),
        }
    }

    /// The normalized query as a syntax tree: what the checker and normalizer made of
    /// the text (inferred types applied, ranges merged, negations pushed to the leaves,
    /// datetimes written in the query's zone). Its `Display` is canonical query text that
    /// compiles, against the same schema, to the same meaning.
    ///
    /// `None` when the query folds to a constant, which the language cannot write: it
    /// matches every record or none ([`matches`](Query::matches) on any record tells
    /// which).
    ///
    /// ```
    /// use filterql::{compile, Options, Schema};
    /// use serde_json::json;
    ///
    /// let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
    /// // Ranges merge:
    /// let q = compile("amount >= 1 and amount < 9 and amount > 3", &Schema::demo(), &opts).unwrap();
    /// assert_eq!(q.normalized().unwrap().to_string(), "amount > 3 and amount < 9");
    /// // A negation keeps its two-valued meaning (an empty amount is not `<= 5`):
    /// let q = compile("not (amount <= 5)", &Schema::demo(), &opts).unwrap();
    /// assert_eq!(q.normalized().unwrap().to_string(), "amount > 5 or amount is empty");
    ///
    /// let never = compile("amount > 5 and amount < 3", &Schema::demo(), &opts).unwrap();
    /// assert!(never.normalized().is_none());
    /// assert!(!never.matches(&json!({})));
    /// ```
    pub fn normalized(&self) -> Option<ast::Expr> {
        unparse::to_ast(&self.pred, self.tz).ok()
    }

    /// The normalized predicate drawn as a tree, one node per line: each field resolved,
    /// with its type; each test as a set or an interval; datetimes in the query's zone.
    /// For people (a REPL, a log line while debugging a filter); the layout may change
    /// between versions, so do not parse it.
    ///
    /// ```
    /// use filterql::{compile, Options, Schema};
    ///
    /// let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
    /// let q = compile(r#"金额 >= 10 and (状态 = "open" or phone verified)"#, &Schema::demo(), &opts)
    ///     .unwrap();
    /// assert_eq!(
    ///     q.explain(),
    ///     "and\n\
    ///      ├─ amount (number): in [10, +∞)\n\
    ///      └─ or\n   \
    ///         ├─ status (select): = \"open\"\n   \
    ///         └─ phone (phone): verified\n"
    /// );
    /// ```
    pub fn explain(&self) -> String {
        explain::tree(&self.pred, self.tz)
    }

    /// Whether a record (a JSON object shaped like a jdy data record) matches, under the
    /// two-valued semantics of grammar/README.md ("What a query means").
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
        eval::matches_in(&self.pred, record, self.tz)
    }
}

/// A placeholder for the impossible case of a compiled query's text failing to parse.
#[cold]
fn unreachable_ast() -> ast::Expr {
    syntax::parse("_ is empty").unwrap_or_else(|_| unreachable!("a constant query parses"))
}

impl std::fmt::Display for Query {
    /// The canonical query text (as `filterql fmt` prints it).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.ast(), f)
    }
}

impl serde::Serialize for Query {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Query", 3)?;
        st.serialize_field("query", &self.to_string())?;
        st.serialize_field("tz", &self.tz.to_string())?;
        st.serialize_field("clock", &self.clock.map(|c| c.to_rfc3339()))?;
        st.end()
    }
}

// The README's Rust examples run as doc-tests, so the README cannot drift from the API.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
