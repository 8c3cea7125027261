//! `filterql compile`: a query in a target's filter format.

use crate::args::{Dialect, TargetKind, TargetSpec};
use crate::batch::Produced;
use crate::engine::{self, Clock, Shape};
use crate::failure::Failure;
use filterql::{Diagnostics, Schema};

/// Everything a compilation needs besides the query.
pub struct Job {
    /// The schema.
    pub schema: Schema,
    /// The clock.
    pub clock: Clock,
    /// The target and dialect.
    pub target: TargetSpec,
    /// Output shape options.
    pub shape: Shape,
}

/// Checks the flag combination before any query is read: flags that do not apply to
/// the target are usage errors rather than silently ignored.
pub fn validate(
    target: TargetKind,
    dialect: Option<Dialect>,
    shape: &Shape,
) -> Result<TargetSpec, Failure> {
    let only = |flag: &str, on: &str| {
        Failure::usage(
            format!("{flag} only applies to --target {on}"),
            Some(&format!("drop {flag} or use --target {on}")),
        )
    };
    if target != TargetKind::Sql {
        if dialect.is_some() {
            return Err(only("--dialect", "sql"));
        }
        if shape.table.is_some() && !(target == TargetKind::Masterdata && shape.envelope) {
            return Err(Failure::usage(
                "--table only applies to --target sql, or to --target masterdata --envelope",
                Some("drop --table"),
            ));
        }
        if shape.params {
            return Err(only("--params", "sql"));
        }
    }
    if target != TargetKind::Jdy && shape.pushdown {
        return Err(only("--pushdown", "jdy"));
    }
    if target != TargetKind::Masterdata && shape.envelope {
        return Err(only("--envelope", "masterdata"));
    }
    if target == TargetKind::Masterdata && shape.envelope && shape.table.is_none() {
        return Err(Failure::usage(
            "the masterdata request envelope names the master data it queries",
            Some("pass --table NAME (sent as `metaDataName`)"),
        ));
    }
    Ok(TargetSpec {
        kind: target,
        dialect: dialect.unwrap_or_default(),
    })
}

/// Compiles one query for the job's target.
pub fn step(query: &str, job: &Job) -> Result<Produced, Diagnostics> {
    let q = engine::compile(query, &job.schema, &job.clock)?;
    match engine::render(&q, job.target, &job.shape) {
        Ok(output) => Ok(Produced {
            output,
            warnings: q.into_warnings(),
        }),
        Err(mut d) => {
            // Keep the checker's warnings next to the backend's errors.
            d.prepend(q.into_warnings());
            Err(d)
        }
    }
}

/// The flag that helps when jdy cannot express a filter exactly.
pub fn jdy_hint(d: &Diagnostics) -> Option<&'static str> {
    crate::repl::wants_pushdown(d).then_some(
        "--pushdown sends jdy what it can filter and prints the rest as a residual query to \
         evaluate client-side (filterql eval)",
    )
}
