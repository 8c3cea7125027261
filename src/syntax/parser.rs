//! The nom parser: one `parse_<rule>` function per rule of `grammar/filterql.ebnf`
//! (literal rules live in `literal.rs`).
//!
//! Every rule is a nom parser over `&str` with the error type `PErr`. Rules dispatch
//! on the next byte or keyword, so nothing is tried twice and parsing is linear in the
//! input. Errors are *recorded* in the context rather than only returned: after a bad
//! operand, the `and`/`or` loops skip to the next `and`/`or` at the same level and carry
//! on, so one run reports every independent mistake.

use super::ast::{
    CmpOp, Expr, Field, HasOperand, List, Literal, Path, PredKind, Predicate, Quantifier, Str,
    TextOp,
};
use super::error::SyntaxError;
use super::lexer::{
    ascii_hint, describe, ident_len, keyword, skip_to_sync, skip_ws, token_len, word, Kw,
};
use super::literal::{parse_list, parse_value};
use crate::diagnostic::Diagnostics;
use crate::span::Span;
use nom::combinator::cut;
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Parser};
use std::cell::{Cell, OnceCell, RefCell};
use std::sync::Arc;

/// Maximum nesting of parentheses and `not`.
pub const MAX_DEPTH: usize = 128;
/// Maximum query size in bytes.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

/// At most this many diagnostics are reported for one query: a megabyte of repeated
/// mistakes must not produce (and render) a hundred thousand reports.
const MAX_ERRORS: usize = 32;

/// The parser's error: either a diagnostic with the offset where recovery should start
/// scanning, or a bare nom error from a combinator (only its position is known).
#[derive(Debug)]
pub(crate) enum PErr {
    /// A combinator failed with `len` bytes of input left.
    Nom(usize),
    /// A diagnostic.
    Syntax(Box<Failure>),
}

/// A diagnostic and where to resume after it.
#[derive(Debug)]
pub(crate) struct Failure {
    error: SyntaxError,
    /// Byte offset from which recovery skips to the next `and`/`or`.
    resume: usize,
}

impl<'a> ParseError<&'a str> for PErr {
    fn from_error_kind(input: &'a str, _: ErrorKind) -> Self {
        PErr::Nom(input.len())
    }
    fn append(_: &'a str, _: ErrorKind, other: Self) -> Self {
        other
    }
}

/// Result of a parser rule.
pub(crate) type PResult<'a, T> = IResult<&'a str, T, PErr>;

/// Parser state shared by the rules: the whole text (to turn remaining input into
/// offsets), the diagnostics recorded so far, and the nesting counters.
pub(crate) struct Cx<'a> {
    src: &'a str,
    /// The same text, shared by the long names and strings of the tree (see [`Str`]);
    /// built by the first of them.
    shared: OnceCell<Arc<str>>,
    errors: RefCell<Vec<SyntaxError>>,
    depth: Cell<usize>,
    parens: Cell<usize>,
    /// Set by an error after which nothing more may be parsed (the depth limit).
    fatal: Cell<bool>,
    /// Set when a relative value or a period is read: the query's meaning depends on
    /// the clock it is compiled against.
    clock: Cell<bool>,
}

impl<'a> Cx<'a> {
    fn new(src: &'a str) -> Self {
        Cx {
            src,
            shared: OnceCell::new(),
            errors: RefCell::new(Vec::new()),
            depth: Cell::new(0),
            parens: Cell::new(0),
            fatal: Cell::new(false),
            clock: Cell::new(false),
        }
    }

    /// Notes that a value read from the clock (`now`, `today`, a period) was written.
    pub(crate) fn note_clock(&self) {
        self.clock.set(true);
    }

    /// The text `src[start..end]` as a [`Str`] (inline, or sharing the query text).
    pub(crate) fn text(&self, start: usize, end: usize) -> Str {
        Str::slice(self.src, start, end, || {
            Arc::clone(self.shared.get_or_init(|| Arc::from(self.src)))
        })
    }

    /// Byte offset of the remaining input `i` (always a suffix of the text).
    pub(crate) fn off(&self, i: &str) -> usize {
        self.src.len() - i.len()
    }

    /// The span of the token at the start of `i`. At the end of the text it is the last
    /// character written: a report cannot show a label past the end of its line.
    pub(crate) fn token_span(&self, i: &str) -> Span {
        let start = self.off(i);
        let len = token_len(i);
        if len > 0 {
            return Span::new(start, start + len);
        }
        let written = self.src.trim_end();
        match written.chars().next_back() {
            Some(c) => Span::new(written.len() - c.len_utf8(), written.len()),
            None => Span::at(start),
        }
    }

    /// Fails the current rule with `error`; recovery will scan from `resume`.
    pub(crate) fn fail<T>(&self, error: SyntaxError, resume: &'a str) -> PResult<'a, T> {
        Err(nom::Err::Error(PErr::Syntax(Box::new(Failure {
            error,
            resume: self.off(resume),
        }))))
    }

    /// Records a diagnostic without failing the rule. Past [`MAX_ERRORS`] the diagnostic
    /// is dropped and parsing stops at the next recovery point.
    pub(crate) fn record(&self, error: SyntaxError) {
        let mut errors = self.errors.borrow_mut();
        if errors.len() < MAX_ERRORS {
            errors.push(error);
        } else {
            self.fatal.set(true);
        }
    }

    /// Records a failed rule's diagnostic and returns where to resume, or passes the
    /// error on when parsing must stop.
    pub(crate) fn recover(&self, e: nom::Err<PErr>) -> Result<&'a str, nom::Err<PErr>> {
        if self.fatal.get() {
            return Err(e);
        }
        let perr = match e {
            nom::Err::Error(p) | nom::Err::Failure(p) => p,
            nom::Err::Incomplete(_) => PErr::Nom(0),
        };
        match perr {
            PErr::Syntax(f) => {
                self.record(f.error);
                Ok(self.src.get(f.resume..).unwrap_or(""))
            }
            PErr::Nom(len) => {
                let at = self.src.get(self.src.len() - len.min(self.src.len())..);
                let at = at.unwrap_or("");
                self.record(SyntaxError::Expected {
                    expected: "a condition".to_owned(),
                    found: describe(at),
                    span: self.token_span(at),
                    help: None,
                });
                Ok(at)
            }
        }
    }

    /// Enters one level of parentheses or `not`, failing fatally past [`MAX_DEPTH`].
    fn enter(&self, at: &'a str) -> Result<(), nom::Err<PErr>> {
        let d = self.depth.get() + 1;
        if d > MAX_DEPTH {
            self.fatal.set(true);
            let start = self.off(at);
            return Err(nom::Err::Failure(PErr::Syntax(Box::new(Failure {
                error: SyntaxError::TooDeep {
                    max: MAX_DEPTH,
                    span: Span::new(start, start + token_len(at).max(1).min(at.len())),
                },
                resume: start,
            }))));
        }
        self.depth.set(d);
        Ok(())
    }

    fn leave(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }
}

/// Parses a whole query into its syntax tree, or returns every syntax error found.
///
/// Never panics and never recurses deeper than [`MAX_DEPTH`] levels, whatever the input.
/// Inputs over [`MAX_INPUT_BYTES`] are rejected unread; the diagnostics' `source` is
/// then only the start of the text, which the label points into. At most 32
/// diagnostics are reported.
///
/// ```
/// let ast = filterql::syntax::parse("createTime >= 2022-01-01 and phone verified").unwrap();
/// assert_eq!(ast.to_string(), "createTime >= 2022-01-01 and phone verified");
/// assert_eq!(filterql::syntax::parse("a = and (b > 1").unwrap_err().len(), 2);
/// ```
pub fn parse(text: &str) -> Result<Expr, Diagnostics> {
    parse_noting_clock(text).map(|(expr, _)| expr)
}

/// [`parse`], also telling whether the query holds a value read from the clock (`now`,
/// `today`, a period): noted while reading the values, so the compiler need not walk
/// the tree again to find out.
pub(crate) fn parse_noting_clock(text: &str) -> Result<(Expr, bool), Diagnostics> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(too_large(text));
    }
    let cx = Cx::new(text);
    let result = parse_query(&cx, text);
    let mut errors = cx.errors.into_inner();
    match result {
        Ok((_, Some(expr))) if errors.is_empty() => Ok((expr, cx.clock.get())),
        other => {
            // Only a fatal error escapes recovery; it is not recorded yet.
            if let Err(nom::Err::Error(PErr::Syntax(f)) | nom::Err::Failure(PErr::Syntax(f))) =
                other
            {
                if errors.len() < MAX_ERRORS || matches!(f.error, SyntaxError::TooDeep { .. }) {
                    errors.push(f.error);
                }
            }
            if errors.is_empty() {
                // Unreachable by construction; fail closed with a diagnostic anyway.
                errors.push(SyntaxError::Expected {
                    expected: "a condition".to_owned(),
                    found: describe(text),
                    span: first_token_span(text),
                    help: None,
                });
            }
            let mut diags = Diagnostics::new(text);
            for e in errors {
                diags.push(e);
            }
            Err(diags)
        }
    }
}

fn first_token_span(text: &str) -> Span {
    Span::new(0, token_len(text))
}

/// The size-limit diagnostic. Its source is only the start of the query, so rendering
/// a multi-megabyte one-line query prints a short excerpt rather than the whole text.
fn too_large(text: &str) -> Diagnostics {
    let line = text.split('\n').next().unwrap_or("");
    let mut cut_at = line.len().min(60);
    while !line.is_char_boundary(cut_at) {
        cut_at -= 1;
    }
    let mut diags = Diagnostics::new(&line[..cut_at]);
    diags.push(SyntaxError::TooLarge {
        size: text.len(),
        max: MAX_INPUT_BYTES,
        span: Span::new(0, cut_at),
    });
    diags
}

/// `query = or_expr EOF ;`
///
/// Returns `None` when there is no expression at all (the empty query). Stray closing
/// parentheses are reported and skipped, and parsing goes on after them.
fn parse_query<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Option<Expr>> {
    let mut i = skip_ws(i);
    if i.is_empty() {
        cx.record(SyntaxError::EmptyQuery {
            span: Span::at(cx.off(i)),
        });
        return Ok((i, None));
    }
    let (rest, expr) = parse_or_expr(cx, i)?;
    i = skip_ws(rest);
    while !i.is_empty() {
        // The `or` loop only stops at the end or at a `)` it cannot match.
        let start = cx.off(i);
        cx.record(SyntaxError::UnmatchedParen {
            span: Span::new(start, start + 1),
        });
        i = skip_ws(i.get(1..).unwrap_or(""));
        if i.is_empty() {
            break;
        }
        if let Some(rest) = and_op(i).or_else(|| or_op(i)) {
            i = rest;
        }
        let (rest, _) = parse_or_expr(cx, i)?;
        i = skip_ws(rest);
    }
    Ok((i, Some(expr)))
}

// The five rules below recurse into each other once per parenthesis. Each calls its
// recursive callee from a single site and keeps error construction in separate cold
// functions, because unoptimised builds give every temporary its own stack slot: this
// keeps a nesting level to a few KiB even in debug builds.

/// `or_expr = and_expr { ( "or" | "||" ) and_expr } ;`
fn parse_or_expr<'a>(cx: &Cx<'a>, mut i: &'a str) -> PResult<'a, Expr> {
    let mut items = Operands::default();
    let start = cx.off(i);
    loop {
        let (rest, e) = parse_and_expr(cx, i)?;
        items.push(e, cx.off(rest) - start, Remaining(cx, rest));
        let j = skip_ws(rest);
        match or_op(j).or_else(|| single_op(cx, j, b'|')) {
            Some(after) => i = after,
            None => return Ok((rest, items.finish(Expr::Or))),
        }
    }
}

/// `and_expr = unary { ( "and" | "&&" ) unary } ;`
///
/// Also where recovery happens: a failed operand is recorded and skipped, and so is
/// anything between operands that is not an operator.
fn parse_and_expr<'a>(cx: &Cx<'a>, mut i: &'a str) -> PResult<'a, Expr> {
    let mut items = Operands::default();
    let start = cx.off(i);
    loop {
        let (rest, e) = unary_or_recover(cx, i)?;
        items.push(e, cx.off(rest) - start, Remaining(cx, rest));
        match after_operand(cx, rest) {
            Ok(after_and) => i = after_and,
            Err(end) => return Ok((end, items.finish(Expr::And))),
        }
    }
}

/// The operands of one `and` or `or` chain. The first is held apart, so that a chain of
/// one operand (every `and` operand of an `or`, every body of a lone condition)
/// allocates nothing.
#[derive(Default)]
struct Operands {
    first: Option<Expr>,
    all: Vec<Expr>,
}

/// The text after an operand, from which a chain sizes its growth: only measured when
/// the chain must grow (a few times in a long chain), never per operand.
#[derive(Clone, Copy)]
struct Remaining<'c, 'a>(&'c Cx<'a>, &'a str);

impl Remaining<'_, '_> {
    /// How many bytes of the text the chain may still take. Inside parentheses it ends
    /// at the group's `)`, estimated as the next `)`: the rest of the text belongs to
    /// the enclosing chains, and a short group `(a or b)` sized from it would reserve
    /// room for operands it never reads.
    fn bytes(self) -> usize {
        let Remaining(cx, rest) = self;
        if cx.parens.get() == 0 {
            return rest.len();
        }
        rest.bytes().position(|c| c == b')').unwrap_or(rest.len())
    }
}

impl Operands {
    /// Adds an operand; `consumed` bytes of the chain were read and `remaining` follow,
    /// from which a long chain sizes its growth (see [`super::literal::reserve_more`]).
    fn push(&mut self, e: Expr, consumed: usize, remaining: Remaining<'_, '_>) {
        if self.all.is_empty() {
            match self.first.take() {
                None => {
                    self.first = Some(e);
                    return;
                }
                Some(first) => {
                    // Sized like the growth below, from the two operands read so far.
                    let estimate = (2 * remaining.bytes() as u64 / consumed.max(1) as u64) as usize;
                    self.all
                        .reserve_exact(2 + (estimate + estimate / 8 + 1).min(6));
                    self.all.push(first);
                }
            }
        }
        if self.all.len() == self.all.capacity() {
            // Room for as many more operands as the rest of the text holds at the
            // density read so far, plus an eighth, so that a chain ending soon does not
            // double into room it never uses (each operand is large).
            let n = self.all.len();
            let estimate = (n as u64 * remaining.bytes() as u64 / consumed.max(1) as u64) as usize;
            // Never more than doubling: the rest of the text may belong to an
            // enclosing chain, and nested chains must not each reserve for all of it.
            self.all
                .reserve_exact((estimate + estimate / 8 + 1).clamp(n / 2, n.max(4)));
        }
        self.all.push(e);
    }

    /// The chain as one node (the operand itself when there is one).
    fn finish(self, make: fn(Vec<Expr>, Span) -> Expr) -> Expr {
        match self.first {
            Some(only) => only,
            None => chain(self.all, make),
        }
    }
}

/// What follows an operand of `and`: `Ok` with the input after an `and` operator, or
/// `Err` with the input where the `and` chain ends (`or`, `)`, end of text). Anything
/// else is reported and skipped.
fn after_operand<'a>(cx: &Cx<'a>, mut i: &'a str) -> Result<&'a str, &'a str> {
    loop {
        let j = skip_ws(i);
        if let Some(rest) = and_op(j).or_else(|| single_op(cx, j, b'&')) {
            return Ok(rest);
        }
        match j.as_bytes().first() {
            None | Some(b')') | Some(b'|') => return Err(i),
            _ if or_op(j).is_some() => return Err(i),
            _ => i = unexpected_after_operand(cx, j),
        }
    }
}

/// Reports a token between operands that is no operator; returns where to resume.
#[cold]
#[inline(never)]
fn unexpected_after_operand<'a>(cx: &Cx<'a>, j: &'a str) -> &'a str {
    let expected = if cx.parens.get() > 0 {
        "`and`, `or` or `)`"
    } else {
        "`and`, `or` or end of query"
    };
    cx.record(SyntaxError::Expected {
        expected: expected.to_owned(),
        found: describe(j),
        span: cx.token_span(j),
        help: ascii_hint(j),
    });
    skip_to_sync(&j[token_len(j).max(1).min(j.len())..])
}

/// One operand of `and`: on error, records it and resumes at the next `and`/`or` (or
/// closing parenthesis), yielding a placeholder that is never returned to the caller of
/// [`parse`] because an error was recorded.
fn unary_or_recover<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Expr> {
    match parse_unary(cx, i) {
        Err(e) => recover_operand(cx, e),
        ok => ok,
    }
}

#[cold]
#[inline(never)]
fn recover_operand<'a>(cx: &Cx<'a>, e: nom::Err<PErr>) -> PResult<'a, Expr> {
    let resume = cx.recover(e)?;
    let rest = skip_to_sync(resume);
    Ok((rest, Expr::Or(Vec::new(), Span::at(cx.off(rest)))))
}

/// A chain of one operand is the operand itself.
fn chain(mut items: Vec<Expr>, make: fn(Vec<Expr>, Span) -> Expr) -> Expr {
    if items.len() == 1 {
        if let Some(e) = items.pop() {
            return e;
        }
    }
    let span = match (items.first(), items.last()) {
        (Some(a), Some(b)) => a.span().to(b.span()),
        _ => Span::default(),
    };
    // The tree outlives the parse (the checker reads it while building its own): give
    // back the slack of a long chain's growth. A slot or two of a short chain's
    // estimate are not worth a reallocation.
    if items.capacity() - items.len() > 2 {
        items.shrink_to_fit();
    }
    make(items, span)
}

/// `"and" | "&&"` at `i` (already past whitespace): the input after it.
fn and_op(i: &str) -> Option<&str> {
    if let Some(rest) = i.strip_prefix("&&") {
        return Some(rest);
    }
    word(i, Kw::And)
}

/// `"or" | "||"` at `i`: the input after it.
fn or_op(i: &str) -> Option<&str> {
    if let Some(rest) = i.strip_prefix("||") {
        return Some(rest);
    }
    word(i, Kw::Or)
}

/// A lone `&` or `|` where `&&`/`||` was meant: reported, then read as the operator so
/// that the rest of the query is still checked.
fn single_op<'a>(cx: &Cx<'a>, i: &'a str, c: u8) -> Option<&'a str> {
    if i.as_bytes().first() != Some(&c) {
        return None;
    }
    let (single, double, word) = if c == b'&' {
        ("&", "&&", "and")
    } else {
        ("|", "||", "or")
    };
    let start = cx.off(i);
    cx.record(SyntaxError::SingleOperator {
        single,
        double,
        word,
        span: Span::new(start, start + 1),
        help: format!("double the character (`{double}`) or write `{word}`"),
    });
    Some(&i[1..])
}

/// The keyword at `i`, if the next word is one, and the input after it.
fn next_keyword(i: &str) -> Option<(Kw, &str)> {
    let n = ident_len(i);
    if n == 0 {
        return None;
    }
    keyword(&i[..n]).map(|k| (k, &i[n..]))
}

/// `unary = ( "not" | "!" ) unary | group | predicate ;`
///
/// A run of `not`s is read in a loop (each counts towards [`MAX_DEPTH`]) and wrapped
/// around the operand afterwards, so only parentheses recurse.
fn parse_unary<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Expr> {
    let mut i = skip_ws(i);
    let mut nots: Vec<usize> = Vec::new();
    while let Some(rest) = not_op(i) {
        if !i.starts_with('!') && starts_comparison(skip_ws(rest)) {
            // `not = 1`: a field named `not`, not a negation.
            unwind(cx, nots.len());
            return keyword_as_field(cx, i, rest);
        }
        if let Err(e) = cx.enter(i) {
            unwind(cx, nots.len());
            return Err(e);
        }
        nots.push(cx.off(i));
        i = skip_ws(rest);
    }
    let r = if i.starts_with('(') {
        parse_group(cx, i)
    } else {
        predicate_expr(cx, i)
    };
    unwind(cx, nots.len());
    let (rest, mut e) = r?;
    while let Some(start) = nots.pop() {
        let span = Span::new(start, e.span().end);
        e = Expr::Not(Box::new(e), span);
    }
    Ok((rest, e))
}

/// Whether `i` starts with a comparison operator (or the `:` mistaken for one).
fn starts_comparison(i: &str) -> bool {
    matches!(i.as_bytes().first(), Some(b'=' | b'<' | b'>' | b':')) || i.starts_with("!=")
}

#[cold]
#[inline(never)]
fn keyword_as_field<'a, T>(cx: &Cx<'a>, word: &'a str, rest: &'a str) -> PResult<'a, T> {
    let text = &word[..word.len() - rest.len()];
    let start = cx.off(word);
    cx.fail(
        SyntaxError::KeywordAsField {
            keyword: text.to_owned(),
            span: Span::new(start, start + text.len()),
            help: format!("to use `{text}` as a field name, write it in backticks: `{text}`"),
        },
        rest,
    )
}

/// `"not" | "!"` (but not the `!` of `!=`) at `i`: the input after it.
fn not_op(i: &str) -> Option<&str> {
    if i.starts_with('!') && !i.starts_with("!=") {
        return Some(&i[1..]);
    }
    word(i, Kw::Not)
}

fn unwind(cx: &Cx<'_>, levels: usize) {
    for _ in 0..levels {
        cx.leave();
    }
}

#[inline(never)]
fn predicate_expr<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Expr> {
    let (rest, p) = parse_predicate(cx, i)?;
    Ok((rest, Expr::Pred(p)))
}

/// `group = "(" or_expr ")" ;`
///
/// A missing `)` is recorded (labelled on the opening parenthesis) and the group is
/// treated as closed, so the rest of the query is not reported again.
fn parse_group<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Expr> {
    cx.enter(i)?;
    cx.parens.set(cx.parens.get() + 1);
    let r = parse_or_expr(cx, &i[1..]);
    cx.parens.set(cx.parens.get() - 1);
    cx.leave();
    let (rest, inner) = r?;
    let rest = skip_ws(rest);
    match rest.strip_prefix(')') {
        Some(after) => Ok((after, inner)),
        None => {
            unclosed_group(cx, i, rest);
            Ok((rest, inner))
        }
    }
}

#[cold]
#[inline(never)]
fn unclosed_group(cx: &Cx<'_>, open: &str, found: &str) {
    let start = cx.off(open);
    cx.record(SyntaxError::UnclosedParen {
        open: "`(`",
        close: "`)`",
        found: describe(found),
        span: Span::new(start, start + 1),
        help: "add `)` to close this `(`".to_owned(),
    });
}

/// `predicate = field test ;`
///
/// Also the rules `test = compare | "in" in_test | "between" between_test | "is" is_test
/// | phone_test | text_test | "has" has_test | "not" negated_test ;` and
/// `phone_test = "verified" | "unverified" ;`. The test is chosen by its first token (an
/// operator or keyword); once chosen it is committed (`cut`).
fn parse_predicate<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Predicate> {
    let (rest, field) = parse_field(cx, i)?;
    let start = field.span.start;
    let j = skip_ws(rest);
    let (rest, kind) = match j.as_bytes().first() {
        Some(b'=' | b'!' | b'<' | b'>') => cut(|i| parse_compare(cx, i)).parse(j)?,
        Some(b':') => {
            let s = cx.off(j);
            return cx.fail(
                SyntaxError::ColonOperator {
                    span: Span::new(s, s + 1),
                },
                &j[1..],
            );
        }
        _ => match next_keyword(j) {
            Some((Kw::In, after)) => cut(|i| parse_in_test(cx, i, false)).parse(after)?,
            Some((Kw::Between, after)) => cut(|i| parse_between_test(cx, i, false)).parse(after)?,
            Some((Kw::Is, after)) => cut(|i| parse_is_test(cx, i)).parse(after)?,
            Some((Kw::Verified, after)) => (after, PredKind::Phone { verified: true }),
            Some((Kw::Unverified, after)) => (after, PredKind::Phone { verified: false }),
            Some((Kw::Contains | Kw::StartsWith | Kw::EndsWith, _)) => {
                cut(|i| parse_text_test(cx, i, false)).parse(j)?
            }
            Some((Kw::Has, after)) => cut(|i| parse_has_test(cx, i)).parse(after)?,
            Some((Kw::Not, after)) => cut(|i| parse_negated_test(cx, i)).parse(after)?,
            _ => return expected_test(cx, j),
        },
    };
    let span = Span::new(start, cx.off(rest));
    Ok((rest, Predicate { field, kind, span }))
}

/// The error for a field followed by something that starts no test.
fn expected_test<'a, T>(cx: &Cx<'a>, j: &'a str) -> PResult<'a, T> {
    let help = (ident_len(j) > 0 && next_keyword(j).is_none()).then(|| {
        "a field name containing spaces must be written in backticks, e.g. `first name` = \"Ann\""
            .to_owned()
    });
    cx.fail(
        SyntaxError::Expected {
            expected: "an operator such as `=`, `in`, `contains` or `is empty`".to_owned(),
            found: describe(j),
            span: cx.token_span(j),
            help: help.or_else(|| ascii_hint(j)),
        },
        j,
    )
}

/// `negated_test = "in" in_test | "between" between_test | text_test ;`
fn parse_negated_test<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, PredKind> {
    let j = skip_ws(i);
    match next_keyword(j) {
        Some((Kw::In, after)) => parse_in_test(cx, after, true),
        Some((Kw::Between, after)) => parse_between_test(cx, after, true),
        Some((Kw::Contains | Kw::StartsWith | Kw::EndsWith, _)) => parse_text_test(cx, j, true),
        _ => cx.fail(
            SyntaxError::Expected {
                expected: "`in`, `between`, `contains`, `startswith` or `endswith` after `not`"
                    .to_owned(),
                found: describe(j),
                span: cx.token_span(j),
                help: Some(
                    "to negate a whole condition, put `not` before the field: `not a = 1`"
                        .to_owned(),
                ),
            },
            j,
        ),
    }
}

/// `compare = cmp_op value ;`
fn parse_compare<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, PredKind> {
    let (rest, op) = match parse_cmp_op(i) {
        Ok(ok) => ok,
        Err(_) => {
            return cx.fail(
                SyntaxError::Expected {
                    expected: "a comparison operator".to_owned(),
                    found: describe(i),
                    span: cx.token_span(i),
                    help: Some("the operators are = == != <> < <= > >=".to_owned()),
                },
                i,
            )
        }
    };
    let op_text = &i[..i.len() - rest.len()];
    let (rest, value) = parse_value(cx, rest, op_text)?;
    Ok((rest, PredKind::Compare { op, value }))
}

/// `cmp_op = "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">=" ;`
///
/// Decided on the first two bytes (longest match first), rather than by trying eight
/// tags in turn.
fn parse_cmp_op(i: &str) -> IResult<&str, CmpOp, PErr> {
    let (op, len) = match i.as_bytes() {
        [b'=', b'=', ..] => (CmpOp::Eq, 2),
        [b'!', b'=', ..] => (CmpOp::Ne, 2),
        [b'<', b'>', ..] => (CmpOp::Ne, 2),
        [b'<', b'=', ..] => (CmpOp::Le, 2),
        [b'>', b'=', ..] => (CmpOp::Ge, 2),
        [b'=', ..] => (CmpOp::Eq, 1),
        [b'<', ..] => (CmpOp::Lt, 1),
        [b'>', ..] => (CmpOp::Gt, 1),
        _ => return Err(nom::Err::Error(PErr::from_error_kind(i, ErrorKind::Tag))),
    };
    Ok((&i[len..], op))
}

/// `in_test = list ;`
fn parse_in_test<'a>(cx: &Cx<'a>, i: &'a str, negated: bool) -> PResult<'a, PredKind> {
    let j = skip_ws(i);
    let (rest, list) = expect_list(cx, j, "in")?;
    Ok((rest, PredKind::In { negated, list }))
}

/// A list where one is required, with a hint when a single value was written.
fn expect_list<'a>(cx: &Cx<'a>, j: &'a str, after: &str) -> PResult<'a, List> {
    if matches!(j.as_bytes().first(), Some(b'(' | b'[')) {
        return parse_list(cx, j);
    }
    let single_value = parse_value(cx, j, after).is_ok();
    cx.fail(
        SyntaxError::Expected {
            expected: format!("a list of values after `{after}`"),
            found: describe(j),
            span: cx.token_span(j),
            help: Some(if single_value {
                "put the values in parentheses, e.g. `in (1, 2)`".to_owned()
            } else {
                "write a list such as (\"a\", \"b\") or [1, 2]".to_owned()
            }),
        },
        j,
    )
}

/// `between_test = value "and" value ;`
///
/// On an error, recovery resumes past the bound written after the mistake, so that
/// `x between 1 or 2` and `x between and 2` report one error, not a second one for `2`.
fn parse_between_test<'a>(cx: &Cx<'a>, i: &'a str, negated: bool) -> PResult<'a, PredKind> {
    let (rest, low) = match parse_value(cx, i, "between") {
        Ok(ok) => ok,
        Err(e) => return Err(resume_past_high_bound(cx, e)),
    };
    let j = skip_ws(rest);
    let Some(after_and) = word(j, Kw::And) else {
        let low_text = skip_ws(i);
        return missing_between_and(cx, &low_text[..low_text.len() - rest.len()], j);
    };
    let (rest, high) = parse_value(cx, after_and, "and")?;
    Ok((
        rest,
        PredKind::Between {
            negated,
            low: Box::new(low),
            high: Box::new(high),
        },
    ))
}

/// The error for a `between` whose bounds are not joined by `and` (`x between 1 5`,
/// `x between 1 or 2`); recovery resumes after the second bound.
#[cold]
#[inline(never)]
fn missing_between_and<'a, T>(cx: &Cx<'a>, low: &str, j: &'a str) -> PResult<'a, T> {
    let mut help = "write both bounds: `x between 1 and 10`".to_owned();
    let resume = match parse_value(cx, j, "and") {
        Ok((rest, _)) => rest,
        // A separator in place of `and` (`or`, `&&`, `,`, `-`), then the bound.
        Err(_) => {
            let after = &j[token_len(j)..];
            match parse_value(cx, after, "and") {
                Ok((rest, _)) => {
                    let high = skip_ws(after);
                    let high = &high[..high.len() - rest.len()];
                    help = format!("join the bounds with `and`: `between {low} and {high}`");
                    rest
                }
                Err(_) => skip_bound(cx, after).unwrap_or(j),
            }
        }
    };
    cx.fail(
        SyntaxError::Expected {
            expected: "`and` between the two bounds".to_owned(),
            found: describe(j),
            span: cx.token_span(j),
            help: Some(help),
        },
        resume,
    )
}

/// A failed first bound of `between`: when recovery would resume at the `and` (or an
/// `or`, `&&`, `||`) before the second bound, it resumes after that bound instead,
/// which would otherwise be read as the start of a new condition.
#[cold]
#[inline(never)]
fn resume_past_high_bound<'a>(cx: &Cx<'a>, mut e: nom::Err<PErr>) -> nom::Err<PErr> {
    if let nom::Err::Error(PErr::Syntax(f)) | nom::Err::Failure(PErr::Syntax(f)) = &mut e {
        let j = skip_ws(cx.src.get(f.resume..).unwrap_or(""));
        if let Some(rest) = and_op(j)
            .or_else(|| or_op(j))
            .and_then(|after| skip_bound(cx, after))
        {
            f.resume = cx.off(rest);
        }
    }
    e
}

/// The input after a `between` bound at `i`: a value, or a single other token (such as a
/// bare word) that ends the condition. `None` when `i` rather starts a new condition
/// (`b = 1`), which recovery must then parse.
fn skip_bound<'a>(cx: &Cx<'a>, i: &'a str) -> Option<&'a str> {
    if let Ok((rest, _)) = parse_value(cx, i, "and") {
        return Some(rest);
    }
    let i = skip_ws(i);
    let rest = &i[token_len(i)..];
    let next = skip_ws(rest);
    let ends =
        next.is_empty() || next.starts_with(')') || and_op(next).is_some() || or_op(next).is_some();
    ends.then_some(rest)
}

/// `is_test = [ "not" ] ( "empty" | "null" ) ;`
fn parse_is_test<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, PredKind> {
    let j = skip_ws(i);
    let (negated, j) = match word(j, Kw::Not) {
        Some(rest) => (true, skip_ws(rest)),
        None => (false, j),
    };
    match next_keyword(j) {
        Some((Kw::Empty | Kw::Null, rest)) => Ok((rest, PredKind::IsEmpty { negated })),
        _ => cx.fail(
            SyntaxError::Expected {
                expected: if negated {
                    "`empty` or `null`"
                } else {
                    "`empty`, `null` or `not`"
                }
                .to_owned(),
                found: describe(j),
                span: cx.token_span(j),
                help: Some(
                    "`is` only tests emptiness; compare values with `=`, e.g. `status = \"done\"`"
                        .to_owned(),
                ),
            },
            j,
        ),
    }
}

/// `text_test = ( "contains" | "startswith" | "endswith" ) value ;`
fn parse_text_test<'a>(cx: &Cx<'a>, i: &'a str, negated: bool) -> PResult<'a, PredKind> {
    let n = ident_len(i);
    let op = match keyword(&i[..n]) {
        Some(Kw::StartsWith) => TextOp::StartsWith,
        Some(Kw::EndsWith) => TextOp::EndsWith,
        _ => TextOp::Contains,
    };
    let (rest, value) = parse_value(cx, &i[n..], &i[..n])?;
    Ok((rest, PredKind::Text { negated, op, value }))
}

/// `has_test = [ "any" | "all" ] ( value | list ) ;`
///
/// Without a quantifier a list means `all`; a single value is always `all` (for one
/// value `any` and `all` agree), so the tree has one form for it.
fn parse_has_test<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, PredKind> {
    let j = skip_ws(i);
    let (quantifier, j, after) = match next_keyword(j) {
        Some((Kw::Any, rest)) => (Quantifier::Any, skip_ws(rest), "any"),
        Some((Kw::All, rest)) => (Quantifier::All, skip_ws(rest), "all"),
        _ => (Quantifier::All, j, "has"),
    };
    if matches!(j.as_bytes().first(), Some(b'(' | b'[')) {
        let (rest, list) = parse_list(cx, j)?;
        return Ok((
            rest,
            PredKind::Has {
                quantifier,
                values: HasOperand::List(list),
            },
        ));
    }
    let (rest, v): (&str, Literal) = parse_value(cx, j, after)?;
    Ok((
        rest,
        PredKind::Has {
            quantifier: Quantifier::All,
            values: HasOperand::One(v),
        },
    ))
}

/// `field = segment { "." segment } ;`
fn parse_field<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Field> {
    let start = cx.off(i);
    let (mut i, first) = parse_segment(cx, i)?;
    let mut more: Vec<Str> = Vec::new();
    while let Some(rest) = i.strip_prefix('.') {
        let starts_segment = rest.starts_with('`') || ident_len(rest) > 0;
        if !starts_segment {
            break;
        }
        let (rest, seg) = parse_segment(cx, rest)?;
        if more.is_empty() {
            more.reserve_exact(2);
            more.push(first.clone());
        }
        more.push(seg);
        i = rest;
    }
    let path = if more.is_empty() {
        Path::one(first)
    } else {
        Path::from(more)
    };
    let span = Span::new(start, cx.off(i));
    Ok((i, Field { path, span }))
}

/// `segment = ident | quoted_ident ;`
///
/// With `ident = ( letter | "_" ) { letter | digit | "_" } ;` (not a keyword).
fn parse_segment<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Str> {
    let start = cx.off(i);
    if i.starts_with('`') {
        return parse_quoted_ident(cx, i);
    }
    let n = ident_len(i);
    if n == 0 {
        let help = match i.as_bytes().first() {
            Some(b'"' | b'\'') => {
                Some("field names are written bare or in backticks: `my field`".to_owned())
            }
            _ => ascii_hint(i),
        };
        return cx.fail(
            SyntaxError::Expected {
                expected: "a condition".to_owned(),
                found: describe(i),
                span: cx.token_span(i),
                help,
            },
            i,
        );
    }
    let text = &i[..n];
    if let Some(kw) = keyword(text) {
        let after = skip_ws(&i[n..]);
        let op_follows = starts_comparison(after)
            || matches!(
                next_keyword(after),
                Some((Kw::In | Kw::Between | Kw::Is | Kw::Contains | Kw::Has, _))
            );
        if matches!(kw, Kw::And | Kw::Or) && !op_follows {
            // Most likely a doubled or dangling operator: resume at it.
            return cx.fail(
                SyntaxError::Expected {
                    expected: "a condition".to_owned(),
                    found: describe(i),
                    span: Span::new(start, start + n),
                    help: None,
                },
                i,
            );
        }
        return keyword_as_field(cx, i, &i[n..]);
    }
    Ok((&i[n..], cx.text(start, start + n)))
}

/// ```text
/// quoted_ident = "`" ( quoted_char | "``" ) { quoted_char | "``" } "`" ;
/// ```
///
/// A doubled backtick inside stands for one backtick, `\u{X..}` for one character.
fn parse_quoted_ident<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Str> {
    let start = cx.off(i);
    let b = i.as_bytes();
    let mut escaped = false;
    let mut p = 1;
    while let Some(&c) = b.get(p) {
        if c == b'\\' && b.get(p + 1) == Some(&b'u') && b.get(p + 2) == Some(&b'{') {
            let (ch, len) = super::literal::unicode_escape(&b[p..]);
            if ch.is_none() {
                let after = &i[p + len..];
                let resume = after.find('`').map_or("", |n| &after[n + 1..]);
                return cx.fail(
                    SyntaxError::InvalidFieldEscape {
                        escape: format!("`{}`", &i[p..p + len]),
                        span: Span::new(start + p, start + p + len),
                    },
                    resume,
                );
            }
            escaped = true;
            p += len;
            continue;
        }
        if c == b'`' {
            if b.get(p + 1) == Some(&b'`') {
                escaped = true;
                p += 2;
                continue;
            }
            let rest = &i[p + 1..];
            if p == 1 {
                return cx.fail(
                    SyntaxError::EmptyField {
                        span: Span::new(start, start + p + 1),
                    },
                    rest,
                );
            }
            let name = if escaped {
                Str::from(super::lexer::unquote_ident(&i[1..p]))
            } else {
                cx.text(start + 1, start + p)
            };
            return Ok((rest, name));
        }
        p += 1;
    }
    cx.fail(
        SyntaxError::UnclosedField {
            span: Span::new(start, start + 1),
        },
        "",
    )
}
