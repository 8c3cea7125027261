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
                let spelled = l.field.subform.is_none()
                    && matches!(
                        l.field.ty,
                        filterql::FieldType::Number | filterql::FieldType::Datetime
                    );
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
    fn normalize_keeps_meaning(p in arb_pred_with_constants(), rs in arb_records()) {
        let n = normalize(p.clone());
        for r in &rs {
            prop_assert_eq!(matches(&p, r), matches(&n, r), "record {}\nnormalized {:?}", r, n);
        }
    }

    #[test]
    fn normalize_keeps_meaning_of_checker_shaped_trees(p in arb_pred(), rs in arb_records()) {
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
        rs in prop::collection::vec(arb_record(), 24..40),
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
