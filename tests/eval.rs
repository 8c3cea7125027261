//! Properties of the reference evaluator over generated predicates and records.

mod support;

use filterql::eval::matches;
use filterql::ir::Pred;
use proptest::prelude::*;
use support::*;

fn complement(p: &Pred) -> Pred {
    match p {
        Pred::Leaf(l) => {
            let mut l = l.clone();
            l.negated = !l.negated;
            Pred::Leaf(l)
        }
        other => Pred::Not(Box::new(other.clone())),
    }
}

proptest! {
    /// A negated leaf is the exact complement of the positive one, empty values included.
    #[test]
    fn negated_leaf_is_the_complement(p in arb_leaf(), r in arb_record()) {
        prop_assert_ne!(matches(&p, &r), matches(&complement(&p), &r));
    }

    /// `not` over any tree is the complement; De Morgan holds.
    #[test]
    fn not_and_de_morgan(a in arb_pred(), b in arb_pred(), r in arb_record()) {
        let and = Pred::And(vec![a.clone(), b.clone()]);
        let not_and = Pred::Not(Box::new(and.clone()));
        let or_of_nots = Pred::Or(vec![
            Pred::Not(Box::new(a.clone())),
            Pred::Not(Box::new(b.clone())),
        ]);
        prop_assert_eq!(matches(&not_and, &r), !matches(&and, &r));
        prop_assert_eq!(matches(&not_and, &r), matches(&or_of_nots, &r));
    }
}
