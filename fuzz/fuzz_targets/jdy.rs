//! Compile to jdy, strict and pushdown: never a panic; a strict filter serializes and
//! reads back; the direct JSON writer gives the same text (or fails the same way);
//! pushdown always returns.
#![no_main]

mod common;

use filterql::target::jdy::{self, JdyFilter, JdyOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(q) = common::text(data).and_then(common::compile) else {
        return;
    };
    let opts = JdyOptions { tz: q.tz() };
    let direct = jdy::to_json(q.pred(), &opts);
    assert_eq!(direct.is_ok(), jdy::compile(q.pred(), &opts).is_ok());
    if let Ok(f) = jdy::compile(q.pred(), &opts) {
        let json = serde_json::to_string(&f).expect("a filter serializes");
        assert_eq!(direct.as_deref().ok(), Some(json.as_str()), "to_json = serde_json");
        let back = JdyFilter::from_json(&json).expect("a compiled filter reads back");
        assert_eq!(back, f, "the filter survives JSON");
    }
    let _ = jdy::pushdown(q.pred(), &opts);
});
