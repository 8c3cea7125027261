//! Compile to jdy, strict and pushdown: never a panic; a strict filter serializes and
//! reads back; pushdown always returns.
#![no_main]

mod common;

use filterql::target::jdy::{self, JdyFilter, JdyOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(q) = common::text(data).and_then(common::compile) else {
        return;
    };
    let opts = JdyOptions { tz: q.tz };
    if let Ok(f) = jdy::compile(&q.pred, &opts) {
        let json = serde_json::to_string(&f).expect("a filter serializes");
        let back = JdyFilter::from_json(&json).expect("a compiled filter reads back");
        assert_eq!(back, f, "the filter survives JSON");
    }
    let _ = jdy::pushdown(&q.pred, &opts);
});
