//! The backend-neutral planning helpers in `filterql::plan`, against the evaluator.

mod support;

use filterql::eval::matches;
use filterql::ir::Pred;
use filterql::plan::{self, Push};
use proptest::prelude::*;
use support::{arb_pred_with_constants, arb_record};

/// Whether `p` is in the shape `nnf` promises: no `Not`, no group directly inside a
/// group of the same kind, no constant inside a group, at least two operands per group.
fn is_nnf(p: &Pred) -> bool {
    fn inner(p: &Pred, parent: Option<bool>) -> bool {
        match p {
            Pred::Not(_) => false,
            Pred::True | Pred::False => parent.is_none(),
            Pred::Leaf(_) => true,
            Pred::And(cs) | Pred::Or(cs) => {
                let is_and = matches!(p, Pred::And(_));
                parent != Some(is_and) && cs.len() >= 2 && cs.iter().all(|c| inner(c, Some(is_and)))
            }
        }
    }
    inner(p, None)
}

proptest! {
    #[test]
    fn nnf_keeps_the_meaning_and_has_its_shape(p in arb_pred_with_constants(), records in prop::collection::vec(arb_record(), 1..6)) {
        let n = plan::nnf(&p);
        prop_assert!(is_nnf(&n), "{:?}", n);
        prop_assert!(plan::depth(&n) <= plan::depth(&p));
        for r in &records {
            prop_assert_eq!(matches(&n, r), matches(&p, r));
        }
    }

    /// Whatever a backend decides per conjunct, pushed && residual == the conjunction,
    /// when each pushed part is exact or a superset as declared.
    #[test]
    fn split_and_keeps_the_invariant(p in arb_pred_with_constants(), choices in prop::collection::vec(0..3u8, 0..8), records in prop::collection::vec(arb_record(), 1..6)) {
        let n = plan::nnf(&p);
        let mut i = 0;
        // The "backend" pushes the conjunct itself (exact), `True` (a loose superset),
        // or nothing.
        let split = plan::split_and(&n, |c| {
            let choice = choices.get(i).copied().unwrap_or(2);
            i += 1;
            match choice {
                0 => Push::Exact(c.clone()),
                1 => Push::Loose(Pred::True),
                _ => Push::No,
            }
        });
        for r in &records {
            let pushed = split.pushed.iter().all(|q| matches(q, r));
            let residual = split.residual.as_ref().is_none_or(|q| matches(q, r));
            prop_assert_eq!(pushed && residual, matches(&n, r));
        }
    }
}

#[test]
fn depth_and_span_do_not_recurse() {
    let mut p = Pred::True;
    for _ in 0..100_000 {
        p = Pred::Not(Box::new(p));
    }
    assert_eq!(plan::depth(&p), 100_001);
    assert_eq!(plan::span_of(&p).len(), 0);
    // Take the tree apart iteratively: the derived drop would recurse.
    let mut cur = p;
    while let Pred::Not(inner) = cur {
        cur = *inner;
    }
}
