//! IR back into the surface language, so that `to_ast(p, tz)?.to_string()` is query text
//! meaning the same as `p` (used for pushdown residuals and decompiled filters).
//!
//! - Fields are written by `name` (never by label, which may be ambiguous), subform
//!   columns as `subform.column`.
//! - Datetimes are datetime literals with an explicit offset and millisecond precision,
//!   so the text means the same instants whatever time zone it is later compiled in: the
//!   offset `tz`, or, for an instant whose year in `tz` has no four-digit form (e.g.
//!   `+10000-01-01T00:00+08:00`), UTC or ±23:59. The instants no literal can name at
//!   all (before `0000-01-01T00:00+23:59` or after `9999-12-31T23:59:59.999-23:59`;
//!   [`MIN_INSTANT_MS`], [`MAX_INSTANT_MS`]) are ones no record holds, as records hold
//!   RFC 3339 datetimes with four-digit years: a test that needs such a value is false
//!   (`d = <it>`, a value of an `in` list dropped), and a range end beyond them is empty
//!   on the far side and the last nameable instant on the near side.
//! - Ranges: one end → `>`, `>=`, `<`, `<=`; both ends inclusive → `between`; otherwise
//!   `x >= lo and x < hi` on single-valued fields. On a subform column the two ends must
//!   hold on the *same* row, so the range is written as one `between`: an exclusive end
//!   becomes the adjacent inclusive one (1 ms for datetimes, which the IR counts in
//!   whole milliseconds; the adjacent `f64` for numbers), which is exact.
//! - Negated leaves → `!=`, `not in`, `not between`, `is not empty`, `not contains`, and
//!   `not (...)` where the language has no negated operator.
//! - `True`/`False` have no syntax. Inside a tree they are folded away exactly
//!   (`a and true` = `a`, `a or true` = true, ...); a predicate that is constant as a
//!   whole is reported as [`Constant`] for the caller to handle (a pushdown residual that
//!   is `True` means "no residual").

use crate::ir::{Bound, FieldRef, Leaf, Pred, Range, Scalar, Test};
use crate::schema::FieldType;
use crate::span::Span;
use crate::syntax::ast::{
    CmpOp, DateTimeLit, Expr, Field, HasOperand, List, Literal, Path, PredKind, Predicate,
    Quantifier, Str, Value,
};
use chrono::FixedOffset;
use std::borrow::Cow;

/// A predicate that folds to a constant, which the language cannot write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Constant {
    /// Every record matches.
    #[error("the predicate matches every record; the filter language has no `true`")]
    True,
    /// No record matches.
    #[error("the predicate matches no record; the filter language has no `false`")]
    False,
}

impl Constant {
    fn of(b: bool) -> Constant {
        if b {
            Constant::True
        } else {
            Constant::False
        }
    }

    fn not(self) -> Constant {
        match self {
            Constant::True => Constant::False,
            Constant::False => Constant::True,
        }
    }
}

/// The syntax tree of a query meaning the same as `p`, datetimes written with offset
/// `tz`; [`Constant`] when `p` matches every record or none (after folding constants).
///
/// ```
/// use filterql::ir::{FieldInfo, FieldRef, Pred, Test, Scalar};
/// use filterql::{FieldType, Span};
/// let field = FieldRef::new(FieldInfo {
///     name: "amount".into(), subform: None, ty: FieldType::Number,
///     widget: None, column: "amount".into(), label: None,
/// });
/// let p = Pred::leaf(field, Test::Eq(Scalar::Number(5.0)), true, Span::default());
/// let tz = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
/// assert_eq!(filterql::unparse::to_ast(&p, tz).unwrap().to_string(), "amount != 5");
/// ```
pub fn to_ast(p: &Pred, tz: FixedOffset) -> Result<Expr, Constant> {
    // A chain of `Not`s is walked in a loop, not by recursion, and rebuilt as one.
    let mut p = p;
    let mut nots = 0usize;
    while let Pred::Not(inner) = p {
        p = inner;
        nots += 1;
    }
    if nots > 0 {
        return match to_ast(p, tz) {
            Ok(mut e) => {
                for _ in 0..nots {
                    e = Expr::Not(Box::new(e), Span::default());
                }
                Ok(e)
            }
            Err(c) if nots % 2 == 1 => Err(c.not()),
            Err(c) => Err(c),
        };
    }
    match p {
        Pred::True => Err(Constant::True),
        Pred::False => Err(Constant::False),
        // Not reached after the loop; still the right answer.
        Pred::Not(inner) => to_ast(inner, tz)
            .map(|e| Expr::Not(Box::new(e), Span::default()))
            .map_err(Constant::not),
        Pred::And(ps) => junction(ps, tz, true),
        Pred::Or(ps) => junction(ps, tz, false),
        Pred::Leaf(l) => leaf(l, tz),
    }
}

/// What [`write_text`] wrote, as far as parenthesising it inside another expression
/// goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    And,
    Or,
    Other,
}

/// Writes `to_ast(p, tz)?.to_string()` into `out` straight from the IR, without building
/// the tree of the whole predicate (only each leaf's, printed by the syntax tree's own
/// `Display`). On a [`Constant`] nothing is left written.
pub fn write_text(p: &Pred, tz: FixedOffset, out: &mut String) -> Result<(), Constant> {
    write_pred::<false>(p, tz, out).map(|_| ())
}

/// [`write_text`] escaped as the inside of a JSON string literal (what serde_json writes
/// between the quotes), in the same pass: the plain leaves' text needs no escape but
/// for its quotes, written escaped; another leaf's text is escaped after it is written.
pub(crate) fn write_json_text(p: &Pred, tz: FixedOffset, out: &mut String) -> Result<(), Constant> {
    write_pred::<true>(p, tz, out).map(|_| ())
}

/// Writes what `Display` of `e` prints, JSON-escaped when `JSON`.
fn write_display<const JSON: bool>(e: &impl std::fmt::Display, out: &mut String) {
    use std::fmt::Write as _;
    let at = out.len();
    // Writing to a `String` cannot fail.
    let _ = write!(out, "{e}");
    if JSON {
        crate::target::json::escape_from(out, at);
    }
}

fn write_pred<const JSON: bool>(
    p: &Pred,
    tz: FixedOffset,
    out: &mut String,
) -> Result<Kind, Constant> {
    let start = out.len();
    // A chain of `Not`s is walked in a loop, not by recursion, as in `to_ast`.
    let mut p = p;
    let mut nots = 0usize;
    while let Pred::Not(inner) = p {
        p = inner;
        nots += 1;
    }
    if nots > 0 {
        for _ in 0..nots {
            out.push_str("not ");
        }
        let at = out.len();
        return match write_pred::<JSON>(p, tz, out) {
            Ok(kind) => {
                if kind != Kind::Other {
                    out.insert(at, '(');
                    out.push(')');
                }
                Ok(Kind::Other)
            }
            Err(c) => {
                out.truncate(start);
                Err(if nots % 2 == 1 { c.not() } else { c })
            }
        };
    }
    match p {
        Pred::True => Err(Constant::True),
        Pred::False => Err(Constant::False),
        Pred::Not(_) => unreachable_not::<JSON>(p, tz, out),
        Pred::And(ps) => write_junction::<JSON>(ps, tz, out, true),
        Pred::Or(ps) => write_junction::<JSON>(ps, tz, out, false),
        Pred::Leaf(l) => {
            if let Some(kind) = write_plain_leaf::<JSON>(l, tz, out) {
                return Ok(kind);
            }
            let e = leaf(l, tz)?;
            write_display::<JSON>(&e, out);
            Ok(match e {
                Expr::And(..) => Kind::And,
                Expr::Or(..) => Kind::Or,
                _ => Kind::Other,
            })
        }
    }
}

/// Writes the common leaves (`=`, `!=`, `in`, text tests, `is empty`, ranges) on a
/// plainly named single-valued field with plain operands directly, exactly as their
/// syntax tree prints, and says what it wrote; `None`, with nothing written, for every
/// other leaf, which goes through the tree.
fn write_plain_leaf<const JSON: bool>(
    l: &Leaf,
    tz: FixedOffset,
    out: &mut String,
) -> Option<Kind> {
    let f = &l.field;
    if f.subform.is_some() || !plain_ident(&f.name) {
        return None;
    }
    let not = if l.negated { "not " } else { "" };
    let start = out.len();
    let mut kind = Kind::Other;
    let ok = match &l.test {
        Test::Eq(v) => {
            out.push_str(&f.name);
            out.push_str(if l.negated { " != " } else { " = " });
            plain_value::<JSON>(v, tz, out)
        }
        Test::In(vs) if !vs.is_empty() => {
            out.push_str(&f.name);
            out.push(' ');
            out.push_str(not);
            out.push_str("in (");
            let mut ok = true;
            for (i, v) in vs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                ok = ok && plain_value::<JSON>(v, tz, out);
            }
            out.push(')');
            ok
        }
        Test::Text(op, t) => {
            out.push_str(&f.name);
            out.push(' ');
            out.push_str(not);
            out.push_str(op.keyword());
            out.push(' ');
            plain_text::<JSON>(t, out)
        }
        Test::Empty => {
            out.push_str(&f.name);
            out.push_str(if l.negated {
                " is not empty"
            } else {
                " is empty"
            });
            true
        }
        Test::Range(r) if !multi_valued(f) && !crate::normalize::range_is_empty(r) => {
            let end = |b: &Bound, op: &str, out: &mut String| {
                out.push_str(&f.name);
                out.push_str(op);
                plain_value::<JSON>(&b.value, tz, out)
            };
            match (&r.lo, &r.hi) {
                (Some(lo), Some(hi)) if lo.inclusive && hi.inclusive => {
                    out.push_str(&f.name);
                    out.push(' ');
                    out.push_str(not);
                    out.push_str("between ");
                    let ok = plain_value::<JSON>(&lo.value, tz, out);
                    out.push_str(" and ");
                    ok && plain_value::<JSON>(&hi.value, tz, out)
                }
                (Some(lo), Some(hi)) => {
                    if l.negated {
                        out.push_str("not (");
                    } else {
                        kind = Kind::And;
                    }
                    let ok = end(lo, if lo.inclusive { " >= " } else { " > " }, out);
                    out.push_str(" and ");
                    let ok = ok && end(hi, if hi.inclusive { " <= " } else { " < " }, out);
                    if l.negated {
                        out.push(')');
                    }
                    ok
                }
                (Some(lo), None) => {
                    out.push_str(not);
                    end(lo, if lo.inclusive { " >= " } else { " > " }, out)
                }
                (None, Some(hi)) => {
                    out.push_str(not);
                    end(hi, if hi.inclusive { " <= " } else { " < " }, out)
                }
                (None, None) => false,
            }
        }
        _ => false,
    };
    if ok {
        Some(kind)
    } else {
        out.truncate(start);
        None
    }
}

/// Whether `name` prints bare as the syntax tree prints it: an identifier of ASCII
/// letters, digits and `_` or CJK ideographs, not starting with a digit, not a keyword.
fn plain_ident(name: &str) -> bool {
    // Field names are mostly ASCII: checked a byte at a time, without decoding.
    if let Some((&first, rest)) = name.as_bytes().split_first() {
        if (first.is_ascii_alphabetic() || first == b'_')
            && rest.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return !crate::syntax::is_keyword(name);
        }
    }
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || cjk(c))
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || cjk(c))
        && !crate::syntax::is_keyword(name)
}

/// Whether `c` is a CJK unified ideograph (the common block), told by its range.
fn cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Writes text that needs no escape (printable ASCII but `"` and `\\`, and non-ASCII
/// letters and digits) in quotes; `false` for anything else.
fn plain_text<const JSON: bool>(t: &str, out: &mut String) -> bool {
    // CJK ideographs are checked by range first: `is_alphanumeric` looks them up in
    // Unicode tables, the costliest part of writing a Chinese option or name.
    let plain = t.chars().all(|c| {
        if c.is_ascii() {
            (c.is_ascii_graphic() || c == ' ') && c != '"' && c != '\\'
        } else {
            cjk(c) || c.is_alphanumeric()
        }
    });
    if plain {
        // Plain text needs no JSON escape; its quotes do.
        let quote = if JSON { "\\\"" } else { "\"" };
        out.push_str(quote);
        out.push_str(t);
        out.push_str(quote);
    }
    plain
}

/// Writes plain text, a number as `{}` prints it (integral ones below 10^15 as their
/// digits, others through the syntax tree's number format) or a datetime of years
/// 1–9999 in a whole-minute `tz` as its literal prints; `false` for other values.
fn plain_value<const JSON: bool>(v: &Scalar, tz: FixedOffset, out: &mut String) -> bool {
    match v {
        Scalar::Text(t) => plain_text::<JSON>(t, out),
        Scalar::Number(n)
            if n.fract() == 0.0 && n.abs() < 1e15 && !(*n == 0.0 && n.is_sign_negative()) =>
        {
            let i = *n as i64;
            if i < 0 {
                out.push('-');
            }
            crate::target::decimal::push_decimal(out, i.unsigned_abs());
            true
        }
        Scalar::Number(n) => {
            if !crate::target::json::push_short_decimal(out, *n) {
                use std::fmt::Write as _;
                let _ = write!(out, "{}", Value::Number(*n));
            }
            true
        }
        Scalar::DateTime(ms) => {
            let secs = tz.local_minus_utc();
            if secs % 60 != 0 || i64::from(secs.abs()) * 1000 > OFFSET_MAX_MS {
                return false;
            }
            let Some(c) = crate::timefmt::Civil::at(*ms, tz) else {
                return false;
            };
            if secs == 0 {
                c.push(out, b'T', c.milli != 0, None);
                out.push('Z');
            } else {
                c.push(out, b'T', c.milli != 0, Some(tz));
            }
            true
        }
        Scalar::Bool(_) => false,
    }
}

/// The `Not` arm after the loop above (not reached); still the right answer.
fn unreachable_not<const JSON: bool>(
    p: &Pred,
    tz: FixedOffset,
    out: &mut String,
) -> Result<Kind, Constant> {
    let e = to_ast(p, tz)?;
    write_display::<JSON>(&e, out);
    Ok(Kind::Other)
}

/// [`junction`] written directly: operands that fold to the unit are dropped, the
/// absorbing constant makes the whole group that constant, a single operand stands
/// alone, and an operand is parenthesised where `Display` would (`and`/`or` inside
/// `and`, `or` inside `or`).
fn write_junction<const JSON: bool>(
    ps: &[Pred],
    tz: FixedOffset,
    out: &mut String,
    is_and: bool,
) -> Result<Kind, Constant> {
    let unit = Constant::of(is_and);
    let start = out.len();
    let sep = if is_and { " and " } else { " or " };
    let mut count = 0usize;
    // The first operand kept: where it starts, its kind, whether it got parentheses.
    let mut first = (start, Kind::Other, false);
    for p in ps {
        let mark = out.len();
        if count > 0 {
            out.push_str(sep);
        }
        let at = out.len();
        match write_pred::<JSON>(p, tz, out) {
            Ok(kind) => {
                let parens = match kind {
                    Kind::And => is_and,
                    Kind::Or => true,
                    Kind::Other => false,
                };
                if parens {
                    out.insert(at, '(');
                    out.push(')');
                }
                if count == 0 {
                    first = (at, kind, parens);
                }
                count += 1;
            }
            Err(c) if c == unit => out.truncate(mark),
            Err(c) => {
                out.truncate(start);
                return Err(c);
            }
        }
    }
    match count {
        0 => Err(unit),
        1 => {
            // Alone, the operand is the expression itself: no parentheses.
            let (at, kind, parens) = first;
            if parens {
                out.pop();
                out.remove(at);
            }
            Ok(kind)
        }
        _ if is_and => Ok(Kind::And),
        _ => Ok(Kind::Or),
    }
}

/// `and` (`is_and`) or `or` of the operands, folding constants: the unit (`true` for
/// `and`) is dropped, the absorbing constant wins, no operand left is the unit.
fn junction(ps: &[Pred], tz: FixedOffset, is_and: bool) -> Result<Expr, Constant> {
    let unit = Constant::of(is_and);
    let mut out = Vec::with_capacity(ps.len());
    for p in ps {
        match to_ast(p, tz) {
            Ok(e) => out.push(e),
            Err(c) if c == unit => {}
            Err(c) => return Err(c),
        }
    }
    if out.len() <= 1 {
        return out.pop().ok_or(unit);
    }
    Ok(if is_and {
        Expr::And(out, Span::default())
    } else {
        Expr::Or(out, Span::default())
    })
}

fn field(f: &FieldRef) -> Field {
    // A short name is stored inline: no allocation for the common field.
    let path = match &f.subform {
        Some(sub) => vec![Str::from(sub), Str::from(&f.name)].into(),
        None => Path::one(f.name.as_str()),
    };
    Field {
        path,
        span: Span::default(),
    }
}

/// The earliest instant a datetime literal can name: `0000-01-01T00:00:00+23:59`.
pub const MIN_INSTANT_MS: i64 = -62_167_219_200_000 - OFFSET_MAX_MS;
/// The latest instant a datetime literal can name: `9999-12-31T23:59:59.999-23:59`.
pub const MAX_INSTANT_MS: i64 = 253_402_300_799_999 + OFFSET_MAX_MS;
/// The largest UTC offset a literal can write, 23:59, in milliseconds.
const OFFSET_MAX_MS: i64 = (23 * 3600 + 59 * 60) * 1000;

/// A literal for `s`; `None` for an instant no datetime literal can name (outside
/// [`MIN_INSTANT_MS`]..=[`MAX_INSTANT_MS`]).
fn lit(s: &Scalar, tz: FixedOffset) -> Option<Literal> {
    let value = match s {
        Scalar::Text(t) => Value::String(t.clone()),
        Scalar::Number(n) => Value::Number(*n),
        Scalar::Bool(b) => Value::Bool(*b),
        Scalar::DateTime(ms) => Value::DateTime(datetime(*ms, tz)?),
    };
    Some(Literal {
        value,
        span: Span::default(),
    })
}

/// A datetime literal for the instant `ms`, in the offset `tz` when the local year there
/// has four digits and `tz` is whole minutes (what a literal can write); else in UTC,
/// else at the offset ±23:59 that brings it into years 0000–9999.
fn datetime(ms: i64, tz: FixedOffset) -> Option<DateTimeLit> {
    if !(MIN_INSTANT_MS..=MAX_INSTANT_MS).contains(&ms) {
        return None;
    }
    let utc = chrono::DateTime::from_timestamp_millis(ms)?;
    let edge = if ms > 0 {
        -OFFSET_MAX_MS
    } else {
        OFFSET_MAX_MS
    } / 1000;
    let tz_secs = tz.local_minus_utc();
    let writable = |secs: i32| secs % 60 == 0 && i64::from(secs.abs()) * 1000 <= OFFSET_MAX_MS;
    [tz_secs, 0, edge as i32]
        .into_iter()
        .filter(|&secs| writable(secs))
        .find_map(|secs| {
            let local = utc
                .with_timezone(&FixedOffset::east_opt(secs)?)
                .naive_local();
            (0..=9999)
                .contains(&chrono::Datelike::year(&local))
                .then_some(DateTimeLit {
                    local,
                    offset: Some(secs),
                })
        })
}

/// Literals for the writable values of `vs`, dropping the instants no literal can name
/// (no record holds one).
fn list(vs: &[Scalar], tz: FixedOffset) -> Option<List> {
    let items: Vec<Literal> = vs.iter().filter_map(|v| lit(v, tz)).collect();
    (!items.is_empty()).then_some(List {
        items,
        span: Span::default(),
    })
}

fn pred(f: &FieldRef, kind: PredKind) -> Expr {
    Expr::Pred(Predicate {
        field: field(f),
        kind,
        span: Span::default(),
    })
}

fn not_if(negated: bool, e: Expr) -> Expr {
    if negated {
        Expr::Not(Box::new(e), Span::default())
    } else {
        e
    }
}

/// `f op v`; `None` when `v` is an instant no literal names.
fn compare(f: &FieldRef, op: CmpOp, v: &Scalar, tz: FixedOffset) -> Option<Expr> {
    Some(pred(
        f,
        PredKind::Compare {
            op,
            value: lit(v, tz)?,
        },
    ))
}

fn leaf(l: &Leaf, tz: FixedOffset) -> Result<Expr, Constant> {
    let f = &l.field;
    let neg = l.negated;
    // A value no literal can name is one no record holds (records hold instants of
    // years 0000–9999): a test needing it to be there is false.
    let none = Constant::of(neg);
    Ok(match &l.test {
        Test::Eq(v) => compare(f, if neg { CmpOp::Ne } else { CmpOp::Eq }, v, tz).ok_or(none)?,
        Test::In(vs) => pred(
            f,
            PredKind::In {
                negated: neg,
                list: list(vs, tz).ok_or(none)?,
            },
        ),
        Test::Range(r) => return range(f, r, neg, tz),
        Test::Empty => pred(f, PredKind::IsEmpty { negated: neg }),
        Test::Verified => not_if(neg, pred(f, PredKind::Phone { verified: true })),
        Test::Unverified => not_if(neg, pred(f, PredKind::Phone { verified: false })),
        Test::Text(op, s) => pred(
            f,
            PredKind::Text {
                negated: neg,
                op: *op,
                value: Literal {
                    value: Value::String(s.clone()),
                    span: Span::default(),
                },
            },
        ),
        Test::HasAny(vs) | Test::HasAll(vs) if vs.is_empty() => {
            // `has any ()` holds for nothing; `has all ()` for every non-empty value.
            return match &l.test {
                Test::HasAny(_) => Err(Constant::of(neg)),
                _ => Ok(pred(f, PredKind::IsEmpty { negated: !neg })),
            };
        }
        Test::HasAll(vs) if vs.len() == 1 => not_if(
            neg,
            pred(
                f,
                PredKind::Has {
                    quantifier: Quantifier::All,
                    values: HasOperand::One(lit(&vs[0], tz).ok_or(none)?),
                },
            ),
        ),
        Test::HasAny(vs) | Test::HasAll(vs) => {
            let any = matches!(l.test, Test::HasAny(_));
            let values = list(vs, tz).ok_or(none)?;
            // `has all` of a value no record holds is false; `has any` just drops it.
            if !any && values.items.len() < vs.len() {
                return Err(none);
            }
            not_if(
                neg,
                pred(
                    f,
                    PredKind::Has {
                        quantifier: if any {
                            Quantifier::Any
                        } else {
                            Quantifier::All
                        },
                        values: HasOperand::List(values),
                    },
                ),
            )
        }
    })
}

/// Whether two tests on the field may be met by different values (subform rows,
/// multi-select items), so a range must stay one predicate.
fn multi_valued(f: &FieldRef) -> bool {
    f.subform.is_some()
        || matches!(
            f.ty,
            FieldType::Multiselect | FieldType::Usergroup | FieldType::Deptgroup
        )
}

fn range(f: &FieldRef, r: &Range, neg: bool, tz: FixedOffset) -> Result<Expr, Constant> {
    let none = Constant::of(neg);
    let r = &*clamp(r).ok_or(none)?;
    let one_end = |b: &Bound, incl: CmpOp, excl: CmpOp| {
        compare(f, if b.inclusive { incl } else { excl }, &b.value, tz).ok_or(none)
    };
    // An empty range (`lo > hi`) holds for no value; the checker rejects one written as
    // `between`, so it is folded like a constant.
    if crate::normalize::range_is_empty(r) {
        return Err(none);
    }
    let positive = match (&r.lo, &r.hi) {
        // Not valid IR; `eval` matches nothing with it.
        (None, None) => return Err(none),
        (Some(lo), None) => one_end(lo, CmpOp::Ge, CmpOp::Gt)?,
        (None, Some(hi)) => one_end(hi, CmpOp::Le, CmpOp::Lt)?,
        (Some(lo), Some(hi)) if lo.inclusive && hi.inclusive => {
            return between(f, &lo.value, &hi.value, neg, tz).ok_or(none)
        }
        (Some(lo), Some(hi)) if multi_valued(f) => {
            match (inclusive(lo, true), inclusive(hi, false)) {
                // `(a, a + 1ms)` is empty among whole milliseconds, though not as a
                // real interval: check again once the ends are inclusive.
                (Some(low), Some(high)) => {
                    let r = Range {
                        lo: Some(Bound {
                            value: low.clone(),
                            inclusive: true,
                        }),
                        hi: Some(Bound {
                            value: high.clone(),
                            inclusive: true,
                        }),
                    };
                    if crate::normalize::range_is_empty(&r) {
                        return Err(none);
                    }
                    return between(f, &low, &high, neg, tz).ok_or(none);
                }
                // An exclusive end at the edge of the value space: nothing lies inside.
                _ => return Err(none),
            }
        }
        (Some(lo), Some(hi)) => Expr::And(
            vec![
                one_end(lo, CmpOp::Ge, CmpOp::Gt)?,
                one_end(hi, CmpOp::Le, CmpOp::Lt)?,
            ],
            Span::default(),
        ),
    };
    Ok(not_if(neg, positive))
}

/// `r` with its datetime ends brought into the instants a literal can name, which are
/// the instants records hold: an end beyond them on the far side makes the range empty
/// (`None`), one beyond them on the near side becomes the last nameable instant,
/// inclusive. Borrowed when nothing changes.
fn clamp(r: &Range) -> Option<Cow<'_, Range>> {
    let out = |b: &Option<Bound>| match b {
        Some(Bound {
            value: Scalar::DateTime(ms),
            ..
        }) => !(MIN_INSTANT_MS..=MAX_INSTANT_MS).contains(ms),
        _ => false,
    };
    if !out(&r.lo) && !out(&r.hi) {
        return Some(Cow::Borrowed(r));
    }
    let edge = |ms: i64| {
        Some(Bound {
            value: Scalar::DateTime(ms),
            inclusive: true,
        })
    };
    let mut c = r.clone();
    if let Some(Bound {
        value: Scalar::DateTime(ms),
        ..
    }) = c.lo
    {
        if ms > MAX_INSTANT_MS {
            return None;
        }
        if ms < MIN_INSTANT_MS {
            c.lo = edge(MIN_INSTANT_MS);
        }
    }
    if let Some(Bound {
        value: Scalar::DateTime(ms),
        ..
    }) = c.hi
    {
        if ms < MIN_INSTANT_MS {
            return None;
        }
        if ms > MAX_INSTANT_MS {
            c.hi = edge(MAX_INSTANT_MS);
        }
    }
    Some(Cow::Owned(c))
}

fn between(f: &FieldRef, low: &Scalar, high: &Scalar, neg: bool, tz: FixedOffset) -> Option<Expr> {
    Some(pred(
        f,
        PredKind::Between {
            negated: neg,
            low: Box::new(lit(low, tz)?),
            high: Box::new(lit(high, tz)?),
        },
    ))
}

/// The inclusive end equivalent to `b` (a lower end when `lower`): the value itself, or
/// for an exclusive end the adjacent representable value inside the range. `None` when
/// there is none (an exclusive end at the last value) or the kind has no adjacent value
/// (text, booleans).
fn inclusive(b: &Bound, lower: bool) -> Option<Scalar> {
    if b.inclusive {
        return Some(b.value.clone());
    }
    match &b.value {
        Scalar::DateTime(ms) => {
            let step = if lower { 1 } else { -1 };
            ms.checked_add(step).map(Scalar::DateTime)
        }
        Scalar::Number(n) => adjacent_number(*n, lower).map(Scalar::Number),
        Scalar::Text(_) | Scalar::Bool(_) => None,
    }
}

/// The number next to `n` (above it when `up`) that an exclusive end at `n` becomes
/// where only inclusive ends can be written; `None` past the largest finite number.
///
/// The language has no subnormal literals (`5e-324` is out of range), and not every
/// engine's DOUBLE holds them: next to zero the adjacent value written is the smallest
/// normal one, which moves only subnormal values. Shared by every backend that writes
/// such ends (the query text, jdy's seed-table `range`), so what one writes the others
/// read back.
pub(crate) fn adjacent_number(n: f64, up: bool) -> Option<f64> {
    let next = if up { next_up(n) } else { next_down(n) };
    let next = if next != 0.0 && next.is_finite() && !next.is_normal() {
        f64::MIN_POSITIVE.copysign(next)
    } else {
        next
    };
    next.is_finite().then_some(next)
}

/// The smallest `f64` above `x` (finite `x`); `f64::next_up` needs a newer compiler than
/// the crate's minimum.
pub(crate) fn next_up(x: f64) -> f64 {
    if x == 0.0 {
        return f64::from_bits(1);
    }
    let bits = x.to_bits();
    if x > 0.0 {
        f64::from_bits(bits + 1)
    } else {
        f64::from_bits(bits - 1)
    }
}

/// The largest `f64` below `x` (finite `x`).
pub(crate) fn next_down(x: f64) -> f64 {
    -next_up(-x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::FieldInfo;

    fn tz() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    fn f(name: &str, ty: FieldType) -> FieldRef {
        FieldRef::new(FieldInfo {
            name: name.into(),
            subform: None,
            ty,
            widget: None,
            column: name.into(),
            label: Some("标签".into()),
        })
    }

    fn b(v: Scalar, inclusive: bool) -> Bound {
        Bound {
            value: v,
            inclusive,
        }
    }

    fn text(p: &Pred) -> String {
        to_ast(p, tz()).unwrap().to_string()
    }

    #[test]
    fn next_float_neighbours() {
        assert!(next_up(1.0) > 1.0);
        assert_eq!(next_down(next_up(1.0)), 1.0);
        assert!(next_up(-1.0) > -1.0 && next_up(-1.0) < -0.9);
        assert!(next_up(0.0) > 0.0 && next_down(0.0) < 0.0);
        assert_eq!(next_down(next_up(-0.0)), 0.0);
        assert_eq!(next_up(f64::MAX), f64::INFINITY);
    }

    #[test]
    fn constants_fold_or_are_reported() {
        let a = Pred::leaf(f("a", FieldType::Text), Test::Empty, false, Span::default());
        assert_eq!(to_ast(&Pred::True, tz()), Err(Constant::True));
        assert_eq!(
            to_ast(&Pred::Not(Box::new(Pred::True)), tz()),
            Err(Constant::False)
        );
        assert_eq!(
            to_ast(&Pred::And(vec![a.clone(), Pred::False]), tz()),
            Err(Constant::False)
        );
        assert_eq!(
            to_ast(&Pred::Or(vec![a.clone(), Pred::True]), tz()),
            Err(Constant::True)
        );
        assert_eq!(text(&Pred::And(vec![Pred::True, a.clone()])), "a is empty");
        assert_eq!(to_ast(&Pred::And(vec![]), tz()), Err(Constant::True));
        assert_eq!(to_ast(&Pred::Or(vec![]), tz()), Err(Constant::False));
    }

    #[test]
    fn datetimes_carry_the_offset() {
        let d = f("d", FieldType::Datetime);
        let ms = 1_640_966_400_000; // 2022-01-01T00:00:00+08:00
        let p = Pred::leaf(
            d,
            Test::Range(Range {
                lo: Some(b(Scalar::DateTime(ms), true)),
                hi: Some(b(Scalar::DateTime(ms + 86_400_000 + 5), false)),
            }),
            false,
            Span::default(),
        );
        assert_eq!(
            text(&p),
            "d >= 2022-01-01T00:00:00+08:00 and d < 2022-01-02T00:00:00.005+08:00"
        );
        let utc = to_ast(&p, FixedOffset::east_opt(0).unwrap()).unwrap();
        assert_eq!(
            utc.to_string(),
            "d >= 2021-12-31T16:00:00Z and d < 2022-01-01T16:00:00.005Z"
        );
    }

    #[test]
    fn subform_ranges_stay_one_predicate() {
        let col = FieldRef::new(FieldInfo {
            subform: Some("items".into()),
            ..(*f("at", FieldType::Datetime)).clone()
        });
        let ms = 1_640_966_400_000;
        let p = Pred::leaf(
            col,
            Test::Range(Range {
                lo: Some(b(Scalar::DateTime(ms), false)),
                hi: Some(b(Scalar::DateTime(ms + 1000), false)),
            }),
            true,
            Span::default(),
        );
        assert_eq!(
            text(&p),
            "items.at not between 2022-01-01T00:00:00.001+08:00 and 2022-01-01T00:00:00.999+08:00"
        );
    }

    #[test]
    fn every_leaf_form() {
        use crate::syntax::ast::TextOp;
        let t = |v: &str| Scalar::Text(v.into());
        let n = Scalar::Number;
        let leaf =
            |name: &str, ty, test, negated| Pred::leaf(f(name, ty), test, negated, Span::default());
        let range = |lo: Option<Bound>, hi: Option<Bound>| Test::Range(Range { lo, hi });
        let cases: Vec<(Pred, &str)> = vec![
            (
                leaf("a", FieldType::Text, Test::Eq(t("x")), false),
                r#"a = "x""#,
            ),
            (
                leaf("a", FieldType::Text, Test::Eq(t("x\"")), true),
                r#"a != "x\"""#,
            ),
            (
                leaf("a", FieldType::Text, Test::In(vec![t("x"), t("y")]), true),
                r#"a not in ("x", "y")"#,
            ),
            (
                leaf("a", FieldType::Text, Test::Empty, true),
                "a is not empty",
            ),
            (
                leaf(
                    "a",
                    FieldType::Text,
                    Test::Text(TextOp::Contains, "x".into()),
                    true,
                ),
                r#"a not contains "x""#,
            ),
            (
                leaf(
                    "a",
                    FieldType::Text,
                    Test::Text(TextOp::EndsWith, "x".into()),
                    false,
                ),
                r#"a endswith "x""#,
            ),
            (
                leaf("p", FieldType::Phone, Test::Verified, true),
                "not p verified",
            ),
            (
                leaf("p", FieldType::Phone, Test::Unverified, false),
                "p unverified",
            ),
            (
                leaf(
                    "m",
                    FieldType::Multiselect,
                    Test::HasAny(vec![t("a"), t("b")]),
                    false,
                ),
                r#"m has any ("a", "b")"#,
            ),
            (
                leaf(
                    "m",
                    FieldType::Multiselect,
                    Test::HasAll(vec![t("a")]),
                    true,
                ),
                r#"not m has "a""#,
            ),
            (
                leaf(
                    "m",
                    FieldType::Multiselect,
                    Test::HasAll(vec![t("a"), t("b")]),
                    false,
                ),
                r#"m has all ("a", "b")"#,
            ),
            (
                leaf(
                    "x",
                    FieldType::Number,
                    range(Some(b(n(5.0), false)), None),
                    true,
                ),
                "not x > 5",
            ),
            (
                leaf(
                    "x",
                    FieldType::Number,
                    range(None, Some(b(n(-2.5), true))),
                    false,
                ),
                "x <= -2.5",
            ),
            (
                leaf(
                    "x",
                    FieldType::Number,
                    range(Some(b(n(1.0), true)), Some(b(n(2.0), true))),
                    true,
                ),
                "x not between 1 and 2",
            ),
            (
                leaf(
                    "x",
                    FieldType::Number,
                    range(Some(b(n(1.0), false)), Some(b(n(2.0), true))),
                    true,
                ),
                "not (x > 1 and x <= 2)",
            ),
            (
                leaf("and", FieldType::Number, Test::Eq(n(1.0)), false),
                "`and` = 1",
            ),
            (
                leaf("数量", FieldType::Number, Test::Eq(n(1.0)), false),
                "数量 = 1",
            ),
        ];
        for (p, want) in cases {
            assert_eq!(text(&p), want, "{p:?}");
        }
        let col = FieldRef::new(FieldInfo {
            subform: Some("items".into()),
            ..(*f("qty", FieldType::Number)).clone()
        });
        let p = Pred::leaf(
            col,
            Test::Range(Range {
                lo: Some(b(n(1.0), false)),
                hi: Some(b(n(2.0), true)),
            }),
            false,
            Span::default(),
        );
        assert_eq!(text(&p), "items.qty between 1.0000000000000002 and 2");
    }
}
