//! What every fuzz target shares: the fixed schema and clock, and the compile step.
#![allow(dead_code)] // each target uses a different subset

use chrono::DateTime;
use filterql::{Options, Query, Schema};

/// A fixed clock, so a crash reproduces whatever day it is replayed on.
pub fn options() -> Options {
    Options::at(DateTime::parse_from_rfc3339("2024-05-01T12:00:00+08:00").expect("valid"))
}

/// The query text of the input, if it is UTF-8 (the language is text; invalid UTF-8
/// cannot reach the library through its `&str` API).
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Compiles against the demo schema (a field of most types plus a subform) and, when
/// that fails, in no-schema mode, so inputs naming unknown fields still reach the
/// backends through inferred types.
pub fn compile(text: &str) -> Option<Query> {
    let opts = options();
    filterql::compile(text, &Schema::demo(), &opts)
        .or_else(|_| filterql::compile(text, &Schema::none(), &opts))
        .ok()
}
