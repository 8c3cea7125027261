//! Compact tree views of a syntax tree (`:ast`) and of a checked predicate (`:ir`),
//! one node per line with box-drawing branches.

use chrono::{FixedOffset, TimeZone};
use filterql::ir::{Bound, Leaf, Pred, Scalar, Test};
use filterql::syntax::ast::{Expr, TextOp};

/// Appends `label` and then `children` under it, with branch glyphs.
fn node<T>(
    out: &mut String,
    prefix: &str,
    last: bool,
    root: bool,
    label: &str,
    children: &[T],
    child: &dyn Fn(&mut String, &str, bool, &T),
) {
    let (branch, next) = match (root, last) {
        (true, _) => ("", String::new()),
        (false, true) => ("└─ ", format!("{prefix}   ")),
        (false, false) => ("├─ ", format!("{prefix}│  ")),
    };
    out.push_str(prefix);
    out.push_str(branch);
    out.push_str(label);
    out.push('\n');
    for (i, c) in children.iter().enumerate() {
        child(out, &next, i + 1 == children.len(), c);
    }
}

/// The syntax tree, with byte spans.
pub fn ast(e: &Expr) -> String {
    let mut out = String::new();
    ast_node(&mut out, "", true, true, e);
    out
}

fn ast_node(out: &mut String, prefix: &str, last: bool, root: bool, e: &Expr) {
    let span = e.span();
    let at = format!("  @{}..{}", span.start, span.end);
    let walk = |o: &mut String, p: &str, l: bool, c: &Expr| ast_node(o, p, l, false, c);
    match e {
        Expr::Or(cs, _) => node(out, prefix, last, root, &format!("or{at}"), cs, &walk),
        Expr::And(cs, _) => node(out, prefix, last, root, &format!("and{at}"), cs, &walk),
        Expr::Not(c, _) => node(
            out,
            prefix,
            last,
            root,
            &format!("not{at}"),
            std::slice::from_ref(c.as_ref()),
            &walk,
        ),
        Expr::Pred(p) => node::<Expr>(out, prefix, last, root, &format!("{p}{at}"), &[], &walk),
    }
}

/// The checked predicate: resolved fields with their types, tests as ranges and sets,
/// datetimes shown in `tz`.
pub fn ir(p: &Pred, tz: FixedOffset) -> String {
    let mut out = String::new();
    ir_node(&mut out, "", true, true, p, tz);
    out
}

fn ir_node(out: &mut String, prefix: &str, last: bool, root: bool, p: &Pred, tz: FixedOffset) {
    let walk = |o: &mut String, pre: &str, l: bool, c: &Pred| ir_node(o, pre, l, false, c, tz);
    match p {
        Pred::True => node::<Pred>(out, prefix, last, root, "true", &[], &walk),
        Pred::False => node::<Pred>(out, prefix, last, root, "false", &[], &walk),
        Pred::And(cs) => node(out, prefix, last, root, "and", cs, &walk),
        Pred::Or(cs) => node(out, prefix, last, root, "or", cs, &walk),
        Pred::Not(c) => node(
            out,
            prefix,
            last,
            root,
            "not",
            std::slice::from_ref(c.as_ref()),
            &walk,
        ),
        Pred::Leaf(l) => node::<Pred>(out, prefix, last, root, &leaf(l, tz), &[], &walk),
    }
}

/// One leaf: `[not] field (type): test`.
pub fn leaf(l: &Leaf, tz: FixedOffset) -> String {
    let f = &l.field;
    let name = match &f.subform {
        Some(s) => format!("{s}.{} (some row)", f.name),
        None => f.name.clone(),
    };
    let not = if l.negated { "not " } else { "" };
    format!("{not}{name} ({}): {}", f.ty, test(&l.test, tz))
}

fn test(t: &Test, tz: FixedOffset) -> String {
    let list = |vs: &[Scalar]| {
        let items: Vec<String> = vs.iter().map(|v| scalar(v, tz)).collect();
        items.join(", ")
    };
    match t {
        Test::Eq(v) => format!("= {}", scalar(v, tz)),
        Test::In(vs) => format!("in {{{}}}", list(vs)),
        Test::Range(r) => {
            let lo = match &r.lo {
                Some(Bound { value, inclusive }) => {
                    format!(
                        "{}{}",
                        if *inclusive { "[" } else { "(" },
                        scalar(value, tz)
                    )
                }
                None => "(-∞".to_owned(),
            };
            let hi = match &r.hi {
                Some(Bound { value, inclusive }) => {
                    format!(
                        "{}{}",
                        scalar(value, tz),
                        if *inclusive { "]" } else { ")" }
                    )
                }
                None => "+∞)".to_owned(),
            };
            format!("in {lo}, {hi}")
        }
        Test::Empty => "is empty".to_owned(),
        Test::Verified => "verified".to_owned(),
        Test::Unverified => "unverified".to_owned(),
        Test::Text(op, s) => {
            let op = match op {
                TextOp::Contains => "contains",
                TextOp::StartsWith => "startswith",
                TextOp::EndsWith => "endswith",
            };
            format!("{op} {s:?}")
        }
        Test::HasAny(vs) => format!("has any of {{{}}}", list(vs)),
        Test::HasAll(vs) => format!("has all of {{{}}}", list(vs)),
    }
}

fn scalar(v: &Scalar, tz: FixedOffset) -> String {
    match v {
        Scalar::Text(s) => format!("{s:?}"),
        Scalar::Number(n) => n.to_string(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::DateTime(ms) => match tz.timestamp_millis_opt(*ms).single() {
            Some(t) => t.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string(),
            None => format!("{ms} ms"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use filterql::ir::{FieldInfo, FieldRef, Range};
    use filterql::{FieldType, Span};

    fn field(name: &str, ty: FieldType) -> FieldRef {
        FieldRef::new(FieldInfo {
            name: name.into(),
            subform: None,
            ty,
            widget: None,
            column: name.into(),
            label: None,
        })
    }

    #[test]
    fn the_ir_view_draws_branches_and_bounds() {
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
            ir(&p, tz),
            "and\n\
             ├─ createTime (datetime): in [2022-01-01T00:00:00.000+08:00, +∞)\n\
             └─ or\n   \
                ├─ not phone (phone): verified\n   \
                └─ n (number): in {1, 2.5}\n"
        );
    }
}
