//! The statement written as `{"sql","params"}` JSON text directly (`Query::to_sql_json`,
//! `Query::to_sql_where_json`, parameters written as they come) against serde's
//! serialization of the fragment `to_sql`/`to_sql_where` return: the same text, or the
//! same errors, for every predicate — well-typed ones from the shared generators and
//! hand-built IR with ill-typed or non-finite values, datetimes at the ends of the
//! years, long lists, text needing escapes — in every dialect, inline and
//! parameterised. Column, table and order names are made hostile too: the direct
//! writer escapes the statement text as it writes it (quotes, backslashes and control
//! characters in a name, PostgreSQL's `"` around every column), not afterwards.

mod support;

use filterql::ir::Pred;
use filterql::target::sql::{self, Dialect, SqlOptions};
use filterql::{Options, Schema};
use proptest::prelude::*;
use support::any_ir;

fn arb_opts() -> impl Strategy<Value = SqlOptions> {
    (
        prop::sample::select(Dialect::ALL.to_vec()),
        any::<bool>(),
        0usize..4,
        any_ir::arb_tz(),
        prop::option::of(prop::sample::select(vec!["t", "a\"b", ""])),
    )
        .prop_map(|(d, params, first, tz, table)| {
            let o = SqlOptions::new(d)
                .params(params)
                .first_placeholder(first)
                .tz(tz)
                .columns(["id"])
                .order_by("id", true);
            match table {
                Some(t) => o.table(t),
                None => o,
            }
        })
}

fn same_text(p: &Pred, o: &SqlOptions) -> Result<(), TestCaseError> {
    let via_serde = sql::compile_where(p, o).map(|f| serde_json::to_string(&f).unwrap());
    prop_assert_eq!(sql::compile_where_json(p, o), via_serde);
    let via_serde = sql::compile_select(p, o).map(|f| serde_json::to_string(&f).unwrap());
    prop_assert_eq!(sql::compile_select_json(p, o), via_serde);
    Ok(())
}

/// Names that need escaping in a JSON string, or quoting or refusing in SQL: quotes of
/// every engine, a backslash, control characters, NUL, non-ASCII, too long, empty.
const HOSTILE_NAMES: [&str; 11] = [
    "a\"b",
    "a\\b",
    "a`b",
    "x\ny\u{1}",
    "\"\"",
    "é\\\"",
    "tab\there",
    "nul\0",
    "",
    "plain_name",
    "a_name_of_sixty_four_bytes_that_some_engines_take_and_others_not",
];

/// `p` with the column of every leaf replaced, in order, by one of `names` (cycling).
fn renamed(p: &Pred, names: &[&str], next: &mut usize) -> Pred {
    match p {
        Pred::And(ps) => Pred::And(ps.iter().map(|q| renamed(q, names, next)).collect()),
        Pred::Or(ps) => Pred::Or(ps.iter().map(|q| renamed(q, names, next)).collect()),
        Pred::Not(q) => Pred::Not(Box::new(renamed(q, names, next))),
        Pred::Leaf(l) => {
            let mut l = l.clone();
            l.field.info_mut().column = names[*next % names.len()].to_owned();
            *next += 1;
            Pred::Leaf(l)
        }
        other => other.clone(),
    }
}

proptest! {
    #[test]
    fn json_is_serde_with_hostile_names(
        p in any_ir::arb_pred(),
        o in arb_opts(),
        names in prop::collection::vec(prop::sample::select(HOSTILE_NAMES.to_vec()), 1..4),
        table in prop::sample::select(HOSTILE_NAMES.to_vec()),
    ) {
        let p = renamed(&p, &names, &mut 0);
        same_text(&p, &o)?;
        let o = o.table(table).columns(names.clone()).order_by(names[0], false);
        same_text(&p, &o)?;
    }

    #[test]
    fn json_is_serde_of_the_fragment(p in support::arb_pred(), o in arb_opts()) {
        same_text(&p, &o)?;
    }

    #[test]
    fn json_is_serde_of_the_fragment_on_any_ir(p in any_ir::arb_pred(), o in arb_opts()) {
        same_text(&p, &o)?;
    }
}

#[test]
fn query_methods_match_the_fragments() {
    let now = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00+08:00").unwrap();
    let opts = Options::at(now);
    for text in [
        "createTime >= 2022-01-01 and amount > 3.5",
        r#"amount > 1.5 or class = "A\"B" or amount != 3"#,
        r#"amount = 1 and (class = "A" or class contains "B_%")"#,
        "phone verified",
    ] {
        let q = filterql::compile(text, &Schema::demo(), &opts).unwrap();
        for d in Dialect::ALL {
            for params in [false, true] {
                let o = SqlOptions::new(d).params(params);
                let expected = q.to_sql_where(&o).map(|f| f.to_json());
                support::assert_same_json(text, q.to_sql_where_json(&o), expected);
                let o = o.table("t");
                let expected = q.to_sql(&o).map(|f| f.to_json());
                support::assert_same_json(text, q.to_sql_json(&o), expected);
            }
        }
    }
}
