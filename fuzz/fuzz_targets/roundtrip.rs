//! Parse → canonical Display → parse gives the same tree, and the canonical text is a
//! fixed point of formatting.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = common::text(data) else {
        return;
    };
    let Ok(expr) = filterql::syntax::parse(text) else {
        return;
    };
    let canonical = expr.to_string();
    // Canonical text can outgrow the input (`&&` prints as `and`): past the parser's
    // size limit it is rightly refused.
    if canonical.len() > filterql::syntax::MAX_INPUT_BYTES {
        return;
    }
    let again = match filterql::syntax::parse(&canonical) {
        Ok(e) => e,
        Err(d) => panic!("canonical text does not parse: {canonical:?}\n{}", d.render(80, false)),
    };
    assert_eq!(again, expr, "canonical text {canonical:?} parses to another tree");
    assert_eq!(again.to_string(), canonical, "formatting is idempotent");
});
