//! Real database engines for the SQL backend tests: connections (SQLite in memory always,
//! PostgreSQL and MariaDB/MySQL from `FILTERQL_PG_URL` / `FILTERQL_MYSQL_URL`), tables
//! laid out by the backend's storage model, records turned into rows, and statement
//! execution in both output modes.
//!
//! When a server URL is unset, [`connect`] prints why the test skips and returns `None`,
//! unless `FILTERQL_REQUIRE_DB=1` (CI), where a missing server fails the test.
#![allow(dead_code)]

use chrono::FixedOffset;
use filterql::ir::Pred;
use filterql::target::sql::{compile_select, Dialect, SqlFragment, SqlOptions, SqlParam};
use filterql::FieldType;
use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};
use std::error::Error;

/// A connection to one engine.
pub enum Conn {
    /// SQLite through rusqlite (bundled).
    Sqlite(rusqlite::Connection),
    /// PostgreSQL.
    Pg(Box<postgres::Client>),
    /// MariaDB or MySQL.
    My(Box<mysql::Conn>),
}

type Res<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// An in-memory SQLite database with double-quoted string literals disabled, so that an
/// unknown `"column"` is an error instead of a string.
pub fn sqlite() -> Conn {
    let c = rusqlite::Connection::open_in_memory().expect("open sqlite");
    c.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DQS_DML, false)
        .expect("DQS_DML off");
    c.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DQS_DDL, false)
        .expect("DQS_DDL off");
    Conn::Sqlite(c)
}

/// A connection for `dialect`, or `None` (with a printed reason) when its server is not
/// configured and not required.
pub fn connect(dialect: Dialect) -> Option<Conn> {
    let var = match dialect {
        Dialect::Sqlite => return Some(sqlite()),
        Dialect::Postgres => "FILTERQL_PG_URL",
        Dialect::Mysql => "FILTERQL_MYSQL_URL",
    };
    let required = std::env::var("FILTERQL_REQUIRE_DB").as_deref() == Ok("1");
    let url = match std::env::var(var) {
        Ok(u) if !u.is_empty() => u,
        _ => {
            assert!(
                !required,
                "{var} is not set but FILTERQL_REQUIRE_DB=1: start the servers with scripts/db"
            );
            eprintln!("skipping {dialect} checks: {var} is not set (see scripts/db)");
            note_skip(dialect);
            return None;
        }
    };
    Some(match dialect {
        Dialect::Postgres => {
            let c = postgres::Client::connect(&url, postgres::NoTls)
                .unwrap_or_else(|e| panic!("connect to {url}: {e}"));
            Conn::Pg(Box::new(c))
        }
        _ => {
            let opts = mysql::Opts::from_url(&url).unwrap_or_else(|e| panic!("{url}: {e}"));
            let mut c = mysql::Conn::new(opts).unwrap_or_else(|e| panic!("connect to {url}: {e}"));
            use mysql::prelude::Queryable;
            c.query_drop("SET NAMES utf8mb4").expect("SET NAMES");
            Conn::My(Box::new(c))
        }
    })
}

/// Appends `<dialect> <test name>` to the file `FILTERQL_SKIP_LOG` names (set by
/// scripts/test), so that skips are summed up at the end of the run rather than lost in
/// captured test output.
fn note_skip(dialect: Dialect) {
    use std::io::Write;
    let Some(path) = std::env::var_os("FILTERQL_SKIP_LOG").filter(|p| !p.is_empty()) else {
        return;
    };
    let test = std::thread::current()
        .name()
        .unwrap_or("unnamed test")
        .to_owned();
    let line = format!("{dialect:?} {}::{test}\n", env!("CARGO_CRATE_NAME"));
    // One short append per skip: lines from parallel tests do not interleave.
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = f.write_all(line.as_bytes());
    }
}

/// One test per engine running `check` (a `fn(Conn)`): SQLite always, PostgreSQL and
/// MariaDB through [`connect`] (skipped with a printed reason when their server is not
/// configured, a failure under `FILTERQL_REQUIRE_DB=1`). Separate tests, so that each
/// engine passes or fails by name.
#[allow(unused_macros)] // sql_api, sql_cli and sql_fixtures run no per-engine check
macro_rules! engine_tests {
    ($check:ident: $sqlite:ident, $postgres:ident, $mysql:ident) => {
        #[test]
        fn $sqlite() {
            $check(sqldb::sqlite());
        }

        #[test]
        fn $postgres() {
            if let Some(c) = sqldb::connect(filterql::target::sql::Dialect::Postgres) {
                $check(c);
            }
        }

        #[test]
        fn $mysql() {
            if let Some(c) = sqldb::connect(filterql::target::sql::Dialect::Mysql) {
                $check(c);
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use engine_tests;

/// Connections to every configured engine.
pub fn all_engines() -> Vec<Conn> {
    Dialect::ALL.into_iter().filter_map(connect).collect()
}

/// A table name unique to this process and `tag`, so tests can run in parallel against
/// one server.
pub fn table_name(tag: &str) -> String {
    format!("fq_{tag}_{}", std::process::id())
}

/// How a column is declared, by storage-model kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColKind {
    /// Text.
    Text,
    /// A double.
    Number,
    /// A 64-bit integer (`BIGINT`, SQLite `INTEGER`).
    Integer,
    /// A datetime in the query zone.
    Datetime,
    /// A JSON array in the engine's JSON type (`jsonb` on PostgreSQL).
    Json,
    /// A JSON array in a plain text column.
    JsonText,
    /// The phone-verified flag.
    Flag,
}

/// One column of a test table.
#[derive(Clone, Debug)]
pub struct Col {
    /// The column name.
    pub name: String,
    /// Its kind.
    pub kind: ColKind,
}

/// A cell value, before per-engine encoding.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// NULL.
    Null,
    /// Text (possibly `''`).
    Text(String),
    /// A number.
    Num(f64),
    /// A 64-bit integer.
    Int(i64),
    /// A datetime as `YYYY-MM-DD HH:MM:SS.fff` local text.
    Datetime(String),
    /// The empty string in a datetime column: `''` on SQLite, NULL elsewhere.
    EmptyDatetime,
    /// A JSON array (text).
    Json(String),
    /// The empty string in a JSON column (`''` where the column is text, else NULL).
    EmptyJson,
    /// A boolean flag.
    Flag(bool),
}

impl Conn {
    /// The dialect of this engine.
    pub fn dialect(&self) -> Dialect {
        match self {
            Conn::Sqlite(_) => Dialect::Sqlite,
            Conn::Pg(_) => Dialect::Postgres,
            Conn::My(_) => Dialect::Mysql,
        }
    }

    /// Runs statements that return nothing.
    pub fn batch(&mut self, sql: &str) -> Res<()> {
        match self {
            Conn::Sqlite(c) => c.execute_batch(sql)?,
            Conn::Pg(c) => c.batch_execute(sql)?,
            Conn::My(c) => {
                use mysql::prelude::Queryable;
                c.query_drop(sql)?
            }
        }
        Ok(())
    }

    /// Sets MySQL's `sql_mode` with or without `NO_BACKSLASH_ESCAPES` (other engines:
    /// nothing to do).
    pub fn set_no_backslash_escapes(&mut self, on: bool) -> Res<()> {
        if let Conn::My(_) = self {
            let sql = if on {
                "SET SESSION sql_mode = CONCAT(@@GLOBAL.sql_mode, ',NO_BACKSLASH_ESCAPES')"
            } else {
                "SET SESSION sql_mode = @@GLOBAL.sql_mode"
            };
            self.batch(sql)?;
        }
        Ok(())
    }

    fn quote(&self, name: &str) -> String {
        self.dialect().quote_ident(name).expect("test column name")
    }

    fn col_type(&self, k: ColKind) -> &'static str {
        use ColKind::*;
        match (self.dialect(), k) {
            (Dialect::Sqlite, Text | Datetime | Json | JsonText) => "TEXT",
            (Dialect::Sqlite, Number) => "REAL",
            (Dialect::Sqlite, Integer) => "INTEGER",
            (Dialect::Postgres, Integer) => "bigint",
            (Dialect::Mysql, Integer) => "BIGINT",
            (Dialect::Sqlite, Flag) => "INTEGER",
            (Dialect::Postgres, Text | JsonText) => "text",
            (Dialect::Postgres, Number) => "float8",
            (Dialect::Postgres, Datetime) => "timestamp(3)",
            (Dialect::Postgres, Json) => "jsonb",
            (Dialect::Postgres, Flag) => "boolean",
            (Dialect::Mysql, Text | JsonText) => "LONGTEXT",
            (Dialect::Mysql, Number) => "DOUBLE",
            (Dialect::Mysql, Datetime) => "DATETIME(3)",
            // MariaDB's JSON is LONGTEXT with a JSON_VALID check, which refuses `''`.
            (Dialect::Mysql, Json) => "JSON",
            (Dialect::Mysql, Flag) => "BOOLEAN",
        }
    }

    /// (Re)creates `table` with an `id` primary key and `cols`.
    pub fn create_table(&mut self, table: &str, cols: &[Col]) -> Res<()> {
        let t = self.quote(table);
        let mut defs = vec![format!("{} BIGINT PRIMARY KEY", self.quote("id"))];
        for c in cols {
            defs.push(format!("{} {}", self.quote(&c.name), self.col_type(c.kind)));
        }
        let tail = if self.dialect() == Dialect::Mysql {
            " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
        } else {
            ""
        };
        self.batch(&format!("DROP TABLE IF EXISTS {t}"))?;
        self.batch(&format!("CREATE TABLE {t} ({}){tail}", defs.join(", ")))?;
        Ok(())
    }

    /// Drops `table`.
    pub fn drop_table(&mut self, table: &str) -> Res<()> {
        let t = self.quote(table);
        self.batch(&format!("DROP TABLE IF EXISTS {t}"))
    }

    /// Deletes every row of `table`.
    pub fn clear(&mut self, table: &str) -> Res<()> {
        let t = self.quote(table);
        self.batch(&format!("DELETE FROM {t}"))
    }

    /// The parameter a cell is bound as in a column of kind `k`.
    fn cell_param(&self, k: ColKind, cell: &Cell) -> SqlParam {
        let d = self.dialect();
        match cell {
            Cell::Null => SqlParam::Null,
            Cell::Text(s) => SqlParam::Text(s.clone()),
            Cell::Datetime(s) => SqlParam::Timestamp(
                chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
                    .unwrap_or_else(|e| panic!("test datetime {s}: {e}")),
            ),
            Cell::Json(s) => SqlParam::Json(s.clone()),
            // No engine of the three stores an infinity alike (MySQL refuses it).
            Cell::Num(x) if !x.is_finite() => SqlParam::Null,
            Cell::Num(x) => SqlParam::Float(*x),
            Cell::Int(i) => SqlParam::Int(*i),
            Cell::EmptyDatetime if d == Dialect::Sqlite => SqlParam::Text(String::new()),
            Cell::EmptyDatetime => SqlParam::Null,
            Cell::EmptyJson if k == ColKind::JsonText => SqlParam::Text(String::new()),
            Cell::EmptyJson if d == Dialect::Sqlite => SqlParam::Text(String::new()),
            Cell::EmptyJson => SqlParam::Null,
            Cell::Flag(b) => SqlParam::Bool(*b),
        }
    }

    /// Inserts rows (`id`, then one cell per column) with bound parameters, so that
    /// loading data does not depend on the literal escaping under test.
    pub fn insert(&mut self, table: &str, cols: &[Col], rows: &[(i64, Vec<Cell>)]) -> Res<()> {
        let t = self.quote(table);
        let names: Vec<String> = std::iter::once("id".to_string())
            .chain(cols.iter().map(|c| c.name.clone()))
            .map(|n| self.quote(&n))
            .collect();
        let marks: Vec<String> = (1..=names.len())
            .map(|i| self.dialect().placeholder(i))
            .collect();
        let sql = format!(
            "INSERT INTO {t} ({}) VALUES ({})",
            names.join(", "),
            marks.join(", ")
        );
        for (id, cells) in rows {
            let mut params = vec![SqlParam::Int(*id)];
            for (c, cell) in cols.iter().zip(cells) {
                params.push(self.cell_param(c.kind, cell));
            }
            self.exec(&sql, &params)?;
        }
        Ok(())
    }

    /// Runs a statement with parameters, discarding any result. The parameters bind
    /// through the library's own driver implementations for [`SqlParam`].
    pub fn exec(&mut self, sql: &str, params: &[SqlParam]) -> Res<()> {
        match self {
            Conn::Sqlite(c) => {
                c.execute(sql, rusqlite::params_from_iter(params))?;
            }
            Conn::Pg(c) => {
                c.execute(sql, &pg_refs(params))?;
            }
            Conn::My(c) => {
                use mysql::prelude::Queryable;
                c.exec_drop(sql, params.to_vec())?
            }
        }
        Ok(())
    }

    /// Runs a query whose first column is an integer id; returns the ids sorted.
    pub fn ids(&mut self, q: &(impl Stmt + ?Sized)) -> Res<Vec<i64>> {
        let (sql, params) = q.parts();
        let mut ids: Vec<i64> = match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare(sql)?;
                let rows =
                    st.query_map(rusqlite::params_from_iter(params), |r| r.get::<_, i64>(0))?;
                rows.collect::<Result<_, _>>()?
            }
            Conn::Pg(c) => c
                .query(sql, &pg_refs(params))?
                .iter()
                .map(|r| r.try_get::<_, i64>(0))
                .collect::<Result<_, _>>()?,
            Conn::My(c) => {
                use mysql::prelude::Queryable;
                let rows: Vec<mysql::Row> = if params.is_empty() {
                    // The text protocol: the statement is sent exactly as written.
                    c.query(sql)?
                } else {
                    c.exec(sql, params.to_vec())?
                };
                rows.iter()
                    .map(|r| {
                        r.get_opt::<i64, _>(0)
                            .ok_or("no column")?
                            .map_err(Into::into)
                    })
                    .collect::<Res<Vec<i64>>>()?
            }
        };
        ids.sort_unstable();
        Ok(ids)
    }

    /// Runs a query returning one row of one text column; returns all rows' values
    /// (so a statement whose shape changed shows up as extra or missing rows).
    pub fn strings(&mut self, q: &(impl Stmt + ?Sized)) -> Res<Vec<Option<String>>> {
        let (sql, params) = q.parts();
        Ok(match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare(sql)?;
                let rows = st.query_map(rusqlite::params_from_iter(params), |r| {
                    r.get::<_, Option<String>>(0)
                })?;
                rows.collect::<Result<_, _>>()?
            }
            Conn::Pg(c) => c
                .query(sql, &pg_refs(params))?
                .iter()
                .map(|r| r.try_get::<_, Option<String>>(0))
                .collect::<Result<_, _>>()?,
            Conn::My(c) => {
                use mysql::prelude::Queryable;
                let rows: Vec<Option<Vec<u8>>> = if params.is_empty() {
                    c.query(sql)?
                } else {
                    c.exec(sql, params.to_vec())?
                };
                rows.into_iter()
                    .map(|b| b.map(String::from_utf8).transpose())
                    .collect::<Result<_, _>>()?
            }
        })
    }
}

impl Conn {
    /// Runs `q` and notes in `failures`, after `label`, an engine error or any ids other
    /// than `want`; a test collects every mismatch this way and asserts once at the end,
    /// so one run reports them all.
    pub fn check_ids(
        &mut self,
        label: &str,
        q: &(impl Stmt + ?Sized),
        want: &[i64],
        failures: &mut Vec<String>,
    ) {
        let (sql, params) = q.parts();
        let stmt = if params.is_empty() {
            sql.to_owned()
        } else {
            format!("{sql} {params:?}")
        };
        match self.ids(q) {
            Ok(got) if got == want => {}
            Ok(got) => failures.push(format!("{label}: {stmt} gave {got:?}, want {want:?}")),
            Err(e) => failures.push(format!("{label}: {stmt}: {e}")),
        }
    }

    /// `p` compiled with `select` and run: the statement and the ids it selected. A
    /// rejection or an engine error fails the proptest case.
    pub fn select_ids(
        &mut self,
        p: &Pred,
        select: &SqlOptions,
    ) -> Result<(SqlFragment, Vec<i64>), TestCaseError> {
        let q = compile_select(p, select)
            .map_err(|e| TestCaseError::fail(format!("{p:?} rejected: {e:?}")))?;
        let got = self
            .ids(&q)
            .map_err(|e| TestCaseError::fail(format!("{}: {e}", q.sql())))?;
        Ok((q, got))
    }

    /// [`Conn::check_ids`] on `p` compiled with `select` in both output modes: literals
    /// inline, then bound parameters.
    pub fn check_pred(
        &mut self,
        label: &str,
        p: &Pred,
        select: &SqlOptions,
        want: &[i64],
        failures: &mut Vec<String>,
    ) {
        for params in [false, true] {
            let q = compile_select(p, &select.clone().params(params)).expect("compiles");
            self.check_ids(label, &q, want, failures);
        }
    }
}

/// A proptest runner for a test against an engine, driven by hand (the engine is the
/// test's argument): `PROPTEST_CASES` cases when that is set, else `default_cases`;
/// failures are reported, not persisted.
pub fn runner(default_cases: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default_cases);
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

/// A proptest run against `table` (created with `cols` on `conn` first, dropped after):
/// `test` gets the connection and each value of `strategy`, for [`runner`]`(default_cases)`
/// cases. A failing case panics with the dialect and the smallest failing input.
pub fn prop_on_table<S: Strategy>(
    mut conn: Conn,
    table: &str,
    cols: &[Col],
    default_cases: u32,
    strategy: &S,
    test: impl Fn(&mut Conn, S::Value) -> Result<(), TestCaseError>,
) {
    let d = conn.dialect();
    conn.create_table(table, cols).expect("create table");
    // The runner takes a `Fn`; the cases run one after another.
    let conn = std::cell::RefCell::new(conn);
    let result = runner(default_cases).run(strategy, |v| test(&mut conn.borrow_mut(), v));
    let _ = conn.borrow_mut().drop_table(table);
    if let Err(e) = result {
        panic!("{d}: {e}");
    }
}

/// An engine error as a proptest failure.
pub fn fail(e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

/// The ids (indexes) of the `records` that `matches` holds for: what a statement must
/// select from a table whose row ids are the record indexes.
pub fn ids_where(records: &[Value], matches: impl Fn(&Value) -> bool) -> Vec<i64> {
    (0..records.len())
        .filter(|&i| matches(&records[i]))
        .map(|i| i as i64)
        .collect()
}

// ---------------------------------------------------------------------------------------
// Pinned cases: predicates with the ids they must select, written by hand.

/// A pinned case: its name, the predicate, and the ids of the rows it must select.
pub type Pin = (&'static str, Pred, Vec<i64>);

/// Every id of `0..count` but `ids`: what a negation selects, the empty values included.
pub fn all_but(count: usize, ids: &[i64]) -> Vec<i64> {
    (0..count as i64).filter(|i| !ids.contains(i)).collect()
}

/// Asserts that `eval` selects the hand-written ids of every pin from `records` (row id =
/// index), so that a wrong expectation cannot hide behind the engines agreeing with it.
pub fn assert_eval_agrees(pins: &[Pin], records: &[Value]) {
    for (name, p, want) in pins {
        let got = ids_where(records, |r| filterql::eval::matches(p, r));
        assert_eq!(&got, want, "{name}");
    }
}

/// A statement to run: SQL text and its parameters.
pub trait Stmt {
    /// The text and the parameters.
    fn parts(&self) -> (&str, &[SqlParam]);
}

impl Stmt for SqlFragment {
    fn parts(&self) -> (&str, &[SqlParam]) {
        (self.sql(), self.params())
    }
}

/// Plain SQL without parameters.
impl Stmt for str {
    fn parts(&self) -> (&str, &[SqlParam]) {
        (self, &[])
    }
}

/// Plain SQL without parameters.
impl Stmt for String {
    fn parts(&self) -> (&str, &[SqlParam]) {
        (self, &[])
    }
}

impl Stmt for (String, Vec<SqlParam>) {
    fn parts(&self) -> (&str, &[SqlParam]) {
        (&self.0, &self.1)
    }
}

/// The parameters as `postgres` takes them.
fn pg_refs(params: &[SqlParam]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|p| p as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Records to rows.

/// The storage-model column kind of a field type, `None` for subforms. `variant`
/// alternates JSON columns between the engine's JSON type and plain text.
pub fn col_kind(ty: FieldType, variant: usize) -> Option<ColKind> {
    use FieldType::*;
    Some(match ty {
        Text | Sn | Select | Dataid | User | Phone | Other => ColKind::Text,
        Number | Flowstate | Dept => ColKind::Number,
        Datetime => ColKind::Datetime,
        Multiselect | Usergroup | Deptgroup => {
            if variant.is_multiple_of(2) {
                ColKind::Json
            } else {
                ColKind::JsonText
            }
        }
        Subform => return None,
    })
}

/// The columns of the test table for top-level `fields` (name, type): one per field,
/// plus `<name>_verified` after each phone.
pub fn columns(fields: &[(String, FieldType)]) -> Vec<Col> {
    let mut cols = Vec::new();
    for (i, (name, ty)) in fields.iter().enumerate() {
        if let Some(kind) = col_kind(*ty, i) {
            cols.push(Col {
                name: name.clone(),
                kind,
            });
            if *ty == FieldType::Phone {
                cols.push(Col {
                    name: format!("{name}_verified"),
                    kind: ColKind::Flag,
                });
            }
        }
    }
    cols
}

fn is_empty_form(v: &Value) -> bool {
    matches!(v, Value::Null) || v == &json!("") || v == &json!([])
}

/// How JSON array cells are written: all three are the same JSON to a reader, and
/// writers in the wild produce each of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonStyle {
    /// serde_json's compact form: UTF-8, only `"`, `\` and controls escaped.
    Plain,
    /// ASCII-only: every non-ASCII character as `\uXXXX` (surrogate pairs outside the
    /// BMP), as Python's `json.dumps` writes by default, and `/` as `\/`, as PHP's
    /// `json_encode` does.
    Ascii,
    /// Every character of every string as `\uXXXX`.
    AllEscaped,
}

impl JsonStyle {
    /// Every style, for tests that cycle through them.
    pub const ALL: [JsonStyle; 3] = [JsonStyle::Plain, JsonStyle::Ascii, JsonStyle::AllEscaped];

    /// `v` as JSON text in this style.
    pub fn write(self, v: &Value) -> String {
        let mut out = String::new();
        self.write_into(v, &mut out);
        out
    }

    fn write_into(self, v: &Value, out: &mut String) {
        match v {
            Value::String(s) => self.string(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write_into(it, out);
                }
                out.push(']');
            }
            Value::Object(m) => {
                out.push('{');
                for (i, (k, it)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.string(k, out);
                    out.push_str(": ");
                    self.write_into(it, out);
                }
                out.push('}');
            }
            other => out.push_str(&other.to_string()),
        }
    }

    fn string(self, s: &str, out: &mut String) {
        if self == JsonStyle::Plain {
            out.push_str(&Value::String(s.to_owned()).to_string());
            return;
        }
        out.push('"');
        for c in s.chars() {
            let escape = self == JsonStyle::AllEscaped
                || !c.is_ascii()
                || c.is_ascii_control()
                || c == '"'
                || c == '\\';
            if c == '/' {
                out.push_str("\\/");
            } else if escape {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            } else {
                out.push(c);
            }
        }
        out.push('"');
    }
}

/// The cells for one record, and the record as the table holds it.
///
/// The storage model holds well-typed values only: a value of the wrong JSON type (a
/// number in a text field, an unparsable datetime, a malformed phone) has no column
/// form, so it is removed from the record (made absent) before `eval` sees it. Array
/// items are kept whatever their shape (`eval` and the SQL both ignore the ones that do
/// not count); user and department objects become the username and number the storage
/// model holds. Every empty form is kept, and stored as NULL, `''` or `[]` in turn so
/// each of them reaches the engines.
pub fn to_row(
    fields: &[(String, FieldType)],
    record: &Value,
    tz: FixedOffset,
) -> (Value, Vec<Cell>) {
    to_row_styled(fields, record, tz, JsonStyle::Plain)
}

/// [`to_row`], writing JSON array cells in `style`.
pub fn to_row_styled(
    fields: &[(String, FieldType)],
    record: &Value,
    tz: FixedOffset,
    style: JsonStyle,
) -> (Value, Vec<Cell>) {
    let mut out = serde_json::Map::new();
    let mut cells = Vec::new();
    let obj = record.as_object().cloned().unwrap_or_default();
    for (i, (name, ty)) in fields.iter().enumerate() {
        let Some(kind) = col_kind(*ty, i) else {
            continue;
        };
        let v = obj.get(name);
        let (kept, cell, flag) = cell_for(*ty, kind, v, tz, style);
        if let Some(k) = kept {
            out.insert(name.clone(), k);
        }
        cells.push(cell);
        if *ty == FieldType::Phone {
            cells.push(flag);
        }
    }
    (Value::Object(out), cells)
}

/// (value kept in the record, cell, phone flag cell).
fn cell_for(
    ty: FieldType,
    kind: ColKind,
    v: Option<&Value>,
    tz: FixedOffset,
    style: JsonStyle,
) -> (Option<Value>, Cell, Cell) {
    use FieldType::*;
    let Some(v) = v else {
        return (None, Cell::Null, Cell::Null);
    };
    let empty_cell = |v: &Value| match (kind, v) {
        (_, Value::Null) => Cell::Null,
        (ColKind::Text, _) => Cell::Text(String::new()),
        (ColKind::Datetime, Value::String(_)) => Cell::EmptyDatetime,
        (ColKind::Json | ColKind::JsonText, Value::String(_)) => Cell::EmptyJson,
        (ColKind::Json | ColKind::JsonText, _) => Cell::Json("[]".into()),
        _ => Cell::Null,
    };
    if is_empty_form(v) && ty != Phone {
        // An `other` field holds JSON text, so its empty list is stored as `[]`.
        let cell = if ty == Other && v == &json!([]) {
            Cell::Text("[]".into())
        } else {
            empty_cell(v)
        };
        return (Some(v.clone()), cell, Cell::Null);
    }
    let dropped = (None, Cell::Null, Cell::Null);
    match ty {
        Text | Sn | Select | Dataid => match v {
            Value::String(s) => (Some(v.clone()), Cell::Text(s.clone()), Cell::Null),
            _ => dropped,
        },
        Other => (Some(v.clone()), Cell::Text(v.to_string()), Cell::Null),
        User => match username(v) {
            Some(u) => (Some(v.clone()), Cell::Text(u), Cell::Null),
            None => dropped,
        },
        Number | Flowstate => match v {
            Value::Number(n) => (
                Some(v.clone()),
                Cell::Num(n.as_f64().unwrap_or(0.0)),
                Cell::Null,
            ),
            _ => dropped,
        },
        Dept => match dept_no(v) {
            Some(n) => (Some(v.clone()), Cell::Num(n), Cell::Null),
            None => dropped,
        },
        // Read as eval reads it: no offset (or a date alone) is local time in `tz`; a
        // JSON integer is epoch milliseconds.
        Datetime => match match v {
            Value::String(s) => filterql::eval::parse_instant_in(s, tz),
            Value::Number(n) => n
                .as_i64()
                .filter(|ms| chrono::DateTime::from_timestamp_millis(*ms).is_some()),
            _ => None,
        } {
            Some(ms) => {
                let t = chrono::DateTime::from_timestamp_millis(ms)
                    .expect("instant in range")
                    .with_timezone(&tz)
                    .format("%Y-%m-%d %H:%M:%S%.3f")
                    .to_string();
                (Some(v.clone()), Cell::Datetime(t), Cell::Null)
            }
            None => dropped,
        },
        Phone => match v {
            Value::Null => (Some(v.clone()), Cell::Null, Cell::Null),
            Value::String(s) if s.is_empty() => {
                (Some(v.clone()), Cell::Text(String::new()), Cell::Null)
            }
            Value::Array(a) if a.is_empty() => (Some(v.clone()), Cell::Null, Cell::Null),
            Value::Object(o) => {
                let flag = match o.get("verified") {
                    None | Some(Value::Null) => Cell::Null,
                    Some(Value::Bool(b)) => Cell::Flag(*b),
                    Some(_) => return dropped,
                };
                let number = match o.get("phone") {
                    None | Some(Value::Null) => Cell::Null,
                    Some(Value::String(s)) => Cell::Text(s.clone()),
                    Some(_) => return dropped,
                };
                (Some(v.clone()), number, flag)
            }
            _ => dropped,
        },
        Multiselect | Usergroup | Deptgroup => {
            let Value::Array(items) = v else {
                return dropped;
            };
            let elems: Vec<Value> = items
                .iter()
                .map(|it| match ty {
                    Usergroup => username(it).map_or_else(|| it.clone(), |u| json!(u)),
                    // Keep the number as written (jdy sends integers: `[2]`, while
                    // the backend writes `2.0`), so the engines' JSON equality is tested.
                    Deptgroup => dept_value(it).unwrap_or(it).clone(),
                    _ => it.clone(),
                })
                .collect();
            (
                Some(v.clone()),
                Cell::Json(style.write(&Value::Array(elems))),
                Cell::Null,
            )
        }
        Subform => dropped,
    }
}

fn username(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("username")?.as_str().map(str::to_owned),
        _ => None,
    }
}

fn dept_value(v: &Value) -> Option<&Value> {
    match v {
        Value::Number(_) => Some(v),
        Value::Object(o) => o.get("dept_no").filter(|n| n.is_number()),
        _ => None,
    }
}

fn dept_no(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::Object(o) => o.get("dept_no")?.as_f64(),
        _ => None,
    }
}
