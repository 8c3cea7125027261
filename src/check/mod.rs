//! Name resolution and type checking: `ast::Expr` + [`Schema`] → [`Pred`].
//!
//! The checker resolves each predicate's field ([`Schema::resolve`]: by name, then by
//! alias, then by label, `subform.column` for subform columns), checks the operator against the field
//! type, converts each literal to the field's typed value and builds the IR. Every
//! problem in the query is reported (no stop at the first); the IR is returned only when
//! there is none.
//!
//! # Operators by field type
//!
//! | operator | field types |
//! |---|---|
//! | `is [not] empty` | every type (the only test on a subform itself and on `other`) |
//! | `=` `!=` `in` `not in` | text, number, datetime, select, sn, flowstate, user, dept, dataid, phone (the number) |
//! | `<` `<=` `>` `>=` `between` | number, datetime — not flowstate (jdy has no range on it), not text (no order) |
//! | `contains` | text, sn, phone (jdy's `like`) |
//! | `startswith` `endswith` | text, sn |
//! | `verified` `unverified` | phone |
//! | `has` | multiselect, usergroup, deptgroup |
//!
//! Select fields take no text tests: their values are exact choices. A subform column
//! (`items.qty > 1`) follows its own type and matches when some row does.
//!
//! # Literals by field type
//!
//! | field type | literal |
//! |---|---|
//! | number | a number |
//! | datetime | a date (a whole day), a datetime, `now ± n` (an instant), `today ± n d/w/mo/q/y` (a whole day), a period such as `this month` (a whole calendar interval) |
//! | text, sn, select, user (username), dataid, phone (the number) | a non-empty string |
//! | dept, and `has` on deptgroup | an integer: the department number |
//! | multiselect, usergroup (`has`) | a non-empty string |
//! | flowstate | 0–3, or the labels "进行中", "已完成", "手动结束", "否决" (→ 0–3) |
//!
//! Select and multiselect values must be among the field's options when the schema lists
//! them ("did you mean"). Booleans are a value of no field type (jdy has no boolean
//! widget), so [`crate::ir::Scalar::Bool`] is never produced. An empty string as a value
//! is an error suggesting `is empty` (an empty value never equals anything); an empty
//! text-test operand is an error (every text contains it). `between` with the lower bound
//! above the upper one is an error rather than a filter matching nothing.
//!
//! # The IR built
//!
//! - `x < 5`, `x >= 5`, `between` → [`Test::Range`] (`x > 5` is an exclusive lower end);
//!   `!=`, `not in`, `not between`, `not contains` → the negated positive leaf.
//! - On a datetime field a date literal (and `today ± n d/w/mo/q/y`) is the whole day
//!   `[00:00, next 00:00)` in the query's time zone: `d = D` is that range, `d > D` starts
//!   at the next day's 00:00, `d <= D` ends (exclusively) there, `d < D` ends at D's
//!   00:00, `d >= D` starts there, `between D1 and D2` is `[D1 00:00, D2+1 00:00)`.
//!   A period (`today`, `last week`, `本月`, ...) is the same with the interval of its
//!   calendar unit around the clock ([`crate::syntax::ast::Period::interval`]): one
//!   mechanism, so every backend, pushdown and decompiler treats it as a range of
//!   instants. A datetime without offset is read in the query zone; `now ± n` is an
//!   instant; months, quarters and years move the zone's calendar date (the day clamped
//!   to the month's end) and keep the time of day; `today + 3h` is an error (a day
//!   cannot move by hours). The zone is [`Options::tz`],
//!   else the schema's, else +08:00. `d in (D, T)` is an `or` of one leaf per value when
//!   a whole day or period is among them, otherwise an `In` of instants.
//! - `has v` → `HasAll([v])`; `has any (..)` → `HasAny`; `has [all] (..)` → `HasAll`.
//! - `In`/`Has` value lists are kept as written; [`crate::normalize`] deduplicates them.
//!
//! # No-schema mode
//!
//! With [`Schema::none`] only the system fields are known; every other field's type is
//! inferred from its uses, each narrowing it to a set of candidates (in order of
//! preference), and a warning (`filterql::check::inferred_types`) lists the result:
//!
//! | use | candidates |
//! |---|---|
//! | `=` `!=` `in` with a string | text, phone, select, sn, user, dataid |
//! | `=` `!=` `in` with a number | number, flowstate, dept |
//! | any comparison with a date, datetime, `now`, `today`, a period | datetime |
//! | `<` `<=` `>` `>=` `between` with a number / string | number / text (then rejected: text has no order) |
//! | `contains` | text, phone, sn |
//! | `startswith` `endswith` | text, sn |
//! | `verified` `unverified` | phone |
//! | `has` with strings / numbers | multiselect, usergroup / deptgroup |
//! | `a.b` | `a` is a subform |
//! | `is empty`, booleans | no constraint (a field only tested for emptiness is `other`) |
//!
//! The literal kind of an `in`, `between` or `has` is its first non-boolean literal's.
//! Uses with no candidate in common are a `conflicting_types` error. A field constrained
//! by nothing but booleans (`x = true`) is not inferred `other` (which would then reject
//! its own `=`): each boolean gets a `boolean_value` error on the literal instead.

mod build;
mod error;
mod infer;
mod rules;
mod values;

pub use error::CheckError;
pub use values::FLOW_STATES;

use crate::diagnostic::Diagnostics;
use crate::ir::{Pred, Range, Scalar, Test};
use crate::schema::{FieldType, Resolver, Schema};
use crate::span::Span;
use crate::syntax::ast::{
    CmpOp, Expr, HasOperand, Literal, PredKind, Predicate, Quantifier, RelBase, Str, Value,
};
use crate::Options;
use build::{bound, range_is_empty, scalar_compare, time_compare, time_in, HasTest, Leaf};
use chrono::{DateTime, FixedOffset};
use std::borrow::Cow;
use std::collections::HashSet;
use values::Time;

/// The deepest `and`/`or`/`not` nesting the checker accepts: twice the parser's limit on
/// parentheses and `not` (each of which adds at most one tree level, plus the chain it
/// opens), so only hand-built trees reach it; it keeps every pass's recursion bounded.
pub const MAX_DEPTH: usize = 2 * crate::syntax::MAX_DEPTH + 2;

/// Checks `expr` against `schema`, pushing every error (and the no-schema warning) into
/// `diags`; returns the (un-normalized) IR when there is no error.
///
/// Diagnostics point into the query text `diags.source` (used to place the operator
/// label; hand-built trees with no source get the span between field and operand).
pub fn check(
    expr: &Expr,
    schema: &Schema,
    opts: &Options,
    diags: &mut Diagnostics,
) -> Option<Pred> {
    let mut errors = Vec::new();
    let (schema, poisoned, warning) = if schema.infer {
        let inferred = infer::infer(expr, schema, &mut errors);
        (
            Cow::Owned(inferred.schema),
            inferred.poisoned,
            Some(inferred.warning),
        )
    } else {
        (Cow::Borrowed(schema), HashSet::new(), None)
    };
    let mut checker = Checker {
        resolver: Resolver::new(&schema),
        tz: opts.tz.unwrap_or(schema.timezone),
        now: opts.now,
        source: diags.source(),
        poisoned,
        errors,
        warnings: Vec::new(),
        depth: 0,
        too_deep: false,
    };
    let pred = checker.expr(expr);
    if checker.too_deep {
        // Only this error: the tree was not checked below the limit.
        diags.push(CheckError::TooDeep {
            max: MAX_DEPTH,
            span: expr.span(),
        });
        return None;
    }
    let (errors, warnings) = (checker.errors, checker.warnings);
    if let Some(w) = warning {
        diags.push(w);
    }
    for w in warnings {
        diags.push(w);
    }
    let failed = !errors.is_empty();
    for e in errors {
        diags.push(e);
    }
    if failed {
        None
    } else {
        pred
    }
}

/// A field path as written, joined with `.` only when a message needs it (most
/// predicates check without one, and joining would allocate for each).
#[derive(Clone, Copy)]
pub(crate) struct Written<'a>(pub(crate) &'a [Str]);

impl std::fmt::Display for Written<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            f.write_str(segment)?;
        }
        Ok(())
    }
}

struct Checker<'a> {
    resolver: Resolver<'a>,
    tz: FixedOffset,
    now: DateTime<FixedOffset>,
    source: &'a str,
    poisoned: HashSet<Vec<Str>>,
    errors: Vec<CheckError>,
    /// Diagnostics of severity warning: the query still compiles.
    warnings: Vec<CheckError>,
    /// The nesting level of the node being checked (the root is 1).
    depth: usize,
    /// Set when a node lies deeper than [`MAX_DEPTH`]: the walk stops there, so its
    /// recursion stays bounded whatever tree it is given (this one pass, rather than a
    /// separate measuring pass, keeps the common query from being walked twice).
    too_deep: bool,
}

impl Checker<'_> {
    fn expr(&mut self, e: &Expr) -> Option<Pred> {
        if self.depth >= MAX_DEPTH || self.too_deep {
            self.too_deep = true;
            return None;
        }
        self.depth += 1;
        let p = self.node(e);
        self.depth -= 1;
        p
    }

    fn node(&mut self, e: &Expr) -> Option<Pred> {
        match e {
            Expr::And(v, span) | Expr::Or(v, span) => {
                let is_and = matches!(e, Expr::And(..));
                if v.is_empty() {
                    let what = if is_and { "`and` group" } else { "`or` group" };
                    self.errors.push(CheckError::Empty {
                        what: what.into(),
                        span: *span,
                    });
                    return None;
                }
                // Check every operand before giving up, so all errors are reported.
                let mut parts = Vec::with_capacity(v.len());
                let mut failed = false;
                for c in v {
                    match self.expr(c) {
                        Some(p) if !failed => parts.push(p),
                        Some(_) => {}
                        None => {
                            // The IR is not returned once anything failed: free what was
                            // built and keep checking only for errors.
                            failed = true;
                            parts = Vec::new();
                        }
                    }
                }
                if failed {
                    return None;
                }
                Some(if is_and {
                    Pred::And(parts)
                } else {
                    Pred::Or(parts)
                })
            }
            Expr::Not(b, _) => self.expr(b).map(|p| Pred::Not(Box::new(p))),
            Expr::Pred(p) => self.predicate(p),
        }
    }

    fn predicate(&mut self, p: &Predicate) -> Option<Pred> {
        let path = &p.field.path;
        if !self.poisoned.is_empty()
            && (self.poisoned.contains(&path[..])
                || (path.len() > 1 && self.poisoned.contains(&path[..1])))
        {
            return None;
        }
        let written = Written(&p.field.path);
        let resolved = match self.resolver.resolve(path) {
            Ok(r) => r,
            Err(e) => {
                self.errors.push(CheckError::from_resolve(e, &p.field));
                return None;
            }
        };
        let field = resolved.field;
        let class = rules::class_of(&p.kind);
        if !rules::supports(field.ty, class) {
            let example = field
                .fields
                .first()
                .map(|c| format!("{written}.{} is not empty", c.name));
            self.errors.push(CheckError::OperatorType {
                op: rules::op_text(&p.kind),
                ty: field.ty,
                article: rules::article(field.ty),
                field: written.to_string(),
                help: rules::help(field.ty, class, example.as_deref()),
                span: self.op_span(p),
            });
            return None;
        }
        let leaf = Leaf {
            field: resolved.to_ref(),
            span: p.span,
        };
        match &p.kind {
            PredKind::IsEmpty { negated } => Some(leaf.make(Test::Empty, *negated)),
            PredKind::Phone { verified } => {
                let test = if *verified {
                    Test::Verified
                } else {
                    Test::Unverified
                };
                Some(leaf.make(test, false))
            }
            PredKind::Text { negated, op, value } => match &value.value {
                Value::String(s) if s.is_empty() => {
                    self.errors.push(CheckError::EmptyTextOperand {
                        op: op.keyword().to_owned(),
                        span: value.span,
                    });
                    None
                }
                Value::String(s) => Some(leaf.make(Test::Text(*op, s.clone()), *negated)),
                _ => {
                    let err = values::mismatch(value, field, written, "a string");
                    self.errors.push(err);
                    None
                }
            },
            PredKind::Has { quantifier, values } => {
                let (lits, test): (Vec<&Literal>, HasTest) = match values {
                    HasOperand::One(l) => (vec![l], Test::HasAll),
                    HasOperand::List(l) => (
                        l.items.iter().collect(),
                        match quantifier {
                            Quantifier::Any => Test::HasAny,
                            Quantifier::All => Test::HasAll,
                        },
                    ),
                };
                if let HasOperand::List(l) = values {
                    self.non_empty_list(l.items.is_empty(), l.span)?;
                }
                let scalars = self.scalars(lits.into_iter(), field, written)?;
                Some(leaf.make(test(scalars), false))
            }
            PredKind::Compare { op, value } if field.ty == FieldType::Datetime => {
                let t = self.time(value, field, written)?;
                if let (CmpOp::Eq | CmpOp::Ne, Value::Relative(r)) = (op, &value.value) {
                    if r.base == RelBase::Now {
                        let (op, effect) = if *op == CmpOp::Eq {
                            ("=", "almost no record matches it")
                        } else {
                            ("!=", "almost every record matches it")
                        };
                        self.warnings.push(CheckError::ExactNow {
                            op,
                            effect,
                            span: value.span,
                        });
                    }
                }
                let (test, negated) = time_compare(*op, t);
                Some(leaf.make(test, negated))
            }
            PredKind::Compare { op, value } => {
                let v = self.scalar(value, field, written)?;
                let (test, negated) = scalar_compare(*op, v);
                Some(leaf.make(test, negated))
            }
            PredKind::In { negated, list } => {
                self.non_empty_list(list.items.is_empty(), list.span)?;
                if field.ty == FieldType::Datetime {
                    let times: Vec<Option<Time>> = list
                        .items
                        .iter()
                        .map(|l| self.time(l, field, written))
                        .collect();
                    let times: Vec<Time> = times.into_iter().collect::<Option<_>>()?;
                    return Some(time_in(&leaf, times, *negated));
                }
                let scalars = self.scalars(list.items.iter(), field, written)?;
                Some(leaf.make(Test::In(scalars), *negated))
            }
            PredKind::Between { negated, low, high } => {
                let (lo, hi) = if field.ty == FieldType::Datetime {
                    let lo = self.time(low, field, written);
                    let hi = self.time(high, field, written);
                    let (lo, hi) = (lo?, hi?);
                    let lo = match lo {
                        Time::Instant(t) | Time::Interval { start: t, .. } => {
                            bound(Scalar::DateTime(t), true)
                        }
                    };
                    let hi = match hi {
                        Time::Instant(t) => bound(Scalar::DateTime(t), true),
                        Time::Interval { end, .. } => bound(Scalar::DateTime(end), false),
                    };
                    (lo, hi)
                } else {
                    // Both converted before giving up, so both errors are reported.
                    let lo = self.scalar(low, field, written);
                    let hi = self.scalar(high, field, written);
                    let (lo, hi) = (lo?, hi?);
                    (bound(lo, true), bound(hi, true))
                };
                if range_is_empty(&lo, &hi) {
                    self.errors.push(CheckError::EmptyRange {
                        span: low.span.to(high.span),
                    });
                    return None;
                }
                let range = Range {
                    lo: Some(lo),
                    hi: Some(hi),
                };
                Some(leaf.make(Test::Range(range), *negated))
            }
        }
    }

    fn non_empty_list(&mut self, empty: bool, span: Span) -> Option<()> {
        if empty {
            self.errors.push(CheckError::Empty {
                what: "list".into(),
                span,
            });
            return None;
        }
        Some(())
    }

    /// Converts one literal, reporting it when bad.
    fn scalar(
        &mut self,
        lit: &Literal,
        field: &crate::schema::Field,
        written: Written<'_>,
    ) -> Option<Scalar> {
        match values::scalar(lit, field, written) {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// Converts every literal (reporting each bad one) or none.
    fn scalars<'l>(
        &mut self,
        lits: impl ExactSizeIterator<Item = &'l Literal>,
        field: &crate::schema::Field,
        written: Written<'_>,
    ) -> Option<Vec<Scalar>> {
        let mut out = Vec::with_capacity(lits.len());
        let mut ok = true;
        for lit in lits {
            match self.scalar(lit, field, written) {
                Some(v) => out.push(v),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn time(
        &mut self,
        lit: &Literal,
        field: &crate::schema::Field,
        written: Written<'_>,
    ) -> Option<Time> {
        match values::time(lit, field, written, self.tz, self.now) {
            Ok(t) => Some(t),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// The operator's span: the text between the field and the operand, trimmed.
    fn op_span(&self, p: &Predicate) -> Span {
        let operand = match &p.kind {
            PredKind::Compare { value, .. } | PredKind::Text { value, .. } => Some(value.span),
            PredKind::In { list, .. } => Some(list.span),
            PredKind::Between { low, .. } => Some(low.span),
            PredKind::Has {
                values: HasOperand::One(l),
                ..
            } => Some(l.span),
            PredKind::Has {
                values: HasOperand::List(l),
                ..
            } => Some(l.span),
            PredKind::IsEmpty { .. } | PredKind::Phone { .. } => None,
        };
        let start = p.field.span.end;
        let end = operand.map_or(p.span.end, |s| s.start);
        if end <= start {
            return p.span;
        }
        match self.source.get(start..end) {
            Some(text) if !text.trim().is_empty() => {
                let lead = text.len() - text.trim_start().len();
                let trail = text.len() - text.trim_end().len();
                Span::new(start + lead, end - trail)
            }
            _ => Span::new(start, end),
        }
    }
}
