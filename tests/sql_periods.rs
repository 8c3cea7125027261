//! Calendar periods on the real SQL engines: for clocks and zones at the edges that
//! matter (the week spanning a new year, leap Februaries, ±14/−12 hour zones at the
//! edge of a day, `now` exactly on a boundary) and for random ones, rows just before,
//! at, and just after each boundary of every period in a query are stored as local
//! time in the query's zone (the storage model), and every comparison form returns on
//! SQLite, PostgreSQL and MariaDB, inline and with parameters, exactly the rows `eval`
//! matches.

mod sqldb;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use filterql::syntax::ast::Period;
use filterql::target::sql::SqlOptions;
use filterql::{Options, Query, Schema};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Value};
use sqldb::{Cell, Col, ColKind, Conn};
use std::cell::RefCell;

fn schema() -> Schema {
    // The system fields `createTime` and `updateTime`, columns of the same names.
    Schema::from_json(r#"{"fields":[]}"#).expect("schema")
}

fn cols() -> Vec<Col> {
    ["createTime", "updateTime"]
        .map(|name| Col {
            name: name.into(),
            kind: ColKind::Datetime,
        })
        .to_vec()
}

/// The comparison forms, over periods `a` and `b` (`lo`/`hi`: the earlier and later).
fn forms(a: &str, b: &str, lo: &str, hi: &str) -> Vec<String> {
    vec![
        format!("createTime = {a}"),
        format!("createTime != {a}"),
        format!("createTime < {a}"),
        format!("createTime <= {a}"),
        format!("createTime > {a}"),
        format!("createTime >= {a}"),
        format!("createTime between {lo} and {hi}"),
        format!("createTime not between {lo} and {hi}"),
        format!("createTime in ({a}, {b})"),
        format!("createTime not in ({a}, {b})"),
        format!("updateTime = {b} or not (createTime < {lo})"),
    ]
}

/// One clock and zone: the rows, and the queries to run over them.
struct Case {
    now: DateTime<FixedOffset>,
    tz: FixedOffset,
    queries: Vec<String>,
}

impl Case {
    /// The comparison [`forms`] over periods `a` and `b` at `now` in `tz`, ordered by
    /// where their intervals start.
    fn new(now: DateTime<FixedOffset>, tz: FixedOffset, a: &str, b: &str) -> Case {
        let mut c = Case {
            now,
            tz,
            queries: Vec::new(),
        };
        let (lo, hi) = if interval(a, &c) <= interval(b, &c) {
            (a, b)
        } else {
            (b, a)
        };
        c.queries = forms(a, b, lo, hi);
        c
    }
}

fn compile(text: &str, c: &Case) -> Query {
    filterql::compile(text, &schema(), &Options::at(c.now).with_tz(c.tz))
        .unwrap_or_else(|d| panic!("{text}:\n{}", d.render(80, false)))
}

/// The `[start, end)` of `name` at the case's clock.
fn interval(name: &str, c: &Case) -> (i64, i64) {
    let p = Period::NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, p)| *p)
        .unwrap_or_else(|| panic!("{name} is no period"));
    let (s, e) = p.interval(c.now, c.tz).expect("representable");
    (s.timestamp_millis(), e.timestamp_millis())
}

/// Rows at `now` and at both sides of both ends of every period named in the queries,
/// plus an empty row.
fn instants(c: &Case) -> Vec<Option<i64>> {
    let mut out = vec![Some(c.now.timestamp_millis()), None];
    for (name, _) in Period::NAMES {
        if c.queries.iter().any(|q| q.contains(name)) {
            let (s, e) = interval(name, c);
            out.extend([s - 1, s, e - 1, e].map(Some));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Runs every query of `case` on `conn`: the ids must be those `eval` matches. Returns
/// the number of statements compared.
fn run_case(conn: &mut Conn, table: &str, case: &Case) -> Result<usize, String> {
    let d = conn.dialect();
    let tz = case.tz;
    let local = |ms: i64| {
        DateTime::from_timestamp_millis(ms)
            .expect("in range")
            .with_timezone(&tz)
    };
    let rows = instants(case);
    let cells: Vec<(i64, Vec<Cell>)> = rows
        .iter()
        .enumerate()
        .map(|(i, ms)| {
            let cell = ms.map_or(Cell::Null, |ms| {
                Cell::Datetime(local(ms).format("%Y-%m-%d %H:%M:%S%.3f").to_string())
            });
            (i as i64, vec![cell.clone(), cell])
        })
        .collect();
    let records: Vec<Value> = rows
        .iter()
        .map(|ms| match ms {
            Some(ms) => {
                let t = local(*ms).to_rfc3339_opts(SecondsFormat::Millis, false);
                json!({ "createTime": t, "updateTime": t })
            }
            None => json!({}),
        })
        .collect();
    conn.clear(table).map_err(|e| e.to_string())?;
    conn.insert(table, &cols(), &cells)
        .map_err(|e| format!("insert: {e}"))?;
    let select = SqlOptions::new(d).table(table).columns(["id"]);
    let mut compared = 0;
    for text in &case.queries {
        let q = compile(text, case);
        let want: Vec<i64> = (0..records.len() as i64)
            .filter(|i| q.matches(&records[*i as usize]))
            .collect();
        for params in [false, true] {
            let s = q
                .to_sql(&select.clone().params(params))
                .map_err(|e| format!("{text}: {}", e.render(80, false)))?;
            let got = conn.ids(&s).map_err(|e| format!("{}: {e}", s.sql()))?;
            if got != want {
                return Err(format!(
                    "{d} {text} at {} in {tz}: {} {:?} returned {got:?}, eval {want:?}\nrows {records:?}",
                    case.now, s.sql(), s.params()
                ));
            }
            compared += 1;
        }
    }
    Ok(compared)
}

fn at(now: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(now).unwrap_or_else(|e| panic!("{now}: {e}"))
}

fn zone(minutes: i32) -> FixedOffset {
    FixedOffset::east_opt(minutes * 60).expect("offset")
}

/// (now, zone in minutes, period a, period b).
const EDGES: &[(&str, i32, &str, &str)] = &[
    ("2024-05-15T10:00:00+08:00", 480, "this month", "上月"),
    ("2024-05-15T10:00:00+08:00", 480, "last week", "this week"),
    ("2025-01-01T12:00:00+08:00", 480, "this week", "last year"),
    ("2024-12-30T00:00:00+08:00", 480, "本周", "next year"),
    ("2024-03-01T10:00:00+08:00", 480, "last month", "yesterday"),
    ("2024-02-29T10:00:00+08:00", 480, "today", "this month"),
    ("2100-03-01T00:00:00+08:00", 480, "上月", "今年"),
    ("2024-05-31T20:00:00Z", 0, "this month", "today"),
    ("2024-05-31T20:00:00Z", 840, "this month", "today"),
    ("2024-05-31T20:00:00Z", -300, "this quarter", "next month"),
    ("2024-01-01T11:59:59.999Z", -720, "today", "this year"),
    ("2024-01-01T12:00:00Z", -720, "today", "last year"),
    ("2023-12-31T10:00:00Z", 840, "today", "this week"),
    ("2023-12-31T09:59:59.999Z", 840, "yesterday", "this week"),
    ("2024-09-30T18:30:00Z", 330, "this quarter", "last quarter"),
    ("2024-06-01T00:00:00+08:00", 480, "this month", "last month"),
    (
        "2024-05-31T23:59:59.999+08:00",
        480,
        "this month",
        "tomorrow",
    ),
];

fn edge_cases() -> Vec<Case> {
    EDGES
        .iter()
        .map(|&(now, tz, a, b)| {
            let mut c = Case::new(at(now), zone(tz), a, b);
            c.queries.extend([
                "createTime >= 上月 and createTime < 本月".to_owned(),
                "updateTime = last week".to_owned(),
            ]);
            c
        })
        .collect()
}

fn edges(mut conn: Conn) {
    let d = conn.dialect();
    let table = sqldb::table_name(&format!("periods_{d}"));
    conn.create_table(&table, &cols()).expect("table");
    let mut compared = 0;
    let mut failures = Vec::new();
    for case in edge_cases() {
        match run_case(&mut conn, &table, &case) {
            Ok(n) => compared += n,
            Err(e) => failures.push(e),
        }
    }
    let _ = conn.drop_table(&table);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{d}: {compared} statements agreed with eval");
    assert!(compared > 0);
}

sqldb::engine_tests!(edges: sqlite_periods_at_the_edges, postgres_periods_at_the_edges, mysql_periods_at_the_edges);

/// Random clocks (1900–2199, biased to the edges of UTC days) and zones (−12:00 to
/// +14:00 in whole minutes), with two random periods.
fn arb_case() -> impl Strategy<Value = Case> {
    let ms = prop_oneof![
        -2_208_988_800_000i64..7_258_118_400_000,
        (-25_567i64..84_006, -2i64..=2).prop_map(|(d, o)| d * 86_400_000 + o),
    ];
    let minutes = prop_oneof![Just(-720), Just(840), -720i32..=840];
    let names = prop::sample::select(Period::NAMES.map(|(n, _)| n).to_vec());
    (ms, minutes, names.clone(), names).prop_map(|(ms, m, a, b)| {
        let tz = zone(m);
        let now = DateTime::from_timestamp_millis(ms)
            .expect("in range")
            .with_timezone(&tz);
        Case::new(now, tz, a, b)
    })
}

impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "now {} in {}: {:?}", self.now, self.tz, self.queries)
    }
}

fn random(conn: Conn) {
    let d = conn.dialect();
    let table = sqldb::table_name(&format!("periods_rand_{d}"));
    let compared = RefCell::new(0usize);
    sqldb::prop_on_table(conn, &table, &cols(), 48, &arb_case(), |c, case| {
        let n = run_case(c, &table, &case).map_err(TestCaseError::fail)?;
        *compared.borrow_mut() += n;
        Ok(())
    });
    let n = *compared.borrow();
    eprintln!("{d}: {n} statements agreed with eval");
    assert!(n > 0);
}

sqldb::engine_tests!(random: sqlite_periods_agree_with_eval, postgres_periods_agree_with_eval, mysql_periods_agree_with_eval);
