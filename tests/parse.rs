//! Parser tests: fixture snapshots (`tests/fixtures/parse/{ok,err}/*.fq`), the examples of
//! `grammar/README.md`, recovery, spans, limits and the JSON form of a diagnostic.

use filterql::syntax::ast::{CmpOp, Expr, PredKind, Value};
use filterql::syntax::{is_keyword, parse, MAX_DEPTH, MAX_INPUT_BYTES};
use std::path::Path;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn codes(text: &str) -> Vec<String> {
    let diags = parse(text).expect_err("query should be rejected");
    diags
        .iter()
        .map(|e| {
            miette::Diagnostic::code(e)
                .map(|c| c.to_string())
                .unwrap_or_default()
        })
        .collect()
}

/// Every `ok/` case parses; the snapshot holds the canonical text and the tree with
/// spans, and the canonical text parses back to the same tree.
#[test]
fn ok_fixtures() {
    insta::glob!("fixtures/parse/ok/*.fq", |path| {
        let text = read(path);
        let ast = match parse(&text) {
            Ok(ast) => ast,
            Err(d) => panic!("{} failed:\n{}", path.display(), d.render(80, false)),
        };
        let canonical = ast.to_string();
        let again = parse(&canonical)
            .unwrap_or_else(|d| panic!("canonical text fails: {}", d.render(80, false)));
        assert_eq!(again, ast, "round trip of {canonical}");
        assert_eq!(
            again.to_string(),
            canonical,
            "canonical text is a fixed point"
        );
        insta::assert_snapshot!(format!("{canonical}\n\n{ast:#?}"));
    });
}

/// Every `err/` case fails; the snapshot holds the rendered diagnostics.
#[test]
fn err_fixtures() {
    insta::glob!("fixtures/parse/err/*.fq", |path| {
        let text = read(path);
        let diags = match parse(&text) {
            Ok(ast) => panic!("{} parsed as {ast}", path.display()),
            Err(d) => d,
        };
        assert!(diags.has_errors());
        for item in diags.iter() {
            let labels: Vec<_> = miette::Diagnostic::labels(item)
                .map(Iterator::collect)
                .unwrap_or_default();
            assert_eq!(labels.len(), 1, "one label per diagnostic: {item:?}");
            let code = miette::Diagnostic::code(item).map(|c| c.to_string());
            assert!(
                code.is_some_and(|c| c.starts_with("filterql::syntax::")),
                "{item:?}"
            );
        }
        insta::assert_snapshot!(diags.render(80, false));
    });
}

/// The fixture directories hold what the globs above expect (a typo in a glob would
/// silently test nothing).
#[test]
fn fixture_directories_are_populated() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parse");
    for (dir, min) in [("ok", 25), ("err", 35)] {
        let n = std::fs::read_dir(base.join(dir))
            .expect("fixture dir")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "fq"))
            })
            .count();
        assert!(n >= min, "{dir}: only {n} cases");
    }
}

/// Every ```fq block of grammar/README.md is a query that parses and round-trips.
#[test]
fn readme_examples_parse() {
    let readme = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/README.md"));
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```fq") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(buf), l) => {
                buf.push_str(l);
                buf.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "unterminated ```fq block");
    assert!(blocks.len() >= 10, "found only {} examples", blocks.len());
    for q in blocks {
        let ast = parse(&q).unwrap_or_else(|d| panic!("{q}\n{}", d.render(80, false)));
        assert_eq!(parse(&ast.to_string()).ok(), Some(ast), "{q}");
    }
}

#[test]
fn issue_examples() {
    let q = "createTime >= 2022-01-01 and phone verified";
    assert_eq!(parse(q).expect("parses").to_string(), q);

    let q = "a = 1 or b = 2 and not (c in (1,2,3))";
    let ast = parse(q).expect("parses");
    let printed = ast.to_string();
    assert_eq!(printed, "a = 1 or b = 2 and not c in (1, 2, 3)");
    assert_eq!(parse(&printed).expect("reparses"), ast);
}

/// `and` binds tighter than `or`, `not` tighter than `and`.
#[test]
fn precedence_shapes_the_tree() {
    let ast = parse("not a = 1 and b = 2 or c = 3").expect("parses");
    let Expr::Or(ors, _) = &ast else {
        panic!("expected or at the top: {ast:?}")
    };
    assert_eq!(ors.len(), 2);
    let Expr::And(ands, _) = &ors[0] else {
        panic!("expected and under or: {ast:?}")
    };
    assert!(matches!(ands[0], Expr::Not(..)));
    assert!(matches!(ands[1], Expr::Pred(_)));
}

#[test]
fn equality_ignores_spans_and_spelling() {
    let a = parse("a == 1 AND b <> 'x'").expect("parses");
    let b = parse("  a=1 and\n b != \"x\" # c").expect("parses");
    assert_eq!(a, b);
    assert_ne!(a, parse("a = 1 and b != \"y\"").expect("parses"));
}

/// Spans cover exactly the text they describe.
#[test]
fn spans_point_into_the_text() {
    let text = "  手机 = \"139\" and items.`unit price` between 1 and 2.5";
    let ast = parse(text).expect("parses");
    let Expr::And(items, span) = &ast else {
        panic!("{ast:?}")
    };
    assert_eq!(&text[span.start..span.end], text.trim());
    let Expr::Pred(p) = &items[0] else { panic!() };
    assert_eq!(&text[p.field.span.start..p.field.span.end], "手机");
    assert_eq!(&text[p.span.start..p.span.end], "手机 = \"139\"");
    let PredKind::Compare { op, value } = &p.kind else {
        panic!()
    };
    assert_eq!(*op, CmpOp::Eq);
    assert_eq!(&text[value.span.start..value.span.end], "\"139\"");
    let Expr::Pred(p) = &items[1] else { panic!() };
    assert_eq!(
        &text[p.field.span.start..p.field.span.end],
        "items.`unit price`"
    );
    assert_eq!(p.field.path, ["items", "unit price"]);
    let PredKind::Between { high, .. } = &p.kind else {
        panic!()
    };
    assert_eq!(&text[high.span.start..high.span.end], "2.5");
    assert_eq!(high.value, Value::Number(2.5));
}

/// The issue's bad query yields at least two labelled diagnostics.
#[test]
fn recovery_reports_independent_errors() {
    let text = "a = and (b > 1";
    let diags = parse(text).expect_err("rejected");
    assert!(diags.len() >= 2, "{}", diags.render(80, false));
    let spans: Vec<_> = diags.iter().map(label_span).collect();
    assert_eq!(spans[0], (4, 7), "first label on `and`");
    assert_eq!(spans[1], (8, 9), "second label on the unclosed `(`");

    assert_eq!(
        codes("a = and b : 1 or c in () or d = \"x\\q\""),
        [
            "filterql::syntax::missing_value",
            "filterql::syntax::colon_operator",
            "filterql::syntax::empty_list",
            "filterql::syntax::invalid_escape",
        ]
    );
}

/// One mistake gives one diagnostic, not a cascade.
#[test]
fn one_mistake_one_diagnostic() {
    for text in [
        "a = \"abc and b = 2",
        "(a = 1 or b = 2",
        "a = 1 and",
        "and = 3",
        "a in (1 2) and b = 2",
        "a in (1, and b = 2",
        "a = 1 and or b = 2",
        "`x = 1",
        "a between 1 5",
        "a = 1)",
        "(a = 1 or b = )",
        "a = 1 & b = 2",
        "x = 2022-13-01 and y = 1",
        "qty between 1 or 2",
        "qty between and 2",
        "qty between 1 && 2 and b = 1",
        "qty between 1, 2 or b = 1",
        "qty between x and 2",
        "qty between and",
        "(qty not between and 2) or b = 1",
        "d = 2022-01-01 10:00",
        "d = 2022-01-01 9:30:15+08:00 and b = 1",
    ] {
        let diags = parse(text).expect_err(text);
        assert_eq!(diags.len(), 1, "{text}\n{}", diags.render(80, false));
    }
    // Recovery after a bad `between` still checks the conditions that follow it.
    for text in [
        "qty between 1 or b : 2",
        "qty between and b : 2",
        "qty between 1 2 and b : 2",
    ] {
        let diags = parse(text).expect_err(text);
        assert_eq!(diags.len(), 2, "{text}\n{}", diags.render(80, false));
    }
}

fn label_span(e: &filterql::Error) -> (usize, usize) {
    let l = miette::Diagnostic::labels(e)
        .and_then(|mut l| l.next())
        .expect("a label");
    (l.offset(), l.offset() + l.len())
}

#[test]
fn keywords_are_case_insensitive_and_reserved() {
    for k in ["and", "OR", "Not", "between", "StartsWith", "TODAY", "null"] {
        assert!(is_keyword(k), "{k}");
    }
    for k in ["andx", "name", "手机", "", "a"] {
        assert!(!is_keyword(k), "{k}");
    }
    assert_eq!(codes("Between = 1"), ["filterql::syntax::keyword_as_field"]);
    assert!(parse("`Between` = 1").is_ok());
}

/// Literal edge cases that the fixtures do not pin by value.
#[test]
fn literal_values() {
    let value = |q: &str| match &parse(q).expect(q) {
        Expr::Pred(p) => match &p.kind {
            PredKind::Compare { value, .. } => value.value.clone(),
            k => panic!("{k:?}"),
        },
        e => panic!("{e:?}"),
    };
    assert_eq!(value("a = -0.5e1"), Value::Number(-5.0));
    assert_eq!(value("a = 1.7976931348623157e308"), Value::Number(f64::MAX));
    assert_eq!(
        value(r#"a = "\u{1F600}\u{41}\'""#),
        Value::String("😀A'".into())
    );
    assert_eq!(value("a = 'a\nb'"), Value::String("a\nb".into()));
    let Value::Relative(r) = value("a > now - 9223372036854775808m") else {
        panic!()
    };
    assert_eq!(r.amount, i64::MIN);
    assert_eq!(
        codes("a > now + 9223372036854775808m"),
        ["filterql::syntax::relative_out_of_range"]
    );
    let Value::DateTime(dt) = value("a = 2024-02-29T08:30-01:30") else {
        panic!()
    };
    assert_eq!(dt.offset, Some(-5400));
    assert_eq!(dt.local.to_string(), "2024-02-29 08:30:00");
    assert_eq!(codes("a = 2023-02-29"), ["filterql::syntax::invalid_date"]);
    assert_eq!(
        codes("a = 2023-01-01T10:60"),
        ["filterql::syntax::invalid_date"]
    );
    assert_eq!(
        codes("a = 1e309"),
        ["filterql::syntax::number_out_of_range"]
    );
    assert_eq!(
        codes("a = -1e309"),
        ["filterql::syntax::number_out_of_range"]
    );
}

/// Runs `f` on a thread with a small stack: if the parser (or dropping its tree)
/// recursed once per nesting level, 100,000 levels would overflow it.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no stack overflow or panic")
}

#[test]
fn deep_parentheses_are_rejected() {
    let codes = on_small_stack(|| {
        let text = format!("{}a = 1{}", "(".repeat(100_000), ")".repeat(100_000));
        codes(&text)
    });
    assert_eq!(codes, ["filterql::syntax::too_deep"]);
}

#[test]
fn deep_not_is_rejected() {
    let codes = on_small_stack(|| {
        let text = format!("{}a = 1", "not ".repeat(100_000));
        let bangs = format!("{}a = 1", "!".repeat(100_000));
        (codes(&text), self::codes(&bangs))
    });
    assert_eq!(codes.0, ["filterql::syntax::too_deep"]);
    assert_eq!(codes.1, ["filterql::syntax::too_deep"]);
}

/// Exactly `MAX_DEPTH` levels are allowed, one more is not; the label is on the first
/// token beyond the limit.
#[test]
fn depth_limit_is_exact() {
    let (ok, err) = on_small_stack(|| {
        let nest = |n: usize| format!("{}a = 1{}", "(not ".repeat(n / 2), ")".repeat(n / 2));
        let ok = parse(&nest(MAX_DEPTH)).map(|e| e.to_string());
        let err = parse(&nest(MAX_DEPTH + 2)).map(|e| e.to_string());
        (
            ok.is_ok(),
            err.map_err(|d| d.iter().map(label_span).collect::<Vec<_>>()),
        )
    });
    assert!(ok);
    let beyond = "(not ".len() * (MAX_DEPTH / 2);
    assert_eq!(err, Err(vec![(beyond, beyond + 1)]));
}

/// A long flat query is fine (no recursion per operand), and its tree drops.
#[test]
fn long_chains_and_lists_parse() {
    let text = vec!["a = 1"; 50_000].join(" and ");
    let Expr::And(items, _) = &parse(&text).expect("parses") else {
        panic!()
    };
    assert_eq!(items.len(), 50_000);
    let list: Vec<String> = (0..10_000).map(|n| n.to_string()).collect();
    let text = format!("a in ({})", list.join(", "));
    let ast = parse(&text).expect("parses");
    assert_eq!(ast.to_string(), text);
}

#[test]
fn size_limit() {
    let big = format!("a in ({})", vec!["12345678"; 1_200_000].join(","));
    assert!(big.len() > 10_000_000);
    let diags = parse(&big).expect_err("too large");
    assert_eq!(diags.len(), 1);
    let code = miette::Diagnostic::code(diags.get(0).unwrap()).map(|c| c.to_string());
    assert_eq!(code.as_deref(), Some("filterql::syntax::too_large"));
    // The report quotes only the start of the query.
    assert!(diags.render(80, false).len() < 2_000);

    let at_limit = format!("a = 1{}", " ".repeat(MAX_INPUT_BYTES - 5));
    assert_eq!(at_limit.len(), MAX_INPUT_BYTES);
    assert!(parse(&at_limit).is_ok());
    assert_eq!(
        codes(&format!("{at_limit} ")),
        ["filterql::syntax::too_large"]
    );
}

#[test]
fn diagnostics_as_json() {
    let diags = parse("手机 : 1").expect_err("rejected");
    let json = serde_json::to_value(diags.to_json()).expect("serializes");
    assert_eq!(
        json,
        serde_json::json!([{
            "severity": "error",
            "code": "filterql::syntax::colon_operator",
            "message": "expected a comparison operator, found `:`",
            "help": "write `=` to compare a field with a value, e.g. `status = \"done\"`",
            "labels": [{
                "start": 7,
                "end": 8,
                "start_char": 3,
                "end_char": 4,
                "start_utf16": 3,
                "end_utf16": 4,
                "line": 1,
                "column": 4,
                "end_line": 1,
                "end_column": 5,
                "label": "`:` is not an operator",
                "primary": true
            }]
        }])
    );
}

/// A long run of mistakes is reported up to a cap, quickly, not once per mistake.
#[test]
fn diagnostics_are_capped() {
    let text = "a = and ".repeat(20_000);
    let diags = parse(&text).expect_err("rejected");
    assert_eq!(diags.len(), 32);
    assert!(diags.iter().all(|e| {
        miette::Diagnostic::code(e)
            .is_some_and(|c| c.to_string() == "filterql::syntax::missing_value")
    }));
}

/// The number of `k = <text>`, or the diagnostic codes.
fn number_of(text: &str) -> Result<f64, Vec<String>> {
    let q = format!("k = {text}");
    match &parse(&q) {
        Ok(Expr::Pred(p)) => match &p.kind {
            PredKind::Compare {
                value:
                    filterql::syntax::ast::Literal {
                        value: Value::Number(n),
                        ..
                    },
                ..
            } => Ok(*n),
            other => panic!("{q}: {other:?}"),
        },
        Ok(other) => panic!("{q}: {other:?}"),
        Err(_) => Err(codes(&q)),
    }
}

proptest::proptest! {
    /// Every number the parser accepts prints (canonical form) as text that parses back
    /// to the same number: integers beyond 2^53 print their exact digits, which the
    /// inexact-integer rule requires.
    #[test]
    fn numbers_print_back_exactly(bits in proptest::prelude::any::<u64>()) {
        let x = f64::from_bits(bits);
        proptest::prop_assume!(x.is_finite() && (x == 0.0 || x.abs() >= f64::MIN_POSITIVE));
        let expr = parse(&format!("k = {x:e}")).expect("a normal double's exponent form parses");
        let text = expr.to_string();
        let back = number_of(text.trim_start_matches("k = "));
        proptest::prop_assert_eq!(back.map(f64::to_bits), Ok(x.to_bits() & !(u64::from(x == 0.0) << 63)), "{}", text);
    }
}

/// Integer literals beyond 2^53 that no double holds are refused; fractions and
/// exponent forms mean the nearest double; underflow is out of range like overflow.
#[test]
fn number_literal_rules() {
    let inexact = || Err(vec!["filterql::syntax::inexact_number".to_owned()]);
    let range = || Err(vec!["filterql::syntax::number_out_of_range".to_owned()]);
    assert_eq!(number_of("9007199254740992"), Ok(9_007_199_254_740_992.0));
    assert_eq!(number_of("9007199254740993"), inexact());
    assert_eq!(number_of("-9007199254740993"), inexact());
    assert_eq!(
        number_of("00009007199254740994"),
        Ok(9_007_199_254_740_994.0)
    );
    assert_eq!(number_of("1152921504606846976"), Ok(2f64.powi(60)));
    assert_eq!(number_of("1152921504606847000"), inexact());
    assert_eq!(number_of("9007199254740993.5"), Ok(9_007_199_254_740_994.0));
    assert_eq!(
        number_of("9.007199254740993e15"),
        Ok(9_007_199_254_740_992.0)
    );
    assert_eq!(number_of("1e-400"), range());
    assert_eq!(number_of("1e-310"), range());
    assert_eq!(number_of("-1e-320"), range());
    assert_eq!(number_of("1e999"), range());
    assert_eq!(number_of("0e-999"), Ok(0.0));
    assert_eq!(number_of("2.2250738585072014e-308"), Ok(f64::MIN_POSITIVE));
    assert_eq!(
        codes("due = 10000-01-01"),
        vec!["filterql::syntax::invalid_date".to_owned()]
    );
}
