//! The benchmark inputs and pipelines, shared by every bench binary (`compile`,
//! `memory`, `instructions`) so they all measure exactly the same work.
//!
//! Three shapes from issue 8, each as filterql text and as the equivalent SQL
//! expression (the sqlparser baseline parses the latter):
//!
//! - `typical`: a ~120-byte filter mixing the common tests;
//! - `conditions_200`: 200 conditions on 200 distinct fields, joined by `and` (~6 KB);
//! - `in_list_10k`: one `in` list of 10,000 text values (~100 KB).
//!
//! Two nested shapes from issue 18, where strict jdy does not apply (jdy filters are one
//! flat level), measured through jdy pushdown and the other targets, and through strict
//! jdy on their flat equivalents (the group's `or` written as `and`):
//!
//! - `nested_typical` (A): the typical filter with one `(.. or ..)` group, ~120 B;
//! - `nested_200` (B): 200 conditions on 200 fields in groups
//!   `(a or b) and c and (d or e or f)`, ~6 KB.
//!
//! Plus `scaling(n)`: `n` short conditions over ten number fields joined by `or`, from
//! 10 to 100,000 conditions (which is just under the parser's 1 MiB input limit), and
//! `endswith_N`: `N` conditions `fI endswith "x"` joined by `and` (issue 15.1: none fits
//! jdy exactly, so every conjunct asks which others guard its field).
#![allow(dead_code)] // each bench binary uses a different subset

use chrono::{DateTime, FixedOffset};
use filterql::schema::Field;
use filterql::target::sql::{Dialect, SqlOptions};
use filterql::{FieldType, Options, Schema};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use std::fmt::Write as _;

/// One input: the filterql query and the same filter as a SQL expression.
pub struct Shape {
    /// Name used in bench ids and reports.
    pub name: &'static str,
    /// The filterql query.
    pub fq: String,
    /// The equivalent SQL expression (for sqlparser's `parse_expr`).
    pub sql: String,
    /// The schema the query is checked against.
    pub schema: Schema,
    /// For a nested shape: the same conditions flat (the groups' `or` as `and`), the
    /// input of strict jdy, which takes only one flat level.
    pub flat: Option<String>,
}

impl Shape {
    /// The query a pipeline runs on: the flat equivalent for strict jdy on a nested
    /// shape, the query itself otherwise.
    pub fn input(&self, pipeline: &str) -> &str {
        match (&self.flat, pipeline) {
            (Some(flat), "jdy") => flat,
            _ => &self.fq,
        }
    }
}

/// The three shapes of issue 8 and the two nested shapes of issue 18, in report order.
pub fn shapes() -> Vec<Shape> {
    vec![
        typical(),
        conditions(200),
        in_list(10_000),
        nested_typical(),
        nested(200),
    ]
}

/// The shape called `name` (for the single-shape runs of `memory` and `instructions`);
/// `scaling_N` is [`scaling`] with `N` conditions (its SQL is empty).
pub fn shape(name: &str) -> Option<Shape> {
    if let Some(n) = name.strip_prefix("scaling_") {
        return Some(Shape {
            name: "scaling",
            fq: scaling(n.parse().ok()?),
            sql: String::new(),
            schema: scaling_schema(),
            flat: None,
        });
    }
    if let Some(n) = name.strip_prefix("endswith_") {
        let n: usize = n.parse().ok()?;
        let fq = (0..n)
            .map(|i| format!(r#"f{i} endswith "x""#))
            .collect::<Vec<_>>()
            .join(" and ");
        let fields = (0..n)
            .map(|i| Field::new(format!("f{i}"), FieldType::Text))
            .collect();
        return Some(Shape {
            name: "endswith",
            fq,
            sql: String::new(),
            schema: Schema::new(fields),
            flat: None,
        });
    }
    shapes().into_iter().find(|s| s.name == name)
}

/// A fixed clock, so `today`-free queries and any relative literal compile the same way
/// in every run.
pub fn options() -> Options {
    let now: DateTime<FixedOffset> = DateTime::parse_from_rfc3339("2024-05-01T12:00:00+08:00")
        .expect("a valid RFC 3339 literal");
    Options::at(now)
}

/// A typical hand-written filter (the kind a UI filter bar produces).
pub fn typical() -> Shape {
    let fq = r#"createTime >= 2022-01-01 and amount > 100 and status in ("待处理", "处理中") and class contains "A1" and owner = "alice""#;
    let sql = r#"createTime >= '2022-01-01' AND amount > 100 AND status IN ('待处理', '处理中') AND class LIKE '%A1%' AND owner = 'alice'"#;
    Shape {
        name: "typical",
        fq: fq.to_owned(),
        sql: sql.to_owned(),
        schema: form(),
        flat: None,
    }
}

/// A: the typical filter with one nested `or` group.
pub fn nested_typical() -> Shape {
    let fq = r#"createTime >= 2022-01-01 and amount > 100 and (status = "待处理" or class contains "A1") and owner = "alice""#;
    let flat = r#"createTime >= 2022-01-01 and amount > 100 and status = "待处理" and class contains "A1" and owner = "alice""#;
    let sql = r#"createTime >= '2022-01-01' AND amount > 100 AND (status = '待处理' OR class LIKE '%A1%') AND owner = 'alice'"#;
    Shape {
        name: "nested_typical",
        fq: fq.to_owned(),
        sql: sql.to_owned(),
        schema: form(),
        flat: Some(flat.to_owned()),
    }
}

/// B: `n` conditions on `n` distinct fields (the kinds of [`conditions`]) in groups of
/// six, `(a or b) and c and (d or e or f)`, the groups joined by `and`.
pub fn nested(n: usize) -> Shape {
    let base = conditions(n);
    let (fq_parts, sql_parts) = (split_and(&base.fq, " and "), split_and(&base.sql, " AND "));
    let join = |parts: &[&str], and: &str, or: &str| {
        let mut out = String::new();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                out.push_str(if matches!(i % 6, 1 | 4 | 5) { or } else { and });
            }
            if matches!(i % 6, 0 | 3) {
                out.push('(');
            }
            out.push_str(p);
            if matches!(i % 6, 1 | 5) || i + 1 == parts.len() && matches!(i % 6, 0 | 3 | 4) {
                out.push(')');
            }
        }
        out
    };
    Shape {
        name: "nested_200",
        fq: join(&fq_parts, " and ", " or "),
        sql: join(&sql_parts, " AND ", " OR "),
        schema: base.schema,
        flat: Some(base.fq),
    }
}

fn split_and<'a>(text: &'a str, sep: &str) -> Vec<&'a str> {
    text.split(sep).collect()
}

/// The form of the `typical` and `in_list_10k` shapes: a jdy-like form of ten fields (its
/// own, so that changes to the REPL's demo form do not change what is measured).
pub fn form() -> Schema {
    let widget = |name: &str, label: &str, ty: FieldType, w: &str| Field {
        widget: Some(w.to_owned()),
        ..Field::new(name, ty).with_label(label)
    };
    let status = Field {
        options: ["待处理", "处理中", "已完成"].map(str::to_owned).to_vec(),
        ..widget("status", "状态", FieldType::Select, "combo")
    };
    Schema::new(vec![
        widget("class", "班级", FieldType::Text, "text"),
        widget("amount", "金额", FieldType::Number, "number"),
        widget("phone", "手机", FieldType::Phone, "phone"),
        status,
        widget("tags", "标签", FieldType::Multiselect, "checkboxgroup"),
        widget("due", "截止时间", FieldType::Datetime, "datetime"),
        widget("owner", "负责人", FieldType::User, "user"),
        widget("dept", "部门", FieldType::Dept, "dept"),
        widget("sn", "流水号", FieldType::Sn, "sn"),
        widget("remark", "备注", FieldType::Text, "textarea"),
    ])
}

/// `n` conditions on `n` distinct fields `f0..`, cycling through five kinds of test,
/// joined by `and` (the only connective every backend takes flat).
pub fn conditions(n: usize) -> Shape {
    let mut fields = Vec::with_capacity(n);
    let (mut fq, mut sql) = (String::new(), String::new());
    for i in 0..n {
        if i > 0 {
            fq.push_str(" and ");
            sql.push_str(" AND ");
        }
        let ty = match i % 5 {
            0 => {
                let _ = write!(fq, r#"f{i} = "value {i}""#);
                let _ = write!(sql, "f{i} = 'value {i}'");
                FieldType::Text
            }
            1 => {
                let _ = write!(fq, "f{i} > {i}.5");
                let _ = write!(sql, "f{i} > {i}.5");
                FieldType::Number
            }
            2 => {
                let d = i % 28 + 1;
                let _ = write!(fq, "f{i} >= 2022-01-{d:02}T08:30:00");
                let _ = write!(sql, "f{i} >= '2022-01-{d:02} 08:30:00'");
                FieldType::Datetime
            }
            3 => {
                let _ = write!(fq, r#"f{i} contains "abc{i}""#);
                let _ = write!(sql, "f{i} LIKE '%abc{i}%'");
                FieldType::Text
            }
            _ => {
                let _ = write!(fq, r#"f{i} in ("a{i}", "b{i}", "c{i}")"#);
                let _ = write!(sql, "f{i} IN ('a{i}', 'b{i}', 'c{i}')");
                FieldType::Select
            }
        };
        fields.push(Field::new(format!("f{i}"), ty));
    }
    Shape {
        name: "conditions_200",
        fq,
        sql,
        schema: Schema::new(fields),
        flat: None,
    }
}

/// `sn in ("A00000", ...)` with `n` distinct values.
pub fn in_list(n: usize) -> Shape {
    let (mut fq, mut sql) = (String::from("sn in ("), String::from("sn IN ("));
    for i in 0..n {
        if i > 0 {
            fq.push_str(", ");
            sql.push_str(", ");
        }
        let _ = write!(fq, r#""A{i:05}""#);
        let _ = write!(sql, "'A{i:05}'");
    }
    fq.push(')');
    sql.push(')');
    Shape {
        name: "in_list_10k",
        fq,
        sql,
        schema: form(),
        flat: None,
    }
}

/// The scaling input: `n` conditions `a=0||b=1||...` over the number fields `a`..`j`
/// (every condition distinct, so nothing folds away).
pub fn scaling(n: usize) -> String {
    let mut fq = String::with_capacity(n * 10);
    for i in 0..n {
        if i > 0 {
            fq.push_str("||");
        }
        let f = char::from(b'a' + (i % 10) as u8);
        let _ = write!(fq, "{f}={i}");
    }
    fq
}

/// The schema of [`scaling`]: number fields `a`..`j`.
pub fn scaling_schema() -> Schema {
    Schema::new(
        (b'a'..=b'j')
            .map(|c| Field::new(char::from(c).to_string(), FieldType::Number))
            .collect(),
    )
}

/// The sqlparser baseline: `Parser::parse_expr` on `sql`. Returns a value derived from
/// the tree so the work cannot be optimised away.
pub fn sqlparser_parse(sql: &str) -> usize {
    let dialect = GenericDialect {};
    let expr = Parser::new(&dialect)
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_expr())
        .expect("the baseline SQL parses");
    std::mem::size_of_val(&expr)
}

/// filterql's parser alone.
pub fn parse(fq: &str) -> filterql::syntax::ast::Expr {
    filterql::syntax::parse(fq).expect("the bench query parses")
}

/// The front end every output shares: parse, check against the schema, normalize.
pub fn compile(fq: &str, schema: &Schema, opts: &Options) -> filterql::Query {
    filterql::compile(fq, schema, opts).expect("the bench query compiles")
}

/// Parse, check, normalize and emit the jdy filter as JSON text.
pub fn compile_jdy(fq: &str, schema: &Schema, opts: &Options) -> String {
    let q = filterql::compile(fq, schema, opts).expect("the bench query compiles");
    // The JSON text written straight from the IR: byte for byte
    // `serde_json::to_string(&jdy::compile(..))` (tests/jdy_json.rs), without the
    // intermediate `JdyFilter`.
    q.to_jdy_json().expect("the bench query compiles to jdy")
}

/// Parse, check, normalize, plan the jdy pushdown and write it as the CLI's
/// `{"filter":…,"residual":…}` (compact) JSON text.
pub fn compile_jdy_pushdown(fq: &str, schema: &Schema, opts: &Options) -> String {
    let q = filterql::compile(fq, schema, opts).expect("the bench query compiles");
    q.to_jdy_pushdown().to_json()
}

/// Parse, check, normalize and emit the masterdata condition tree as JSON text.
pub fn compile_masterdata(fq: &str, schema: &Schema, opts: &Options) -> String {
    let q = filterql::compile(fq, schema, opts).expect("the bench query compiles");
    // Written straight from the IR: byte for byte `to_masterdata()?.to_json()`
    // (tests/masterdata_json.rs), without the intermediate tree.
    q.to_masterdata_json()
        .expect("the bench query compiles to masterdata")
}

/// Parse, check, normalize and emit the `WHERE` condition in `dialect`: with inline
/// literals the text (what `filterql compile --target sql` prints), with placeholders
/// the `{"sql", "params"}` JSON (the `--params` output), written directly: byte for byte
/// `serde_json::to_string(&q.to_sql_where(..)?)` (tests/sql_json.rs).
fn compile_sql_in(
    fq: &str,
    schema: &Schema,
    opts: &Options,
    dialect: Dialect,
    params: bool,
) -> String {
    let q = filterql::compile(fq, schema, opts).expect("the bench query compiles");
    let sql = SqlOptions::new(dialect).params(params);
    if params {
        q.to_sql_where_json(&sql)
    } else {
        q.to_sql_where(&sql).map(|f| f.into_parts().0)
    }
    .expect("the bench query compiles to SQL")
}

/// MySQL, inline literals.
pub fn compile_sql(fq: &str, schema: &Schema, opts: &Options) -> String {
    compile_sql_in(fq, schema, opts, Dialect::Mysql, false)
}

/// MySQL, placeholders (`?`) and parameters as JSON.
pub fn compile_sql_mysql_params(fq: &str, schema: &Schema, opts: &Options) -> String {
    compile_sql_in(fq, schema, opts, Dialect::Mysql, true)
}

/// PostgreSQL, inline literals.
pub fn compile_sql_postgres(fq: &str, schema: &Schema, opts: &Options) -> String {
    compile_sql_in(fq, schema, opts, Dialect::Postgres, false)
}

/// PostgreSQL, `$n` placeholders and parameters as JSON.
pub fn compile_sql_params(fq: &str, schema: &Schema, opts: &Options) -> String {
    compile_sql_in(fq, schema, opts, Dialect::Postgres, true)
}

/// SQLite, inline literals.
pub fn compile_sql_sqlite(fq: &str, schema: &Schema, opts: &Options) -> String {
    compile_sql_in(fq, schema, opts, Dialect::Sqlite, false)
}

/// SQLite, placeholders (`?`) and parameters as JSON.
pub fn compile_sql_sqlite_params(fq: &str, schema: &Schema, opts: &Options) -> String {
    compile_sql_in(fq, schema, opts, Dialect::Sqlite, true)
}

/// The pipelines every shape is measured with, by report name.
pub type Pipeline = fn(&str, &Schema, &Options) -> String;

/// The emit pipelines, in report order (`jdy` runs on a nested shape's flat
/// equivalent: see [`Shape::input`]).
pub const PIPELINES: [(&str, Pipeline); 9] = [
    ("jdy", compile_jdy),
    ("jdy_pushdown", compile_jdy_pushdown),
    ("masterdata", compile_masterdata),
    ("sql", compile_sql),
    ("sql_mysql_params", compile_sql_mysql_params),
    ("sql_postgres", compile_sql_postgres),
    ("sql_params", compile_sql_params),
    ("sql_sqlite", compile_sql_sqlite),
    ("sql_sqlite_params", compile_sql_sqlite_params),
];
