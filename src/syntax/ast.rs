//! The spanned syntax tree produced by the parser.
//!
//! Equality of trees ignores spans (spans themselves compare by position), so two trees
//! are equal when they are the same source text up to formatting. `Display` (in `syntax::fmt`) prints the canonical form.

use crate::span::Span;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// A boolean expression over predicates.
#[derive(Clone, Debug)]
pub enum Expr {
    /// `a or b or c`: two or more operands written in one chain. A parenthesised
    /// `or` inside a chain stays a separate, nested node.
    #[cfg_attr(not(feature = "internals"), non_exhaustive)]
    Or(Vec<Expr>, Span),
    /// `a and b and c`: two or more operands written in one chain.
    #[cfg_attr(not(feature = "internals"), non_exhaustive)]
    And(Vec<Expr>, Span),
    /// `not e` or `!e`.
    #[cfg_attr(not(feature = "internals"), non_exhaustive)]
    Not(Box<Expr>, Span),
    /// A single predicate on a field.
    #[cfg_attr(not(feature = "internals"), non_exhaustive)]
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

impl Expr {
    /// The calendar periods written in the tree (`this month`, `本月`, a plain
    /// `today`, ...) with their spans, in source order: what a caller needs to show
    /// each period's resolved interval next to its name (see [`Period::interval`]).
    /// Walks the tree without recursion.
    pub fn periods(&self) -> Vec<(Period, Span)> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(e) = stack.pop() {
            match e {
                Expr::Or(v, _) | Expr::And(v, _) => stack.extend(v.iter().rev()),
                Expr::Not(b, _) => stack.push(b),
                Expr::Pred(p) => p.kind.literals(|l| {
                    if let Value::Period(period) = l.value {
                        out.push((period, l.span));
                    }
                }),
            }
        }
        out
    }
}

impl PredKind {
    /// Calls `f` on each literal operand, in source order.
    fn literals(&self, mut f: impl FnMut(&Literal)) {
        match self {
            PredKind::Compare { value, .. } | PredKind::Text { value, .. } => f(value),
            PredKind::In { list, .. }
            | PredKind::Has {
                values: HasOperand::List(list),
                ..
            } => list.items.iter().for_each(f),
            PredKind::Between { low, high, .. } => {
                f(low);
                f(high);
            }
            PredKind::Has {
                values: HasOperand::One(l),
                ..
            } => f(l),
            PredKind::IsEmpty { .. } | PredKind::Phone { .. } => {}
        }
    }
}

impl Drop for Expr {
    // A 100,000-deep `not not not ...` must not overflow the stack when dropped: deeply
    // nested children are moved onto an explicit stack and dropped a few levels at a
    // time. Children that are predicates, or groups of predicates only (the common
    // case, such as one `(a or b)` in a chain), are dropped in place, so the stack of a
    // query people write is never allocated.
    #[inline]
    fn drop(&mut self) {
        // Runs for every node, predicates included: a shallow node has nothing to move,
        // so it skips the walk over its children (and a predicate even the call).
        if is_shallow(self) {
            return;
        }
        let mut stack: Vec<Expr> = Vec::new();
        take_nested(self, &mut stack);
        while let Some(mut e) = stack.pop() {
            take_nested(&mut e, &mut stack);
            // `e` now has only shallow children; dropping it recurses at most two levels.
        }
    }
}

/// Whether dropping `e` cannot recurse: a predicate or an empty chain.
fn is_leaf(e: &Expr) -> bool {
    match e {
        Expr::Pred(_) => true,
        Expr::Or(v, _) | Expr::And(v, _) => v.is_empty(),
        Expr::Not(..) => false,
    }
}

/// Whether dropping `e` recurses at most one level: `e` is a leaf, or its children are.
fn is_shallow(e: &Expr) -> bool {
    match e {
        Expr::Pred(_) => true,
        Expr::Or(v, _) | Expr::And(v, _) => v.iter().all(is_leaf),
        Expr::Not(b, _) => is_leaf(b),
    }
}

/// Moves the children of `e` that are not shallow onto `stack`, leaving empty
/// placeholders.
fn take_nested(e: &mut Expr, stack: &mut Vec<Expr>) {
    let placeholder = || Expr::Or(Vec::new(), Span::default());
    match e {
        Expr::Or(v, _) | Expr::And(v, _) => {
            for c in v.iter_mut() {
                if !is_shallow(c) {
                    stack.push(std::mem::replace(c, placeholder()));
                }
            }
        }
        Expr::Not(b, _) => {
            if !is_shallow(b) {
                stack.push(std::mem::replace(&mut **b, placeholder()));
            }
        }
        Expr::Pred(_) => {}
    }
}

/// A field reference: `name`, `` `quoted name` ``, or a dotted path `items.qty`.
#[derive(Clone, Debug)]
#[cfg_attr(not(feature = "internals"), non_exhaustive)]
pub struct Field {
    /// The path segments, unescaped. A plain field has one segment.
    pub path: Path,
    /// Where the whole reference was written.
    pub span: Span,
}

impl Field {
    /// The segments joined by `.` (for lookups and messages).
    pub fn dotted(&self) -> String {
        self.path.join(".")
    }
}

/// The segments of a field reference. Derefs to a slice of segments; a plain field's
/// single segment is stored inline, so the common case allocates no vector.
#[derive(Clone)]
pub struct Path(PathRepr);

#[derive(Clone)]
enum PathRepr {
    One([Str; 1]),
    Many(Vec<Str>),
}

impl Path {
    /// A path of one segment.
    pub fn one(segment: impl Into<Str>) -> Path {
        Path(PathRepr::One([segment.into()]))
    }
}

impl Deref for Path {
    type Target = [Str];
    fn deref(&self) -> &[Str] {
        match &self.0 {
            PathRepr::One(one) => one,
            PathRepr::Many(v) => v,
        }
    }
}

impl From<Vec<Str>> for Path {
    fn from(mut v: Vec<Str>) -> Path {
        match v.pop() {
            Some(only) if v.is_empty() => Path::one(only),
            Some(last) => {
                v.push(last);
                Path(PathRepr::Many(v))
            }
            None => Path(PathRepr::Many(v)),
        }
    }
}

impl From<Vec<String>> for Path {
    fn from(v: Vec<String>) -> Path {
        v.into_iter().map(Str::from).collect::<Vec<_>>().into()
    }
}

impl PartialEq for Path {
    fn eq(&self, other: &Path) -> bool {
        **self == **other
    }
}
impl Eq for Path {}

impl<const N: usize> PartialEq<[&str; N]> for Path {
    fn eq(&self, other: &[&str; N]) -> bool {
        **self == *other
    }
}

impl PartialEq<Vec<String>> for Path {
    fn eq(&self, other: &Vec<String>) -> bool {
        **self == **other
    }
}

impl Hash for Path {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

impl fmt::Debug for Path {
    // Prints like the `Vec<String>` it replaced, so AST snapshots keep their form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Text in the tree: a field-name segment or a string literal's value.
///
/// Short text (up to 15 bytes: most names and values) is stored inline; longer text is
/// usually a slice of the query text itself, shared by reference count. So parsing
/// allocates nothing per name or string, and cloning one into the IR touches no shared
/// counter (an atomic update costs about as much as compiling a condition's operand).
/// Text whose escapes were resolved owns its buffer. Derefs to `str`, and compares,
/// hashes and prints like one (`Debug` as well, so trees print as they did with
/// `String`).
#[derive(Clone)]
pub struct Str(Repr);

/// The most bytes a [`Str`] holds inline: what fits beside the tag in the 24 bytes the
/// shared form takes anyway.
const INLINE: usize = 15;

// The inline form must not make every name and value in the trees bigger: the tag goes
// in the niche of the shared form's pointer.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Str>() == 24);

#[derive(Clone)]
enum Repr {
    /// `bytes[..len]`, always a whole `str` (copied from one, see [`Str::inline`]).
    Inline { len: u8, bytes: [u8; INLINE] },
    /// `buf[start..end]`, or the whole of `buf` when `start > end`.
    Shared { buf: Arc<str>, start: u32, end: u32 },
}

impl Str {
    /// `s` inline, when it is short enough.
    fn inline(s: &str) -> Option<Str> {
        let len = s.len();
        if len > INLINE {
            return None;
        }
        let mut bytes = [0; INLINE];
        bytes[..len].copy_from_slice(s.as_bytes());
        Some(Str(Repr::Inline {
            len: len as u8,
            bytes,
        }))
    }

    /// The first `len` (at most [`INLINE`]) bytes of `window`, which are a whole `str`,
    /// inline. The bytes copied past `len` are never read (every use goes through
    /// [`Str::as_str`]).
    fn inline_window(window: &[u8], len: usize) -> Str {
        let mut bytes = [0; INLINE];
        bytes.copy_from_slice(&window[..INLINE]);
        Str(Repr::Inline {
            len: len.min(INLINE) as u8,
            bytes,
        })
    }

    /// `buf[start..end]`: inline when short, else sharing `buf` (a copy if the offsets
    /// do not fit 32 bits). `buf` is only called for long text, so that a query of short
    /// names and values never builds the shared buffer.
    pub(crate) fn slice(
        src: &str,
        start: usize,
        end: usize,
        buf: impl FnOnce() -> Arc<str>,
    ) -> Str {
        let text = src.get(start..end).unwrap_or("");
        if text.len() <= INLINE {
            // The fixed INLINE bytes of the text from `start`, when it has them, are
            // copied by a few register moves, where copying `len` bytes calls `memcpy`.
            if let Some(window) = src.as_bytes().get(start..start + INLINE) {
                return Str::inline_window(window, text.len());
            }
        }
        if let Some(s) = Str::inline(text) {
            return s;
        }
        match (u32::try_from(start), u32::try_from(end)) {
            (Ok(s), Ok(e)) => Str(Repr::Shared {
                buf: buf(),
                start: s,
                end: e,
            }),
            _ => Str::from(text),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                let b = &bytes[..usize::from(*len).min(INLINE)];
                // SAFETY: `Inline` is only built by `Str::inline`, which copies the
                // whole of a `&str` (valid UTF-8) into `bytes[..len]`, and by
                // `Str::inline_window`, whose first `len` bytes are `src[start..end]`
                // of a `&str` `src` (`Str::slice` checked that range is one); nothing
                // changes `bytes` or `len` afterwards. Checking again costs more than the rest
                // of reading a short name (this runs on every lookup and comparison).
                unsafe { std::str::from_utf8_unchecked(b) }
            }
            Repr::Shared { buf, start, end } => {
                if start > end {
                    buf
                } else {
                    buf.get(*start as usize..*end as usize).unwrap_or("")
                }
            }
        }
    }
}

impl Default for Str {
    fn default() -> Str {
        Str::from("")
    }
}

impl Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        Str::inline(s).unwrap_or_else(|| {
            Str(Repr::Shared {
                buf: Arc::from(s),
                start: 1,
                end: 0,
            })
        })
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        Str::inline(&s).unwrap_or_else(|| {
            Str(Repr::Shared {
                buf: Arc::from(s),
                start: 1,
                end: 0,
            })
        })
    }
}

impl From<&String> for Str {
    fn from(s: &String) -> Str {
        Str::from(s.as_str())
    }
}

impl From<Str> for String {
    fn from(s: Str) -> String {
        s.as_str().to_owned()
    }
}

impl From<&Str> for String {
    fn from(s: &Str) -> String {
        s.as_str().to_owned()
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}
impl Eq for Str {}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Str) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Str {
    fn cmp(&self, other: &Str) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Str {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}
impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
impl PartialEq<String> for Str {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}
impl PartialEq<Str> for str {
    fn eq(&self, other: &Str) -> bool {
        self == other.as_str()
    }
}
impl PartialEq<Str> for &str {
    fn eq(&self, other: &Str) -> bool {
        *self == other.as_str()
    }
}
impl PartialEq<Str> for String {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

/// One predicate: a field and a test on it.
#[derive(Clone, Debug)]
#[cfg_attr(not(feature = "internals"), non_exhaustive)]
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
    #[cfg_attr(not(feature = "internals"), non_exhaustive)]
    Compare {
        /// The comparison operator.
        op: CmpOp,
        /// The right-hand side.
        value: Literal,
    },
    /// `field [not] in (v, ...)`.
    #[cfg_attr(not(feature = "internals"), non_exhaustive)]
    In {
        /// `not in`.
        negated: bool,
        /// The values, at least one.
        list: List,
    },
    /// `field [not] between low and high` (inclusive at both ends).
    #[cfg_attr(not(feature = "internals"), non_exhaustive)]
    Between {
        /// `not between`.
        negated: bool,
        /// Lower bound (boxed, as is `high`: `between` is rare, and two inline literals
        /// would make every predicate of every tree half again as large).
        low: Box<Literal>,
        /// Upper bound.
        high: Box<Literal>,
    },
    /// `field is [not] empty` (`null` is an alias of `empty`).
    #[cfg_attr(not(feature = "internals"), non_exhaustive)]
    IsEmpty {
        /// `is not empty`.
        negated: bool,
    },
    /// `field verified` / `field unverified` (phone fields).
    #[cfg_attr(not(feature = "internals"), non_exhaustive)]
    Phone {
        /// `verified` when true, `unverified` when false.
        verified: bool,
    },
    /// `field [not] contains|startswith|endswith "text"`.
    #[cfg_attr(not(feature = "internals"), non_exhaustive)]
    Text {
        /// `not contains` etc.
        negated: bool,
        /// Which text test.
        op: TextOp,
        /// The operand (a string literal in well-typed queries).
        value: Literal,
    },
    /// `field has [any|all] (value | list)` (multi-select fields).
    #[cfg_attr(not(feature = "internals"), non_exhaustive)]
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

impl TextOp {
    /// The operator's keyword, as written in a query.
    pub(crate) const fn keyword(self) -> &'static str {
        match self {
            TextOp::Contains => "contains",
            TextOp::StartsWith => "startswith",
            TextOp::EndsWith => "endswith",
        }
    }
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
#[derive(Clone, Debug)]
#[cfg_attr(not(feature = "internals"), non_exhaustive)]
pub struct List {
    /// The items, at least one.
    pub items: Vec<Literal>,
    /// From the opening to the closing bracket.
    pub span: Span,
}

/// A literal value with its span.
#[derive(Clone, Debug)]
#[cfg_attr(not(feature = "internals"), non_exhaustive)]
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
    String(Str),
    /// A finite number.
    Number(f64),
    /// A bare date `YYYY-MM-DD`.
    Date(NaiveDate),
    /// `YYYY-MM-DDThh:mm[:ss[.fff]]` with an optional offset.
    DateTime(DateTimeLit),
    /// `true` / `false`.
    Bool(bool),
    /// `now` with an optional offset, or `today` with an offset (`today - 1mo`).
    Relative(Relative),
    /// A calendar period: `today`, `yesterday`, `this month`, `last week`, `本季度`, ...
    Period(Period),
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

/// `now`, `now - 3d`, `today + 1w`, `today - 1mo`. A plain `today` is a [`Period`];
/// `today + 0d` is this type (and prints as written, so that it reads back the same).
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
    /// The clock's day in the query time zone, moved by the offset; on a datetime field
    /// it denotes that whole day, like a date literal.
    Today,
}

/// Units of a relative offset. Each is written differently enough that no two read
/// alike: `m` is always minutes, months are `mo`.
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
    /// `mo`: calendar months; the day of the month is kept, or clamped to the last day
    /// of a shorter month (2024-03-31 − 1mo = 2024-02-29).
    Month,
    /// `q`: calendar quarters, three months each (clamped like months).
    Quarter,
    /// `y`: calendar years, twelve months each (2024-02-29 + 1y = 2025-02-28).
    Year,
}

impl RelUnit {
    /// The unit's length in seconds, for the units of fixed length (`None` for months,
    /// quarters and years, whose length depends on the calendar).
    pub fn seconds(self) -> Option<i64> {
        match self {
            RelUnit::Minute => Some(60),
            RelUnit::Hour => Some(3600),
            RelUnit::Day => Some(86_400),
            RelUnit::Week => Some(7 * 86_400),
            RelUnit::Month | RelUnit::Quarter | RelUnit::Year => None,
        }
    }

    /// The unit's length in calendar months (`None` for the units of fixed length).
    pub fn months(self) -> Option<u32> {
        match self {
            RelUnit::Month => Some(1),
            RelUnit::Quarter => Some(3),
            RelUnit::Year => Some(12),
            RelUnit::Minute | RelUnit::Hour | RelUnit::Day | RelUnit::Week => None,
        }
    }

    /// The unit as written after an amount (`m`, `h`, `d`, `w`, `mo`, `q`, `y`).
    pub fn suffix(self) -> &'static str {
        match self {
            RelUnit::Minute => "m",
            RelUnit::Hour => "h",
            RelUnit::Day => "d",
            RelUnit::Week => "w",
            RelUnit::Month => "mo",
            RelUnit::Quarter => "q",
            RelUnit::Year => "y",
        }
    }
}

/// A calendar period around the compilation clock: `yesterday`, `today`, `tomorrow`,
/// `this|last|next week|month|quarter|year`, or one of their Chinese names (`昨天`,
/// `本月`, `上季度`, ...).
///
/// It denotes the half-open interval `[start, end)` of the calendar unit that contains
/// the clock's instant in the query's time zone, moved one unit back (`last`) or on
/// (`next`); weeks start on Monday (ISO 8601). See [`Period::interval`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    /// The calendar unit.
    pub unit: PeriodUnit,
    /// Which one: the unit containing the clock, or the one before or after it.
    pub shift: Shift,
}

/// The calendar units of a [`Period`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PeriodUnit {
    /// A day, 00:00 to the next 00:00 (`yesterday`, `today`, `tomorrow`).
    Day,
    /// An ISO week, Monday 00:00 to the next Monday 00:00.
    Week,
    /// A calendar month.
    Month,
    /// A calendar quarter: January, April, July or October, and the two months after.
    Quarter,
    /// A calendar year.
    Year,
}

/// Which unit of a [`Period`]: `last`, `this` or `next`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shift {
    /// The unit before the one containing the clock (`last month`, `yesterday`).
    Last,
    /// The unit containing the clock (`this month`, `today`).
    This,
    /// The unit after the one containing the clock (`next month`, `tomorrow`).
    Next,
}

impl Shift {
    /// -1, 0 or 1.
    pub fn offset(self) -> i32 {
        match self {
            Shift::Last => -1,
            Shift::This => 0,
            Shift::Next => 1,
        }
    }
}

impl PeriodUnit {
    /// The unit's English name (`week`, `month`, ...).
    pub fn name(self) -> &'static str {
        match self {
            PeriodUnit::Day => "day",
            PeriodUnit::Week => "week",
            PeriodUnit::Month => "month",
            PeriodUnit::Quarter => "quarter",
            PeriodUnit::Year => "year",
        }
    }
}

impl Period {
    /// Every period the language names, English and Chinese, in the order a reader
    /// looks them up (the canonical English name first for each period).
    pub const NAMES: [(&'static str, Period); 30] = {
        use PeriodUnit::*;
        use Shift::*;
        const fn p(unit: PeriodUnit, shift: Shift) -> Period {
            Period { unit, shift }
        }
        [
            ("yesterday", p(Day, Last)),
            ("today", p(Day, This)),
            ("tomorrow", p(Day, Next)),
            ("last week", p(Week, Last)),
            ("this week", p(Week, This)),
            ("next week", p(Week, Next)),
            ("last month", p(Month, Last)),
            ("this month", p(Month, This)),
            ("next month", p(Month, Next)),
            ("last quarter", p(Quarter, Last)),
            ("this quarter", p(Quarter, This)),
            ("next quarter", p(Quarter, Next)),
            ("last year", p(Year, Last)),
            ("this year", p(Year, This)),
            ("next year", p(Year, Next)),
            ("昨天", p(Day, Last)),
            ("今天", p(Day, This)),
            ("明天", p(Day, Next)),
            ("上周", p(Week, Last)),
            ("本周", p(Week, This)),
            ("下周", p(Week, Next)),
            ("上月", p(Month, Last)),
            ("本月", p(Month, This)),
            ("下月", p(Month, Next)),
            ("上季度", p(Quarter, Last)),
            ("本季度", p(Quarter, This)),
            ("下季度", p(Quarter, Next)),
            ("去年", p(Year, Last)),
            ("今年", p(Year, This)),
            ("明年", p(Year, Next)),
        ]
    };

    /// The canonical (English) name: `today`, `last week`, `this quarter`, ...
    pub fn name(self) -> &'static str {
        use PeriodUnit::*;
        use Shift::*;
        match (self.unit, self.shift) {
            (Day, Last) => "yesterday",
            (Day, This) => "today",
            (Day, Next) => "tomorrow",
            (Week, Last) => "last week",
            (Week, This) => "this week",
            (Week, Next) => "next week",
            (Month, Last) => "last month",
            (Month, This) => "this month",
            (Month, Next) => "next month",
            (Quarter, Last) => "last quarter",
            (Quarter, This) => "this quarter",
            (Quarter, Next) => "next quarter",
            (Year, Last) => "last year",
            (Year, This) => "this year",
            (Year, Next) => "next year",
        }
    }

    /// The period's first and last-plus-one day, in the calendar of the day `today`.
    /// `None` only at the ends of the representable dates.
    pub fn dates(self, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        use chrono::{Datelike, Days, Months};
        let shift = self.shift.offset();
        let months = |n: u32, first: NaiveDate| {
            let start = match shift {
                -1 => first.checked_sub_months(Months::new(n))?,
                1 => first.checked_add_months(Months::new(n))?,
                _ => first,
            };
            Some((start, start.checked_add_months(Months::new(n))?))
        };
        let days = |n: u64, first: NaiveDate| {
            let start = match shift {
                -1 => first.checked_sub_days(Days::new(n))?,
                1 => first.checked_add_days(Days::new(n))?,
                _ => first,
            };
            Some((start, start.checked_add_days(Days::new(n))?))
        };
        match self.unit {
            PeriodUnit::Day => days(1, today),
            PeriodUnit::Week => {
                let back = u64::from(today.weekday().num_days_from_monday());
                days(7, today.checked_sub_days(Days::new(back))?)
            }
            PeriodUnit::Month => months(1, today.with_day(1)?),
            PeriodUnit::Quarter => {
                let first_month = (today.month() - 1) / 3 * 3 + 1;
                months(3, today.with_day(1)?.with_month(first_month)?)
            }
            PeriodUnit::Year => months(12, today.with_day(1)?.with_month(1)?),
        }
    }

    /// The half-open interval `[start, end)` the period denotes when the clock reads
    /// `now`, in the time zone `tz`: the instants of its first day's 00:00 and of the
    /// 00:00 after its last day. `None` when an end falls outside the dates chrono can
    /// represent.
    ///
    /// ```
    /// use chrono::{DateTime, FixedOffset};
    /// use filterql::syntax::ast::{Period, PeriodUnit, Shift};
    /// let now = DateTime::parse_from_rfc3339("2024-05-15T10:00:00+08:00").unwrap();
    /// let tz = FixedOffset::east_opt(8 * 3600).unwrap();
    /// let last_month = Period { unit: PeriodUnit::Month, shift: Shift::Last };
    /// let (start, end) = last_month.interval(now, tz).unwrap();
    /// assert_eq!(start.to_rfc3339(), "2024-04-01T00:00:00+08:00");
    /// assert_eq!(end.to_rfc3339(), "2024-05-01T00:00:00+08:00");
    /// ```
    pub fn interval(
        self,
        now: DateTime<FixedOffset>,
        tz: FixedOffset,
    ) -> Option<(DateTime<FixedOffset>, DateTime<FixedOffset>)> {
        let offset = chrono::Duration::seconds(i64::from(tz.local_minus_utc()));
        let (first, after) = self.dates(local_date(now, tz)?)?;
        let at = |d: NaiveDate| {
            let utc = d.and_hms_opt(0, 0, 0)?.checked_sub_signed(offset)?;
            Some(DateTime::from_naive_utc_and_offset(utc, tz))
        };
        Some((at(first)?, at(after)?))
    }
}

/// The calendar date of `now` in `tz`, or `None` past the last date chrono holds (where
/// `with_timezone` would panic).
pub(crate) fn local_date(now: DateTime<FixedOffset>, tz: FixedOffset) -> Option<NaiveDate> {
    local_time(now, tz).map(|t| t.date())
}

/// The wall-clock time of `now` in `tz`, or `None` past the ends chrono holds.
pub(crate) fn local_time(now: DateTime<FixedOffset>, tz: FixedOffset) -> Option<NaiveDateTime> {
    now.naive_utc()
        .checked_add_signed(chrono::Duration::seconds(i64::from(tz.local_minus_utc())))
}

// Structural equality: every tree type compares its content and ignores where it was
// written. The destructuring patterns list every field, so a field added later must be
// placed on one side or the other here.

impl PartialEq for Expr {
    fn eq(&self, other: &Expr) -> bool {
        match (self, other) {
            (Expr::Or(a, _), Expr::Or(b, _)) | (Expr::And(a, _), Expr::And(b, _)) => a == b,
            (Expr::Not(a, _), Expr::Not(b, _)) => a == b,
            (Expr::Pred(a), Expr::Pred(b)) => a == b,
            _ => false,
        }
    }
}

impl PartialEq for Predicate {
    fn eq(&self, other: &Predicate) -> bool {
        let Predicate {
            field,
            kind,
            span: _,
        } = self;
        *field == other.field && *kind == other.kind
    }
}

impl PartialEq for Field {
    fn eq(&self, other: &Field) -> bool {
        let Field { path, span: _ } = self;
        *path == other.path
    }
}
impl Eq for Field {}

impl Hash for Field {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.path.hash(h);
    }
}

impl PartialEq for List {
    fn eq(&self, other: &List) -> bool {
        let List { items, span: _ } = self;
        *items == other.items
    }
}

impl PartialEq for Literal {
    fn eq(&self, other: &Literal) -> bool {
        let Literal { value, span: _ } = self;
        *value == other.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // Lengths around the inline limit, with multi-byte characters straddling it.
        #[test]
        fn str_reads_back_what_it_was_given(s in "[a-zé手\\x00]{0,12}") {
            let owned = Str::from(s.as_str());
            prop_assert_eq!(owned.as_str(), s.as_str());
            let from_string = Str::from(s.clone());
            prop_assert_eq!(from_string.as_str(), s.as_str());
            let src = format!("«{s}»");
            let shared: Arc<str> = Arc::from(src.as_str());
            let start = "«".len();
            let sliced = Str::slice(&src, start, start + s.len(), || shared.clone());
            prop_assert_eq!(sliced.as_str(), s.as_str());
            prop_assert_eq!(sliced.clone(), owned);
        }
    }

    #[test]
    fn periods_are_listed_in_source_order() {
        let text =
            "a = 本月 or not (b in (today, 2024-01-01) and c between last week and NEXT YEAR)";
        let e = crate::syntax::parse(text).unwrap();
        let found: Vec<(&str, &str)> = e
            .periods()
            .iter()
            .map(|(p, s)| (p.name(), &text[s.start..s.end]))
            .collect();
        assert_eq!(
            found,
            [
                ("this month", "本月"),
                ("today", "today"),
                ("last week", "last week"),
                ("next year", "NEXT YEAR")
            ]
        );
        let none = crate::syntax::parse("a = now - 1mo and b = 2024-01-01").unwrap();
        assert!(none.periods().is_empty());
    }

    #[test]
    fn short_text_is_inline_and_long_text_shared() {
        let src = "abcdefghijklmnopq";
        let built = std::cell::Cell::new(0);
        let buf = || {
            built.set(built.get() + 1);
            Arc::from(src)
        };
        let short = Str::slice(src, 0, 15, buf);
        assert!(matches!(short.0, Repr::Inline { .. }));
        assert_eq!(built.get(), 0, "no shared buffer for short text");
        let long = Str::slice(src, 0, 16, buf);
        assert!(matches!(long.0, Repr::Shared { .. }));
        assert_eq!(long.as_str(), &src[..16]);
        assert_eq!(built.get(), 1);
        // A slice that is not on character boundaries reads as empty, never panics.
        assert_eq!(Str::slice("手", 0, 1, || Arc::from("手")).as_str(), "");
    }
}

