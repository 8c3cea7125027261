//! Backends: one module per platform.

pub(crate) mod decimal;
pub mod jdy;
pub(crate) mod json;
pub mod masterdata;
pub mod sql;

use crate::schema::Schema;
use chrono::{DateTime, FixedOffset};

/// The checker's errors (message, and help when it has one) on `text`: what
/// `filterql check` would say about a decompiled query. A decompiler's own reading of a
/// condition (its field type, the values it takes) can be looser than the checker's
/// (options of a select, flow states, fields a schema lacks), and printed text the
/// checker refuses would break the promise that the output compiles.
pub(crate) fn checker_errors(text: &str, schema: &Schema, tz: FixedOffset) -> Vec<String> {
    use miette::Diagnostic;
    let opts = crate::Options {
        tz: Some(tz),
        // Decompiled text holds no relative times, so the clock never matters.
        now: DateTime::UNIX_EPOCH.fixed_offset(),
    };
    match crate::compile(text, schema, &opts) {
        Ok(_) => Vec::new(),
        Err(diags) => diags
            .iter()
            .filter(|e| !e.is_warning())
            .map(|e| match e.help() {
                Some(help) => format!("{e} ({help})"),
                None => e.to_string(),
            })
            .collect(),
    }
}
