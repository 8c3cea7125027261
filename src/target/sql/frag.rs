//! SQL text under construction: literal text interleaved with bound parameters.
//!
//! Parameters stay symbolic until the whole statement is assembled, so PostgreSQL's
//! `$1, $2, ...` are numbered in the order they appear in the final text whatever order
//! the pieces were built in.

use super::dialect::Dialect;

/// One piece of a statement.
#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Sql(String),
    Param(serde_json::Value),
}

/// A fragment of SQL with its parameters in place.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Frag(Vec<Piece>);

impl Frag {
    /// Plain SQL text.
    pub(crate) fn sql(s: impl Into<String>) -> Frag {
        Frag(vec![Piece::Sql(s.into())])
    }

    /// A bound parameter.
    pub(crate) fn param(v: serde_json::Value) -> Frag {
        Frag(vec![Piece::Param(v)])
    }

    /// Appends SQL text.
    pub(crate) fn push(&mut self, s: &str) -> &mut Frag {
        match self.0.last_mut() {
            Some(Piece::Sql(t)) => t.push_str(s),
            _ => self.0.push(Piece::Sql(s.to_owned())),
        }
        self
    }

    /// Appends another fragment.
    pub(crate) fn append(&mut self, other: &Frag) -> &mut Frag {
        for p in &other.0 {
            match p {
                Piece::Sql(s) => {
                    self.push(s);
                }
                Piece::Param(v) => self.0.push(Piece::Param(v.clone())),
            }
        }
        self
    }

    /// `parts` joined by `sep`.
    pub(crate) fn join(parts: &[Frag], sep: &str) -> Frag {
        let mut out = Frag::default();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                out.push(sep);
            }
            out.append(p);
        }
        out
    }

    /// `(` self `)`.
    pub(crate) fn paren(&self) -> Frag {
        let mut out = Frag::sql("(");
        out.append(self);
        out.push(")");
        out
    }

    /// Builds a fragment from a template where each `{}` is replaced by the next operand.
    pub(crate) fn fill(template: &str, operands: &[&Frag]) -> Frag {
        let mut out = Frag::default();
        let mut rest = template;
        let mut ops = operands.iter();
        while let Some(i) = rest.find("{}") {
            out.push(&rest[..i]);
            if let Some(op) = ops.next() {
                out.append(op);
            }
            rest = &rest[i + 2..];
        }
        out.push(rest);
        out
    }

    /// The final text, with the dialect's placeholders, and the parameters in order.
    pub(crate) fn finish(&self, dialect: Dialect) -> (String, Vec<serde_json::Value>) {
        let mut sql = String::new();
        let mut params = Vec::new();
        for p in &self.0 {
            match p {
                Piece::Sql(s) => sql.push_str(s),
                Piece::Param(v) => {
                    params.push(v.clone());
                    sql.push_str(&dialect.placeholder(params.len()));
                }
            }
        }
        (sql, params)
    }
}
