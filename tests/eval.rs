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

/// The generators are only useful if predicates and records collide: every leaf kind must
/// both match and fail on generated records, and every empty form must occur.
#[test]
fn generators_collide() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::collections::BTreeMap;

    let mut runner = TestRunner::deterministic();
    let records: Vec<_> = (0..300)
        .map(|_| arb_record().new_tree(&mut runner).unwrap().current())
        .collect();
    // Per (field type, test kind, negated): (matched, failed) counts.
    let mut seen: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for _ in 0..3000 {
        let p = arb_leaf().new_tree(&mut runner).unwrap().current();
        let Pred::Leaf(l) = &p else {
            panic!("arb_leaf gave {p:?}")
        };
        let kind = format!("{:?}", l.test);
        let kind = kind.split('(').next().unwrap().to_string();
        let key = format!(
            "{}{} {}",
            l.field.ty,
            if l.field.subform.is_some() {
                "[col]"
            } else {
                ""
            },
            kind
        );
        let e = seen.entry(key).or_default();
        for r in &records[..20] {
            if matches(&p, r) {
                e.0 += 1
            } else {
                e.1 += 1
            }
        }
    }
    for (k, (yes, no)) in &seen {
        assert!(*yes > 0 && *no > 0, "{k}: matched {yes}, failed {no}");
    }
    assert!(seen.len() >= 40, "too few leaf kinds: {:?}", seen.keys());

    let text = serde_json::to_string(&records).unwrap();
    for form in ["null", "\"\"", "[]", "{\"verified\":true}", "not a date"] {
        assert!(text.contains(form), "no record has {form}");
    }
    let absent = records.iter().filter(|r| r.get("title").is_none()).count();
    assert!(absent > 0);
}
