//! The statement under construction: one text buffer and the bound parameters.
//!
//! Lowering writes the statement front to back, so a parameter's placeholder is written
//! where it appears and PostgreSQL's `$1, $2, ...` are numbered in text order as they
//! are pushed. Nothing is built as separate pieces and joined later: every literal,
//! identifier and keyword goes straight into the one buffer.

use super::dialect::Dialect;
use super::literal::{self, LiteralError};
use super::SqlParam;
use crate::target::decimal::push_decimal;
use crate::target::json::push_json_str;
use crate::timefmt::Civil;

/// SQL text with its parameters, written in order.
#[derive(Debug)]
pub(crate) struct Out {
    /// The text so far.
    pub(crate) sql: String,
    /// The parameters so far, in placeholder order (empty when they go to `json`).
    pub(crate) params: Vec<SqlParam>,
    /// When the statement is wanted as `{"sql", "params"}` JSON text: the parameters
    /// so far as the items of its array (comma-separated), written as they come instead
    /// of kept as values (a text parameter then costs no allocation of its own).
    json: Option<String>,
    /// How many parameters so far.
    count: usize,
    dialect: Dialect,
    /// The number of the first placeholder (PostgreSQL), at least 1.
    first: usize,
}

/// A position in an [`Out`] to go back to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mark {
    sql: usize,
    params: usize,
    json: usize,
}

impl Out {
    /// An empty statement with room for `capacity` bytes of text and `params`
    /// parameters (used only in parameterised mode), whose first placeholder is number
    /// `first` (at least 1).
    pub(crate) fn new(dialect: Dialect, capacity: usize, params: usize, first: usize) -> Out {
        Out {
            sql: String::with_capacity(capacity),
            params: Vec::with_capacity(params),
            json: None,
            count: 0,
            dialect,
            first: first.max(1),
        }
    }

    /// [`Out::new`] for a statement wanted as JSON text ([`Out::finish_json`]), with
    /// room for `json` bytes of parameter items.
    pub(crate) fn new_json(dialect: Dialect, capacity: usize, json: usize, first: usize) -> Out {
        Out {
            json: Some(String::with_capacity(json)),
            ..Out::new(dialect, capacity, 0, first)
        }
    }

    /// The parameter list to write the next item into, after its comma (JSON mode).
    fn json_item(&mut self) -> Option<&mut String> {
        let count = self.count;
        let j = self.json.as_mut()?;
        if count > 0 {
            j.push(',');
        }
        Some(j)
    }

    /// Appends a text parameter and its placeholder.
    pub(crate) fn param_text(&mut self, s: &str) {
        match self.json_item() {
            Some(j) => push_json_str(j, s),
            None => self.params.push(SqlParam::Text(s.to_owned())),
        }
        self.placeholder(None);
    }

    /// Appends a timestamp parameter (`c`, whose year is 1–9999, as a
    /// [`SqlParam::Timestamp`]) and its placeholder.
    pub(crate) fn param_civil(&mut self, c: &Civil) -> Result<(), LiteralError> {
        match self.json_item() {
            Some(j) => {
                // What `SqlParam::Timestamp` serializes as: digits and separators only.
                j.push('"');
                c.push(j, b' ', true, None);
                j.push('"');
            }
            None => self.params.push(SqlParam::Timestamp(literal::civil_naive(c)?)),
        }
        self.placeholder(None);
        Ok(())
    }

    /// Appends SQL text.
    // Inlined so that the constant pieces (`, `, ` AND `, ...) are copied as what they
    // are instead of through a `memcpy` call each.
    #[inline]
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
        match self.json_item() {
            Some(j) => v.push_json(j),
            None => self.params.push(v),
        }
        self.placeholder(cast);
    }

    /// Counts the parameter just added and writes its placeholder, with `cast` after a
    /// PostgreSQL one.
    fn placeholder(&mut self, cast: Option<&str>) {
        self.count += 1;
        match self.dialect {
            Dialect::Mysql | Dialect::Sqlite => self.sql.push('?'),
            Dialect::Postgres => {
                self.sql.push('$');
                push_decimal(&mut self.sql, (self.first - 1).saturating_add(self.count) as u64);
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
            params: self.count,
            json: self.json.as_ref().map_or(0, String::len),
        }
    }

    /// Drops everything written after `m` (text and parameters).
    pub(crate) fn truncate(&mut self, m: Mark) {
        self.sql.truncate(m.sql);
        self.params.truncate(m.params);
        self.count = m.params;
        if let Some(j) = &mut self.json {
            j.truncate(m.json);
        }
    }

    /// The text and the parameters.
    pub(crate) fn finish(self) -> (String, Vec<SqlParam>) {
        (self.sql, self.params)
    }

    /// The statement as `{"sql": ..., "params": [...]}` JSON text: exactly
    /// [`SqlFragment::to_json`](super::SqlFragment::to_json) of the fragment
    /// [`Out::finish`] would give in the other mode.
    pub(crate) fn finish_json(self) -> String {
        let items = self.json.unwrap_or_default();
        let mut out = String::with_capacity(self.sql.len() + items.len() + 40);
        out.push_str(r#"{"sql":"#);
        super::push_json_text(&mut out, &self.sql);
        out.push_str(r#","params":["#);
        out.push_str(&items);
        out.push_str("]}");
        out
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
