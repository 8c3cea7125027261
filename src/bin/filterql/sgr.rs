//! ANSI SGR colour codes, shared by the JSON colouring and the REPL's syntax colouring:
//! painting a piece of text, and (for tests) taking the codes out again.

/// Ends a colour.
pub const RESET: &str = "\x1b[0m";

/// Appends `text` to `out` in `colour` (an SGR sequence), reset after it, so that each
/// piece carries its own colour and a piece without one stays plain.
pub fn paint(out: &mut String, colour: &str, text: &str) {
    out.push_str(colour);
    out.push_str(text);
    out.push_str(RESET);
}

/// `s` without its SGR sequences (from ESC to the `m` that ends one): the text a
/// terminal shows, for tests that check that colouring changes nothing else.
#[cfg(test)]
pub fn strip(s: &str) -> String {
    let mut out = String::new();
    let mut esc = false;
    for c in s.chars() {
        match (esc, c) {
            (false, '\x1b') => esc = true,
            (true, 'm') => esc = false,
            (true, _) => {}
            (false, c) => out.push(c),
        }
    }
    out
}
