//! The SQL backend's public types: the options and the statement
//! [`Query::to_sql`](crate::Query::to_sql) and [`Query::to_sql_where`](crate::Query::to_sql_where)
//! take and return, and the typed parameters that bind through the drivers (features
//! `rusqlite`, `postgres`, `mysql`).

pub use crate::target::sql::{Dialect, SqlError, SqlFragment, SqlOptions, SqlParam};
