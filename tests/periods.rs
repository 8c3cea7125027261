//! Calendar periods (`this month`, `上周`, `yesterday`, ...) and calendar units of
//! relative times (`today - 1mo`): the intervals the checker resolves, at the edges that
//! matter (month and year ends in several zones, leap years, the week spanning a new
//! year, ±14/−12 hour zones at the edge of a day, `now` exactly on a boundary), the
//! table of `grammar/README.md`, and every backend (jdy, masterdata, their decompilers)
//! against `eval` on records at both sides of each boundary, for fixed and random clocks
//! and zones. SQL engines: `tests/sql_periods.rs`.

mod jdy_sim;
mod masterdata_sim;
mod support;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, SecondsFormat, Timelike, Weekday};
use filterql::ir::{Bound, Pred, Range, Scalar, Test};
use filterql::syntax::ast::{Period, PeriodUnit, Shift};
use filterql::target::{jdy, masterdata};
use filterql::{Options, Query, Schema};
use jdy_sim::{jdy_sim, NE_MODES};
use masterdata_sim::md_sim;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::OnceLock;

fn schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(support::schema)
}

fn at(now: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(now).unwrap_or_else(|e| panic!("{now}: {e}"))
}

fn zone(minutes: i32) -> FixedOffset {
    FixedOffset::east_opt(minutes * 60).expect("offset")
}

fn compile(text: &str, now: DateTime<FixedOffset>, tz: FixedOffset) -> Query {
    filterql::compile(text, schema(), &Options::at(now).with_tz(tz))
        .unwrap_or_else(|d| panic!("{text}:\n{}", d.render(80, false)))
}

/// `YYYY-MM-DD[THH:MM]` at 00:00 (or the time given) in `tz`, in ms.
fn local(text: &str, tz: FixedOffset) -> i64 {
    let t = if text.len() == 10 {
        format!("{text}T00:00:00")
    } else {
        format!("{text}:00")
    };
    let naive = chrono::NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S").expect(&t);
    naive
        .and_local_timezone(tz)
        .single()
        .expect("fixed offset")
        .timestamp_millis()
}

/// The `[start, end)` a whole-interval leaf (`d = P`) holds.
fn interval(q: &Query) -> (i64, i64) {
    match q.pred() {
        Pred::Leaf(l) if !l.negated => match &l.test {
            Test::Range(Range {
                lo:
                    Some(Bound {
                        value: Scalar::DateTime(s),
                        inclusive: true,
                    }),
                hi:
                    Some(Bound {
                        value: Scalar::DateTime(e),
                        inclusive: false,
                    }),
            }) => (*s, *e),
            t => panic!("{}: not an interval: {t:?}", q.source()),
        },
        p => panic!("{}: not one leaf: {p:?}", q.source()),
    }
}

fn period_interval(name: &str, now: DateTime<FixedOffset>, tz: FixedOffset) -> (i64, i64) {
    let q = compile(&format!("createTime = {name}"), now, tz);
    let got = interval(&q);
    // The public resolver agrees with the checker.
    let p = q.ast().periods();
    assert_eq!(p.len(), 1, "{name}");
    let (s, e) = p[0].0.interval(now, tz).expect("representable");
    assert_eq!((s.timestamp_millis(), e.timestamp_millis()), got, "{name}");
    got
}

fn show(ms: i64, tz: FixedOffset) -> String {
    DateTime::from_timestamp_millis(ms)
        .expect("instant")
        .with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::Millis, false)
}

/// The table of `grammar/README.md` ("Calendar periods"), both spellings of each row.
#[test]
fn the_readme_table_holds() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/README.md"))
            .expect("README");
    let now = at("2024-05-15T10:00:00+08:00");
    let tz = zone(8 * 60);
    let mut rows = 0;
    for line in readme.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | `name` | `中文` | from | to |
        let [_, en, zh, from, to, _] = cells[..] else {
            continue;
        };
        let (Some(en), Some(zh)) = (en.strip_prefix('`'), zh.strip_prefix('`')) else {
            continue;
        };
        if NaiveDate::parse_from_str(from, "%Y-%m-%d").is_err() {
            continue;
        }
        let want = (local(from, tz), local(to, tz));
        for name in [en.trim_end_matches('`'), zh.trim_end_matches('`')] {
            assert_eq!(period_interval(name, now, tz), want, "{name}");
        }
        rows += 1;
    }
    assert_eq!(rows, 15, "the README lists every period once");
}

#[test]
fn the_issue_example_is_one_jdy_range() {
    let now = at("2024-05-15T10:00:00+08:00");
    let q = compile("createTime = this month", now, zone(480));
    let f = q.to_jdy().expect("compiles");
    assert_eq!(
        serde_json::to_value(&f).unwrap(),
        json!({"rel": "and", "cond": [{
            "field": "createTime", "type": "datetime", "method": "range",
            "value": ["2024-05-01T00:00:00.000+08:00", "2024-05-31T23:59:59.999+08:00"]
        }]})
    );
}

/// (now, zone in minutes, period, from, to): `from`/`to` local times in that zone.
const EDGES: &[(&str, i32, &str, &str, &str)] = &[
    // The ISO week that spans a new year, from both of its sides.
    (
        "2025-01-01T12:00:00+08:00",
        480,
        "this week",
        "2024-12-30",
        "2025-01-06",
    ),
    (
        "2024-12-30T00:00:00+08:00",
        480,
        "本周",
        "2024-12-30",
        "2025-01-06",
    ),
    (
        "2025-01-05T23:59:59.999+08:00",
        480,
        "this week",
        "2024-12-30",
        "2025-01-06",
    ),
    (
        "2025-01-06T00:00:00+08:00",
        480,
        "last week",
        "2024-12-30",
        "2025-01-06",
    ),
    (
        "2025-01-01T12:00:00+08:00",
        480,
        "last week",
        "2024-12-23",
        "2024-12-30",
    ),
    (
        "2025-01-01T12:00:00+08:00",
        480,
        "last year",
        "2024-01-01",
        "2025-01-01",
    ),
    (
        "2025-01-01T12:00:00+08:00",
        480,
        "上季度",
        "2024-10-01",
        "2025-01-01",
    ),
    (
        "2025-01-01T12:00:00+08:00",
        480,
        "last month",
        "2024-12-01",
        "2025-01-01",
    ),
    (
        "2025-01-01T12:00:00+08:00",
        480,
        "yesterday",
        "2024-12-31",
        "2025-01-01",
    ),
    (
        "2024-12-31T12:00:00+08:00",
        480,
        "next year",
        "2025-01-01",
        "2026-01-01",
    ),
    (
        "2024-12-31T12:00:00+08:00",
        480,
        "tomorrow",
        "2025-01-01",
        "2025-01-02",
    ),
    (
        "2024-12-31T12:00:00+08:00",
        480,
        "next week",
        "2025-01-06",
        "2025-01-13",
    ),
    // Leap years: February of 2024 and 2000 has 29 days, of 2023 and 2100 28.
    (
        "2024-03-15T10:00:00+08:00",
        480,
        "last month",
        "2024-02-01",
        "2024-03-01",
    ),
    (
        "2024-02-29T10:00:00+08:00",
        480,
        "this month",
        "2024-02-01",
        "2024-03-01",
    ),
    (
        "2000-01-31T10:00:00+08:00",
        480,
        "next month",
        "2000-02-01",
        "2000-03-01",
    ),
    (
        "2023-03-01T10:00:00+08:00",
        480,
        "上月",
        "2023-02-01",
        "2023-03-01",
    ),
    (
        "2100-02-14T10:00:00+08:00",
        480,
        "本月",
        "2100-02-01",
        "2100-03-01",
    ),
    (
        "2024-02-29T10:00:00+08:00",
        480,
        "today",
        "2024-02-29",
        "2024-03-01",
    ),
    (
        "2024-03-01T10:00:00+08:00",
        480,
        "昨天",
        "2024-02-29",
        "2024-03-01",
    ),
    (
        "2024-02-28T10:00:00+08:00",
        480,
        "明天",
        "2024-02-29",
        "2024-03-01",
    ),
    (
        "2024-06-30T10:00:00+08:00",
        480,
        "this year",
        "2024-01-01",
        "2025-01-01",
    ),
    // The zone decides the day, the month and the year. 2024-05-31T20:00Z is still May in
    // UTC and New York, but already June 1st in +14:00.
    (
        "2024-05-31T20:00:00Z",
        0,
        "this month",
        "2024-05-01",
        "2024-06-01",
    ),
    (
        "2024-05-31T20:00:00Z",
        -300,
        "this month",
        "2024-05-01",
        "2024-06-01",
    ),
    (
        "2024-05-31T20:00:00Z",
        840,
        "this month",
        "2024-06-01",
        "2024-07-01",
    ),
    (
        "2024-05-31T20:00:00Z",
        840,
        "today",
        "2024-06-01",
        "2024-06-02",
    ),
    (
        "2024-05-31T20:00:00Z",
        840,
        "last month",
        "2024-05-01",
        "2024-06-01",
    ),
    (
        "2024-05-31T20:00:00Z",
        840,
        "this quarter",
        "2024-04-01",
        "2024-07-01",
    ),
    (
        "2024-05-31T20:00:00Z",
        0,
        "today",
        "2024-05-31",
        "2024-06-01",
    ),
    // −12:00 at the edges of its day: 11:59:59.999Z is 23:59:59.999 the day before.
    (
        "2024-01-01T11:59:59.999Z",
        -720,
        "today",
        "2023-12-31",
        "2024-01-01",
    ),
    (
        "2024-01-01T11:59:59.999Z",
        -720,
        "this year",
        "2023-01-01",
        "2024-01-01",
    ),
    (
        "2024-01-01T12:00:00Z",
        -720,
        "today",
        "2024-01-01",
        "2024-01-02",
    ),
    (
        "2024-01-01T12:00:00Z",
        -720,
        "this year",
        "2024-01-01",
        "2025-01-01",
    ),
    (
        "2024-01-01T12:00:00Z",
        -720,
        "last year",
        "2023-01-01",
        "2024-01-01",
    ),
    // +14:00 at the edges of its day: 10:00Z is midnight there.
    (
        "2023-12-31T10:00:00Z",
        840,
        "today",
        "2024-01-01",
        "2024-01-02",
    ),
    (
        "2023-12-31T10:00:00Z",
        840,
        "this week",
        "2024-01-01",
        "2024-01-08",
    ),
    (
        "2023-12-31T09:59:59.999Z",
        840,
        "today",
        "2023-12-31",
        "2024-01-01",
    ),
    (
        "2023-12-31T09:59:59.999Z",
        840,
        "this week",
        "2023-12-25",
        "2024-01-01",
    ),
    // A half-hour zone at a quarter's end.
    (
        "2024-09-30T18:29:59.999Z",
        330,
        "this quarter",
        "2024-07-01",
        "2024-10-01",
    ),
    (
        "2024-09-30T18:30:00Z",
        330,
        "this quarter",
        "2024-10-01",
        "2025-01-01",
    ),
    // `now` exactly on a boundary belongs to the period it starts.
    (
        "2024-06-01T00:00:00+08:00",
        480,
        "this month",
        "2024-06-01",
        "2024-07-01",
    ),
    (
        "2024-06-01T00:00:00+08:00",
        480,
        "last month",
        "2024-05-01",
        "2024-06-01",
    ),
    (
        "2024-05-31T23:59:59.999+08:00",
        480,
        "this month",
        "2024-05-01",
        "2024-06-01",
    ),
    (
        "2024-04-01T00:00:00+08:00",
        480,
        "本季度",
        "2024-04-01",
        "2024-07-01",
    ),
    (
        "2024-05-13T00:00:00+08:00",
        480,
        "this week",
        "2024-05-13",
        "2024-05-20",
    ),
    (
        "2024-05-12T23:59:59.999+08:00",
        480,
        "this week",
        "2024-05-06",
        "2024-05-13",
    ),
];

#[test]
fn edges_of_days_weeks_months_quarters_and_years() {
    for &(now, tz, name, from, to) in EDGES {
        let tz = zone(tz);
        let got = period_interval(name, at(now), tz);
        let want = (local(from, tz), local(to, tz));
        assert_eq!(
            got,
            want,
            "{name} at {now} in {tz}: got {} .. {}",
            show(got.0, tz),
            show(got.1, tz)
        );
    }
}

/// (now, zone in minutes, relative value, the instant or day it is).
const ARITHMETIC: &[(&str, i32, &str, &str)] = &[
    // The day is clamped to the end of a shorter month.
    (
        "2024-03-31T10:00:00+08:00",
        480,
        "today - 1mo",
        "2024-02-29",
    ),
    (
        "2024-03-31T10:00:00+08:00",
        480,
        "now - 1mo",
        "2024-02-29T10:00",
    ),
    (
        "2023-03-31T10:00:00+08:00",
        480,
        "today - 1mo",
        "2023-02-28",
    ),
    (
        "2024-01-31T10:00:00+08:00",
        480,
        "today + 1mo",
        "2024-02-29",
    ),
    (
        "2024-02-29T10:00:00+08:00",
        480,
        "now + 1y",
        "2025-02-28T10:00",
    ),
    ("2024-02-29T10:00:00+08:00", 480, "today + 4y", "2028-02-29"),
    (
        "2024-02-29T10:00:00+08:00",
        480,
        "today - 12mo",
        "2023-02-28",
    ),
    ("2024-11-30T10:00:00+08:00", 480, "today + 1q", "2025-02-28"),
    (
        "2024-05-31T10:00:00+08:00",
        480,
        "now - 1q",
        "2024-02-29T10:00",
    ),
    ("2024-05-31T10:00:00+08:00", 480, "today - 2q", "2023-11-30"),
    (
        "2024-05-15T10:00:00+08:00",
        480,
        "today + 0mo",
        "2024-05-15",
    ),
    // Months move the date of the query's zone: 2024-03-31T20:00Z is April 1st in +08:00.
    ("2024-03-31T20:00:00Z", 480, "now - 1mo", "2024-03-01T04:00"),
    ("2024-03-31T20:00:00Z", 0, "now - 1mo", "2024-02-29T20:00"),
    ("2024-03-31T20:00:00Z", 840, "today - 1mo", "2024-03-01"),
    ("2024-03-31T20:00:00Z", -720, "today - 1mo", "2024-02-29"),
    // `m` is minutes, whatever else is added.
    (
        "2024-05-15T10:00:00+08:00",
        480,
        "now + 5m",
        "2024-05-15T10:05",
    ),
];

#[test]
fn calendar_arithmetic_clamps_the_day() {
    for &(now, tz, value, want) in ARITHMETIC {
        let tz = zone(tz);
        let q = compile(&format!("createTime = {value}"), at(now), tz);
        let got = match q.pred() {
            Pred::Leaf(l) => match &l.test {
                Test::Eq(Scalar::DateTime(ms)) => (*ms, None),
                Test::Range(Range {
                    lo: Some(lo),
                    hi: Some(hi),
                }) => match (&lo.value, &hi.value) {
                    (Scalar::DateTime(s), Scalar::DateTime(e)) => (*s, Some(*e)),
                    other => panic!("{other:?}"),
                },
                t => panic!("{value}: {t:?}"),
            },
            p => panic!("{value}: {p:?}"),
        };
        let start = local(want, tz);
        let expected = if want.len() == 10 {
            // A whole day (`today ± n`); a day is 24 hours in a fixed zone.
            (start, Some(start + 86_400_000))
        } else {
            (start, None)
        };
        assert_eq!(
            got,
            expected,
            "{value} at {now} in {tz}: {}",
            show(got.0, tz)
        );
    }
}

#[test]
fn units_that_do_not_exist_or_read_alike_are_errors() {
    let now = at("2024-05-15T10:00:00+08:00");
    for bad in [
        "createTime > now - 1M",
        "createTime > now - 1mon",
        "createTime > now - 1Y",
        "createTime = today + 3h",
        "createTime = this month + 1d",
        "createTime = this day",
        "createTime = this_month",
        "amount = this month",
        "name = 本月",
    ] {
        assert!(
            filterql::compile(bad, schema(), &Options::at(now)).is_err(),
            "{bad} was accepted"
        );
    }
}

/// A record whose `createTime` and `updateTime` are `ms`, as jdy sends them: RFC 3339
/// in the query zone.
fn record(ms: Option<i64>, tz: FixedOffset) -> Value {
    match ms {
        Some(ms) => json!({ "createTime": show(ms, tz), "updateTime": show(ms, tz) }),
        None => json!({}),
    }
}

/// The hand-written answers for `createTime <op> this month` at 2024-05-15 in +08:00
/// on records just before, at the start of, at the end of, just after May, and empty.
#[test]
fn each_comparison_means_what_the_readme_says() {
    let now = at("2024-05-15T10:00:00+08:00");
    let tz = zone(480);
    let instants = [
        Some("2024-04-30T23:59:59.999+08:00"),
        Some("2024-05-01T00:00:00+08:00"),
        Some("2024-05-31T23:59:59.999+08:00"),
        Some("2024-06-01T00:00:00+08:00"),
        None,
    ];
    let records: Vec<Value> = instants
        .iter()
        .map(|t| record(t.map(|t| at(t).timestamp_millis()), tz))
        .collect();
    let cases: &[(&str, [bool; 5])] = &[
        ("createTime = this month", [false, true, true, false, false]),
        ("createTime != 本月", [true, false, false, true, true]),
        (
            "createTime < this month",
            [true, false, false, false, false],
        ),
        ("createTime <= this month", [true, true, true, false, false]),
        (
            "createTime > this month",
            [false, false, false, true, false],
        ),
        ("createTime >= this month", [false, true, true, true, false]),
        (
            "not (createTime >= this month)",
            [true, false, false, false, true],
        ),
        (
            "createTime between last month and this month",
            [true, true, true, false, false],
        ),
        (
            "createTime not between this month and next month",
            [true, false, false, false, true],
        ),
        (
            "createTime in (last month, next month)",
            [true, false, false, true, false],
        ),
        (
            "createTime not in (上月, 下月)",
            [false, true, true, false, true],
        ),
        (
            "createTime >= 上月 and createTime < 本月",
            [true, false, false, false, false],
        ),
        (
            "createTime in (this month, 2024-06-01)",
            [false, true, true, true, false],
        ),
    ];
    for (text, want) in cases {
        let q = compile(text, now, tz);
        let got: Vec<bool> = records.iter().map(|r| q.matches(r)).collect();
        assert_eq!(&got[..], &want[..], "{text}");
        backends_agree(&q, &records).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Every backend answers `q` on `records` as `eval` does: jdy (strict when it compiles,
/// else pushdown with its residual; both readings of `ne`), masterdata, and the query
/// each decompiler reads back, which holds dates and datetimes, not periods.
fn backends_agree(q: &Query, records: &[Value]) -> Result<(), String> {
    let tz = q.tz();
    let jdy_opts = jdy::JdyOptions::new(tz);
    let strict = jdy::compile(q.pred(), &jdy_opts).ok();
    let plan = jdy::pushdown(q.pred(), &jdy_opts);
    let md = masterdata::compile(q.pred(), &masterdata::MdOptions::new(tz))
        .map_err(|e| format!("{}: masterdata rejects: {e:?}", q.source()))?;
    let mut read_back = Vec::new();
    if let Some(f) = &strict {
        let e = jdy::decompile(f, Some(schema())).map_err(|e| format!("{e:?}"))?;
        read_back.push(("jdy", e.to_string()));
    }
    let e = masterdata::decompile(&md, schema(), tz).map_err(|e| format!("{e:?}"))?;
    read_back.push(("masterdata", e.to_string()));
    let mut back = Vec::new();
    for (target, text) in read_back {
        for word in [
            "week",
            "month",
            "quarter",
            "year",
            "today",
            "yesterday",
            "tomorrow",
        ] {
            if text.contains(word) {
                return Err(format!("{target} decompiled to a period: {text}"));
            }
        }
        // Absolute: read back at another clock and zone, it means the same.
        let other = Options::at(at("2001-01-01T00:00:00Z")).with_tz(tz);
        let q2 = filterql::compile(&text, schema(), &other)
            .map_err(|d| format!("{text}: {}", d.render(80, false)))?;
        back.push((target, text, q2));
    }
    for r in records {
        let want = q.matches(r);
        for mode in NE_MODES {
            if let Some(f) = &strict {
                if jdy_sim(f, r, mode, tz) != want {
                    return Err(format!("{}: jdy {f:?} on {r} ({mode:?})", q.source()));
                }
            }
            let residual = plan.residual().is_none_or(|p| p.matches(r));
            let pushed = plan.filter().is_none_or(|f| jdy_sim(f, r, mode, tz));
            if pushed && residual != want {
                return Err(format!("{}: jdy pushdown on {r} ({mode:?})", q.source()));
            }
        }
        if md_sim(&md, r, schema(), tz) != want {
            return Err(format!("{}: masterdata {md:?} on {r}", q.source()));
        }
        for (target, text, q2) in &back {
            if q2.matches(r) != want {
                return Err(format!(
                    "{}: {target} decompiled to {text}, which differs on {r}",
                    q.source()
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn the_issue_queries_agree_on_every_target_at_the_boundaries() {
    let tz = zone(480);
    for now in [
        "2024-05-15T10:00:00+08:00",
        "2024-06-01T00:00:00+08:00",
        "2024-12-31T23:59:59.999+08:00",
        "2025-01-01T00:00:00+08:00",
    ] {
        let now = at(now);
        for text in [
            "createTime >= 上月 and createTime < 本月",
            "updateTime = last week",
        ] {
            let q = compile(text, now, tz);
            // Strictly, on every target.
            q.to_jdy().expect("jdy");
            q.to_masterdata().expect("masterdata");
            for d in filterql::target::sql::Dialect::ALL {
                q.to_sql_where(&filterql::target::sql::SqlOptions::new(d))
                    .expect("sql");
            }
            let mut instants = vec![Some(now.timestamp_millis()), None];
            for name in ["last month", "this month", "last week"] {
                let (s, e) = period_interval(name, now, tz);
                instants.extend([s - 1, s, e - 1, e].map(Some));
            }
            let records: Vec<Value> = instants.iter().map(|ms| record(*ms, tz)).collect();
            backends_agree(&q, &records).unwrap_or_else(|e| panic!("{e}"));
            // Each query matches somewhere and misses somewhere: the boundaries are real.
            assert!(records.iter().any(|r| q.matches(r)), "{text}");
            assert!(records.iter().any(|r| !q.matches(r)), "{text}");
        }
    }
}

const UNITS: [PeriodUnit; 5] = [
    PeriodUnit::Day,
    PeriodUnit::Week,
    PeriodUnit::Month,
    PeriodUnit::Quarter,
    PeriodUnit::Year,
];

/// Clocks from 1900 through 2199, and zones from −12:00 to +14:00 in whole minutes
/// (the zones the command line accepts), with a bias towards the edges of days.
fn arb_clock() -> impl Strategy<Value = (DateTime<FixedOffset>, FixedOffset)> {
    let ms = prop_oneof![
        -2_208_988_800_000i64..7_258_118_400_000,
        // Midnight UTC ± a little, in the same span.
        (-25_567i64..84_006, -2i64..=2).prop_map(|(d, o)| d * 86_400_000 + o),
    ];
    let minutes = prop_oneof![
        Just(-720),
        Just(840),
        Just(0),
        Just(480),
        -720i32..=840,
        (-48i32..=56).prop_map(|q| q * 15),
    ];
    (ms, minutes).prop_map(|(ms, m)| {
        let tz = zone(m);
        (
            DateTime::from_timestamp_millis(ms)
                .expect("in range")
                .with_timezone(&tz),
            tz,
        )
    })
}

fn name_of(unit: PeriodUnit, shift: Shift) -> &'static str {
    Period { unit, shift }.name()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The shapes every period has, whatever the clock and zone.
    #[test]
    fn periods_tile_the_calendar((now, tz) in arb_clock()) {
        let now_ms = now.timestamp_millis();
        let local_of = |ms: i64| DateTime::from_timestamp_millis(ms).expect("instant").with_timezone(&tz);
        for unit in UNITS {
            let this = period_interval(name_of(unit, Shift::This), now, tz);
            let last = period_interval(name_of(unit, Shift::Last), now, tz);
            let next = period_interval(name_of(unit, Shift::Next), now, tz);
            prop_assert!(this.0 <= now_ms && now_ms < this.1, "{:?} {} {:?}", unit, now, this);
            prop_assert_eq!(last.1, this.0);
            prop_assert_eq!(next.0, this.1);
            for (s, e) in [last, this, next] {
                let (ls, le) = (local_of(s), local_of(e));
                // Each starts and ends at midnight of the zone.
                prop_assert_eq!((ls.hour(), ls.minute(), ls.second(), ls.nanosecond()), (0, 0, 0, 0));
                prop_assert_eq!((le.hour(), le.minute(), le.second(), le.nanosecond()), (0, 0, 0, 0));
                let days = (e - s) / 86_400_000;
                prop_assert_eq!((e - s) % 86_400_000, 0);
                match unit {
                    PeriodUnit::Day => prop_assert_eq!(days, 1),
                    PeriodUnit::Week => {
                        prop_assert_eq!(days, 7);
                        prop_assert_eq!(ls.weekday(), Weekday::Mon);
                    }
                    PeriodUnit::Month => {
                        prop_assert!((28..=31).contains(&days));
                        prop_assert_eq!((ls.day(), le.day()), (1, 1));
                        prop_assert_eq!(le.month(), ls.month() % 12 + 1);
                    }
                    PeriodUnit::Quarter => {
                        prop_assert!((90..=92).contains(&days));
                        prop_assert_eq!(ls.day(), 1);
                        prop_assert!([1, 4, 7, 10].contains(&ls.month()));
                        prop_assert_eq!(le.month(), (ls.month() + 2) % 12 + 1);
                    }
                    PeriodUnit::Year => {
                        let leap = NaiveDate::from_ymd_opt(ls.year(), 2, 29).is_some();
                        prop_assert_eq!(days, if leap { 366 } else { 365 });
                        prop_assert_eq!((ls.month(), ls.day(), le.year()), (1, 1, ls.year() + 1));
                    }
                }
            }
        }
        // `today` is the zone's date of `now`; the Chinese names mean the same.
        let today = period_interval("today", now, tz);
        prop_assert_eq!(local_of(today.0).date_naive(), now.with_timezone(&tz).date_naive());
        for (name, p) in Period::NAMES {
            prop_assert_eq!(period_interval(name, now, tz), period_interval(p.name(), now, tz));
        }
    }

    /// `today ± n mo|q|y` is the zone's date moved by whole months, the day clamped.
    #[test]
    fn month_arithmetic_keeps_or_clamps_the_day((now, tz) in arb_clock(), n in -30i64..30, unit in 0usize..3) {
        let (suffix, per) = [("mo", 1), ("q", 3), ("y", 12)][unit];
        let sign = if n < 0 { '-' } else { '+' };
        let q = compile(&format!("createTime = today {sign} {}{suffix}", n.abs()), now, tz);
        let (s, e) = interval(&q);
        prop_assert_eq!(e - s, 86_400_000);
        let day = DateTime::from_timestamp_millis(s).expect("instant").with_timezone(&tz).date_naive();
        let today = now.with_timezone(&tz).date_naive();
        let months = today.year() * 12 + today.month0() as i32 + (n * per) as i32;
        prop_assert_eq!((day.year(), day.month0() as i32), (months.div_euclid(12), months.rem_euclid(12)));
        let last_day = (28..=31)
            .rev()
            .find(|d| NaiveDate::from_ymd_opt(day.year(), day.month(), *d).is_some())
            .expect("every month has 28 days");
        prop_assert_eq!(day.day(), today.day().min(last_day));
    }

    /// Every backend agrees with `eval` on records at both sides of each boundary of
    /// the periods in a query, for random clocks, zones, periods and comparisons.
    #[test]
    fn backends_agree_with_eval_at_the_boundaries(
        (now, tz) in arb_clock(),
        a in prop::sample::select(Period::NAMES.to_vec()),
        b in prop::sample::select(Period::NAMES.to_vec()),
        form in 0usize..10,
    ) {
        let (a_name, b_name) = (a.0, b.0);
        let (lo, hi) = if period_interval(a_name, now, tz) <= period_interval(b_name, now, tz) {
            (a_name, b_name)
        } else {
            (b_name, a_name)
        };
        let text = match form {
            0 => format!("createTime = {a_name}"),
            1 => format!("createTime != {a_name}"),
            2 => format!("createTime < {a_name}"),
            3 => format!("createTime <= {a_name}"),
            4 => format!("createTime > {a_name}"),
            5 => format!("createTime >= {a_name}"),
            6 => format!("createTime between {lo} and {hi}"),
            7 => format!("createTime not between {lo} and {hi}"),
            8 => format!("createTime in ({a_name}, {b_name})"),
            _ => format!("createTime >= {lo} and createTime < {hi} or createTime is empty"),
        };
        let q = compile(&text, now, tz);
        let mut instants = vec![Some(now.timestamp_millis()), None];
        for name in [a_name, b_name] {
            let (s, e) = period_interval(name, now, tz);
            instants.extend([s - 1, s, e - 1, e].map(Some));
        }
        let records: Vec<Value> = instants.iter().map(|ms| record(*ms, tz)).collect();
        if let Err(e) = backends_agree(&q, &records) {
            prop_assert!(false, "{}", e);
        }
    }
}

/// The period line of the README's five-minute tour compiles and means what its comment
/// says.
#[test]
fn the_tour_line_runs() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let line = readme
        .lines()
        .find(|l| l.starts_with("createTime = this month"))
        .expect("the tour shows a period");
    let now = at("2024-05-15T10:00:00+08:00");
    let tz = zone(480);
    let q = compile(line, now, tz);
    let rec = |t: &str| json!({ "createTime": "2020-01-01T00:00:00+08:00", "updateTime": t });
    assert!(q.matches(&rec("2024-05-06T00:00:00+08:00")), "last Monday");
    assert!(
        !q.matches(&rec("2024-05-05T23:59:59.999+08:00")),
        "last Sunday"
    );
    assert!(q.matches(&json!({ "createTime": "2024-05-31T23:59:59+08:00" })));
}

/// A query remembers the clock it was compiled against exactly when it holds a value
/// read from it, wherever the value is written.
#[test]
fn a_query_reads_the_clock_only_through_relative_values() {
    let opts = filterql::Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
    let schema = filterql::Schema::demo();
    let clock = |text: &str| {
        filterql::compile(text, &schema, &opts)
            .unwrap_or_else(|d| panic!("{text}: {}", d.render(80, false)))
            .clock()
    };
    for text in [
        "createTime >= now",
        "createTime >= now - 3d",
        "createTime >= today",
        "createTime >= today - 1mo",
        "createTime = this month",
        "createTime = 本月",
        "amount > 1 and (createTime between 2024-01-01 and today or amount < 0)",
        "not createTime in (yesterday, last week)",
    ] {
        assert_eq!(clock(text), Some(opts.now()), "{text}");
    }
    for text in [
        "amount > 5",
        "createTime >= 2024-01-01 and class contains \"today\"",
        "amount in (1, 2) or class = \"now\"",
    ] {
        assert_eq!(clock(text), None, "{text}");
    }
}
