//! Typed statement parameters.

use crate::target::decimal::push_signed;
use crate::target::json::push_json_str;
use crate::timefmt::Civil;
use chrono::{Datelike, NaiveDateTime, Timelike};
use serde::{Serialize, Serializer};
use std::fmt;

/// One value bound to a placeholder of a parameterised statement
/// ([`SqlFragment::params`](super::SqlFragment::params)).
///
/// Each variant binds as the column type of the storage model it is compared with, through
/// the driver features: `rusqlite` (`rusqlite::ToSql`), `postgres` (`postgres_types::ToSql`,
/// for `postgres` and `tokio-postgres`) and `mysql` (`From<SqlParam> for mysql::Value`).
/// The backend emits `Int`, `Float`, `Text`, `Timestamp` and `Json`; `Null` and `Bool`
/// are there for the caller's own parameters, so that one `Vec<SqlParam>` can hold a
/// whole statement's values (see [`SqlOptions::first_placeholder`](super::SqlOptions::first_placeholder)).
///
/// Serialised (the `params` of `{"sql", "params"}`), a parameter is its JSON value:
/// `null`, a boolean, a number, or a string (text, JSON text, and timestamps as
/// `YYYY-MM-DD HH:MM:SS.fff`).
///
/// | variant | SQLite | PostgreSQL | MySQL/MariaDB |
/// |---|---|---|---|
/// | `Null` | NULL | NULL (any type) | NULL |
/// | `Bool` | integer 0/1 | `boolean` | integer 0/1 |
/// | `Int` | integer | `bigint`, `integer`, `smallint` (in range), `double precision`, `real` (exact) | integer |
/// | `Float` | real | `double precision`, `real` (exact) | double |
/// | `Text` | text | `text`, `varchar`, `char`, `name`, `citext` | string (UTF-8 bytes) |
/// | `Timestamp` | text `YYYY-MM-DD HH:MM:SS.fff` | `timestamp` (without time zone) | `DATETIME` |
/// | `Json` | text | `jsonb`, `json`, or a text type | string (UTF-8 bytes) |
///
/// A value that does not fit the type the engine asks for (a `Text` for a `timestamp`
/// placeholder, `2.5` for an `integer`) is a bind error, never a converted value.
///
/// # Binding
///
/// ```
/// # #[cfg(all(feature = "postgres", feature = "mysql", feature = "rusqlite"))] {
/// use filterql::target::sql::SqlFragment;
///
/// // rusqlite: `SqlParam: rusqlite::ToSql`.
/// fn on_sqlite(db: &rusqlite::Connection, stmt: &SqlFragment) -> rusqlite::Result<Vec<i64>> {
///     let mut st = db.prepare(stmt.sql())?;
///     let rows = st.query_map(rusqlite::params_from_iter(stmt.params()), |r| r.get(0))?;
///     rows.collect()
/// }
///
/// // postgres (and tokio-postgres): `SqlParam: postgres_types::ToSql`.
/// fn on_postgres(db: &mut postgres::Client, stmt: &SqlFragment) -> Result<Vec<i64>, postgres::Error> {
///     let params: Vec<&(dyn postgres::types::ToSql + Sync)> =
///         stmt.params().iter().map(|p| p as _).collect();
///     Ok(db.query(stmt.sql(), &params)?.iter().map(|r| r.get(0)).collect())
/// }
///
/// // mysql: `mysql::Value: From<SqlParam>`, so the parameter vector is the `Params`.
/// fn on_mysql(db: &mut mysql::Conn, stmt: SqlFragment) -> mysql::Result<Vec<i64>> {
///     use mysql::prelude::Queryable;
///     let (sql, params) = stmt.into_parts();
///     db.exec(sql, params)
/// }
/// # let _ = (on_sqlite, on_postgres, on_mysql);
/// # }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum SqlParam {
    /// SQL NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// A whole number. The backend sends whole numbers below 2^53 in magnitude this way
    /// (exact as a double too), so that they bind to integer and floating columns alike.
    Int(i64),
    /// A floating-point number (finite when the backend emits it).
    Float(f64),
    /// Text.
    Text(String),
    /// A datetime as local time in the zone the columns store (the query's time zone
    /// unless [`SqlOptions::tz`](super::SqlOptions::tz) says otherwise), to the
    /// millisecond when the backend emits it.
    Timestamp(NaiveDateTime),
    /// JSON text: the array a multi-select, user-group or department-group column is
    /// tested against for containment.
    Json(String),
}

impl SqlParam {
    /// The text form of a timestamp: `YYYY-MM-DD HH:MM:SS.fff`, the storage format of
    /// datetime columns on SQLite (three fraction digits, so text order is time order).
    pub(crate) fn timestamp_text(t: &NaiveDateTime) -> impl fmt::Display + '_ {
        t.format("%Y-%m-%d %H:%M:%S%.3f")
    }

    /// [`SqlParam::timestamp_text`] written digit by digit into a fixed buffer (chrono's
    /// strftime interprets its format string per value, which costs more than the rest
    /// of writing a parameter), or `None` for a year outside 0–9999, which strftime
    /// writes with a sign and more digits.
    fn timestamp_fill(t: &NaiveDateTime) -> Option<([u8; 29], usize)> {
        let year = t.year();
        if !(0..=9999).contains(&year) {
            return None;
        }
        // A leap second is second 59 with a nanosecond count from 1e9 (`%S` writes 60).
        let nanos = t.nanosecond();
        let leap = nanos >= 1_000_000_000;
        let c = Civil {
            year,
            month: t.month(),
            day: t.day(),
            hour: t.hour(),
            minute: t.minute(),
            second: t.second() + u32::from(leap),
            milli: nanos % 1_000_000_000 / 1_000_000,
        };
        Some(c.fill(b' ', true, None))
    }

    /// Appends the parameter as JSON, exactly as `serde_json` serializes it.
    pub(crate) fn push_json(&self, out: &mut String) {
        match self {
            SqlParam::Null => out.push_str("null"),
            SqlParam::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            SqlParam::Int(i) => push_signed(out, *i),
            SqlParam::Float(x) => match serde_json::Number::from_f64(*x) {
                // The shortest round-trip digits, as serde_json writes a double.
                Some(n) => {
                    use std::fmt::Write as _;
                    let _ = write!(out, "{n}");
                }
                // serde_json writes a non-finite double as `null`.
                None => out.push_str("null"),
            },
            SqlParam::Text(t) | SqlParam::Json(t) => push_json_str(out, t),
            SqlParam::Timestamp(t) => match SqlParam::timestamp_fill(t) {
                Some((b, len)) => {
                    // Digits, `-`, `:`, `.` and a space: nothing to escape.
                    out.push('"');
                    out.push_str(std::str::from_utf8(&b[..len]).unwrap_or_default());
                    out.push('"');
                }
                None => push_json_str(out, &SqlParam::timestamp_text(t).to_string()),
            },
        }
    }

    /// A short name of the variant, for bind errors.
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            SqlParam::Null => "null",
            SqlParam::Bool(_) => "boolean",
            SqlParam::Int(_) => "integer",
            SqlParam::Float(_) => "floating-point",
            SqlParam::Text(_) => "text",
            SqlParam::Timestamp(_) => "timestamp",
            SqlParam::Json(_) => "JSON",
        }
    }
}

impl Serialize for SqlParam {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SqlParam::Null => s.serialize_unit(),
            SqlParam::Bool(b) => s.serialize_bool(*b),
            SqlParam::Int(i) => s.serialize_i64(*i),
            SqlParam::Float(x) => s.serialize_f64(*x),
            SqlParam::Text(t) | SqlParam::Json(t) => s.serialize_str(t),
            SqlParam::Timestamp(t) => match SqlParam::timestamp_fill(t) {
                Some((b, len)) => s.serialize_str(std::str::from_utf8(&b[..len]).unwrap_or_default()),
                None => s.collect_str(&SqlParam::timestamp_text(t)),
            },
        }
    }
}

impl From<bool> for SqlParam {
    fn from(b: bool) -> Self {
        SqlParam::Bool(b)
    }
}

impl From<i64> for SqlParam {
    fn from(i: i64) -> Self {
        SqlParam::Int(i)
    }
}

impl From<i32> for SqlParam {
    fn from(i: i32) -> Self {
        SqlParam::Int(i.into())
    }
}

impl From<f64> for SqlParam {
    fn from(x: f64) -> Self {
        SqlParam::Float(x)
    }
}

impl From<String> for SqlParam {
    fn from(s: String) -> Self {
        SqlParam::Text(s)
    }
}

impl From<&str> for SqlParam {
    fn from(s: &str) -> Self {
        SqlParam::Text(s.to_owned())
    }
}

impl From<NaiveDateTime> for SqlParam {
    fn from(t: NaiveDateTime) -> Self {
        SqlParam::Timestamp(t)
    }
}

impl<T: Into<SqlParam>> From<Option<T>> for SqlParam {
    /// `None` is [`SqlParam::Null`].
    fn from(v: Option<T>) -> Self {
        v.map_or(SqlParam::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn serialises_as_the_documented_json_values() {
        let t = chrono::NaiveDate::from_ymd_opt(2022, 1, 2)
            .and_then(|d| d.and_hms_milli_opt(3, 4, 5, 7))
            .unwrap();
        let ps = vec![
            SqlParam::Null,
            SqlParam::Bool(true),
            SqlParam::Int(-3),
            SqlParam::Float(0.5),
            SqlParam::Text("it's".into()),
            SqlParam::Timestamp(t),
            SqlParam::Json(r#"["a"]"#.into()),
        ];
        assert_eq!(
            serde_json::to_value(&ps).unwrap(),
            json!([
                null,
                true,
                -3,
                0.5,
                "it's",
                "2022-01-02 03:04:05.007",
                "[\"a\"]"
            ])
        );
        let whole = chrono::Timelike::with_nanosecond(&t, 0).unwrap();
        assert_eq!(
            serde_json::to_value(SqlParam::Timestamp(whole)).unwrap(),
            json!("2022-01-02 03:04:05.000")
        );
    }

    fn timestamps() -> impl Strategy<Value = NaiveDateTime> {
        prop_oneof![
            // Years -300..10300, to cross both ends of the fixed-width form.
            (-10_000_000_000_000i64..263_000_000_000_000)
                .prop_map(|ms| chrono::DateTime::from_timestamp_millis(ms - 62_000_000_000_000).unwrap().naive_utc()),
            // Any nanosecond, leap seconds included.
            (0i64..4_000_000_000, 0u32..2_000_000_000).prop_filter_map("a valid time", |(s, n)| {
                chrono::DateTime::from_timestamp(s, 0)?
                    .naive_utc()
                    .with_nanosecond(if s % 60 == 59 { n } else { n % 1_000_000_000 })
            }),
        ]
    }

    fn params() -> impl Strategy<Value = SqlParam> {
        prop_oneof![
            Just(SqlParam::Null),
            any::<bool>().prop_map(SqlParam::Bool),
            any::<i64>().prop_map(SqlParam::Int),
            any::<f64>().prop_map(SqlParam::Float),
            (-1e6..1e6f64).prop_map(SqlParam::Float),
            "(?s).{0,12}".prop_map(SqlParam::Text),
            "[\\\"\\[\\],a-z]{0,8}".prop_map(SqlParam::Json),
            timestamps().prop_map(SqlParam::Timestamp),
        ]
    }

    proptest! {
        #[test]
        fn direct_json_is_serdes(p in params()) {
            let mut out = String::new();
            p.push_json(&mut out);
            prop_assert_eq!(out, serde_json::to_string(&p).unwrap());
        }

        #[test]
        fn direct_fragment_json_is_serdes(
            sql in "(?s).{0,30}",
            params in proptest::collection::vec(params(), 0..6),
        ) {
            let frag = super::super::SqlFragment { sql, params };
            prop_assert_eq!(frag.to_json(), serde_json::to_string(&frag).unwrap());
        }

        #[test]
        fn timestamps_serialize_as_strftime_writes_them(t in timestamps()) {
            prop_assert_eq!(
                serde_json::to_string(&SqlParam::Timestamp(t)).unwrap(),
                serde_json::to_string(&SqlParam::timestamp_text(&t).to_string()).unwrap()
            );
        }
    }

    #[test]
    fn conversions() {
        assert_eq!(SqlParam::from("a"), SqlParam::Text("a".into()));
        assert_eq!(SqlParam::from(None::<i64>), SqlParam::Null);
        assert_eq!(SqlParam::from(Some(2)), SqlParam::Int(2));
        assert_eq!(SqlParam::from(false), SqlParam::Bool(false));
    }
}
