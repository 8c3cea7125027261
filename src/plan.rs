//! Splitting a predicate into a part a backend can push down and a residual.
//!
//! Backends that evaluate only a restricted shape of filter (jdy: one flat `and` or `or`)
//! push what they can express and leave the rest for [`crate::eval`] on the fetched
//! records. The invariant every split keeps: for every record `r`,
//! `query(r) == pushed(r) && residual(r)`. A conjunct may be pushed *loosely* (the
//! backend's condition matches a superset) only if it also stays in the residual.
//!
//! The helpers here are backend-neutral: negation normal form for trees that did not go
//! through [`crate::normalize`], depth measurement, the conjunct split itself, and
//! [`Residual`], the part a backend leaves for the caller.

use crate::ir::Pred;
use crate::span::Span;
use crate::unparse::{self, Constant};
use chrono::FixedOffset;
use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

/// The deepest tree the planners walk recursively: twice the parser's nesting limit, so
/// every checked query fits, while a hand-built tree deeper than this is refused rather
/// than risking the stack.
pub const MAX_DEPTH: usize = 256;

/// The nesting depth of `p` (a leaf is 1), computed without recursion so that any tree
/// can be measured.
pub fn depth(p: &Pred) -> usize {
    let mut max = 0;
    let mut stack = vec![(p, 1usize)];
    while let Some((p, d)) = stack.pop() {
        max = max.max(d);
        match p {
            Pred::And(cs) | Pred::Or(cs) => stack.extend(cs.iter().map(|c| (c, d + 1))),
            Pred::Not(c) => stack.push((c, d + 1)),
            Pred::True | Pred::False | Pred::Leaf(_) => {}
        }
    }
    max
}

/// The span covering every leaf of `p` (an empty span at 0 when it has none), computed
/// without recursion.
pub fn span_of(p: &Pred) -> Span {
    let mut acc: Option<Span> = None;
    let mut stack = vec![p];
    while let Some(p) = stack.pop() {
        match p {
            Pred::And(cs) | Pred::Or(cs) => stack.extend(cs.iter()),
            Pred::Not(c) => stack.push(c),
            Pred::Leaf(l) => acc = Some(acc.map_or(l.span, |a| a.to(l.span))),
            Pred::True | Pred::False => {}
        }
    }
    acc.unwrap_or_default()
}

/// Negation normal form with flattening and constant folding, exact under two-valued
/// logic: `Not` is pushed into the leaves (`Leaf::negated` is the exact complement),
/// nested `And`/`Or` of the same kind are merged, single-operand groups unwrapped and
/// `True`/`False` operands folded. Recursive: callers check [`depth`] against
/// [`MAX_DEPTH`] first.
pub fn nnf(p: &Pred) -> Pred {
    go(p, false)
}

/// [`nnf`] of `p`, borrowing `p` itself when it already has that form (every tree that
/// went through [`crate::normalize`] does), so a backend does not copy the tree.
pub fn nnf_cow(p: &Pred) -> Cow<'_, Pred> {
    if is_nnf(p) {
        Cow::Borrowed(p)
    } else {
        Cow::Owned(nnf(p))
    }
}

/// Whether [`nnf`] would return `p` unchanged: no `Not`; groups of two or more
/// operands, none of them a constant or a group of the same kind.
fn is_nnf(p: &Pred) -> bool {
    let mut stack = vec![p];
    while let Some(p) = stack.pop() {
        match p {
            Pred::Not(_) => return false,
            Pred::True | Pred::False | Pred::Leaf(_) => {}
            Pred::And(cs) | Pred::Or(cs) => {
                let is_and = matches!(p, Pred::And(_));
                if cs.len() < 2 {
                    return false;
                }
                for c in cs {
                    match c {
                        Pred::True | Pred::False => return false,
                        Pred::And(_) if is_and => return false,
                        Pred::Or(_) if !is_and => return false,
                        _ => stack.push(c),
                    }
                }
            }
        }
    }
    true
}

fn go(p: &Pred, neg: bool) -> Pred {
    match p {
        Pred::True => constant(!neg),
        Pred::False => constant(neg),
        Pred::Leaf(l) => {
            let mut l = l.clone();
            l.negated ^= neg;
            Pred::Leaf(l)
        }
        Pred::Not(c) => go(c, !neg),
        // De Morgan: a negated `and` is an `or` of negations, and vice versa.
        Pred::And(cs) => group(!neg, cs.iter().map(|c| go(c, neg))),
        Pred::Or(cs) => group(neg, cs.iter().map(|c| go(c, neg))),
    }
}

fn constant(b: bool) -> Pred {
    if b {
        Pred::True
    } else {
        Pred::False
    }
}

/// Builds a flattened, folded `And` (`is_and`) or `Or` of already-normal operands.
fn group(is_and: bool, ops: impl Iterator<Item = Pred>) -> Pred {
    let mut out = Vec::new();
    for op in ops {
        match op {
            // The neutral element disappears; the absorbing one decides the group.
            Pred::True if is_and => {}
            Pred::False if !is_and => {}
            Pred::True | Pred::False => return op,
            Pred::And(cs) if is_and => out.extend(cs),
            Pred::Or(cs) if !is_and => out.extend(cs),
            op => out.push(op),
        }
    }
    match out.len() {
        0 => constant(is_and),
        1 => out.pop().unwrap_or(Pred::True),
        _ if is_and => Pred::And(out),
        _ => Pred::Or(out),
    }
}

/// The operands of a top-level `And`, or the predicate itself.
pub fn conjuncts(p: &Pred) -> Vec<&Pred> {
    match p {
        Pred::And(cs) => cs.iter().collect(),
        p => vec![p],
    }
}

/// The `And` of `preds`: `None` for none (nothing left to check), the predicate itself
/// for one.
pub fn and_of(mut preds: Vec<Pred>) -> Option<Pred> {
    match preds.len() {
        0 => None,
        1 => preds.pop(),
        _ => Some(Pred::And(preds)),
    }
}

/// How a backend can take one conjunct.
#[derive(Clone, Debug, PartialEq)]
pub enum Push<T> {
    /// The backend's conditions mean exactly the conjunct.
    Exact(T),
    /// The backend's conditions match a superset; the conjunct stays in the residual.
    Loose(T),
    /// Not expressible: the conjunct stays in the residual.
    No,
}

/// The split of a conjunction: what is pushed (in conjunct order) and the residual.
#[derive(Clone, Debug, PartialEq)]
pub struct Split<T> {
    /// The pushed conditions.
    pub pushed: Vec<T>,
    /// What the caller still has to check, `None` when nothing.
    pub residual: Option<Pred>,
}

/// Splits the conjunction `p` (in negation normal form) using `classify` for each
/// conjunct. Pushing a conjunct exactly removes it from the residual; pushing it loosely
/// keeps it there, so the invariant `p == pushed && residual` holds by construction.
pub fn split_and<T>(p: &Pred, mut classify: impl FnMut(&Pred) -> Push<T>) -> Split<T> {
    let mut pushed = Vec::new();
    let mut residual = Vec::new();
    for c in conjuncts(p) {
        match classify(c) {
            Push::Exact(t) => pushed.push(t),
            Push::Loose(t) => {
                pushed.push(t);
                residual.push(c.clone());
            }
            Push::No => residual.push(c.clone()),
        }
    }
    Split {
        pushed,
        residual: and_of(residual),
    }
}

/// What a backend could not evaluate: a predicate the caller checks on every record it
/// fetched, after the backend's own filter.
///
/// A residual is never constant (a pushdown whose residual would match every record has
/// none; one whose residual matches no record is unsatisfiable as a whole). It holds the
/// compiled predicate, evaluated by [`Residual::matches`] with the same semantics as
/// [`Query::matches`](crate::Query::matches), and prints ([`Display`](fmt::Display)) as
/// canonical query text that compiles, against the same schema, back to the same
/// meaning: datetimes carry an explicit UTC offset, so the text means the same instants
/// in any time zone.
///
/// Before fetching, make sure every field of [`Residual::fields`] is in the records: a
/// field left out of a projection reads as empty, and the residual would silently give
/// another answer.
///
/// Serializes as its text (a string). It does not deserialize: the text alone needs a
/// schema to mean anything; compile it again with [`crate::compile`] instead.
#[derive(Clone, PartialEq)]
pub struct Residual {
    pred: Pred,
    tz: FixedOffset,
    /// The text of an unsatisfiable residual (the query's own); `None` when the text is
    /// the predicate's canonical text.
    given: Option<String>,
    /// The canonical text, written when first asked for: a plan's JSON carries the text
    /// already, so most callers never need it on its own.
    text: TextCache,
}

/// [`Residual`]'s lazily written text. Part of no comparison: it is a function of the
/// residual's other fields.
#[derive(Clone, Default)]
struct TextCache(OnceLock<String>);

impl PartialEq for TextCache {
    fn eq(&self, _: &TextCache) -> bool {
        true
    }
}

impl fmt::Debug for Residual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Residual")
            .field("pred", &self.pred)
            .field("tz", &self.tz)
            .field("text", &self.as_str())
            .finish()
    }
}

impl Residual {
    /// The residual `pred`, its text written with offset `tz` into `json`, JSON-escaped
    /// (the inside of a string literal); the constant instead, with nothing written,
    /// when `pred` matches every record or none.
    pub(crate) fn new_json(
        pred: Pred,
        tz: FixedOffset,
        json: &mut String,
    ) -> Result<Residual, Constant> {
        // No reserve: the plan's buffer was sized for every leaf as a condition, and a
        // residual leaf's text is shorter than the condition it did not become.
        unparse::write_json_text(&pred, tz, json)?;
        Ok(Residual {
            pred,
            tz,
            given: None,
            text: TextCache::default(),
        })
    }

    /// The residual of a query that matches no record: `text` is the query's own
    /// canonical text (false on every record too), as the language has no `false`.
    pub(crate) fn unsatisfiable(text: String, tz: FixedOffset) -> Residual {
        Residual {
            pred: Pred::False,
            tz,
            given: Some(text),
            text: TextCache::default(),
        }
    }

    /// Whether `record` (a JSON object shaped like a jdy data record) passes the
    /// residual.
    pub fn matches(&self, record: &serde_json::Value) -> bool {
        crate::eval::matches_in(&self.pred, record, self.tz)
    }

    /// The record keys the residual reads, each once, in the order they first appear:
    /// field names (schema `name`s, not labels), and for a subform column the subform's
    /// key (the column is read inside its rows).
    pub fn fields(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let mut seen = foldhash::HashSet::default();
        let mut stack = vec![&self.pred];
        while let Some(p) = stack.pop() {
            match p {
                // Reversed, so the stack yields operands in order.
                Pred::And(cs) | Pred::Or(cs) => stack.extend(cs.iter().rev()),
                Pred::Not(c) => stack.push(c),
                Pred::Leaf(l) => {
                    let key = l.field.subform.as_deref().unwrap_or(&l.field.name);
                    if seen.insert(key) {
                        out.push(key);
                    }
                }
                Pred::True | Pred::False => {}
            }
        }
        out
    }

    /// The residual as a predicate (internal IR, for the project's own tests).
    #[cfg(feature = "internals")]
    #[doc(hidden)]
    pub fn pred(&self) -> &Pred {
        &self.pred
    }

    /// The time zone the text writes datetimes in (the query's).
    pub fn tz(&self) -> FixedOffset {
        self.tz
    }

    /// The canonical query text (what [`Display`](fmt::Display) prints).
    pub fn as_str(&self) -> &str {
        if let Some(text) = &self.given {
            return text;
        }
        self.text.0.get_or_init(|| {
            let mut text = String::with_capacity(text_estimate(&self.pred));
            // Not constant: `new_json` wrote this text already.
            let _ = unparse::write_text(&self.pred, self.tz, &mut text);
            text
        })
    }
}

/// About how long the canonical text of `p` is: its leaves' source spans (a compiled
/// query's residual reads about as long as it was written), with room for the offsets
/// datetimes gain; a little for hand-built trees without spans. Looks only two levels
/// deep, as residuals are flat groups of leaves.
fn text_estimate(p: &Pred) -> usize {
    let leaf = |p: &Pred| match p {
        Pred::Leaf(l) => l.span.len().max(16) + 12,
        _ => 32,
    };
    let len = match p {
        Pred::And(cs) | Pred::Or(cs) => cs
            .iter()
            .map(|c| match c {
                Pred::And(ds) | Pred::Or(ds) => ds.iter().map(leaf).sum::<usize>() + 2,
                c => leaf(c),
            })
            .sum::<usize>(),
        p => leaf(p),
    };
    len.max(16)
}

impl fmt::Display for Residual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Residual {
    /// As the canonical query text.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}
