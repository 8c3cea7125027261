//! MySQL and MariaDB.
//!
//! The default collations fold case and accents (`utf8mb4_general_ci`,
//! `utf8mb4_0900_ai_ci`) and ignore trailing spaces (PAD SPACE), so every text
//! comparison casts the column to a binary string: bytes are compared, which for a
//! utf8mb4 column is exactly the language's comparison.

use super::dialect::Engine;
use super::frag::{Col, Out};
use super::literal::LiteralError;
use super::lower::{has_each, Values, EXACT};
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

    fn check_ident(&self, name: &str) -> Result<(), String> {
        // The byte length bounds the character count: only long names are counted.
        if name.len() > MAX_IDENT_CHARS {
            let chars = name.chars().count();
            if chars > MAX_IDENT_CHARS {
                return Err(format!(
                    "MySQL identifiers are at most {MAX_IDENT_CHARS} characters; this one has {chars}"
                ));
            }
        }
        // Characters outside the BMP take four bytes in UTF-8, starting with 0xF0..=0xF4.
        if name.bytes().any(|b| b >= 0xF0) {
            return Err(
                "MySQL identifiers cannot contain characters outside the Basic Multilingual Plane"
                    .into(),
            );
        }
        if name.ends_with(' ') {
            return Err("MySQL names cannot end with a space".into());
        }
        Ok(())
    }

    fn ident_quote(&self) -> char {
        '`'
    }

    fn exact_text(&self, out: &mut Out, col: Col<'_>) {
        out.push("CAST(");
        out.push_col(col);
        out.push(" AS BINARY)");
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
        // A binary LIKE works on bytes; the pattern has no `_`, only `%`, and UTF-8 is
        // self-synchronising, so byte-wise substring matching is character-wise.
        self.exact_text(out, col);
        out.push(" LIKE ");
        v.text(out, pattern)?;
        out.push(" ESCAPE '!'");
        Ok(())
    }

    /// JSON_TABLE yields nothing for NULL, `''` (through NULLIF) and non-arrays; the
    /// item is `` `fq_items`.`fq_item` `` (as JSON).
    fn json_items(&self, out: &mut Out, col: Col<'_>) {
        out.push("JSON_TABLE(NULLIF(");
        out.push_col(col);
        out.push(", ''), '$[*]' COLUMNS (`fq_item` JSON PATH '$')) AS `fq_items`");
    }

    /// A non-empty string (LENGTH, because `<> ''` is true of `' '` under PAD SPACE
    /// collations) or a number.
    fn item_kept(&self, numbers: bool) -> &'static str {
        if numbers {
            "JSON_TYPE(`fq_items`.`fq_item`) IN ('INTEGER', 'UNSIGNED INTEGER', 'DOUBLE', 'DECIMAL', 'NUMBER')"
        } else {
            "JSON_TYPE(`fq_items`.`fq_item`) = 'STRING' AND LENGTH(JSON_UNQUOTE(`fq_items`.`fq_item`)) > 0"
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
        if elems.iter().all(|e| matches!(e, Scalar::Text(_))) {
            return text_has(out, v, col, elems, any);
        }
        // An item test at depth one, as for text: JSON_CONTAINS searches nested arrays
        // (`JSON_CONTAINS('[[2]]', '[2]')` is 1) and compares integers beyond 2^53 as
        // doubles.
        let exists = |out: &mut Out, es: &[Scalar]| -> Result<(), LiteralError> {
            self.items_exist(out, col);
            out.push(self.item_kept(true));
            out.push(" AND ");
            number_item_eq(out, v, es)?;
            out.push(")");
            Ok(())
        };
        has_each(out, elems, any, exists)
    }
}

/// The item (a JSON number) equals one of `es`, by exact value as `eval` reads it: an
/// integer exactly, any other number as the nearest double. Below 2^53 a comparison
/// of doubles is exact for both (an integer item beyond 2^53 cannot round onto a value
/// below it); from 2^53 up an integer item is compared as DECIMAL.
fn number_item_eq(out: &mut Out, v: &Values, es: &[Scalar]) -> Result<(), LiteralError> {
    const ITEM: &str = "`fq_items`.`fq_item`";
    let big = |e: &Scalar| matches!(e, Scalar::Number(x) if x.abs() >= EXACT && x.fract() == 0.0);
    let small: Vec<Scalar> = es.iter().filter(|e| !big(e)).cloned().collect();
    let mut arms = 0;
    let mut sep = |out: &mut Out| {
        out.push(if arms == 0 { "(" } else { " OR " });
        arms += 1;
    };
    if !small.is_empty() {
        sep(out);
        out.push("CAST(");
        out.push(ITEM);
        out.push(" AS DOUBLE) ");
        v.eq_or_in(out, &small)?;
    }
    for e in es.iter().filter(|e| big(e)) {
        sep(out);
        out.push("IF(JSON_TYPE(");
        out.push(ITEM);
        out.push(") IN ('INTEGER', 'UNSIGNED INTEGER'), CAST(JSON_UNQUOTE(");
        out.push(ITEM);
        out.push(") AS DECIMAL(65, 0)) = ");
        v.scalar(out, e)?;
        out.push(", CAST(");
        out.push(ITEM);
        out.push(" AS DOUBLE) = ");
        v.scalar(out, e)?;
        out.push(")");
    }
    out.push(")");
    Ok(())
}

/// `has` on a text array. JSON_CONTAINS is not usable: MariaDB compares the stored JSON
/// text, so `["\u00e9"]` would not contain `["é"]`. JSON_UNQUOTE decodes every escape
/// (checked on MariaDB 10.11; MySQL 8 stores JSON decoded), and the binary comparison
/// is exact whatever the collation.
fn text_has(
    out: &mut Out,
    v: &Values,
    col: Col<'_>,
    elems: &[Scalar],
    any: bool,
) -> Result<(), LiteralError> {
    let exists = |out: &mut Out, es: &[Scalar]| -> Result<(), LiteralError> {
        Mysql.items_exist(out, col);
        out.push(
            "JSON_TYPE(`fq_items`.`fq_item`) = 'STRING' AND CAST(JSON_UNQUOTE(`fq_items`.`fq_item`) AS BINARY) ",
        );
        v.eq_or_in(out, es)?;
        out.push(")");
        Ok(())
    };
    has_each(out, elems, any, exists)
}
