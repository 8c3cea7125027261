//! `normalize` keeps meaning, is idempotent and produces the documented normal form.

mod support;

use filterql::eval::matches;
use filterql::ir::{Pred, Test};
use filterql::normalize::normalize;
use proptest::prelude::*;
use support::*;

/// Checks the normal form; returns a description of the first violation.
fn check_form(p: &Pred, top: bool) -> Result<(), String> {
    match p {
        Pred::True | Pred::False if top => Ok(()),
        Pred::True | Pred::False => Err(format!("constant inside a tree: {p:?}")),
        Pred::Not(_) => Err(format!("Not left: {p:?}")),
        Pred::And(ps) | Pred::Or(ps) => {
            if ps.len() < 2 {
                return Err(format!("fewer than two operands: {p:?}"));
            }
            for (i, q) in ps.iter().enumerate() {
                let same = matches!(
                    (p, q),
                    (Pred::And(_), Pred::And(_)) | (Pred::Or(_), Pred::Or(_))
                );
                if same {
                    return Err(format!("nested same-kind operand: {p:?}"));
                }
                if ps[..i].contains(q) {
                    return Err(format!("duplicate operand {q:?}"));
                }
                check_form(q, false)?;
            }
            if let Pred::And(ps) = p {
                // At most one positive range per single-valued field in a conjunction.
                let mut seen = Vec::new();
                for q in ps {
                    if let Pred::Leaf(l) = q {
                        let single = l.field.subform.is_none()
                            && !matches!(
                                l.field.ty,
                                filterql::FieldType::Multiselect
                                    | filterql::FieldType::Usergroup
                                    | filterql::FieldType::Deptgroup
                            );
                        if single && !l.negated && matches!(l.test, Test::Range(_)) {
                            if seen.contains(&&l.field) {
                                return Err(format!("unmerged ranges on {}", l.field.name));
                            }
                            seen.push(&l.field);
                        }
                    }
                }
            }
            Ok(())
        }
        Pred::Leaf(l) => {
            let list = match &l.test {
                Test::In(vs) => {
                    if vs.len() < 2 {
                        return Err(format!("In with fewer than two values: {l:?}"));
                    }
                    Some(vs)
                }
                Test::HasAny(vs) if vs.len() < 2 => {
                    return Err(format!("HasAny with one value: {l:?}"))
                }
                Test::HasAny(vs) | Test::HasAll(vs) => Some(vs),
                _ => None,
            };
            if let Some(vs) = list {
                for (i, v) in vs.iter().enumerate() {
                    if vs[..i].contains(v) {
                        return Err(format!("duplicate value in {l:?}"));
                    }
                }
            }
            if l.negated && matches!(l.test, Test::Range(_)) {
                // Datetime fields keep the negated leaf: a non-datetime value there is not
                // empty, so `x < lo or x > hi or x is empty` would miss it.
                let spelled =
                    l.field.subform.is_none() && matches!(l.field.ty, filterql::FieldType::Number);
                if spelled {
                    return Err(format!("negated range not spelled out: {l:?}"));
                }
            }
            Ok(())
        }
    }
}

proptest! {
    #[test]
    fn normalize_keeps_meaning(p in arb_pred_with_constants(), rs in arb_messy_records()) {
        let n = normalize(p.clone());
        for r in &rs {
            prop_assert_eq!(matches(&p, r), matches(&n, r), "record {}\nnormalized {:?}", r, n);
        }
    }

    #[test]
    fn normalize_keeps_meaning_of_checker_shaped_trees(p in arb_pred(), rs in arb_messy_records()) {
        let n = normalize(p.clone());
        for r in &rs {
            prop_assert_eq!(matches(&p, r), matches(&n, r), "record {}\nnormalized {:?}", r, n);
        }
    }

    #[test]
    fn normalize_is_idempotent(p in arb_pred_with_constants()) {
        let once = normalize(p);
        prop_assert_eq!(normalize(once.clone()), once);
    }

    #[test]
    fn normal_form_shape(p in arb_pred_with_constants()) {
        let n = normalize(p);
        if let Err(e) = check_form(&n, true) {
            prop_assert!(false, "{}", e);
        }
    }

    /// Ranges on one field inside an `And` merge, so the merge path is exercised often:
    /// conjunctions of several tests on one of `amount`, `due`, `items.qty`, against
    /// many records.
    #[test]
    fn merged_ranges_keep_meaning(
        p in prop::sample::select(&["amount", "due", "items.qty"][..]).prop_flat_map(|path| {
            let f = field_ref(path);
            prop::collection::vec(
                (
                    prop_oneof![
                        4 => arb_range(path, f.ty).prop_map(Test::Range),
                        1 => arb_test(path, f.ty),
                    ],
                    prop::bool::weighted(0.2),
                )
                    .prop_map(move |(t, n)| {
                    Pred::leaf(f.clone(), t, n, filterql::Span::default())
                }),
                2..5,
            )
            .prop_map(Pred::And)
        }),
        rs in prop::collection::vec(arb_messy_record(), 24..40),
    ) {
        let n = normalize(p.clone());
        for r in &rs {
            prop_assert_eq!(matches(&p, r), matches(&n, r), "record {}\nnormalized {:?}", r, n);
        }
        prop_assert!(check_form(&n, true).is_ok(), "{:?}", check_form(&n, true));
    }
}

/// A deep chain of `not`s (the parser allows about 128 levels) normalizes without trouble
/// and cancels pairwise.
#[test]
fn deep_negation_chain() {
    let leaf = Pred::leaf(
        field_ref("amount"),
        Test::Empty,
        false,
        filterql::Span::default(),
    );
    let mut p = leaf.clone();
    for _ in 0..200 {
        p = Pred::Not(Box::new(p));
    }
    assert_eq!(normalize(p.clone()), leaf);
    let p = Pred::Not(Box::new(p));
    let Pred::Leaf(l) = normalize(p) else {
        panic!("not a leaf")
    };
    assert!(l.negated);
}

/// The checker accepts trees up to `check::MAX_DEPTH` deep; every pass of this module
/// handles one that deep (alternating `and`/`or`/`not`) and keeps its meaning.
#[test]
fn deepest_checked_tree() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut leaves = (0..).map(|_| arb_leaf().new_tree(&mut runner).unwrap().current());
    let mut p = leaves.next().unwrap();
    for depth in 0..filterql::check::MAX_DEPTH {
        p = match depth % 3 {
            0 => Pred::And(vec![leaves.next().unwrap(), p]),
            1 => Pred::Or(vec![p, leaves.next().unwrap()]),
            _ => Pred::Not(Box::new(p)),
        };
    }
    let records: Vec<_> = (0..50)
        .map(|_| arb_messy_record().new_tree(&mut runner).unwrap().current())
        .collect();
    let n = normalize(p.clone());
    assert!(check_form(&n, true).is_ok());
    for r in &records {
        assert_eq!(matches(&p, r), matches(&n, r), "{r}");
    }
    let text = filterql::unparse::to_ast(&n, tz()).map(|e| e.to_string());
    assert!(text.is_ok());
}

/// Long chains and lists (a query near the parser's 1 MiB limit has about 100,000
/// operands) are deduplicated and merged by hashing, and keep their meaning.
#[test]
fn long_chains_and_lists() {
    use filterql::ir::{Bound, Range, Scalar};
    let span = filterql::Span::default();
    let eq = |n: usize| {
        Pred::leaf(
            field_ref("amount"),
            Test::Eq(Scalar::Number((n % 5000) as f64)),
            false,
            span,
        )
    };
    let or = Pred::Or((0..60_000).map(eq).collect());
    let Pred::Or(ops) = normalize(or) else {
        panic!("not an or")
    };
    assert_eq!(ops.len(), 5000);

    let values: Vec<Scalar> = (0..100_000)
        .map(|n| Scalar::Text(format!("v{}", n % 7000).into()))
        .collect();
    let inn = Pred::leaf(field_ref("title"), Test::In(values), true, span);
    let Pred::Leaf(l) = normalize(inn) else {
        panic!("not a leaf")
    };
    let Test::In(vs) = &l.test else {
        panic!("not in")
    };
    assert_eq!(vs.len(), 7000);
    assert_eq!(vs[6999], Scalar::Text("v6999".into()));

    // 50,000 ranges on one field merge into one: 0 < amount <= 50,000 - i for each i.
    let ranges = Pred::And(
        (0..50_000)
            .map(|i| {
                Pred::leaf(
                    field_ref("amount"),
                    Test::Range(Range {
                        lo: Some(Bound {
                            value: Scalar::Number(0.0),
                            inclusive: false,
                        }),
                        hi: Some(Bound {
                            value: Scalar::Number((50_000 - i) as f64),
                            inclusive: true,
                        }),
                    }),
                    false,
                    span,
                )
            })
            .collect(),
    );
    let n = normalize(ranges);
    let Pred::Leaf(l) = &n else {
        panic!("not merged: {n:?}")
    };
    assert_eq!(
        l.test,
        Test::Range(Range {
            lo: Some(Bound {
                value: Scalar::Number(0.0),
                inclusive: false
            }),
            hi: Some(Bound {
                value: Scalar::Number(1.0),
                inclusive: true
            }),
        })
    );
}

/// Periods reach `normalize` as plain ranges: adjacent and overlapping ones merge, and
/// disjoint ones in a conjunction fold to "no record", exactly as dates do.
#[test]
fn period_ranges_merge_like_dates() {
    use filterql::ir::{Bound, Range, Scalar};
    let now = chrono::DateTime::parse_from_rfc3339("2024-05-15T10:00:00+08:00").unwrap();
    let opts = filterql::Options::at(now);
    let ir = |text: &str| {
        let ast = filterql::syntax::parse(text).unwrap();
        let mut d = filterql::Diagnostics::new(text);
        let p = filterql::check::check(&ast, &schema(), &opts, &mut d).expect("checks");
        normalize(p)
    };
    let ms = |t: &str| {
        chrono::DateTime::parse_from_rfc3339(t)
            .unwrap()
            .timestamp_millis()
    };
    let range = |lo: &str, hi: &str| {
        Test::Range(Range {
            lo: Some(Bound {
                value: Scalar::DateTime(ms(lo)),
                inclusive: true,
            }),
            hi: Some(Bound {
                value: Scalar::DateTime(ms(hi)),
                inclusive: false,
            }),
        })
    };
    let Pred::Leaf(l) = ir("createTime >= 上月 and createTime < 本月") else {
        panic!("one leaf")
    };
    assert_eq!(
        l.test,
        range("2024-04-01T00:00:00+08:00", "2024-05-01T00:00:00+08:00")
    );
    let Pred::Leaf(l) = ir("createTime >= this quarter and createTime <= this month") else {
        panic!("one leaf")
    };
    assert_eq!(
        l.test,
        range("2024-04-01T00:00:00+08:00", "2024-06-01T00:00:00+08:00")
    );
    assert_eq!(
        ir("createTime = this month and createTime = last month"),
        Pred::False
    );
    assert_eq!(
        ir("createTime = this year and createTime = 今年"),
        ir("createTime = this year")
    );
    // Today is within this week, this month, this quarter and this year.
    assert_eq!(
        ir("createTime = today and createTime = this week and createTime = 本月 and createTime = this quarter and createTime = this year"),
        ir("createTime = today")
    );
}

/// Long `and`/`or` chains whose operands are groups: operands leading with distinct
/// fields are kept as they are (the fast path), while a repeated group, or two ranges on
/// one field among more than a handful of operands, still fold.
#[test]
fn long_chains_of_groups() {
    use filterql::{Field, FieldType, Schema};
    let schema = Schema::new(
        (0..60)
            .map(|i| Field::new(format!("f{i}"), FieldType::Number))
            .collect(),
    );
    let opts = filterql::Options::default();
    let operands = |text: &str| -> (bool, usize) {
        let q = filterql::compile(text, &schema, &opts).expect("compiles");
        match q.pred() {
            Pred::And(ps) => (true, ps.len()),
            Pred::Or(ps) => (false, ps.len()),
            other => panic!("not a chain: {other:?}"),
        }
    };
    let groups: Vec<String> = (0..20)
        .map(|i| format!("(f{} = 1 or f{} = 2)", 2 * i, 2 * i + 1))
        .collect();
    let and = groups.join(" and ");
    assert_eq!(operands(&and), (true, 20));
    // The first group again, last: a duplicate.
    assert_eq!(operands(&format!("{and} and {}", groups[0])), (true, 20));
    // The same group with its operands swapped is another operand (order is kept).
    assert_eq!(
        operands(&format!("{and} and (f1 = 2 or f0 = 1)")),
        (true, 21)
    );
    // Two ranges on f50 among 22 operands merge into one.
    assert_eq!(
        operands(&format!("{and} and f50 > 1 and f50 < 5")),
        (true, 21)
    );
    // A range on f50 and a group leading with f50 do not merge, and nothing is lost.
    assert_eq!(
        operands(&format!("{and} and f50 > 1 and (f50 < 5 or f51 = 1)")),
        (true, 22)
    );
    let ands: Vec<String> = (0..20)
        .map(|i| format!("(f{} = 1 and f{} = 2)", 2 * i, 2 * i + 1))
        .collect();
    let or = ands.join(" or ");
    assert_eq!(operands(&or), (false, 20));
    assert_eq!(operands(&format!("{or} or {}", ands[3])), (false, 20));
}
