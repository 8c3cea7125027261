//! SQLite.
//!
//! `=` and `IN` use the BINARY collation (exact) unless a column was declared with
//! another one. LIKE folds ASCII case and `PRAGMA case_sensitive_like` is per
//! connection, so every LIKE is paired with an exact check (`instr`, `substr`) that
//! decides; the LIKE keeps the statement's intent readable and lets SQLite use a LIKE
//! index where one exists.

use super::dialect::Engine;
use super::frag::{push_decimal, Out};
use super::literal::LiteralError;
use super::lower::Values;
use crate::ir::Scalar;
use crate::syntax::ast::TextOp;

/// The SQLite engine.
pub(crate) struct Sqlite;

impl Engine for Sqlite {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn placeholder(&self, _n: usize) -> String {
        "?".into()
    }

    fn check_ident(&self, _name: &str) -> Result<(), String> {
        Ok(())
    }

    fn ident_quote(&self) -> char {
        '"'
    }

    fn exact_text(&self, out: &mut Out, col: &str) {
        out.push(col);
    }

    fn text_test(
        &self,
        out: &mut Out,
        v: &Values,
        col: &str,
        op: TextOp,
        pattern: &str,
        value: &str,
    ) -> Result<(), LiteralError> {
        out.push("(");
        out.push(col);
        out.push(" LIKE ");
        v.text(out, pattern)?;
        out.push(" ESCAPE '!' AND ");
        match op {
            TextOp::Contains => {
                out.push("instr(");
                out.push(col);
                out.push(", ");
                v.text(out, value)?;
                out.push(") > 0");
            }
            TextOp::StartsWith => {
                out.push("substr(");
                out.push(col);
                out.push(", 1, ");
                push_decimal(&mut out.sql, value.chars().count());
                out.push(") = ");
                v.text(out, value)?;
            }
            TextOp::EndsWith => {
                out.push("substr(");
                out.push(col);
                out.push(", -");
                push_decimal(&mut out.sql, value.chars().count());
                out.push(") = ");
                v.text(out, value)?;
            }
        }
        out.push(")");
        Ok(())
    }

    fn json_empty(&self, out: &mut Out, col: &str, numbers: bool) {
        let kept = if numbers {
            "\"j\".\"type\" IN ('integer', 'real')"
        } else {
            "\"j\".\"type\" = 'text' AND \"j\".\"value\" <> ''"
        };
        out.push("NOT EXISTS (SELECT 1 FROM (SELECT ");
        out.push(col);
        out.push(" AS \"v\") AS \"o\", json_each(NULLIF(\"o\".\"v\", '')) AS \"j\" WHERE ");
        out.push(kept);
        out.push(")");
    }

    fn json_has(
        &self,
        out: &mut Out,
        v: &Values,
        col: &str,
        elems: &[Scalar],
        any: bool,
    ) -> Result<(), LiteralError> {
        // The column is read in a FROM-less subquery: inside the EXISTS, an unqualified
        // name such as `value` or `key` would otherwise resolve to json_each's own
        // columns (verified on SQLite 3.40).
        let exists = |out: &mut Out, es: &[Scalar]| -> Result<(), LiteralError> {
            out.push("EXISTS (SELECT 1 FROM (SELECT ");
            out.push(col);
            out.push(" AS \"v\") AS \"o\", json_each(NULLIF(\"o\".\"v\", '')) AS \"j\" WHERE ");
            // `true` reads as the integer 1: the item's own type must match too.
            out.push(if matches!(es.first(), Some(Scalar::Text(_))) {
                "\"j\".\"type\" = 'text'"
            } else {
                "\"j\".\"type\" IN ('integer', 'real')"
            });
            out.push(" AND \"j\".\"value\" ");
            if let [e] = es {
                out.push("= ");
                v.scalar(out, e)?;
            } else {
                out.push("IN (");
                for (i, e) in es.iter().enumerate() {
                    if i > 0 {
                        out.push(", ");
                    }
                    v.scalar(out, e)?;
                }
                out.push(")");
            }
            out.push(")");
            Ok(())
        };
        if any || elems.len() == 1 {
            exists(out, elems)
        } else {
            out.push("(");
            for (i, e) in elems.iter().enumerate() {
                if i > 0 {
                    out.push(" AND ");
                }
                exists(out, std::slice::from_ref(e))?;
            }
            out.push(")");
            Ok(())
        }
    }
}
