//! The spanned syntax tree produced by the parser.
//!
//! Equality ignores spans (see [`Span`]), so two trees are equal when they mean the same
//! source text up to formatting. `Display` (in `syntax::fmt`) prints the canonical form.

use crate::span::Span;
use chrono::{NaiveDate, NaiveDateTime};

/// A boolean expression over predicates.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// `a or b or c`: two or more operands written in one chain. A parenthesised
    /// `or` inside a chain stays a separate, nested node.
    Or(Vec<Expr>, Span),
    /// `a and b and c`: two or more operands written in one chain.
    And(Vec<Expr>, Span),
    /// `not e` or `!e`.
    Not(Box<Expr>, Span),
    /// A single predicate on a field.
    Pred(Predicate),
}

impl Expr {
    /// The span of the whole expression.
    pub fn span(&self) -> Span {
        match self {
            Expr::Or(_, s) | Expr::And(_, s) | Expr::Not(_, s) => *s,
            Expr::Pred(p) => p.span,
        }
    }
}

impl Drop for Expr {
    // A 100,000-deep `not not not ...` must not overflow the stack when dropped:
    // children are moved onto an explicit stack and dropped one level at a time.
    fn drop(&mut self) {
        let mut stack: Vec<Expr> = Vec::new();
        match self {
            Expr::Or(v, _) | Expr::And(v, _) => stack.append(v),
            Expr::Not(b, _) => {
                let inner = std::mem::replace(&mut **b, Expr::Or(Vec::new(), Span::default()));
                stack.push(inner);
            }
            Expr::Pred(_) => return,
        }
        while let Some(mut e) = stack.pop() {
            match &mut e {
                Expr::Or(v, _) | Expr::And(v, _) => stack.append(v),
                Expr::Not(b, _) => {
                    let inner = std::mem::replace(&mut **b, Expr::Or(Vec::new(), Span::default()));
                    stack.push(inner);
                }
                Expr::Pred(_) => {}
            }
            // `e` now has no deep children; dropping it recurses at most one level.
        }
    }
}

/// A field reference: `name`, `` `quoted name` ``, or a dotted path `items.qty`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    /// The path segments, unescaped. A plain field has one segment.
    pub path: Vec<String>,
    /// Where the whole reference was written.
    pub span: Span,
}

impl Field {
    /// The segments joined by `.` (for lookups and messages).
    pub fn dotted(&self) -> String {
        self.path.join(".")
    }
}

/// One predicate: a field and a test on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Predicate {
    /// The field tested.
    pub field: Field,
    /// The test.
    pub kind: PredKind,
    /// The whole predicate, field through last token.
    pub span: Span,
}

/// The test a predicate applies to its field.
#[derive(Clone, Debug, PartialEq)]
pub enum PredKind {
    /// `field <op> value`.
    Compare {
        /// The comparison operator.
        op: CmpOp,
        /// The right-hand side.
        value: Literal,
    },
    /// `field [not] in (v, ...)`.
    In {
        /// `not in`.
        negated: bool,
        /// The values, at least one.
        list: List,
    },
    /// `field [not] between low and high` (inclusive at both ends).
    Between {
        /// `not between`.
        negated: bool,
        /// Lower bound.
        low: Literal,
        /// Upper bound.
        high: Literal,
    },
    /// `field is [not] empty` (`null` is an alias of `empty`).
    IsEmpty {
        /// `is not empty`.
        negated: bool,
    },
    /// `field verified` / `field unverified` (phone fields).
    Phone {
        /// `verified` when true, `unverified` when false.
        verified: bool,
    },
    /// `field [not] contains|startswith|endswith "text"`.
    Text {
        /// `not contains` etc.
        negated: bool,
        /// Which text test.
        op: TextOp,
        /// The operand (a string literal in well-typed queries).
        value: Literal,
    },
    /// `field has [any|all] (value | list)` (multi-select fields).
    Has {
        /// Whether any or all of the values must be selected. A single value is always
        /// [`Quantifier::All`]: for one value the two mean the same.
        quantifier: Quantifier,
        /// The operand.
        values: HasOperand,
    },
}

/// Operand of `has`.
#[derive(Clone, Debug, PartialEq)]
pub enum HasOperand {
    /// `has "a"`.
    One(Literal),
    /// `has any ("a", "b")`.
    List(List),
}

/// `any` or `all` after `has`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantifier {
    /// At least one of the values is selected.
    Any,
    /// Every value is selected (the default without a keyword).
    All,
}

/// The text tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextOp {
    /// `contains`: the operand occurs anywhere.
    Contains,
    /// `startswith`.
    StartsWith,
    /// `endswith`.
    EndsWith,
}

/// Comparison operators. `==` parses as [`CmpOp::Eq`] and `<>` as [`CmpOp::Ne`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `=` / `==`.
    Eq,
    /// `!=` / `<>`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

/// A parenthesised or bracketed list of literals.
#[derive(Clone, Debug, PartialEq)]
pub struct List {
    /// The items, at least one.
    pub items: Vec<Literal>,
    /// From the opening to the closing bracket.
    pub span: Span,
}

/// A literal value with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Literal {
    /// The value.
    pub value: Value,
    /// Where it was written.
    pub span: Span,
}

/// Literal values.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `"..."` or `'...'`, escapes resolved.
    String(String),
    /// A finite number.
    Number(f64),
    /// A bare date `YYYY-MM-DD`.
    Date(NaiveDate),
    /// `YYYY-MM-DDThh:mm[:ss[.fff]]` with an optional offset.
    DateTime(DateTimeLit),
    /// `true` / `false`.
    Bool(bool),
    /// `now`/`today` with an optional offset.
    Relative(Relative),
}

/// A datetime literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTimeLit {
    /// Local wall-clock time as written.
    pub local: NaiveDateTime,
    /// The written UTC offset in seconds (`Z` is `Some(0)`); `None` means the query's
    /// time zone.
    pub offset: Option<i32>,
}

/// `now`, `today`, `now - 3d`, `today + 1w`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Relative {
    /// `now` or `today`.
    pub base: RelBase,
    /// Signed amount of `unit` added to the base (0 when absent).
    pub amount: i64,
    /// The unit of `amount`.
    pub unit: RelUnit,
}

/// The anchor of a relative time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelBase {
    /// The compilation clock.
    Now,
    /// Midnight starting the clock's day in the query time zone; on a datetime field it
    /// denotes that whole day, like a date literal.
    Today,
}

/// Units of a relative offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelUnit {
    /// `m`: minutes.
    Minute,
    /// `h`: hours.
    Hour,
    /// `d`: days.
    Day,
    /// `w`: weeks.
    Week,
}

impl RelUnit {
    /// The unit's length in seconds.
    pub fn seconds(self) -> i64 {
        match self {
            RelUnit::Minute => 60,
            RelUnit::Hour => 3600,
            RelUnit::Day => 86_400,
            RelUnit::Week => 7 * 86_400,
        }
    }
}
