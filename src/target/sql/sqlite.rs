//! SQLite.
//!
//! `=` and `IN` use the BINARY collation (exact) unless a column was declared with
//! another one. LIKE folds ASCII case and `PRAGMA case_sensitive_like` is per
//! connection, so every LIKE is paired with an exact check (`instr`, `substr`) that
//! decides; the LIKE keeps the statement's intent readable and lets SQLite use a LIKE
//! index where one exists.

use super::dialect::Engine;
use super::frag::{Col, Out};
use super::literal::LiteralError;
use super::lower::{has_each, Values};
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

    fn text_test(
        &self,
        out: &mut Out,
        v: &Values,
        col: Col<'_>,
        op: TextOp,
        pattern: &str,
        value: &str,
    ) -> Result<(), LiteralError> {
        out.push("(");
        out.push_col(col);
        out.push(" LIKE ");
        v.text(out, pattern)?;
        out.push(" ESCAPE '!' AND ");
        match op {
            TextOp::Contains => {
                out.push("instr(");
                out.push_col(col);
                out.push(", ");
                v.text(out, value)?;
                out.push(") > 0");
            }
            // The first or last as many characters as the operand has.
            TextOp::StartsWith | TextOp::EndsWith => {
                out.push("substr(");
                out.push_col(col);
                out.push(if op == TextOp::StartsWith {
                    ", 1, "
                } else {
                    ", -"
                });
                out.push_decimal(value.chars().count() as u64);
                out.push(") = ");
                v.text(out, value)?;
            }
        }
        out.push(")");
        Ok(())
    }

    fn json_items(&self, out: &mut Out, col: Col<'_>) {
        // The column is read in a FROM-less subquery: inside the EXISTS, an unqualified
        // name such as `value` or `key` would otherwise resolve to json_each's own
        // columns (verified on SQLite 3.40).
        out.push("(SELECT ");
        out.push_col(col);
        out.push(" AS \"v\") AS \"o\", json_each(NULLIF(\"o\".\"v\", '')) AS \"j\"");
    }

    fn item_kept(&self, numbers: bool) -> &'static str {
        if numbers {
            "\"j\".\"type\" IN ('integer', 'real')"
        } else {
            "\"j\".\"type\" = 'text' AND \"j\".\"value\" <> ''"
        }
    }

    fn json_has(
        &self,
        out: &mut Out,
        v: &Values,
        col: Col<'_>,
        elems: &[Scalar],
        any: bool,
    ) -> Result<(), LiteralError> {
        let exists = |out: &mut Out, es: &[Scalar]| -> Result<(), LiteralError> {
            self.items_exist(out, col);
            // `true` reads as the integer 1: the item's own type must match too.
            out.push(if matches!(es.first(), Some(Scalar::Text(_))) {
                "\"j\".\"type\" = 'text'"
            } else {
                "\"j\".\"type\" IN ('integer', 'real')"
            });
            out.push(" AND \"j\".\"value\" ");
            v.eq_or_in(out, es)?;
            out.push(")");
            Ok(())
        };
        has_each(out, elems, any, exists)
    }
}
