//! The direct masterdata JSON writer (`masterdata::to_json`, `Query::to_masterdata_json`)
//! against serde's serialization of the tree `masterdata::compile` builds: the same
//! text, or the same errors, for every predicate — well-typed ones from the shared
//! generators and hand-built IR with ill-typed or non-finite values, datetimes at the
//! ends of the years 1–9999, long and repeating lists, constants and nested groups.

mod support;

use chrono::FixedOffset;
use filterql::ir::Pred;
use filterql::target::masterdata::{self, MdOptions};
use filterql::{Options, Schema};
use proptest::prelude::*;
use support::any_ir;

fn same_text(p: &Pred, tz: FixedOffset) -> Result<(), TestCaseError> {
    let opts = MdOptions::new(tz);
    let via_serde = masterdata::compile(p, &opts).map(|c| serde_json::to_string(&c).unwrap());
    prop_assert_eq!(masterdata::to_json(p, &opts), via_serde);
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
fn query_to_masterdata_json_matches_to_masterdata() {
    let now = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00+08:00").unwrap();
    let opts = Options::at(now);
    for text in [
        "createTime >= 2022-01-01 and amount > 3",
        r#"amount > 1.5 or class = "A\"B" or amount != 3"#,
        r#"amount = 1 and (class = "A" or class = "B")"#,
        r#"not (class contains "x" and amount <= 2) or class is empty"#,
        "amount != 3",
        "phone verified",
    ] {
        let q = filterql::compile(text, &Schema::demo(), &opts).unwrap();
        let expected = q
            .to_masterdata()
            .map(|c| serde_json::to_string(&c).unwrap());
        support::assert_same_json(text, q.to_masterdata_json(), expected);
    }
}
