//! The direct JSON writer (`jdy::to_json`, `Query::to_jdy_json`) against serde's
//! serialization of `jdy::compile`: the same text, or the same errors, for every
//! predicate — well-typed ones from the shared generators and hand-built IR with
//! ill-typed or non-finite values, datetimes at the ends of the years 1–9999, lists
//! around jdy's 200-value limit, and text needing JSON escapes.

mod support;

use chrono::FixedOffset;
use filterql::ir::{Pred, Scalar, Test};
use filterql::target::jdy::{self, JdyOptions};
use filterql::{Options, Schema, Span};
use proptest::prelude::*;
use support::any_ir;

fn same_text(p: &Pred, tz: FixedOffset) -> Result<(), TestCaseError> {
    let opts = JdyOptions::new(tz);
    let via_serde = jdy::compile(p, &opts).map(|f| serde_json::to_string(&f).unwrap());
    prop_assert_eq!(jdy::to_json(p, &opts), via_serde);
    Ok(())
}

proptest! {
    #[test]
    fn to_json_is_serde_of_compile(p in support::arb_pred(), tz in any_ir::arb_tz()) {
        same_text(&p, tz)?;
    }

    #[test]
    fn to_json_is_serde_of_compile_on_any_ir(p in any_ir::arb_pred(), tz in any_ir::arb_tz()) {
        same_text(&p, tz)?;
    }
}

#[test]
fn query_to_jdy_json_matches_to_jdy() {
    let now = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00+08:00").unwrap();
    let opts = Options::at(now);
    for text in [
        "createTime >= 2022-01-01 and phone verified",
        r#"amount > 1.5 or class = "A\"B" or amount != 3"#,
        r#"amount = 1 and (class = "A" or class = "B")"#,
        "not phone verified",
        "amount != 3",
    ] {
        let q = filterql::compile(text, &Schema::demo(), &opts).unwrap();
        let expected = q.to_jdy().map(|f| serde_json::to_string(&f).unwrap());
        support::assert_same_json(text, q.to_jdy_json(), expected);
    }
}

#[test]
fn long_lists_reserve_no_more_than_needed() {
    // 10,000 values in one leaf: 50 `in` conditions in an `or`.
    let vs: Vec<Scalar> = (0..10_000)
        .map(|i| Scalar::Text(format!("A{i:05}").into()))
        .collect();
    let p = Pred::leaf(
        support::field_ref("code"),
        Test::In(vs),
        false,
        Span::default(),
    );
    let text = jdy::to_json(&p, &JdyOptions::default()).unwrap();
    assert!(text.starts_with(r#"{"rel":"or","cond":[{"field":"code""#));
    assert_eq!(text.matches(r#""method":"in""#).count(), 50);
    assert!(
        text.capacity() < text.len() + text.len() / 20,
        "{} for {}",
        text.capacity(),
        text.len()
    );
}
