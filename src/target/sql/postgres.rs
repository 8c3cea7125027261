//! PostgreSQL.
//!
//! Text comparison and LIKE are exact under the deterministic collations PostgreSQL
//! uses by default, so columns are compared as they are. JSON-array columns may be
//! `jsonb`, `json` or `text`: they are read through `::text` and `NULLIF(.., '')` so an
//! empty text value never reaches the JSON parser.

use super::dialect::Engine;
use super::frag::{Col, Out};
use super::literal::LiteralError;
use super::lower::{has_contained, Values};
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

    fn check_ident(&self, name: &str) -> Result<(), String> {
        if name.len() > MAX_IDENT_BYTES {
            return Err(format!(
                "PostgreSQL truncates identifiers longer than {MAX_IDENT_BYTES} bytes; this one has {}",
                name.len()
            ));
        }
        Ok(())
    }

    fn text_test(
        &self,
        out: &mut Out,
        v: &Values,
        col: Col<'_>,
        _op: TextOp,
        pattern: &str,
        _value: &str,
    ) -> Result<(), LiteralError> {
        out.push_col(col);
        out.push(" LIKE ");
        v.text(out, pattern)?;
        out.push(" ESCAPE '!'");
        Ok(())
    }

    fn json_items(&self, out: &mut Out, col: Col<'_>) {
        // The alias names only the table: a column of the user's table named like an
        // item column cannot be captured, as `col` is read in the function argument.
        out.push("jsonb_array_elements(CAST(NULLIF(CAST(");
        out.push_col(col);
        out.push(" AS text), '') AS jsonb)) AS \"fq_items\"");
    }

    fn item_kept(&self, numbers: bool) -> &'static str {
        if numbers {
            "jsonb_typeof(\"fq_items\".\"value\") = 'number'"
        } else {
            "jsonb_typeof(\"fq_items\".\"value\") = 'string' AND \"fq_items\".\"value\" <> '\"\"'::jsonb"
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
        let one = |out: &mut Out, es: &[Scalar]| -> Result<(), LiteralError> {
            out.push("CAST(NULLIF(CAST(");
            out.push_col(col);
            out.push(" AS text), '') AS jsonb) @> CAST(");
            v.json(out, es)?;
            out.push(" AS jsonb)");
            Ok(())
        };
        has_contained(out, elems, any, one)
    }
}
