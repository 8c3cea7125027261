//! What every fuzz target shares: the fixed schema and clock, the compile step, and the
//! checks every report must pass.
#![allow(dead_code)] // each target uses a different subset

use chrono::DateTime;
use filterql::{Diagnostics, Options, Query, Schema};
use miette::Diagnostic;

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
    let demo = filterql::compile(text, &Schema::demo(), &opts);
    if let Err(d) = &demo {
        assert_sound(d);
    }
    demo.or_else(|_| filterql::compile(text, &Schema::none(), &opts))
        .map_err(|d| assert_sound(&d))
        .ok()
}

/// Codes that only hand-built trees can produce: from query text they are internal
/// errors (an invariant of the parser, checker or normalizer broke).
const INTERNAL: &[&str] = &[
    "filterql::check::too_deep",
    "filterql::check::empty",
    "filterql::jdy::too_deep",
];

/// Every check a report of query text must pass: no internal error, every label inside
/// the text with its positions consistent, at most 32 items plus the count of the
/// rest.
pub fn assert_sound(d: &Diagnostics) {
    assert!(d.len() <= filterql::diagnostic::MAX_DIAGNOSTICS + 1, "{} items", d.len());
    for e in d.iter() {
        let code = e.code().map(|c| c.to_string()).unwrap_or_default();
        assert!(!INTERNAL.contains(&code.as_str()), "internal error from text: {code}: {e}");
    }
    for j in d.to_json() {
        for l in j.labels {
            assert!(l.start <= l.end && l.end <= d.source().len(), "{l:?}");
            assert!(l.start_char <= l.end_char && l.start_utf16 <= l.end_utf16, "{l:?}");
            assert!(l.start_char <= l.start && l.start_utf16 <= l.start, "{l:?}");
            assert!((l.line, l.column) <= (l.end_line, l.end_column), "{l:?}");
        }
    }
}

/// Renders `d` for a terminal and checks what a terminal receives: no control
/// character but the line feed, no bidi control, and a size bounded per item whatever
/// the query's length.
pub fn assert_renders_safely(d: &Diagnostics) {
    let out = d.render(80, false);
    let hostile = out.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
    });
    assert_eq!(hostile, None, "raw control character in the rendering");
    // A clipped window, a message and help of at most 400 characters each, per item.
    assert!(out.len() <= 8_192 * d.len().max(1), "{} bytes for {} items", out.len(), d.len());
}
