//! Fuzzes the parser: any input must give a tree or diagnostics, never a panic, a stack
//! overflow or a hang; a tree must print canonically and read back to itself.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match filterql::syntax::parse(text) {
        Ok(ast) => {
            let canonical = ast.to_string();
            // Canonical text can outgrow the input (`&&` prints as `and`): past the
            // parser's size limit it is rightly refused.
            if canonical.len() > filterql::syntax::MAX_INPUT_BYTES {
                return;
            }
            let again = filterql::syntax::parse(&canonical).unwrap_or_else(|d| {
                panic!(
                    "canonical text rejected: {canonical}\n{}",
                    d.render(80, false)
                )
            });
            assert_eq!(again, ast, "round trip of {canonical}");
            assert_eq!(again.to_string(), canonical);
        }
        Err(diags) => {
            assert!(diags.has_errors());
            common::assert_sound(&diags);
            common::assert_renders_safely(&diags);
        }
    }
});
