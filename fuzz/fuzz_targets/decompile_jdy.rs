//! Arbitrary bytes as a jdy filter: reading and decompiling never panic, and a
//! decompiled filter's canonical text parses.
#![no_main]

mod common;

use filterql::target::jdy::{decompile, JdyFilter};
use filterql::Schema;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = common::text(data) else {
        return;
    };
    let Ok(filter) = JdyFilter::from_json(text) else {
        return;
    };
    let demo = Schema::demo();
    for schema in [Some(&demo), None] {
        if let Ok(expr) = decompile(&filter, schema) {
            let canonical = expr.to_string();
            if let Err(d) = filterql::syntax::parse(&canonical) {
                panic!("decompiled text does not parse: {canonical}\n{}", d.render(80, false));
            }
        }
    }
});
