//! The jdy (Jiandaoyun) backend's public types; see [`Query::to_jdy`](crate::Query::to_jdy)
//! and [`Query::to_jdy_pushdown`](crate::Query::to_jdy_pushdown).

pub use crate::target::jdy::{
    decompile, DecompileError, JdyCond, JdyError, JdyFilter, JdyOptions, JdyPlan, ListRequest,
    Method, Rel, MAX_LIMIT, MAX_VALUES,
};
