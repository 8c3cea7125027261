//! Meaning-preserving rewrites of `ir::Pred`: NNF, flattening, folding, range merging.
//!
//! [`normalize`] returns a predicate that matches exactly the same records as its input
//! under [`crate::eval::matches`] (the property tests in `tests/normalize.rs` check this
//! on generated predicates × generated records, including every empty form and values
//! of the wrong type). Each rewrite below says why it is exact.
//!
//! The output is in *normal form*:
//! - no [`Pred::Not`]: negation sits in [`crate::ir::Leaf::negated`];
//! - every `And`/`Or` has at least two operands, none of them an `And` inside an `And`
//!   or an `Or` inside an `Or`, and no two equal operands;
//! - `True`/`False` occur only as the whole predicate;
//! - `In`, `HasAny` and `HasAll` lists have no duplicates; a one-value `In` is `Eq` and a
//!   one-value `HasAny` is `HasAll`;
//! - within an `And`, a single-valued field has at most one positive range, and no
//!   range is empty;
//! - a negated range on a single-valued field is spelled out as explicit arms.
//!
//! Normalizing a normal form returns it unchanged.

use crate::ir::{Bound, FieldRef, Leaf, Pred, Range, Scalar, Test};
use crate::schema::FieldType;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// The hasher of normalization's maps: fast, and seeded per process so that crafted
/// operands cannot force collisions.
type Hasher = foldhash::fast::RandomState;

/// Rewrite `p` into normal form (see the module docs) without changing its meaning.
///
/// ```
/// use filterql::ir::{Bound, FieldInfo, FieldRef, Pred, Range, Scalar, Test};
/// use filterql::normalize::normalize;
/// use filterql::{FieldType, Span};
///
/// let x = FieldRef::new(FieldInfo {
///     name: "x".into(), subform: None, ty: FieldType::Number,
///     widget: None, column: "x".into(), label: None,
/// });
/// let range = |lo: Option<Bound>, hi: Option<Bound>| Test::Range(Range { lo, hi });
/// let five = |inclusive| Some(Bound { value: Scalar::Number(5.0), inclusive });
/// // not (x > 5)  →  x <= 5 or x is empty
/// let p = Pred::Not(Box::new(Pred::leaf(x.clone(), range(five(false), None), false, Span::default())));
/// assert_eq!(
///     normalize(p),
///     Pred::Or(vec![
///         Pred::leaf(x.clone(), range(None, five(true)), false, Span::default()),
///         Pred::leaf(x, Test::Empty, false, Span::default()),
///     ])
/// );
/// ```
///
/// Recursion depth is the number of nested `And`/`Or` levels of `p` (chains of `Not` are
/// walked in a loop), which the parser and checker bound.
pub fn normalize(mut p: Pred) -> Pred {
    nnf(&mut p, false);
    p
}

/// Normalize `p` in place, complemented when `neg` is set.
///
/// Negation is pushed down by De Morgan (`not (a and b)` = `not a or not b`, and dually),
/// double negation cancels and `not true` = `false`: all exact in two-valued logic,
/// which is the logic of `eval` (a negated leaf is the exact complement of its test).
///
/// In place rather than by value: a node is large and most nodes of a query are already
/// normal, so moving each one out and back would cost more than the rewrites.
fn nnf(p: &mut Pred, mut neg: bool) {
    // A chain of `Not`s is unwrapped in a loop, not by recursion.
    while let Pred::Not(inner) = p {
        let inner = std::mem::replace(&mut **inner, Pred::True);
        *p = inner;
        neg = !neg;
    }
    match p {
        Pred::True => *p = constant(!neg),
        Pred::False => *p = constant(neg),
        // Not reached: the loop above unwrapped every `Not`.
        Pred::Not(_) => {}
        Pred::And(ps) | Pred::Or(ps) => {
            for q in ps.iter_mut() {
                nnf(q, neg);
            }
            let kids = std::mem::take(ps);
            // An `and` stays one unless negated, and dually.
            *p = if matches!(p, Pred::And(_)) != neg {
                and(kids)
            } else {
                or(kids)
            };
        }
        Pred::Leaf(l) => {
            l.negated ^= neg;
            leaf(p);
        }
    }
}

fn constant(b: bool) -> Pred {
    if b {
        Pred::True
    } else {
        Pred::False
    }
}

/// Build a normalized conjunction of normalized operands.
///
/// - Nested `And`s are flattened (associativity).
/// - `True` operands are dropped (identity); one `False` makes it `False` (annihilator).
/// - Equal operands are kept once (idempotence).
/// - Two positive ranges on the same single-valued field merge into their intersection,
///   `False` when it is empty: for one value `v`, `v ∈ A and v ∈ B` is `v ∈ A ∩ B`, and
///   both are false on an empty value.
/// - No operand left is `True`; one operand is itself.
///
/// Duplicates and ranges are found through hash maps (by comparison up to
/// [`LINEAR_MAX`] operands, see [`and_small`]), so a 100,000-operand chain (a query near
/// the parser's size limit) costs linear, not quadratic, time.
fn and(kids: Vec<Pred>) -> Pred {
    let Some(mut ops) = flatten(kids, true) else {
        return Pred::False;
    };
    if ops.len() <= LINEAR_MAX {
        return and_small(ops);
    }
    if distinct_leading_fields(&ops) {
        return finish(ops, Pred::True, Pred::And);
    }
    // Operands are kept by compacting `ops` in place: `ops[..kept]` is the output so
    // far, so no second operand vector is allocated (it would double the peak heap).
    let mut kept = 0;
    let mut seen = Seen::new(ops.len());
    // The operand index of the (first) positive range on each single-valued field.
    let mut ranges: HashMap<FieldRef, usize, Hasher> = HashMap::default();
    for at in 0..ops.len() {
        let q = std::mem::replace(&mut ops[at], Pred::True);
        let out = &mut ops[..kept];
        if let Pred::Leaf(new) = &q {
            if let Some((field, r2)) = mergeable_range(new) {
                match ranges.get(field) {
                    Some(&i) => {
                        let merged = match &out[i] {
                            Pred::Leaf(old) => mergeable_range(old)
                                .and_then(|(_, r1)| intersect(r1, r2))
                                .map(|m| (m, old.span.to(new.span))),
                            _ => None,
                        };
                        if let Some((merged, span)) = merged {
                            if range_is_empty(&merged) {
                                return Pred::False;
                            }
                            // A later operand equal to the replaced range is still
                            // skipped as "seen": the narrower merged range implies it.
                            let merged =
                                Pred::leaf(field.clone(), Test::Range(merged), false, span);
                            seen.replace(out, i, merged);
                            continue;
                        }
                    }
                    None => {
                        ranges.insert(field.clone(), kept);
                    }
                }
            }
        }
        if let Some(h) = seen.is_new(out, &q) {
            ops[kept] = q;
            seen.add(&ops[..=kept], h);
            kept += 1;
        }
    }
    ops.truncate(kept);
    finish(ops, Pred::True, Pred::And)
}

/// Whether no two operands lead with the same field, the field of an operand being its
/// own for a leaf and, for a group, that of its first operand (recursively). Such a
/// group of normalized operands is already normal: [`same`] compares groups operand by
/// operand in order, so equal operands lead with the same field, and two ranges to merge
/// are leaves on one field. Checking it hashes one field name per operand, much less
/// than hashing whole operands (the common long query: one condition per field, alone or
/// in a small `or` group).
fn distinct_leading_fields(ops: &[Pred]) -> bool {
    let mut fields: HashSet<&FieldRef, Hasher> =
        HashSet::with_capacity_and_hasher(ops.len(), Hasher::default());
    ops.iter()
        .all(|p| leading_field(p).is_some_and(|f| fields.insert(f)))
}

/// The field an operand leads with (see [`distinct_leading_fields`]); `None` for a
/// constant, a `not` or an empty group, which do not occur in normal form.
fn leading_field(mut p: &Pred) -> Option<&FieldRef> {
    loop {
        match p {
            Pred::Leaf(l) => return Some(&l.field),
            Pred::And(ps) | Pred::Or(ps) => p = ps.first()?,
            Pred::True | Pred::False | Pred::Not(_) => return None,
        }
    }
}

/// [`and`] of a few operands (already flattened), by pairwise comparison: the same
/// result without the bookkeeping of [`Seen`] and the range map, which cost more than
/// they save on the short groups most queries consist of.
///
/// A range replaced by a merge is kept aside (`merged_away`) so that a later copy of it
/// is still a duplicate, as [`Seen`] does. Comparing against the merged range itself as
/// well changes nothing: an operand equal to it is a positive range on the same field,
/// which merges (into itself) before duplicates are looked for.
fn and_small(mut ops: Vec<Pred>) -> Pred {
    let mut kept = 0;
    let mut merged_away: Vec<Pred> = Vec::new();
    // Operands kept stay where they are (moved down only past a dropped one): most
    // groups drop nothing, and an operand is large.
    for at in 0..ops.len() {
        let (before, from_at) = ops.split_at_mut(at);
        let (out, q) = (&mut before[..kept], &from_at[0]);
        if let Pred::Leaf(new) = q {
            if let Some((field, r2)) = mergeable_range(new) {
                // At most one positive range per field is in `out`: later ones merge.
                let found = out.iter().enumerate().find_map(|(i, o)| match o {
                    Pred::Leaf(old) => mergeable_range(old)
                        .filter(|(f, _)| *f == field)
                        .map(|(_, r1)| (i, intersect(r1, r2).map(|m| (m, old.span.to(new.span))))),
                    _ => None,
                });
                if let Some((i, Some((merged, span)))) = found {
                    if range_is_empty(&merged) {
                        return Pred::False;
                    }
                    let merged = Pred::leaf(field.clone(), Test::Range(merged), false, span);
                    merged_away.push(std::mem::replace(&mut out[i], merged));
                    continue;
                }
            }
        }
        // Leaves on different fields (most pairs) are told apart without the full
        // comparison.
        let dup = out.iter().chain(&merged_away).any(|o| match (o, q) {
            (Pred::Leaf(x), Pred::Leaf(y)) if x.field != y.field => false,
            _ => same(o, q),
        });
        if !dup {
            ops.swap(kept, at);
            kept += 1;
        }
    }
    ops.truncate(kept);
    finish(ops, Pred::True, Pred::And)
}

/// Build a normalized disjunction of normalized operands: the dual of [`and`] without
/// range merging (flatten, drop `False`, `True` wins, keep equal operands once).
fn or(kids: Vec<Pred>) -> Pred {
    let Some(mut ops) = flatten(kids, false) else {
        return Pred::True;
    };
    if ops.len() <= LINEAR_MAX {
        // Few operands: pairwise comparison is cheaper than the bookkeeping of `Seen`.
        let mut kept = 0;
        for at in 0..ops.len() {
            if !ops[..kept].iter().any(|o| same(o, &ops[at])) {
                ops.swap(kept, at);
                kept += 1;
            }
        }
        ops.truncate(kept);
        return finish(ops, Pred::False, Pred::Or);
    }
    if distinct_leading_fields(&ops) {
        return finish(ops, Pred::False, Pred::Or);
    }
    let mut kept = 0;
    let mut seen = Seen::new(ops.len());
    for at in 0..ops.len() {
        let q = std::mem::replace(&mut ops[at], Pred::False);
        if let Some(h) = seen.is_new(&ops[..kept], &q) {
            ops[kept] = q;
            seen.add(&ops[..=kept], h);
            kept += 1;
        }
    }
    ops.truncate(kept);
    finish(ops, Pred::False, Pred::Or)
}

/// The operands of an `and` (`is_and`) or `or` with nested groups of the same kind
/// spliced in and the neutral constant dropped; `None` when the absorbing constant
/// (`False` in an `and`, `True` in an `or`) is among them.
/// Reuses `kids` when nothing is to be spliced or dropped (the usual case).
fn flatten(kids: Vec<Pred>, is_and: bool) -> Option<Vec<Pred>> {
    let splice = |k: &Pred| match k {
        Pred::True | Pred::False => true,
        Pred::And(_) => is_and,
        Pred::Or(_) => !is_and,
        _ => false,
    };
    if !kids.iter().any(splice) {
        return Some(kids);
    }
    let mut flat = Vec::with_capacity(kids.len());
    for k in kids {
        match k {
            Pred::True if is_and => {}
            Pred::False if !is_and => {}
            Pred::True | Pred::False => return None,
            Pred::And(inner) if is_and => flat.extend(inner),
            Pred::Or(inner) if !is_and => flat.extend(inner),
            other => flat.push(other),
        }
    }
    Some(flat)
}

/// The operands kept so far by [`and`]/[`or`], for finding duplicates ([`same`]:
/// `PartialEq` ignoring spans, with `0.0` equal to `-0.0`). The first [`LINEAR_MAX`]
/// are compared one by one; past that, they are found by structural hash, so a
/// 100,000-operand chain stays linear. Neither way formats or allocates per operand.
///
/// Each kept operand has a slot. When [`and`] replaces a kept range by a merged one, the
/// slot keeps the operand as first seen, so a later copy of it is still a duplicate.
struct Seen {
    /// Hash → the most recent slot with that hash; empty while searching linearly.
    head: HashMap<u64, usize, Hasher>,
    /// Slot → the previous slot with the same hash.
    next: Vec<Option<usize>>,
    /// Slot → where its operand lives.
    slots: Vec<Slot>,
    /// Operand index in `out` → its slot, while `out` still holds the operand as seen.
    slot_of: Vec<Option<usize>>,
    hasher: Hasher,
}

/// The most operands searched linearly before [`Seen`] switches to hashing.
const LINEAR_MAX: usize = 16;

enum Slot {
    /// Still `out[i]`.
    Out(usize),
    /// `out[i]` was replaced; the operand as first seen.
    Moved(Box<Pred>),
}

impl Seen {
    /// Room for `n` operands, so recording them never reallocates.
    fn new(n: usize) -> Seen {
        Seen {
            head: HashMap::default(),
            next: Vec::with_capacity(n),
            slots: Vec::with_capacity(n),
            slot_of: Vec::with_capacity(n),
            hasher: Default::default(),
        }
    }

    fn get<'a>(&'a self, out: &'a [Pred], slot: usize) -> &'a Pred {
        match &self.slots[slot] {
            Slot::Out(i) => &out[*i],
            Slot::Moved(p) => p,
        }
    }

    fn hash(&self, p: &Pred) -> u64 {
        use std::hash::BuildHasher;
        self.hasher.hash_one(PredHash(p))
    }

    /// `None` when an operand equal to `q` was kept before (in `out` or moved out of it);
    /// otherwise what [`Seen::add`] needs to record it.
    fn is_new(&self, out: &[Pred], q: &Pred) -> Option<u64> {
        if self.slots.len() < LINEAR_MAX {
            let dup = (0..self.slots.len()).any(|s| same(self.get(out, s), q));
            return (!dup).then_some(0);
        }
        let h = self.hash(q);
        let mut at = self.head.get(&h).copied();
        while let Some(s) = at {
            if same(self.get(out, s), q) {
                return None;
            }
            at = self.next[s];
        }
        Some(h)
    }

    /// Records the last operand of `out` as kept; `h` is what [`Seen::is_new`] said.
    fn add(&mut self, out: &[Pred], h: u64) {
        let slot = self.slots.len();
        self.slots.push(Slot::Out(out.len() - 1));
        self.slot_of.push(Some(slot));
        if slot < LINEAR_MAX {
            self.next.push(None);
            if self.slots.len() == LINEAR_MAX {
                // From now on by hash: index every slot so far.
                self.head.reserve(LINEAR_MAX);
                for s in 0..self.slots.len() {
                    let h = self.hash(self.get(out, s));
                    self.next[s] = self.head.insert(h, s);
                }
            }
        } else {
            self.next.push(self.head.insert(h, slot));
        }
    }

    /// Replaces `out[i]` by `p`, keeping the operand it held as seen.
    fn replace(&mut self, out: &mut [Pred], i: usize, p: Pred) {
        let old = std::mem::replace(&mut out[i], p);
        if let Some(slot) = self.slot_of.get_mut(i).and_then(Option::take) {
            self.slots[slot] = Slot::Moved(Box::new(old));
        }
    }
}

/// Equality of normalized operands: `PartialEq` (spans ignored), except that numbers
/// compare as `0.0 == -0.0` and NaN equal to NaN, so that it is an equivalence the hash
/// ([`PredHash`]) agrees with.
fn same(a: &Pred, b: &Pred) -> bool {
    match (a, b) {
        (Pred::True, Pred::True) | (Pred::False, Pred::False) => true,
        (Pred::Not(x), Pred::Not(y)) => same(x, y),
        (Pred::And(xs), Pred::And(ys)) | (Pred::Or(xs), Pred::Or(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same(x, y))
        }
        (Pred::Leaf(x), Pred::Leaf(y)) => {
            x.negated == y.negated && x.field == y.field && same_test(&x.test, &y.test)
        }
        _ => false,
    }
}

fn same_test(a: &Test, b: &Test) -> bool {
    let list = |xs: &[Scalar], ys: &[Scalar]| {
        xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same_scalar(x, y))
    };
    let bound = |x: &Option<Bound>, y: &Option<Bound>| match (x, y) {
        (None, None) => true,
        (Some(x), Some(y)) => x.inclusive == y.inclusive && same_scalar(&x.value, &y.value),
        _ => false,
    };
    match (a, b) {
        (Test::Eq(x), Test::Eq(y)) => same_scalar(x, y),
        (Test::In(xs), Test::In(ys))
        | (Test::HasAny(xs), Test::HasAny(ys))
        | (Test::HasAll(xs), Test::HasAll(ys)) => list(xs, ys),
        (Test::Range(x), Test::Range(y)) => bound(&x.lo, &y.lo) && bound(&x.hi, &y.hi),
        (Test::Text(o, x), Test::Text(p, y)) => o == p && x == y,
        (Test::Empty, Test::Empty)
        | (Test::Verified, Test::Verified)
        | (Test::Unverified, Test::Unverified) => true,
        _ => false,
    }
}

fn same_scalar(a: &Scalar, b: &Scalar) -> bool {
    match (a, b) {
        (Scalar::Number(x), Scalar::Number(y)) => number_bits(*x) == number_bits(*y),
        (Scalar::Text(x), Scalar::Text(y)) => x == y,
        (Scalar::DateTime(x), Scalar::DateTime(y)) => x == y,
        (Scalar::Bool(x), Scalar::Bool(y)) => x == y,
        _ => false,
    }
}

/// The bits numbers are compared and hashed by: one value for both zeros and one for
/// every NaN.
fn number_bits(n: f64) -> u64 {
    if n == 0.0 {
        0
    } else if n.is_nan() {
        f64::NAN.to_bits()
    } else {
        n.to_bits()
    }
}

/// Hashes a predicate consistently with [`same`].
struct PredHash<'a>(&'a Pred);

impl std::hash::Hash for PredHash<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        hash_pred(self.0, h);
    }
}

fn hash_pred<H: std::hash::Hasher>(p: &Pred, h: &mut H) {
    use std::hash::Hash;
    std::mem::discriminant(p).hash(h);
    match p {
        Pred::True | Pred::False => {}
        Pred::Not(q) => hash_pred(q, h),
        Pred::And(ps) | Pred::Or(ps) => {
            ps.len().hash(h);
            for q in ps {
                hash_pred(q, h);
            }
        }
        Pred::Leaf(l) => {
            l.negated.hash(h);
            l.field.hash(h);
            hash_test(&l.test, h);
        }
    }
}

fn hash_test<H: std::hash::Hasher>(t: &Test, h: &mut H) {
    use std::hash::Hash;
    std::mem::discriminant(t).hash(h);
    match t {
        Test::Eq(v) => hash_scalar(v, h),
        Test::In(vs) | Test::HasAny(vs) | Test::HasAll(vs) => {
            vs.len().hash(h);
            for v in vs {
                hash_scalar(v, h);
            }
        }
        Test::Range(r) => {
            for b in [&r.lo, &r.hi] {
                b.is_some().hash(h);
                if let Some(b) = b {
                    b.inclusive.hash(h);
                    hash_scalar(&b.value, h);
                }
            }
        }
        Test::Text(op, s) => {
            op.hash(h);
            s.hash(h);
        }
        Test::Empty | Test::Verified | Test::Unverified => {}
    }
}

fn hash_scalar<H: std::hash::Hasher>(v: &Scalar, h: &mut H) {
    use std::hash::Hash;
    std::mem::discriminant(v).hash(h);
    match v {
        Scalar::Number(n) => number_bits(*n).hash(h),
        Scalar::Text(t) => t.hash(h),
        Scalar::DateTime(ms) => ms.hash(h),
        Scalar::Bool(b) => b.hash(h),
    }
}

/// A scalar hashed and compared as [`same_scalar`] does.
struct ScalarKey<'a>(&'a Scalar);

impl PartialEq for ScalarKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        same_scalar(self.0, other.0)
    }
}

impl Eq for ScalarKey<'_> {}

impl std::hash::Hash for ScalarKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        hash_scalar(self.0, h);
    }
}

fn finish(mut out: Vec<Pred>, unit: Pred, build: fn(Vec<Pred>) -> Pred) -> Pred {
    match out.len() {
        0 => unit,
        1 => out.pop().unwrap_or(unit),
        _ => build(out),
    }
}

/// The field and range of a positive range leaf on a single-valued field.
fn mergeable_range(l: &Leaf) -> Option<(&FieldRef, &Range)> {
    match &l.test {
        Test::Range(r) if !l.negated && single_valued(&l.field) => Some((&l.field, r)),
        _ => None,
    }
}

/// Whether the field has at most one value per record. Subform columns have one per row
/// and are tested with "some row", array-valued types with "some item": for those, two
/// ranges may be met by different rows/items and must not be merged, nor may a negated
/// range be spelled out as "below or above or empty".
fn single_valued(f: &FieldRef) -> bool {
    f.subform.is_none()
        && !matches!(
            f.ty,
            FieldType::Multiselect
                | FieldType::Usergroup
                | FieldType::Deptgroup
                | FieldType::Subform
        )
}

/// Normalize one leaf (its `negated` already final).
///
/// - `In`/`HasAny`/`HasAll` lose duplicate values (set semantics in `eval`).
/// - A one-value `In` is `Eq` (`v in (a)` iff `v = a`); an empty `In` or `HasAny` is
///   `False` (no value is among none), complemented when negated.
/// - A one-value `HasAny` is `HasAll` (some of `{a}` = all of `{a}`).
/// - An empty range is `False`, its negation `True`.
/// - A negated range becomes explicit arms where that is exact (see [`spell_out`]).
fn leaf(p: &mut Pred) {
    // Works in place: a leaf is most of a `Pred`, and most leaves need no change.
    let Pred::Leaf(l) = p else {
        return;
    };
    match &mut l.test {
        Test::In(vs) | Test::HasAny(vs) | Test::HasAll(vs) => dedup(vs),
        _ => {}
    }
    match &mut l.test {
        Test::In(vs) if vs.len() == 1 => {
            if let Some(v) = vs.pop() {
                l.test = Test::Eq(v);
            }
        }
        Test::In(vs) | Test::HasAny(vs) if vs.is_empty() => {
            *p = constant(l.negated);
            return;
        }
        Test::HasAny(vs) if vs.len() == 1 => l.test = Test::HasAll(std::mem::take(vs)),
        Test::Range(r) if range_is_empty(r) => {
            *p = constant(l.negated);
            return;
        }
        _ => {}
    }
    if l.negated {
        if let Test::Range(r) = &l.test {
            if let Some(arms) = spell_out(l, r) {
                *p = or(arms);
            }
        }
    }
}

/// Keeps the first of equal values ([`same_scalar`]), without allocating per value.
fn dedup(vs: &mut Vec<Scalar>) {
    if vs.len() <= 8 {
        // A short list is cheaper to compare pairwise than to hash.
        let mut kept = 0;
        for i in 0..vs.len() {
            if !vs[..kept].iter().any(|v| same_scalar(v, &vs[i])) {
                vs.swap(kept, i);
                kept += 1;
            }
        }
        vs.truncate(kept);
        return;
    }
    let mut seen: HashSet<ScalarKey<'_>, Hasher> =
        HashSet::with_capacity_and_hasher(vs.len(), Hasher::default());
    let first: Vec<bool> = vs.iter().map(|v| seen.insert(ScalarKey(v))).collect();
    drop(seen);
    let mut first = first.into_iter();
    vs.retain(|_| first.next().unwrap_or(false));
}

/// `not (x in [lo, hi])` as `x < lo or x > hi or x is empty` (with the open/closed ends
/// flipped, and an arm only for each end present).
///
/// Exact when every non-empty value of the field compares with every bound: then a
/// value is either empty, below `lo`, within the range, or above `hi`. That holds for a
/// single-valued field whose values all have the bounds' kind — numbers on number,
/// flowstate and dept fields, instants on datetime fields, strings on the text-like
/// fields — because `eval` treats a value the field type cannot hold as empty. It does
/// not hold for subform columns or array-valued fields ("no row in range" is not "some
/// row outside it"), nor for `other` fields (mixed kinds), nor for datetime fields,
/// whose non-datetime values are not empty yet compare with nothing (grammar/README.md, "What a query means"): they
/// keep the negated leaf.
fn spell_out(l: &Leaf, r: &Range) -> Option<Vec<Pred>> {
    if !single_valued(&l.field) || (r.lo.is_none() && r.hi.is_none()) {
        return None;
    }
    let total = |b: &Option<Bound>| {
        b.as_ref()
            .is_none_or(|b| kind_is_total(l.field.ty, &b.value))
    };
    if !total(&r.lo) || !total(&r.hi) {
        return None;
    }
    let arm = |range: Range| Pred::leaf(l.field.clone(), Test::Range(range), false, l.span);
    let flip = |b: &Bound| Bound {
        value: b.value.clone(),
        inclusive: !b.inclusive,
    };
    let mut arms = Vec::with_capacity(3);
    if let Some(lo) = &r.lo {
        arms.push(arm(Range {
            lo: None,
            hi: Some(flip(lo)),
        }));
    }
    if let Some(hi) = &r.hi {
        arms.push(arm(Range {
            lo: Some(flip(hi)),
            hi: None,
        }));
    }
    arms.push(Pred::leaf(l.field.clone(), Test::Empty, false, l.span));
    Some(arms)
}

/// Whether every non-empty value `eval` sees in a field of type `ty` compares with `v`
/// (mirrors the value views in `eval`).
fn kind_is_total(ty: FieldType, v: &Scalar) -> bool {
    use FieldType as T;
    match v {
        Scalar::Number(n) => n.is_finite() && matches!(ty, T::Number | T::Flowstate | T::Dept),
        Scalar::DateTime(_) => false,
        Scalar::Text(_) => matches!(
            ty,
            T::Text | T::Select | T::Sn | T::Dataid | T::User | T::Phone
        ),
        Scalar::Bool(_) => false,
    }
}

/// The order of two bound values, `None` when they are of different kinds.
fn cmp_scalar(a: &Scalar, b: &Scalar) -> Option<Ordering> {
    match (a, b) {
        (Scalar::Text(x), Scalar::Text(y)) => Some(x.cmp(y)),
        (Scalar::Number(x), Scalar::Number(y)) => x.partial_cmp(y),
        (Scalar::DateTime(x), Scalar::DateTime(y)) => Some(x.cmp(y)),
        (Scalar::Bool(x), Scalar::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// The intersection of two ranges, or `None` when their bounds are not comparable (then
/// they are left apart, which is always exact).
fn intersect(a: &Range, b: &Range) -> Option<Range> {
    Some(Range {
        lo: tighter(&a.lo, &b.lo, Ordering::Greater)?,
        hi: tighter(&a.hi, &b.hi, Ordering::Less)?,
    })
}

/// Of two ends of the same side, the one that excludes more: the larger lower end or the
/// smaller upper end (`wins` says which order wins); at equal values, the exclusive one.
/// `None` when they cannot be compared.
fn tighter(a: &Option<Bound>, b: &Option<Bound>, wins: Ordering) -> Option<Option<Bound>> {
    Some(match (a, b) {
        (None, None) => None,
        (Some(x), None) | (None, Some(x)) => Some(x.clone()),
        (Some(x), Some(y)) => match cmp_scalar(&x.value, &y.value)? {
            Ordering::Equal => Some(Bound {
                value: x.value.clone(),
                inclusive: x.inclusive && y.inclusive,
            }),
            o if o == wins => Some(x.clone()),
            _ => Some(y.clone()),
        },
    })
}

/// Whether no value lies in the range: both ends present, comparable, and either
/// `lo > hi` or `lo == hi` with an end excluded. Incomparable ends are not claimed empty.
pub(crate) fn range_is_empty(r: &Range) -> bool {
    match (&r.lo, &r.hi) {
        (Some(lo), Some(hi)) => match cmp_scalar(&lo.value, &hi.value) {
            Some(Ordering::Greater) => true,
            Some(Ordering::Equal) => !(lo.inclusive && hi.inclusive),
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::FieldInfo;
    use crate::span::Span;

    fn f(name: &str, ty: FieldType) -> FieldRef {
        FieldRef::top(name, ty)
    }

    fn num() -> FieldRef {
        f("n", FieldType::Number)
    }

    fn b(v: f64, inclusive: bool) -> Bound {
        Bound {
            value: Scalar::Number(v),
            inclusive,
        }
    }

    fn rng(field: FieldRef, lo: Option<Bound>, hi: Option<Bound>, negated: bool) -> Pred {
        Pred::leaf(
            field,
            Test::Range(Range { lo, hi }),
            negated,
            Span::default(),
        )
    }

    fn lf(field: FieldRef, test: Test, negated: bool) -> Pred {
        Pred::leaf(field, test, negated, Span::default())
    }

    fn not(p: Pred) -> Pred {
        Pred::Not(Box::new(p))
    }

    #[test]
    fn not_gt_becomes_le_or_empty() {
        let p = not(rng(num(), Some(b(5.0, false)), None, false));
        let want = Pred::Or(vec![
            rng(num(), None, Some(b(5.0, true)), false),
            lf(num(), Test::Empty, false),
        ]);
        assert_eq!(normalize(p), want);
    }

    #[test]
    fn not_between_becomes_three_arms() {
        let p = rng(num(), Some(b(1.0, true)), Some(b(9.0, true)), true);
        let want = Pred::Or(vec![
            rng(num(), None, Some(b(1.0, false)), false),
            rng(num(), Some(b(9.0, false)), None, false),
            lf(num(), Test::Empty, false),
        ]);
        assert_eq!(normalize(p), want);
    }

    #[test]
    fn negated_range_on_subform_column_stays_a_leaf() {
        let col = FieldRef::new(FieldInfo {
            subform: Some("items".into()),
            ..(*num()).clone()
        });
        let p = rng(col, Some(b(5.0, false)), None, true);
        assert_eq!(normalize(p.clone()), p);
    }

    #[test]
    fn de_morgan_and_double_negation() {
        let a = lf(num(), Test::Eq(Scalar::Number(1.0)), false);
        let c = lf(f("t", FieldType::Text), Test::Empty, false);
        let p = not(Pred::And(vec![a.clone(), not(not(c.clone()))]));
        let neg = |p: &Pred| match p {
            Pred::Leaf(l) => Pred::Leaf(Leaf {
                negated: !l.negated,
                ..l.clone()
            }),
            _ => unreachable!(),
        };
        assert_eq!(normalize(p), Pred::Or(vec![neg(&a), neg(&c)]));
        assert_eq!(normalize(not(not(a.clone()))), a);
    }

    #[test]
    fn constants_fold() {
        let a = lf(num(), Test::Empty, false);
        assert_eq!(normalize(not(Pred::True)), Pred::False);
        assert_eq!(normalize(not(Pred::False)), Pred::True);
        assert_eq!(normalize(Pred::And(vec![a.clone(), Pred::True])), a);
        assert_eq!(
            normalize(Pred::And(vec![a.clone(), Pred::False])),
            Pred::False
        );
        assert_eq!(normalize(Pred::Or(vec![a.clone(), Pred::True])), Pred::True);
        assert_eq!(normalize(Pred::Or(vec![Pred::False, a.clone()])), a);
        assert_eq!(normalize(Pred::And(vec![])), Pred::True);
        assert_eq!(normalize(Pred::Or(vec![])), Pred::False);
        assert_eq!(
            normalize(not(Pred::Or(vec![a.clone(), not(Pred::False)]))),
            Pred::False
        );
    }

    #[test]
    fn nested_same_kind_flattens_and_duplicates_go() {
        let x = |v: f64| lf(num(), Test::Eq(Scalar::Number(v)), false);
        let p = Pred::Or(vec![
            x(1.0),
            Pred::Or(vec![x(2.0), Pred::Or(vec![x(1.0), x(3.0)])]),
        ]);
        assert_eq!(normalize(p), Pred::Or(vec![x(1.0), x(2.0), x(3.0)]));
    }

    #[test]
    fn in_values_dedup_and_singletons() {
        let t = f("t", FieldType::Text);
        let s = |v: &str| Scalar::Text(v.into());
        let p = lf(t.clone(), Test::In(vec![s("a"), s("b"), s("a")]), true);
        assert_eq!(
            normalize(p),
            lf(t.clone(), Test::In(vec![s("a"), s("b")]), true)
        );
        let p = lf(t.clone(), Test::In(vec![s("a"), s("a")]), false);
        assert_eq!(normalize(p), lf(t.clone(), Test::Eq(s("a")), false));
        let m = f("m", FieldType::Multiselect);
        let p = lf(m.clone(), Test::HasAny(vec![s("a"), s("a")]), false);
        assert_eq!(
            normalize(p),
            lf(m.clone(), Test::HasAll(vec![s("a")]), false)
        );
        let p = lf(m.clone(), Test::HasAll(vec![s("b"), s("a"), s("b")]), false);
        assert_eq!(
            normalize(p),
            lf(m, Test::HasAll(vec![s("b"), s("a")]), false)
        );
    }

    #[test]
    fn ranges_merge_inside_and() {
        let ge1 = rng(num(), Some(b(1.0, true)), None, false);
        let le9 = rng(num(), None, Some(b(9.0, true)), false);
        let gt1 = rng(num(), Some(b(1.0, false)), None, false);
        let other = lf(f("t", FieldType::Text), Test::Empty, false);
        let p = Pred::And(vec![ge1.clone(), other.clone(), le9, gt1]);
        assert_eq!(
            normalize(p),
            Pred::And(vec![
                rng(num(), Some(b(1.0, false)), Some(b(9.0, true)), false),
                other
            ])
        );
        // Empty intersections, including touching ends with one excluded.
        let lt1 = rng(num(), None, Some(b(1.0, false)), false);
        assert_eq!(normalize(Pred::And(vec![ge1.clone(), lt1])), Pred::False);
        let le1 = rng(num(), None, Some(b(1.0, true)), false);
        assert_eq!(
            normalize(Pred::And(vec![ge1, le1])),
            rng(num(), Some(b(1.0, true)), Some(b(1.0, true)), false)
        );
        // An empty range alone.
        assert_eq!(
            normalize(rng(num(), Some(b(3.0, true)), Some(b(2.0, true)), false)),
            Pred::False
        );
        assert_eq!(
            normalize(rng(num(), Some(b(3.0, true)), Some(b(2.0, true)), true)),
            Pred::True
        );
    }

    #[test]
    fn ranges_on_subform_columns_do_not_merge() {
        let col = FieldRef::new(FieldInfo {
            subform: Some("items".into()),
            ..(*num()).clone()
        });
        let p = Pred::And(vec![
            rng(col.clone(), Some(b(5.0, false)), None, false),
            rng(col, None, Some(b(1.0, false)), false),
        ]);
        assert_eq!(normalize(p.clone()), p);
    }
}
