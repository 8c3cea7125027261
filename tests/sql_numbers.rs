//! Number literals: every finite double, written inline (plain decimals such as `1000.5`
//! or exponent form such as `1e-7`) or sent as a parameter, is read back by each engine
//! as the same double (checked against its neighbours one ulp away on both sides).

mod sqldb;
mod support;

use filterql::ir::{Pred, Scalar, Test};
use filterql::target::sql::SqlOptions;
use filterql::{FieldType, Span};
use proptest::prelude::*;
use sqldb::{Cell, Col, ColKind, Conn};

fn next_up(x: f64) -> f64 {
    if x.is_nan() || x == f64::INFINITY {
        return x;
    }
    if x == 0.0 {
        return f64::from_bits(1);
    }
    let b = x.to_bits();
    f64::from_bits(if x > 0.0 { b + 1 } else { b - 1 })
}

fn next_down(x: f64) -> f64 {
    -next_up(-x)
}

fn arb_double() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
        // Ordinary magnitudes with many digits, where decimal rounding bites.
        (-1e6f64..1e6f64),
        // Every magnitude written in plain decimal form (1e-4 up to 1e15), and the
        // edges where the form switches to an exponent.
        (-4i32..15, 1.0f64..10.0).prop_map(|(e, m)| m * 10f64.powi(e)),
        (-4i32..15, 1.0f64..10.0).prop_map(|(e, m)| -m * 10f64.powi(e)),
        prop::sample::select(vec![
            1e-4,
            9.999999999999999e-5,
            1e15,
            999_999_999_999_999.9
        ]),
        prop::sample::select(vec![
            0.1,
            0.2,
            0.3,
            1e-300,
            5e-324,
            2.2250738585072014e-308,
            1.7976931348623157e308,
            9007199254740993.0,
            123_456_789.123_456_79
        ]),
    ]
}

fn run(conn: Conn) {
    let d = conn.dialect();
    let table = sqldb::table_name(&format!("num_{d}"));
    let cols = vec![Col {
        name: "n".into(),
        kind: ColKind::Number,
    }];
    let field = support::top_field("n", FieldType::Number);
    sqldb::prop_on_table(conn, &table, &cols, 256, &arb_double(), |c, x| {
        c.clear(&table).map_err(sqldb::fail)?;
        let rows = vec![
            (0, vec![Cell::Num(next_down(x))]),
            (1, vec![Cell::Num(x)]),
            (2, vec![Cell::Num(next_up(x))]),
        ];
        c.insert(&table, &cols, &rows).map_err(sqldb::fail)?;
        let p = Pred::leaf(
            field.clone(),
            Test::Eq(Scalar::Number(x)),
            false,
            Span::default(),
        );
        // -0.0 and 0.0 are equal doubles.
        let want: Vec<i64> = rows
            .iter()
            .filter(|(_, c)| c[0] == Cell::Num(x))
            .map(|(i, _)| *i)
            .collect();
        for params in [false, true] {
            let opts = SqlOptions::new(d)
                .table(&table)
                .columns(["id"])
                .params(params);
            let (q, got) = c.select_ids(&p, &opts)?;
            prop_assert_eq!(&got, &want, "{} {:?}", q.sql(), q.params());
        }
        Ok(())
    });
}

sqldb::engine_tests!(run: sqlite_reads_the_same_double, postgres_reads_the_same_double, mysql_reads_the_same_double);
