//! The SQL backend as methods of a compiled [`Query`].

use super::{select_in, select_out, where_in, where_out, SqlError, SqlFragment, SqlOptions};
use crate::{Diagnostics, Query, Span};

impl Query {
    /// The query as a `SELECT` statement: `SELECT <columns> FROM <table> WHERE
    /// <condition> [ORDER BY ..] [LIMIT n]`, shaped by `opts` (which must name a
    /// table), inline or parameterised. Datetimes are compared as local time in the
    /// query's zone unless [`SqlOptions::tz`] says otherwise. See
    /// `crate::target::sql` for the storage model the statement assumes.
    ///
    /// ```
    /// # #[cfg(feature = "rusqlite")] {
    /// use filterql::target::sql::{Dialect, SqlOptions};
    /// use filterql::{compile, Options, Schema};
    ///
    /// let schema = Schema::from_json(r#"{"fields": [
    ///     {"name": "status", "label": "状态", "type": "text"},
    ///     {"name": "order_no", "type": "text"}
    /// ]}"#).unwrap();
    /// let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
    /// let query = compile(r#"状态 != "open" and order_no startswith "PO-""#, &schema, &opts)
    ///     .unwrap();
    ///
    /// let stmt = query
    ///     .to_sql(&SqlOptions::new(Dialect::Sqlite).table("orders").columns(["id"]).params(true))
    ///     .unwrap();
    ///
    /// let db = rusqlite::Connection::open_in_memory().unwrap();
    /// db.execute_batch(
    ///     "CREATE TABLE orders (id INTEGER, status TEXT, order_no TEXT);
    ///      INSERT INTO orders VALUES (1, 'open', 'PO-1'), (2, 'closed', 'PO-2'),
    ///                                (3, 'closed', 'SO-3'), (4, NULL, 'PO-4');",
    /// )
    /// .unwrap();
    /// // `SqlParam` implements `rusqlite::ToSql` (feature `rusqlite`).
    /// let mut st = db.prepare(stmt.sql()).unwrap();
    /// let ids: Vec<i64> = st
    ///     .query_map(rusqlite::params_from_iter(stmt.params()), |r| r.get(0))
    ///     .unwrap()
    ///     .collect::<Result<_, _>>()
    ///     .unwrap();
    /// assert_eq!(ids, [2, 4]);
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// Every reason the statement cannot be written, as diagnostics over the query
    /// text: tests the storage model has no exact form for, subform fields, values no
    /// column holds (text with NUL, datetimes outside the engine's years), names the
    /// engine would refuse or truncate, nesting deeper than engines parse, and
    /// [`SqlError::NoTable`] when `opts` names no table.
    pub fn to_sql(&self, opts: &SqlOptions) -> Result<SqlFragment, Diagnostics> {
        select_in(&self.pred, opts, opts.tz.unwrap_or(self.tz()), Some(self.source().len()))
            .map_err(|e| self.sql_diagnostics(e))
    }

    /// Only the condition (what follows `WHERE`), for embedding in a statement of the
    /// caller's: the table, columns, order and limit of `opts` are not used. With
    /// [`SqlOptions::first_placeholder`] its parameters can follow the caller's own.
    ///
    /// ```
    /// use filterql::target::sql::{Dialect, SqlOptions, SqlParam};
    /// use filterql::{compile, Options, Schema};
    ///
    /// let schema = Schema::from_json(r#"{"fields": [{"name": "amount", "type": "number"}]}"#)
    ///     .unwrap();
    /// let query = compile("amount > 5", &schema, &Options::at("2024-05-01T12:00:00+08:00".parse().unwrap()))
    ///     .unwrap();
    ///
    /// let cond = query
    ///     .to_sql_where(&SqlOptions::new(Dialect::Postgres).params(true).first_placeholder(2))
    ///     .unwrap();
    /// assert_eq!(cond.sql(), r#""amount" > $2::int8"#);
    /// let sql = format!("SELECT id FROM orders WHERE tenant = $1 AND {}", cond.sql());
    /// let mut params = vec![SqlParam::from("acme")];
    /// params.extend(cond.into_parts().1);
    /// assert_eq!(params, [SqlParam::from("acme"), SqlParam::Int(5)]);
    /// # let _ = sql;
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Query::to_sql`], except that no table is needed.
    pub fn to_sql_where(&self, opts: &SqlOptions) -> Result<SqlFragment, Diagnostics> {
        where_in(&self.pred, opts, opts.tz.unwrap_or(self.tz()), Some(self.source().len()))
            .map_err(|e| self.sql_diagnostics(e))
    }

    /// [`Query::to_sql`] as the JSON text `{"sql": ..., "params": [...]}` (what
    /// `filterql compile --target sql --params` prints): exactly
    /// [`SqlFragment::to_json`] of that fragment, written without keeping the
    /// parameters as [`SqlParam`](super::SqlParam) values, for callers that pass the
    /// statement on as JSON.
    ///
    /// # Errors
    ///
    /// As [`Query::to_sql`].
    pub fn to_sql_json(&self, opts: &SqlOptions) -> Result<String, Diagnostics> {
        select_out(&self.pred, opts, opts.tz.unwrap_or(self.tz()), true, Some(self.source().len()))
            .map(|out| out.finish_json())
            .map_err(|e| self.sql_diagnostics(e))
    }

    /// [`Query::to_sql_where`] as JSON text, as [`Query::to_sql_json`].
    ///
    /// ```
    /// use filterql::sql::{Dialect, SqlOptions};
    /// use filterql::{compile, Options, Schema};
    ///
    /// let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
    /// let q = compile(r#"amount > 5 and class = "A""#, &Schema::demo(), &opts).unwrap();
    /// let sql = SqlOptions::new(Dialect::Postgres).params(true);
    /// assert_eq!(
    ///     q.to_sql_where_json(&sql).unwrap(),
    ///     q.to_sql_where(&sql).unwrap().to_json()
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Query::to_sql_where`].
    pub fn to_sql_where_json(&self, opts: &SqlOptions) -> Result<String, Diagnostics> {
        where_out(&self.pred, opts, opts.tz.unwrap_or(self.tz()), true, Some(self.source().len()))
            .map(|out| out.finish_json())
            .map_err(|e| self.sql_diagnostics(e))
    }

    fn sql_diagnostics(&self, errs: Vec<SqlError>) -> Diagnostics {
        let mut d = Diagnostics::new(self.source().to_owned());
        let whole = Span::new(0, self.source().len());
        for e in errs {
            d.push(match e {
                SqlError::NoTable { .. } => SqlError::NoTable { span: whole },
                e => e,
            });
        }
        d
    }
}
