//! IR → condition tree: negation pushed to the leaves with the `NULL`/`""` arms that
//! two-valued semantics needs.

use super::error::MasterdataError;
use super::tree::{CmpOp, Condition, Leaf};
use super::value::{format_datetime, format_number, ColumnKind};
use super::MdOptions;
use crate::ir::{self, Bound, Pred, Range, Scalar, Test};
use crate::span::Span;
use crate::syntax::ast::TextOp;
use std::collections::HashSet;

/// How many `and`/`or` levels the input may nest. Same-kind levels merge and a leaf
/// adds at most one group, so the output has at most 61 groups: 123 levels of JSON,
/// inside serde_json's 128-level reading limit, so every tree we print reads back.
pub const MAX_DEPTH: usize = 60;

/// Compiles a predicate into a condition tree.
///
/// Accepts any [`Pred`], normalized or not: `Not` is pushed down here, `True`/`False`
/// are folded away. Every error is collected; on success the tree has no `NOT` and no
/// empty group, and it matches exactly the records `pred` matches under the storage
/// model of [the module docs](super).
pub fn compile(pred: &Pred, opts: &MdOptions) -> Result<Condition, Vec<MasterdataError>> {
    let mut cx = Compiler {
        opts,
        errors: Vec::new(),
    };
    let node = cx.pred(pred, false, 0);
    if !cx.errors.is_empty() {
        return Err(cx.errors);
    }
    match node {
        Node::Const(always) => Err(vec![MasterdataError::Constant {
            always,
            span: covering_span(pred),
        }]),
        Node::Cond(c) => Ok(c),
    }
}

/// A compiled subtree, or a constant still to be folded away.
#[derive(Debug)]
enum Node {
    Const(bool),
    Cond(Condition),
}

fn and(nodes: Vec<Node>) -> Node {
    group(nodes, true)
}

fn or(nodes: Vec<Node>) -> Node {
    group(nodes, false)
}

/// Folds constants (the group's absorbing constant wins, its unit disappears),
/// flattens same-kind children and unwraps a single child.
fn group(nodes: Vec<Node>, is_and: bool) -> Node {
    let mut out = Vec::new();
    for n in nodes {
        match n {
            Node::Const(b) if b == is_and => {}
            Node::Const(b) => return Node::Const(b),
            Node::Cond(Condition::And(cs)) if is_and => out.extend(cs),
            Node::Cond(Condition::Or(cs)) if !is_and => out.extend(cs),
            Node::Cond(c) => out.push(c),
        }
    }
    match out.len() {
        0 => Node::Const(is_and),
        1 => Node::Cond(out.pop().unwrap_or_else(|| Leaf::is_null(""))),
        _ if is_and => Node::Cond(Condition::And(out)),
        _ => Node::Cond(Condition::Or(out)),
    }
}

fn leaf(c: Condition) -> Node {
    Node::Cond(c)
}

struct Compiler<'a> {
    opts: &'a MdOptions,
    errors: Vec<MasterdataError>,
}

impl Compiler<'_> {
    /// `neg`: compile the complement of `p`.
    fn pred(&mut self, p: &Pred, neg: bool, depth: usize) -> Node {
        let (mut p, mut neg) = (p, neg);
        // Not chains are walked, not recursed, so any length is fine.
        while let Pred::Not(inner) = p {
            p = inner;
            neg = !neg;
        }
        match p {
            Pred::True => Node::Const(!neg),
            Pred::False => Node::Const(neg),
            Pred::And(ps) | Pred::Or(ps) => {
                if depth >= MAX_DEPTH {
                    self.errors.push(MasterdataError::TooDeep {
                        max: MAX_DEPTH,
                        span: covering_span(p),
                    });
                    return Node::Const(false);
                }
                let nodes = ps.iter().map(|q| self.pred(q, neg, depth + 1)).collect();
                // De Morgan: the complement of an AND is the OR of the complements.
                if matches!(p, Pred::And(_)) != neg {
                    and(nodes)
                } else {
                    or(nodes)
                }
            }
            Pred::Not(_) => Node::Const(false), // unreachable: the loop above strips Not
            Pred::Leaf(l) => self.leaf(l, l.negated != neg),
        }
    }

    fn leaf(&mut self, l: &ir::Leaf, neg: bool) -> Node {
        let f = &l.field;
        if let Some(sub) = &f.subform {
            self.errors.push(MasterdataError::SubformColumn {
                field: format!("{sub}.{}", f.name),
                span: l.span,
            });
            return Node::Const(false);
        }
        let Some(kind) = ColumnKind::of(f.ty) else {
            self.errors.push(MasterdataError::UnsupportedType {
                field: f.name.clone(),
                ty: f.ty.name().to_owned(),
                span: l.span,
            });
            return Node::Const(false);
        };
        let col = f.column.as_str();
        // `positive` is false on every empty value (NULL, and "" in text columns);
        // `complement` is its exact SQL complement on non-NULL values. The two-valued
        // negation is then `complement OR ISNULL`: "" falls in `complement` because
        // `positive` is false on it.
        let (positive, complement) = match &l.test {
            Test::Empty => {
                return if neg {
                    not_empty(col, kind)
                } else {
                    empty(col, kind)
                }
            }
            Test::Verified | Test::Unverified => {
                self.errors.push(MasterdataError::PhoneVerified {
                    field: f.name.clone(),
                    span: l.span,
                });
                return Node::Const(false);
            }
            Test::HasAny(_) | Test::HasAll(_) => {
                self.unsupported(l, "`has`", kind);
                return Node::Const(false);
            }
            Test::Eq(v) => {
                let Some(v) = self.value(l, v, kind) else {
                    return Node::Const(false);
                };
                if kind == ColumnKind::Text && v.is_empty() {
                    // `= ""` is false on every value: "" is empty, and empties fail `=`.
                    return Node::Const(neg);
                }
                (
                    leaf(Leaf::cmp(col, CmpOp::Equal, v.clone())),
                    leaf(Leaf::cmp(col, CmpOp::NotEqual, v)),
                )
            }
            Test::In(vs) => {
                let mut vals: Vec<String> = Vec::new();
                // A set, not `vals.contains`, so long lists stay linear.
                let mut seen: HashSet<String> = HashSet::new();
                for v in vs {
                    let Some(v) = self.value(l, v, kind) else {
                        return Node::Const(false);
                    };
                    // "" can never match (it is empty); repeated values add nothing.
                    let never_matches = kind == ColumnKind::Text && v.is_empty();
                    if !never_matches && seen.insert(v.clone()) {
                        vals.push(v);
                    }
                }
                match vals.len() {
                    0 => return Node::Const(neg),
                    1 => {
                        let v = vals.pop().unwrap_or_default();
                        (
                            leaf(Leaf::cmp(col, CmpOp::Equal, v.clone())),
                            leaf(Leaf::cmp(col, CmpOp::NotEqual, v)),
                        )
                    }
                    _ => (
                        leaf(Leaf::in_list(col, false, vals.clone())),
                        leaf(Leaf::in_list(col, true, vals)),
                    ),
                }
            }
            Test::Range(r) => {
                if kind == ColumnKind::Text {
                    self.unsupported(l, "ordering", kind);
                    return Node::Const(false);
                }
                match self.range(l, r, kind) {
                    Some(pc) => pc,
                    None => return Node::Const(false),
                }
            }
            Test::Text(op, s) => {
                if kind != ColumnKind::Text {
                    self.unsupported(l, text_op_name(*op), kind);
                    return Node::Const(false);
                }
                if let Some(ch) = s.chars().find(|c| matches!(c, '%' | '_' | '\\')) {
                    self.errors.push(MasterdataError::LikeWildcard {
                        field: f.name.clone(),
                        value: s.to_string(),
                        ch,
                        span: l.span,
                    });
                    return Node::Const(false);
                }
                if s.is_empty() {
                    // Every non-empty text contains "" (and starts and ends with it).
                    return if neg {
                        empty(col, kind)
                    } else {
                        not_empty(col, kind)
                    };
                }
                let pattern = match op {
                    TextOp::Contains => format!("%{s}%"),
                    TextOp::StartsWith => format!("{s}%"),
                    TextOp::EndsWith => format!("%{s}"),
                };
                (
                    leaf(Leaf::cmp(col, CmpOp::Like, pattern.clone())),
                    leaf(Leaf::cmp(col, CmpOp::NotLike, pattern)),
                )
            }
        };
        if neg {
            or(vec![complement, leaf(Leaf::is_null(col))])
        } else {
            positive
        }
    }

    /// `(lo AND hi, NOT lo OR NOT hi)` for a numeric or datetime column.
    fn range(&mut self, l: &ir::Leaf, r: &Range, kind: ColumnKind) -> Option<(Node, Node)> {
        let col = l.field.column.as_str();
        let mut pos = Vec::new();
        let mut comp = Vec::new();
        let ends: [(&Option<Bound>, [CmpOp; 4]); 2] = [
            (
                &r.lo,
                [
                    CmpOp::GreaterEqual,
                    CmpOp::Greater,
                    CmpOp::Less,
                    CmpOp::LessEqual,
                ],
            ),
            (
                &r.hi,
                [
                    CmpOp::LessEqual,
                    CmpOp::Less,
                    CmpOp::Greater,
                    CmpOp::GreaterEqual,
                ],
            ),
        ];
        for (upper, (end, [incl, excl, comp_incl, comp_excl])) in
            [false, true].into_iter().zip(ends)
        {
            if let Some(b) = end {
                let (v, inclusive) = self.bound(l, b, kind, upper)?;
                let (p, c) = if inclusive {
                    (incl, comp_incl)
                } else {
                    (excl, comp_excl)
                };
                pos.push(leaf(Leaf::cmp(col, p, v.clone())));
                comp.push(leaf(Leaf::cmp(col, c, v)));
            }
        }
        if pos.is_empty() {
            // A range with no end is not produced by the checker; refuse rather than
            // guess whether it means "any non-empty value".
            self.unsupported(l, "an unbounded range", kind);
            return None;
        }
        Some((and(pos), or(comp)))
    }

    /// A range end's string form and whether it is inclusive. A datetime end a
    /// millisecond outside the writable years is sent as the equivalent end of the other
    /// kind, which is inside: the end of `d <= 9999-12-31` (`< 10000-01-01 00:00`)
    /// as `LESS_EQUAL "9999-12-31 23:59:59.999"`, `d > 9999-12-31` (`>= 10000-01-01
    /// 00:00`) as `GREATER "9999-12-31 23:59:59.999"`. This is the same test on
    /// datetimes of millisecond precision (the precision of the value format and of the
    /// query's instants).
    fn bound(
        &mut self,
        l: &ir::Leaf,
        b: &Bound,
        kind: ColumnKind,
        upper: bool,
    ) -> Option<(String, bool)> {
        if let (Scalar::DateTime(ms), ColumnKind::DateTime) = (&b.value, kind) {
            if format_datetime(*ms, self.opts.tz).is_none() {
                // `> t` is `>= t+1`, `>= t` is `> t-1`, `< t` is `<= t-1`, `<= t` is
                // `< t+1`.
                let other = if upper == b.inclusive {
                    ms.checked_add(1)
                } else {
                    ms.checked_sub(1)
                };
                if let Some(v) = other.and_then(|m| format_datetime(m, self.opts.tz)) {
                    return Some((v, !b.inclusive));
                }
            }
        }
        Some((self.value(l, &b.value, kind)?, b.inclusive))
    }

    /// The value's string form, checked against the column kind.
    fn value(&mut self, l: &ir::Leaf, v: &Scalar, kind: ColumnKind) -> Option<String> {
        let reason = match (v, kind) {
            (Scalar::Text(s), ColumnKind::Text) => return Some(s.to_string()),
            (Scalar::Number(n), ColumnKind::Number) => match format_number(*n) {
                Some(s) => return Some(s),
                None => format!("{n} is not a finite number"),
            },
            (Scalar::DateTime(ms), ColumnKind::DateTime) => {
                match format_datetime(*ms, self.opts.tz) {
                    Some(s) => return Some(s),
                    None => format!("the instant {ms} ms is outside the years 0001-9999"),
                }
            }
            (Scalar::Bool(b), _) => format!("the boolean `{b}` has no masterdata form"),
            (other, kind) => format!(
                "a {} value cannot be compared with a {} column",
                scalar_kind(other),
                kind.name()
            ),
        };
        self.errors.push(MasterdataError::Value {
            field: l.field.name.clone(),
            reason,
            span: l.span,
        });
        None
    }

    fn unsupported(&mut self, l: &ir::Leaf, test: &str, kind: ColumnKind) {
        self.errors.push(MasterdataError::UnsupportedTest {
            field: l.field.name.clone(),
            test: test.to_owned(),
            kind: kind.name().to_owned(),
            span: l.span,
        });
    }
}

/// `col` is empty: `NULL`, or `""` in a text column.
fn empty(col: &str, kind: ColumnKind) -> Node {
    match kind {
        ColumnKind::Text => or(vec![
            leaf(Leaf::is_null(col)),
            leaf(Leaf::cmp(col, CmpOp::Equal, "")),
        ]),
        _ => leaf(Leaf::is_null(col)),
    }
}

/// `col` is not empty.
fn not_empty(col: &str, kind: ColumnKind) -> Node {
    match kind {
        ColumnKind::Text => and(vec![
            leaf(Leaf::not_null(col)),
            leaf(Leaf::cmp(col, CmpOp::NotEqual, "")),
        ]),
        _ => leaf(Leaf::not_null(col)),
    }
}

fn text_op_name(op: TextOp) -> &'static str {
    match op {
        TextOp::Contains => "`contains`",
        TextOp::StartsWith => "`startswith`",
        TextOp::EndsWith => "`endswith`",
    }
}

fn scalar_kind(v: &Scalar) -> &'static str {
    match v {
        Scalar::Text(_) => "text",
        Scalar::Number(_) => "number",
        Scalar::DateTime(_) => "datetime",
        Scalar::Bool(_) => "boolean",
    }
}

/// The smallest span covering every leaf of `p` (0..0 when there is none).
fn covering_span(p: &Pred) -> Span {
    let mut span: Option<Span> = None;
    let mut stack = vec![p];
    while let Some(p) = stack.pop() {
        match p {
            Pred::Leaf(l) => span = Some(span.map_or(l.span, |s| s.to(l.span))),
            Pred::And(ps) | Pred::Or(ps) => stack.extend(ps),
            Pred::Not(q) => stack.push(q),
            Pred::True | Pred::False => {}
        }
    }
    span.unwrap_or_default()
}
