//! Name resolution: a written field path → a schema field.
//!
//! Each path segment is looked up among the fields of its level (top level, then the
//! subform's columns): first by exact name, then by exact alias, then by exact label. A label shared by several
//! fields is ambiguous; a segment matching nothing gets "did you mean" suggestions by edit
//! distance over names and labels.

use super::{Field, Schema};
use crate::ir::FieldRef;
use crate::schema::FieldType;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

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
        /// The names of the fields carrying the label.
        candidates: Vec<String>,
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
        }
    }

    fn lookup(
        &self,
        fields: &[Field],
        written: &str,
        segment: usize,
    ) -> Result<usize, ResolveError> {
        if let Some(&i) = self.names.get(written) {
            return Ok(i as usize);
        }
        match self.labels.get(written).map(Vec::as_slice) {
            Some(&[one]) => Ok(one as usize),
            None | Some([]) => Err(ResolveError::Unknown {
                segment,
                suggestions: suggest(fields, written),
            }),
            Some(many) => Err(ResolveError::Ambiguous {
                segment,
                candidates: many
                    .iter()
                    .map(|&i| fields[i as usize].name.clone())
                    .collect(),
            }),
        }
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

/// A schema with its name and label index, for resolving field paths.
#[derive(Clone, Copy, Debug)]
pub struct Resolver<'a> {
    fields: &'a [Field],
    index: &'a Index,
}

impl<'a> Resolver<'a> {
    /// The resolver of `schema` (its index is built on the schema's first use and kept).
    pub fn new(schema: &'a Schema) -> Resolver<'a> {
        Resolver {
            fields: schema.fields(),
            index: schema.index(),
        }
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
                let i = top.lookup(self.fields, one.as_ref(), 0)?;
                Ok(Resolution {
                    field: &self.fields[i],
                    subform: None,
                    field_ref: &top.refs[i],
                })
            }
            [outer, inner] => {
                let s = top.lookup(self.fields, outer.as_ref(), 0)?;
                let sub = &self.fields[s];
                let Some(level) = self.index.subforms[s].as_ref() else {
                    return Err(ResolveError::NotASubform {
                        segment: 0,
                        ty: sub.ty,
                    });
                };
                let i = level.lookup(&sub.fields, inner.as_ref(), 1)?;
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

/// The names or labels closest to `written`, when close enough to be a likely typo.
fn suggest(fields: &[Field], written: &str) -> Vec<String> {
    let wanted = written.to_lowercase();
    let wanted_len = wanted.chars().count();
    let limit = typo_limit(wanted_len);
    let mut best: Option<usize> = None;
    let mut found: Vec<String> = Vec::new();
    for f in fields {
        // A field's name, aliases and label are one candidate: the closer spelling is
        // suggested.
        let mut candidates = vec![f.name.as_str()];
        candidates.extend(f.aliases.iter().map(String::as_str));
        candidates.extend(f.label.as_deref());
        let Some((d, spelling)) = candidates
            .into_iter()
            // The distance is at least the length difference: skip hopeless candidates
            // cheaply, so a huge schema does not make every unknown name slow.
            .filter(|c| c.chars().count().abs_diff(wanted_len) <= limit)
            .map(|c| (edit_distance(&wanted, &c.to_lowercase()), c))
            .min_by_key(|(d, _)| *d)
        else {
            continue;
        };
        if d > limit {
            continue;
        }
        match best {
            Some(b) if d > b => {}
            Some(b) if d == b => {
                if !found.iter().any(|s| s == spelling) {
                    found.push(spelling.to_owned());
                }
            }
            _ => {
                best = Some(d);
                found = vec![spelling.to_owned()];
            }
        }
    }
    found.truncate(3);
    found
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
