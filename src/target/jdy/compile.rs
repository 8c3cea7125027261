//! Strict compilation and pushdown planning over the normalized IR.

use super::encode::{self, emit, encode, Shape};
use super::error::JdyError;
use super::filter::{JdyCond, JdyFilter, Rel};
use super::sink::{CondSink, JsonSink, Sink};
use super::JdyOptions;
use crate::ir::{Leaf, Pred, Test};
use crate::plan::{self, Push};
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

const AND_HEAD: &str = r#"{"rel":"and","cond":["#;
const OR_HEAD: &str = r#"{"rel":"or","cond":["#;

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
            if encode::only_or(l) && emit(l, opts, Shape::Any, sink).is_ok() {
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
                        let guards = guards.get_or_insert_with(|| nonempty_guards(cs.iter()));
                        if is_guarded(l, i, guards) {
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
fn estimate(pred: &Pred) -> usize {
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

/// Whether some conjunct other than `i` rules out an empty value of `l`'s field.
fn is_guarded(l: &Leaf, i: usize, guards: &[(usize, &str)]) -> bool {
    l.field.subform.is_none()
        && guards
            .iter()
            .any(|&(j, name)| j != i && name == l.field.name)
}

/// The result of [`pushdown`]: the filter to send and what to check on each record
/// fetched.
#[derive(Clone, Debug, PartialEq)]
pub struct Pushdown {
    /// The filter for jdy; `None` when nothing can be pushed (every record is fetched).
    pub filter: Option<JdyFilter>,
    /// The predicate still to apply with [`crate::eval::matches`] to each fetched
    /// record; `None` when the filter is exact.
    pub residual: Option<Pred>,
}

/// Splits `pred` into the largest part jdy evaluates server-side and a residual.
///
/// For every record `r`: `pred(r) == filter(r) && residual(r)`, where a missing filter
/// or residual is true. A top-level `and` pushes every conjunct jdy can express exactly
/// and, where only a looser condition exists (e.g. `startswith` → `like`), pushes that
/// too while keeping the conjunct in the residual. A top-level `or` is pushed whole or
/// not at all (pushing part of an `or` would drop records); its arms may be loosened the
/// same way, the whole `or` then staying in the residual.
pub fn pushdown(pred: &Pred, opts: &JdyOptions) -> Pushdown {
    if plan::depth(pred) > plan::MAX_DEPTH {
        return Pushdown {
            filter: None,
            residual: Some(pred.clone()),
        };
    }
    let p = plan::nnf(pred);
    match &p {
        Pred::True => Pushdown {
            filter: None,
            residual: None,
        },
        Pred::False => Pushdown {
            filter: None,
            residual: Some(Pred::False),
        },
        Pred::Or(_) => match superset_any(&p, opts) {
            Some((cond, exact)) => Pushdown {
                filter: Some(JdyFilter { rel: Rel::Or, cond }),
                residual: (!exact).then_some(p),
            },
            None => Pushdown {
                filter: None,
                residual: Some(p),
            },
        },
        _ => push_and(&p, opts),
    }
}

fn push_and(p: &Pred, opts: &JdyOptions) -> Pushdown {
    let cs = plan::conjuncts(p);
    let guards = nonempty_guards(cs.iter().copied());
    let mut index = 0;
    let split = plan::split_and(p, |c| {
        let i = index;
        index += 1;
        let Pred::Leaf(l) = c else {
            return Push::No;
        };
        let e = encode(l, opts);
        // An empty list would push nothing yet drop the conjunct from the residual.
        if let Some(all) = e.all.filter(|c| !c.is_empty()) {
            return Push::Exact(all);
        }
        if is_guarded(l, i, &guards) {
            if let Some(ne) = e.nonempty.filter(|c| !c.is_empty()) {
                return Push::Exact(ne);
            }
        }
        match e.loose {
            Some(c) => Push::Loose(vec![c]),
            None => Push::No,
        }
    });
    if !split.pushed.is_empty() {
        return Pushdown {
            filter: Some(JdyFilter {
                rel: Rel::And,
                cond: split.pushed.into_iter().flatten().collect(),
            }),
            residual: split.residual,
        };
    }
    // Nothing fits an `and`: push one conjunct that fits an `or` on its own, an exact
    // one if there is one (it then leaves the residual).
    let candidates: Vec<(usize, Vec<JdyCond>, bool)> = cs
        .iter()
        .enumerate()
        .filter_map(|(i, c)| superset_any(c, opts).map(|(cond, exact)| (i, cond, exact)))
        .collect();
    let best = candidates
        .iter()
        .position(|(_, _, exact)| *exact)
        .unwrap_or(0);
    if let Some((i, cond, exact)) = candidates.into_iter().nth(best) {
        let rest: Vec<Pred> = cs
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i || !exact)
            .map(|(_, c)| (*c).clone())
            .collect();
        return Pushdown {
            filter: Some(JdyFilter { rel: Rel::Or, cond }),
            residual: plan::and_of(rest),
        };
    }
    Pushdown {
        filter: None,
        residual: Some(p.clone()),
    }
}

/// The indexes of conjuncts that, by themselves failing on an empty value, guarantee
/// their field is non-empty whenever the conjunction holds: positive tests other than
/// `is empty`, and `is not empty`.
fn nonempty_guards<'a>(cs: impl Iterator<Item = &'a Pred>) -> Vec<(usize, &'a str)> {
    cs.enumerate()
        .filter_map(|(i, c)| match c {
            Pred::Leaf(l) if l.field.subform.is_none() => {
                let guards = (l.test == Test::Empty) == l.negated;
                guards.then_some((i, l.field.name.as_str()))
            }
            _ => None,
        })
        .collect()
}

/// Conditions whose `or` matches every record `p` matches, and whether it matches
/// exactly those. `None` when no such flat `or` exists.
fn superset_any(p: &Pred, opts: &JdyOptions) -> Option<(Vec<JdyCond>, bool)> {
    match p {
        Pred::Leaf(l) => {
            let e = encode(l, opts);
            match (e.any.filter(|c| !c.is_empty()), e.loose) {
                (Some(any), _) => Some((any, true)),
                (None, Some(c)) => Some((vec![c], false)),
                (None, None) => None,
            }
        }
        // An `and` implies each of its conjuncts: any one conjunct's conditions are a
        // superset. Prefer a single exact condition (the tightest cheap choice).
        Pred::And(ds) => {
            let mut fallback = None;
            for d in ds {
                if let Pred::Leaf(l) = d {
                    let e = encode(l, opts);
                    if let Some(all) = &e.all {
                        if all.len() == 1 {
                            return Some((all.clone(), false));
                        }
                    }
                    if fallback.is_none() {
                        fallback = e.any.filter(|c| !c.is_empty()).or(e.loose.map(|c| vec![c]));
                    }
                }
            }
            fallback.map(|c| (c, false))
        }
        Pred::Or(ds) => {
            let mut all = Vec::new();
            let mut exact = true;
            for d in ds {
                let (c, e) = superset_any(d, opts)?;
                all.extend(c);
                exact &= e;
            }
            (!all.is_empty()).then_some((all, exact))
        }
        Pred::True | Pred::False | Pred::Not(_) => None,
    }
}
