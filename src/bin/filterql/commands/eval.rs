//! `filterql eval`: the records a query matches, as a JSON array in input order.

use crate::batch::Produced;
use crate::engine::{self, Clock};
use crate::output::Output;
use filterql::{Diagnostics, Schema};
use serde_json::Value;

/// Compiles `query` and filters `records` with it.
pub fn step(
    query: &str,
    schema: &Schema,
    clock: &Clock,
    records: &[Value],
) -> Result<Produced, Diagnostics> {
    let q = engine::compile(query, schema, clock)?;
    Ok(Produced {
        output: Output::Json(Value::Array(engine::filter_records(&q, records))),
        warnings: q.into_warnings(),
    })
}
