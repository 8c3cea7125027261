//! The SQL backend's public types; see [`Query::to_sql`](crate::Query::to_sql).

pub use crate::target::sql::{Dialect, OrderBy, Select, SqlError, SqlFragment, SqlOptions};
