//! The people-facing tree view of a normalized predicate ([`Query::explain`]).
//!
//! [`Query::explain`]: crate::Query::explain

use crate::ir::{Bound, Leaf, Pred, Scalar, Test};
use chrono::{FixedOffset, TimeZone};
use std::fmt::Write as _;

/// `p` drawn one node per line with box-drawing branches: resolved fields with their
/// types, tests as ranges and sets, datetimes shown in `tz`.
///
/// Recursive, but only over compiled predicates, whose depth the parser and checker
/// bound.
pub(crate) fn tree(p: &Pred, tz: FixedOffset) -> String {
    let mut out = String::new();
    node(&mut out, "", true, true, p, tz);
    out
}

fn node(out: &mut String, prefix: &str, last: bool, root: bool, p: &Pred, tz: FixedOffset) {
    let (branch, next) = match (root, last) {
        (true, _) => ("", String::new()),
        (false, true) => ("└─ ", format!("{prefix}   ")),
        (false, false) => ("├─ ", format!("{prefix}│  ")),
    };
    out.push_str(prefix);
    out.push_str(branch);
    let children: &[Pred] = match p {
        Pred::True => {
            out.push_str("true");
            &[]
        }
        Pred::False => {
            out.push_str("false");
            &[]
        }
        Pred::And(cs) => {
            out.push_str("and");
            cs
        }
        Pred::Or(cs) => {
            out.push_str("or");
            cs
        }
        Pred::Not(c) => {
            out.push_str("not");
            std::slice::from_ref(c.as_ref())
        }
        Pred::Leaf(l) => {
            leaf(out, l, tz);
            &[]
        }
    };
    out.push('\n');
    for (i, c) in children.iter().enumerate() {
        node(out, &next, i + 1 == children.len(), false, c, tz);
    }
}

/// One leaf: `[not] field (type): test`.
fn leaf(out: &mut String, l: &Leaf, tz: FixedOffset) {
    let f = &l.field;
    if l.negated {
        out.push_str("not ");
    }
    // Writing into a String cannot fail.
    let _ = match &f.subform {
        Some(s) => write!(out, "{s}.{} (some row)", f.name),
        None => write!(out, "{}", f.name),
    };
    let _ = write!(out, " ({}): ", f.ty);
    test(out, &l.test, tz);
}

fn test(out: &mut String, t: &Test, tz: FixedOffset) {
    // `label {a, b, …}`
    let set = |out: &mut String, label: &str, vs: &[Scalar]| {
        out.push_str(label);
        out.push_str(" {");
        for (i, v) in vs.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            scalar(out, v, tz);
        }
        out.push('}');
    };
    match t {
        Test::Eq(v) => {
            out.push_str("= ");
            scalar(out, v, tz);
        }
        Test::In(vs) => set(out, "in", vs),
        Test::Range(r) => {
            out.push_str("in ");
            match &r.lo {
                Some(Bound { value, inclusive }) => {
                    out.push(if *inclusive { '[' } else { '(' });
                    scalar(out, value, tz);
                }
                None => out.push_str("(-∞"),
            }
            out.push_str(", ");
            match &r.hi {
                Some(Bound { value, inclusive }) => {
                    scalar(out, value, tz);
                    out.push(if *inclusive { ']' } else { ')' });
                }
                None => out.push_str("+∞)"),
            }
        }
        Test::Empty => out.push_str("is empty"),
        Test::Verified => out.push_str("verified"),
        Test::Unverified => out.push_str("unverified"),
        Test::Text(op, s) => {
            let _ = write!(out, "{} {:?}", op.keyword(), &**s);
        }
        Test::HasAny(vs) => set(out, "has any of", vs),
        Test::HasAll(vs) => set(out, "has all of", vs),
    }
}

fn scalar(out: &mut String, v: &Scalar, tz: FixedOffset) {
    let _ = match v {
        Scalar::Text(s) => write!(out, "{:?}", &**s),
        Scalar::Number(n) => write!(out, "{n}"),
        Scalar::Bool(b) => write!(out, "{b}"),
        Scalar::DateTime(ms) => match tz.timestamp_millis_opt(*ms).single() {
            Some(t) => write!(out, "{}", t.format("%Y-%m-%dT%H:%M:%S%.3f%:z")),
            None => write!(out, "{ms} ms"),
        },
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{FieldRef, Range};
    use crate::{FieldType, Span};

    fn field(name: &str, ty: FieldType) -> FieldRef {
        FieldRef::top(name, ty)
    }

    #[test]
    fn the_tree_draws_branches_and_bounds() {
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        let day = Range {
            lo: Some(Bound {
                // 2022-01-01T00:00:00+08:00
                value: Scalar::DateTime(1_640_966_400_000),
                inclusive: true,
            }),
            hi: None,
        };
        let p = Pred::And(vec![
            Pred::leaf(
                field("createTime", FieldType::Datetime),
                Test::Range(day),
                false,
                Span::default(),
            ),
            Pred::Or(vec![
                Pred::leaf(
                    field("phone", FieldType::Phone),
                    Test::Verified,
                    true,
                    Span::default(),
                ),
                Pred::leaf(
                    field("n", FieldType::Number),
                    Test::In(vec![Scalar::Number(1.0), Scalar::Number(2.5)]),
                    false,
                    Span::default(),
                ),
            ]),
        ]);
        assert_eq!(
            tree(&p, tz),
            "and\n\
             ├─ createTime (datetime): in [2022-01-01T00:00:00.000+08:00, +∞)\n\
             └─ or\n   \
                ├─ not phone (phone): verified\n   \
                └─ n (number): in {1, 2.5}\n"
        );
    }
}
