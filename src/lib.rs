//! # filterql
//!
//! A compiler for a small textual filter language into the filter formats of Jiandaoyun
//! (jdy), an industrial master-data API and SQL (MySQL, PostgreSQL, SQLite).
//!
//! Pipeline: text → [`syntax::parse`] → [`syntax::ast::Expr`] → [`check`] against a
//! [`Schema`] → [`ir::Pred`] → [`normalize`] → a backend in [`target`]; [`eval`] is the
//! reference semantics every backend is tested against.
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

/// A compiled query: the source, its syntax tree and its checked, normalized predicate.
#[derive(Debug)]
pub struct Query {
    /// The query text.
    pub source: String,
    /// The syntax tree.
    pub ast: syntax::ast::Expr,
    /// The checked predicate, normalized (negation normal form, flattened, folded).
    pub pred: ir::Pred,
    /// Warnings of the check (e.g. types inferred without a schema); never errors.
    pub warnings: Diagnostics,
    /// The time zone dates were read in (the backends render datetimes in it).
    pub tz: FixedOffset,
}

/// Parses, checks and normalizes `text` against `schema`.
///
/// On failure the [`Diagnostics`] hold every syntax error, or every check error (with
/// any warning); render them with [`Diagnostics::render`].
pub fn compile(text: &str, schema: &Schema, opts: &Options) -> Result<Query, Diagnostics> {
    let ast = syntax::parse(text)?;
    let mut diags = Diagnostics::new(text);
    match check::check(&ast, schema, opts, &mut diags) {
        Some(pred) if !diags.has_errors() => Ok(Query {
            source: text.to_owned(),
            ast,
            pred: normalized(pred),
            warnings: diags,
            tz: opts.tz.unwrap_or(schema.timezone),
        }),
        _ => Err(diags),
    }
}

/// Normalization is the eval engineer's pass; until it lands the checked tree is kept
/// as is (it already means the same).
fn normalized(pred: ir::Pred) -> ir::Pred {
    pred
}
