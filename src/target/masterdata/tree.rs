//! The wire types of a masterdata condition tree.
//!
//! On the wire a leaf is `{"col": "phone", "op": "EQUAL", "value": "139..."}` (no
//! `value` for `NOTNULL`/`ISNULL`, a list of strings for `IN`/`NOT_IN`) and a group is
//! `{"op": "AND", "condition": [...]}`. There is no `NOT` node. The Rust types make
//! ill-formed trees unrepresentable where cheap (a leaf's operand shape follows its
//! operator) and deserialization validates the rest, so a [`Condition`] read from JSON
//! is always well formed.

use crate::target::json::push_json_str;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

/// A condition tree: a leaf test on one column or an `AND`/`OR` group.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(try_from = "RawCondition")]
pub enum Condition {
    /// Every child holds. Never empty.
    And(Vec<Condition>),
    /// Some child holds. Never empty.
    Or(Vec<Condition>),
    /// A test on one column.
    Leaf(Leaf),
}

/// Written field by field in `RawCondition`'s order (`col`, `op`, `value`,
/// `condition`, absent ones left out): the same text as serializing the
/// `RawCondition` a tree converts to, without cloning the tree into one first.
impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Condition::And(cs) | Condition::Or(cs) => {
                let op = if matches!(self, Condition::And(_)) {
                    Op::And
                } else {
                    Op::Or
                };
                let mut st = s.serialize_struct("RawCondition", 2)?;
                st.skip_field("col")?;
                st.serialize_field("op", &op)?;
                st.skip_field("value")?;
                st.serialize_field("condition", cs)?;
                st.end()
            }
            Condition::Leaf(Leaf { col, test }) => {
                let has_value = !matches!(test, LeafOp::IsNull | LeafOp::NotNull);
                let mut st = s.serialize_struct("RawCondition", 2 + usize::from(has_value))?;
                st.serialize_field("col", col)?;
                st.serialize_field("op", &test.op())?;
                match test {
                    LeafOp::Cmp(_, v) => st.serialize_field("value", v)?,
                    LeafOp::In { values, .. } => st.serialize_field("value", values)?,
                    LeafOp::IsNull | LeafOp::NotNull => st.skip_field("value")?,
                }
                st.skip_field("condition")?;
                st.end()
            }
        }
    }
}

/// A leaf test `{"col","op","value"}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Leaf {
    /// The column name (`col`).
    pub col: String,
    /// The test and its operand.
    pub test: LeafOp,
}

/// A list of strings kept in one buffer: an `IN` list of thousands of values is two
/// allocations, not one per value. Reads like a slice of `&str` ([`Strings::iter`],
/// [`Strings::get`], `for v in &list`), serializes as a JSON array of strings, and
/// converts from and to `Vec<String>`.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Strings {
    buf: String,
    /// End offset in `buf` of each string.
    ends: Vec<usize>,
}

impl Strings {
    /// An empty list.
    pub fn new() -> Strings {
        Strings::default()
    }

    /// An empty list with room for `n` strings of `bytes` bytes in all.
    pub fn with_capacity(n: usize, bytes: usize) -> Strings {
        Strings {
            buf: String::with_capacity(bytes),
            ends: Vec::with_capacity(n),
        }
    }

    /// Appends `s`.
    pub fn push(&mut self, s: &str) {
        self.buf.push_str(s);
        self.ends.push(self.buf.len());
    }

    /// How many strings the list holds.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The `i`-th string.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.buf.get(start..end)
    }

    /// The strings in order.
    pub fn iter(&self) -> StringsIter<'_> {
        StringsIter {
            list: self,
            start: 0,
            i: 0,
        }
    }

    /// The strings as owned values.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }

    /// Keeps the strings for which `keep` (called once per string, in order) is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        let mut out = Strings::with_capacity(self.len(), self.buf.len());
        for s in self.iter() {
            if keep(s) {
                out.push(s);
            }
        }
        *self = out;
    }
}

/// The iterator of [`Strings::iter`].
#[derive(Clone, Debug)]
pub struct StringsIter<'a> {
    list: &'a Strings,
    start: usize,
    i: usize,
}

impl<'a> Iterator for StringsIter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let end = *self.list.ends.get(self.i)?;
        let s = self.list.buf.get(self.start..end)?;
        self.start = end;
        self.i += 1;
        Some(s)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.list.ends.len() - self.i;
        (n, Some(n))
    }
}

impl ExactSizeIterator for StringsIter<'_> {}

impl<'a> IntoIterator for &'a Strings {
    type Item = &'a str;
    type IntoIter = StringsIter<'a>;

    fn into_iter(self) -> StringsIter<'a> {
        self.iter()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Strings {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Strings {
        let mut out = Strings::new();
        for s in iter {
            out.push(s.as_ref());
        }
        out
    }
}

impl From<Vec<String>> for Strings {
    fn from(v: Vec<String>) -> Strings {
        let mut out = Strings::with_capacity(v.len(), v.iter().map(String::len).sum());
        for s in &v {
            out.push(s);
        }
        out
    }
}

impl From<Vec<&str>> for Strings {
    fn from(v: Vec<&str>) -> Strings {
        v.into_iter().collect()
    }
}

impl From<Strings> for Vec<String> {
    fn from(s: Strings) -> Vec<String> {
        s.to_vec()
    }
}

impl PartialEq<Vec<String>> for Strings {
    fn eq(&self, other: &Vec<String>) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b)
    }
}

impl std::fmt::Debug for Strings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Strings {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Strings, D::Error> {
        Vec::<String>::deserialize(d).map(Strings::from)
    }
}

/// A leaf operator with its operand; the operand's shape is fixed by the operator.
#[derive(Clone, Debug, PartialEq)]
pub enum LeafOp {
    /// `EQUAL`, `NOT_EQUAL`, the orderings, `LIKE`, `NOT_LIKE`: one string operand.
    Cmp(CmpOp, String),
    /// `IN`, or `NOT_IN` when `negated`: a non-empty list of strings.
    In {
        /// `NOT_IN` rather than `IN`.
        negated: bool,
        /// The operands.
        values: Strings,
    },
    /// `ISNULL`: the column is SQL `NULL`.
    IsNull,
    /// `NOTNULL`: the column is not SQL `NULL`.
    NotNull,
}

/// The operators that take one string operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `EQUAL`.
    Equal,
    /// `NOT_EQUAL`.
    NotEqual,
    /// `LESS`.
    Less,
    /// `LESS_EQUAL`.
    LessEqual,
    /// `GREATER`.
    Greater,
    /// `GREATER_EQUAL`.
    GreaterEqual,
    /// `LIKE` (`%` any run of characters, `_` one character).
    Like,
    /// `NOT_LIKE`.
    NotLike,
}

/// Every `op` string the API documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Op {
    /// Group: all children.
    And,
    /// Group: some child.
    Or,
    /// `=`.
    Equal,
    /// `<>`.
    NotEqual,
    /// `<=`.
    LessEqual,
    /// `>=`.
    GreaterEqual,
    /// `<`.
    Less,
    /// `>`.
    Greater,
    /// Member of a list.
    In,
    /// Not a member of a list.
    NotIn,
    /// Pattern match.
    Like,
    /// Negated pattern match.
    NotLike,
    /// Not SQL `NULL`.
    Notnull,
    /// SQL `NULL`.
    Isnull,
}

impl Op {
    /// The name on the wire (`"AND"`, `"NOT_EQUAL"`, `"ISNULL"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Op::And => "AND",
            Op::Or => "OR",
            Op::Equal => "EQUAL",
            Op::NotEqual => "NOT_EQUAL",
            Op::LessEqual => "LESS_EQUAL",
            Op::GreaterEqual => "GREATER_EQUAL",
            Op::Less => "LESS",
            Op::Greater => "GREATER",
            Op::In => "IN",
            Op::NotIn => "NOT_IN",
            Op::Like => "LIKE",
            Op::NotLike => "NOT_LIKE",
            Op::Notnull => "NOTNULL",
            Op::Isnull => "ISNULL",
        }
    }
}

impl CmpOp {
    /// The wire operator.
    pub fn op(self) -> Op {
        match self {
            CmpOp::Equal => Op::Equal,
            CmpOp::NotEqual => Op::NotEqual,
            CmpOp::Less => Op::Less,
            CmpOp::LessEqual => Op::LessEqual,
            CmpOp::Greater => Op::Greater,
            CmpOp::GreaterEqual => Op::GreaterEqual,
            CmpOp::Like => Op::Like,
            CmpOp::NotLike => Op::NotLike,
        }
    }
}

impl LeafOp {
    /// The wire operator.
    pub fn op(&self) -> Op {
        match self {
            LeafOp::Cmp(op, _) => op.op(),
            LeafOp::In { negated: false, .. } => Op::In,
            LeafOp::In { negated: true, .. } => Op::NotIn,
            LeafOp::IsNull => Op::Isnull,
            LeafOp::NotNull => Op::Notnull,
        }
    }
}

impl Leaf {
    /// A one-operand leaf.
    pub fn cmp(col: impl Into<String>, op: CmpOp, value: impl Into<String>) -> Condition {
        Condition::Leaf(Leaf {
            col: col.into(),
            test: LeafOp::Cmp(op, value.into()),
        })
    }

    /// `IN` (or `NOT_IN`) over `values`, which should not be empty.
    pub fn in_list(col: impl Into<String>, negated: bool, values: impl Into<Strings>) -> Condition {
        Condition::Leaf(Leaf {
            col: col.into(),
            test: LeafOp::In {
                negated,
                values: values.into(),
            },
        })
    }

    /// `ISNULL`.
    pub fn is_null(col: impl Into<String>) -> Condition {
        Condition::Leaf(Leaf {
            col: col.into(),
            test: LeafOp::IsNull,
        })
    }

    /// `NOTNULL`.
    pub fn not_null(col: impl Into<String>) -> Condition {
        Condition::Leaf(Leaf {
            col: col.into(),
            test: LeafOp::NotNull,
        })
    }
}

impl Condition {
    /// Reads a condition tree from JSON text, validating its shape.
    pub fn from_json(text: &str) -> Result<Condition, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The tree as compact JSON text: exactly `serde_json::to_string(self)`, written
    /// directly (serde's data model costs more than the rest of compiling a small query).
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(self.json_len());
        self.write_json(&mut out);
        out
    }

    /// The length of [`Condition::to_json`]'s text when no string needs an escape (the
    /// usual case; escapes only make the text regrow once).
    fn json_len(&self) -> usize {
        match self {
            // `{"op":"AND","condition":[` … `]}` and the commas.
            Condition::And(cs) | Condition::Or(cs) => {
                28 + cs.len() + cs.iter().map(Condition::json_len).sum::<usize>()
            }
            // `{"col":"…","op":"…","value":…}` with an operator name of at most 13 bytes.
            Condition::Leaf(Leaf { col, test }) => {
                let value = match test {
                    LeafOp::Cmp(_, v) => 10 + v.len(),
                    LeafOp::In { values, .. } => {
                        11 + values.iter().map(|v| v.len() + 3).sum::<usize>()
                    }
                    LeafOp::IsNull | LeafOp::NotNull => 0,
                };
                31 + col.len() + value
            }
        }
    }

    /// Appends [`Condition::to_json`]'s text to `out`.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Condition::And(cs) | Condition::Or(cs) => {
                out.push_str(if matches!(self, Condition::And(_)) {
                    r#"{"op":"AND","condition":["#
                } else {
                    r#"{"op":"OR","condition":["#
                });
                for (i, c) in cs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    // Recursion as deep as the tree, as serializing it is: compiled
                    // trees are depth-limited, and `from_json` stops at serde_json's
                    // nesting limit.
                    c.write_json(out);
                }
                out.push_str("]}");
            }
            Condition::Leaf(Leaf { col, test }) => {
                out.push_str(r#"{"col":"#);
                push_json_str(out, col);
                out.push_str(r#","op":""#);
                out.push_str(test.op().name());
                out.push('"');
                match test {
                    LeafOp::Cmp(_, v) => {
                        out.push_str(r#","value":"#);
                        push_json_str(out, v);
                    }
                    LeafOp::In { values, .. } => {
                        out.push_str(r#","value":["#);
                        for (i, v) in values.iter().enumerate() {
                            if i > 0 {
                                out.push(',');
                            }
                            push_json_str(out, v);
                        }
                        out.push(']');
                    }
                    LeafOp::IsNull | LeafOp::NotNull => {}
                }
                out.push('}');
            }
        }
    }

    /// The tree as pretty-printed JSON (what `compile --target masterdata` prints).
    pub fn to_json_pretty(&self) -> String {
        // A Condition always serializes: every key is a string and every value is a
        // string, a list of strings, or a nested condition.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The tree as a JSON value (to embed in a request).
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// The number of leaves.
    pub fn leaf_count(&self) -> usize {
        let mut n = 0;
        let mut stack = vec![self];
        while let Some(c) = stack.pop() {
            match c {
                Condition::Leaf(_) => n += 1,
                Condition::And(cs) | Condition::Or(cs) => stack.extend(cs),
            }
        }
        n
    }

    /// How many groups deep the tree nests (a leaf alone is depth 0, a group of leaves
    /// depth 1).
    pub fn depth(&self) -> usize {
        let mut max = 0;
        let mut stack = vec![(self, 0usize)];
        while let Some((c, d)) = stack.pop() {
            match c {
                Condition::Leaf(_) => max = max.max(d),
                Condition::And(cs) | Condition::Or(cs) => {
                    max = max.max(d + 1);
                    stack.extend(cs.iter().map(|c| (c, d + 1)));
                }
            }
        }
        max
    }
}

/// The `value` of a leaf on the wire: one string or a list of strings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RawValue {
    /// One string.
    One(String),
    /// A list of strings.
    Many(Vec<String>),
}

/// The wire shape, before validation. Public only because serde's `try_from`/`into`
/// need it; use [`Condition`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    /// Column (leaves only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub col: Option<String>,
    /// Operator.
    pub op: Op,
    /// Operand (leaves except `NOTNULL`/`ISNULL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<RawValue>,
    /// Children (groups only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Vec<Condition>>,
}

impl TryFrom<RawCondition> for Condition {
    type Error = String;

    fn try_from(raw: RawCondition) -> Result<Self, String> {
        let RawCondition {
            col,
            op,
            value,
            condition,
        } = raw;
        let name = format!("{:?}", op.name());
        if let Op::And | Op::Or = op {
            if col.is_some() || value.is_some() {
                return Err(format!("{name} group takes `condition`, not `col`/`value`"));
            }
            let children = condition.ok_or_else(|| format!("{name} group without `condition`"))?;
            if children.is_empty() {
                return Err(format!("{name} group with no conditions"));
            }
            return Ok(if op == Op::And {
                Condition::And(children)
            } else {
                Condition::Or(children)
            });
        }
        if condition.is_some() {
            return Err(format!(
                "{name} is a leaf operator and takes no `condition`"
            ));
        }
        let col = col.ok_or_else(|| format!("{name} leaf without `col`"))?;
        let one = |value: Option<RawValue>, op: CmpOp| match value {
            Some(RawValue::One(s)) => Ok(LeafOp::Cmp(op, s)),
            _ => Err(format!("{name} takes one string `value`")),
        };
        let test = match op {
            Op::Equal => one(value, CmpOp::Equal)?,
            Op::NotEqual => one(value, CmpOp::NotEqual)?,
            Op::Less => one(value, CmpOp::Less)?,
            Op::LessEqual => one(value, CmpOp::LessEqual)?,
            Op::Greater => one(value, CmpOp::Greater)?,
            Op::GreaterEqual => one(value, CmpOp::GreaterEqual)?,
            Op::Like => one(value, CmpOp::Like)?,
            Op::NotLike => one(value, CmpOp::NotLike)?,
            Op::In | Op::NotIn => match value {
                Some(RawValue::Many(values)) if !values.is_empty() => LeafOp::In {
                    negated: op == Op::NotIn,
                    values: values.into(),
                },
                _ => return Err(format!("{name} takes a non-empty list of strings")),
            },
            Op::Isnull | Op::Notnull => {
                if value.is_some() {
                    return Err(format!("{name} takes no `value`"));
                }
                if op == Op::Isnull {
                    LeafOp::IsNull
                } else {
                    LeafOp::NotNull
                }
            }
            // Handled above; listed so the match stays exhaustive.
            Op::And | Op::Or => return Err(format!("{name} group")),
        };
        Ok(Condition::Leaf(Leaf { col, test }))
    }
}

impl From<Condition> for RawCondition {
    fn from(c: Condition) -> Self {
        match c {
            Condition::And(cs) => RawCondition {
                col: None,
                op: Op::And,
                value: None,
                condition: Some(cs),
            },
            Condition::Or(cs) => RawCondition {
                col: None,
                op: Op::Or,
                value: None,
                condition: Some(cs),
            },
            Condition::Leaf(Leaf { col, test }) => {
                let op = test.op();
                let value = match test {
                    LeafOp::Cmp(_, s) => Some(RawValue::One(s)),
                    LeafOp::In { values, .. } => Some(RawValue::Many(values.to_vec())),
                    LeafOp::IsNull | LeafOp::NotNull => None,
                };
                RawCondition {
                    col: Some(col),
                    op,
                    value,
                    condition: None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_json_escapes_as_serde_does() {
        let tree = Condition::Or(vec![
            Leaf::cmp("a\"b\\c", CmpOp::Like, "%\n\u{1}%"),
            Condition::And(vec![
                Leaf::in_list("中\t", true, vec!["x\"".to_owned(), String::new()]),
                Leaf::is_null("\u{7f}"),
            ]),
        ]);
        assert_eq!(tree.to_json(), serde_json::to_string(&tree).unwrap());
    }

    #[test]
    fn op_names_are_the_serialized_ones() {
        use Op::*;
        for op in [
            And,
            Or,
            Equal,
            NotEqual,
            LessEqual,
            GreaterEqual,
            Less,
            Greater,
            In,
            NotIn,
            Like,
            NotLike,
            Notnull,
            Isnull,
        ] {
            assert_eq!(
                format!("{:?}", op.name()),
                serde_json::to_string(&op).unwrap()
            );
        }
    }
}
