//! Compile to a masterdata condition tree: never a panic; a tree serializes, and its
//! directly written JSON is serde_json's text.
#![no_main]

mod common;

use filterql::target::masterdata::{self, MdOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(q) = common::text(data).and_then(common::compile) else {
        return;
    };
    if let Ok(c) = masterdata::compile(q.pred(), &MdOptions::new(q.tz())) {
        let text = serde_json::to_string(&c).expect("a condition tree serializes");
        assert_eq!(c.to_json(), text, "Condition::to_json differs from serde_json");
    }
});
