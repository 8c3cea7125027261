//! SQL dialects: the [`Dialect`] a caller picks, and the `Engine` trait with one
//! implementation per engine (`mysql.rs`, `postgres.rs`, `sqlite.rs`) for everything
//! that differs between them: quoting, placeholders, exact text comparison, LIKE, and
//! JSON-array membership.

use super::frag::{Col, Out};
use super::literal::LiteralError;
use super::lower::Values;
use crate::ir::Scalar;
use crate::syntax::ast::TextOp;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The SQL engine a statement is written for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// MySQL 8 and MariaDB 10.x (the QPaaS default). Placeholders `?`.
    #[default]
    Mysql,
    /// PostgreSQL. Placeholders `$1`, `$2`, ...
    Postgres,
    /// SQLite 3 (3.38 or later, for the built-in JSON functions). Placeholders `?`.
    Sqlite,
}

impl Dialect {
    /// Every dialect, for tests and help texts.
    pub const ALL: [Dialect; 3] = [Dialect::Mysql, Dialect::Postgres, Dialect::Sqlite];

    /// The lower-case name used on the command line.
    pub fn name(self) -> &'static str {
        self.engine().name()
    }

    /// The placeholder for the `n`-th parameter (1-based).
    pub fn placeholder(self, n: usize) -> String {
        self.engine().placeholder(n)
    }

    /// `name` as a quoted identifier, or why the engine cannot take it as written.
    pub fn quote_ident(self, name: &str) -> Result<String, String> {
        let mut out = String::with_capacity(name.len() + 2);
        self.push_ident(&mut out, name)?;
        Ok(out)
    }

    /// Appends `name` as a quoted identifier (what [`Dialect::quote_ident`] returns), or
    /// says why the engine cannot take it as written (appending nothing).
    pub(crate) fn push_ident(self, out: &mut String, name: &str) -> Result<(), String> {
        if name.is_empty() {
            return Err("an identifier cannot be empty".into());
        }
        if name.as_bytes().contains(&0) {
            return Err("an identifier cannot contain the NUL character".into());
        }
        let engine = self.engine();
        engine.check_ident(name)?;
        super::literal::push_quote_doubling(out, name, engine.ident_quote());
        Ok(())
    }

    /// The string literal for `s` (see `super::literal::string`).
    pub fn string_literal(self, s: &str) -> Result<String, LiteralError> {
        super::literal::string(self, s)
    }

    pub(crate) fn engine(self) -> &'static dyn Engine {
        match self {
            Dialect::Mysql => &super::mysql::Mysql,
            Dialect::Postgres => &super::postgres::Postgres,
            Dialect::Sqlite => &super::sqlite::Sqlite,
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dialect {
    type Err = String;

    /// Accepts `mysql` (also `mariadb`), `postgres` (also `postgresql`, `pg`), `sqlite`.
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "mysql" | "mariadb" => Ok(Dialect::Mysql),
            "postgres" | "postgresql" | "pg" => Ok(Dialect::Postgres),
            "sqlite" | "sqlite3" => Ok(Dialect::Sqlite),
            _ => Err(format!(
                "unknown SQL dialect `{s}` (expected mysql, postgres or sqlite)"
            )),
        }
    }
}

/// What differs between engines. Each writer appends to the statement in [`Out`]; values
/// go through [`Values`] (literals or parameters). `col` is the column, already quoted.
pub(crate) trait Engine: Sync {
    /// The dialect's name.
    fn name(&self) -> &'static str;

    /// The placeholder for the `n`-th parameter (1-based).
    fn placeholder(&self, n: usize) -> String;

    /// Whether the engine takes a non-empty, NUL-free identifier as written, or why not.
    fn check_ident(&self, name: &str) -> Result<(), String>;

    /// The identifier quote character (doubled inside a name): the standard's `"`
    /// unless the engine says otherwise.
    fn ident_quote(&self) -> char {
        '"'
    }

    /// The column as written on the left of an exact (case-, accent- and
    /// trailing-space-sensitive) text comparison: the column itself where `=` on text
    /// is already exact.
    fn exact_text(&self, out: &mut Out, col: Col<'_>) {
        out.push_col(col);
    }

    /// `col <op> value` for a text test, exact and case-sensitive. `pattern` is the
    /// LIKE pattern (already escaped with `!`), `value` the operand itself.
    fn text_test(
        &self,
        out: &mut Out,
        v: &Values,
        col: Col<'_>,
        op: TextOp,
        pattern: &str,
        value: &str,
    ) -> Result<(), LiteralError>;

    /// The items of the JSON array in `col` as a `FROM` source: one row per item, none
    /// for NULL, `''` (read through `NULLIF`, so it never reaches the JSON parser) or a
    /// value that is not an array.
    fn json_items(&self, out: &mut Out, col: Col<'_>);

    /// The condition on a row of [`Engine::json_items`] under which the item counts, as
    /// in `eval`: a non-empty string, or a number when `numbers`.
    fn item_kept(&self, numbers: bool) -> &'static str;

    /// Opens `EXISTS (SELECT 1 FROM <items of col> WHERE `; the caller writes the
    /// condition on the item and closes with `)`.
    fn items_exist(&self, out: &mut Out, col: Col<'_>) {
        out.push("EXISTS (SELECT 1 FROM ");
        self.json_items(out, col);
        out.push(" WHERE ");
    }

    /// A never-NULL test that the JSON-array column `col` is empty as `eval` sees it:
    /// NULL, `''`, or an array without an item that counts ([`Engine::item_kept`]).
    fn json_empty(&self, out: &mut Out, col: Col<'_>, numbers: bool) {
        out.push("NOT ");
        self.items_exist(out, col);
        out.push(self.item_kept(numbers));
        out.push(")");
    }

    /// A test that the JSON array in `col` contains any (or all) of `elems`; it may be
    /// NULL or anything on an empty column, but is never NULL on a non-empty array.
    fn json_has(
        &self,
        out: &mut Out,
        v: &Values,
        col: Col<'_>,
        elems: &[Scalar],
        any: bool,
    ) -> Result<(), LiteralError>;
}
