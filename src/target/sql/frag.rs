//! The statement under construction: one text buffer and the bound parameters.
//!
//! Lowering writes the statement front to back, so a parameter's placeholder is written
//! where it appears and PostgreSQL's `$1, $2, ...` are numbered in text order as they
//! are pushed. Nothing is built as separate pieces and joined later: every literal,
//! identifier and keyword goes straight into the one buffer.
//!
//! A statement wanted as `{"sql", "params"}` JSON text is written already escaped for
//! its JSON string, in the buffer that becomes the JSON text: escaping the finished
//! statement instead would copy it piece by piece around every `"` that PostgreSQL
//! quotes its columns with. So the text goes in only through [`Out`]'s methods, each of
//! which escapes what it writes when it must: [`Out::push`] any text (a constant's check
//! folds away when the call is inlined), [`Out::write_with`] what a writer of plain
//! `String`s appends, [`Out::push_col`] a column quoted by [`Out::column`] in the
//! statement's own form.

use super::dialect::Dialect;
use super::literal::{self, LiteralError};
use super::SqlParam;
use crate::target::decimal::push_decimal;
use crate::target::json::{escape_from, escaped, needs_json_escape, push_json_inner, push_json_str};
use crate::timefmt::Civil;

/// What a JSON statement's text starts with: the JSON text up to the statement.
const JSON_HEAD: &str = r#"{"sql":""#;

/// SQL text with its parameters, written in order.
#[derive(Debug)]
pub(crate) struct Out {
    /// The text so far; in JSON mode escaped for a JSON string and after [`JSON_HEAD`].
    sql: String,
    /// The parameters so far, in placeholder order (empty when they go to `json`).
    pub(crate) params: Vec<SqlParam>,
    /// When the statement is wanted as `{"sql", "params"}` JSON text: the parameters
    /// so far as the items of its array (comma-separated), written as they come instead
    /// of kept as values (a text parameter then costs no allocation of its own).
    json: Option<String>,
    /// How many parameters so far.
    count: usize,
    dialect: Dialect,
    /// The number of the first placeholder (PostgreSQL), at least 1.
    first: usize,
}

/// A quoted column, in the form of the statement it was made for (escaped for JSON in
/// JSON mode): written with [`Out::push_col`], never through [`Out::push`], which would
/// escape it twice.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Col<'a>(&'a str);

/// A position in an [`Out`] to go back to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mark {
    sql: usize,
    params: usize,
    json: usize,
}

impl Out {
    /// An empty statement with room for `capacity` bytes of text and `params`
    /// parameters (used only in parameterised mode), whose first placeholder is number
    /// `first` (at least 1).
    pub(crate) fn new(dialect: Dialect, capacity: usize, params: usize, first: usize) -> Out {
        Out {
            sql: String::with_capacity(capacity),
            params: Vec::with_capacity(params),
            json: None,
            count: 0,
            dialect,
            first: first.max(1),
        }
    }

    /// [`Out::new`] for a statement wanted as JSON text ([`Out::finish_json`]), with
    /// room for `json` bytes of parameter items.
    pub(crate) fn new_json(dialect: Dialect, capacity: usize, json: usize, first: usize) -> Out {
        let mut out = Out {
            json: Some(String::with_capacity(json)),
            // The head, the closing of the string and of the parameters, and an escape
            // for each quoted column.
            ..Out::new(dialect, capacity + capacity / 4 + 40 + json, 0, first)
        };
        out.sql.push_str(JSON_HEAD);
        out
    }

    /// Whether the text is written escaped for a JSON string.
    fn escapes(&self) -> bool {
        self.json.is_some()
    }

    /// The parameter list to write the next item into, after its comma (JSON mode).
    fn json_item(&mut self) -> Option<&mut String> {
        let count = self.count;
        let j = self.json.as_mut()?;
        if count > 0 {
            j.push(',');
        }
        Some(j)
    }

    /// Appends a text parameter and its placeholder, or refuses one with a NUL
    /// character (no engine binds it), writing nothing.
    pub(crate) fn param_text(&mut self, s: &str) -> Result<(), LiteralError> {
        // NUL is a control character: only text JSON escapes can hold one, and the
        // word-at-a-time test is cheaper than a search on short values.
        let escapes = needs_json_escape(s.as_bytes());
        if escapes && s.contains('\0') {
            return Err(LiteralError::Nul);
        }
        match self.json_item() {
            Some(j) if escapes => push_json_str(j, s),
            Some(j) => {
                j.push('"');
                j.push_str(s);
                j.push('"');
            }
            None => self.params.push(SqlParam::Text(s.to_owned())),
        }
        self.placeholder(None);
        Ok(())
    }

    /// Appends a timestamp parameter (`c`, whose year is 1–9999, as a
    /// [`SqlParam::Timestamp`]) and its placeholder.
    pub(crate) fn param_civil(&mut self, c: &Civil) -> Result<(), LiteralError> {
        match self.json_item() {
            Some(j) => {
                // What `SqlParam::Timestamp` serializes as: digits and separators only.
                j.push('"');
                c.push(j, b' ', true, None);
                j.push('"');
            }
            None => self.params.push(SqlParam::Timestamp(literal::civil_naive(c)?)),
        }
        self.placeholder(None);
        Ok(())
    }

    /// Appends SQL text.
    // Inlined so that the constant pieces (`, `, ` AND `, ...) are copied as what they
    // are instead of through a `memcpy` call each, and so that whether a constant needs
    // escaping is decided when compiling.
    #[inline(always)]
    pub(crate) fn push(&mut self, s: &str) {
        // On a clean constant `json_clean` folds to true and the whole test away; a
        // string chosen at run time is only looked at in JSON mode.
        if self.escapes() && !json_clean(s) {
            push_json_inner(&mut self.sql, s);
        } else {
            self.sql.push_str(s);
        }
    }

    /// Appends what `write` appends to a string (a literal, a name), escaped in JSON
    /// mode, and returns what it returns.
    #[inline]
    pub(crate) fn write_with<R>(&mut self, write: impl FnOnce(&mut String) -> R) -> R {
        let start = self.sql.len();
        let r = write(&mut self.sql);
        if self.escapes() {
            escape_from(&mut self.sql, start);
        }
        r
    }

    /// Appends a column made by [`Out::column`].
    #[inline]
    pub(crate) fn push_col(&mut self, col: Col<'_>) {
        self.sql.push_str(col.0);
    }

    /// Column `name` quoted for the dialect (see [`push_column`]) in this statement's
    /// form, written in `scratch` (cleared first), or why the engine refuses the name.
    pub(crate) fn column<'s>(&self, scratch: &'s mut String, name: &str) -> Result<Col<'s>, String> {
        scratch.clear();
        push_column(self.dialect, self.escapes(), scratch, name)?;
        Ok(Col(scratch))
    }

    /// Appends column `name` quoted for the dialect (as [`Out::column`]).
    pub(crate) fn push_column(&mut self, name: &str) -> Result<(), String> {
        push_column(self.dialect, self.escapes(), &mut self.sql, name)
    }

    /// Appends the decimal digits of `n`.
    pub(crate) fn push_decimal(&mut self, n: u64) {
        // Digits need no escape.
        push_decimal(&mut self.sql, n);
    }

    /// Appends a bound parameter and its placeholder.
    ///
    /// On PostgreSQL a number's placeholder is cast to its own type, as an inline literal
    /// has one: `float8` for a fraction, `int8` for a whole number (exact beyond 2^53,
    /// where `float8` would round). The parameter's type then no longer depends on the
    /// column's (an integer, `numeric` or `float8` column all compare with either), so a
    /// fraction never meets an `integer` placeholder it cannot bind to.
    pub(crate) fn param(&mut self, v: SqlParam) {
        let cast = match v {
            SqlParam::Int(_) => Some("::int8"),
            SqlParam::Float(_) => Some("::float8"),
            _ => None,
        };
        match self.json_item() {
            Some(j) => v.push_json(j),
            None => self.params.push(v),
        }
        self.placeholder(cast);
    }

    /// Counts the parameter just added and writes its placeholder, with `cast` after a
    /// PostgreSQL one.
    fn placeholder(&mut self, cast: Option<&str>) {
        self.count += 1;
        match self.dialect {
            Dialect::Mysql | Dialect::Sqlite => self.sql.push('?'),
            Dialect::Postgres => {
                self.sql.push('$');
                push_decimal(&mut self.sql, (self.first - 1).saturating_add(self.count) as u64);
                if let Some(cast) = cast {
                    self.sql.push_str(cast);
                }
            }
        }
    }

    /// The current position.
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            sql: self.sql.len(),
            params: self.count,
            json: self.json.as_ref().map_or(0, String::len),
        }
    }

    /// Drops everything written after `m` (text and parameters).
    pub(crate) fn truncate(&mut self, m: Mark) {
        self.sql.truncate(m.sql);
        self.params.truncate(m.params);
        self.count = m.params;
        if let Some(j) = &mut self.json {
            j.truncate(m.json);
        }
    }

    /// The text and the parameters (of a statement not in JSON mode).
    pub(crate) fn finish(self) -> (String, Vec<SqlParam>) {
        debug_assert!(!self.escapes(), "a JSON statement ends with finish_json");
        (self.sql, self.params)
    }

    /// The statement as `{"sql": ..., "params": [...]}` JSON text: exactly
    /// [`SqlFragment::to_json`](super::SqlFragment::to_json) of the fragment
    /// [`Out::finish`] would give in the other mode.
    pub(crate) fn finish_json(self) -> String {
        debug_assert!(self.escapes(), "finish_json ends a statement made by new_json");
        let mut out = self.sql;
        out.push_str(r#"","params":["#);
        out.push_str(self.json.as_deref().unwrap_or_default());
        out.push_str("]}");
        out
    }
}

/// Whether `s` needs no escape in a JSON string. A plain loop, which the optimizer
/// works out on a constant argument once [`Out::push`] is inlined (the instruction
/// counts of `benches/instructions.rs` show it: no loop runs for the constant pieces).
#[inline(always)]
fn json_clean(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if escaped(b[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// The longest column name taken without the engines' checks: every engine takes 63
/// bytes.
const PLAIN_MAX: usize = 63;

/// The bytes of a plain column name: ASCII letters, digits and `_` (a table lookup is
/// one load per byte, where the range tests are several comparisons).
const PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
};

/// Appends a reference to column `name` of the queried table, escaped for a JSON
/// string when `escape`.
///
/// On SQLite it is quoted with backticks: a double-quoted name that matches no column is
/// read as a string literal while the connection allows double-quoted strings (the
/// default, `SQLITE_DBCONFIG_DQS_DML`), so a missing column would silently compare a
/// constant. A backticked name is only ever an identifier (an error if no column has
/// it), needs no table to qualify it (so it works in a bare WHERE fragment), and
/// doubles a backtick inside as `"` doubles `"`.
fn push_column(dialect: Dialect, escape: bool, out: &mut String, name: &str) -> Result<(), String> {
    // The usual name (ASCII letters, digits and `_`, at most PLAIN_MAX bytes) passes
    // every engine's checks and has no quote to double: one pass over it replaces the
    // checks and the quote search.
    if !name.is_empty()
        && name.len() <= PLAIN_MAX
        && name.bytes().all(|b| PLAIN[usize::from(b)])
    {
        // Constant strings, not chars: a constant byte is stored without encoding it,
        // and each arm knows its quote's length.
        #[inline(always)]
        fn quoted(out: &mut String, q: &str, name: &str) {
            out.reserve(name.len() + 2 * q.len());
            out.push_str(q);
            out.push_str(name);
            out.push_str(q);
        }
        match dialect {
            Dialect::Mysql | Dialect::Sqlite => quoted(out, "`", name),
            Dialect::Postgres if escape => quoted(out, "\\\"", name),
            Dialect::Postgres => quoted(out, "\"", name),
        }
        return Ok(());
    }
    let start = out.len();
    if dialect != Dialect::Sqlite {
        dialect.push_ident(out, name)?;
    } else if name.is_empty() || name.contains('\0') {
        // Refused, with the reason every dialect gives.
        return dialect.push_ident(&mut String::new(), name);
    } else {
        literal::push_quote_doubling(out, name, '`');
    }
    if escape {
        escape_from(out, start);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_placeholders_count_up_and_truncate_rewinds() {
        let mut out = Out::new(Dialect::Postgres, 0, 0, 1);
        out.push("a = ");
        out.param(SqlParam::Int(1));
        let m = out.mark();
        out.push(" AND b = ");
        out.param(SqlParam::Int(2));
        assert_eq!(out.sql, "a = $1::int8 AND b = $2::int8");
        out.truncate(m);
        out.push(" OR c = ");
        out.param(SqlParam::Text("x".into()));
        assert_eq!(
            out.finish(),
            (
                "a = $1::int8 OR c = $2".to_owned(),
                vec![SqlParam::Int(1), SqlParam::Text("x".into())]
            )
        );
    }

    #[test]
    fn placeholders_start_where_asked() {
        let mut out = Out::new(Dialect::Postgres, 0, 0, 3);
        out.param(SqlParam::Text("a".into()));
        out.push(", ");
        out.param(SqlParam::Text("b".into()));
        assert_eq!(out.sql, "$3, $4");
        let mut out = Out::new(Dialect::Sqlite, 0, 0, 3);
        out.param(SqlParam::Text("a".into()));
        assert_eq!(out.sql, "?");
    }
}
