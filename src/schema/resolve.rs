//! Name resolution: a written field path → a schema field.
//!
//! Each path segment is looked up among the fields of its level (top level, then the
//! subform's columns): first by exact name, then by exact alias, then by exact label. A label shared by several
//! fields is ambiguous; a segment matching nothing gets "did you mean" suggestions by edit
//! distance over names and labels.
//!
//! Both stay cheap at any size: an ambiguity lists at most [`MAX_CANDIDATES`] fields
//! (and counts the rest), suggestions compare only names of a near length, through a
//! per-level index built on the first unknown name, within a budget of work per name;
//! and a [`Resolver`] computes them for at most [`MAX_DIAGNOSTICS`] distinct unknown
//! names (the most a [`Diagnostics`](crate::Diagnostics) reports), answering repeats
//! from a cache.

use super::{Field, Schema};
use crate::diagnostic::MAX_DIAGNOSTICS;
use crate::ir::FieldRef;
use crate::schema::FieldType;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

/// The most fields an ambiguity lists by name.
pub(crate) const MAX_CANDIDATES: usize = 5;

/// Edit-distance cells one unknown name may cost its suggestions: far more than any
/// form of a few thousand fields needs, and a bound (about a millisecond) on what a
/// form of 10⁵ similar names can take.
const SUGGEST_CELLS: usize = 1 << 20;

/// A successfully resolved field path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Resolution<'a> {
    /// The field itself (a subform column when `subform` is set).
    pub field: &'a Field,
    /// The enclosing subform of a column.
    pub subform: Option<&'a Field>,
    /// The IR reference for the field, kept by the schema.
    pub field_ref: &'a FieldRef,
}

impl Resolution<'_> {
    /// The IR reference for the resolved field (a shared handle: cloning is cheap).
    pub fn to_ref(self) -> FieldRef {
        self.field_ref.clone()
    }
}

/// Why a field path did not resolve. `segment` is the index of the failing path segment.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ResolveError {
    /// No field has this name, alias or label.
    Unknown {
        /// Index of the segment in the path.
        segment: usize,
        /// Closest names or labels, best first (possibly empty).
        suggestions: Vec<String>,
    },
    /// Several fields carry this label (and none has it as its name).
    Ambiguous {
        /// Index of the segment in the path.
        segment: usize,
        /// The names of the first five fields carrying the label.
        candidates: Vec<String>,
        /// How many fields carry it.
        total: usize,
    },
    /// A path continues after a field that is not a subform.
    NotASubform {
        /// Index of the segment that is not a subform.
        segment: usize,
        /// Its type.
        ty: FieldType,
    },
    /// The path has no segment.
    EmptyPath,
}

impl Schema {
    /// Resolves a field path (one segment, or two for a subform column).
    pub fn resolve(&self, path: &[String]) -> Result<Resolution<'_>, ResolveError> {
        Resolver::new(self).resolve(path)
    }

    /// [`Schema::resolve`] on a dotted string (`items.qty`).
    pub fn resolve_str(&self, dotted: &str) -> Result<Resolution<'_>, ResolveError> {
        let path: Vec<String> = dotted.split('.').map(str::to_owned).collect();
        self.resolve(&path)
    }
}

type Map<V> = HashMap<Box<str>, V, foldhash::fast::RandomState>;

/// The schema's lookup tables, built on first use and kept with the schema, so that
/// compiling a query costs a hash lookup per field reference, not a pass over the form.
#[derive(Debug)]
pub(crate) struct Index {
    top: Level,
    /// The columns of each top-level subform, by the subform's position.
    subforms: Vec<Option<Level>>,
}

/// One level of names: the form's fields or one subform's columns.
#[derive(Debug)]
struct Level {
    /// Names and aliases → position.
    names: Map<u32>,
    /// Labels → the positions of the fields carrying them.
    labels: Map<Vec<u32>>,
    /// Each field's IR handle, handed out by cloning.
    refs: Vec<FieldRef>,
    /// Every name, alias and label by length, for suggestions (built on the first
    /// unknown name).
    spellings: OnceLock<Spellings>,
}

impl Level {
    fn new(fields: &[Field], subform: Option<&str>) -> Level {
        let mut names = Map::default();
        let mut labels: Map<Vec<u32>> = Map::default();
        // Positions fit u32: a schema is loaded from JSON text far smaller than 4 G fields.
        for (i, f) in fields.iter().enumerate() {
            // The first of two equal names wins, as a linear search would have it.
            names.entry(f.name.as_str().into()).or_insert(i as u32);
            if let Some(l) = &f.label {
                labels.entry(l.as_str().into()).or_default().push(i as u32);
            }
        }
        // Aliases after all names, so a name wins over another field's alias.
        for (i, f) in fields.iter().enumerate() {
            for a in &f.aliases {
                names.entry(a.as_str().into()).or_insert(i as u32);
            }
        }
        Level {
            names,
            labels,
            refs: fields.iter().map(|f| f.to_ref(subform)).collect(),
            spellings: OnceLock::new(),
        }
    }

    fn lookup(
        &self,
        fields: &[Field],
        written: &str,
        segment: usize,
        suggest: impl FnOnce(&Level) -> Vec<String>,
    ) -> Result<usize, ResolveError> {
        if let Some(&i) = self.names.get(written) {
            return Ok(i as usize);
        }
        match self.labels.get(written).map(Vec::as_slice) {
            Some(&[one]) => Ok(one as usize),
            None | Some([]) => Err(ResolveError::Unknown {
                segment,
                suggestions: suggest(self),
            }),
            Some(many) => Err(ResolveError::Ambiguous {
                segment,
                candidates: many
                    .iter()
                    .take(MAX_CANDIDATES)
                    .map(|&i| fields[i as usize].name.clone())
                    .collect(),
                total: many.len(),
            }),
        }
    }

    fn spellings(&self, fields: &[Field]) -> &Spellings {
        self.spellings.get_or_init(|| Spellings::new(fields))
    }
}

impl Index {
    fn new(fields: &[Field]) -> Index {
        Index {
            top: Level::new(fields, None),
            subforms: fields
                .iter()
                .map(|f| (f.ty == FieldType::Subform).then(|| Level::new(&f.fields, Some(&f.name))))
                .collect(),
        }
    }
}

/// The cache of a schema's [`Index`]. Cloning shares it (the clone has the same fields);
/// [`Schema::fields_mut`] clears it; it takes no part in equality.
#[derive(Clone, Default)]
pub(crate) struct IndexCell(OnceLock<Arc<Index>>);

impl IndexCell {
    pub(crate) fn get(&self, fields: &[Field]) -> &Index {
        self.0.get_or_init(|| Arc::new(Index::new(fields)))
    }

    pub(crate) fn clear(&mut self) {
        self.0 = OnceLock::new();
    }
}

impl PartialEq for IndexCell {
    fn eq(&self, _: &IndexCell) -> bool {
        true
    }
}

impl fmt::Debug for IndexCell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "built"
        } else {
            "not built"
        })
    }
}

/// Suggestions by level (0: the form, 1 + i: subform i) and unknown name.
type Suggested = HashMap<(usize, Box<str>), Vec<String>>;

/// A schema with its name and label index, for resolving the field paths of one query.
///
/// It remembers the suggestions it made: a name misspelt twice costs one search, and
/// past [`MAX_DIAGNOSTICS`] distinct unknown names it suggests nothing (no report shows
/// more diagnostics than that), so a query of 10⁵ unknown names stays linear.
#[derive(Clone, Debug)]
pub struct Resolver<'a> {
    fields: &'a [Field],
    index: &'a Index,
    /// Suggestions made so far, by level (0: the form, 1 + i: subform i) and name.
    suggested: RefCell<Suggested>,
}

impl<'a> Resolver<'a> {
    /// The resolver of `schema` (its index is built on the schema's first use and kept).
    pub fn new(schema: &'a Schema) -> Resolver<'a> {
        Resolver {
            fields: schema.fields(),
            index: schema.index(),
            suggested: RefCell::new(HashMap::new()),
        }
    }

    /// The suggestions for `written` at `level` among `fields`: cached, and none once
    /// the resolver has searched for [`MAX_DIAGNOSTICS`] names.
    fn suggest(
        &self,
        level_id: usize,
        level: &Level,
        fields: &[Field],
        written: &str,
    ) -> Vec<String> {
        let key = (level_id, Box::<str>::from(written));
        if let Some(found) = self.suggested.borrow().get(&key) {
            return found.clone();
        }
        if self.suggested.borrow().len() >= MAX_DIAGNOSTICS {
            return Vec::new();
        }
        let found = level.spellings(fields).suggest(written);
        self.suggested.borrow_mut().insert(key, found.clone());
        found
    }

    /// Whether some top-level field has this name, alias or label (no suggestions
    /// computed).
    pub fn knows(&self, name_or_label: &str) -> bool {
        self.index.top.names.contains_key(name_or_label)
            || self.index.top.labels.contains_key(name_or_label)
    }

    /// Resolves a field path: by name, then by alias, then by label, at each level.
    pub fn resolve<S: AsRef<str>>(&self, path: &[S]) -> Result<Resolution<'a>, ResolveError> {
        let top = &self.index.top;
        match path {
            [one] => {
                let i = top.lookup(self.fields, one.as_ref(), 0, |l| {
                    self.suggest(0, l, self.fields, one.as_ref())
                })?;
                Ok(Resolution {
                    field: &self.fields[i],
                    subform: None,
                    field_ref: &top.refs[i],
                })
            }
            [outer, inner] => {
                let s = top.lookup(self.fields, outer.as_ref(), 0, |l| {
                    self.suggest(0, l, self.fields, outer.as_ref())
                })?;
                let sub = &self.fields[s];
                let Some(level) = self.index.subforms[s].as_ref() else {
                    return Err(ResolveError::NotASubform {
                        segment: 0,
                        ty: sub.ty,
                    });
                };
                let i = level.lookup(&sub.fields, inner.as_ref(), 1, |l| {
                    self.suggest(1 + s, l, &sub.fields, inner.as_ref())
                })?;
                Ok(Resolution {
                    field: &sub.fields[i],
                    subform: Some(sub),
                    field_ref: &level.refs[i],
                })
            }
            [_, _, ..] => {
                // Subforms do not nest: `a.b.c` fails at `b` (after `a.b` itself resolves,
                // so a typo earlier in the path is reported first).
                let column = self.resolve(&path[..2])?;
                Err(ResolveError::NotASubform {
                    segment: 1,
                    ty: column.field.ty,
                })
            }
            [] => Err(ResolveError::EmptyPath),
        }
    }
}

/// Every spelling (name, alias, label) of a level's fields, lower-cased and split into
/// characters once, grouped by length in characters.
#[derive(Debug)]
struct Spellings {
    /// `by_len[n]`: the spellings of `n` characters, in field order.
    by_len: Vec<Vec<Spelling>>,
}

#[derive(Debug)]
struct Spelling {
    chars: Box<[char]>,
    /// The field's position.
    field: u32,
    /// 0 for the name, then the aliases, then the label: the first of a field's
    /// equally close spellings is suggested.
    rank: u32,
    text: Box<str>,
}

impl Spellings {
    fn new(fields: &[Field]) -> Spellings {
        let mut by_len: Vec<Vec<Spelling>> = Vec::new();
        for (i, f) in fields.iter().enumerate() {
            let all = std::iter::once(f.name.as_str())
                .chain(f.aliases.iter().map(String::as_str))
                .chain(f.label.as_deref());
            for (rank, text) in all.enumerate() {
                let chars: Box<[char]> = text.to_lowercase().chars().collect();
                let n = chars.len();
                if by_len.len() <= n {
                    by_len.resize_with(n + 1, Vec::new);
                }
                // Positions and ranks fit u32: see `Level::new`.
                by_len[n].push(Spelling {
                    chars,
                    field: i as u32,
                    rank: rank as u32,
                    text: text.into(),
                });
            }
        }
        Spellings { by_len }
    }

    /// The names or labels closest to `written`, when close enough to be a likely
    /// typo: all those tied at the smallest distance (a field's closest spelling, the
    /// first of a tie), in field order, at most three.
    fn suggest(&self, written: &str) -> Vec<String> {
        let wanted: Vec<char> = written.to_lowercase().chars().collect();
        let len = wanted.len();
        let limit = typo_limit(len);
        let mut budget = SUGGEST_CELLS;
        // (distance, field, rank) of the best spellings so far.
        let mut best: Vec<(usize, u32, u32, &str)> = Vec::new();
        let mut bound = limit;
        // The distance is at least the difference in length: lengths nearest first,
        // so the budget goes to the likeliest candidates.
        let lengths = (0..=limit).flat_map(|d| {
            let shorter = len.checked_sub(d).filter(|_| d > 0);
            std::iter::once(len + d).chain(shorter)
        });
        'lengths: for n in lengths {
            if n.abs_diff(len) > bound {
                continue;
            }
            for sp in self.by_len.get(n).map_or(&[][..], Vec::as_slice) {
                if budget == 0 {
                    break 'lengths;
                }
                let Some(d) = distance_within(&wanted, &sp.chars, bound, &mut budget) else {
                    continue;
                };
                if best.first().is_some_and(|b| b.0 > d) {
                    best.clear();
                }
                bound = d;
                best.push((d, sp.field, sp.rank, &sp.text));
            }
        }
        // One spelling per field, the first of its ranks; fields in schema order.
        best.sort_unstable_by_key(|&(_, field, rank, _)| (field, rank));
        best.dedup_by_key(|b| b.1);
        let mut found: Vec<String> = Vec::new();
        for (_, _, _, text) in best {
            if !found.iter().any(|s| s == text) {
                found.push(text.to_owned());
            }
            if found.len() == 3 {
                break;
            }
        }
        found
    }
}

/// [`edit_distance`] between `a` and `b` when it is at most `k`, computed over the
/// diagonal band of width `2k + 1` only and given up as soon as a row exceeds `k`;
/// the cells computed are taken from `budget`.
fn distance_within(a: &[char], b: &[char], k: usize, budget: &mut usize) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > k {
        return None;
    }
    const FAR: usize = usize::MAX / 4;
    let mut before = vec![FAR; m + 1];
    let mut prev: Vec<usize> = (0..=m).map(|j| if j <= k { j } else { FAR }).collect();
    let mut cur = vec![FAR; m + 1];
    for i in 1..=n {
        let lo = i.saturating_sub(k).max(1);
        let hi = (i + k).min(m);
        cur[0] = if i <= k { i } else { FAR };
        cur[lo - 1] = if lo == 1 { cur[0] } else { FAR };
        let mut row_min = cur[0];
        let cells = (hi + 1).saturating_sub(lo) + 1;
        *budget = budget.saturating_sub(cells);
        #[cfg(test)]
        tests::CELLS.with(|c| c.set(c.get() + cells));
        for j in lo..=hi {
            let ca = a[i - 1];
            let cb = b[j - 1];
            let mut d = (prev[j - 1] + usize::from(ca != cb))
                .min(prev[j] + 1)
                .min(cur[j - 1] + 1);
            if i > 1 && j > 1 && ca == b[j - 2] && a[i - 2] == cb && ca != cb {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if hi < m {
            cur[hi + 1] = FAR;
        }
        if row_min > k {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[m] <= k).then_some(prev[m])
}

/// How many edits a name of `len` characters may be away from a field to be suggested.
///
/// Short names get one edit (a swapped pair counts as one, see [`edit_distance`]), so
/// `nmae` finds `name` while a two-letter name does not match every other two-letter
/// name twice over; from five characters two edits, and long names a third of their
/// length, since a long identifier has room for more slips while staying recognisable.
fn typo_limit(len: usize) -> usize {
    match len {
        0..=4 => 1,
        5..=8 => 2,
        _ => len / 3,
    }
}

/// Optimal string alignment distance in characters (so a Chinese character counts as
/// one edit): insertions, deletions, substitutions and transpositions of two adjacent
/// characters each cost one. Transpositions are the commonest typing slip (`nmae`), and
/// plain Levenshtein would charge them two.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows: a transposition looks two rows back.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != cb);
            let mut d = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb && ca != cb {
                d = d.min(before[j - 1] + 1);
            }
            cur[j + 1] = d;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    thread_local! {
        /// Edit-distance cells budgeted so far on this thread.
        pub(super) static CELLS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    proptest! {
        #[test]
        fn the_banded_distance_agrees_with_the_full_one(
            a in "[abc手机]{0,9}",
            b in "[abc手机]{0,9}",
            k in 0usize..5,
        ) {
            let a: Vec<char> = a.chars().collect();
            let b: Vec<char> = b.chars().collect();
            let full = edit_distance(&a.iter().collect::<String>(), &b.iter().collect::<String>());
            prop_assert_eq!(distance_within(&a, &b, k, &mut usize::MAX.clone()), (full <= k).then_some(full));
        }
    }

    fn wide(n: usize) -> Schema {
        Schema::new(
            (0..n)
                .map(|i| Field::new(format!("f{i}"), FieldType::Number))
                .collect(),
        )
    }

    /// Edit-distance cells spent resolving each of `names` with one resolver.
    fn cells(schema: &Schema, names: &[String]) -> usize {
        CELLS.with(|c| c.set(0));
        let r = Resolver::new(schema);
        for n in names {
            assert!(r.resolve(std::slice::from_ref(n)).is_err());
        }
        CELLS.with(|c| c.get())
    }

    fn unknown(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("g{i}x")).collect()
    }

    #[test]
    fn suggestion_work_is_bounded_per_query_whatever_the_schema_and_query_size() {
        // 10⁵ fields × 10³ unknown names, and 10³ fields × 9·10⁴ unknown names: the
        // issue's two shapes (172 s and 40 s before).
        let huge = wide(100_000);
        let (w100, w1000) = (cells(&huge, &unknown(100)), cells(&huge, &unknown(1_000)));
        eprintln!("10^5 fields: {w100} cells for 100 names, {w1000} for 1000");
        assert!(w1000 <= MAX_DIAGNOSTICS * SUGGEST_CELLS, "{w1000}");
        assert!(
            w1000 <= w100 * 11 / 10,
            "input x10 -> work x{}",
            w1000 / w100.max(1)
        );
        let form = wide(1_000);
        let (w9k, w90k) = (
            cells(&form, &unknown(9_000)),
            cells(&form, &unknown(90_000)),
        );
        eprintln!("10^3 fields: {w9k} cells for 9k names, {w90k} for 90k");
        assert!(
            w90k <= w9k * 11 / 10,
            "input x10 -> work x{}",
            w90k / w9k.max(1)
        );
    }

    #[test]
    fn a_repeated_unknown_name_is_searched_once() {
        let form = wide(1_000);
        let once = cells(&form, &["f12x3".to_owned()]);
        assert!(once > 0);
        assert_eq!(cells(&form, &vec!["f12x3".to_owned(); 50]), once);
    }

    #[test]
    fn suggestions_stay_good_in_big_and_small_forms() {
        let huge = wide(100_000);
        let r = Resolver::new(&huge);
        let Err(ResolveError::Unknown { suggestions, .. }) = r.resolve(&["f4242x"]) else {
            panic!()
        };
        assert_eq!(suggestions, ["f42420", "f42421", "f42422"]);
        let demo = Schema::demo();
        let r = Resolver::new(&demo);
        for (typo, want) in [
            ("手记", "手机"),
            ("createTim", "createTime"),
            ("STAUTS", "status"),
        ] {
            let Err(ResolveError::Unknown { suggestions, .. }) = r.resolve(&[typo]) else {
                panic!("{typo}")
            };
            assert_eq!(suggestions, [want], "{typo}");
        }
    }

    #[test]
    fn distance_counts_characters_not_bytes() {
        assert_eq!(edit_distance("手机", "手记"), 1);
        assert_eq!(edit_distance("createTim", "createTime"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn a_swapped_pair_is_one_edit() {
        assert_eq!(edit_distance("nmae", "name"), 1);
        assert_eq!(edit_distance("stauts", "status"), 1);
        assert_eq!(edit_distance("机手", "手机"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
        // Optimal string alignment, not full Damerau: no edits inside a swapped pair.
        assert_eq!(edit_distance("ca", "abc"), 3);
        assert_eq!(edit_distance("abcd", "badc"), 2);
        assert_eq!(edit_distance("abc", "abc"), 0);
    }

    #[test]
    fn short_names_allow_one_edit_longer_ones_two() {
        assert_eq!(typo_limit(1), 1);
        assert_eq!(typo_limit(4), 1);
        assert_eq!(typo_limit(5), 2);
        assert_eq!(typo_limit(8), 2);
        assert_eq!(typo_limit(12), 4);
    }
}
