//! Pushdown planning: the largest part of a predicate jdy evaluates, written as JSON
//! text in one pass over the IR (as strict compilation writes it), and the residual.

use super::compile::{estimate, Guards, AND_HEAD, OR_HEAD};
use super::encode::{emit, Shape};
use super::error::JdyError;
use super::filter::JdyFilter;
use super::sink::{JsonSink, Mark, Sink};
use super::JdyOptions;
use crate::ir::{Leaf, Pred};
use crate::plan::{self, Residual};
use crate::target::json::push_json_text_str;
use crate::unparse::{self, Constant};
use chrono::FixedOffset;
use serde::ser::SerializeStruct;
use std::borrow::Cow;
use std::sync::OnceLock;

/// A pushdown plan: the filter to send to jdy and the [`Residual`] to check on every
/// record it returns. Built by [`Query::to_jdy_pushdown`](crate::Query::to_jdy_pushdown)
/// (or `pushdown` on a predicate).
///
/// For every record `r`: the query matches `r` exactly when the filter does (a missing
/// filter matches every record) and [`Pushdown::matches`] does. Three special cases are
/// worth checking before sending anything:
///
/// - [`is_unsatisfiable`](Pushdown::is_unsatisfiable): the query matches no record; no
///   request is needed. (The plan still carries the query's own text as residual, false
///   on every record, so a caller who ignores the flag gets the right, empty, answer.)
/// - [`is_tautology`](Pushdown::is_tautology): the query matches every record; no filter
///   and nothing to check.
/// - [`is_exact`](Pushdown::is_exact): no residual; jdy's answer is the answer.
///
/// A residual reads fields of the records: fetch them ([`Pushdown::projection`],
/// [`ListRequest::with_pushdown`](super::ListRequest::with_pushdown)), or it reads them
/// as empty.
///
/// # Serialization
///
/// Serializes as `{"filter": {...} | null, "residual": "<query text>" | null}`, plus
/// `"unsatisfiable": true` when the query matches no record (the key is absent
/// otherwise); [`Pushdown::to_json`] returns the same text, written while planning. It
/// does not deserialize: the residual is a compiled predicate, and its text means
/// something only against a schema. To keep a plan, keep the query text and compile it again (compiling
/// is cheaper than a request).
///
/// ```
/// use filterql::{compile, Options, Schema};
/// use serde_json::json;
///
/// let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
/// let q = compile(r#"amount > 5 and class endswith "Li""#, &Schema::demo(), &opts).unwrap();
/// let plan = q.to_jdy_pushdown();
/// // jdy has no `endswith`: `like` is sent, and the residual checks the end.
/// assert_eq!(plan.filter().unwrap().cond.len(), 2);
/// let residual = plan.residual().unwrap();
/// assert_eq!(residual.to_string(), r#"class endswith "Li""#);
/// assert_eq!(residual.fields(), ["class"]);
/// // Fetch the residual's fields along with the ones the caller wants.
/// assert_eq!(plan.projection(&["amount"]), ["amount", "class"]);
///
/// // The records jdy returned for the filter (one page here), checked client-side.
/// let page = vec![
///     json!({"_id": "1", "amount": 8, "class": "Li Lei Li"}),
///     json!({"_id": "2", "amount": 9, "class": "Lin Li Ming"}),
/// ];
/// let kept: Vec<_> = page.iter().filter(|r| plan.matches(r)).collect();
/// assert_eq!(kept.len(), 1);
/// assert_eq!(kept[0]["_id"], "1");
///
/// // A contradiction needs no request at all.
/// let none = compile("amount > 5 and amount < 3", &Schema::demo(), &opts).unwrap();
/// assert!(none.to_jdy_pushdown().is_unsatisfiable());
/// ```
#[derive(Clone)]
pub struct Pushdown {
    /// The whole plan as compact JSON ([`Self::to_json`]), written in one pass with the
    /// filter and the residual's text.
    json: String,
    /// Where in `json` the filter is, exactly `serde_json::to_string` of
    /// [`Self::filter`]: the typed filter is read from it only when asked for.
    filter_at: Option<(usize, usize)>,
    filter: OnceLock<JdyFilter>,
    residual: Option<Residual>,
    unsatisfiable: bool,
}

impl PartialEq for Pushdown {
    fn eq(&self, other: &Pushdown) -> bool {
        self.filter_json() == other.filter_json()
            && self.residual == other.residual
            && self.unsatisfiable == other.unsatisfiable
    }
}

impl std::fmt::Debug for Pushdown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pushdown")
            .field("filter_json", &self.filter_json())
            .field("filter", &self.filter)
            .field("residual", &self.residual)
            .field("unsatisfiable", &self.unsatisfiable)
            .finish()
    }
}

/// How every plan's JSON starts; the filter (or `null`) follows.
const FILTER_KEY: &str = "{\"filter\":";

impl Pushdown {
    /// The filter for jdy; `None` when nothing can be pushed (every record is fetched)
    /// or nothing needs to be sent ([`is_unsatisfiable`](Self::is_unsatisfiable)).
    pub fn filter(&self) -> Option<&JdyFilter> {
        let json = self.filter_json()?;
        Some(self.filter.get_or_init(|| {
            // The text is serde_json's own serialization of a filter (proptested), so it
            // always reads back.
            serde_json::from_str(json).expect("a pushed filter's JSON reads back")
        }))
    }

    /// The filter as compact JSON text, exactly `serde_json::to_string` of
    /// [`filter`](Self::filter) (cheaper when the text is what is sent).
    pub fn filter_json(&self) -> Option<&str> {
        self.filter_at.map(|(a, b)| &self.json[a..b])
    }

    /// What to check on every record jdy returns; `None` when the filter is exact.
    pub fn residual(&self) -> Option<&Residual> {
        self.residual.as_ref()
    }

    /// Whether a record jdy returned for [`filter`](Self::filter) matches the query:
    /// the residual's verdict, `true` when there is none.
    pub fn matches(&self, record: &serde_json::Value) -> bool {
        self.residual.as_ref().is_none_or(|r| r.matches(record))
    }

    /// Whether the query matches no record: no request needs to be sent.
    pub fn is_unsatisfiable(&self) -> bool {
        self.unsatisfiable
    }

    /// Whether the query matches every record: no filter and no residual.
    pub fn is_tautology(&self) -> bool {
        self.filter_at.is_none() && self.residual.is_none()
    }

    /// Whether jdy's answer is the answer: there is no residual.
    pub fn is_exact(&self) -> bool {
        self.residual.is_none()
    }

    /// The `fields` projection of a list request that returns `wanted` and everything the
    /// residual reads: `wanted` in order, then each residual field not among them.
    pub fn projection(&self, wanted: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = wanted.iter().map(|&w| w.to_owned()).collect();
        if let Some(r) = &self.residual {
            for f in r.fields() {
                if !wanted.contains(&f) {
                    out.push(f.to_owned());
                }
            }
        }
        out
    }

    /// The plan as compact JSON text, exactly `serde_json::to_string(self)`: a copy of
    /// the text written while planning.
    pub fn to_json(&self) -> String {
        self.json.clone()
    }

    /// The plan of a split: the residual checked for being constant (a residual that
    /// always holds is dropped; one that never holds makes the whole plan unsatisfiable,
    /// with `unsat_text` as its residual text). The split's JSON is completed in place.
    pub(super) fn assemble(
        split: Split,
        tz: FixedOffset,
        unsat_text: impl FnOnce() -> String,
    ) -> Pushdown {
        let Split {
            mut json,
            filter_at,
            residual,
        } = split;
        let filter_end = json.len();
        json.push_str(",\"residual\":");
        let residual = match residual {
            None => Some(None),
            Some(r) => {
                json.push('"');
                match Residual::new_json(r, tz, &mut json) {
                    Ok(r) => {
                        json.push('"');
                        Some(Some(r))
                    }
                    Err(Constant::True) => Some(None),
                    Err(Constant::False) => None,
                }
            }
        };
        match residual {
            Some(residual) => {
                if residual.is_none() {
                    json.truncate(filter_end);
                    json.push_str(",\"residual\":null");
                }
                json.push('}');
                Pushdown {
                    json,
                    filter_at,
                    filter: OnceLock::new(),
                    residual,
                    unsatisfiable: false,
                }
            }
            None => {
                let text = unsat_text();
                json.clear();
                json.reserve(FILTER_KEY.len() + 48 + text.len() + text.len() / 8);
                json.push_str(FILTER_KEY);
                json.push_str("null,\"residual\":");
                push_json_text_str(&mut json, &text);
                json.push_str(",\"unsatisfiable\":true}");
                Pushdown {
                    json,
                    filter_at: None,
                    filter: OnceLock::new(),
                    residual: Some(Residual::unsatisfiable(text, tz)),
                    unsatisfiable: true,
                }
            }
        }
    }
}


impl serde::Serialize for Pushdown {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = if self.unsatisfiable { 3 } else { 2 };
        let mut st = serializer.serialize_struct("Pushdown", len)?;
        st.serialize_field("filter", &self.filter())?;
        st.serialize_field("residual", &self.residual)?;
        if self.unsatisfiable {
            st.serialize_field("unsatisfiable", &true)?;
        }
        st.end()
    }
}

/// The text of an unsatisfiable residual when no query text is at hand: the jdy system
/// field `_id`, present in every form, is never both empty and not empty.
const NEVER: &str = "_id is empty and _id is not empty";

/// Splits `pred` into the largest part jdy evaluates server-side and a residual.
///
/// For every record `r`: `pred(r) == filter(r) && residual(r)`, where a missing filter
/// or residual is true. A top-level `and` pushes every conjunct jdy can express exactly
/// and, where only a looser condition exists (e.g. `startswith` → `like`), pushes that
/// too while keeping the conjunct in the residual. A top-level `or` is pushed whole or
/// not at all (pushing part of an `or` would drop records); its arms may be loosened the
/// same way, the whole `or` then staying in the residual. Never fails.
///
/// An unsatisfiable `pred` gets its own canonical text as residual text (or, when it has
/// none, `_id is empty and _id is not empty`);
/// [`Query::to_jdy_pushdown`](crate::Query::to_jdy_pushdown) uses the query's text.
pub fn pushdown(pred: &Pred, opts: &JdyOptions) -> Pushdown {
    Pushdown::assemble(split(pred, opts), opts.tz, || {
        unparse::to_ast(pred, opts.tz).map_or_else(|_| NEVER.to_owned(), |e| e.to_string())
    })
}

/// A split before the residual is checked for constants: the plan's JSON up to the
/// filter (`{"filter":` and the filter or `null`), where the filter is in it, and the
/// residual predicate.
pub(super) struct Split {
    json: String,
    filter_at: Option<(usize, usize)>,
    residual: Option<Pred>,
}

impl Split {
    /// A split with no filter.
    fn unfiltered(residual: Option<Pred>) -> Split {
        let mut json = String::with_capacity(64);
        json.push_str(FILTER_KEY);
        json.push_str("null");
        Split {
            json,
            filter_at: None,
            residual,
        }
    }

    /// A split sending the filter `sink` wrote (closing it).
    fn filtered(sink: JsonSink, residual: Option<Pred>) -> Split {
        let mut json = sink.out;
        json.push_str("]}");
        Split {
            filter_at: Some((FILTER_KEY.len(), json.len())),
            json,
            residual,
        }
    }
}

pub(super) fn split(pred: &Pred, opts: &JdyOptions) -> Split {
    // The queries people write (a flat group, perhaps with groups of leaves inside)
    // need neither the depth check nor the NNF walk, which allocate.
    let p = if shallow_nnf(pred) {
        Cow::Borrowed(pred)
    } else {
        if plan::depth(pred) > plan::MAX_DEPTH {
            return Split::unfiltered(Some(pred.clone()));
        }
        // A normalized query is already in negation normal form: borrowed, not copied.
        plan::nnf_cow(pred)
    };
    match &*p {
        Pred::True => Split::unfiltered(None),
        Pred::False => Split::unfiltered(Some(Pred::False)),
        Pred::Or(_) => {
            let mut sink = json_sink(OR_HEAD, &p, opts.tz);
            match superset_any(&p, opts, &mut sink) {
                Some(exact) => Split::filtered(sink, (!exact).then(|| p.into_owned())),
                None => Split::unfiltered(Some(p.into_owned())),
            }
        }
        _ => push_and(&p, opts),
    }
}

/// Whether `p` is a leaf, or a group of two or more operands each a leaf or a group of
/// the other kind of two or more leaves: at most three levels, and already in the
/// negation normal form [`plan::nnf`] would give.
fn shallow_nnf(p: &Pred) -> bool {
    let group = |cs: &[Pred], is_and: bool| {
        cs.len() >= 2
            && cs.iter().all(|c| match c {
                Pred::Leaf(_) => true,
                Pred::And(ds) if !is_and => leaves(ds),
                Pred::Or(ds) if is_and => leaves(ds),
                _ => false,
            })
    };
    match p {
        Pred::Leaf(_) => true,
        Pred::And(cs) => group(cs, true),
        Pred::Or(cs) => group(cs, false),
        _ => false,
    }
}

fn leaves(ds: &[Pred]) -> bool {
    ds.len() >= 2 && ds.iter().all(|d| matches!(d, Pred::Leaf(_)))
}

/// A sink writing the plan's JSON from its start, with room for the whole plan: the
/// estimate covers every leaf, pushed or residual, and the residual's text is about as
/// long as its leaves' conditions.
fn json_sink(head: &str, p: &Pred, tz: FixedOffset) -> JsonSink {
    let mut out = String::with_capacity(FILTER_KEY.len() + head.len() + estimate(p) + 32);
    out.push_str(FILTER_KEY);
    out.push_str(head);
    JsonSink::new(out, tz)
}

/// Whether an encoding attempt since `m` succeeded and wrote at least one condition (an
/// empty list would push nothing yet drop the conjunct from the residual).
fn wrote<S: Sink>(r: Result<(), JdyError>, s: &S, m: Mark) -> bool {
    r.is_ok() && s.count() > m.count
}

/// Whether a [`Shape::Loose`] attempt since `m` wrote its one condition.
fn wrote_one<S: Sink>(r: Result<(), JdyError>, s: &S, m: Mark) -> bool {
    r.is_ok() && s.count() == m.count + 1
}

fn push_and(p: &Pred, opts: &JdyOptions) -> Split {
    let cs: &[Pred] = match p {
        Pred::And(cs) => cs,
        other => std::slice::from_ref(other),
    };
    let mut sink = json_sink(AND_HEAD, p, opts.tz);
    // Borrowed until the split is known: copied only into the residual returned.
    let mut residual: Vec<&Pred> = Vec::new();
    let mut guards = None;
    for (i, c) in cs.iter().enumerate() {
        let Pred::Leaf(l) = c else {
            residual.push(c);
            continue;
        };
        let m = sink.mark();
        if wrote(emit(l, opts, Shape::All, &mut sink), &sink, m) {
            continue;
        }
        sink.reset(m);
        // Only now worth knowing which conjuncts rule out empty values.
        if guards.get_or_insert_with(|| Guards::new(cs)).guards(l, i) {
            if wrote(emit(l, opts, Shape::NonEmpty, &mut sink), &sink, m) {
                continue;
            }
            sink.reset(m);
        }
        // Not exact: the conjunct stays, and a looser condition may still narrow the
        // fetch.
        residual.push(c);
        if !wrote_one(emit(l, opts, Shape::Loose, &mut sink), &sink, m) {
            sink.reset(m);
        }
    }
    let owned = |residual: Vec<&Pred>| match residual[..] {
        [] => None,
        [c] => Some(c.clone()),
        _ => Some(Pred::And(residual.into_iter().cloned().collect())),
    };
    if sink.count() > 0 {
        return Split::filtered(sink, owned(residual));
    }
    // Nothing fits an `and` (so every conjunct is in the residual, in order): push one
    // conjunct that fits an `or` by itself, an exact one if there is one (it then leaves
    // the residual). The buffer sized for the whole query is reused for the attempts.
    let mut loose = None;
    let mut spare = Some(sink.out);
    for (i, c) in cs.iter().enumerate() {
        let mut sink = match spare.take() {
            Some(mut out) => {
                out.clear();
                out.push_str(FILTER_KEY);
                out.push_str(OR_HEAD);
                JsonSink::new(out, opts.tz)
            }
            None => json_sink(OR_HEAD, c, opts.tz),
        };
        match superset_any(c, opts, &mut sink) {
            Some(true) => {
                residual.remove(i);
                return Split::filtered(sink, owned(residual));
            }
            Some(false) if loose.is_none() => loose = Some(sink),
            _ => spare = Some(sink.out),
        }
    }
    match loose {
        Some(sink) => Split::filtered(sink, owned(residual)),
        None => Split::unfiltered(owned(residual)),
    }
}

/// Writes conditions whose `or` matches every record `p` matches, and says whether it
/// matches exactly those; `None` (with nothing written) when no such flat `or` exists.
fn superset_any<S: Sink>(p: &Pred, opts: &JdyOptions, s: &mut S) -> Option<bool> {
    let m = s.mark();
    let found = match p {
        Pred::Leaf(l) => leaf_any(l, opts, s, m),
        // An `and` implies each of its conjuncts: any one conjunct's conditions are a
        // superset. Prefer a single exact condition (the tightest cheap choice).
        Pred::And(ds) => {
            let leaves = || {
                ds.iter().filter_map(|d| match d {
                    Pred::Leaf(l) => Some(l),
                    _ => None,
                })
            };
            let mut found = None;
            for l in leaves() {
                if emit(l, opts, Shape::All, s).is_ok() && s.count() == m.count + 1 {
                    found = Some(false);
                    break;
                }
                s.reset(m);
            }
            if found.is_none() {
                found = leaves().find_map(|l| leaf_any(l, opts, s, m).map(|_| false));
            }
            found
        }
        Pred::Or(ds) => {
            let mut exact = true;
            let mut every = true;
            for d in ds {
                match superset_any(d, opts, s) {
                    Some(e) => exact &= e,
                    None => {
                        every = false;
                        break;
                    }
                }
            }
            (every && s.count() > m.count).then_some(exact)
        }
        Pred::True | Pred::False | Pred::Not(_) => None,
    };
    if found.is_none() {
        s.reset(m);
    }
    found
}

/// A leaf as an exact `or` of conditions (`Some(true)`) or one looser condition
/// (`Some(false)`).
fn leaf_any<S: Sink>(l: &Leaf, opts: &JdyOptions, s: &mut S, m: Mark) -> Option<bool> {
    if wrote(emit(l, opts, Shape::Any, s), s, m) {
        return Some(true);
    }
    s.reset(m);
    if wrote_one(emit(l, opts, Shape::Loose, s), s, m) {
        return Some(false);
    }
    s.reset(m);
    None
}
