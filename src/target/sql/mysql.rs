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

    fn json_empty(&self, col: &str, numbers: bool) -> Frag {
        let mut f = Frag::sql("NOT ");
        f.append(&items(col, &Frag::sql(item_kept(numbers))));
        f
    }

    fn json_has(
        &self,
        v: &Values,
        col: &str,
        elems: &[Scalar],
        any: bool,
    ) -> Result<Frag, LiteralError> {
        if elems.iter().all(|e| matches!(e, Scalar::Text(_))) {
            return text_has(v, col, elems, any);
        }
        // Numbers have no escapes, and JSON_CONTAINS compares them by value (`2` holds
        // `2.0`); an array candidate means "contains every element".
        let one = |es: &[Scalar]| -> Result<Frag, LiteralError> {
            let mut f = Frag::sql("JSON_CONTAINS(NULLIF(");
            f.push(col).push(", ''), ").append(&v.json(es)?).push(")");
            Ok(f)
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

/// The alias of the JSON_TABLE over a column, and of its one column: the item as JSON.
const ITEMS: &str = "`fq_items`";
const ITEM: &str = "`fq_items`.`fq_item`";

/// `EXISTS` an item of the JSON array in `col` satisfying `cond` (written over
/// [`ITEM`]). JSON_TABLE yields nothing for NULL, `''` (through NULLIF) and non-arrays.
fn items(col: &str, cond: &Frag) -> Frag {
    let mut f = Frag::sql("EXISTS (SELECT 1 FROM JSON_TABLE(NULLIF(");
    f.push(col)
        .push(", ''), '$[*]' COLUMNS (`fq_item` JSON PATH '$')) AS ")
        .push(ITEMS)
        .push(" WHERE ")
        .append(cond)
        .push(")");
    f
}

/// The condition under which an item counts, as in `eval`: a non-empty string (text
/// arrays; LENGTH, because `<> ''` is true of `' '` under PAD SPACE collations) or a
/// number.
fn item_kept(numbers: bool) -> String {
    if numbers {
        format!(
            "JSON_TYPE({ITEM}) IN ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL', 'NUMBER')"
        )
    } else {
        format!("JSON_TYPE({ITEM}) = 'STRING' AND LENGTH(JSON_UNQUOTE({ITEM})) > 0")
    }
}

/// `has` on a text array. JSON_CONTAINS is not usable: MariaDB compares the stored JSON
/// text, so `["\u00e9"]` would not contain `["é"]`. JSON_UNQUOTE decodes every escape
/// (checked on MariaDB 10.11; MySQL 8 stores JSON decoded), and the binary comparison
/// is exact whatever the collation.
fn text_has(v: &Values, col: &str, elems: &[Scalar], any: bool) -> Result<Frag, LiteralError> {
    let exists = |es: &[Scalar]| -> Result<Frag, LiteralError> {
        let vals = es
            .iter()
            .map(|e| v.scalar(e))
            .collect::<Result<Vec<_>, _>>()?;
        let mut cond = Frag::sql(format!(
            "JSON_TYPE({ITEM}) = 'STRING' AND CAST(JSON_UNQUOTE({ITEM}) AS BINARY) "
        ));
        if vals.len() == 1 {
            cond.push("= ").append(&vals[0]);
        } else {
            cond.push("IN (").append(&Frag::join(&vals, ", ")).push(")");
        }
        Ok(items(col, &cond))
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
