//! `filterql eval`: the records a query matches, as a JSON array in input order.

use crate::batch::Produced;
use crate::engine::{self, Clock};
use crate::output::Output;
use filterql::{Diagnostics, Schema};
use serde_json::Value;

/// Compiles `query` and filters `records` with it; with `count`, only the number of
/// matches is printed.
pub fn step(
    query: &str,
    schema: &Schema,
    clock: &Clock,
    records: &[Value],
    count: bool,
) -> Result<Produced, Diagnostics> {
    let q = engine::compile(query, schema, clock)?;
    let hits = engine::filter_records(&q, records);
    let output = if count {
        Output::Json(Value::from(hits.len()))
    } else {
        Output::Json(Value::Array(hits))
    };
    Ok(Produced {
        output,
        warnings: q.into_warnings(),
    })
}
