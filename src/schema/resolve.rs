//! Name resolution: a written field path → a schema field.
//!
//! Each path segment is looked up among the fields of its level (top level, then the
//! subform's columns): first by exact name, then by exact label. A label shared by several
//! fields is ambiguous; a segment matching nothing gets "did you mean" suggestions by edit
//! distance over names and labels.

use super::{Field, Schema};
use crate::ir::FieldRef;
use crate::schema::FieldType;

/// A successfully resolved field path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Resolution<'a> {
    /// The field itself (a subform column when `subform` is set).
    pub field: &'a Field,
    /// The enclosing subform of a column.
    pub subform: Option<&'a Field>,
}

impl Resolution<'_> {
    /// The IR reference for the resolved field.
    pub fn to_ref(&self) -> FieldRef {
        self.field.to_ref(self.subform.map(|s| s.name.as_str()))
    }
}

/// Why a field path did not resolve. `segment` is the index of the failing path segment.
#[derive(Clone, Debug, PartialEq)]
pub enum ResolveError {
    /// No field has this name or label.
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
        match path {
            [one] => lookup_in(&self.fields, one, 0).map(|field| Resolution {
                field,
                subform: None,
            }),
            [outer, inner] => {
                let sub = lookup_in(&self.fields, outer, 0)?;
                if sub.ty != FieldType::Subform {
                    return Err(ResolveError::NotASubform {
                        segment: 0,
                        ty: sub.ty,
                    });
                }
                let field = lookup_in(&sub.fields, inner, 1)?;
                Ok(Resolution {
                    field,
                    subform: Some(sub),
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

    /// [`Schema::resolve`] on a dotted string (`items.qty`).
    pub fn resolve_str(&self, dotted: &str) -> Result<Resolution<'_>, ResolveError> {
        let path: Vec<String> = dotted.split('.').map(str::to_owned).collect();
        self.resolve(&path)
    }
}

fn lookup_in<'a>(
    fields: &'a [Field],
    written: &str,
    segment: usize,
) -> Result<&'a Field, ResolveError> {
    if let Some(f) = fields.iter().find(|f| f.name == written) {
        return Ok(f);
    }
    let by_label: Vec<&Field> = fields
        .iter()
        .filter(|f| f.label.as_deref() == Some(written))
        .collect();
    match by_label.as_slice() {
        [one] => Ok(one),
        [] => Err(ResolveError::Unknown {
            segment,
            suggestions: suggest(fields, written),
        }),
        many => Err(ResolveError::Ambiguous {
            segment,
            candidates: many.iter().map(|f| f.name.clone()).collect(),
        }),
    }
}

/// The names or labels closest to `written`, when close enough to be a likely typo.
fn suggest(fields: &[Field], written: &str) -> Vec<String> {
    let wanted = written.to_lowercase();
    let limit = (wanted.chars().count() / 3).max(1);
    let mut best: Option<usize> = None;
    let mut found: Vec<String> = Vec::new();
    for f in fields {
        // A field's name and label are one candidate: the closer spelling is suggested.
        let mut candidates = vec![f.name.as_str()];
        candidates.extend(f.label.as_deref());
        let Some((d, spelling)) = candidates
            .into_iter()
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

/// Levenshtein distance in characters (so a Chinese character counts as one edit).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
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
}
