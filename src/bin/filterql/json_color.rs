//! Pretty-printed JSON with jq-like colours, for results shown on a terminal.

use serde_json::Value;

const KEY: &str = "\x1b[34;1m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[0m";
const LITERAL: &str = "\x1b[1;30m";
const RESET: &str = "\x1b[0m";

/// `v` pretty-printed like `serde_json::to_string_pretty`, with colour codes around keys
/// and scalars.
pub fn pretty(v: &Value) -> String {
    let mut out = String::new();
    write(&mut out, v, 0);
    out
}

fn quoted(s: &str) -> String {
    // Serializing a string cannot fail.
    crate::safe::json(serde_json::to_string(s).unwrap_or_default())
}

fn write(out: &mut String, v: &Value, depth: usize) {
    let indent = |out: &mut String, d: usize| {
        for _ in 0..d {
            out.push_str("  ");
        }
    };
    match v {
        Value::Null => out.push_str(&format!("{LITERAL}null{RESET}")),
        Value::Bool(b) => out.push_str(&format!("{LITERAL}{b}{RESET}")),
        Value::Number(n) => out.push_str(&format!("{NUMBER}{n}{RESET}")),
        Value::String(s) => out.push_str(&format!("{STRING}{}{RESET}", quoted(s))),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Array(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                indent(out, depth + 1);
                write(out, item, depth + 1);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            indent(out, depth);
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("{\n");
            for (i, (k, item)) in map.iter().enumerate() {
                indent(out, depth + 1);
                out.push_str(&format!("{KEY}{}{RESET}: ", quoted(k)));
                write(out, item, depth + 1);
                out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
            }
            indent(out, depth);
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn strip(s: &str) -> String {
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

    #[test]
    fn without_the_colours_it_is_serde_jsons_pretty_form() {
        let v = json!({
            "rel": "and",
            "cond": [{"field": "a\"b", "value": [1, 2.5, null, true]}, {}],
            "empty": [],
            "n": -3e-7
        });
        assert_eq!(
            strip(&pretty(&v)),
            serde_json::to_string_pretty(&v).unwrap()
        );
        assert!(pretty(&v).contains(&format!("{KEY}\"rel\"{RESET}: {STRING}\"and\"{RESET}")));
    }
}
