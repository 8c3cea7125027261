//! Arbitrary bytes as a masterdata condition tree: reading and decompiling never panic,
//! and a decompiled tree's canonical text parses.
#![no_main]

mod common;

use filterql::target::masterdata::decompile_json;
use filterql::Schema;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = common::text(data) else {
        return;
    };
    let tz = chrono::FixedOffset::east_opt(8 * 3600).expect("valid");
    for schema in [Schema::demo(), Schema::none()] {
        if let Ok(expr) = decompile_json(text, &schema, tz) {
            let canonical = expr.to_string();
            if let Err(d) = filterql::syntax::parse(&canonical) {
                panic!("decompiled text does not parse: {canonical}\n{}", d.render(80, false));
            }
        }
    }
});
