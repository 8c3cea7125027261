//! `parse(ast.to_string()) == ast` for generated trees, and the parser never panics on
//! arbitrary or mutated text.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use filterql::span::Span;
use filterql::syntax::ast::{
    CmpOp, DateTimeLit, Expr, Field, HasOperand, List, Literal, Period, PredKind, Predicate,
    Quantifier, RelBase, RelUnit, Relative, TextOp, Value,
};
use filterql::syntax::parse;
use proptest::prelude::*;

fn lit(value: Value) -> Literal {
    Literal {
        value,
        span: Span::default(),
    }
}

/// Field segments: plain identifiers, Chinese labels, keywords, and names that need
/// backticks (spaces, backticks, dots, digits first, control characters).
fn arb_segment() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z_][a-zA-Z0-9_]{0,8}",
        "[手机金额客户名称]{1,4}",
        prop::sample::select(vec!["and", "OR", "not", "in", "today", "Has", "null"])
            .prop_map(str::to_owned),
        // Period words are values only: as field names they stay bare.
        prop::sample::select(vec![
            "last",
            "This",
            "next",
            "yesterday",
            "tomorrow",
            "week",
            "本月",
            "本月销量",
            "去年",
            "今天",
        ])
        .prop_map(str::to_owned),
        "[ -~]{1,6}",
        any::<String>().prop_filter("non-empty", |s| !s.is_empty()),
    ]
}

fn arb_field() -> impl Strategy<Value = Field> {
    prop::collection::vec(arb_segment(), 1..=3).prop_map(|path| Field {
        path: path.into(),
        span: Span::default(),
    })
}

fn arb_datetime() -> impl Strategy<Value = NaiveDateTime> {
    (
        0i32..=9999,
        1u32..=12,
        1u32..=31,
        0u32..24,
        0u32..60,
        0u32..60,
        prop_oneof![Just(0u32), 0u32..1000, 0u32..1_000_000_000],
    )
        .prop_filter_map("real day", |(y, mo, d, h, mi, s, n)| {
            let date = NaiveDate::from_ymd_opt(y, mo, d)?;
            let nano = if n < 1000 { n * 1_000_000 } else { n };
            Some(NaiveDateTime::new(
                date,
                NaiveTime::from_hms_nano_opt(h, mi, s, nano)?,
            ))
        })
}

fn arb_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<String>().prop_map(|s| Value::String(s.into())),
        "[a-z\"'\\\\\n\t\r\u{0}-\u{1f}\u{7f}-\u{9f}]{0,8}".prop_map(|s| Value::String(s.into())),
        // The literals the parser accepts: 0 and normal doubles (subnormals are out of
        // range).
        any::<f64>()
            .prop_filter("0 or normal", |f| f.is_finite()
                && (*f == 0.0 || f.abs() >= f64::MIN_POSITIVE))
            .prop_map(Value::Number),
        (-1000i64..1000).prop_map(|n| Value::Number(n as f64)),
        arb_datetime().prop_map(|dt| Value::Date(dt.date())),
        (
            arb_datetime(),
            prop::option::of((-1439i32..=1439).prop_map(|m| m * 60))
        )
            .prop_map(|(local, offset)| Value::DateTime(DateTimeLit { local, offset })),
        any::<bool>().prop_map(Value::Bool),
        (
            prop_oneof![Just(RelBase::Now), Just(RelBase::Today)],
            prop_oneof![Just(0i64), -100i64..100, any::<i64>()],
            prop_oneof![
                Just(RelUnit::Minute),
                Just(RelUnit::Hour),
                Just(RelUnit::Day),
                Just(RelUnit::Week),
                Just(RelUnit::Month),
                Just(RelUnit::Quarter),
                Just(RelUnit::Year),
            ],
        )
            .prop_map(|(base, amount, unit)| Value::Relative(Relative {
                base,
                amount,
                unit
            })),
        prop::sample::select(Period::NAMES.to_vec()).prop_map(|(_, p)| Value::Period(p)),
    ]
}

fn arb_literal() -> impl Strategy<Value = Literal> {
    arb_value().prop_map(lit)
}

fn arb_list() -> impl Strategy<Value = List> {
    prop::collection::vec(arb_literal(), 1..4).prop_map(|items| List {
        items,
        span: Span::default(),
    })
}

fn arb_kind() -> impl Strategy<Value = PredKind> {
    let cmp = prop_oneof![
        Just(CmpOp::Eq),
        Just(CmpOp::Ne),
        Just(CmpOp::Lt),
        Just(CmpOp::Le),
        Just(CmpOp::Gt),
        Just(CmpOp::Ge)
    ];
    let text = prop_oneof![
        Just(TextOp::Contains),
        Just(TextOp::StartsWith),
        Just(TextOp::EndsWith)
    ];
    let quantifier = prop_oneof![Just(Quantifier::Any), Just(Quantifier::All)];
    prop_oneof![
        (cmp, arb_literal()).prop_map(|(op, value)| PredKind::Compare { op, value }),
        (any::<bool>(), arb_list()).prop_map(|(negated, list)| PredKind::In { negated, list }),
        (any::<bool>(), arb_literal(), arb_literal()).prop_map(|(negated, low, high)| {
            PredKind::Between {
                negated,
                low: Box::new(low),
                high: Box::new(high),
            }
        }),
        any::<bool>().prop_map(|negated| PredKind::IsEmpty { negated }),
        any::<bool>().prop_map(|verified| PredKind::Phone { verified }),
        (any::<bool>(), text, arb_literal()).prop_map(|(negated, op, value)| PredKind::Text {
            negated,
            op,
            value
        }),
        arb_literal().prop_map(|v| PredKind::Has {
            quantifier: Quantifier::All,
            values: HasOperand::One(v)
        }),
        (quantifier, arb_list()).prop_map(|(quantifier, l)| PredKind::Has {
            quantifier,
            values: HasOperand::List(l)
        }),
    ]
}

fn arb_pred() -> impl Strategy<Value = Expr> {
    (arb_field(), arb_kind()).prop_map(|(field, kind)| {
        Expr::Pred(Predicate {
            field,
            kind,
            span: Span::default(),
        })
    })
}

/// Trees of the shapes the parser builds: `and`/`or` chains of two or more operands.
fn arb_expr() -> impl Strategy<Value = Expr> {
    arb_pred().prop_recursive(6, 48, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| Expr::Or(v, Span::default())),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| Expr::And(v, Span::default())),
            inner.prop_map(|e| Expr::Not(Box::new(e), Span::default())),
        ]
    })
}

proptest! {
    #[test]
    fn display_parses_back_to_the_same_tree(ast in arb_expr()) {
        let text = ast.to_string();
        match parse(&text) {
            Ok(back) => {
                prop_assert_eq!(&back, &ast, "text: {}", text);
                prop_assert_eq!(back.to_string(), text);
            }
            Err(d) => prop_assert!(false, "{}\n{}", text, d.render(80, false)),
        }
    }

    /// Arbitrary text: an answer, never a panic; an error always has a diagnostic.
    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        if let Err(d) = parse(&text) {
            prop_assert!(d.has_errors());
        }
    }

    /// Canonical text with a piece cut out or a token inserted: mostly wrong, never a
    /// panic, and every diagnostic has a label inside the text.
    #[test]
    fn mutated_queries_never_panic(
        ast in arb_expr(),
        cut in any::<prop::sample::Index>(),
        len in 0usize..6,
        insert in prop::sample::select(vec![
            "", "(", ")", "\"", "'", "`", "and", "or", "not", "=", ":", "&", "|", ",", "#",
            "\\", "1e999", "2022-02-30", "now -", "in (", "[", "]", "!", "\u{3000}", "手",
            "last", "month", "本月", "- 1mo", "+", "q", "y",
        ]),
    ) {
        let text = ast.to_string();
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + len).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let mutated = format!("{}{}{}", &text[..at], insert, &text[end..]);
        if let Err(d) = parse(&mutated) {
            prop_assert!(!d.is_empty());
            for j in d.to_json() {
                for l in j.labels {
                    prop_assert!(l.start <= l.end && l.end <= mutated.len(), "{:?}", l);
                    prop_assert!(mutated.is_char_boundary(l.start) && mutated.is_char_boundary(l.end));
                }
            }
            let _ = d.render(80, false);
        }
    }
}

#[test]
fn numbers_print_in_exponent_form_only_when_plain_digits_would_run_long() {
    for (query, canonical) in [
        ("a = 1e308", "a = 1e308"),
        ("a = -1.5E-7", "a = -1.5e-7"),
        ("a = 1e21", "a = 1e21"),
        // Integers from 2^53 up print their exact digits, which an integer literal
        // there must have.
        ("a = 9.999999999999999e20", "a = 999999999999999868928"),
        ("a = 9007199254740994", "a = 9007199254740994"),
        ("a = 0.000001", "a = 0.000001"),
        ("a = 1e3", "a = 1000"),
        ("a = 0.0", "a = 0"),
    ] {
        let printed = parse(query).unwrap().to_string();
        assert_eq!(printed, canonical, "{query}");
        assert_eq!(parse(&printed).unwrap(), parse(query).unwrap(), "{query}");
    }
}

#[test]
fn periods_print_by_their_english_names() {
    for (query, canonical) in [
        ("a = 本月", "a = this month"),
        ("a = LAST   Quarter", "a = last quarter"),
        (
            "a in (昨天, 今天, 明天)",
            "a in (yesterday, today, tomorrow)",
        ),
        (
            "a between 上周 and 下周",
            "a between last week and next week",
        ),
        ("a >= 去年 and b < 明年", "a >= last year and b < next year"),
        ("a = 今天 - 1mo", "a = today - 1mo"),
        ("a = today + 0d", "a = today + 0d"),
        ("a = now + 0m", "a = now + 0m"),
        ("a = now+0d", "a = now"),
        (
            "a > now - 2q and b < today + 1y",
            "a > now - 2q and b < today + 1y",
        ),
        (
            "本月 = 1 and last = 2 and 本月销量 > 3",
            "本月 = 1 and last = 2 and 本月销量 > 3",
        ),
    ] {
        let printed = parse(query).unwrap().to_string();
        assert_eq!(printed, canonical, "{query}");
        assert_eq!(parse(&printed).unwrap(), parse(query).unwrap(), "{query}");
    }
    // Every name, English or Chinese, reads as its period.
    for (name, period) in Period::NAMES {
        let e = parse(&format!("a = {name}")).unwrap();
        let Expr::Pred(Predicate {
            kind: PredKind::Compare { value, .. },
            ..
        }) = &e
        else {
            panic!("{name}")
        };
        assert_eq!(value.value, Value::Period(period), "{name}");
        assert_eq!(value.to_string(), period.name());
    }
}
