//! The SQL backend (QPaaS custom-SQL endpoint): MySQL/MariaDB, PostgreSQL, SQLite.
//!
//! A compiled [`Query`](crate::Query) becomes a statement with [`Query::to_sql`] (a
//! whole `SELECT`) or a condition with [`Query::to_sql_where`] (what follows `WHERE`),
//! both shaped by [`SqlOptions`] and returned as a [`SqlFragment`]: the text and, in
//! parameterised mode, its values as typed [`SqlParam`]s that bind through the drivers
//! (features `rusqlite`, `postgres`, `mysql`).
//!
//! ```
//! use filterql::target::sql::{Dialect, SqlOptions, SqlParam};
//! use filterql::{compile, Options, Schema};
//!
//! let schema = Schema::from_json(r#"{"fields": [
//!     {"name": "status", "label": "状态", "type": "text"},
//!     {"name": "amount", "type": "number"}
//! ]}"#).unwrap();
//! let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
//! let query = compile(r#"状态 = "进行中" and amount > 1000.50"#, &schema, &opts).unwrap();
//!
//! let inline = query.to_sql(&SqlOptions::new(Dialect::Postgres).table("orders")).unwrap();
//! assert_eq!(
//!     inline.sql(),
//!     r#"SELECT * FROM "orders" WHERE "status" = '进行中' AND "amount" > 1000.5"#
//! );
//!
//! let cond = query
//!     .to_sql_where(&SqlOptions::new(Dialect::Mysql).params(true))
//!     .unwrap();
//! assert_eq!(cond.sql(), "CAST(`status` AS BINARY) = ? AND `amount` > ?");
//! assert_eq!(cond.params(), [SqlParam::Text("进行中".into()), SqlParam::Float(1000.5)]);
//! // The `{"sql", "params"}` JSON of `filterql compile --target sql --params`.
//! assert_eq!(
//!     serde_json::to_string(&cond).unwrap(),
//!     r#"{"sql":"CAST(`status` AS BINARY) = ? AND `amount` > ?","params":["进行中",1000.5]}"#
//! );
//! ```
//!
//! [`Query::to_sql`]: crate::Query::to_sql
//! [`Query::to_sql_where`]: crate::Query::to_sql_where
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
//! Columns hold what they hold: an integer column (`BIGINT`, SQLite `INTEGER`) holds exact
//! integers and is compared exactly; a `DOUBLE`/`float8`/`REAL` column holds 64-bit floats,
//! so an integer beyond 2^53 stored there is already the nearest float. Integers from
//! 2^53 up are written as exact integer literals or 64-bit integer parameters (PostgreSQL
//! placeholders are typed, `$n::int8` / `$n::float8`), never as floats.
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
//! Inline (the default): one statement with every value written as a literal, escaped
//! for the dialect (see [`literal`]): numbers as plain decimals where short (`5`,
//! `1000.5`) and with an exponent otherwise (`1e-7`), each read back by the engines as
//! the same double; text quoted, except on MySQL, where text with a backslash, a
//! control or a non-ASCII character is written in hex (`_utf8mb4 X'E8BF9B'`) so that it
//! means the same under every `sql_mode` and connection character set.
//!
//! Parameterised ([`SqlOptions::params`]): the statement has placeholders (`?` on MySQL
//! and SQLite, `$1, $2, ...` on PostgreSQL, from [`SqlOptions::first_placeholder`]) and
//! [`SqlFragment::params`] holds their values in order: [`SqlParam::Text`] for text,
//! [`SqlParam::Int`] for whole numbers below 2^53 (so they bind to integer columns too)
//! and [`SqlParam::Float`] for other numbers, [`SqlParam::Timestamp`] for datetimes (local
//! time in the storage zone), [`SqlParam::Json`] for the JSON array a JSON column is
//! tested against. On PostgreSQL a number's placeholder is written `$n::float8`, so it
//! binds whatever the column's numeric type. Serialised, a [`SqlFragment`] is the
//! `{"sql": ..., "params": [...]}` object of `filterql compile --target sql --params`,
//! each value as JSON: strings for text, JSON arrays and datetimes
//! (`YYYY-MM-DD HH:MM:SS.fff`), numbers for numbers.
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
//! `and`/`or` nested more than 200 levels deep; a `SELECT` without a table.

pub mod dialect;
pub mod literal;

mod drivers;
mod frag;
mod lower;
mod mysql;
mod param;
mod postgres;
mod query;
mod sqlite;

pub use dialect::Dialect;
pub use param::SqlParam;

use crate::ir::{Leaf, Pred};
use crate::schema::FieldType;
use crate::span::Span;
use crate::target::decimal::push_decimal;
use chrono::FixedOffset;
use literal::LiteralError;
use serde::Serialize;

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
    /// A `SELECT` statement was asked for without a table.
    #[error("a SELECT statement needs a table")]
    #[diagnostic(
        code(filterql::sql::no_table),
        help("name the table with `SqlOptions::table`, or ask for the condition alone with `Query::to_sql_where`")
    )]
    NoTable {
        /// The query.
        #[label("no table to select these rows from")]
        span: Span,
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

/// What to generate: the dialect, the statement's shape (table, columns, order, limit:
/// used by [`Query::to_sql`](crate::Query::to_sql) only), inline or parameterised
/// values, where placeholders start, and the zone datetime columns store.
///
/// ```
/// use filterql::target::sql::{Dialect, SqlOptions};
///
/// let opts = SqlOptions::new(Dialect::Postgres)
///     .table("orders")
///     .columns(["id", "title"])
///     .order_by("id", true)
///     .limit(50)
///     .params(true)
///     .first_placeholder(3); // `$1` and `$2` are the caller's own
/// assert_eq!(opts.dialect(), Dialect::Postgres);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SqlOptions {
    dialect: Dialect,
    table: Option<String>,
    columns: Vec<String>,
    order_by: Vec<(String, bool)>,
    limit: Option<u64>,
    params: bool,
    first_placeholder: usize,
    tz: Option<FixedOffset>,
}

impl SqlOptions {
    /// Inline values for `dialect`, placeholders from 1, datetimes in the query's zone,
    /// no table (`SELECT *` once one is named).
    pub fn new(dialect: Dialect) -> SqlOptions {
        SqlOptions {
            dialect,
            table: None,
            columns: Vec::new(),
            order_by: Vec::new(),
            limit: None,
            params: false,
            first_placeholder: 1,
            tz: None,
        }
    }

    /// The dialect.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The table of `SELECT ... FROM <table>`: one identifier, quoted as a whole (a `.`
    /// is part of the name).
    pub fn table(mut self, name: impl Into<String>) -> SqlOptions {
        self.table = Some(name.into());
        self
    }

    /// The selected columns (replacing any set before); none means `*`.
    pub fn columns<I>(mut self, columns: I) -> SqlOptions
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.columns = columns.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a sort key after those given before: `column DESC` when `descending`, else
    /// `column ASC`.
    pub fn order_by(mut self, column: impl Into<String>, descending: bool) -> SqlOptions {
        self.order_by.push((column.into(), descending));
        self
    }

    /// At most `n` rows (`LIMIT n`).
    pub fn limit(mut self, n: u64) -> SqlOptions {
        self.limit = Some(n);
        self
    }

    /// Parameterised (`true`): placeholders in the text (`?` on MySQL and SQLite, `$n`
    /// on PostgreSQL), values in [`SqlFragment::params`]. Inline (`false`, the default):
    /// every value written as an escaped literal.
    pub fn params(mut self, on: bool) -> SqlOptions {
        self.params = on;
        self
    }

    /// The number of the first placeholder (default 1; 0 counts as 1), so that the
    /// statement can follow the caller's own parameters: with `n`, PostgreSQL's
    /// placeholders are `$n, $n+1, ...`. `?` placeholders carry no number: the caller
    /// puts its own `n - 1` values before [`SqlFragment::params`] in the same way.
    pub fn first_placeholder(mut self, n: usize) -> SqlOptions {
        self.first_placeholder = n.max(1);
        self
    }

    /// The zone datetime columns store local time in (default: the query's time zone).
    /// Instants in the query are absolute, so any zone gives the same rows over a table
    /// that stores its datetimes in that zone.
    pub fn tz(mut self, tz: FixedOffset) -> SqlOptions {
        self.tz = Some(tz);
        self
    }
}

/// `+08:00`, the default zone of the language.
const DEFAULT_TZ: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(tz) => tz,
    // Evaluated at compile time: a bad constant fails the build, not a run.
    None => panic!("invalid default time zone"),
};

/// SQL text with the values of its placeholders, in order (none in inline mode).
///
/// Serialises as `{"sql": "...", "params": [...]}` (see [`SqlParam`] for the values).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SqlFragment {
    sql: String,
    params: Vec<SqlParam>,
}

impl SqlFragment {
    /// The SQL text.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The values of the placeholders, in order.
    pub fn params(&self) -> &[SqlParam] {
        &self.params
    }

    /// The text and the values.
    pub fn into_parts(self) -> (String, Vec<SqlParam>) {
        (self.sql, self.params)
    }
}

/// The `WHERE` condition for `pred` (without the keyword), or every reason it cannot be
/// written. The table, columns, order and limit of `opts` are not used. Callers go
/// through [`Query::to_sql_where`](crate::Query::to_sql_where); this is the entry for a
/// predicate built without a query text (tests, benches, fuzzing).
#[doc(hidden)]
pub fn compile_where(pred: &Pred, opts: &SqlOptions) -> Result<SqlFragment, Vec<SqlError>> {
    where_in(pred, opts, opts.tz.unwrap_or(DEFAULT_TZ))
}

/// [`compile_where`] with datetime columns in `tz`.
fn where_in(pred: &Pred, opts: &SqlOptions, tz: FixedOffset) -> Result<SqlFragment, Vec<SqlError>> {
    let mut errors = Vec::new();
    let mut out = frag::Out::new(opts.dialect, estimate(pred, opts), opts.first_placeholder);
    lower_where(&mut out, pred, opts, tz, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let (sql, params) = out.finish();
    Ok(SqlFragment { sql, params })
}

/// The `SELECT` statement filtering rows by `pred`, or every reason it cannot be
/// written ([`SqlError::NoTable`] without a table). Callers go through
/// [`Query::to_sql`](crate::Query::to_sql); this is the entry for a predicate built
/// without a query text (tests, benches, fuzzing).
#[doc(hidden)]
pub fn compile_select(pred: &Pred, opts: &SqlOptions) -> Result<SqlFragment, Vec<SqlError>> {
    select_in(pred, opts, opts.tz.unwrap_or(DEFAULT_TZ))
}

/// [`compile_select`] with datetime columns in `tz`.
fn select_in(
    pred: &Pred,
    opts: &SqlOptions,
    tz: FixedOffset,
) -> Result<SqlFragment, Vec<SqlError>> {
    let dialect = opts.dialect;
    let mut errors = Vec::new();
    let Some(table) = &opts.table else {
        return Err(vec![SqlError::NoTable {
            span: Span::default(),
        }]);
    };
    let mut out = frag::Out::new(dialect, estimate(pred, opts) + 64, opts.first_placeholder);
    let mut name = |out: &mut frag::Out, what: &'static str, n: &str| {
        if let Err(reason) = dialect.push_ident(&mut out.sql, n) {
            errors.push(SqlError::Name {
                what,
                name: n.to_owned(),
                reason,
            });
        }
    };
    out.push("SELECT ");
    if opts.columns.is_empty() {
        out.push("*");
    }
    for (i, c) in opts.columns.iter().enumerate() {
        if i > 0 {
            out.push(", ");
        }
        name(&mut out, "column", c);
    }
    out.push(" FROM ");
    name(&mut out, "table", table);
    // Written aside and appended after the condition, so that every name's error comes
    // before the condition's, in the order the options list them.
    let mut order = String::new();
    for (i, (c, descending)) in opts.order_by.iter().enumerate() {
        order.push_str(if i == 0 { " ORDER BY " } else { ", " });
        if let Err(reason) = dialect.push_ident(&mut order, c) {
            errors.push(SqlError::Name {
                what: "column",
                name: c.clone(),
                reason,
            });
        }
        order.push_str(if *descending { " DESC" } else { " ASC" });
    }
    out.push(" WHERE ");
    lower_where(&mut out, pred, opts, tz, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    out.push(&order);
    if let Some(n) = opts.limit {
        out.push(" LIMIT ");
        push_decimal(&mut out.sql, n);
    }
    let (sql, params) = out.finish();
    Ok(SqlFragment { sql, params })
}

fn lower_where(
    out: &mut frag::Out,
    pred: &Pred,
    opts: &SqlOptions,
    tz: FixedOffset,
    errors: &mut Vec<SqlError>,
) {
    let mut l = lower::Lower {
        v: lower::Values {
            dialect: opts.dialect,
            params: opts.params,
            tz,
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
