//! `unparse::to_ast` writes query text that the parser and checker read back into a
//! predicate meaning the same, on generated predicates × generated records.

mod support;

use chrono::DateTime;
use filterql::eval::matches;
use filterql::ir::Pred;
use filterql::normalize::normalize;
use filterql::unparse::{to_ast, Constant};
use filterql::{compile, syntax, Options, Schema};
use proptest::prelude::*;
use support::*;

fn options() -> Options {
    Options::at(DateTime::parse_from_rfc3339("2022-06-15T12:00:00+08:00").unwrap())
}

fn loaded_schema() -> Schema {
    Schema::from_json(SCHEMA_JSON).expect("the test schema loads")
}

/// The hand-built schema of `support` and the loader agree on every field's name, type,
/// label, options and children, so tests built on either mean the same thing.
#[test]
fn support_schema_matches_the_loader() {
    let loaded = loaded_schema();
    let sig = |s: &Schema| {
        let mut v: Vec<_> = s
            .fields()
            .iter()
            .map(|f| {
                let kids: Vec<_> = f
                    .fields
                    .iter()
                    .map(|c| (c.name.clone(), c.ty, c.label.clone(), c.options.clone()))
                    .collect();
                (
                    f.name.clone(),
                    f.ty,
                    f.label.clone(),
                    f.options.clone(),
                    kids,
                )
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    let mine = sig(&schema());
    let theirs = sig(&loaded);
    for f in &mine {
        let other = theirs.iter().find(|g| g.0 == f.0);
        let other = other.unwrap_or_else(|| panic!("loader lacks field {}", f.0));
        // System fields may carry labels the loader chooses; compare the rest.
        if schema().fields().iter().any(|g| g.name == f.0 && g.system) {
            assert_eq!(f.1, other.1, "{}", f.0);
        } else {
            assert_eq!(f, other);
        }
    }
    assert_eq!(loaded.timezone, tz());
}

/// Every path of the support schema resolves, through the checker, to the same
/// `FieldRef` that `support::field_ref` builds (name, subform, type, column).
#[test]
fn field_refs_match_the_checker() {
    let schema = loaded_schema();
    for path in field_paths() {
        let q = compile(&format!("{path} is empty"), &schema, &options())
            .unwrap_or_else(|d| panic!("{path}: {}", d.render(80, false)));
        let Pred::Leaf(l) = q.pred() else {
            panic!("{path}: {:?}", q.pred())
        };
        let mine = field_ref(&path);
        assert_eq!(
            (&l.field.name, &l.field.subform, l.field.ty, &l.field.column),
            (&mine.name, &mine.subform, mine.ty, &mine.column),
            "{path}"
        );
    }
}

proptest! {
    /// Text → parse → check gives back a predicate with the same meaning, for checker-
    /// shaped trees and for their normal forms (what pushdown residuals are).
    #[test]
    fn unparsed_text_compiles_to_the_same_meaning(p in arb_pred(), rs in arb_messy_records()) {
        let schema = loaded_schema();
        for p in [p.clone(), normalize(p)] {
            let text = match to_ast(&p, tz()) {
                Ok(e) => e.to_string(),
                // Constant (e.g. built from an empty range): no text, but it must be the
                // right constant.
                Err(c) => {
                    for r in &rs {
                        prop_assert_eq!(matches(&p, r), c == Constant::True);
                    }
                    continue;
                }
            };
            let q = match compile(&text, &schema, &options()) {
                Ok(q) => q,
                Err(d) => {
                    return Err(TestCaseError::fail(format!("{text}\n{}", d.render(80, false))))
                }
            };
            for r in &rs {
                prop_assert_eq!(matches(&p, r), matches(q.pred(), r), "text {}\nrecord {}", text, r);
            }
        }
    }

    /// The printed text is canonical: it parses back to the same tree.
    #[test]
    fn unparsed_tree_prints_canonically(p in arb_pred_with_constants()) {
        if let Ok(e) = to_ast(&p, tz()) {
            let text = e.to_string();
            let back = syntax::parse(&text);
            prop_assert!(back.is_ok(), "{}", text);
            prop_assert_eq!(back.ok(), Some(e));
        }
    }

    /// The direct writer prints exactly the tree's canonical text, and folds the same
    /// constants.
    #[test]
    fn write_text_is_the_tree_printed(p in arb_pred_with_constants()) {
        for p in [p.clone(), normalize(p), Pred::Not(Box::new(Pred::Not(Box::new(Pred::And(vec![Pred::True]))))) ] {
            let mut out = String::from("x");
            let direct = filterql::unparse::write_text(&p, tz(), &mut out).map(|()| out[1..].to_owned());
            prop_assert_eq!(&direct, &to_ast(&p, tz()).map(|e| e.to_string()), "{:?}", p);
            if direct.is_err() {
                prop_assert_eq!(out, "x", "nothing is left written on a constant");
            }
        }
    }

    /// The direct writer's plain fast path agrees with the tree on any name, text and
    /// number (keywords, escapes, non-ASCII, signs, exponents).
    #[test]
    fn write_text_fast_path_on_any_operand(
        name in prop_oneof![
            "[a-zA-Z_][a-zA-Z0-9_]{0,6}",
            Just("and".to_owned()), Just("In".to_owned()), Just("数量".to_owned()),
            Just("a b".to_owned()), Just("1a".to_owned()), Just("é".to_owned()),
        ],
        text in prop_oneof![any::<String>(), "[a-z\"\\ 中é\u{202e}\u{1b}]{0,5}"],
        n in prop_oneof![any::<f64>().prop_filter("finite", |n| n.is_finite()), Just(-0.0), Just(1e15), Just(-7.0)],
        negated in any::<bool>(),
        which in 0..5u8,
    ) {
        use filterql::ir::{Bound, Range, Scalar, Test};
        use filterql::syntax::ast::TextOp;
        use filterql::{FieldType, Span};
        let ty = if which == 1 { FieldType::Number } else { FieldType::Text };
        let field = support::top_field(&name, ty);
        let test = match which {
            0 => Test::Eq(Scalar::Text(text.as_str().into())),
            1 => Test::Range(Range { lo: Some(Bound { value: Scalar::Number(n), inclusive: negated }), hi: None }),
            2 => Test::In(vec![Scalar::Text(text.as_str().into()), Scalar::Number(n)]),
            3 if !text.is_empty() => Test::Text(TextOp::EndsWith, text.as_str().into()),
            _ => Test::Empty,
        };
        let p = Pred::leaf(field, test, negated, Span::default());
        let mut out = String::new();
        let direct = filterql::unparse::write_text(&p, tz(), &mut out).map(|()| out);
        prop_assert_eq!(direct, to_ast(&p, tz()).map(|e| e.to_string()));
    }

    /// A constant is reported exactly when the predicate is constant on the records.
    #[test]
    fn constants_are_the_right_constants(p in arb_pred_with_constants(), rs in arb_messy_records()) {
        match to_ast(&p, tz()) {
            Err(Constant::True) => for r in &rs { prop_assert!(matches(&p, r)) },
            Err(Constant::False) => for r in &rs { prop_assert!(!matches(&p, r)) },
            Ok(_) => {}
        }
    }
}
