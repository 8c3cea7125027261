//! The SQL backend as a method of a compiled [`Query`].

use super::{compile_where, Dialect, Select, SqlFragment, SqlOptions};
use crate::{Diagnostics, Query};

impl Query {
    /// The query as a `SELECT` statement in `dialect` (datetimes in the query's zone),
    /// inline or parameterised; on failure, every reason, as diagnostics over the
    /// query text (`filterql compile --target sql`).
    pub fn to_sql(
        &self,
        dialect: Dialect,
        select: &Select,
        params: bool,
    ) -> Result<SqlFragment, Diagnostics> {
        select
            .render(&self.pred, dialect, &self.sql_options(params))
            .map_err(|errs| self.sql_diagnostics(errs))
    }

    /// Only the condition (what follows `WHERE`), for embedding in a larger statement.
    pub fn to_sql_where(&self, dialect: Dialect, params: bool) -> Result<SqlFragment, Diagnostics> {
        compile_where(&self.pred, dialect, &self.sql_options(params))
            .map_err(|errs| self.sql_diagnostics(errs))
    }

    fn sql_options(&self, params: bool) -> SqlOptions {
        SqlOptions {
            tz: self.tz,
            params,
        }
    }

    fn sql_diagnostics(&self, errs: Vec<super::SqlError>) -> Diagnostics {
        let mut d = Diagnostics::new(self.source.clone());
        for e in errs {
            d.push(e);
        }
        d
    }
}
