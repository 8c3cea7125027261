//! Parse and check against the fixed demo schema and in no-schema mode: never a panic,
//! errors always carry diagnostics, and a compiled query evaluates on a few records.
#![no_main]

mod common;

use filterql::Schema;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = common::text(data) else {
        return;
    };
    let opts = common::options();
    for schema in [Schema::demo(), Schema::none()] {
        match filterql::compile(text, &schema, &opts) {
            Ok(q) => {
                assert!(!q.warnings().has_errors(), "warnings hold no errors");
                for record in [
                    serde_json::json!({}),
                    serde_json::json!({"amount": 5, "class": "A", "tags": ["重要"],
                        "phone": {"phone": "139", "verified": true}}),
                ] {
                    let _ = q.matches(&record);
                }
            }
            Err(d) => {
                assert!(d.has_errors(), "a rejected query says why");
                common::assert_sound(&d);
                common::assert_renders_safely(&d);
            }
        }
    }
});
