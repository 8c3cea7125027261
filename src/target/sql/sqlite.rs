//! SQLite.
//!
//! `=` and `IN` use the BINARY collation (exact) unless a column was declared with
//! another one. LIKE folds ASCII case and `PRAGMA case_sensitive_like` is per
//! connection, so every LIKE is paired with an exact check (`instr`, `substr`) that
//! decides; the LIKE keeps the statement's intent readable and lets SQLite use a LIKE
//! index where one exists.

use super::dialect::Engine;
use super::frag::Frag;
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

    fn quote_ident(&self, name: &str) -> Result<String, String> {
        Ok(super::literal::quote_doubling(name, '"'))
    }

    fn exact_text(&self, col: &str) -> Frag {
        Frag::sql(col)
    }

    fn text_test(&self, col: &str, op: TextOp, pattern: &Frag, v: &Frag, n: usize) -> Frag {
        // The column goes in as an operand, never into the template: a quoted name may
        // itself contain `{}`.
        let c = Frag::sql(col);
        let exact = match op {
            TextOp::Contains => Frag::fill("instr({}, {}) > 0", &[&c, v]),
            TextOp::StartsWith => Frag::fill(&format!("substr({{}}, 1, {n}) = {{}}"), &[&c, v]),
            TextOp::EndsWith => Frag::fill(&format!("substr({{}}, -{n}) = {{}}"), &[&c, v]),
        };
        Frag::fill("({} LIKE {} ESCAPE '!' AND {})", &[&c, pattern, &exact])
    }

    fn json_empty(&self, col: &str, numbers: bool) -> Frag {
        let kept = if numbers {
            "\"j\".\"type\" IN ('integer', 'real')"
        } else {
            "\"j\".\"type\" = 'text' AND \"j\".\"value\" <> ''"
        };
        let mut f = Frag::sql("NOT EXISTS (SELECT 1 FROM (SELECT ");
        f.push(col)
            .push(" AS \"v\") AS \"o\", json_each(NULLIF(\"o\".\"v\", '')) AS \"j\" WHERE ")
            .push(kept)
            .push(")");
        f
    }

    fn json_has(
        &self,
        v: &Values,
        col: &str,
        elems: &[Scalar],
        any: bool,
    ) -> Result<Frag, LiteralError> {
        // The column is read in a FROM-less subquery: inside the EXISTS, an unqualified
        // name such as `value` or `key` would otherwise resolve to json_each's own
        // columns (verified on SQLite 3.40).
        let exists = |es: &[Scalar]| -> Result<Frag, LiteralError> {
            let vals = es
                .iter()
                .map(|e| v.scalar(e))
                .collect::<Result<Vec<_>, _>>()?;
            let head = format!(
                "EXISTS (SELECT 1 FROM (SELECT {col} AS \"v\") AS \"o\", \
                 json_each(NULLIF(\"o\".\"v\", '')) AS \"j\" WHERE {} AND \"j\".\"value\" ",
                // `true` reads as the integer 1: the item's own type must match too.
                if matches!(es.first(), Some(Scalar::Text(_))) {
                    "\"j\".\"type\" = 'text'"
                } else {
                    "\"j\".\"type\" IN ('integer', 'real')"
                }
            );
            let mut f = Frag::sql(head);
            if vals.len() == 1 {
                f.push("= ").append(&vals[0]);
            } else {
                f.push("IN (").append(&Frag::join(&vals, ", ")).push(")");
            }
            f.push(")");
            Ok(f)
        };
        if any || elems.len() == 1 {
            exists(elems)
        } else {
            let parts = elems
                .iter()
                .map(|e| exists(std::slice::from_ref(e)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Frag::join(&parts, " AND ").paren())
        }
    }
}
