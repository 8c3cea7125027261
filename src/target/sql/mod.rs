//! The SQL backend (QPaaS custom-SQL endpoint): MySQL/MariaDB, PostgreSQL, SQLite.
//!
//! ```
//! use filterql::ir::{FieldInfo, FieldRef, Pred, Scalar, Test};
//! use filterql::target::sql::{compile_where, Dialect, Select, SqlOptions};
//! use filterql::{FieldType, Span};
//!
//! let name = FieldRef::new(FieldInfo {
//!     name: "name".into(), subform: None, ty: FieldType::Text, widget: None,
//!     column: "name".into(), label: None,
//! });
//! let p = Pred::leaf(name, Test::Eq(Scalar::Text("Bob".into())), true, Span::default());
//! let w = compile_where(&p, Dialect::Postgres, &SqlOptions::default()).unwrap();
//! assert_eq!(w.sql, r#"("name" IS NULL OR "name" = '' OR NOT ("name" = 'Bob'))"#);
//!
//! let opts = SqlOptions { params: true, ..SqlOptions::default() };
//! let s = Select::new("people").render(&p, Dialect::Postgres, &opts).unwrap();
//! assert_eq!(s.sql, r#"SELECT * FROM "people" WHERE ("name" IS NULL OR "name" = '' OR NOT ("name" = $1))"#);
//! assert_eq!(s.params, vec![serde_json::json!("Bob")]);
//! ```
//!
//! # Storage model
//!
//! The statement runs over one table with **one column per top-level field**, named by
//! the field's column (`FieldRef::column`: the field name unless the schema maps it).
//!
//! | field type | column | empty value |
//! |---|---|---|
//! | text, sn, select, `_id` | text (`VARCHAR`/`TEXT`) | NULL or `''` |
//! | other (attachments, images, ...) | text, JSON text when structured | NULL, `''` or `[]` |
//! | user (creator, updater) | text: the username | NULL or `''` |
//! | phone | text: the number; flag in `<column>_verified` | NULL or `''` |
//! | number, flowState, dept (`dept_no`) | `DOUBLE` / `float8` / `REAL` (an integer type also works) | NULL |
//! | datetime | MySQL `DATETIME(3)`, PostgreSQL `timestamp(3)` (without time zone), SQLite `TEXT` `'YYYY-MM-DD HH:MM:SS.fff'` (always three fraction digits) — local time in the query's time zone | NULL (SQLite: also `''`) |
//! | multiselect, usergroup | a JSON array of strings (usernames for usergroup) (MySQL `JSON`/text, PostgreSQL `jsonb`/`json`/`text`, SQLite text) | NULL, `''`, or an array without a non-empty string item (`[]`, `[""]`, `[null, 1]`) |
//! | deptgroup | a JSON array of department numbers | NULL, `''`, or an array without a number item (`[]`, `[null]`, `["1"]`) |
//! | subform | not supported: any test on a subform or its columns is an error | — |
//!
//! The phone flag column `<column>_verified` is boolean-like (`BOOLEAN`/`TINYINT(1)` on
//! MySQL, `boolean` on PostgreSQL, `INTEGER` 0/1 on SQLite) and is read with `IS TRUE`:
//! NULL counts as not verified. `verified`/`unverified` also require a number.
//!
//! Text columns must be `utf8mb4` on MySQL (any collation: comparisons are made on the
//! bytes), use a deterministic collation on PostgreSQL (the default) and the default
//! `BINARY` collation on SQLite; the PostgreSQL client encoding must be UTF-8.
//! Numbers that are empty must be NULL (SQLite orders text, `''` included, after every
//! number). JSON columns must hold a valid JSON array when not NULL or `''`, written
//! with or without escapes (`["\u00e9", "a\/b"]` is `["é", "a/b"]`). As in
//! [`crate::eval`], only items of the array's type count: a non-empty string in a
//! multiselect/usergroup array, a number in a deptgroup array; other items (`""`,
//! `null`, numbers in a text array, strings in a number array, objects, nested arrays)
//! are ignored by `has` and by emptiness, so an array of them alone is empty. User and
//! department *objects* are not items of the storage model: store the username and the
//! `dept_no` (eval would count `{"username": "bob"}`; the SQL ignores it). A JSON scalar
//! or object in place of the array is outside the model (PostgreSQL raises an error).
//!
//! # Meaning
//!
//! The condition means exactly what [`crate::eval`] means on the record the row was made
//! from: two-valued logic (every negated test has explicit emptiness arms), exact and
//! case-, accent- and trailing-space-sensitive text comparison on every engine, and
//! `contains`/`startswith`/`endswith` as `LIKE '..' ESCAPE '!'` with `!`, `%`, `_`
//! escaped (plus an exact `instr`/`substr` check on SQLite, whose LIKE folds ASCII
//! case). Anything the storage model cannot express is an error, never a weaker
//! condition.
//!
//! # Modes
//!
//! Inline ([`SqlOptions::params`] false): one statement with every value written as a
//! literal, escaped for the dialect (see [`literal`]). Parameterised: the statement has
//! placeholders (`?` on MySQL and SQLite, `$1, $2, ...` on PostgreSQL) and
//! [`SqlFragment::params`] holds the values in order as JSON: strings for text, JSON
//! arrays (as text) and datetimes (`YYYY-MM-DD HH:MM:SS.fff`), numbers for numbers (whole
//! numbers below 2^53 as JSON integers, so they bind to integer columns too).
//! Serialised, a [`SqlFragment`] is the `{"sql": ..., "params": [...]}` object of
//! `filterql compile --target sql --params`.
//!
//! Entry points: [`compile_where`] (the condition alone), [`Select::render`] (a whole
//! statement) and `Query::to_sql` / `Query::to_sql_where` on a compiled
//! [`crate::Query`] (errors as [`crate::Diagnostics`] over the query text).
//!
//! # Rejections ([`SqlError`], all collected in one pass)
//!
//! Subform fields and subform columns; tests the storage model has no exact form for
//! (e.g. `contains` on a multi-select); text containing NUL; non-finite numbers;
//! datetimes outside years 1000–9999 (MySQL) or 0001–9999 (PostgreSQL, SQLite) in `=` or
//! `in` (a comparison's end outside them becomes the same condition on the datetimes
//! the column holds: `<= 9999-12-31`, whose day ends at 10000-01-01 00:00, is written
//! `<= '9999-12-31 23:59:59.999'`, and `> 9999-12-31` is false); column
//! or table names the engine would refuse or silently truncate (PostgreSQL: over 63
//! bytes; MySQL: over 64 characters, characters outside the BMP, a trailing space);
//! `and`/`or` nested more than 200 levels deep.

pub mod dialect;
pub mod literal;

mod frag;
mod lower;
mod mysql;
mod postgres;
mod query;
mod sqlite;

pub use dialect::Dialect;

use crate::ir::{Leaf, Pred};
use crate::schema::FieldType;
use crate::span::Span;
use chrono::FixedOffset;
use literal::LiteralError;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// A predicate or name the SQL backend cannot express.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum SqlError {
    /// The test has no form over the field's column in the storage model.
    #[error("{test} on `{field}` ({ty}) cannot be expressed in SQL")]
    #[diagnostic(
        code(filterql::sql::unsupported),
        help("the SQL storage model keeps a {ty} field in one column where this test has no exact form; filter these records client-side with `Query::matches`")
    )]
    Unsupported {
        /// The field.
        field: String,
        /// Its type.
        ty: FieldType,
        /// The test, as written in the language.
        test: String,
        /// Where.
        #[label("not expressible in SQL")]
        span: Span,
    },
    /// Subforms are not columns of the form's table.
    #[error("subform field `{field}` cannot be used in SQL")]
    #[diagnostic(
        code(filterql::sql::subform),
        help("subform rows are not columns of the form's table; query the subform's own table, or filter client-side with `Query::matches`")
    )]
    Subform {
        /// The field, as `subform.column` for a subform column.
        field: String,
        /// Where.
        #[label("a subform field")]
        span: Span,
    },
    /// Text containing U+0000.
    #[error("text for `{field}` contains a NUL character, which SQL text cannot hold")]
    #[diagnostic(
        code(filterql::sql::nul),
        help("remove the `\\u{{0}}` from the string")
    )]
    Nul {
        /// The field.
        field: String,
        /// Where.
        #[label("contains NUL")]
        span: Span,
    },
    /// NaN or an infinity.
    #[error("the number compared with `{field}` is not finite")]
    #[diagnostic(code(filterql::sql::not_finite))]
    NotFinite {
        /// The field.
        field: String,
        /// Where.
        #[label("not a finite number")]
        span: Span,
    },
    /// A datetime outside the engine's range.
    #[error("a datetime compared with `{field}` is outside what {dialect} datetimes hold")]
    #[diagnostic(
        code(filterql::sql::datetime_range),
        help(
            "use a datetime in the years 1000-9999 for MySQL, 0001-9999 for PostgreSQL and SQLite"
        )
    )]
    DatetimeRange {
        /// The field.
        field: String,
        /// The dialect.
        dialect: Dialect,
        /// Where.
        #[label("out of range")]
        span: Span,
    },
    /// A field's column name the engine cannot take as written.
    #[error("column `{name}` cannot be used: {reason}")]
    #[diagnostic(
        code(filterql::sql::column_name),
        help("map the field to a shorter or plainer column name in the schema (`column`)")
    )]
    ColumnName {
        /// The column name.
        name: String,
        /// Why.
        reason: String,
        /// The predicate using it.
        #[label("uses this column")]
        span: Span,
    },
    /// A table, selected or ordering column name (given outside the query) the engine
    /// cannot take as written.
    #[error("{what} name `{name}` cannot be used: {reason}")]
    #[diagnostic(code(filterql::sql::name))]
    Name {
        /// `table` or `column`.
        what: &'static str,
        /// The name.
        name: String,
        /// Why.
        reason: String,
    },
    /// `and`/`or` nested deeper than engines parse.
    #[error("the condition nests `and`/`or` more than {max} levels deep")]
    #[diagnostic(
        code(filterql::sql::too_deep),
        help("flatten the query: `a and (b and c)` is `a and b and c`")
    )]
    TooDeep {
        /// The limit.
        max: usize,
        /// The first predicate of the too-deep group.
        #[label("in this group")]
        span: Span,
    },
}

impl SqlError {
    fn from_literal(e: LiteralError, l: &Leaf, dialect: Dialect) -> SqlError {
        let field = l.field.name.clone();
        let span = l.span;
        match e {
            LiteralError::Nul => SqlError::Nul { field, span },
            LiteralError::NotFinite => SqlError::NotFinite { field, span },
            LiteralError::DatetimeRange => SqlError::DatetimeRange {
                field,
                dialect,
                span,
            },
            LiteralError::Unrepresentable => SqlError::Unsupported {
                field,
                ty: l.field.ty,
                test: lower::test_name(&l.test).to_owned(),
                span,
            },
        }
    }
}

/// Options of SQL generation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlOptions {
    /// The zone datetime columns are stored in (the query's time zone).
    pub tz: FixedOffset,
    /// Parameterised mode: placeholders in the text, values in [`SqlFragment::params`].
    pub params: bool,
}

/// `+08:00`, the default zone of the language (DESIGN §3).
const DEFAULT_TZ: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(tz) => tz,
    // Evaluated at compile time: a bad constant fails the build, not a run.
    None => panic!("invalid default time zone"),
};

impl Default for SqlOptions {
    /// `+08:00`, inline literals.
    fn default() -> Self {
        SqlOptions {
            tz: DEFAULT_TZ,
            params: false,
        }
    }
}

/// SQL text with its parameters (empty in inline mode). Serialises as
/// `{"sql": "...", "params": [...]}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SqlFragment {
    /// The SQL text.
    pub sql: String,
    /// The values of the placeholders, in order.
    pub params: Vec<serde_json::Value>,
}

/// The `WHERE` condition for `pred` (without the keyword), or every reason it cannot be
/// written. See the module docs for the storage model it assumes.
pub fn compile_where(
    pred: &Pred,
    dialect: Dialect,
    opts: &SqlOptions,
) -> Result<SqlFragment, Vec<SqlError>> {
    let mut errors = Vec::new();
    let mut out = frag::Out::new(dialect, estimate(pred, opts));
    lower_where(&mut out, pred, dialect, opts, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let (sql, params) = out.finish();
    Ok(SqlFragment { sql, params })
}

fn lower_where(
    out: &mut frag::Out,
    pred: &Pred,
    dialect: Dialect,
    opts: &SqlOptions,
    errors: &mut Vec<SqlError>,
) {
    let mut l = lower::Lower {
        v: lower::Values {
            dialect,
            params: opts.params,
            tz: opts.tz,
        },
        errors,
        col: String::new(),
    };
    l.pred(out, pred, false, 0);
}

/// A guess at the length of the condition's text, so the buffer is allocated once in
/// the common cases (a little over for typical leaves; long `in` lists of short values,
/// the big inputs, are close to exact).
fn estimate(pred: &Pred, opts: &SqlOptions) -> usize {
    use crate::ir::{Scalar, Test};
    let scalar = |s: &Scalar| match s {
        // Quotes and `, `; non-ASCII text in MySQL's hex form takes more and grows once.
        Scalar::Text(t) => t.len() + 4,
        Scalar::Number(_) => 12,
        Scalar::DateTime(_) => 38,
        Scalar::Bool(_) => 0,
    };
    let leaf = |l: &crate::ir::Leaf| {
        let mut n = 24 + 2 * l.field.column.len();
        if l.negated {
            n += 32 + l.field.column.len();
        }
        n + match &l.test {
            Test::Eq(s) => scalar(s),
            Test::In(vs) | Test::HasAny(vs) | Test::HasAll(vs) => vs.iter().map(scalar).sum(),
            Test::Range(r) => [&r.lo, &r.hi]
                .into_iter()
                .flatten()
                .map(|b| scalar(&b.value) + 8 + l.field.column.len())
                .sum(),
            Test::Text(_, s) => 2 * s.len() + 24,
            Test::Empty | Test::Verified | Test::Unverified => 16,
        }
    };
    let mut n = 0;
    // Leaves are counted where they are met, so a flat query never allocates the stack.
    let mut stack: Vec<&Pred> = Vec::new();
    let mut next = Some(pred);
    while let Some(p) = next.take().or_else(|| stack.pop()) {
        match p {
            Pred::And(ps) | Pred::Or(ps) => {
                n += 6 * ps.len();
                for q in ps {
                    match q {
                        Pred::Leaf(l) => n += leaf(l),
                        _ => stack.push(q),
                    }
                }
            }
            Pred::Not(q) => next = Some(q),
            Pred::True | Pred::False => n += 8,
            Pred::Leaf(l) => n += leaf(l),
        }
    }
    // Placeholders are shorter than the values they stand for.
    if opts.params {
        n / 2
    } else {
        n
    }
}

/// One `ORDER BY` key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderBy {
    /// The column.
    pub column: String,
    /// `DESC` rather than `ASC`.
    pub descending: bool,
}

/// A `SELECT <columns> FROM <table> WHERE <pred> [ORDER BY ..] [LIMIT n]` statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Select {
    /// The selected columns; empty means `*`.
    pub columns: Vec<String>,
    /// The table, one identifier (quoted as a whole: a `.` is part of the name).
    pub table: String,
    /// Sort keys.
    pub order_by: Vec<OrderBy>,
    /// Maximum number of rows.
    pub limit: Option<u64>,
}

impl Select {
    /// `SELECT * FROM table`.
    pub fn new(table: impl Into<String>) -> Select {
        Select {
            columns: Vec::new(),
            table: table.into(),
            order_by: Vec::new(),
            limit: None,
        }
    }

    /// The statement filtering rows by `pred`, or every reason it cannot be written.
    pub fn render(
        &self,
        pred: &Pred,
        dialect: Dialect,
        opts: &SqlOptions,
    ) -> Result<SqlFragment, Vec<SqlError>> {
        let mut errors = Vec::new();
        let mut name = |what: &'static str, n: &str| -> String {
            dialect.quote_ident(n).unwrap_or_else(|reason| {
                errors.push(SqlError::Name {
                    what,
                    name: n.to_owned(),
                    reason,
                });
                String::new()
            })
        };
        let cols = if self.columns.is_empty() {
            "*".to_owned()
        } else {
            let cs: Vec<String> = self.columns.iter().map(|c| name("column", c)).collect();
            cs.join(", ")
        };
        let table = name("table", &self.table);
        let order: Vec<String> = self
            .order_by
            .iter()
            .map(|o| {
                format!(
                    "{} {}",
                    name("column", &o.column),
                    if o.descending { "DESC" } else { "ASC" }
                )
            })
            .collect();
        let mut out = frag::Out::new(dialect, estimate(pred, opts) + 64);
        out.push("SELECT ");
        out.push(&cols);
        out.push(" FROM ");
        out.push(&table);
        out.push(" WHERE ");
        lower_where(&mut out, pred, dialect, opts, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        if !order.is_empty() {
            out.push(" ORDER BY ");
            out.push(&order.join(", "));
        }
        if let Some(n) = self.limit {
            // Writing to a String cannot fail.
            let _ = write!(out.sql, " LIMIT {n}");
        }
        let (sql, params) = out.finish();
        Ok(SqlFragment { sql, params })
    }
}
