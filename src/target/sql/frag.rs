//! The statement under construction: one text buffer and the bound parameters.
//!
//! Lowering writes the statement front to back, so a parameter's placeholder is written
//! where it appears and PostgreSQL's `$1, $2, ...` are numbered in text order as they
//! are pushed. Nothing is built as separate pieces and joined later: every literal,
//! identifier and keyword goes straight into the one buffer.

use super::dialect::Dialect;
use crate::target::decimal::push_decimal;

/// SQL text with its parameters, written in order.
#[derive(Debug)]
pub(crate) struct Out {
    /// The text so far.
    pub(crate) sql: String,
    /// The parameters so far, in placeholder order.
    pub(crate) params: Vec<serde_json::Value>,
    dialect: Dialect,
}

/// A position in an [`Out`] to go back to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mark {
    sql: usize,
    params: usize,
}

impl Out {
    /// An empty statement with room for `capacity` bytes of text.
    pub(crate) fn new(dialect: Dialect, capacity: usize) -> Out {
        Out {
            sql: String::with_capacity(capacity),
            params: Vec::new(),
            dialect,
        }
    }

    /// Appends SQL text.
    pub(crate) fn push(&mut self, s: &str) {
        self.sql.push_str(s);
    }

    /// Appends a bound parameter and its placeholder.
    pub(crate) fn param(&mut self, v: serde_json::Value) {
        self.params.push(v);
        match self.dialect {
            Dialect::Mysql | Dialect::Sqlite => self.sql.push('?'),
            Dialect::Postgres => {
                self.sql.push('$');
                push_decimal(&mut self.sql, self.params.len() as u64);
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
    pub(crate) fn finish(self) -> (String, Vec<serde_json::Value>) {
        (self.sql, self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_placeholders_count_up_and_truncate_rewinds() {
        let mut out = Out::new(Dialect::Postgres, 0);
        out.push("a = ");
        out.param(serde_json::json!(1));
        let m = out.mark();
        out.push(" AND b = ");
        out.param(serde_json::json!(2));
        assert_eq!(out.sql, "a = $1 AND b = $2");
        out.truncate(m);
        out.push(" OR c = ");
        out.param(serde_json::json!(3));
        assert_eq!(
            out.finish(),
            (
                "a = $1 OR c = $2".to_owned(),
                vec![serde_json::json!(1), serde_json::json!(3)]
            )
        );
    }
}
