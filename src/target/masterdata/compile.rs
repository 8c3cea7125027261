//! IR → condition tree: negation pushed to the leaves with the `NULL`/`""` arms that
//! two-valued semantics needs.

use super::error::MasterdataError;
use super::tree::{CmpOp, Condition, Leaf, Strings};
use super::value::{format_datetime, format_number, ColumnKind};
use super::MdOptions;
use crate::ir::{self, Bound, Pred, Range, Scalar, Test};
use crate::span::Span;
use crate::syntax::ast::TextOp;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

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

/// An `AND` or `OR` under construction: folds constants (the group's absorbing
/// constant wins, its unit disappears), flattens same-kind children and unwraps a
/// single child. Children are added one by one, so no list of nodes is built first.
struct Group {
    is_and: bool,
    out: Vec<Condition>,
    absorbed: bool,
}

impl Group {
    fn new(is_and: bool, capacity: usize) -> Group {
        Group {
            is_and,
            out: Vec::with_capacity(capacity),
            absorbed: false,
        }
    }

    fn add(&mut self, n: Node) {
        if self.absorbed {
            return;
        }
        match n {
            Node::Const(b) if b == self.is_and => {}
            Node::Const(_) => {
                self.absorbed = true;
                self.out = Vec::new();
            }
            Node::Cond(Condition::And(cs)) if self.is_and => self.out.extend(cs),
            Node::Cond(Condition::Or(cs)) if !self.is_and => self.out.extend(cs),
            Node::Cond(c) => self.out.push(c),
        }
    }

    fn finish(mut self) -> Node {
        if self.absorbed {
            return Node::Const(!self.is_and);
        }
        match self.out.len() {
            0 => Node::Const(self.is_and),
            1 => Node::Cond(self.out.pop().unwrap_or_else(|| Leaf::is_null(""))),
            _ if self.is_and => Node::Cond(Condition::And(self.out)),
            _ => Node::Cond(Condition::Or(self.out)),
        }
    }
}

/// `a OR b`, flattened and folded like any group.
fn or2(a: Node, b: Node) -> Node {
    let mut g = Group::new(false, 2);
    g.add(a);
    g.add(b);
    g.finish()
}

/// `a AND b`, flattened and folded like any group.
fn and2(a: Node, b: Node) -> Node {
    let mut g = Group::new(true, 2);
    g.add(a);
    g.add(b);
    g.finish()
}

fn leaf(c: Condition) -> Node {
    Node::Cond(c)
}

/// The operator of a one-operand leaf, or of its complement when `neg`.
fn pick(neg: bool, positive: CmpOp, complement: CmpOp) -> CmpOp {
    if neg {
        complement
    } else {
        positive
    }
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
                // De Morgan: the complement of an AND is the OR of the complements.
                let mut g = Group::new(matches!(p, Pred::And(_)) != neg, ps.len());
                // Every child is compiled, even after an absorbing constant, so that
                // every error is reported.
                for q in ps {
                    let n = self.pred(q, neg, depth + 1);
                    g.add(n);
                }
                g.finish()
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
        // The positive test is false on every empty value (NULL, and "" in text
        // columns); its complement (`neg`) is the exact SQL complement on non-NULL
        // values. The two-valued negation is then `complement OR ISNULL`: "" falls in
        // the complement because the positive test is false on it. Only the side asked
        // for is built.
        let test = match &l.test {
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
                leaf(Leaf::cmp(col, pick(neg, CmpOp::Equal, CmpOp::NotEqual), v))
            }
            Test::In(vs) => {
                let mut vals = Strings::with_capacity(vs.len(), list_bytes(vs));
                for v in vs {
                    if let (Scalar::Text(t), ColumnKind::Text) = (v, kind) {
                        // "" can never match (it is empty).
                        if !t.is_empty() {
                            vals.push(t);
                        }
                        continue;
                    }
                    let Some(v) = self.value(l, v, kind) else {
                        return Node::Const(false);
                    };
                    if !(kind == ColumnKind::Text && v.is_empty()) {
                        vals.push(&v);
                    }
                }
                // Repeated values add nothing.
                dedup(&mut vals);
                match vals.len() {
                    0 => return Node::Const(neg),
                    1 => {
                        let v = vals.get(0).unwrap_or_default().to_owned();
                        leaf(Leaf::cmp(col, pick(neg, CmpOp::Equal, CmpOp::NotEqual), v))
                    }
                    _ => leaf(Leaf::in_list(col, neg, vals)),
                }
            }
            Test::Range(r) => {
                if kind == ColumnKind::Text {
                    self.unsupported(l, "ordering", kind);
                    return Node::Const(false);
                }
                match self.range(l, r, kind, neg) {
                    Some(n) => n,
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
                let mut pattern = String::with_capacity(s.len() + 2);
                if *op != TextOp::StartsWith {
                    pattern.push('%');
                }
                pattern.push_str(s);
                if *op != TextOp::EndsWith {
                    pattern.push('%');
                }
                leaf(Leaf::cmp(
                    col,
                    pick(neg, CmpOp::Like, CmpOp::NotLike),
                    pattern,
                ))
            }
        };
        if neg {
            or2(test, leaf(Leaf::is_null(col)))
        } else {
            test
        }
    }

    /// `lo AND hi` for a numeric or datetime column, or its complement `NOT lo OR NOT
    /// hi` when `neg`.
    fn range(&mut self, l: &ir::Leaf, r: &Range, kind: ColumnKind, neg: bool) -> Option<Node> {
        let col = l.field.column.as_str();
        let mut g = Group::new(!neg, 2);
        let mut ends = 0;
        let ops: [(&Option<Bound>, [CmpOp; 4]); 2] = [
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
        for (upper, (end, [incl, excl, comp_incl, comp_excl])) in [false, true].into_iter().zip(ops)
        {
            if let Some(b) = end {
                let (v, inclusive) = self.bound(l, b, kind, upper)?;
                let op = match (inclusive, neg) {
                    (true, false) => incl,
                    (false, false) => excl,
                    (true, true) => comp_incl,
                    (false, true) => comp_excl,
                };
                g.add(leaf(Leaf::cmp(col, op, v)));
                ends += 1;
            }
        }
        if ends == 0 {
            // A range with no end is not produced by the checker; refuse rather than
            // guess whether it means "any non-empty value".
            self.unsupported(l, "an unbounded range", kind);
            return None;
        }
        Some(g.finish())
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
        ColumnKind::Text => or2(
            leaf(Leaf::is_null(col)),
            leaf(Leaf::cmp(col, CmpOp::Equal, "")),
        ),
        _ => leaf(Leaf::is_null(col)),
    }
}

/// `col` is not empty.
fn not_empty(col: &str, kind: ColumnKind) -> Node {
    match kind {
        ColumnKind::Text => and2(
            leaf(Leaf::not_null(col)),
            leaf(Leaf::cmp(col, CmpOp::NotEqual, "")),
        ),
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

/// Removes repeated values, keeping first occurrences in order. Checked inputs have
/// none (the checker deduplicates `in` lists), but any `Pred` is accepted.
pub(super) fn dedup(vals: &mut Strings) {
    let n = vals.len();
    let keep: Vec<bool> = if n < 2 {
        return;
    } else if n <= 8 {
        // Short lists: comparing pairs is cheaper than building a table.
        let all: Vec<&str> = vals.iter().collect();
        (0..n).map(|i| !all[..i].contains(&all[i])).collect()
    } else {
        let mut seen: HashSet<&str, BuildHasherDefault<FastHasher>> =
            HashSet::with_capacity_and_hasher(n, Default::default());
        vals.iter().map(|v| seen.insert(v)).collect()
    };
    if keep.iter().all(|k| *k) {
        return;
    }
    let mut keep = keep.into_iter();
    vals.retain(|_| keep.next().unwrap_or(true));
}

/// A multiply-rotate hash over 8-byte words (the FxHash scheme) with a final mix so
/// the low bits hashbrown indexes by depend on every input byte. SipHash costs several
/// times more per short key, and the keys here are not attacker-chosen table keys that
/// persist: a bad distribution only slows this one call down.
#[derive(Default)]
struct FastHasher(u64);

impl FastHasher {
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

/// The bytes an `in` list's values take as text: a text value its own length, any other
/// a generous guess (a number or a datetime's digits), to size the list's buffer once.
pub(super) fn list_bytes(vs: &[Scalar]) -> usize {
    vs.iter()
        .map(|v| match v {
            Scalar::Text(t) => t.len(),
            _ => 24,
        })
        .sum()
}
