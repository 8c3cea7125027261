//! `filterql check`: type-check a query, print nothing but diagnostics.

use crate::batch::Produced;
use crate::engine::{self, Clock};
use crate::output::Output;
use filterql::{Diagnostics, Schema};

/// Compiles `query` and keeps only its warnings.
pub fn step(query: &str, schema: &Schema, clock: &Clock) -> Result<Produced, Diagnostics> {
    let q = engine::compile(query, schema, clock)?;
    Ok(Produced {
        output: Output::Nothing,
        warnings: q.into_warnings(),
    })
}
