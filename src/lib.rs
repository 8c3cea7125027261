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
