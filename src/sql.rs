//! The SQL backend (QPaaS custom-SQL endpoint): MySQL/MariaDB, PostgreSQL, SQLite.
//!
//! A compiled [`Query`](crate::Query) becomes a statement with [`Query::to_sql`] (a
//! whole `SELECT`) or a condition with [`Query::to_sql_where`] (what follows `WHERE`),
//! both shaped by [`SqlOptions`] and returned as a [`SqlFragment`]: the text and, in
//! parameterised mode, its values as typed [`SqlParam`]s that bind through the drivers
//! (features `rusqlite`, `postgres`, `mysql`).
//!
//! ```
//! use filterql::sql::{Dialect, SqlOptions, SqlParam};
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
//! the field's column ([`Field::column`](crate::Field::column): the field name unless the schema maps it).
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
//! [`Query::matches`](crate::Query::matches), only items of the array's type count: a non-empty string in a
//! multiselect/usergroup array, a number in a deptgroup array; other items (`""`,
//! `null`, numbers in a text array, strings in a number array, objects, nested arrays)
//! are ignored by `has` and by emptiness, so an array of them alone is empty. User and
//! department *objects* are not items of the storage model: store the username and the
//! `dept_no` (`matches` would count `{"username": "bob"}`; the SQL ignores it). A JSON scalar
//! or object in place of the array is outside the model (PostgreSQL raises an error).
//!
//! # Meaning
//!
//! The condition means exactly what [`Query::matches`](crate::Query::matches) says of the record the row was made
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
//! for the dialect: numbers as plain decimals where short (`5`,
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

pub use crate::target::sql::{Dialect, SqlError, SqlFragment, SqlOptions, SqlParam};
