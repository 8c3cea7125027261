//! Datetimes: instants anywhere in years 1000–9999, stored as local time in an arbitrary
//! query time zone (the storage model), compared with `=` and ranges (open, closed,
//! half-open) — every engine and mode returns the rows `eval` matches.

mod sqldb;
mod support;

use chrono::FixedOffset;
use filterql::eval;
use filterql::ir::{Bound, FieldRef, Pred, Range, Scalar, Test};
use filterql::target::sql::SqlOptions;
use filterql::{FieldType, Span};
use proptest::prelude::*;
use serde_json::json;
use sqldb::{Cell, Col, ColKind, Conn};

/// 1000-01-02 and 9999-12-30 (UTC), a day inside MySQL's range at both ends in any zone.
const MIN_MS: i64 = -30_610_137_600_000;
const MAX_MS: i64 = 253_402_128_000_000;

/// Range ends as (row index, inclusive), either end optional.
type Ends = (Option<(usize, bool)>, Option<(usize, bool)>);

/// (zone offset in minutes, row instants, ranges).
type Case = (i32, Vec<i64>, Vec<Ends>);

fn arb_case() -> impl Strategy<Value = Case> {
    // A base instant, and rows a few ms to a few days around it, so bounds hit rows.
    let offsets = prop_oneof![Just(0i64), -3i64..3, -200_000_000i64..200_000_000,];
    (
        -12 * 60..=14 * 60i32,
        MIN_MS..MAX_MS,
        prop::collection::vec(offsets, 1..8),
        prop::collection::vec(
            (
                prop::option::of((0usize..8, any::<bool>())),
                prop::option::of((0usize..8, any::<bool>())),
            ),
            1..6,
        ),
    )
        .prop_map(|(tz, base, offs, ranges)| {
            let rows = offs
                .into_iter()
                .map(|o| (base + o).clamp(MIN_MS, MAX_MS))
                .collect();
            (tz, rows, ranges)
        })
}

fn field() -> FieldRef {
    support::top_field("d", FieldType::Datetime)
}

fn run(conn: Conn) {
    let d = conn.dialect();
    let table = sqldb::table_name(&format!("dt_{d}"));
    let cols = vec![Col {
        name: "d".into(),
        kind: ColKind::Datetime,
    }];
    let sel = SqlOptions::new(d).table(&table).columns(["id"]);
    sqldb::prop_on_table(
        conn,
        &table,
        &cols,
        128,
        &arb_case(),
        |c, (tz_min, rows, ranges)| {
            let tz = FixedOffset::east_opt(tz_min * 60).expect("offset");
            c.clear(&table).map_err(sqldb::fail)?;
            let local = |ms: i64| {
                chrono::DateTime::from_timestamp_millis(ms)
                    .expect("in range")
                    .with_timezone(&tz)
            };
            let cells: Vec<(i64, Vec<Cell>)> = rows
                .iter()
                .enumerate()
                .map(|(i, ms)| {
                    let text = local(*ms).format("%Y-%m-%d %H:%M:%S%.3f").to_string();
                    (i as i64, vec![Cell::Datetime(text)])
                })
                .collect();
            c.insert(&table, &cols, &cells).map_err(sqldb::fail)?;
            // Records as jdy sends them: RFC 3339 with the zone's offset.
            let records: Vec<serde_json::Value> = rows
            .iter()
            .map(|ms| json!({ "d": local(*ms).to_rfc3339_opts(chrono::SecondsFormat::Millis, false) }))
            .collect();
            let pick = |e: Option<(usize, bool)>| {
                e.map(|(i, inclusive)| Bound {
                    value: Scalar::DateTime(rows[i % rows.len()]),
                    inclusive,
                })
            };
            let mut preds = vec![Pred::leaf(
                field(),
                Test::Eq(Scalar::DateTime(rows[0])),
                false,
                Span::default(),
            )];
            for (lo, hi) in ranges {
                if lo.is_none() && hi.is_none() {
                    continue;
                }
                let r = Test::Range(Range {
                    lo: pick(lo),
                    hi: pick(hi),
                });
                preds.push(Pred::leaf(field(), r.clone(), false, Span::default()));
                preds.push(Pred::leaf(field(), r, true, Span::default()));
            }
            for p in &preds {
                let want = sqldb::ids_where(&records, |r| eval::matches(p, r));
                for params in [false, true] {
                    let (q, got) = c.select_ids(p, &sel.clone().tz(tz).params(params))?;
                    prop_assert_eq!(&got, &want, "{} {:?}", q.sql(), q.params());
                }
            }
            Ok(())
        },
    );
}

sqldb::engine_tests!(run: sqlite_datetimes_agree_with_eval, postgres_datetimes_agree_with_eval, mysql_datetimes_agree_with_eval);

/// The last day the engines hold: `<= 9999-12-31` and `= 9999-12-31` end the day at
/// 10000-01-01 00:00 exclusive, which no engine can write, so the backend writes the
/// same bound as `<= 9999-12-31 23:59:59.999` (columns hold whole milliseconds), and a
/// range starting at 10000-01-01 (`> 9999-12-31`, or the negation's spelled-out arm)
/// holds no value.
/// Expected ids are written by hand; `eval` is checked against them too.
fn last_day(mut c: Conn) {
    let d = c.dialect();
    let table = sqldb::table_name(&format!("last_day_{d}"));
    let cols = vec![Col {
        name: "createTime".into(),
        kind: ColKind::Datetime,
    }];
    c.create_table(&table, &cols).expect("table");
    // Local times in the default zone, +08:00.
    let rows = [
        Some("9999-12-31 23:59:59.999"),
        Some("9999-12-31 00:00:00.000"),
        Some("9999-12-30 23:59:59.999"),
        Some("2022-01-01 00:00:00.000"),
        None,
    ];
    let data: Vec<(i64, Vec<Cell>)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let cell = r.map_or(Cell::Null, |t| Cell::Datetime(t.into()));
            (i as i64, vec![cell])
        })
        .collect();
    c.insert(&table, &cols, &data).expect("insert");
    let records: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| match r {
            Some(t) => json!({ "createTime": format!("{}+08:00", t.replace(' ', "T")) }),
            None => json!({}),
        })
        .collect();
    let schema =
        filterql::Schema::from_json(r#"{"fields":[{"name":"createTime","type":"datetime"}]}"#)
            .expect("schema");
    let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00+08:00").expect("now");
    let opts = filterql::Options::at(now);
    let cases: &[(&str, &[i64])] = &[
        ("createTime <= 9999-12-31", &[0, 1, 2, 3]),
        ("createTime = 9999-12-31", &[0, 1]),
        ("createTime != 9999-12-31", &[2, 3, 4]),
        ("createTime < 9999-12-31", &[2, 3]),
        ("createTime between 9999-12-30 and 9999-12-31", &[0, 1, 2]),
        ("not (createTime <= 9999-12-31)", &[4]),
        ("createTime > 9999-12-31", &[]),
        ("not (createTime > 9999-12-31)", &[0, 1, 2, 3, 4]),
        ("createTime >= 9999-12-31T23:59:59.999", &[0]),
    ];
    let sel = SqlOptions::new(d).table(&table).columns(["id"]);
    let mut failures = Vec::new();
    for (text, want) in cases {
        let q = filterql::compile(text, &schema, &opts).expect("query compiles");
        let by_eval = sqldb::ids_where(&records, |r| q.matches(r));
        assert_eq!(&by_eval, want, "eval: {text}");
        for params in [false, true] {
            match q.to_sql(&sel.clone().params(params)) {
                Err(e) => failures.push(format!("{d} {text}: rejected: {e:?}")),
                Ok(s) => c.check_ids(&format!("{d} {text}"), &s, want, &mut failures),
            }
        }
    }
    let _ = c.drop_table(&table);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

sqldb::engine_tests!(last_day: sqlite_holds_the_last_day, postgres_holds_the_last_day, mysql_holds_the_last_day);
