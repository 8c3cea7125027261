//! Condition tree → query syntax, meaning-preserving.
//!
//! The tree is read under the backend's SQL semantics and storage model (see
//! [the module docs](super)); the result is a query that matches exactly the same
//! records under the language's two-valued semantics. Where no such query exists the
//! tree is refused:
//!
//! - a text column can hold `NULL` and `""`, which the language lumps together as
//!   *empty*; a tree that treats the two differently (a bare `ISNULL t`, `EQUAL t ""`,
//!   `NOT_EQUAL t "a"` without its `ISNULL` arm, ...) has no equivalent query. The
//!   check is per column: the tree with that column set to `NULL` must simplify to the
//!   same formula as with it set to `""`;
//! - what the checker would refuse in the decompiled text: ordering other than on
//!   number and datetime fields, `LIKE` other than `contains` on text/sn/phone and
//!   `startswith`/`endswith` on text/sn, a select value that is not one of the field's
//!   options, a flow state outside 0-3, a fractional department number;
//! - LIKE patterns other than `a`, `a%`, `%a`, `%a%` (with `a` free of `%`, `_`, `\`);
//! - values that do not read in the column's format, unknown columns (with a schema),
//!   field types the backend never emits, trees without any leaf (`{"op":"AND",
//!   "condition":[]}`: the language has no constant to write), and trees deeper than
//!   200 groups or wider than 5000 leaves;
//! - leaves with an empty `col`, and any tree whose text the checker still refuses as
//!   a whole (e.g. longer than the query size limit): the text is compiled before it is
//!   returned, so decompiled text always compiles.
//!
//! The text is kept short where the meaning allows: `OR(NOT_EQUAL x "a", ISNULL x)`
//! decompiles to `x != "a"`, `AND(NOTNULL x, NOT_EQUAL x "")` to `x is not empty`.
//! A tree that is constant (the compiler emits `AND(EQUAL n "1", ISNULL n)` for
//! `n = 1 and n is empty`) is written leaf by leaf without folding, `n = 1 and n is
//! empty`, since the language has no constant; a leaf that is itself constant on every
//! value becomes `x is empty or x is not empty` (or its contradiction).
//!
//! Columns resolve against the schema by column name (a field's `column`, else its
//! name) and are written back by field name. Without a schema (`Schema::infer`), a
//! column whose values all read as numbers is taken as numeric, else one whose values
//! all read as datetimes as a datetime, else as text. Datetimes are written with the
//! explicit offset of the time zone they were read in, so the text means the same
//! instant whatever zone it is later compiled in.

use super::error::DecompileError;
use super::tree::{CmpOp as MdCmp, Condition, Leaf, LeafOp};
use super::value::{parse_datetime, parse_number, ColumnKind};
use crate::schema::{FieldType, Schema};
use crate::span::Span;
use crate::syntax::ast::{
    CmpOp, DateTimeLit, Expr, Field, List, Literal, PredKind, Predicate, TextOp, Value,
};
use crate::target::checker_errors;
use chrono::{DateTime, FixedOffset};
use std::collections::{HashMap, HashSet};

/// The deepest tree decompiled (group levels), well above anything serde_json reads.
const MAX_TREE_DEPTH: usize = 200;

/// The most leaves decompiled. The NULL-versus-"" check costs a pass over the tree per
/// column that needs it, so the size is bounded to keep that quick.
const MAX_LEAVES: usize = 5_000;

/// Reads a condition tree from JSON text and decompiles it.
pub fn decompile_json(
    text: &str,
    schema: &Schema,
    tz: FixedOffset,
) -> Result<Expr, Vec<DecompileError>> {
    let cond = Condition::from_json(text).map_err(|e| {
        vec![DecompileError::Json {
            message: e.to_string(),
        }]
    })?;
    decompile(&cond, schema, tz)
}

/// Decompiles a condition tree into a query, reading datetimes in `tz`. Collects every
/// error.
pub fn decompile(
    cond: &Condition,
    schema: &Schema,
    tz: FixedOffset,
) -> Result<Expr, Vec<DecompileError>> {
    if cond.depth() > MAX_TREE_DEPTH {
        return Err(vec![DecompileError::TooLarge {
            reason: format!("it nests more than {MAX_TREE_DEPTH} groups deep"),
        }]);
    }
    let leaves = cond.leaf_count();
    if leaves > MAX_LEAVES {
        return Err(vec![DecompileError::TooLarge {
            reason: format!("it has {leaves} leaves, more than {MAX_LEAVES}"),
        }]);
    }
    let mut cx = Decompiler {
        schema,
        tz,
        atoms: Vec::new(),
        errors: Vec::new(),
    };
    let kinds = cx.column_kinds(cond);
    let tree = cx.node(cond, "", &kinds);
    if !cx.errors.is_empty() {
        return Err(cx.errors);
    }
    // Text columns: NULL and "" must be indistinguishable. Only a column with a leaf
    // that tells them apart can fail, so only those are checked (which keeps wide
    // trees fast).
    let mut checked: HashSet<&str> = HashSet::new();
    for a in &cx.atoms {
        if a.on_null == a.on_blank || !checked.insert(a.col.as_str()) {
            continue;
        }
        let as_null = restrict(&tree, &|i| {
            let b = &cx.atoms[i];
            (b.col == a.col).then_some(b.on_null)
        });
        let as_blank = restrict(&tree, &|i| {
            let b = &cx.atoms[i];
            (b.col == a.col).then_some(b.on_blank)
        });
        if as_null != as_blank {
            cx.errors
                .push(DecompileError::NullVersusEmpty { col: a.col.clone() });
        }
    }
    if !cx.errors.is_empty() {
        return Err(cx.errors);
    }
    let out = match emit(&tree, &cx.atoms) {
        Out::Const(always) => match cx.atoms.first() {
            // Constant, yet the compiler emits such trees (`n = 1 and n is empty`):
            // written without folding, the text means the same constant.
            Some(first) if tree != Node::Const(always) => {
                Out::Expr(emit_unfolded(&tree, &cx.atoms, &first.field))
            }
            Some(first) => Out::Expr(constant(&first.field, always)),
            None => Out::Const(always),
        },
        e => e,
    };
    match out {
        Out::Const(always) => Err(vec![DecompileError::Constant { always }]),
        Out::Expr(e) => {
            // Every leaf was read as the checker reads values, but the printed query can
            // still be refused as a whole (e.g. past the query size limit); text that does
            // not compile is never handed out.
            let problems = checker_errors(&e.to_string(), schema, tz);
            if problems.is_empty() {
                Ok(e)
            } else {
                Err(problems
                    .into_iter()
                    .map(|message| DecompileError::Rejected { message })
                    .collect())
            }
        }
    }
}

/// One leaf, split by the value class of its column: a non-empty value (`nonempty`),
/// `NULL` (`on_null`) and, in text columns, `""` (`on_blank`).
struct Atom {
    /// The column as written in the tree.
    col: String,
    /// The field name to write.
    field: String,
    nonempty: NonEmpty,
    on_null: bool,
    on_blank: bool,
}

/// A leaf's meaning on non-empty values.
enum NonEmpty {
    Const(bool),
    /// This positive test (false on empty).
    Pos(PredKind),
    /// The complement of this positive test.
    Neg(PredKind),
}

/// The tree with leaves replaced by atom indices.
#[derive(Clone, Debug, PartialEq)]
enum Node {
    Const(bool),
    Atom(usize),
    And(Vec<Node>),
    Or(Vec<Node>),
}

struct Decompiler<'a> {
    schema: &'a Schema,
    tz: FixedOffset,
    atoms: Vec<Atom>,
    errors: Vec<DecompileError>,
}

/// Each column's resolved field, or `None` when it failed to resolve.
type Kinds = HashMap<String, Option<Resolved>>;

/// A column resolved to a field.
#[derive(Clone)]
struct Resolved {
    field: String,
    ty: FieldType,
    kind: ColumnKind,
    /// A select field's options (empty: any value).
    options: Vec<String>,
}

impl Decompiler<'_> {
    /// Resolves every column once, so a bad column is reported once.
    fn column_kinds(&mut self, cond: &Condition) -> Kinds {
        // Leaves grouped by column, columns in order of first appearance.
        let mut cols: Vec<(&str, String, Vec<&Leaf>)> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut stack = vec![(cond, String::new())];
        while let Some((c, path)) = stack.pop() {
            match c {
                Condition::Leaf(l) => match index.get(l.col.as_str()) {
                    Some(&i) => cols[i].2.push(l),
                    None => {
                        index.insert(&l.col, cols.len());
                        let path = if path.is_empty() {
                            "/".to_owned()
                        } else {
                            path
                        };
                        cols.push((&l.col, path, vec![l]));
                    }
                },
                Condition::And(cs) | Condition::Or(cs) => {
                    for (i, c) in cs.iter().enumerate().rev() {
                        stack.push((c, format!("{path}/condition/{i}")));
                    }
                }
            }
        }
        let mut kinds: Kinds = HashMap::new();
        for (col, path, leaves) in cols {
            let found = self
                .schema
                .fields()
                .iter()
                .find(|f| f.column.as_deref().unwrap_or(&f.name) == col);
            let resolved = match found {
                Some(f) => match ColumnKind::of(f.ty) {
                    Some(kind) => Some(Resolved {
                        field: f.name.clone(),
                        ty: f.ty,
                        kind,
                        options: f.options.clone(),
                    }),
                    None => {
                        self.errors.push(DecompileError::UnsupportedType {
                            path,
                            col: col.to_owned(),
                            ty: f.ty.name().to_owned(),
                        });
                        None
                    }
                },
                None if col.is_empty() => {
                    self.errors.push(DecompileError::EmptyColumn { path });
                    None
                }
                None if self.schema.infer => {
                    let kind = self.guess_kind(&leaves);
                    let ty = match kind {
                        ColumnKind::Text => FieldType::Text,
                        ColumnKind::Number => FieldType::Number,
                        ColumnKind::DateTime => FieldType::Datetime,
                    };
                    Some(Resolved {
                        field: col.to_owned(),
                        ty,
                        kind,
                        options: Vec::new(),
                    })
                }
                None => {
                    self.errors.push(DecompileError::UnknownColumn {
                        path,
                        col: col.to_owned(),
                    });
                    None
                }
            };
            kinds.insert(col.to_owned(), resolved);
        }
        kinds
    }

    fn guess_kind(&self, leaves: &[&Leaf]) -> ColumnKind {
        let mut values = Vec::new();
        for l in leaves {
            match &l.test {
                LeafOp::Cmp(MdCmp::Like | MdCmp::NotLike, _) => return ColumnKind::Text,
                LeafOp::Cmp(_, v) => values.push(v.as_str()),
                LeafOp::In { values: vs, .. } => values.extend(vs.iter()),
                LeafOp::IsNull | LeafOp::NotNull => {}
            }
        }
        if values.is_empty() {
            ColumnKind::Text
        } else if values.iter().all(|v| parse_number(v).is_some()) {
            ColumnKind::Number
        } else if values.iter().all(|v| parse_datetime(v, self.tz).is_some()) {
            ColumnKind::DateTime
        } else {
            ColumnKind::Text
        }
    }

    fn node(&mut self, c: &Condition, path: &str, kinds: &Kinds) -> Node {
        match c {
            Condition::And(cs) | Condition::Or(cs) => {
                let nodes = cs
                    .iter()
                    .enumerate()
                    .map(|(i, c)| self.node(c, &format!("{path}/condition/{i}"), kinds))
                    .collect();
                group(nodes, matches!(c, Condition::And(_)))
            }
            Condition::Leaf(l) => {
                let path = if path.is_empty() { "/" } else { path };
                let Some(Some(res)) = kinds.get(&l.col).cloned() else {
                    return Node::Const(false); // already reported
                };
                match self.atom(l, res, path) {
                    Some(a) => {
                        self.atoms.push(a);
                        Node::Atom(self.atoms.len() - 1)
                    }
                    None => Node::Const(false),
                }
            }
        }
    }

    fn atom(&mut self, l: &Leaf, res: Resolved, path: &str) -> Option<Atom> {
        let field = res.field.clone();
        let (ty, kind) = (res.ty, res.kind);
        let text = kind == ColumnKind::Text;
        // (meaning on non-empty values, on NULL, on "")
        let (nonempty, on_null, on_blank) = match &l.test {
            LeafOp::IsNull => (NonEmpty::Const(false), true, false),
            LeafOp::NotNull => (NonEmpty::Const(true), false, true),
            LeafOp::Cmp(op @ (MdCmp::Equal | MdCmp::NotEqual), v) => {
                let negated = *op == MdCmp::NotEqual;
                let ne = if text && v.is_empty() {
                    NonEmpty::Const(false)
                } else {
                    NonEmpty::Pos(PredKind::Compare {
                        op: CmpOp::Eq,
                        value: self.literal(l, v, &res, path)?,
                    })
                };
                let blank_eq = v.is_empty();
                (flip(ne, negated), false, blank_eq != negated)
            }
            LeafOp::In { negated, values } => {
                let mut items: Vec<Literal> = Vec::new();
                // A set, not a list scan, so long lists stay linear.
                let mut seen: HashSet<&str> = HashSet::new();
                let mut bad = false;
                for v in values {
                    if (text && v.is_empty()) || !seen.insert(v) {
                        continue;
                    }
                    match self.literal(l, v, &res, path) {
                        Some(lit) => items.push(lit),
                        None => bad = true,
                    }
                }
                if bad {
                    return None;
                }
                let ne = match items.len() {
                    0 => NonEmpty::Const(false),
                    1 => NonEmpty::Pos(PredKind::Compare {
                        op: CmpOp::Eq,
                        value: items.pop()?,
                    }),
                    _ => NonEmpty::Pos(PredKind::In {
                        negated: false,
                        list: List {
                            items,
                            span: Span::default(),
                        },
                    }),
                };
                let blank_in = values.iter().any(str::is_empty);
                (flip(ne, *negated), false, blank_in != *negated)
            }
            LeafOp::Cmp(op @ (MdCmp::Like | MdCmp::NotLike), p) => {
                if !text {
                    self.unsupported_op(l, ty, path);
                    return None;
                }
                let negated = *op == MdCmp::NotLike;
                let ne = match like_pattern(p) {
                    Some(Pattern::Any) => NonEmpty::Const(true),
                    Some(Pattern::Exact(s)) if s.is_empty() => NonEmpty::Const(false),
                    Some(Pattern::Exact(s)) => NonEmpty::Pos(PredKind::Compare {
                        op: CmpOp::Eq,
                        value: self.literal(l, &s, &res, path)?,
                    }),
                    Some(Pattern::Text(op, _)) if !text_test_allowed(ty, op) => {
                        self.unsupported_op(l, ty, path);
                        return None;
                    }
                    Some(Pattern::Text(op, s)) => NonEmpty::Pos(PredKind::Text {
                        negated: false,
                        op,
                        value: string_lit(s),
                    }),
                    None => {
                        self.errors.push(DecompileError::LikePattern {
                            path: path.to_owned(),
                            pattern: p.clone(),
                        });
                        return None;
                    }
                };
                // "" LIKE p holds only when p is all `%`.
                let blank_like = p.chars().all(|c| c == '%');
                (flip(ne, negated), false, blank_like != negated)
            }
            LeafOp::Cmp(op, v) => {
                // The checker orders only numbers and datetimes (not flow states or
                // department numbers), so neither does decompiled text.
                if !matches!(ty, FieldType::Number | FieldType::Datetime) {
                    self.unsupported_op(l, ty, path);
                    return None;
                }
                let op = match op {
                    MdCmp::Less => CmpOp::Lt,
                    MdCmp::LessEqual => CmpOp::Le,
                    MdCmp::Greater => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                let value = self.literal(l, v, &res, path)?;
                (NonEmpty::Pos(PredKind::Compare { op, value }), false, false)
            }
        };
        Some(Atom {
            col: l.col.clone(),
            field,
            nonempty,
            on_null,
            // Number and datetime columns have no "" value: their one empty is NULL.
            on_blank: if text { on_blank } else { on_null },
        })
    }

    /// `v` as a literal of the column's type, limited to the values the checker takes
    /// for the field (select options, flow states 0-3, whole department numbers), so
    /// the decompiled text always compiles.
    fn literal(&mut self, l: &Leaf, v: &str, res: &Resolved, path: &str) -> Option<Literal> {
        let kind = res.kind;
        let expected = match res.ty {
            FieldType::Select if !res.options.is_empty() => "select option",
            FieldType::Flowstate => "flow state (0-3)",
            FieldType::Dept => "department number",
            _ => kind.name(),
        };
        let value = match kind {
            ColumnKind::Text if res.options.is_empty() || res.options.iter().any(|o| o == v) => {
                Some(Value::String(v.into()))
            }
            ColumnKind::Text => None,
            ColumnKind::Number => parse_number(v)
                .filter(|n| exact_integer(v, *n))
                .map(Value::Number)
                .filter(|n| match (res.ty, n) {
                    (FieldType::Flowstate, Value::Number(n)) => [0.0, 1.0, 2.0, 3.0].contains(n),
                    (FieldType::Dept, Value::Number(n)) => n.fract() == 0.0,
                    _ => true,
                }),
            ColumnKind::DateTime => parse_datetime(v, self.tz)
                .and_then(DateTime::from_timestamp_millis)
                .map(|utc| {
                    Value::DateTime(DateTimeLit {
                        local: utc.with_timezone(&self.tz).naive_local(),
                        offset: Some(self.tz.local_minus_utc()),
                    })
                }),
        };
        match value {
            Some(value) => Some(Literal {
                value,
                span: Span::default(),
            }),
            None => {
                self.errors.push(DecompileError::Value {
                    path: path.to_owned(),
                    col: l.col.clone(),
                    value: v.to_owned(),
                    kind: expected.to_owned(),
                    help: match (res.ty, kind) {
                        (FieldType::Select, _) => format!("the options are {:?}", res.options),
                        (FieldType::Flowstate, _) => "flow states are 0, 1, 2 and 3".to_owned(),
                        (FieldType::Dept, _) => "a department number is a whole number".to_owned(),
                        (_, ColumnKind::Number) if parse_number(v).is_some() => {
                            "integers beyond ±9007199254740992 (2^53) that a 64-bit float does not hold exactly have no equal number in the language".to_owned()
                        }
                        (_, ColumnKind::DateTime) => {
                            "datetimes are written `YYYY-MM-DD HH:MM:SS[.fff]`".to_owned()
                        }
                        _ => "numbers are written `-?digits[.digits]`, without an exponent"
                            .to_owned(),
                    },
                });
                None
            }
        }
    }

    fn unsupported_op(&mut self, l: &Leaf, ty: FieldType, path: &str) {
        self.errors.push(DecompileError::UnsupportedOp {
            path: path.to_owned(),
            op: l.test.op().name().to_owned(),
            col: l.col.clone(),
            kind: ty.name().to_owned(),
        });
    }
}

/// Whether `v`, read as `n`, is not an integer beyond ±2^53 that `n` rounds (the
/// language refuses such literals: `9007199254740993` would silently become
/// `9007199254740992`).
fn exact_integer(v: &str, n: f64) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    n.abs() < 9_007_199_254_740_992.0
        || digits.contains('.')
        || digits.trim_start_matches('0') == format!("{:.0}", n.abs())
}

/// The text tests the language allows on a field type (as the checker does): `contains`
/// on text, sn and phone; `startswith`/`endswith` on text and sn.
fn text_test_allowed(ty: FieldType, op: TextOp) -> bool {
    match op {
        TextOp::Contains => matches!(ty, FieldType::Text | FieldType::Sn | FieldType::Phone),
        _ => matches!(ty, FieldType::Text | FieldType::Sn),
    }
}

fn flip(ne: NonEmpty, negated: bool) -> NonEmpty {
    match (ne, negated) {
        (ne, false) => ne,
        (NonEmpty::Const(b), true) => NonEmpty::Const(!b),
        (NonEmpty::Pos(k), true) => NonEmpty::Neg(k),
        (NonEmpty::Neg(k), true) => NonEmpty::Pos(k),
    }
}

fn string_lit(s: String) -> Literal {
    Literal {
        value: Value::String(s.into()),
        span: Span::default(),
    }
}

/// What a LIKE pattern means, when the language can say it.
enum Pattern {
    /// Matches every string (the pattern is all `%`).
    Any,
    /// No wildcard: equality.
    Exact(String),
    /// `%a%`, `a%`, `%a`.
    Text(TextOp, String),
}

fn like_pattern(p: &str) -> Option<Pattern> {
    if !p.is_empty() && p.chars().all(|c| c == '%') {
        return Some(Pattern::Any);
    }
    let body = p.trim_start_matches('%');
    let lead = body.len() != p.len();
    let inner = body.trim_end_matches('%');
    let trail = inner.len() != body.len();
    if inner.contains(['%', '_', '\\']) {
        return None;
    }
    let inner = inner.to_owned();
    Some(match (lead, trail) {
        (false, false) => Pattern::Exact(inner),
        (true, true) => Pattern::Text(TextOp::Contains, inner),
        (false, true) => Pattern::Text(TextOp::StartsWith, inner),
        (true, false) => Pattern::Text(TextOp::EndsWith, inner),
    })
}

/// Folds constants, flattens same-kind children, unwraps single children.
fn group(nodes: Vec<Node>, is_and: bool) -> Node {
    let mut out = Vec::new();
    for n in nodes {
        match n {
            Node::Const(b) if b == is_and => {}
            Node::Const(b) => return Node::Const(b),
            Node::And(ns) if is_and => out.extend(ns),
            Node::Or(ns) if !is_and => out.extend(ns),
            n => out.push(n),
        }
    }
    match out.len() {
        0 => Node::Const(is_and),
        1 => out.pop().unwrap_or(Node::Const(is_and)),
        _ if is_and => Node::And(out),
        _ => Node::Or(out),
    }
}

/// `n` with the atoms `fix` decides replaced by constants, simplified.
fn restrict(n: &Node, fix: &dyn Fn(usize) -> Option<bool>) -> Node {
    match n {
        Node::Atom(i) => fix(*i).map_or(Node::Atom(*i), Node::Const),
        Node::Const(b) => Node::Const(*b),
        Node::And(ns) => group(ns.iter().map(|m| restrict(m, fix)).collect(), true),
        Node::Or(ns) => group(ns.iter().map(|m| restrict(m, fix)).collect(), false),
    }
}

/// Query syntax or a constant still to fold.
enum Out {
    Const(bool),
    Expr(Expr),
}

fn emit(n: &Node, atoms: &[Atom]) -> Out {
    match n {
        Node::Const(b) => Out::Const(*b),
        Node::Atom(i) => emit_atom(&atoms[*i], atoms[*i].on_null),
        Node::And(ns) | Node::Or(ns) => {
            let is_and = matches!(n, Node::And(_));
            let empties = empty_values(ns, atoms, is_and);
            let outs = ns
                .iter()
                .zip(empties)
                .map(|(m, b)| match (m, b) {
                    (Node::Atom(i), Some(b)) => emit_atom(&atoms[*i], b),
                    _ => emit(m, atoms),
                })
                .collect();
            out_group(outs, is_and)
        }
    }
}

/// `n` leaf by leaf, each atom as it reads on `NULL` (which the NULL-versus-`""` check
/// made equivalent to `""` for the tree), without folding constants: the text for a
/// tree that is constant as a whole. `field` names the constant a leaf or a folded
/// group that is constant on its own is written over.
fn emit_unfolded(n: &Node, atoms: &[Atom], field: &str) -> Expr {
    match n {
        Node::Const(b) => constant(field, *b),
        Node::Atom(i) => match emit_atom(&atoms[*i], atoms[*i].on_null) {
            Out::Expr(e) => e,
            Out::Const(b) => constant(&atoms[*i].field, b),
        },
        Node::And(ns) | Node::Or(ns) => {
            let es = ns.iter().map(|m| emit_unfolded(m, atoms, field)).collect();
            if matches!(n, Node::And(_)) {
                Expr::And(es, Span::default())
            } else {
                Expr::Or(es, Span::default())
            }
        }
    }
}

/// `f is empty or f is not empty` (`always`), or `f is empty and f is not empty`: true
/// or false on every record.
fn constant(f: &str, always: bool) -> Expr {
    let empty = |negated| {
        Expr::Pred(Predicate {
            field: Field {
                path: crate::syntax::ast::Path::one(f),
                span: Span::default(),
            },
            kind: PredKind::IsEmpty { negated },
            span: Span::default(),
        })
    };
    let both = vec![empty(false), empty(true)];
    if always {
        Expr::Or(both, Span::default())
    } else {
        Expr::And(both, Span::default())
    }
}

/// The value on an empty column each atom child of a group is written with (`None`
/// for non-atom children).
///
/// Faithful is the atom's value on `NULL`. But when some atom child on column `c` of an
/// `or` is true on empty `c`, the whole group is true there, so the other atoms on `c`
/// may take whichever value reads best: one "keeper" keeps the group true on empty,
/// and the rest take their natural value (false for a positive test, true for a
/// negated one, the constant itself for a constant, which then folds away). Dually for
/// `and` with false. This turns `OR(NOT_EQUAL x "a", ISNULL x)` into `x != "a"`
/// rather than `x != "a" and x is not empty or x is empty`.
fn empty_values(children: &[Node], atoms: &[Atom], is_and: bool) -> Vec<Option<bool>> {
    let forced = !is_and;
    let natural = |a: &Atom| match a.nonempty {
        NonEmpty::Const(x) => x,
        NonEmpty::Pos(_) => false,
        NonEmpty::Neg(_) => true,
    };
    let mut out: Vec<Option<bool>> = children
        .iter()
        .map(|n| match n {
            Node::Atom(i) => Some(atoms[*i].on_null),
            _ => None,
        })
        .collect();
    // Child positions of the atoms on each column, columns in order of appearance.
    let mut by_col: Vec<Vec<usize>> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (k, n) in children.iter().enumerate() {
        if let Node::Atom(i) = n {
            let col = atoms[*i].col.as_str();
            match index.get(col) {
                Some(&g) => by_col[g].push(k),
                None => {
                    index.insert(col, by_col.len());
                    by_col.push(vec![k]);
                }
            }
        }
    }
    for on_col in by_col {
        let atom_at = |k: usize| match &children[k] {
            Node::Atom(j) => Some(&atoms[*j]),
            _ => None,
        };
        if !on_col
            .iter()
            .any(|&k| atom_at(k).is_some_and(|a| a.on_null == forced))
        {
            continue;
        }
        let keeper = on_col
            .iter()
            .copied()
            .find(|&k| atom_at(k).is_some_and(|a| natural(a) == forced))
            .or_else(|| {
                on_col
                    .iter()
                    .copied()
                    .find(|&k| atom_at(k).is_some_and(|a| a.on_null == forced))
            });
        for &k in &on_col {
            if let Some(a) = atom_at(k) {
                out[k] = Some(if Some(k) == keeper {
                    forced
                } else {
                    natural(a)
                });
            }
        }
    }
    out
}

fn out_group(outs: Vec<Out>, is_and: bool) -> Out {
    let mut exprs = Vec::new();
    for o in outs {
        match o {
            Out::Const(b) if b == is_and => {}
            Out::Const(b) => return Out::Const(b),
            Out::Expr(e) => exprs.push(e),
        }
    }
    match exprs.len() {
        0 => Out::Const(is_and),
        1 => exprs.pop().map_or(Out::Const(is_and), Out::Expr),
        _ if is_and => Out::Expr(Expr::And(exprs, Span::default())),
        _ => Out::Expr(Expr::Or(exprs, Span::default())),
    }
}

/// The atom as a query that is `b` on an empty value (the caller has checked that this
/// keeps the tree's meaning).
fn emit_atom(a: &Atom, b: bool) -> Out {
    let pred = |kind: PredKind| {
        Expr::Pred(Predicate {
            field: Field {
                path: crate::syntax::ast::Path::one(a.field.as_str()),
                span: Span::default(),
            },
            kind,
            span: Span::default(),
        })
    };
    let empty = |negated: bool| pred(PredKind::IsEmpty { negated });
    match &a.nonempty {
        NonEmpty::Const(x) if *x == b => Out::Const(b),
        NonEmpty::Const(x) => Out::Expr(empty(*x)),
        NonEmpty::Pos(k) if !b => Out::Expr(pred(k.clone())),
        NonEmpty::Pos(k) => Out::Expr(Expr::Or(
            vec![pred(k.clone()), empty(false)],
            Span::default(),
        )),
        NonEmpty::Neg(k) => {
            // The language's negated forms are true on empty.
            let neg = match k {
                PredKind::Compare {
                    op: CmpOp::Eq,
                    value,
                } => pred(PredKind::Compare {
                    op: CmpOp::Ne,
                    value: value.clone(),
                }),
                PredKind::In { list, .. } => pred(PredKind::In {
                    negated: true,
                    list: list.clone(),
                }),
                PredKind::Text { op, value, .. } => pred(PredKind::Text {
                    negated: true,
                    op: *op,
                    value: value.clone(),
                }),
                other => Expr::Not(Box::new(pred(other.clone())), Span::default()),
            };
            if b {
                Out::Expr(neg)
            } else {
                Out::Expr(Expr::And(vec![neg, empty(true)], Span::default()))
            }
        }
    }
}
