//! Pretty-printed JSON with jq-like colours, for results shown on a terminal.

use crate::sgr::paint;
use serde_json::Value;

const KEY: &str = "\x1b[34;1m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[0m";
const LITERAL: &str = "\x1b[1;30m";

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
        Value::Null => paint(out, LITERAL, "null"),
        Value::Bool(b) => paint(out, LITERAL, if *b { "true" } else { "false" }),
        Value::Number(n) => paint(out, NUMBER, &n.to_string()),
        Value::String(s) => paint(out, STRING, &quoted(s)),
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
                paint(out, KEY, &quoted(k));
                out.push_str(": ");
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
    use crate::sgr::{strip, RESET};
    use serde_json::json;

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
