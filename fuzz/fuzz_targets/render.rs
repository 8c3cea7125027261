//! Renders the diagnostics of any rejected query, at any length (run it with
//! `-max_len=1048576`): never a panic (miette's column limit, a label past the line's
//! end), no raw control character reaching the terminal, output bounded per item.
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
        if let Err(d) = filterql::compile(text, &schema, &opts) {
            common::assert_sound(&d);
            common::assert_renders_safely(&d);
        }
    }
});
