//! Strict compilation and pushdown planning over the normalized IR.

use super::encode::{self, emit, Shape};
use super::error::JdyError;
use super::filter::{JdyFilter, Rel};
use super::sink::{CondSink, JsonSink, Sink};
use super::JdyOptions;
use crate::ir::{Leaf, Pred, Test};
use crate::plan;
use std::borrow::Cow;

/// Compiles `pred` into one flat jdy filter that means exactly the same, or reports
/// every part that cannot be expressed.
///
/// Accepts any predicate: trees that did not go through [`crate::normalize`] are first
/// put into negation normal form (exact in two-valued logic). Errors carry the span of
/// the offending leaf or group. [`to_json`] gives the same filter directly as JSON text,
/// which is much cheaper when the text is all that is needed.
pub fn compile(pred: &Pred, opts: &JdyOptions) -> Result<JdyFilter, Vec<JdyError>> {
    let mut sink = CondSink::new(opts.tz);
    let rel = strict(pred, opts, &mut sink)?;
    Ok(JdyFilter {
        rel,
        cond: sink.conds,
    })
}

pub(super) const AND_HEAD: &str = r#"{"rel":"and","cond":["#;
pub(super) const OR_HEAD: &str = r#"{"rel":"or","cond":["#;

/// [`compile`] straight to JSON text: exactly `serde_json::to_string(&compile(pred,
/// opts)?)`, written without building the [`JdyFilter`] (no value per operand, one
/// allocation for the whole text in the common case).
pub fn to_json(pred: &Pred, opts: &JdyOptions) -> Result<String, Vec<JdyError>> {
    let mut out = String::with_capacity(AND_HEAD.len() + estimate(pred) + 2);
    out.push_str(AND_HEAD);
    let mut sink = JsonSink::new(out, opts.tz);
    let rel = strict(pred, opts, &mut sink)?;
    let mut out = sink.out;
    if rel == Rel::Or {
        // Which `rel` a lone leaf gets is known only after encoding it.
        out.replace_range(..AND_HEAD.len(), OR_HEAD);
    }
    out.push_str("]}");
    Ok(out)
}

/// Strict compilation into `sink`: the filter's `rel`, or every error.
fn strict<S: Sink>(pred: &Pred, opts: &JdyOptions, sink: &mut S) -> Result<Rel, Vec<JdyError>> {
    // A flat query (what jdy can take) needs neither the depth check nor NNF.
    let p = if is_flat(pred) {
        Cow::Borrowed(pred)
    } else {
        if plan::depth(pred) > plan::MAX_DEPTH {
            return Err(vec![JdyError::TooDeep {
                limit: plan::MAX_DEPTH,
                span: plan::span_of(pred),
            }]);
        }
        // A normalized query is already in negation normal form: borrowed, not copied.
        plan::nnf_cow(pred)
    };
    let mut errors = Vec::new();
    let rel = match &*p {
        Pred::True | Pred::False => {
            errors.push(JdyError::Constant {
                value: matches!(*p, Pred::True),
                span: plan::span_of(pred),
            });
            Rel::And
        }
        Pred::Leaf(l) => {
            let m = sink.mark();
            // A long `in` list fails the `and` shape after checking every value, and the
            // error is thrown away: go straight to the `or` shape.
            if encode::only_or(l, opts) && emit(l, opts, Shape::Any, sink).is_ok() {
                return finish(pred, Rel::Or, errors, sink);
            }
            sink.reset(m);
            match emit(l, opts, Shape::All, sink) {
                Ok(()) => Rel::And,
                Err(in_and) => {
                    sink.reset(m);
                    match emit(l, opts, Shape::Any, sink) {
                        Ok(()) => Rel::Or,
                        Err(_) => {
                            sink.reset(m);
                            errors.push(in_and);
                            Rel::And
                        }
                    }
                }
            }
        }
        Pred::And(cs) => {
            let mut guards = None;
            for (i, c) in cs.iter().enumerate() {
                match c {
                    Pred::Leaf(l) => {
                        let m = sink.mark();
                        let Err(in_and) = emit(l, opts, Shape::All, sink) else {
                            continue;
                        };
                        sink.reset(m);
                        // Only now worth knowing which conjuncts rule out empty values.
                        let guards = guards.get_or_insert_with(|| Guards::new(cs));
                        if guards.guards(l, i) {
                            if emit(l, opts, Shape::NonEmpty, sink).is_ok() {
                                continue;
                            }
                            sink.reset(m);
                        }
                        errors.push(in_and);
                    }
                    other => errors.push(nested(other, "and")),
                }
            }
            Rel::And
        }
        Pred::Or(cs) => {
            for c in cs {
                match c {
                    Pred::Leaf(l) => {
                        let m = sink.mark();
                        if let Err(e) = emit(l, opts, Shape::Any, sink) {
                            sink.reset(m);
                            errors.push(e);
                        }
                    }
                    other => errors.push(nested(other, "or")),
                }
            }
            Rel::Or
        }
        // `nnf` leaves no `Not`; refuse rather than guess if that ever changes.
        Pred::Not(_) => {
            errors.push(nested(&p, "the query"));
            Rel::And
        }
    };
    finish(pred, rel, errors, sink)
}

fn finish<S: Sink>(
    pred: &Pred,
    rel: Rel,
    mut errors: Vec<JdyError>,
    sink: &S,
) -> Result<Rel, Vec<JdyError>> {
    // An empty condition list would make jdy return every record: never send one.
    if errors.is_empty() && sink.count() == 0 {
        errors.push(JdyError::Constant {
            value: true,
            span: plan::span_of(pred),
        });
    }
    if errors.is_empty() {
        Ok(rel)
    } else {
        Err(errors)
    }
}

/// Whether `p` is a leaf, or a group of two or more leaves: then it is shallow and
/// already in the negation normal form [`plan::nnf`] would give.
fn is_flat(p: &Pred) -> bool {
    match p {
        Pred::Leaf(_) => true,
        Pred::And(cs) | Pred::Or(cs) => {
            cs.len() >= 2 && cs.iter().all(|c| matches!(c, Pred::Leaf(_)))
        }
        _ => false,
    }
}

/// About how many bytes of JSON the conditions of `pred` take (for the output's
/// capacity: a close estimate saves both regrowing and slack).
pub(super) fn estimate(pred: &Pred) -> usize {
    match pred {
        Pred::Leaf(l) => encode::estimate(l),
        Pred::And(cs) | Pred::Or(cs) => cs
            .iter()
            .map(|c| match c {
                Pred::Leaf(l) => encode::estimate(l),
                _ => 0,
            })
            .sum(),
        _ => 0,
    }
}

/// The error for a group (or stray node) nested in `outer`.
fn nested(p: &Pred, outer: &'static str) -> JdyError {
    let inner = match p {
        Pred::And(_) => "and",
        Pred::Or(_) => "or",
        _ => "not",
    };
    JdyError::NestedGroup {
        inner,
        outer,
        span: plan::span_of(p),
    }
}

/// For each field, the conjuncts of a top-level `and` that by themselves rule out an
/// empty value of it (positive tests other than `is empty`, and `is not empty`), so that
/// a conjunct's complement-style encoding (`ne`, `nin`, ...) may drop its `empty` arm.
/// Indexed by field name, so asking for every conjunct stays linear.
pub(super) struct Guards<'a> {
    /// Field name → the index of its first guard, and whether it has more than one.
    by_field: foldhash::HashMap<&'a str, (usize, bool)>,
}

impl<'a> Guards<'a> {
    pub(super) fn new(cs: &'a [Pred]) -> Self {
        let mut by_field = foldhash::HashMap::default();
        for (i, c) in cs.iter().enumerate() {
            if let Pred::Leaf(l) = c {
                if l.field.subform.is_none() && (l.test == Test::Empty) == l.negated {
                    by_field
                        .entry(l.field.name.as_str())
                        .and_modify(|e: &mut (usize, bool)| e.1 = true)
                        .or_insert((i, false));
                }
            }
        }
        Guards { by_field }
    }

    /// Whether some conjunct other than the `i`-th rules out an empty value of `l`'s
    /// field.
    pub(super) fn guards(&self, l: &Leaf, i: usize) -> bool {
        l.field.subform.is_none()
            && self
                .by_field
                .get(l.field.name.as_str())
                .is_some_and(|&(first, more)| more || first != i)
    }
}
