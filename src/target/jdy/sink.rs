//! Where the encoder's conditions go: JSON text written directly ([`JsonSink`], the
//! fast path behind [`super::to_json`]) or [`JdyCond`] values ([`CondSink`], behind
//! [`super::compile`] and pushdown).
//!
//! Both receive exactly the same calls from one encoder, so the text of the first is the
//! serde serialization of the second (a proptest in `tests/jdy_compile.rs` checks it).

use super::encode::{default_type, number};
use super::filter::{JdyCond, Method};
use crate::ir::{FieldInfo, FieldRef};
use crate::target::decimal::push_decimal;
use crate::target::json::{push_json_inner, push_json_str, push_short_decimal};
use crate::timefmt::Civil;
use chrono::FixedOffset;
use serde_json::Value;
use std::fmt::Write as _;

/// One operand of a condition, borrowed from the IR and already checked against the
/// field type.
#[derive(Clone, Copy, Debug)]
pub(super) enum Val<'a> {
    /// An open end of a `range`.
    Null,
    /// Text (also options, usernames, ids).
    Text(&'a str),
    /// A finite number.
    Num(f64),
    /// A datetime, in the query's offset.
    Dt(Civil),
}

/// A rollback point: the state of a sink before an encoding attempt.
#[derive(Clone, Copy, Debug)]
pub(super) struct Mark {
    len: usize,
    /// How many conditions had ended.
    pub(super) count: usize,
}

/// Receives the conditions of a flat filter, one at a time.
pub(super) trait Sink {
    /// Starts a condition on `field`; `valued` when it has a `value` array.
    fn begin(&mut self, field: &FieldRef, method: Method, valued: bool);
    /// Appends an operand to the condition begun last.
    fn value(&mut self, v: Val<'_>);
    /// Ends the condition begun last.
    fn end(&mut self);
    /// How many conditions have ended.
    fn count(&self) -> usize;
    /// The current state, to return to with [`Sink::reset`].
    fn mark(&self) -> Mark;
    /// Drops everything written since `m` (an encoding attempt that failed part-way).
    fn reset(&mut self, m: Mark);
}

/// The `type` written for a field: its widget, else the type's default.
fn jdy_type(f: &FieldInfo) -> Option<&str> {
    f.widget.as_deref().or_else(|| default_type(f.ty))
}

/// Builds [`JdyCond`]s.
pub(super) struct CondSink {
    pub(super) conds: Vec<JdyCond>,
    tz: FixedOffset,
}

impl CondSink {
    pub(super) fn new(tz: FixedOffset) -> Self {
        CondSink {
            conds: Vec::new(),
            tz,
        }
    }
}

impl Sink for CondSink {
    fn begin(&mut self, field: &FieldRef, method: Method, valued: bool) {
        self.conds.push(JdyCond {
            field: field.name.clone(),
            ty: jdy_type(field).map(str::to_owned),
            method,
            value: valued.then(Vec::new),
        });
    }

    fn value(&mut self, v: Val<'_>) {
        let json = match v {
            Val::Null => Value::Null,
            Val::Text(t) => Value::String(t.to_owned()),
            // Finite by construction; `null` would only show a bug.
            Val::Num(n) => number(n).unwrap_or(Value::Null),
            Val::Dt(c) => {
                let mut s = String::with_capacity(29);
                push_datetime(&mut s, &c, self.tz);
                Value::String(s)
            }
        };
        if let Some(values) = self.conds.last_mut().and_then(|c| c.value.as_mut()) {
            values.push(json);
        }
    }

    fn end(&mut self) {}

    fn count(&self) -> usize {
        self.conds.len()
    }

    fn mark(&self) -> Mark {
        Mark {
            len: self.conds.len(),
            count: self.conds.len(),
        }
    }

    fn reset(&mut self, m: Mark) {
        self.conds.truncate(m.len);
    }
}

/// Writes the conditions as JSON text, byte for byte what serde_json writes for the
/// same [`JdyCond`]s.
pub(super) struct JsonSink {
    pub(super) out: String,
    tz: FixedOffset,
    count: usize,
    /// Whether the condition being written has a `value` array.
    valued: bool,
    /// Whether no operand of the current condition has been written yet.
    first_value: bool,
}

impl JsonSink {
    pub(super) fn new(out: String, tz: FixedOffset) -> Self {
        JsonSink {
            out,
            tz,
            count: 0,
            valued: false,
            first_value: true,
        }
    }
}

impl Sink for JsonSink {
    fn begin(&mut self, field: &FieldRef, method: Method, valued: bool) {
        let out = &mut self.out;
        if self.count > 0 {
            out.push(',');
        }
        out.push_str(field.jdy_head(json_head));
        out.push_str(method_tail(method, valued));
        self.valued = valued;
        self.first_value = true;
    }

    fn value(&mut self, v: Val<'_>) {
        let out = &mut self.out;
        if !self.first_value {
            out.push(',');
        }
        self.first_value = false;
        match v {
            Val::Null => out.push_str("null"),
            Val::Text(t) => push_json_str(out, t),
            Val::Num(n) => push_number(out, n),
            Val::Dt(c) => {
                out.push('"');
                push_datetime(out, &c, self.tz);
                out.push('"');
            }
        }
    }

    fn end(&mut self) {
        if self.valued {
            self.out.push(']');
        }
        self.out.push('}');
        self.count += 1;
    }

    fn count(&self) -> usize {
        self.count
    }

    fn mark(&self) -> Mark {
        Mark {
            len: self.out.len(),
            count: self.count,
        }
    }

    fn reset(&mut self, m: Mark) {
        self.out.truncate(m.len);
        self.count = m.count;
    }
}

/// `{"field":"…","type":"…` for `f` (the type only when there is one), the start of
/// every condition on the field.
pub(super) fn json_head(f: &FieldInfo) -> Box<str> {
    let mut out = String::from("{\"field\":\"");
    push_json_inner(&mut out, &f.name);
    if let Some(ty) = jdy_type(f) {
        out.push_str("\",\"type\":\"");
        push_json_inner(&mut out, ty);
    }
    out.into_boxed_str()
}

/// The emitted datetime format: ISO-8601 with milliseconds and the query's UTC offset,
/// e.g. `2022-01-01T00:00:00.000+08:00`. An explicit offset makes the instant exact
/// whatever time zone the jdy tenant is set to; milliseconds are jdy's precision.
fn push_datetime(out: &mut String, c: &Civil, tz: FixedOffset) {
    c.push(out, b'T', true, Some(tz));
}

/// A JSON number as serde_json writes [`number`]'s value: integral values up to 2^53
/// as integers, others in serde_json's shortest float form.
fn push_number(out: &mut String, n: f64) {
    if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0 {
        // Exact in i64; written by hand as `write!` costs more than the digits.
        let i = n as i64;
        if i < 0 {
            out.push('-');
        }
        push_decimal(out, i.unsigned_abs());
        return;
    }
    if push_short_decimal(out, n) {
        return;
    }
    match serde_json::Number::from_f64(n) {
        // `Number`'s Display is the formatter serde_json serializes floats with.
        Some(num) => {
            let _ = write!(out, "{num}");
        }
        None => out.push_str("null"),
    }
}

/// The end of a condition's head after the field name or type: closes that string and
/// writes the method and, for a valued method, opens the `value` array.
fn method_tail(m: Method, valued: bool) -> &'static str {
    macro_rules! tails {
        ($($m:ident => $n:literal,)*) => {
            match (m, valued) {
                $(
                    (Method::$m, false) => concat!("\",\"method\":\"", $n, "\""),
                    (Method::$m, true) => concat!("\",\"method\":\"", $n, "\",\"value\":["),
                )*
            }
        };
    }
    tails! {
        Eq => "eq",
        Ne => "ne",
        In => "in",
        Nin => "nin",
        Range => "range",
        Gt => "gt",
        Lt => "lt",
        Like => "like",
        Verified => "verified",
        Unverified => "unverified",
        Empty => "empty",
        NotEmpty => "not_empty",
        All => "all",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn numbers_print_as_serde_json(n in prop_oneof![
            any::<f64>().prop_filter("finite", |n| n.is_finite()),
            any::<i64>().prop_map(|i| i as f64),
            (-100_000i32..100_000).prop_map(|i| f64::from(i) / 8.0),
        ]) {
            let mut out = String::new();
            push_number(&mut out, n);
            prop_assert_eq!(out, serde_json::to_string(&number(n).unwrap()).unwrap());
        }
    }

    #[test]
    fn method_tails_match_names() {
        use Method::*;
        for m in [
            Eq, Ne, In, Nin, Range, Gt, Lt, Like, Verified, Unverified, Empty, NotEmpty, All,
        ] {
            assert_eq!(
                method_tail(m, false),
                format!("\",\"method\":\"{}\"", m.name())
            );
            assert_eq!(
                method_tail(m, true),
                format!("\",\"method\":\"{}\",\"value\":[", m.name())
            );
        }
    }

    #[test]
    fn number_edges() {
        for n in [
            0.0,
            -0.0,
            1.5,
            -1.0,
            9_007_199_254_740_992.0,
            9_007_199_254_740_994.0,
            -9_007_199_254_740_992.0,
            1e300,
            5e-324,
            i64::MIN as f64,
        ] {
            let mut out = String::new();
            push_number(&mut out, n);
            assert_eq!(
                out,
                serde_json::to_string(&number(n).unwrap()).unwrap(),
                "{n}"
            );
        }
    }
}
