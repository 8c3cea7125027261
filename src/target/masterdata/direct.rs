//! The condition tree's JSON text written straight from the IR, without building the
//! [`Condition`](super::Condition) first: byte for byte `compile(..)?.to_json()` (checked
//! against it by `tests/masterdata_json.rs`).
//!
//! The writer covers what checked queries produce: groups of two or more children and
//! leaves that compile to a test. Anything else (an error, a constant that would fold
//! away, a datetime end outside the writable years, a group of fewer than two
//! children) makes it give up, and the caller compiles the tree instead, which folds,
//! clamps and reports exactly as before. Without constants no group loses a child, so
//! the only reshaping left is flattening a child group into a parent of its kind,
//! which is done by writing the child's items into the parent's list.

use super::compile::{dedup, MAX_DEPTH};
use super::tree::{CmpOp, Strings};
use super::value::{format_number, ColumnKind};
use super::MdOptions;
use crate::ir::{self, Pred, Scalar, Test};
use crate::target::decimal::push_signed;
use crate::target::json::{push_json_inner, push_json_str};
use crate::timefmt::Civil;
use crate::syntax::ast::TextOp;

/// The JSON text of the tree `pred` compiles to, or `None` where the writer gives up
/// (see the module docs).
///
/// `source`, the length of the query text `pred` was compiled from when there is one,
/// sizes the text at once: a few leaves' keys and operators fit in the slack, a long
/// list is about as long as written in the query, and a larger query regrows once,
/// which costs less than walking the predicate for a closer guess.
pub(crate) fn write(pred: &Pred, opts: &MdOptions, source: Option<usize>) -> Option<String> {
    let capacity = match source {
        Some(n) => n + 256,
        None => json_estimate(pred),
    };
    let mut w = Writer {
        opts,
        out: String::new(),
        capacity,
    };
    let mut count = 0;
    w.pred(pred, false, 0, None, &mut count)?;
    Some(w.out)
}

/// A guess at the text's length: a leaf's keys, operator and column, its values.
fn json_estimate(p: &Pred) -> usize {
    match p {
        Pred::And(ps) | Pred::Or(ps) => 28 + ps.iter().map(json_estimate).sum::<usize>(),
        Pred::Not(q) => json_estimate(q),
        Pred::True | Pred::False => 0,
        Pred::Leaf(l) => {
            let values = match &l.test {
                Test::In(vs) => vs.len() * 3 + vs.iter().map(scalar_len).sum::<usize>(),
                Test::Eq(s) => scalar_len(s),
                Test::Range(_) => 80,
                Test::Text(_, s) => s.len() + 2,
                _ => 0,
            };
            let n = 48 + l.field.column.len() + values;
            if l.negated {
                n + 32 + l.field.column.len()
            } else {
                n
            }
        }
    }
}

fn scalar_len(s: &Scalar) -> usize {
    match s {
        Scalar::Text(t) => t.len() + 2,
        _ => 25,
    }
}

/// A leaf operand.
#[derive(Clone, Copy)]
enum Val<'a> {
    Str(&'a str),
    Num(f64),
    Time(Civil),
    Pattern(TextOp, &'a str),
}

/// One leaf of the output tree.
#[derive(Clone, Copy)]
enum Item<'a> {
    Cmp(CmpOp, Val<'a>),
    In(bool, &'a Strings),
    IsNull,
    NotNull,
}

struct Writer<'o> {
    opts: &'o MdOptions,
    out: String,
    /// The room `out` gets at its first element: reserved only then, so that a long
    /// `in` list's values are collected and deduplicated before the text's buffer
    /// exists (the peak of heap use is then the larger of the two, not their sum).
    capacity: usize,
}

impl Writer<'_> {
    /// Starts the next element of a list that has `count` so far.
    fn next(&mut self, count: &mut usize) {
        if self.out.capacity() == 0 {
            self.out.reserve(self.capacity);
        }
        if *count > 0 {
            self.out.push(',');
        }
        *count += 1;
    }

    fn open(&mut self, is_and: bool) {
        self.out.push_str(if is_and {
            r#"{"op":"AND","condition":["#
        } else {
            r#"{"op":"OR","condition":["#
        });
    }

    /// Writes `p` (complemented when `neg`) as elements of the list of a parent group
    /// (`parent`: whether it is an AND), which has `count` elements so far.
    fn pred(
        &mut self,
        p: &Pred,
        neg: bool,
        depth: usize,
        parent: Option<bool>,
        count: &mut usize,
    ) -> Option<()> {
        let (mut p, mut neg) = (p, neg);
        while let Pred::Not(inner) = p {
            p = inner;
            neg = !neg;
        }
        match p {
            Pred::And(ps) | Pred::Or(ps) => {
                if ps.len() < 2 || depth >= MAX_DEPTH {
                    return None;
                }
                let is_and = matches!(p, Pred::And(_)) != neg;
                if parent == Some(is_and) {
                    // Flattened into the parent, as the tree's groups merge.
                    for q in ps {
                        self.pred(q, neg, depth + 1, parent, count)?;
                    }
                    return Some(());
                }
                self.next(count);
                self.open(is_and);
                let mut own = 0;
                for q in ps {
                    // Recursion as deep as the IR's groups, bounded by MAX_DEPTH.
                    self.pred(q, neg, depth + 1, Some(is_and), &mut own)?;
                }
                self.out.push_str("]}");
                Some(())
            }
            Pred::Leaf(l) => self.leaf(l, l.negated != neg, parent, count),
            Pred::True | Pred::False | Pred::Not(_) => None,
        }
    }

    /// Writes `items` (tests on column `col`) as one leaf, or as a group of `is_and`
    /// (flattened into a parent of the same kind).
    fn items(
        &mut self,
        col: &str,
        items: &[Item],
        is_and: bool,
        parent: Option<bool>,
        count: &mut usize,
    ) {
        if let [one] = items {
            self.next(count);
            self.item(col, one);
            return;
        }
        if parent == Some(is_and) {
            for it in items {
                self.next(count);
                self.item(col, it);
            }
            return;
        }
        self.next(count);
        self.open(is_and);
        for (i, it) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.item(col, it);
        }
        self.out.push_str("]}");
    }

    /// Writes one leaf `{"col":..,"op":..,"value":..}`.
    fn item(&mut self, col: &str, it: &Item) {
        let out = &mut self.out;
        out.push_str(r#"{"col":"#);
        push_json_str(out, col);
        // The operator with the keys around it, in one piece.
        out.push_str(match it {
            Item::Cmp(op, _) => match op {
                CmpOp::Equal => r#","op":"EQUAL","value":"#,
                CmpOp::NotEqual => r#","op":"NOT_EQUAL","value":"#,
                CmpOp::Less => r#","op":"LESS","value":"#,
                CmpOp::LessEqual => r#","op":"LESS_EQUAL","value":"#,
                CmpOp::Greater => r#","op":"GREATER","value":"#,
                CmpOp::GreaterEqual => r#","op":"GREATER_EQUAL","value":"#,
                CmpOp::Like => r#","op":"LIKE","value":"#,
                CmpOp::NotLike => r#","op":"NOT_LIKE","value":"#,
            },
            Item::In(false, _) => r#","op":"IN","value":["#,
            Item::In(true, _) => r#","op":"NOT_IN","value":["#,
            Item::IsNull => r#","op":"ISNULL"}"#,
            Item::NotNull => r#","op":"NOTNULL"}"#,
        });
        match it {
            Item::Cmp(_, v) => {
                push_val(out, v);
                out.push('}');
            }
            Item::In(_, vals) => {
                for (i, v) in vals.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    push_json_str(out, v);
                }
                out.push_str("]}");
            }
            Item::IsNull | Item::NotNull => {}
        }
    }

    /// The operand of a one-value test, checked against the column kind as the tree's
    /// compiler does (`None` where it reports an error).
    fn value<'a>(&self, v: &'a Scalar, kind: ColumnKind) -> Option<Val<'a>> {
        match (v, kind) {
            (Scalar::Text(s), ColumnKind::Text) => Some(Val::Str(s)),
            (Scalar::Number(n), ColumnKind::Number) if n.is_finite() => Some(Val::Num(*n)),
            (Scalar::DateTime(ms), ColumnKind::DateTime) => {
                Civil::at(*ms, self.opts.tz).map(Val::Time)
            }
            _ => None,
        }
    }

    fn leaf(
        &mut self,
        l: &ir::Leaf,
        neg: bool,
        parent: Option<bool>,
        count: &mut usize,
    ) -> Option<()> {
        let f = &l.field;
        if f.subform.is_some() {
            return None;
        }
        let kind = ColumnKind::of(f.ty)?;
        let col = f.column.as_str();
        let text = kind == ColumnKind::Text;
        let pick = |positive: CmpOp, complement: CmpOp| if neg { complement } else { positive };
        // `col` is empty / not empty, as the tree writes them.
        let empty: &[Item] = if text {
            &[Item::IsNull, Item::Cmp(CmpOp::Equal, Val::Str(""))]
        } else {
            &[Item::IsNull]
        };
        let not_empty: &[Item] = if text {
            &[Item::NotNull, Item::Cmp(CmpOp::NotEqual, Val::Str(""))]
        } else {
            &[Item::NotNull]
        };
        // The test, at most two items; a complement adds `ISNULL` in an OR.
        let mut items: [Item; 3] = [Item::IsNull; 3];
        let mut n = 1;
        let mut is_and = false;
        let vals: Strings;
        match &l.test {
            Test::Empty => {
                let (its, and) = if neg { (not_empty, true) } else { (empty, false) };
                self.items(col, its, and, parent, count);
                return Some(());
            }
            Test::Eq(v) => {
                let v = self.value(v, kind)?;
                if matches!(v, Val::Str("")) {
                    return None;
                }
                items[0] = Item::Cmp(pick(CmpOp::Equal, CmpOp::NotEqual), v);
            }
            Test::In(vs) => {
                let mut list = Strings::with_capacity(vs.len(), super::compile::list_bytes(vs));
                let mut buf = String::new();
                for v in vs {
                    if let (Scalar::Text(t), true) = (v, text) {
                        // "" can never match (it is empty).
                        if !t.is_empty() {
                            list.push(t);
                        }
                        continue;
                    }
                    match (self.value(v, kind)?, v) {
                        (Val::Str(t), _) => {
                            if !t.is_empty() {
                                list.push(t);
                            }
                        }
                        (v, _) => {
                            buf.clear();
                            push_bare(&mut buf, &v);
                            list.push(&buf);
                        }
                    }
                }
                dedup(&mut list);
                if list.is_empty() {
                    return None;
                }
                vals = list;
                items[0] = if vals.len() == 1 {
                    Item::Cmp(
                        pick(CmpOp::Equal, CmpOp::NotEqual),
                        Val::Str(vals.get(0).unwrap_or_default()),
                    )
                } else {
                    Item::In(neg, &vals)
                };
            }
            Test::Range(r) => {
                if text {
                    return None;
                }
                n = 0;
                is_and = !neg;
                let ends = [
                    (&r.lo, [CmpOp::GreaterEqual, CmpOp::Greater, CmpOp::Less, CmpOp::LessEqual]),
                    (&r.hi, [CmpOp::LessEqual, CmpOp::Less, CmpOp::Greater, CmpOp::GreaterEqual]),
                ];
                for (end, [incl, excl, comp_incl, comp_excl]) in ends {
                    if let Some(b) = end {
                        // A datetime end outside the writable years is clamped by the
                        // tree's compiler: left to it.
                        let v = self.value(&b.value, kind)?;
                        let op = match (b.inclusive, neg) {
                            (true, false) => incl,
                            (false, false) => excl,
                            (true, true) => comp_incl,
                            (false, true) => comp_excl,
                        };
                        items[n] = Item::Cmp(op, v);
                        n += 1;
                    }
                }
                if n == 0 {
                    return None;
                }
            }
            Test::Text(op, s) => {
                if !text || s.contains(['%', '_', '\\']) {
                    return None;
                }
                if s.is_empty() {
                    let (its, and) = if neg { (empty, false) } else { (not_empty, true) };
                    self.items(col, its, and, parent, count);
                    return Some(());
                }
                items[0] = Item::Cmp(pick(CmpOp::Like, CmpOp::NotLike), Val::Pattern(*op, s));
            }
            Test::Verified | Test::Unverified | Test::HasAny(_) | Test::HasAll(_) => return None,
        }
        if neg {
            // `test OR ISNULL`; a complemented range is already an OR (or one item).
            items[n] = Item::IsNull;
            n += 1;
            is_and = false;
        }
        self.items(col, &items[..n], is_and, parent, count);
        Some(())
    }
}

/// A value's text without quotes (numbers and datetimes never need JSON escapes).
fn push_bare(out: &mut String, v: &Val) {
    match v {
        Val::Str(s) => out.push_str(s),
        Val::Num(x) => {
            if *x == 0.0 {
                out.push('0');
            } else if x.fract() == 0.0 && x.abs() < 1e15 {
                // As `format_number`, without the formatting machinery.
                push_signed(out, *x as i64);
            } else {
                out.push_str(&format_number(*x).unwrap_or_default());
            }
        }
        // `.fff` only when the milliseconds are not zero, as `format_datetime`.
        Val::Time(c) => c.push(out, b' ', c.milli != 0, None),
        Val::Pattern(op, s) => {
            if *op != TextOp::StartsWith {
                out.push('%');
            }
            push_json_inner(out, s);
            if *op != TextOp::EndsWith {
                out.push('%');
            }
        }
    }
}

/// A value as a JSON string.
fn push_val(out: &mut String, v: &Val) {
    match v {
        Val::Str(s) => push_json_str(out, s),
        _ => {
            out.push('"');
            push_bare(out, v);
            out.push('"');
        }
    }
}
