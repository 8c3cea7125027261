//! The statement under construction: one text buffer and the bound parameters.
//!
//! Lowering writes the statement front to back, so a parameter's placeholder is written
//! where it appears and PostgreSQL's `$1, $2, ...` are numbered in text order as they
//! are pushed. Nothing is built as separate pieces and joined later: every literal,
//! identifier and keyword goes straight into the one buffer.

use super::dialect::Dialect;
use super::SqlParam;
use crate::target::decimal::push_decimal;

/// SQL text with its parameters, written in order.
#[derive(Debug)]
pub(crate) struct Out {
    /// The text so far.
    pub(crate) sql: String,
    /// The parameters so far, in placeholder order.
    pub(crate) params: Vec<SqlParam>,
    dialect: Dialect,
    /// The number of the first placeholder (PostgreSQL), at least 1.
    first: usize,
}

/// A position in an [`Out`] to go back to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mark {
    sql: usize,
    params: usize,
}

impl Out {
    /// An empty statement with room for `capacity` bytes of text and `params`
    /// parameters (used only in parameterised mode), whose first placeholder is number
    /// `first` (at least 1).
    pub(crate) fn new(dialect: Dialect, capacity: usize, params: usize, first: usize) -> Out {
        Out {
            sql: String::with_capacity(capacity),
            params: Vec::with_capacity(params),
            dialect,
            first: first.max(1),
        }
    }

    /// Appends SQL text.
    pub(crate) fn push(&mut self, s: &str) {
        self.sql.push_str(s);
    }

    /// Appends a bound parameter and its placeholder.
    ///
    /// On PostgreSQL a number's placeholder is cast to its own type, as an inline literal
    /// has one: `float8` for a fraction, `int8` for a whole number (exact beyond 2^53,
    /// where `float8` would round). The parameter's type then no longer depends on the
    /// column's (an integer, `numeric` or `float8` column all compare with either), so a
    /// fraction never meets an `integer` placeholder it cannot bind to.
    pub(crate) fn param(&mut self, v: SqlParam) {
        let cast = match v {
            SqlParam::Int(_) => Some("::int8"),
            SqlParam::Float(_) => Some("::float8"),
            _ => None,
        };
        self.params.push(v);
        match self.dialect {
            Dialect::Mysql | Dialect::Sqlite => self.sql.push('?'),
            Dialect::Postgres => {
                self.sql.push('$');
                push_decimal(
                    &mut self.sql,
                    (self.first - 1).saturating_add(self.params.len()) as u64,
                );
                if let Some(cast) = cast {
                    self.sql.push_str(cast);
                }
            }
        }
    }

    /// The current position.
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            sql: self.sql.len(),
            params: self.params.len(),
        }
    }

    /// Drops everything written after `m` (text and parameters).
    pub(crate) fn truncate(&mut self, m: Mark) {
        self.sql.truncate(m.sql);
        self.params.truncate(m.params);
    }

    /// The text and the parameters.
    pub(crate) fn finish(self) -> (String, Vec<SqlParam>) {
        (self.sql, self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_placeholders_count_up_and_truncate_rewinds() {
        let mut out = Out::new(Dialect::Postgres, 0, 0, 1);
        out.push("a = ");
        out.param(SqlParam::Int(1));
        let m = out.mark();
        out.push(" AND b = ");
        out.param(SqlParam::Int(2));
        assert_eq!(out.sql, "a = $1::int8 AND b = $2::int8");
        out.truncate(m);
        out.push(" OR c = ");
        out.param(SqlParam::Text("x".into()));
        assert_eq!(
            out.finish(),
            (
                "a = $1::int8 OR c = $2".to_owned(),
                vec![SqlParam::Int(1), SqlParam::Text("x".into())]
            )
        );
    }

    #[test]
    fn placeholders_start_where_asked() {
        let mut out = Out::new(Dialect::Postgres, 0, 0, 3);
        out.param(SqlParam::Text("a".into()));
        out.push(", ");
        out.param(SqlParam::Text("b".into()));
        assert_eq!(out.sql, "$3, $4");
        let mut out = Out::new(Dialect::Sqlite, 0, 0, 3);
        out.param(SqlParam::Text("a".into()));
        assert_eq!(out.sql, "?");
    }
}
