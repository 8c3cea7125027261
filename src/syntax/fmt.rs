//! Canonical printing of the syntax tree (`Display`).
//!
//! The canonical form is what `filterql fmt` prints: lower-case keywords, `=`/`!=`,
//! double-quoted strings, single spaces, periods by their English names (`本月` prints
//! as `this month`, as `==` prints as `=`), and parentheses only where the tree needs them.
//! For every tree the parser can produce, `parse(&e.to_string()) == Ok(e)`: a nested
//! `and`/`or` node of the same kind as its parent is parenthesised, because the parser
//! flattens an unparenthesised chain into one node.

use super::ast::{
    CmpOp, DateTimeLit, Expr, Field, HasOperand, List, Literal, PredKind, Predicate, Quantifier,
    RelBase, RelUnit, Relative, TextOp, Value,
};
use super::lexer::is_bare_ident;
use crate::diagnostic::is_hostile;
use chrono::Timelike;
use std::fmt::{self, Display, Formatter, Write};

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Or(items, _) => join(f, items, " or ", |e| matches!(e, Expr::Or(..))),
            Expr::And(items, _) => join(f, items, " and ", |e| {
                matches!(e, Expr::Or(..) | Expr::And(..))
            }),
            Expr::Not(inner, _) => {
                f.write_str("not ")?;
                operand(f, inner, matches!(**inner, Expr::Or(..) | Expr::And(..)))
            }
            Expr::Pred(p) => p.fmt(f),
        }
    }
}

fn join(
    f: &mut Formatter<'_>,
    items: &[Expr],
    sep: &str,
    needs_parens: impl Fn(&Expr) -> bool,
) -> fmt::Result {
    for (n, e) in items.iter().enumerate() {
        if n > 0 {
            f.write_str(sep)?;
        }
        operand(f, e, needs_parens(e))?;
    }
    Ok(())
}

fn operand(f: &mut Formatter<'_>, e: &Expr, parens: bool) -> fmt::Result {
    if parens {
        write!(f, "({e})")
    } else {
        e.fmt(f)
    }
}

impl Display for Predicate {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.kind)
    }
}

impl Display for PredKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let not = |negated: bool| if negated { "not " } else { "" };
        match self {
            PredKind::Compare { op, value } => write!(f, "{op} {value}"),
            PredKind::In { negated, list } => write!(f, "{}in {list}", not(*negated)),
            PredKind::Between { negated, low, high } => {
                write!(f, "{}between {low} and {high}", not(*negated))
            }
            PredKind::IsEmpty { negated } => write!(f, "is {}empty", not(*negated)),
            PredKind::Phone { verified: true } => f.write_str("verified"),
            PredKind::Phone { verified: false } => f.write_str("unverified"),
            PredKind::Text { negated, op, value } => write!(f, "{}{op} {value}", not(*negated)),
            PredKind::Has { quantifier, values } => match values {
                HasOperand::One(v) => write!(f, "has {v}"),
                HasOperand::List(l) => write!(f, "has {quantifier} {l}"),
            },
        }
    }
}

impl Display for CmpOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        })
    }
}

impl Display for TextOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

impl Display for Quantifier {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Quantifier::Any => "any",
            Quantifier::All => "all",
        })
    }
}

impl Display for Field {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (n, seg) in self.path.iter().enumerate() {
            if n > 0 {
                f.write_char('.')?;
            }
            if is_bare_ident(seg) {
                f.write_str(seg)?;
            } else {
                write_quoted_ident(f, seg)?;
            }
        }
        Ok(())
    }
}

/// A field name between backticks: a backtick doubled, control and bidi characters as
/// `\u{..}` escapes (so the text shows them and reads back to the same name), and a
/// backslash that would start such an escape as `\u{5C}`.
fn write_quoted_ident(f: &mut Formatter<'_>, name: &str) -> fmt::Result {
    f.write_char('`')?;
    let mut rest = name;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        match c {
            '`' => f.write_str("``")?,
            '\\' if after.starts_with("u{") => f.write_str("\\u{5C}")?,
            c if is_hostile(c) => write!(f, "\\u{{{:04X}}}", u32::from(c))?,
            c => f.write_char(c)?,
        }
        rest = after;
    }
    f.write_char('`')
}

impl Display for List {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('(')?;
        for (n, item) in self.items.iter().enumerate() {
            if n > 0 {
                f.write_str(", ")?;
            }
            item.fmt(f)?;
        }
        f.write_char(')')
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(s) => write_string(f, s),
            Value::Number(n) => write_number(f, *n),
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Value::DateTime(dt) => dt.fmt(f),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Relative(r) => r.fmt(f),
            Value::Period(p) => f.write_str(p.name()),
        }
    }
}

/// The shortest text that reads back as `n` (Rust's float formatting), in plain
/// decimals from 1e-6 up to 1e21 and in exponent form outside, as JavaScript prints
/// numbers: `1e308` would otherwise print as 309 digits and `1e-300` as 300 zeros.
///
/// Integers from 2^53 up are written with their exact digits (`1152921504606846976`,
/// not the shortest `1152921504606847000`), which the parser requires of an integer
/// literal beyond 2^53.
fn write_number(f: &mut Formatter<'_>, n: f64) -> fmt::Result {
    let a = n.abs();
    if a != 0.0 && !(1e-6..1e21).contains(&a) {
        write!(f, "{n:e}")
    } else if a >= 9_007_199_254_740_992.0 {
        write!(f, "{n:.0}")
    } else {
        write!(f, "{n}")
    }
}

fn write_string(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '\\' => f.write_str("\\\\")?,
            '"' => f.write_str("\\\"")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if is_hostile(c) => write!(f, "\\u{{{:04X}}}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

impl Display for DateTimeLit {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.local.format("%Y-%m-%dT%H:%M:%S"))?;
        let nano = self.local.nanosecond();
        if nano != 0 {
            // Milli-, micro- or nanosecond precision, whichever is exact.
            if nano.is_multiple_of(1_000_000) {
                write!(f, ".{:03}", nano / 1_000_000)?;
            } else if nano.is_multiple_of(1_000) {
                write!(f, ".{:06}", nano / 1_000)?;
            } else {
                write!(f, ".{nano:09}")?;
            }
        }
        match self.offset {
            None => Ok(()),
            Some(0) => f.write_char('Z'),
            Some(secs) => {
                let sign = if secs < 0 { '-' } else { '+' };
                let m = secs.unsigned_abs() / 60;
                write!(f, "{sign}{:02}:{:02}", m / 60, m % 60)
            }
        }
    }
}

impl Display for Relative {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        // A plain `now` is parsed as `now + 0d`; a plain `today` is a period, so a
        // relative `today` always prints its offset, zero included, to read back the same.
        let base = match self.base {
            RelBase::Now if self.amount == 0 && self.unit == RelUnit::Day => {
                return f.write_str("now")
            }
            RelBase::Now => "now",
            RelBase::Today => "today",
        };
        let sign = if self.amount < 0 { '-' } else { '+' };
        write!(
            f,
            "{base} {sign} {}{}",
            self.amount.unsigned_abs(),
            self.unit.suffix()
        )
    }
}
