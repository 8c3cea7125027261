//! The SQL backend's library API: rejections (each with its diagnostic), identifier
//! quoting and length limits on the real engines, the `SELECT` builder, placeholders,
//! and robustness on degenerate or very deep predicates.

mod sqldb;
mod support;

use filterql::ir::{Bound, FieldRef, Pred, Range, Scalar, Test};
use filterql::syntax::ast::TextOp;
use filterql::target::sql::{
    compile_select, compile_where, Dialect, SqlError, SqlOptions, SqlParam,
};
use filterql::{FieldType, Span};
use sqldb::{Cell, Col, ColKind};
use support::top_field as field;

fn leaf(f: FieldRef, test: Test) -> Pred {
    Pred::leaf(f, test, false, Span::new(0, 5))
}

fn t(s: &str) -> Scalar {
    Scalar::Text(s.into())
}

fn opts(d: Dialect) -> SqlOptions {
    SqlOptions::new(d)
}

fn errors(p: &Pred, d: Dialect) -> Vec<SqlError> {
    compile_where(p, &opts(d)).expect_err("must be rejected")
}

#[test]
fn subform_fields_and_columns_are_rejected() {
    let mut col = field("sku", FieldType::Text);
    col.info_mut().subform = Some("items".into());
    let sub = field("items", FieldType::Subform);
    for d in Dialect::ALL {
        let e = errors(&leaf(col.clone(), Test::Eq(t("a"))), d);
        assert!(
            matches!(&e[..], [SqlError::Subform { field, .. }] if field == "items.sku"),
            "{e:?}"
        );
        let e = errors(&leaf(sub.clone(), Test::Empty), d);
        assert!(matches!(&e[..], [SqlError::Subform { .. }]), "{e:?}");
    }
}

#[test]
fn ill_typed_tests_are_rejected_not_weakened() {
    let range = Test::Range(Range {
        lo: Some(Bound {
            value: t("a"),
            inclusive: true,
        }),
        hi: None,
    });
    let bad = [
        leaf(field("title", FieldType::Text), range),
        leaf(
            field("n", FieldType::Number),
            Test::Text(TextOp::Contains, "1".into()),
        ),
        leaf(field("title", FieldType::Text), Test::Verified),
        leaf(field("n", FieldType::Number), Test::Eq(t("1"))),
        leaf(
            field("flag", FieldType::Other),
            Test::Eq(Scalar::Bool(true)),
        ),
        leaf(
            field("tags", FieldType::Multiselect),
            Test::Text(TextOp::Contains, "a".into()),
        ),
    ];
    for p in &bad {
        for d in Dialect::ALL {
            let e = errors(p, d);
            assert!(
                matches!(&e[..], [SqlError::Unsupported { .. }]),
                "{p:?}: {e:?}"
            );
        }
    }
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let mut col = field("sku", FieldType::Text);
    col.info_mut().subform = Some("items".into());
    let p = Pred::Or(vec![
        leaf(col, Test::Eq(t("a"))),
        leaf(field("ok", FieldType::Text), Test::Eq(t("fine"))),
        leaf(field("title", FieldType::Text), Test::Eq(t("nul\0"))),
        leaf(
            field("n", FieldType::Number),
            Test::Eq(Scalar::Number(f64::NAN)),
        ),
    ]);
    let e = errors(&p, Dialect::Sqlite);
    assert!(
        matches!(
            &e[..],
            [
                SqlError::Subform { .. },
                SqlError::Nul { .. },
                SqlError::NotFinite { .. }
            ]
        ),
        "{e:?}"
    );
}

#[test]
fn datetimes_outside_the_engines_range_are_rejected() {
    // 0999-06-01T00:00:00Z: before MySQL's DATETIME range, fine as SQLite/PostgreSQL text.
    let ms = chrono::DateTime::parse_from_rfc3339("0999-06-01T00:00:00Z")
        .expect("date")
        .timestamp_millis();
    let p = leaf(
        field("d", FieldType::Datetime),
        Test::Eq(Scalar::DateTime(ms)),
    );
    let e = errors(&p, Dialect::Mysql);
    assert!(matches!(&e[..], [SqlError::DatetimeRange { .. }]), "{e:?}");
    assert!(compile_where(&p, &opts(Dialect::Sqlite)).is_ok());
    assert!(compile_where(&p, &opts(Dialect::Postgres)).is_ok());
    let far = leaf(
        field("d", FieldType::Datetime),
        Test::Eq(Scalar::DateTime(i64::MAX)),
    );
    for d in Dialect::ALL {
        assert!(matches!(
            &errors(&far, d)[..],
            [SqlError::DatetimeRange { .. }]
        ));
    }
}

#[test]
fn identifier_limits_follow_each_engine() {
    let pg63 = "x".repeat(63);
    let pg64 = "é".repeat(32); // 64 bytes, 32 characters
    assert!(Dialect::Postgres.quote_ident(&pg63).is_ok());
    assert!(Dialect::Postgres.quote_ident(&pg64).is_err());
    assert!(Dialect::Mysql.quote_ident(&pg64).is_ok());
    assert!(Dialect::Mysql.quote_ident(&"中".repeat(64)).is_ok());
    assert!(Dialect::Mysql.quote_ident(&"中".repeat(65)).is_err());
    assert!(Dialect::Mysql.quote_ident("emoji😀").is_err());
    assert!(Dialect::Mysql.quote_ident("trailing ").is_err());
    assert!(Dialect::Sqlite.quote_ident(&"x".repeat(500)).is_ok());
    for d in Dialect::ALL {
        assert!(d.quote_ident("").is_err());
        assert!(d.quote_ident("a\0b").is_err());
    }
    let long = leaf(field(&"c".repeat(64), FieldType::Text), Test::Empty);
    assert!(matches!(
        &errors(&long, Dialect::Postgres)[..],
        [SqlError::ColumnName { .. }]
    ));
    // The phone flag column is checked too.
    let phone = leaf(field(&"p".repeat(60), FieldType::Phone), Test::Verified);
    assert!(matches!(
        &errors(&phone, Dialect::Postgres)[..],
        [SqlError::ColumnName { name, .. }] if name.ends_with("_verified")
    ));
    let long_table = opts(Dialect::Postgres).table("x".repeat(64));
    assert!(matches!(
        &compile_select(&leaf(field("a", FieldType::Text), Test::Empty), &long_table)
            .expect_err("long table")[..],
        [SqlError::Name { what: "table", .. }]
    ));
}

/// Column and table names with quotes, backticks, spaces, dots and non-ASCII work on the
/// engines as quoted by the backend.
#[test]
fn quoted_identifiers_round_trip_on_the_engines() {
    let names = [
        "we\"ird",
        "back`tick",
        "a b.c",
        "列名",
        "select",
        "'q'",
        "x--y",
    ];
    for mut c in sqldb::all_engines() {
        let d = c.dialect();
        let table = format!("{}\"`t", sqldb::table_name("names"));
        let cols: Vec<Col> = names
            .iter()
            .map(|n| Col {
                name: (*n).into(),
                kind: ColKind::Text,
            })
            .collect();
        c.create_table(&table, &cols).expect("table");
        let cells = |s: &str| {
            names
                .iter()
                .map(|_| Cell::Text(s.into()))
                .collect::<Vec<_>>()
        };
        c.insert(&table, &cols, &[(1, cells("hit")), (2, cells("miss"))])
            .expect("insert");
        let p = Pred::And(
            names
                .iter()
                .map(|n| leaf(field(n, FieldType::Text), Test::Eq(t("hit"))))
                .collect(),
        );
        let o = opts(d).table(&table).columns(["id", names[0]]);
        let q = compile_select(&p, &o).expect("compiles");
        assert_eq!(c.ids(&q).expect("runs"), vec![1], "{d}: {}", q.sql());
        let _ = c.drop_table(&table);
    }
}

#[test]
fn select_renders_columns_order_and_limit() {
    let p = leaf(field("n", FieldType::Number), Test::Eq(Scalar::Number(1.0)));
    let shape = |o: SqlOptions| {
        o.columns(["id", "n"])
            .order_by("n", true)
            .order_by("id", false)
            .limit(10)
    };
    let q = compile_select(&p, &shape(opts(Dialect::Mysql).table("t"))).expect("compiles");
    assert_eq!(
        q.sql(),
        "SELECT `id`, `n` FROM `t` WHERE `n` = 1 ORDER BY `n` DESC, `id` ASC LIMIT 10"
    );
    // And the engines agree on what it means.
    for mut c in sqldb::all_engines() {
        let d = c.dialect();
        let table = sqldb::table_name("select");
        let cols = vec![Col {
            name: "n".into(),
            kind: ColKind::Number,
        }];
        c.create_table(&table, &cols).expect("table");
        let rows: Vec<(i64, Vec<Cell>)> = (0..30)
            .map(|i| (i, vec![Cell::Num((i % 2) as f64)]))
            .collect();
        c.insert(&table, &cols, &rows).expect("insert");
        let sql = compile_select(&p, &shape(opts(d).table(&table))).expect("compiles");
        let got = c.ids(&sql).expect("runs");
        let _ = c.drop_table(&table);
        // ORDER BY id within equal n, first ten odd ids (ids() sorts; the set pins LIMIT).
        assert_eq!(got, vec![1, 3, 5, 7, 9, 11, 13, 15, 17, 19], "{d}");
    }
}

#[test]
fn postgres_placeholders_are_numbered_in_text_order() {
    let p = Pred::Or(vec![
        leaf(
            field("a", FieldType::Text),
            Test::Text(TextOp::StartsWith, "x".into()),
        ),
        leaf(field("b", FieldType::Number), Test::Eq(Scalar::Number(2.0))),
        leaf(field("c", FieldType::Text), Test::In(vec![t("y"), t("z")])),
    ]);
    let q = compile_where(&p, &opts(Dialect::Postgres).params(true)).expect("compiles");
    assert_eq!(
        q.sql(),
        r#""a" LIKE $1 ESCAPE '!' OR "b" = $2::int8 OR "c" IN ($3, $4)"#
    );
    let text = |s: &str| SqlParam::Text(s.into());
    // A whole number is sent as an integer.
    let want = [text("x%"), SqlParam::Int(2), text("y"), text("z")];
    assert_eq!(q.params(), want);
    // After two parameters of the caller's own.
    let q = compile_where(
        &p,
        &opts(Dialect::Postgres).params(true).first_placeholder(3),
    )
    .expect("compiles");
    assert_eq!(
        q.sql(),
        r#""a" LIKE $3 ESCAPE '!' OR "b" = $4::int8 OR "c" IN ($5, $6)"#
    );
    assert_eq!(q.params(), want);
    let q = compile_where(&p, &opts(Dialect::Sqlite).params(true)).expect("compiles");
    assert_eq!(q.sql().matches('?').count(), 5, "{}", q.sql()); // LIKE + exact check
    assert_eq!(q.params().len(), 5);
}

#[test]
fn a_very_deep_not_chain_does_not_overflow() {
    let mut p = leaf(field("a", FieldType::Text), Test::Eq(t("x")));
    for _ in 0..100_001 {
        p = Pred::Not(Box::new(p));
    }
    let q = compile_where(&p, &opts(Dialect::Sqlite)).expect("compiles");
    // An odd number of `not`s: the negated leaf, with its emptiness arms.
    assert_eq!(q.sql(), "(`a` IS NULL OR `a` = '' OR NOT (`a` = 'x'))");
    // Dropping the tree is the caller's business; leak it rather than recurse here.
    std::mem::forget(p);
}

#[test]
fn deep_and_or_nesting_is_an_error_not_a_crash() {
    let mut p = leaf(field("a", FieldType::Text), Test::Eq(t("x")));
    for i in 0..5_000 {
        let other = leaf(field("b", FieldType::Text), Test::Eq(t("y")));
        p = if i % 2 == 0 {
            Pred::And(vec![p, other])
        } else {
            Pred::Or(vec![p, other])
        };
    }
    let e = errors(&p, Dialect::Mysql);
    assert!(matches!(&e[..], [SqlError::TooDeep { .. }]), "{e:?}");
    std::mem::forget(p);
}

#[test]
fn constants_and_degenerate_groups_keep_their_meaning() {
    let a = leaf(field("a", FieldType::Text), Test::Eq(t("x")));
    let cases = [
        (Pred::True, "(1 = 1)"),
        (Pred::False, "(1 = 0)"),
        (Pred::Not(Box::new(Pred::True)), "(1 = 0)"),
        (Pred::And(vec![]), "(1 = 1)"),
        (Pred::Or(vec![]), "(1 = 0)"),
        (Pred::Not(Box::new(Pred::Or(vec![]))), "(1 = 1)"),
        (Pred::And(vec![a.clone()]), r#"`a` = 'x'"#),
        (
            Pred::Not(Box::new(Pred::And(vec![a.clone(), Pred::False]))),
            r#"(`a` IS NULL OR `a` = '' OR NOT (`a` = 'x')) OR (1 = 1)"#,
        ),
    ];
    for (p, want) in cases {
        let q = compile_where(&p, &opts(Dialect::Sqlite)).expect("compiles");
        assert_eq!(q.sql(), want, "{p:?}");
    }
}

#[test]
fn dialect_names_parse() {
    for d in Dialect::ALL {
        assert_eq!(d.name().parse::<Dialect>(), Ok(d));
    }
    assert_eq!("MariaDB".parse::<Dialect>(), Ok(Dialect::Mysql));
    assert_eq!("pg".parse::<Dialect>(), Ok(Dialect::Postgres));
    assert!("oracle".parse::<Dialect>().is_err());
    assert_eq!(Dialect::default(), Dialect::Mysql);
}

mod any_pred {
    //! Any `Pred` at all — every field type, subform or not, every test with scalars of
    //! any kind (NaN, infinities, out-of-range instants, booleans, empty lists, NUL) —
    //! is either compiled or rejected with at least one error; it never panics.

    use super::*;
    use proptest::prelude::*;

    fn scalar() -> BoxedStrategy<Scalar> {
        prop_oneof![
            any::<String>().prop_map(|s| Scalar::Text(s.into())),
            any::<f64>().prop_map(Scalar::Number),
            any::<i64>().prop_map(Scalar::DateTime),
            any::<bool>().prop_map(Scalar::Bool),
        ]
        .boxed()
    }

    fn test() -> impl Strategy<Value = Test> {
        let bound =
            (scalar(), any::<bool>()).prop_map(|(value, inclusive)| Bound { value, inclusive });
        prop_oneof![
            scalar().prop_map(Test::Eq),
            prop::collection::vec(scalar(), 0..3).prop_map(Test::In),
            (prop::option::of(bound.clone()), prop::option::of(bound))
                .prop_map(|(lo, hi)| Test::Range(Range { lo, hi })),
            Just(Test::Empty),
            Just(Test::Verified),
            Just(Test::Unverified),
            (
                prop::sample::select(&[TextOp::Contains, TextOp::StartsWith, TextOp::EndsWith][..]),
                any::<String>()
            )
                .prop_map(|(op, s)| Test::Text(op, s.into())),
            prop::collection::vec(scalar(), 0..3).prop_map(Test::HasAny),
            prop::collection::vec(scalar(), 0..3).prop_map(Test::HasAll),
        ]
    }

    fn pred() -> impl Strategy<Value = Pred> {
        let leaf = (
            prop::sample::select(FieldType::ALL),
            any::<bool>(),
            "[a-z\"`' ]{0,70}",
            test(),
            any::<bool>(),
        )
            .prop_map(|(ty, sub, column, test, negated)| {
                let mut f = field("f", ty);
                f.info_mut().column = column;
                if sub {
                    f.info_mut().subform = Some("rows".into());
                }
                Pred::leaf(f, test, negated, Span::default())
            });
        prop_oneof![8 => leaf, 1 => Just(Pred::True), 1 => Just(Pred::False)].prop_recursive(
            3,
            16,
            3,
            |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..3).prop_map(Pred::And),
                    prop::collection::vec(inner.clone(), 0..3).prop_map(Pred::Or),
                    inner.prop_map(|p| Pred::Not(Box::new(p))),
                ]
            },
        )
    }

    proptest! {
        #[test]
        fn compiles_or_rejects_without_panicking(p in pred()) {
            for d in Dialect::ALL {
                for params in [false, true] {
                    match compile_where(&p, &SqlOptions::new(d).params(params)) {
                        Ok(f) => prop_assert!(!f.sql().is_empty()),
                        Err(e) => prop_assert!(!e.is_empty()),
                    }
                }
            }
        }
    }
}
