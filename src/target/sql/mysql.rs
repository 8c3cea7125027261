//! MySQL and MariaDB.
//!
//! The default collations fold case and accents (`utf8mb4_general_ci`,
//! `utf8mb4_0900_ai_ci`) and ignore trailing spaces (PAD SPACE), so every text
//! comparison casts the column to a binary string: bytes are compared, which for a
//! utf8mb4 column is exactly the language's comparison.

use super::dialect::Engine;
use super::frag::Frag;
use super::literal::LiteralError;
use super::lower::Values;
use crate::ir::Scalar;
use crate::syntax::ast::TextOp;

/// The MySQL/MariaDB engine.
pub(crate) struct Mysql;

/// MySQL's limit on identifier length, in characters.
const MAX_IDENT_CHARS: usize = 64;

impl Engine for Mysql {
    fn name(&self) -> &'static str {
        "mysql"
    }

    fn placeholder(&self, _n: usize) -> String {
        "?".into()
    }

    fn quote_ident(&self, name: &str) -> Result<String, String> {
        let chars = name.chars().count();
        if chars > MAX_IDENT_CHARS {
            return Err(format!(
                "MySQL identifiers are at most {MAX_IDENT_CHARS} characters; this one has {chars}"
            ));
        }
        if name.chars().any(|c| c as u32 > 0xFFFF) {
            return Err(
                "MySQL identifiers cannot contain characters outside the Basic Multilingual Plane"
                    .into(),
            );
        }
        if name.ends_with(' ') {
            return Err("MySQL names cannot end with a space".into());
        }
        Ok(super::literal::quote_doubling(name, '`'))
    }

    fn exact_text(&self, col: &str) -> Frag {
        Frag::sql(format!("CAST({col} AS BINARY)"))
    }

    fn text_test(&self, col: &str, _op: TextOp, pattern: &Frag, _v: &Frag, _n: usize) -> Frag {
        // A binary LIKE works on bytes; the pattern has no `_`, only `%`, and UTF-8 is
        // self-synchronising, so byte-wise substring matching is character-wise.
        Frag::fill(
            "CAST({} AS BINARY) LIKE {} ESCAPE '!'",
            &[&Frag::sql(col), pattern],
        )
    }

    fn json_empty(&self, col: &str) -> Frag {
        Frag::sql(format!("COALESCE(JSON_LENGTH(NULLIF({col}, '')), 0) = 0"))
    }

    fn json_has(
        &self,
        v: &Values,
        col: &str,
        elems: &[Scalar],
        any: bool,
    ) -> Result<Frag, LiteralError> {
        // JSON_CONTAINS compares JSON strings exactly (checked on MariaDB 10.11) and an
        // array candidate means "contains every element".
        let one = |es: &[Scalar]| -> Result<Frag, LiteralError> {
            Ok(Frag::fill(
                &format!("JSON_CONTAINS(NULLIF({col}, ''), {{}})"),
                &[&v.json(es)?],
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
