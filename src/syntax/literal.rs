//! Literal rules of `grammar/filterql.ebnf`: values, lists, strings, numbers, dates,
//! datetimes and relative times.
//!
//! Each rule dispatches on its first byte instead of trying alternatives in turn, so the
//! success path never constructs (and throws away) an error.

use super::ast::{
    DateTimeLit, List, Literal, Period, PeriodUnit, RelBase, RelUnit, Relative, Shift, Value,
};
use super::error::SyntaxError;
use super::lexer::{
    ascii_hint, describe, ident_len, is_ident_continue, keyword, period_at, skip_to_sync, skip_ws,
    Kw,
};
use super::parser::{Cx, PResult};
use crate::span::Span;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use nom::bytes::complete::take_while1;
use nom::Parser;

/// `value = string | number | date | datetime | "true" | "false" | relative | period ;`
///
/// `after` is the token the value belongs to (`=`, `between`), as written, for the
/// "missing value" message.
pub(crate) fn parse_value<'a>(cx: &Cx<'a>, i: &'a str, after: &str) -> PResult<'a, Literal> {
    let i = skip_ws(i);
    let b = i.as_bytes();
    match b.first() {
        Some(b'"' | b'\'') => parse_string(cx, i),
        Some(b'0'..=b'9') if looks_like_date(b) => parse_date_time(cx, i),
        Some(b'0'..=b'9') if misdated_year(b) => {
            let start = cx.off(i);
            let n = super::lexer::token_len(i);
            cx.fail(
                SyntaxError::InvalidDate {
                    text: format!("`{}`", &i[..n]),
                    reason: "years have four digits (0000–9999)",
                    span: Span::new(start, start + n),
                },
                &i[n..],
            )
        }
        Some(b'0'..=b'9') => parse_number(cx, i),
        Some(b'-') if b.get(1).is_some_and(u8::is_ascii_digit) => parse_number(cx, i),
        _ => {
            let n = ident_len(i);
            if let (0, Some(help)) = (n, ascii_hint(i)) {
                return cx.fail(
                    SyntaxError::Expected {
                        expected: "a value".to_owned(),
                        found: describe(i),
                        span: cx.token_span(i),
                        help: Some(help),
                    },
                    i,
                );
            }
            if n == 0 {
                return cx.fail(
                    SyntaxError::MissingValue {
                        after: format!("`{after}`"),
                        found: describe(i),
                        span: cx.token_span(i),
                    },
                    i,
                );
            }
            let start = cx.off(i);
            let word = &i[..n];
            let lit = |v| Literal {
                value: Value::Bool(v),
                span: Span::new(start, start + n),
            };
            match keyword(word) {
                Some(Kw::True) => Ok((&i[n..], lit(true))),
                Some(Kw::False) => Ok((&i[n..], lit(false))),
                Some(Kw::Now | Kw::Today) => {
                    cx.note_clock();
                    parse_relative(cx, i)
                }
                Some(_) => cx.fail(
                    SyntaxError::MissingValue {
                        after: format!("`{after}`"),
                        found: describe(i),
                        span: cx.token_span(i),
                    },
                    i,
                ),
                None => match period_at(i) {
                    Some((p, _)) if p == TODAY => {
                        cx.note_clock();
                        parse_relative(cx, i)
                    }
                    Some((period, rest)) => {
                        cx.note_clock();
                        parse_period(cx, i, period, rest)
                    }
                    None => not_a_value(cx, i, word),
                },
            }
        }
    }
}

/// `list = "(" value { "," value } [ "," ] ")" | "[" value { "," value } [ "," ] "]" ;`
///
/// Recovers by itself: an error inside the list is recorded and the rest of the list is
/// skipped, so that one bad item yields one diagnostic. The caller must have checked that
/// `i` starts with `(` or `[`.
pub(crate) fn parse_list<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, List> {
    let start = cx.off(i);
    let (open, close) = match i.as_bytes().first() {
        Some(b'[') => ("`[`", b']'),
        _ => ("`(`", b')'),
    };
    let close_str = if close == b']' { "`]`" } else { "`)`" };
    let open_span = Span::new(start, start + 1);
    let mut items = Vec::new();
    let mut i = &i[1..];
    loop {
        i = skip_ws(i);
        if i.as_bytes().first() == Some(&close) {
            i = &i[1..];
            if items.is_empty() {
                cx.record(SyntaxError::EmptyList {
                    span: Span::new(start, cx.off(i)),
                });
            }
            break;
        }
        if i.is_empty() {
            cx.record(unclosed(open, close_str, open_span, i));
            break;
        }
        let after = if items.is_empty() { &open[1..2] } else { "," };
        match parse_value(cx, i, after) {
            Ok((rest, lit)) => {
                if items.len() == items.capacity() {
                    reserve_more(&mut items, cx.off(i) - start, rest.len());
                }
                items.push(lit);
                i = skip_ws(rest);
            }
            Err(e) => {
                let resume = cx.recover(e)?;
                i = close_after_recovery(skip_to_sync(resume), close);
                break;
            }
        }
        match i.as_bytes().first() {
            Some(b',') => i = &i[1..],
            Some(&c) if c == close => {
                i = &i[1..];
                break;
            }
            None => {
                cx.record(unclosed(open, close_str, open_span, i));
                break;
            }
            Some(_) => {
                cx.record(SyntaxError::Expected {
                    expected: format!("`,` or {close_str}"),
                    found: describe(i),
                    span: cx.token_span(i),
                    help: ascii_hint(i),
                });
                i = close_after_recovery(skip_to_sync(i), close);
                break;
            }
        }
    }
    let span = Span::new(start, cx.off(i));
    // The tree outlives the parse: give back the slack of a long list's growth. A few
    // spare slots of a short list are not worth a reallocation.
    if items.capacity() - items.len() > 4 {
        items.shrink_to_fit();
    }
    Ok((i, List { items, span }))
}

/// Grows a full list. A long list (10,000 values) would otherwise double its way up,
/// copying every value each time and ending with up to twice the room it needs: past a
/// few items, room is reserved for as many more values as the rest of the text could
/// hold at the density read so far (the list usually runs to near the end of the
/// query) plus a margin, and at least half as many again, so that growth stays
/// geometric. The list is trimmed to its length at the end.
fn reserve_more(items: &mut Vec<Literal>, consumed: usize, remaining: usize) {
    let n = items.len();
    let extra = if n < 16 || consumed == 0 {
        n.max(4)
    } else {
        // An eighth more, for values that get longer as the list goes on (`A9` → `A10`).
        let estimate = (n as u64 * remaining as u64 / consumed as u64) as usize;
        // At most doubling: the text after the list may be anything (another list,
        // a long chain), and reserving for all of it would be a large overshoot.
        (estimate + estimate / 8 + 4).clamp(n / 2, n)
    };
    items.reserve_exact(extra);
}

/// After recovery inside a list, consumes the list's closing bracket if that is where
/// recovery stopped.
fn close_after_recovery(i: &str, close: u8) -> &str {
    if i.as_bytes().first() == Some(&close) {
        &i[1..]
    } else {
        i
    }
}

fn unclosed(open: &'static str, close: &'static str, span: Span, found: &str) -> SyntaxError {
    SyntaxError::UnclosedParen {
        open,
        close,
        found: describe(found),
        span,
        help: format!("add {close} to close this {open}"),
    }
}

/// `string = '"' { string_char | "'" | escape } '"' | "'" { string_char | '"' | escape } "'" ;`
///
/// With `escape = "\" ( "\" | '"' | "'" | "n" | "r" | "t" | "u{" hex{1,6} "}" ) ;`.
pub(crate) fn parse_string<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Literal> {
    let start = cx.off(i);
    let b = i.as_bytes();
    let q = b[0];
    // Fast path: no escape before the closing quote, one allocation for the value.
    let mut p = 1;
    while let Some(&c) = b.get(p) {
        if c == q {
            let value = Value::String(cx.text(start + 1, start + p));
            let span = Span::new(start, start + p + 1);
            return Ok((&i[p + 1..], Literal { value, span }));
        }
        if c == b'\\' {
            break;
        }
        p += 1;
    }
    let mut out = String::with_capacity(p + 16);
    out.push_str(&i[1..p]);
    let mut rest = &i[p..];
    loop {
        let rb = rest.as_bytes();
        let Some(&c) = rb.first() else {
            let quote = if q == b'"' { "`\"`" } else { "`'`" };
            return cx.fail(
                SyntaxError::UnclosedString {
                    quote,
                    span: Span::new(start, start + 1),
                    help: format!("add {quote} at the end of the string"),
                },
                rest,
            );
        };
        if c == q {
            let span = Span::new(start, cx.off(rest) + 1);
            return Ok((
                &rest[1..],
                Literal {
                    value: Value::String(out.into()),
                    span,
                },
            ));
        }
        if c != b'\\' {
            // Copy the run up to the next quote or backslash in one go.
            let n = rb
                .iter()
                .position(|&x| x == q || x == b'\\')
                .unwrap_or(rb.len());
            out.push_str(&rest[..n]);
            rest = &rest[n..];
            continue;
        }
        let esc_start = cx.off(rest);
        let (ch, len) = match rb.get(1) {
            Some(b'\\') => (Some('\\'), 2),
            Some(b'"') => (Some('"'), 2),
            Some(b'\'') => (Some('\''), 2),
            Some(b'n') => (Some('\n'), 2),
            Some(b'r') => (Some('\r'), 2),
            Some(b't') => (Some('\t'), 2),
            Some(b'u') => unicode_escape(rb),
            Some(_) => (None, 1 + rest[1..].chars().next().map_or(0, char::len_utf8)),
            None => (None, 1),
        };
        match ch {
            Some(ch) => {
                out.push(ch);
                rest = &rest[len..];
            }
            None => {
                let escape = format!("`{}`", &rest[..len]);
                let after_string = skip_string_rest(&rest[len.min(rest.len())..], q);
                return cx.fail(
                    SyntaxError::InvalidEscape {
                        escape,
                        span: Span::new(esc_start, esc_start + len),
                    },
                    after_string,
                );
            }
        }
    }
}

/// Decodes `\u{X..}` at the start of `b`: the character (if valid) and the length of the
/// escape as written (up to the `}`, or as far as it looks like an escape).
pub(crate) fn unicode_escape(b: &[u8]) -> (Option<char>, usize) {
    if b.get(2) != Some(&b'{') {
        return (None, 2);
    }
    let mut p = 3;
    let mut v: u32 = 0;
    while let Some(&c) = b.get(p) {
        let Some(d) = (c as char).to_digit(16) else {
            break;
        };
        if p - 3 >= 6 {
            return (None, p);
        }
        v = v * 16 + d;
        p += 1;
    }
    if p == 3 || b.get(p) != Some(&b'}') {
        return (None, p);
    }
    (char::from_u32(v), p + 1)
}

/// The text after the closing quote of a string whose contents are at `i` (or the end of
/// the text), so recovery resumes after a bad string as a whole.
fn skip_string_rest(i: &str, q: u8) -> &str {
    let b = i.as_bytes();
    let mut p = 0;
    while let Some(&c) = b.get(p) {
        if c == q {
            return &i[p + 1..];
        }
        p += if c == b'\\' { 2 } else { 1 };
    }
    ""
}

/// Whether `b` starts with `dddd-`, the start of a date (which a number never has).
fn looks_like_date(b: &[u8]) -> bool {
    b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

/// Whether `b` starts with `d+-dd-dd` whose year does not have four digits
/// (`10000-01-01`, `999-01-01`): a date with a wrong year rather than a number
/// followed by stray characters.
fn misdated_year(b: &[u8]) -> bool {
    let n = digits(b, 0);
    n != 4
        && b.get(n) == Some(&b'-')
        && digits(b, n + 1) == 2
        && b.get(n + 3) == Some(&b'-')
        && digits(b, n + 4) >= 2
}

/// Length of the run of ASCII digits at `b[p..]`.
fn digits(b: &[u8], p: usize) -> usize {
    b.get(p..)
        .map_or(0, |s| s.iter().take_while(|c| c.is_ascii_digit()).count())
}

/// Whether the character at `i` continues a word, which makes the token before it
/// malformed (`12abc`, `3.5.1`).
fn glued(i: &str) -> bool {
    i.chars()
        .next()
        .is_some_and(|c| is_ident_continue(c) || c == '.')
}

/// `number = [ "-" ] digits [ "." digits ] [ ( "e" | "E" ) [ "+" | "-" ] digits ] ;`
pub(crate) fn parse_number<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Literal> {
    let start = cx.off(i);
    let b = i.as_bytes();
    let mut p = usize::from(b.first() == Some(&b'-'));
    p += digits(b, p);
    let mut ok = true;
    if b.get(p) == Some(&b'.') {
        let n = digits(b, p + 1);
        ok &= n > 0;
        p += 1 + n;
    }
    if matches!(b.get(p), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(p + 1), Some(b'+' | b'-')));
        let n = digits(b, p + 1 + sign);
        if n > 0 {
            p += 1 + sign + n;
        } else {
            ok = false;
        }
    }
    if !ok || glued(&i[p..]) {
        let n = super::lexer::token_len(i).max(p);
        return cx.fail(
            SyntaxError::InvalidNumber {
                text: format!("`{}`", &i[..n]),
                span: Span::new(start, start + n),
            },
            &i[n..],
        );
    }
    let text = &i[..p];
    let span = Span::new(start, start + p);
    let v = match text.parse::<f64>() {
        // Zero, or a normal double: subnormals and values that underflow to zero are out
        // of range like those that overflow, rather than silently 0 (or a value the
        // engines' DOUBLE types may not all hold).
        Ok(v) if v.is_finite() && (v == 0.0 || v.abs() >= f64::MIN_POSITIVE) => v,
        _ => {
            return cx.fail(
                SyntaxError::NumberOutOfRange {
                    text: format!("`{text}`"),
                    span,
                },
                &i[p..],
            )
        }
    };
    if v == 0.0
        && text
            .bytes()
            .take_while(|&c| c != b'e' && c != b'E')
            .any(|c| (b'1'..=b'9').contains(&c))
    {
        return cx.fail(
            SyntaxError::NumberOutOfRange {
                text: format!("`{text}`"),
                span,
            },
            &i[p..],
        );
    }
    if let Some(nearest) = inexact_integer(text, v) {
        return cx.fail(
            SyntaxError::InexactNumber {
                text: format!("`{text}`"),
                nearest,
                span,
            },
            &i[p..],
        );
    }
    Ok((
        &i[p..],
        Literal {
            value: Value::Number(v),
            span,
        },
    ))
}

/// When `text`, a well-formed numeric literal read as the double `v`, is an integer
/// literal (digits only, no fraction or exponent) beyond ±2^53 that `v` does not hold
/// exactly: the exact digits of `v`, the nearest double. Fractions and exponent forms
/// mean the nearest double, as in JSON.
pub(crate) fn inexact_integer(text: &str, v: f64) -> Option<String> {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let digits = text.strip_prefix('-').unwrap_or(text);
    if v.abs() < EXACT || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let nearest = format!("{:.0}", v.abs());
    (digits.trim_start_matches('0') != nearest).then(|| {
        if v < 0.0 {
            format!("-{nearest}")
        } else {
            nearest
        }
    })
}

/// `date = dec{4} "-" dec{2} "-" dec{2} ;` and
/// `datetime = date ( "T" | "t" ) dec{2} ":" dec{2} [ ":" dec{2} [ "." dec{1,9} ] ]
/// [ "Z" | "z" | ( "+" | "-" ) dec{2} ":" dec{2} ] ;`
pub(crate) fn parse_date_time<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Literal> {
    let start = cx.off(i);
    let b = i.as_bytes();
    let bad = |reason: &'static str, n: usize| {
        let n = super::lexer::token_len(i).max(n);
        cx.fail(
            SyntaxError::InvalidDate {
                text: format!("`{}`", &i[..n]),
                reason,
                span: Span::new(start, start + n),
            },
            &i[n..],
        )
    };
    let num = |p: usize, len: usize| -> Option<u32> {
        let s = b.get(p..p + len)?;
        if !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(s.iter().fold(0, |a, &c| a * 10 + u32::from(c - b'0')))
    };
    let (Some(y), Some(m), Some(d)) = (num(0, 4), num(5, 2), num(8, 2)) else {
        return bad("expected YYYY-MM-DD", 0);
    };
    if b.get(7) != Some(&b'-') || b.get(10).is_some_and(u8::is_ascii_digit) {
        return bad("expected YYYY-MM-DD", 0);
    }
    // `y` has four digits, so it always fits an i32.
    let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d) else {
        return bad("no such day in the calendar", 10);
    };
    let mut p = 10;
    if !matches!(b.get(p), Some(b'T' | b't')) {
        if let Some((len, joined)) = spaced_time(&i[..p], &i[p..]) {
            return spaced_time_error(cx, i, p + len, joined);
        }
        if glued(&i[p..]) {
            return bad("unexpected characters after the date", p);
        }
        let span = Span::new(start, start + p);
        return Ok((
            &i[p..],
            Literal {
                value: Value::Date(date),
                span,
            },
        ));
    }
    p += 1;
    let (Some(hh), Some(mm)) = (num(p, 2), num(p + 3, 2)) else {
        return bad("expected hh:mm after `T`", p);
    };
    if b.get(p + 2) != Some(&b':') {
        return bad("expected hh:mm after `T`", p);
    }
    p += 5;
    let mut ss = 0;
    let mut nano = 0;
    if b.get(p) == Some(&b':') {
        let Some(s) = num(p + 1, 2) else {
            return bad("expected two digits of seconds", p);
        };
        ss = s;
        p += 3;
        if b.get(p) == Some(&b'.') {
            let n = digits(b, p + 1);
            if n == 0 || n > 9 {
                return bad("expected 1 to 9 digits of fractional seconds", p);
            }
            let frac = num(p + 1, n).unwrap_or(0);
            nano = frac * 10u32.pow(9 - n as u32);
            p += 1 + n;
        }
    }
    let Some(time) =
        NaiveTime::from_hms_nano_opt(hh, mm, ss, nano).filter(|_| ss < 60 && nano < 1_000_000_000)
    else {
        return bad("no such time of day", p);
    };
    let offset = match b.get(p) {
        Some(b'Z' | b'z') => {
            p += 1;
            Some(0)
        }
        Some(&c @ (b'+' | b'-')) => {
            let (Some(oh), Some(om)) = (num(p + 1, 2), num(p + 4, 2)) else {
                return bad("expected a UTC offset ±hh:mm", p);
            };
            if b.get(p + 3) != Some(&b':') {
                return bad("expected a UTC offset ±hh:mm", p);
            }
            if oh > 23 || om > 59 {
                return bad("UTC offset out of range", p + 6);
            }
            p += 6;
            let secs = (oh * 3600 + om * 60) as i32;
            Some(if c == b'-' { -secs } else { secs })
        }
        _ => None,
    };
    if glued(&i[p..]) || matches!(i.as_bytes().get(p), Some(b':')) {
        return bad("unexpected characters after the time", p);
    }
    let span = Span::new(start, start + p);
    Ok((
        &i[p..],
        Literal {
            value: Value::DateTime(DateTimeLit {
                local: NaiveDateTime::new(date, time),
                offset,
            }),
            span,
        },
    ))
}

/// A time written after a date with a space instead of `T` (`2022-01-01 10:00`): the
/// length of the space and the time as written, and the datetime joined by `T`.
fn spaced_time(date: &str, rest: &str) -> Option<(usize, String)> {
    let t = rest.trim_start_matches([' ', '\t']);
    if t.len() == rest.len() {
        return None;
    }
    let b = t.as_bytes();
    let h = digits(b, 0);
    if !(1..=2).contains(&h) || b.get(h) != Some(&b':') || digits(b, h + 1) != 2 {
        return None;
    }
    // Seconds, fraction and offset: the rest of the time as written.
    let n = h
        + 3
        + b[h + 3..]
            .iter()
            .take_while(|&&c| {
                c.is_ascii_digit() || matches!(c, b':' | b'.' | b'+' | b'-' | b'Z' | b'z')
            })
            .count();
    let pad = if h == 1 { "0" } else { "" };
    Some((rest.len() - t.len() + n, format!("{date}T{pad}{}", &t[..n])))
}

#[cold]
#[inline(never)]
fn spaced_time_error<'a, T>(cx: &Cx<'a>, i: &'a str, len: usize, joined: String) -> PResult<'a, T> {
    let start = cx.off(i);
    cx.fail(
        SyntaxError::Expected {
            expected: "`T` between the date and the time".to_owned(),
            found: format!("`{}`", &i[..len]),
            span: Span::new(start, start + len),
            help: Some(format!("join the date and the time with `T`: `{joined}`")),
        },
        &i[len..],
    )
}

/// `today` (or `今天`) as a period: with an offset it is a [`Relative`] instead.
const TODAY: Period = Period {
    unit: PeriodUnit::Day,
    shift: Shift::This,
};

/// A bare word where a value belongs: not a value, with a hint at what was meant.
#[cold]
#[inline(never)]
fn not_a_value<'a, T>(cx: &Cx<'a>, i: &'a str, word: &str) -> PResult<'a, T> {
    let spaced = word.replace(['_', '-'], " ");
    let help = if let Some((p, _)) = period_at(&spaced).filter(|(_, rest)| rest.is_empty()) {
        format!("write the period with a space: `{}`", p.name())
    } else if ["this", "last", "next"]
        .iter()
        .any(|w| w.eq_ignore_ascii_case(word))
    {
        format!(
            "a period is `{}` followed by `week`, `month`, `quarter` or `year`; days are `yesterday`, `today` and `tomorrow`",
            word.to_ascii_lowercase()
        )
    } else {
        format!(
            "to compare with the text {word}, quote it: \"{}\"",
            word.escape_debug()
        )
    };
    cx.fail(
        SyntaxError::Expected {
            expected: "a value".to_owned(),
            found: describe(i),
            span: cx.token_span(i),
            help: Some(help),
        },
        &i[word.len()..],
    )
}

/// `period = "yesterday" | "today" | "tomorrow" | ( "this" | "last" | "next" ) ( "week"
/// | "month" | "quarter" | "year" ) | chinese_period ;` (a plain `today` is read by
/// [`parse_relative`]). `rest` is the input after the period's words.
///
/// A period takes no offset: one written after it is reported here, with the forms
/// that do take one, rather than as a stray token.
fn parse_period<'a>(
    cx: &Cx<'a>,
    i: &'a str,
    period: Period,
    rest: &'a str,
) -> PResult<'a, Literal> {
    let start = cx.off(i);
    let j = skip_ws(rest);
    if matches!(j.as_bytes().first(), Some(b'+' | b'-')) {
        let written = &i[..i.len() - rest.len()];
        return cx.fail(
            SyntaxError::Expected {
                expected: "`and`, `or` or the end of the condition".to_owned(),
                found: describe(j),
                span: cx.token_span(j),
                help: Some(format!(
                    "`{written}` is a whole {}: it takes no offset; move `today` or `now` instead, e.g. `today - 1mo`",
                    period.unit.name()
                )),
            },
            &j[super::lexer::token_len(j).max(1).min(j.len())..],
        );
    }
    Ok((
        rest,
        Literal {
            value: Value::Period(period),
            span: Span::new(start, cx.off(rest)),
        },
    ))
}

/// `relative = ( "now" | "today" | "今天" ) [ ( "+" | "-" ) digits unit ] ;` with
/// `unit = "m" | "h" | "d" | "w" | "mo" | "q" | "y" ;`
///
/// Whitespace is allowed around the sign, not between the amount and its unit. A plain
/// `today` is the period [`TODAY`].
pub(crate) fn parse_relative<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Literal> {
    let start = cx.off(i);
    let n = ident_len(i);
    let base = match keyword(&i[..n]) {
        Some(Kw::Now) => RelBase::Now,
        _ => RelBase::Today,
    };
    let after_base = &i[n..];
    let plain = |rest: &'a str| {
        let value = match base {
            RelBase::Today => Value::Period(TODAY),
            RelBase::Now => Value::Relative(Relative {
                base,
                amount: 0,
                unit: RelUnit::Day,
            }),
        };
        let lit = Literal {
            value,
            span: Span::new(start, cx.off(rest)),
        };
        Ok((rest, lit))
    };
    let j = skip_ws(after_base);
    let negative = match j.as_bytes().first() {
        Some(b'+') => false,
        Some(b'-') => true,
        _ => return plain(after_base),
    };
    let j = skip_ws(&j[1..]);
    let amount_start = cx.off(j);
    let unit_help = "write the amount with a unit: m (minutes), h (hours), d (days), w (weeks), mo (months), q (quarters) or y (years), e.g. `now - 3d`";
    let expected_amount = |at: &'a str| {
        cx.fail(
            SyntaxError::Expected {
                expected: "an amount with a unit, such as `3d`".to_owned(),
                found: describe(at),
                span: cx.token_span(at),
                help: Some(unit_help.to_owned()),
            },
            at,
        )
    };
    let Ok((rest, amount_text)) =
        take_while1::<_, _, nom::error::Error<&str>>(|c: char| c.is_ascii_digit()).parse(j)
    else {
        return expected_amount(j);
    };
    let (unit, len) = match rest.as_bytes() {
        [b'm', b'o', ..] => (RelUnit::Month, 2),
        [b'm', ..] => (RelUnit::Minute, 1),
        [b'h', ..] => (RelUnit::Hour, 1),
        [b'd', ..] => (RelUnit::Day, 1),
        [b'w', ..] => (RelUnit::Week, 1),
        [b'q', ..] => (RelUnit::Quarter, 1),
        [b'y', ..] => (RelUnit::Year, 1),
        _ => return expected_amount(j),
    };
    let rest = &rest[len..];
    if glued(rest) {
        return expected_amount(j);
    }
    let magnitude: Option<u64> = amount_text.parse().ok();
    let amount = magnitude.and_then(|m| {
        if negative {
            0i64.checked_sub_unsigned(m)
        } else {
            i64::try_from(m).ok()
        }
    });
    let Some(amount) = amount else {
        return cx.fail(
            SyntaxError::RelativeOutOfRange {
                text: format!("`{amount_text}`"),
                span: Span::new(amount_start, amount_start + amount_text.len()),
            },
            rest,
        );
    };
    let lit = Literal {
        value: Value::Relative(Relative { base, amount, unit }),
        span: Span::new(start, cx.off(rest)),
    };
    Ok((rest, lit))
}
