//! Shared test support: a fixed schema with one field of every type (plus a subform),
//! `FieldRef`s for its fields, and proptest strategies for IR predicates and records.
//!
//! Values in both generators come from the same small pools so that a generated
//! predicate and a generated record collide often (equal values, range ends hit exactly,
//! every empty form), which is where the semantics is easiest to get wrong.
//!
//! Integration tests use it with `mod support;`.
#![allow(dead_code)]

pub mod any_ir;

use chrono::FixedOffset;
use filterql::ir::{Bound, FieldInfo, FieldRef, Pred, Range, Scalar, Test};
use filterql::schema::{Field, FieldType, Schema};
use filterql::syntax::ast::TextOp;
use filterql::Span;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// The test schema in the native format (DESIGN §4). System fields (`_id`, `createTime`,
/// `updateTime`, `creator`, `updater`, `flowState`) are implied.
pub const SCHEMA_JSON: &str = r#"{
  "timezone": "+08:00",
  "fields": [
    {"name": "title", "label": "标题", "type": "text"},
    {"name": "amount", "label": "金额", "type": "number"},
    {"name": "due", "label": "截止时间", "type": "datetime"},
    {"name": "mobile", "label": "手机", "type": "phone"},
    {"name": "status", "label": "状态", "type": "select", "options": ["open", "closed", "hold"]},
    {"name": "tags", "label": "标签", "type": "multiselect", "options": ["a", "b", "c"]},
    {"name": "owner", "label": "负责人", "type": "user"},
    {"name": "team", "label": "部门", "type": "dept"},
    {"name": "watchers", "label": "关注人", "type": "usergroup"},
    {"name": "depts", "label": "协作部门", "type": "deptgroup"},
    {"name": "code", "label": "编号", "type": "sn"},
    {"name": "attachment", "label": "附件", "type": "other"},
    {"name": "items", "label": "明细", "type": "subform", "fields": [
      {"name": "sku", "label": "物料", "type": "text"},
      {"name": "qty", "label": "数量", "type": "number"},
      {"name": "shipped", "label": "发货时间", "type": "datetime"},
      {"name": "color", "label": "颜色", "type": "select", "options": ["red", "blue"]}
    ]}
  ]
}"#;

/// The time zone of the test schema.
pub fn tz() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

fn field(name: &str, label: Option<&str>, ty: FieldType) -> Field {
    let f = Field::new(name, ty);
    match label {
        Some(l) => f.with_label(l),
        None => f,
    }
}

fn with_options(mut f: Field, options: &[&str]) -> Field {
    f.options = options.iter().map(|s| s.to_string()).collect();
    f
}

fn system(name: &str, ty: FieldType) -> Field {
    Field {
        system: true,
        ..field(name, None, ty)
    }
}

/// The user-declared fields of [`SCHEMA_JSON`], in order (no system fields).
pub fn declared_fields() -> Vec<Field> {
    use FieldType::*;
    let mut items = field("items", Some("明细"), Subform);
    items.fields = vec![
        field("sku", Some("物料"), Text),
        field("qty", Some("数量"), Number),
        field("shipped", Some("发货时间"), Datetime),
        with_options(field("color", Some("颜色"), Select), &["red", "blue"]),
    ];
    vec![
        field("title", Some("标题"), Text),
        field("amount", Some("金额"), Number),
        field("due", Some("截止时间"), Datetime),
        field("mobile", Some("手机"), Phone),
        with_options(
            field("status", Some("状态"), Select),
            &["open", "closed", "hold"],
        ),
        with_options(field("tags", Some("标签"), Multiselect), &["a", "b", "c"]),
        field("owner", Some("负责人"), User),
        field("team", Some("部门"), Dept),
        field("watchers", Some("关注人"), Usergroup),
        field("depts", Some("协作部门"), Deptgroup),
        field("code", Some("编号"), Sn),
        field("attachment", Some("附件"), Other),
        items,
    ]
}

/// The jdy system fields every schema has.
pub fn system_fields() -> Vec<Field> {
    use FieldType::*;
    vec![
        system("_id", Dataid),
        system("createTime", Datetime),
        system("updateTime", Datetime),
        system("creator", User),
        system("updater", User),
        system("flowState", Flowstate),
    ]
}

/// The test schema, built by hand (declared fields, then system fields), so tests do not
/// depend on the loader they may be testing.
pub fn schema() -> Schema {
    let mut fields = declared_fields();
    fields.extend(system_fields());
    Schema::exact(fields).with_timezone(tz())
}

/// A `FieldRef` for a top-level field (`"amount"`) or a subform column (`"items.qty"`)
/// of the test schema. Panics on a name the schema does not have (a bug in the test).
pub fn field_ref(path: &str) -> FieldRef {
    let all = schema().into_fields();
    let (sub, f) = match path.split_once('.') {
        None => (None, all.into_iter().find(|f| f.name == path)),
        Some((s, c)) => {
            let parent = all.into_iter().find(|f| f.name == s);
            (
                Some(s.to_string()),
                parent.and_then(|p| p.fields.into_iter().find(|f| f.name == c)),
            )
        }
    };
    let f = f.unwrap_or_else(|| panic!("test schema has no field `{path}`"));
    FieldRef::new(FieldInfo {
        column: f.column.clone().unwrap_or_else(|| f.name.clone()),
        name: f.name,
        subform: sub,
        ty: f.ty,
        widget: f.widget,
        label: f.label,
    })
}

/// A top-level field of type `ty` outside any schema, its column its name, without a
/// widget or a label: the field of tests that build predicates by hand.
pub fn top_field(name: &str, ty: FieldType) -> FieldRef {
    Field::new(name, ty).to_ref(None)
}

/// A leaf on [`top_field`]`(name, ty)`, negated or not, without a source span.
pub fn top_leaf(name: &str, ty: FieldType, test: Test, negated: bool) -> Pred {
    Pred::leaf(top_field(name, ty), test, negated, Span::default())
}

/// Every testable field of the schema: each top-level field (the subform itself
/// included) and each subform column as a dotted path.
pub fn field_paths() -> Vec<String> {
    let mut out = Vec::new();
    for f in schema().into_fields() {
        out.push(f.name.clone());
        for c in &f.fields {
            out.push(format!("{}.{}", f.name, c.name));
        }
    }
    out
}

/// Asserts that a direct JSON writer's output is the serde text of the value the other
/// method returns, or that both failed with the same diagnostics.
pub fn assert_same_json<E: std::fmt::Debug>(
    label: &str,
    direct: Result<String, E>,
    via_serde: Result<String, E>,
) {
    match (direct, via_serde) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{label}"),
        (Err(a), Err(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{label}"),
        (a, b) => panic!("{label}: {a:?} vs {b:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Value pools shared by predicates and records.

/// Texts a predicate may compare with (never empty: `""` is not a useful literal).
pub const TEXTS: &[&str] = &["a", "ab", "b", "A", "中文"];
/// Operands of contains/startswith/endswith.
pub const NEEDLES: &[&str] = &["a", "b", "B", "中", "ab", "139", "01"];
/// Numbers (also compared exactly at range ends).
pub const NUMBERS: &[f64] = &[-1.0, 0.0, 1.0, 2.5, 10.0];
/// Select options, plus one value the schema does not list.
pub const SELECTS: &[&str] = &["open", "closed", "hold"];
/// Multiselect options.
pub const TAGS: &[&str] = &["a", "b", "c"];
/// Subform select options.
pub const COLORS: &[&str] = &["red", "blue"];
/// Usernames.
pub const USERS: &[&str] = &["alice", "bob", "carol"];
/// Department numbers.
pub const DEPTS: &[f64] = &[1.0, 2.0, 3.0];
/// Serial numbers.
pub const SNS: &[&str] = &["SN-1", "SN-2", "SN-10"];
/// Record ids.
pub const IDS: &[&str] = &["5f0000000000000000000001", "5f0000000000000000000002"];
/// Phone numbers.
pub const PHONES: &[&str] = &["13900000000", "13800000001"];

/// Instants (ms since the epoch): 2022-01-01T00:00:00+08:00 and its neighbours.
pub fn instants() -> Vec<i64> {
    let base = 1_640_966_400_000_i64; // 2022-01-01T00:00:00+08:00
    vec![
        base - 86_400_000,
        base - 1,
        base,
        base + 1,
        base + 3_600_000,
        base + 86_400_000,
    ]
}

fn pick_str(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(pool).prop_map(str::to_string)
}

fn pick_num(pool: &'static [f64]) -> impl Strategy<Value = f64> {
    prop::sample::select(pool)
}

// ---------------------------------------------------------------------------------------
// Predicates.

/// A scalar of the kind a field of type `ty` compares with, from the pools.
/// `path` distinguishes fields of the same type with different pools.
fn arb_scalar(path: &str, ty: FieldType) -> BoxedStrategy<Scalar> {
    use FieldType::*;
    match ty {
        Number | Flowstate | Dept | Deptgroup => {
            let pool: &'static [f64] = match ty {
                Flowstate => &[0.0, 1.0, 2.0, 3.0],
                Dept | Deptgroup => DEPTS,
                _ => NUMBERS,
            };
            pick_num(pool).prop_map(Scalar::Number).boxed()
        }
        Datetime => prop::sample::select(instants())
            .prop_map(Scalar::DateTime)
            .boxed(),
        _ => {
            let pool: &'static [&'static str] = match (ty, path) {
                (Select, "items.color") => COLORS,
                (Select, _) => SELECTS,
                (Multiselect, _) => TAGS,
                (User | Usergroup, _) => USERS,
                (Sn, _) => SNS,
                (Dataid, _) => IDS,
                (Phone, _) => PHONES,
                _ => TEXTS,
            };
            pick_str(pool).prop_map(|s| Scalar::Text(s.into())).boxed()
        }
    }
}

fn arb_scalars(path: &str, ty: FieldType) -> BoxedStrategy<Vec<Scalar>> {
    prop::collection::vec(arb_scalar(path, ty), 1..4).boxed()
}

/// A range over the pool values of a field of type `ty`; at least one end, possibly
/// empty (`lo > hi`), ends inclusive or not.
pub fn arb_range(path: &str, ty: FieldType) -> BoxedStrategy<Range> {
    let bound = (arb_scalar(path, ty), any::<bool>())
        .prop_map(|(value, inclusive)| Bound { value, inclusive });
    (prop::option::of(bound.clone()), prop::option::of(bound))
        .prop_filter_map("a range has an end", |(lo, hi)| {
            (lo.is_some() || hi.is_some()).then_some(Range { lo, hi })
        })
        .boxed()
}

fn arb_text_test() -> BoxedStrategy<Test> {
    (
        prop::sample::select(&[TextOp::Contains, TextOp::StartsWith, TextOp::EndsWith][..]),
        pick_str(NEEDLES),
    )
        .prop_map(|(op, s)| Test::Text(op, s.into()))
        .boxed()
}

/// The tests that are well typed on a field of type `ty` (the checker's operator table,
/// `src/check/rules.rs`): equality and `in` on the scalar types, ranges on number and
/// datetime, `contains` on text, sn and phone, `startswith`/`endswith` on text and sn,
/// `verified`/`unverified` on phone, `has` on the array types, `is empty` everywhere.
pub fn arb_test(path: &str, ty: FieldType) -> BoxedStrategy<Test> {
    use FieldType::*;
    let p = path.to_string();
    let eq = arb_scalar(&p, ty).prop_map(Test::Eq).boxed();
    let inn = arb_scalars(&p, ty).prop_map(Test::In).boxed();
    let range = arb_range(&p, ty).prop_map(Test::Range).boxed();
    let empty = Just(Test::Empty).boxed();
    match ty {
        Text | Sn => prop_oneof![eq, inn, empty, arb_text_test()].boxed(),
        Select | Dataid | User | Flowstate | Dept => prop_oneof![eq, inn, empty].boxed(),
        Number | Datetime => prop_oneof![1 => eq, 1 => inn, 2 => range, 1 => empty].boxed(),
        Phone => prop_oneof![
            eq,
            inn,
            empty,
            Just(Test::Verified),
            Just(Test::Unverified),
            pick_str(NEEDLES).prop_map(|s| Test::Text(TextOp::Contains, s.into())),
        ]
        .boxed(),
        Multiselect | Usergroup | Deptgroup => prop_oneof![
            arb_scalars(&p, ty).prop_map(Test::HasAny),
            arb_scalars(&p, ty).prop_map(Test::HasAll),
            empty
        ]
        .boxed(),
        Subform | Other => empty,
    }
}

/// One leaf over any field of the test schema, negated or not.
pub fn arb_leaf() -> BoxedStrategy<Pred> {
    arb_leaf_over(field_paths())
}

/// One leaf over one of `paths` (as [`field_ref`] takes them), with a test from
/// [`arb_test`], negated or not.
pub fn arb_leaf_over(paths: Vec<String>) -> BoxedStrategy<Pred> {
    prop::sample::select(paths)
        .prop_flat_map(|path| {
            let f = field_ref(&path);
            (arb_test(&path, f.ty), any::<bool>()).prop_map(move |(test, negated)| {
                Pred::leaf(f.clone(), test, negated, Span::default())
            })
        })
        .boxed()
}

/// IR predicates over the test schema: leaves of every test kind valid for each field
/// type, negated leaves, and `And`/`Or`/`Not` nesting up to depth 4. No `True`/`False`
/// (the checker never produces them); see [`arb_pred_with_constants`].
pub fn arb_pred() -> BoxedStrategy<Pred> {
    nested(arb_leaf())
}

/// `leaf` nested in `And`/`Or` of one to three parts and `Not`, up to depth 4.
pub fn nested(leaf: BoxedStrategy<Pred>) -> BoxedStrategy<Pred> {
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Pred::And),
            prop::collection::vec(inner.clone(), 1..4).prop_map(Pred::Or),
            inner.prop_map(|p| Pred::Not(Box::new(p))),
        ]
    })
    .boxed()
}

/// Like [`arb_pred`], with `True`/`False` leaves and empty `And`/`Or` too (the shapes
/// normalization must fold).
pub fn arb_pred_with_constants() -> BoxedStrategy<Pred> {
    prop_oneof![
        6 => arb_leaf(),
        1 => Just(Pred::True),
        1 => Just(Pred::False),
    ]
    .prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Pred::And),
            prop::collection::vec(inner.clone(), 0..4).prop_map(Pred::Or),
            inner.prop_map(|p| Pred::Not(Box::new(p))),
        ]
    })
    .boxed()
}

// ---------------------------------------------------------------------------------------
// Records.

/// Every empty form a value can take (besides the key being absent).
fn empty_value() -> BoxedStrategy<Value> {
    prop_oneof![Just(Value::Null), Just(json!("")), Just(json!([]))].boxed()
}

/// A datetime string for a pool instant, in one of the formats jdy and users write:
/// `Z` with and without milliseconds, a `+08:00` offset, no offset (UTC).
fn datetime_string() -> BoxedStrategy<Value> {
    (prop::sample::select(instants()), 0..4u8)
        .prop_map(|(ms, style)| {
            let utc = chrono::DateTime::from_timestamp_millis(ms).expect("in range");
            let s = match style {
                0 => utc.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
                1 if ms % 1000 == 0 => utc.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                1 | 2 => utc
                    .with_timezone(&tz())
                    .format("%Y-%m-%dT%H:%M:%S%.3f%:z")
                    .to_string(),
                _ => utc.format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
            };
            Value::String(s)
        })
        .boxed()
}

fn user_value() -> BoxedStrategy<Value> {
    (pick_str(USERS), any::<bool>())
        .prop_map(|(u, plain)| {
            if plain {
                json!(u)
            } else {
                json!({"username": u, "name": u.to_uppercase()})
            }
        })
        .boxed()
}

fn dept_value() -> BoxedStrategy<Value> {
    (pick_num(DEPTS), any::<bool>())
        .prop_map(|(d, plain)| {
            let n = d as i64;
            if plain {
                json!(n)
            } else {
                json!({"dept_no": n, "name": format!("D{n}")})
            }
        })
        .boxed()
}

fn number_value() -> BoxedStrategy<Value> {
    prop_oneof![
        pick_num(NUMBERS).prop_map(|n| json!(n)),
        // Integers as JSON integers, as jdy sends them.
        prop::sample::select(&[-1_i64, 0, 1, 10][..]).prop_map(|n| json!(n)),
        Just(json!(3.75)),
    ]
    .boxed()
}

/// A present, non-empty value for a field of type `ty`, from the pools; when `messy`,
/// sometimes a value the type cannot hold (which `eval` treats as empty).
fn filled_value(path: &str, ty: FieldType, messy: bool) -> BoxedStrategy<Value> {
    use FieldType::*;
    let right = match ty {
        Text => pick_str(&["a", "ab", "b", "A", "中文", "xab", "Ab", "ba"])
            .prop_map(Value::String)
            .boxed(),
        Number => number_value(),
        Datetime => datetime_string(),
        Phone => (
            pick_str(PHONES),
            prop::sample::select(&[Some(true), Some(false), None][..]),
        )
            .prop_map(|(p, v)| match v {
                Some(v) => json!({"phone": p, "verified": v}),
                None => json!({"phone": p}),
            })
            .boxed(),
        Flowstate => prop::sample::select(&[0_i64, 1, 2, 3][..])
            .prop_map(|n| json!(n))
            .boxed(),
        Select if path == "items.color" => pick_str(&["red", "blue", "green"])
            .prop_map(Value::String)
            .boxed(),
        Select => pick_str(&["open", "closed", "hold", "Open"])
            .prop_map(Value::String)
            .boxed(),
        Multiselect => prop::sample::subsequence(TAGS, 1..=3)
            .prop_map(|v| json!(v))
            .boxed(),
        User => user_value(),
        Dept => dept_value(),
        Usergroup => prop::collection::vec(user_value(), 1..3)
            .prop_map(Value::Array)
            .boxed(),
        Deptgroup => prop::collection::vec(dept_value(), 1..3)
            .prop_map(Value::Array)
            .boxed(),
        Sn => pick_str(SNS).prop_map(Value::String).boxed(),
        Dataid => pick_str(IDS).prop_map(Value::String).boxed(),
        Other => prop_oneof![
            Just(json!({"name": "f.pdf"})),
            Just(json!("x")),
            Just(json!(1))
        ]
        .boxed(),
        Subform => subform_rows(messy),
    };
    if !messy {
        return right;
    }
    let wrong = prop_oneof![
        Just(json!("1")),
        Just(json!("not a date")),
        Just(json!(1)),
        Just(json!(true)),
        Just(json!({}))
    ];
    prop_oneof![12 => right, 1 => wrong].boxed()
}

/// The value of a field: absent (`None`), one of the empty forms, or filled.
fn field_value(path: &str, ty: FieldType, messy: bool) -> BoxedStrategy<Option<Value>> {
    let mut empty = vec![Just(None).boxed(), empty_value().prop_map(Some).boxed()];
    if ty == FieldType::Phone {
        empty.push(
            prop_oneof![
                Just(json!({"verified": true})),
                Just(json!({"phone": "", "verified": false})),
                Just(json!({"phone": null})),
            ]
            .prop_map(Some)
            .boxed(),
        );
    }
    let empty = prop::strategy::Union::new(empty);
    prop_oneof![1 => empty, 2 => filled_value(path, ty, messy).prop_map(Some)].boxed()
}

fn object(entries: Vec<(String, Option<Value>)>) -> Value {
    let mut m = Map::new();
    for (k, v) in entries {
        if let Some(v) = v {
            m.insert(k, v);
        }
    }
    Value::Object(m)
}

/// Subform rows: zero to three rows, each with every column filled or empty.
fn subform_rows(messy: bool) -> BoxedStrategy<Value> {
    let parent = schema()
        .into_fields()
        .into_iter()
        .find(|f| f.name == "items")
        .expect("items subform");
    let cols: Vec<BoxedStrategy<(String, Option<Value>)>> = parent
        .fields
        .iter()
        .map(|c| {
            let name = c.name.clone();
            field_value(&format!("items.{}", c.name), c.ty, messy)
                .prop_map(move |v| (name.clone(), v))
                .boxed()
        })
        .collect();
    prop::collection::vec(cols.prop_map(object), 1..4)
        .prop_map(Value::Array)
        .boxed()
}

/// Records over the test schema: every field absent, empty in each form (null, `""`,
/// `[]`, phone without a number) or filled from the pools with a value of the field's
/// type. Subforms hold up to three rows (an empty subform is one of the empty forms).
/// These are records any platform can store; see [`arb_messy_record`] for ill-typed data.
pub fn arb_record() -> BoxedStrategy<Value> {
    record(false)
}

/// Like [`arb_record`], but a field sometimes holds a value its type cannot hold (a
/// string in a number field, an unparseable datetime, `true`, `{}`), as hand-written
/// JSON data may: `eval` must treat it as empty, without panicking.
pub fn arb_messy_record() -> BoxedStrategy<Value> {
    record(true)
}

fn record(messy: bool) -> BoxedStrategy<Value> {
    let fields: Vec<BoxedStrategy<(String, Option<Value>)>> = schema()
        .into_fields()
        .into_iter()
        .map(|f| {
            let name = f.name.clone();
            field_value(&f.name, f.ty, messy)
                .prop_map(move |v| (name.clone(), v))
                .boxed()
        })
        .collect();
    fields.prop_map(object).boxed()
}

/// A batch of well-typed records, for tests that compare whole result sets.
pub fn arb_records() -> BoxedStrategy<Vec<Value>> {
    prop::collection::vec(arb_record(), 1..12).boxed()
}

/// A batch of records including ill-typed values.
pub fn arb_messy_records() -> BoxedStrategy<Vec<Value>> {
    prop::collection::vec(arb_messy_record(), 1..12).boxed()
}
