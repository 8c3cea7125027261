//! No-schema mode: infer each unknown field's type from how the query uses it (the
//! table is in the `check` module docs). A field gets the first candidate left after all
//! its uses; after a conflict the field's other predicates are not checked further
//! (their errors would only repeat the conflict).
//!
//! A boolean literal constrains nothing (no field type takes one). A field whose typed
//! uses are all booleans would be inferred `other`, and the checker would then reject
//! the very operator that made us infer it; instead each of its boolean literals gets one
//! `filterql::check::boolean_value` error and its predicates are not checked further.
//! When some other use types the field, its boolean literals are reported by the
//! checker proper as literals of the wrong kind for that type.

use super::error::CheckError;
use crate::schema::{Field, FieldType, Resolver, Schema};
use crate::span::Span;
use crate::syntax::ast::{
    CmpOp, Expr, HasOperand, Literal, PredKind, Predicate, Str, TextOp, Value,
};
use std::collections::{HashMap, HashSet};

pub(super) struct Inferred {
    /// The base schema plus the inferred fields.
    pub schema: Schema,
    /// Fields whose uses conflict: their predicates are skipped.
    pub poisoned: HashSet<Vec<Str>>,
    /// The `inferred_types` warning.
    pub warning: CheckError,
}

/// The fields seen, in first-use order, with an index by path.
#[derive(Default)]
struct Entries {
    list: Vec<Entry>,
    index: HashMap<Vec<Str>, usize>,
}

struct Entry {
    path: Vec<Str>,
    candidates: Option<Vec<FieldType>>,
    /// The boolean literals written against this field.
    booleans: Vec<Span>,
}

enum Kind {
    Str,
    Num,
    Time,
}

fn kind(lit: &Literal) -> Option<Kind> {
    match lit.value {
        Value::String(_) => Some(Kind::Str),
        Value::Number(_) => Some(Kind::Num),
        Value::Date(_) | Value::DateTime(_) | Value::Relative(_) | Value::Period(_) => {
            Some(Kind::Time)
        }
        Value::Bool(_) => None,
    }
}

/// The kind of the first literal that has one (booleans have none), so `x in (true, 1)`
/// still types `x` from the `1`.
fn first_kind<'a>(lits: impl IntoIterator<Item = &'a Literal>) -> Option<Kind> {
    lits.into_iter().find_map(kind)
}

/// The operand literals of a predicate.
fn literals(p: &PredKind) -> Vec<&Literal> {
    match p {
        PredKind::Compare { value, .. } | PredKind::Text { value, .. } => vec![value],
        PredKind::In { list, .. } => list.items.iter().collect(),
        PredKind::Between { low, high, .. } => vec![low, high],
        PredKind::Has { values, .. } => match values {
            HasOperand::One(l) => vec![l],
            HasOperand::List(l) => l.items.iter().collect(),
        },
        PredKind::IsEmpty { .. } | PredKind::Phone { .. } => Vec::new(),
    }
}

fn constraint(p: &PredKind) -> Option<Vec<FieldType>> {
    use FieldType::*;
    let first = first_kind(literals(p));
    let equality = |k: Option<Kind>| match k? {
        Kind::Str => Some(vec![Text, Phone, Select, Sn, User, Dataid]),
        Kind::Num => Some(vec![Number, Flowstate, Dept]),
        Kind::Time => Some(vec![Datetime]),
    };
    let order = |k: Option<Kind>| match k? {
        Kind::Str => Some(vec![Text]),
        Kind::Num => Some(vec![Number]),
        Kind::Time => Some(vec![Datetime]),
    };
    match p {
        PredKind::Compare {
            op: CmpOp::Eq | CmpOp::Ne,
            ..
        }
        | PredKind::In { .. } => equality(first),
        PredKind::Compare { .. } | PredKind::Between { .. } => order(first),
        PredKind::IsEmpty { .. } => None,
        PredKind::Phone { .. } => Some(vec![Phone]),
        PredKind::Text {
            op: TextOp::Contains,
            ..
        } => Some(vec![Text, Phone, Sn]),
        PredKind::Text { .. } => Some(vec![Text, Sn]),
        PredKind::Has { .. } => match first {
            Some(Kind::Num) => Some(vec![Deptgroup]),
            _ => Some(vec![Multiselect, Usergroup]),
        },
    }
}

fn type_name(c: &Option<Vec<FieldType>>) -> String {
    match c.as_deref().and_then(|c| c.first()) {
        Some(FieldType::Subform) => "a subform".to_owned(),
        Some(t) => t.name().to_owned(),
        None => "any type".to_owned(),
    }
}

pub(super) fn infer(expr: &Expr, base: &Schema, errors: &mut Vec<CheckError>) -> Inferred {
    let mut entries = Entries::default();
    let mut poisoned: HashSet<Vec<Str>> = HashSet::new();
    let known = Resolver::new(base);
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Or(v, _) | Expr::And(v, _) => stack.extend(v.iter().rev()),
            Expr::Not(b, _) => stack.push(b),
            Expr::Pred(p) => use_field(p, &known, &mut entries, &mut poisoned, errors),
        }
    }
    // Fields typed only by booleans: report the booleans rather than infer `other`.
    for e in &entries.list {
        if e.candidates.is_none() && !e.booleans.is_empty() && !poisoned.contains(&e.path) {
            for &span in &e.booleans {
                errors.push(CheckError::BooleanValue {
                    field: e.path.join("."),
                    span,
                });
            }
            poisoned.insert(e.path.clone());
        }
    }
    let mut schema = base.clone();
    let mut listed = Vec::new();
    // Subform name → indices of its columns' entries, in first-use order.
    let mut columns: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in entries.list.iter().enumerate() {
        if e.path.len() == 2 {
            columns.entry(e.path[0].as_str()).or_default().push(i);
        }
    }
    let entries = &entries.list;
    for e in entries.iter().filter(|e| e.path.len() == 1) {
        if poisoned.contains(&e.path) {
            continue;
        }
        let ty = e
            .candidates
            .as_deref()
            .and_then(|c| c.first().copied())
            .unwrap_or(FieldType::Other);
        let mut field = Field::new(e.path[0].clone(), ty);
        listed.push(format!("`{}`: {ty}", e.path[0]));
        if ty == FieldType::Subform {
            let of_this = columns
                .get(e.path[0].as_str())
                .map_or(&[][..], Vec::as_slice);
            for c in of_this
                .iter()
                .map(|i| &entries[*i])
                .filter(|c| !poisoned.contains(&c.path))
            {
                let cty = c
                    .candidates
                    .as_deref()
                    .and_then(|c| c.first().copied())
                    .unwrap_or(FieldType::Other);
                listed.push(format!("`{}.{}`: {cty}", c.path[0], c.path[1]));
                field.fields.push(Field::new(c.path[1].clone(), cty));
            }
        }
        schema.fields_mut().push(field);
    }
    let list = if listed.is_empty() && poisoned.is_empty() {
        "none (only system fields are used)".to_owned()
    } else if listed.is_empty() {
        "none".to_owned()
    } else {
        listed.join(", ")
    };
    Inferred {
        schema,
        poisoned,
        warning: CheckError::InferredTypes {
            list,
            span: expr.span(),
        },
    }
}

fn use_field(
    p: &Predicate,
    known: &Resolver<'_>,
    entries: &mut Entries,
    poisoned: &mut HashSet<Vec<Str>>,
    errors: &mut Vec<CheckError>,
) {
    let path = &p.field.path;
    // Only names the base schema (the system fields) does not know are inferred; any
    // other resolution problem is reported by the checker proper.
    if path.is_empty() || known.knows(&path[0]) {
        return;
    }
    // `a.b.c` makes `a` a subform and `a.b` a column of no known type; the checker then
    // reports that subforms do not nest.
    let own = if path.len() > 2 {
        None
    } else {
        constraint(&p.kind)
    };
    let path = path[..path.len().min(2)].to_vec();
    let booleans: Vec<Span> = literals(&p.kind)
        .into_iter()
        .filter(|l| matches!(l.value, Value::Bool(_)))
        .map(|l| l.span)
        .collect();
    let mut uses = vec![(path.clone(), own)];
    if path.len() == 2 {
        uses.insert(0, (path[..1].to_vec(), Some(vec![FieldType::Subform])));
    }
    let last = uses.len() - 1;
    for (k, (path, wanted)) in uses.into_iter().enumerate() {
        if poisoned.contains(&path) {
            return;
        }
        // The literals belong to the predicate's own field, not to its subform.
        let own_booleans = if k == last {
            booleans.clone()
        } else {
            Vec::new()
        };
        let Some(&i) = entries.index.get(&path) else {
            entries.index.insert(path.clone(), entries.list.len());
            entries.list.push(Entry {
                path,
                candidates: wanted,
                booleans: own_booleans,
            });
            continue;
        };
        let entry = &mut entries.list[i];
        entry.booleans.extend(own_booleans);
        let Some(wanted) = wanted else { continue };
        let narrowed: Vec<FieldType> = match &entry.candidates {
            None => wanted.clone(),
            Some(have) => have
                .iter()
                .copied()
                .filter(|t| wanted.contains(t))
                .collect(),
        };
        if narrowed.is_empty() {
            errors.push(CheckError::ConflictingTypes {
                field: path.join("."),
                now: type_name(&Some(wanted)),
                before: type_name(&entry.candidates),
                span: p.field.span,
            });
            poisoned.insert(path);
            return;
        }
        entry.candidates = Some(narrowed);
    }
}
