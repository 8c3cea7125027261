//! Size and depth limits (issue 8): a maximally nested query and a maximally long one
//! go through every pass and every backend on a 2 MiB thread stack (the size of a
//! spawned thread's default stack), and inputs one step beyond the limits are rejected
//! with the limit's diagnostic rather than crashing or being silently cut.

use chrono::DateTime;
use filterql::schema::Field;
use filterql::syntax::{MAX_DEPTH, MAX_INPUT_BYTES};
use filterql::target::sql::{self, Dialect, SqlOptions};
use filterql::target::{jdy, masterdata};
use filterql::{Diagnostics, FieldType, Options, Schema};
use miette::Diagnostic;

const STACK: usize = 2 << 20;

/// Runs `f` on a fresh thread with a 2 MiB stack; a stack overflow aborts the test
/// process, so reaching the `join` at all is part of the assertion.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(f)
        .expect("spawn a thread")
        .join()
        .expect("the thread did not panic")
}

fn schema() -> Schema {
    Schema::new(vec![
        Field::new("a", FieldType::Number),
        Field::new("b", FieldType::Number),
        Field::new("t", FieldType::Text),
    ])
}

fn opts() -> Options {
    Options::at(DateTime::parse_from_rfc3339("2024-05-01T12:00:00+08:00").expect("valid"))
}

fn codes(d: &Diagnostics) -> Vec<String> {
    d.iter()
        .filter_map(|e| e.code().map(|c| c.to_string()))
        .collect()
}

fn codes_of<E: Diagnostic>(errors: &[E]) -> Vec<String> {
    errors
        .iter()
        .filter_map(|e| e.code().map(|c| c.to_string()))
        .collect()
}

/// `a = 0 and (b = 1 or (a = 2 and (b = 3 or ... (t = "x") ... )))` with `depth`
/// groups: `and` and `or` alternate, so normalization cannot flatten any level away and
/// every pass sees the full depth.
fn alternating(depth: usize) -> String {
    let mut q = String::new();
    for i in 0..depth {
        let field = if i % 2 == 0 { 'a' } else { 'b' };
        let op = if i % 2 == 0 { "and" } else { "or" };
        q.push_str(&format!("{field} = {i} {op} ("));
    }
    q.push_str("t = \"x\"");
    q.push_str(&")".repeat(depth));
    q
}

#[test]
fn alternating_and_or_at_the_depth_limit_compiles_everywhere_on_a_small_stack() {
    let (jdy_codes, md_codes, sql_ok, ast_depth_ok) = on_small_stack(|| {
        let text = alternating(MAX_DEPTH);
        let q = filterql::compile(&text, &schema(), &opts()).expect("compiles");
        // The canonical text of so deep a tree reparses to the same tree.
        let reparsed = filterql::syntax::parse(&q.ast().to_string()).expect("reparses");
        let ast_depth_ok = reparsed == q.ast();
        let jdy_codes = match jdy::compile(q.pred(), &jdy::JdyOptions::new(q.tz())) {
            Ok(_) => Vec::new(),
            Err(e) => codes_of(&e),
        };
        let md_codes = match masterdata::compile(q.pred(), &masterdata::MdOptions::new(q.tz())) {
            Ok(_) => Vec::new(),
            Err(e) => codes_of(&e),
        };
        let sql_ok = [Dialect::Mysql, Dialect::Postgres, Dialect::Sqlite]
            .into_iter()
            .flat_map(|d| {
                [false, true].map(|params| {
                    let o = SqlOptions::new(d).tz(q.tz()).params(params);
                    sql::compile_where(q.pred(), &o)
                        .map(|f| f.sql().matches('(').count())
                        .map_err(|e| codes_of(&e))
                })
            })
            .collect::<Vec<_>>();
        (jdy_codes, md_codes, sql_ok, ast_depth_ok)
    });
    assert!(
        ast_depth_ok,
        "Display/parse round trip of the deepest query"
    );
    // jdy filters are one flat level (a nested group, or a tree past its planner's
    // depth limit, is refused); masterdata trees stop at their own depth limit.
    assert!(
        jdy_codes == ["filterql::jdy::nested_group"] || jdy_codes == ["filterql::jdy::too_deep"],
        "{jdy_codes:?}"
    );
    assert_eq!(md_codes, ["filterql::masterdata::too_deep"]);
    for r in sql_ok {
        let parens = r.expect("SQL takes 128 levels");
        // Every level but the outermost is parenthesised: nothing was flattened away.
        assert!(
            parens >= MAX_DEPTH - 1,
            "every inner level is parenthesised, got {parens}"
        );
    }
}

#[test]
fn nested_not_and_parentheses_at_the_depth_limit_compile_on_a_small_stack() {
    let out = on_small_stack(|| {
        // Half `not`, half parentheses: both count towards the same limit.
        let half = MAX_DEPTH / 2;
        let text = format!(
            "{}{}a = 1{}",
            "not ".repeat(half),
            "(".repeat(MAX_DEPTH - half),
            ")".repeat(MAX_DEPTH - half)
        );
        // An even number of `not`s: the query means `a = 1`, and every backend must
        // say exactly what it says for the flat query.
        let deep = filterql::compile(&text, &schema(), &opts()).expect("compiles");
        let flat = filterql::compile("a = 1", &schema(), &opts()).expect("compiles");
        let outputs = |q: &filterql::Query| {
            let jdy = jdy::compile(q.pred(), &jdy::JdyOptions::new(q.tz())).ok();
            let md = masterdata::compile(q.pred(), &masterdata::MdOptions::new(q.tz())).ok();
            let sql = sql::compile_where(q.pred(), &SqlOptions::new(Dialect::Mysql)).ok();
            (jdy, md, sql)
        };
        let records = [serde_json::json!({"a": 1}), serde_json::json!({"a": 2})];
        let matches = records.map(|r| deep.matches(&r));
        (outputs(&deep), outputs(&flat), matches)
    });
    let (deep, flat, matches) = out;
    assert_eq!(matches, [true, false]);
    assert!(
        deep.0.is_some() && deep.1.is_some() && deep.2.is_some(),
        "{deep:?}"
    );
    assert_eq!(deep, flat);
}

#[test]
fn one_level_past_the_depth_limit_is_a_syntax_diagnostic() {
    let results = on_small_stack(|| {
        let parens = format!(
            "{}a = 1{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        let nots = format!("{}a = 1", "not ".repeat(MAX_DEPTH + 1));
        let alt = alternating(MAX_DEPTH + 1);
        // Far past the limit too: the parser must stop at the limit, not recurse on.
        let huge = format!("{}a = 1", "(".repeat(500_000));
        [parens, nots, alt, huge].map(|t| match filterql::syntax::parse(&t) {
            Ok(_) => vec!["parsed".to_owned()],
            Err(d) => codes(&d),
        })
    });
    for r in results {
        assert_eq!(r, ["filterql::syntax::too_deep"]);
    }
}

/// `a=0||b=1||a=2||...` padded with spaces to exactly `len` bytes.
fn long_query(len: usize) -> String {
    let mut q = String::with_capacity(len);
    let mut i = 0usize;
    loop {
        let next = format!(
            "{}{}={i}",
            if i > 0 { "||" } else { "" },
            if i.is_multiple_of(2) { 'a' } else { 'b' }
        );
        if q.len() + next.len() > len {
            break;
        }
        q.push_str(&next);
        i += 1;
    }
    q.push_str(&" ".repeat(len - q.len()));
    q
}

#[test]
fn a_query_of_the_maximum_size_compiles_everywhere_on_a_small_stack() {
    let (conds, jdy, md, sql, matched) = on_small_stack(|| {
        let text = long_query(MAX_INPUT_BYTES);
        assert_eq!(text.len(), MAX_INPUT_BYTES);
        let q = filterql::compile(&text, &schema(), &opts()).expect("compiles");
        let conds = match q.pred() {
            filterql::ir::Pred::Or(cs) => cs.len(),
            _ => 0,
        };
        let jdy = jdy::compile(q.pred(), &jdy::JdyOptions::new(q.tz())).map(|f| f.cond.len());
        let md = masterdata::compile(q.pred(), &masterdata::MdOptions::new(q.tz())).is_ok();
        let sql = sql::compile_where(q.pred(), &SqlOptions::new(Dialect::Postgres))
            .map(|f| f.sql().len());
        let matched = (
            q.matches(&serde_json::json!({"b": 99_999})),
            q.matches(&serde_json::json!({"a": 99_999})),
        );
        (conds, jdy, md, sql, matched)
    });
    // 2-byte separators plus `a=NNNNN`: about 100,000 conditions, none folded away
    // except where normalization merges equalities on one field into `in` lists.
    assert!(conds >= 2, "an `or` of many conditions, got {conds}");
    assert!(jdy.expect("jdy takes a flat `or`") >= 2);
    assert!(md, "masterdata takes a flat OR");
    assert!(sql.expect("SQL takes it") > 500_000);
    // Condition 99,999 is `b=99999` (odd index): `b` matches, `a` does not.
    assert_eq!(matched, (true, false));
}

#[test]
fn one_byte_over_the_size_limit_is_a_syntax_diagnostic() {
    let mut text = long_query(MAX_INPUT_BYTES);
    text.push(' ');
    let d = filterql::syntax::parse(&text).expect_err("too large");
    assert_eq!(codes(&d), ["filterql::syntax::too_large"]);
    let d = filterql::compile(&text, &schema(), &opts()).expect_err("too large");
    assert_eq!(codes(&d), ["filterql::syntax::too_large"]);
    // The diagnostic's source is an excerpt, so rendering it stays small.
    assert!(d.render(80, false).len() < 2_000);
}
