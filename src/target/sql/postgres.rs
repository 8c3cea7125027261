//! PostgreSQL.
//!
//! Text comparison and LIKE are exact under the deterministic collations PostgreSQL
//! uses by default, so columns are compared as they are. JSON-array columns may be
//! `jsonb`, `json` or `text`: they are read through `::text` and `NULLIF(.., '')` so an
//! empty text value never reaches the JSON parser.

use super::dialect::Engine;
use super::frag::Frag;
use super::literal::LiteralError;
use super::lower::Values;
use crate::ir::Scalar;
use crate::syntax::ast::TextOp;

/// The PostgreSQL engine.
pub(crate) struct Postgres;

/// PostgreSQL silently truncates longer names to NAMEDATALEN - 1 bytes.
const MAX_IDENT_BYTES: usize = 63;

impl Engine for Postgres {
    fn name(&self) -> &'static str {
        "postgres"
    }

    fn placeholder(&self, n: usize) -> String {
        format!("${n}")
    }

    fn quote_ident(&self, name: &str) -> Result<String, String> {
        if name.len() > MAX_IDENT_BYTES {
            return Err(format!(
                "PostgreSQL truncates identifiers longer than {MAX_IDENT_BYTES} bytes; this one has {}",
                name.len()
            ));
        }
        Ok(super::literal::quote_doubling(name, '"'))
    }

    fn exact_text(&self, col: &str) -> Frag {
        Frag::sql(col)
    }

    fn text_test(&self, col: &str, _op: TextOp, pattern: &Frag, _v: &Frag, _n: usize) -> Frag {
        Frag::fill("{} LIKE {} ESCAPE '!'", &[&Frag::sql(col), pattern])
    }

    fn json_empty(&self, col: &str, numbers: bool) -> Frag {
        // The alias names only the table: a column of the user's table named like an
        // item column cannot be captured, as `col` is read in the function argument.
        let kept = if numbers {
            "jsonb_typeof(\"fq_items\".\"value\") = 'number'"
        } else {
            "jsonb_typeof(\"fq_items\".\"value\") = 'string' AND \"fq_items\".\"value\" <> '\"\"'::jsonb"
        };
        let mut f = Frag::sql("NOT EXISTS (SELECT 1 FROM jsonb_array_elements(CAST(NULLIF(CAST(");
        f.push(col)
            .push(" AS text), '') AS jsonb)) AS \"fq_items\" WHERE ")
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
        let one = |es: &[Scalar]| -> Result<Frag, LiteralError> {
            Ok(Frag::fill(
                "CAST(NULLIF(CAST({} AS text), '') AS jsonb) @> CAST({} AS jsonb)",
                &[&Frag::sql(col), &v.json(es)?],
            ))
        };
        if any && elems.len() > 1 {
            let parts = elems
                .iter()
                .map(|e| one(std::slice::from_ref(e)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Frag::join(&parts, " OR ").paren())
        } else {
            one(elems)
        }
    }
}
