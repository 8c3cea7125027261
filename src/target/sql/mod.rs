//! The SQL backend (the public docs are on the facade module).

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
use crate::target::json;
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

    /// The fragment as compact JSON text, `{"sql": ..., "params": [...]}`: exactly
    /// `serde_json::to_string(self)`, written directly (serde's data model costs more
    /// than lowering a small query).
    ///
    /// ```
    /// use filterql::sql::{Dialect, SqlOptions};
    /// use filterql::{compile, Options, Schema};
    ///
    /// let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
    /// let q = compile("amount > 5", &Schema::demo(), &opts).unwrap();
    /// let frag = q.to_sql_where(&SqlOptions::new(Dialect::Sqlite).params(true)).unwrap();
    /// assert_eq!(frag.to_json(), r#"{"sql":"`amount` > ?","params":[5]}"#);
    /// assert_eq!(frag.to_json(), serde_json::to_string(&frag).unwrap());
    /// ```
    pub fn to_json(&self) -> String {
        // Escapes are rare; a parameter is its text plus quotes and a comma, or a short
        // number or timestamp.
        let params: usize = self
            .params
            .iter()
            .map(|p| match p {
                SqlParam::Text(t) | SqlParam::Json(t) => t.len() + 3,
                _ => 26,
            })
            .sum();
        let mut out = String::with_capacity(24 + self.sql.len() + params);
        out.push_str(r#"{"sql":"#);
        json::push_json_text_str(&mut out, &self.sql);
        out.push_str(r#","params":["#);
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            p.push_json(&mut out);
        }
        out.push_str("]}");
        out
    }
}

/// The `WHERE` condition for `pred` (without the keyword), or every reason it cannot be
/// written. The table, columns, order and limit of `opts` are not used. Callers go
/// through [`Query::to_sql_where`](crate::Query::to_sql_where); this is the entry for a
/// predicate built without a query text (tests, benches, fuzzing).
#[doc(hidden)]
pub fn compile_where(pred: &Pred, opts: &SqlOptions) -> Result<SqlFragment, Vec<SqlError>> {
    where_in(pred, opts, opts.tz.unwrap_or(DEFAULT_TZ), None)
}

/// [`compile_where`] as JSON text: exactly `serde_json::to_string` of its fragment
/// ([`SqlFragment::to_json`]), written without keeping the parameters as values.
#[doc(hidden)]
pub fn compile_where_json(pred: &Pred, opts: &SqlOptions) -> Result<String, Vec<SqlError>> {
    Ok(where_out(pred, opts, opts.tz.unwrap_or(DEFAULT_TZ), true, None)?.finish_json())
}

/// [`compile_select`] as JSON text, as [`compile_where_json`].
#[doc(hidden)]
pub fn compile_select_json(pred: &Pred, opts: &SqlOptions) -> Result<String, Vec<SqlError>> {
    Ok(select_out(pred, opts, opts.tz.unwrap_or(DEFAULT_TZ), true, None)?.finish_json())
}

/// [`compile_where`] with datetime columns in `tz`.
fn where_in(
    pred: &Pred,
    opts: &SqlOptions,
    tz: FixedOffset,
    source: Option<usize>,
) -> Result<SqlFragment, Vec<SqlError>> {
    let (sql, params) = where_out(pred, opts, tz, false, source)?.finish();
    Ok(SqlFragment { sql, params })
}

/// An empty statement for `pred` with room for its text (and `extra` bytes more) and
/// parameters, in JSON mode when `json`.
///
/// `source`, the length of the query text `pred` was compiled from when there is one,
/// sizes the buffers at once: the statement's text is at most about twice the query's
/// with inline values (a column name and a value for each one written, plus emptiness
/// arms), about its size with placeholders, and its parameters' JSON about its size. A
/// wrong guess costs a regrowth, while walking the predicate for a closer one costs
/// more than that on small queries.
fn out_for(
    pred: &Pred,
    opts: &SqlOptions,
    extra: usize,
    json: bool,
    source: Option<usize>,
) -> frag::Out {
    let e = match source {
        Some(n) if opts.params => Estimate {
            text: n + 64,
            params: n / 8 + 1,
            json: n + 16,
        },
        Some(n) => Estimate {
            text: 2 * n + 64,
            params: 0,
            json: 0,
        },
        None => estimate(pred, opts),
    };
    if json {
        frag::Out::new_json(opts.dialect, e.text + extra, e.json, opts.first_placeholder)
    } else {
        frag::Out::new(opts.dialect, e.text + extra, e.params, opts.first_placeholder)
    }
}

/// The condition for `pred` with datetime columns in `tz`, parameters as JSON when
/// `json`.
fn where_out(
    pred: &Pred,
    opts: &SqlOptions,
    tz: FixedOffset,
    json: bool,
    source: Option<usize>,
) -> Result<frag::Out, Vec<SqlError>> {
    let mut errors = Vec::new();
    let mut out = out_for(pred, opts, 0, json, source);
    lower_where(&mut out, pred, opts, tz, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(out)
}

/// The `SELECT` statement filtering rows by `pred`, or every reason it cannot be
/// written ([`SqlError::NoTable`] without a table). Callers go through
/// [`Query::to_sql`](crate::Query::to_sql); this is the entry for a predicate built
/// without a query text (tests, benches, fuzzing).
#[doc(hidden)]
pub fn compile_select(pred: &Pred, opts: &SqlOptions) -> Result<SqlFragment, Vec<SqlError>> {
    select_in(pred, opts, opts.tz.unwrap_or(DEFAULT_TZ), None)
}

/// [`compile_select`] with datetime columns in `tz`.
fn select_in(
    pred: &Pred,
    opts: &SqlOptions,
    tz: FixedOffset,
    source: Option<usize>,
) -> Result<SqlFragment, Vec<SqlError>> {
    let (sql, params) = select_out(pred, opts, tz, false, source)?.finish();
    Ok(SqlFragment { sql, params })
}

/// The statement for `pred` with datetime columns in `tz`, parameters as JSON when
/// `json`.
fn select_out(
    pred: &Pred,
    opts: &SqlOptions,
    tz: FixedOffset,
    json: bool,
    source: Option<usize>,
) -> Result<frag::Out, Vec<SqlError>> {
    let dialect = opts.dialect;
    let mut errors = Vec::new();
    let Some(table) = &opts.table else {
        return Err(vec![SqlError::NoTable {
            span: Span::default(),
        }]);
    };
    let mut out = out_for(pred, opts, 64, json, source);
    let mut name = |out: &mut frag::Out, what: &'static str, n: &str| {
        if let Err(reason) = out.write_with(|sql| dialect.push_ident(sql, n)) {
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
        out.push_decimal(n);
    }
    Ok(out)
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
        // Room for any plain column name (63 bytes and quotes), so the scratch is
        // allocated once.
        col: String::with_capacity(72),
    };
    l.pred(out, pred, false, 0);
}

/// The guessed sizes of a statement.
#[derive(Default)]
struct Estimate {
    /// Bytes of text.
    text: usize,
    /// Parameters (in parameterised mode).
    params: usize,
    /// Bytes of the parameters as JSON array items (in parameterised mode).
    json: usize,
}

/// A guess at the length of the condition's text and at the number of its parameters,
/// so the buffers are allocated once in the common cases (a little over for typical
/// leaves; long `in` lists of short values, the big inputs, are close to exact).
fn estimate(pred: &Pred, opts: &SqlOptions) -> Estimate {
    let mut e = Estimate::default();
    // Leaves are counted where they are met, and groups wait on a small fixed stack
    // (spilling to a vector only past it), so that no usual query allocates here.
    const INLINE: usize = 16;
    let mut inline: [Option<&Pred>; INLINE] = [None; INLINE];
    let mut top = 0;
    let mut spill: Vec<&Pred> = Vec::new();
    let mut next = Some(pred);
    loop {
        let p = match next.take() {
            Some(p) => p,
            None => match spill.pop() {
                Some(p) => p,
                None if top > 0 => {
                    top -= 1;
                    match inline[top] {
                        Some(p) => p,
                        None => break,
                    }
                }
                None => break,
            },
        };
        match p {
            Pred::And(ps) | Pred::Or(ps) => {
                e.text += 6 * ps.len();
                for q in ps {
                    match q {
                        Pred::Leaf(l) => leaf_estimate(l, opts.params, &mut e),
                        _ if top < INLINE => {
                            inline[top] = Some(q);
                            top += 1;
                        }
                        _ => spill.push(q),
                    }
                }
            }
            Pred::Not(q) => next = Some(q),
            Pred::True | Pred::False => e.text += 8,
            Pred::Leaf(l) => leaf_estimate(l, opts.params, &mut e),
        }
    }
    if !opts.params {
        e.params = 0;
        e.json = 0;
    }
    e
}

/// Adds a leaf's guessed sizes to `e`.
fn leaf_estimate(l: &Leaf, params: bool, e: &mut Estimate) {
    use crate::ir::{Scalar, Test};
    let scalar = |e: &mut Estimate, s: &Scalar| {
        e.params += 1;
        // A JSON item: quotes and a comma around text, a number or timestamp.
        e.json += match s {
            Scalar::Text(t) => t.len() + 3,
            _ => 26,
        };
        match (params, s) {
            // A placeholder (`$123`, a number's with its cast) and `, `.
            (true, Scalar::Number(_)) => 14,
            (true, _) => 8,
            // Quotes and `, `; non-ASCII text in MySQL's hex form takes more and grows once.
            (false, Scalar::Text(t)) => t.len() + 4,
            (false, Scalar::Number(_)) => 12,
            (false, Scalar::DateTime(_)) => 38,
            (false, Scalar::Bool(_)) => 0,
        }
    };
    let col = l.field.column.len();
    let mut m = 24 + 2 * col;
    if l.negated {
        m += 32 + col;
    }
    m += match &l.test {
        Test::Eq(s) => scalar(e, s),
        Test::In(vs) | Test::HasAny(vs) | Test::HasAll(vs) => {
            vs.iter().map(|s| scalar(e, s)).sum()
        }
        Test::Range(r) => [&r.lo, &r.hi]
            .into_iter()
            .flatten()
            .map(|b| scalar(e, &b.value) + 8 + col)
            .sum(),
        Test::Text(_, s) => {
            e.params += 1;
            e.json += s.len() + 5;
            2 * s.len() + 24
        }
        Test::Empty | Test::Verified | Test::Unverified => 16,
    };
    e.text += m;
}
