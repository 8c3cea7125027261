//! Compile to a masterdata condition tree: never a panic; a tree serializes.
#![no_main]

mod common;

use filterql::target::masterdata::{self, MdOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(q) = common::text(data).and_then(common::compile) else {
        return;
    };
    if let Ok(c) = masterdata::compile(&q.pred, &MdOptions::new(q.tz)) {
        serde_json::to_string(&c).expect("a condition tree serializes");
    }
});
