//! The compact tree view of a syntax tree (`:ast`), one node per line with box-drawing
//! branches, in the layout of [`filterql::Query::explain`] (`:ir`).

use filterql::ast::Expr;

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
        // The tree's variants are non-exhaustive: matched by field, with `..`.
        Expr::Or { 0: cs, .. } => node(out, prefix, last, root, &format!("or{at}"), cs, &walk),
        Expr::And { 0: cs, .. } => node(out, prefix, last, root, &format!("and{at}"), cs, &walk),
        Expr::Not { 0: c, .. } => node(
            out,
            prefix,
            last,
            root,
            &format!("not{at}"),
            std::slice::from_ref(c.as_ref()),
            &walk,
        ),
        Expr::Pred { 0: p, .. } => {
            node::<Expr>(out, prefix, last, root, &format!("{p}{at}"), &[], &walk)
        }
    }
}
