//! Resolution by label is resolution by name: generated predicates over the shared test
//! schema, written back as text with every field replaced by its (Chinese) label, check
//! to exactly the predicate the names give.

mod support;

use chrono::DateTime;
use filterql::check::check;
use filterql::syntax::ast::Expr;
use filterql::unparse::to_ast;
use filterql::{Diagnostics, Options, Schema};
use proptest::prelude::*;
use support::*;

fn options() -> Options {
    Options::at(DateTime::parse_from_rfc3339("2022-06-15T12:00:00+08:00").unwrap())
}

/// Replaces each field path segment by the label of the field it names.
fn relabel(e: &mut Expr, schema: &Schema) {
    match e {
        Expr::Or(v, _) | Expr::And(v, _) => v.iter_mut().for_each(|c| relabel(c, schema)),
        Expr::Not(b, _) => relabel(b, schema),
        Expr::Pred(p) => {
            let top = schema.field(&p.field.path[0]).expect("a schema field");
            let mut labels = vec![top.label.clone().expect("every field has a label")];
            if let Some(col) = p.field.path.get(1) {
                let child = top
                    .fields
                    .iter()
                    .find(|c| &c.name == col)
                    .expect("a column");
                labels.push(child.label.clone().expect("every column has a label"));
            }
            p.field.path = labels.into();
        }
    }
}

fn checked(e: &Expr, schema: &Schema) -> filterql::ir::Pred {
    let text = e.to_string();
    let mut d = Diagnostics::new(text.clone());
    check(e, schema, &options(), &mut d)
        .unwrap_or_else(|| panic!("{text}\n{}", d.render(80, false)))
}

proptest! {
    #[test]
    fn labels_check_like_names(p in arb_pred()) {
        let schema = Schema::from_json(SCHEMA_JSON).unwrap();
        let Ok(by_name) = to_ast(&p, tz()) else { return Ok(()) };
        let mut by_label = by_name.clone();
        relabel(&mut by_label, &schema);
        // Through the printed text too: labels print and parse back as field names.
        let reparsed = filterql::syntax::parse(&by_label.to_string()).unwrap();
        let want = checked(&by_name, &schema);
        prop_assert_eq!(&checked(&by_label, &schema), &want);
        prop_assert_eq!(&checked(&reparsed, &schema), &want);
    }
}
