//! Backends: one module per platform.

pub mod jdy;
pub mod masterdata;
pub mod sql;
