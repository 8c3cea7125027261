//! Schema loading (native and jdy formats), system fields, errors and name resolution.

mod support;

use filterql::schema::{Field, ResolveError, SchemaError};
use filterql::{FieldType, Schema};
use miette::Diagnostic;

fn fixture() -> Schema {
    let text = std::fs::read_to_string("tests/fixtures/check/schema.json").unwrap();
    Schema::from_json(&text).unwrap()
}

fn err(text: &str) -> SchemaError {
    match Schema::from_json(text) {
        Ok(s) => panic!("schema accepted: {s:?}"),
        Err(e) => e,
    }
}

fn code(e: &SchemaError) -> String {
    e.code().map(|c| c.to_string()).unwrap_or_default()
}

fn names(s: &Schema) -> Vec<&str> {
    s.fields().iter().map(|f| f.name.as_str()).collect()
}

#[test]
fn native_fixture_loads_with_system_fields_after_its_own() {
    let s = fixture();
    let n = names(&s);
    assert_eq!(n[0], "_widget_1");
    assert_eq!(n[14], "items");
    assert_eq!(
        &n[15..],
        [
            "_id",
            "createTime",
            "updateTime",
            "creator",
            "updater",
            "flowState"
        ]
    );
    assert!(s.fields()[15..].iter().all(|f| f.system));
    assert!(s.fields()[..15].iter().all(|f| !f.system));
    assert_eq!(s.timezone.local_minus_utc(), 8 * 3600);
    assert!(!s.infer);
    let status = s.field("status").unwrap();
    assert_eq!(status.ty, FieldType::Select);
    assert_eq!(status.options, ["待处理", "处理中", "已完成"]);
    assert_eq!(status.widget.as_deref(), Some("radiogroup"));
    let items = s.field("items").unwrap();
    assert_eq!(items.fields.len(), 3);
    assert_eq!(items.fields[1].ty, FieldType::Number);
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let s =
        Schema::from_json("\u{feff}{\"fields\":[{\"name\":\"a\",\"type\":\"number\"}]}").unwrap();
    assert_eq!(s.field("a").unwrap().ty, FieldType::Number);
}

#[test]
fn system_field_types() {
    let s = Schema::new(Vec::new());
    let ty = |n: &str| s.field(n).unwrap().ty;
    assert_eq!(ty("_id"), FieldType::Dataid);
    assert_eq!(ty("createTime"), FieldType::Datetime);
    assert_eq!(ty("updateTime"), FieldType::Datetime);
    assert_eq!(ty("creator"), FieldType::User);
    assert_eq!(ty("updater"), FieldType::User);
    assert_eq!(ty("flowState"), FieldType::Flowstate);
}

#[test]
fn a_schema_field_named_like_a_system_field_wins() {
    let s = Schema::from_json(r#"{"fields":[{"name":"createTime","label":"建立","type":"text"}]}"#)
        .unwrap();
    let created: Vec<&Field> = s
        .fields()
        .iter()
        .filter(|f| f.name == "createTime")
        .collect();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].ty, FieldType::Text);
    assert!(!created[0].system);
    // The other system fields are still there.
    assert!(s.field("updateTime").is_some());
}

#[test]
fn system_fields_can_be_turned_off_in_native_schemas() {
    let s = Schema::from_json(
        r#"{"fields":[{"name":"a","type":"number"}],"system_fields":false,"timezone":"-05:30"}"#,
    )
    .unwrap();
    assert_eq!(names(&s), ["a"]);
    assert_eq!(s.timezone.local_minus_utc(), -(5 * 3600 + 1800));
}

const JDY: &str = r#"{
  "widgets": [
    {"label": "单行文本", "name": "_widget_1529400746031", "type": "text"},
    {"label": "多行", "widgetName": "_widget_2", "type": "textarea"},
    {"label": "手机", "name": "phone", "widgetName": "_widget_3", "type": "phone"},
    {"label": "单选", "name": "_widget_4", "type": "radiogroup", "items": ["甲", {"value": "乙"}, {"text": "丙"}]},
    {"label": "多选", "name": "_widget_5", "type": "combocheck"},
    {"label": "日期", "name": "_widget_6", "type": "date"},
    {"label": "附件", "name": "_widget_7", "type": "upload"},
    {"label": "子表单", "name": "_widget_8", "type": "subform", "items": [
      {"label": "数量", "name": "_widget_9", "type": "number"},
      {"label": "成员", "name": "_widget_10", "type": "usergroup"}
    ]},
    {"label": "流程", "name": "flowState", "type": "flowstate"}
  ],
  "sysWidgets": [
    {"label": "提交人", "name": "creator", "type": "user"},
    {"label": "提交时间", "name": "createTime", "type": "datetime"}
  ],
  "dataModifyTime": "2021-09-01T10:00:00.000Z"
}"#;

#[test]
fn jdy_widget_list_loads() {
    let s = Schema::from_json(JDY).unwrap();
    let get = |n: &str| s.field(n).unwrap_or_else(|| panic!("no field {n}"));
    assert_eq!(get("_widget_1529400746031").ty, FieldType::Text);
    // Without `name`, the widget id is the record key; with an alias, the alias is.
    assert_eq!(get("_widget_2").ty, FieldType::Text);
    assert_eq!(get("phone").ty, FieldType::Phone);
    assert!(s.field("_widget_3").is_none());
    let select = get("_widget_4");
    assert_eq!(select.ty, FieldType::Select);
    assert_eq!(select.options, ["甲", "乙", "丙"]);
    assert_eq!(get("_widget_5").ty, FieldType::Multiselect);
    assert_eq!(get("_widget_6").ty, FieldType::Datetime);
    let other = get("_widget_7");
    assert_eq!(other.ty, FieldType::Other);
    assert_eq!(other.widget.as_deref(), Some("upload"));
    let sub = get("_widget_8");
    assert_eq!(sub.ty, FieldType::Subform);
    assert_eq!(sub.fields[1].ty, FieldType::Usergroup);
    // The form's own flowState replaces the built-in one; sysWidgets are system fields.
    assert_eq!(
        s.fields().iter().filter(|f| f.name == "flowState").count(),
        1
    );
    assert!(!get("flowState").system);
    assert!(get("creator").system);
    assert_eq!(
        s.fields().iter().filter(|f| f.name == "createTime").count(),
        1
    );
    // System fields the response did not list are still added.
    assert_eq!(get("_id").ty, FieldType::Dataid);
    assert_eq!(get("updater").ty, FieldType::User);
}

#[test]
fn a_jdy_widget_with_an_alias_resolves_by_alias_and_by_widget_id() {
    let s = Schema::from_json(
        r#"{"widgets": [
            {"label": "手机", "name": "phone", "widgetName": "_widget_3", "type": "phone"},
            {"label": "明细", "name": "items", "widgetName": "_widget_8", "type": "subform",
             "items": [{"label": "数量", "name": "qty", "widgetName": "_widget_9", "type": "number"}]},
            {"label": "无别名", "name": "_widget_5", "widgetName": "_widget_5", "type": "text"}
        ]}"#,
    )
    .unwrap();
    // The alias stays the record key; the widget id is an alias of it.
    let phone = s.field("phone").unwrap();
    assert_eq!(phone.aliases, ["_widget_3"]);
    for written in ["phone", "_widget_3", "手机"] {
        let r = s.resolve_str(written).unwrap();
        assert_eq!(r.field.name, "phone", "{written}");
        assert_eq!(r.to_ref().name, "phone", "{written}");
    }
    // Subform and column, each by either name.
    for written in [
        "items.qty",
        "_widget_8.qty",
        "items._widget_9",
        "_widget_8._widget_9",
        "明细.数量",
    ] {
        let r = s.resolve_str(written).unwrap();
        let f = r.to_ref();
        assert_eq!(
            (f.subform.as_deref(), f.name.as_str()),
            (Some("items"), "qty"),
            "{written}"
        );
    }
    // A widget without an alias has no extra name.
    assert!(s.field("_widget_5").unwrap().aliases.is_empty());
    // Widget ids are suggested too.
    assert_eq!(
        s.resolve_str("_widget_33"),
        Err(ResolveError::Unknown {
            segment: 0,
            suggestions: vec!["_widget_3".into()]
        })
    );
}

#[test]
fn native_aliases_resolve_after_names_and_before_labels() {
    let s = Schema::from_json(
        r#"{"fields":[
            {"name":"a","aliases":["x","b"],"type":"text"},
            {"name":"b","type":"number"},
            {"name":"c","label":"x","type":"number"}
        ]}"#,
    )
    .unwrap();
    assert_eq!(s.field("a").unwrap().aliases, ["x", "b"]);
    // `x` is `a`'s alias and `c`'s label: the alias wins.
    assert_eq!(s.resolve_str("x").unwrap().field.name, "a");
    // `b` is `a`'s alias and another field's name: the name wins.
    assert_eq!(s.resolve_str("b").unwrap().field.name, "b");
    let e = err(r#"{"fields":[{"name":"a","aliases":"x","type":"text"}]}"#);
    assert_eq!(code(&e), "filterql::schema::wrong_type");
    assert!(e.to_string().contains("fields[0].aliases"), "{e}");
    let e = err(r#"{"fields":[{"name":"a","aliases":[""],"type":"text"}]}"#);
    assert_eq!(code(&e), "filterql::schema::empty_name");
}

#[test]
fn every_jdy_widget_type_maps_as_documented() {
    let cases = [
        ("text", FieldType::Text),
        ("textarea", FieldType::Text),
        ("number", FieldType::Number),
        ("datetime", FieldType::Datetime),
        ("date", FieldType::Datetime),
        ("phone", FieldType::Phone),
        ("radiogroup", FieldType::Select),
        ("combo", FieldType::Select),
        ("checkboxgroup", FieldType::Multiselect),
        ("combocheck", FieldType::Multiselect),
        ("user", FieldType::User),
        ("dept", FieldType::Dept),
        ("usergroup", FieldType::Usergroup),
        ("deptgroup", FieldType::Deptgroup),
        ("sn", FieldType::Sn),
        ("subform", FieldType::Subform),
        ("flowstate", FieldType::Flowstate),
        ("signature", FieldType::Other),
        ("location", FieldType::Other),
    ];
    for (widget, ty) in cases {
        let text = format!(r#"{{"widgets":[{{"name":"w","type":"{widget}"}}]}}"#);
        let s = Schema::from_json(&text).unwrap();
        let f = s.field("w").unwrap();
        assert_eq!(f.ty, ty, "{widget}");
        assert_eq!(f.widget.as_deref(), Some(widget));
    }
}

#[test]
fn invalid_json_reports_line_and_column() {
    let e = err("{\n  \"fields\": [\n    {\"name\": \"a\" \"type\": \"text\"}\n]}");
    match &e {
        SchemaError::Json { line, column, .. } => {
            assert_eq!(*line, 3);
            assert_eq!(*column, 18);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(code(&e), "filterql::schema::json");
    assert!(e.to_string().contains("line 3, column 18"), "{e}");
}

#[test]
fn errors_name_the_problem_and_its_place() {
    let cases: &[(&str, &str, &str)] = &[
        ("[]", "filterql::schema::format", "not a schema"),
        (r#"{"feilds": []}"#, "filterql::schema::format", "`fields`"),
        (
            r#"{"fields": {}}"#,
            "filterql::schema::wrong_type",
            "`fields`: expected an array, found an object",
        ),
        (
            r#"{"fields": [{"name":"a","type":"text"}, {"name":"b"}]}"#,
            "filterql::schema::missing",
            "`fields[1]`: missing key `type`",
        ),
        (
            r#"{"fields": [{"name":"a","type":"nubmer"}]}"#,
            "filterql::schema::unknown_type",
            "`fields[0].type`: unknown field type `nubmer`",
        ),
        (
            r#"{"fields": [{"name":"a","lable":"A","type":"text"}]}"#,
            "filterql::schema::unknown_key",
            "`fields[0]`: unknown key `lable`",
        ),
        (
            r#"{"fields": [{"name":"a","type":"text"},{"name":"a","type":"number"}]}"#,
            "filterql::schema::duplicate",
            "`fields[1].name`: duplicate field name `a`",
        ),
        (
            r#"{"fields": [], "timezone": "Asia/Shanghai"}"#,
            "filterql::schema::timezone",
            "invalid time zone `Asia/Shanghai`",
        ),
        (
            r#"{"fields": [{"name":"a","type":"text","options":["x"]}]}"#,
            "filterql::schema::misplaced",
            "`fields[0].options`: `options` does not apply to a text field",
        ),
        (
            r#"{"fields": [{"name":"s","type":"subform","fields":[{"name":"t","type":"subform"}]}]}"#,
            "filterql::schema::nested_subform",
            "`fields[0].fields[0]`",
        ),
        (
            r#"{"fields": [{"name":"s","type":"subform","fields":[{"name":"q","type":"number"},{"name":"q","type":"text"}]}]}"#,
            "filterql::schema::duplicate",
            "`fields[0].fields[1].name`",
        ),
        (
            r#"{"fields": [{"name":"","type":"text"}]}"#,
            "filterql::schema::empty_name",
            "`fields[0].name`",
        ),
        (
            r#"{"fields": [{"name":"a","type":"select","options":["x", 2]}]}"#,
            "filterql::schema::wrong_type",
            "`fields[0].options[1]`: expected a string, found a number",
        ),
        (
            r#"{"fields": [], "system_fields": "no"}"#,
            "filterql::schema::wrong_type",
            "`system_fields`",
        ),
        (
            r#"{"widgets": [{"name":"a"}]}"#,
            "filterql::schema::missing",
            "`widgets[0]`: missing key `type`",
        ),
        (
            r#"{"widgets": [{"name":"s","type":"subform","items":[{"name":"x","type":7}]}]}"#,
            "filterql::schema::wrong_type",
            "`widgets[0].items[0].type`: expected a string, found a number",
        ),
        (
            r#"{"widgets": [{"name":"a","type":"text"}], "sysWidgets": [{"label":"x"}]}"#,
            "filterql::schema::missing",
            "`sysWidgets[0]`: missing key `name`",
        ),
    ];
    for (text, want_code, want_msg) in cases {
        let e = err(text);
        assert_eq!(code(&e), *want_code, "{text}: {e}");
        assert!(
            e.to_string().contains(want_msg),
            "{text}: `{e}` lacks `{want_msg}`"
        );
    }
}

#[test]
fn every_problem_of_a_schema_is_reported() {
    let e = err(r#"{"fields": [
        {"name": "a", "type": "nubmer"},
        {"name": "b", "lable": "B", "type": "text"},
        {"name": "c", "type": "text", "options": ["x"]},
        {"name": "b", "type": "number"},
        {"name": "s", "type": "subform", "fields": [{"name": "q"}, {"name": "r", "type": "select", "options": [1]}]}
    ], "timezone": "Asia/Shanghai", "system_fields": "no"}"#);
    assert_eq!(code(&e), "filterql::schema::many");
    let got: Vec<(String, String)> = e
        .problems()
        .iter()
        .map(|p| (code(p), p.to_string()))
        .collect();
    let want = [
        ("timezone", "`timezone`: invalid time zone `Asia/Shanghai`"),
        (
            "wrong_type",
            "`system_fields`: expected a boolean, found a string",
        ),
        (
            "unknown_type",
            "`fields[0].type`: unknown field type `nubmer`",
        ),
        ("unknown_key", "`fields[1]`: unknown key `lable`"),
        (
            "misplaced",
            "`fields[2].options`: `options` does not apply to a text field",
        ),
        ("missing", "`fields[4].fields[0]`: missing key `type`"),
        (
            "wrong_type",
            "`fields[4].fields[1].options[0]`: expected a string, found a number",
        ),
        // Duplicates are found once a level's fields are all read.
        ("duplicate", "`fields[3].name`: duplicate field name `b`"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(c, m)| (format!("filterql::schema::{c}"), (*m).to_owned()))
        .collect();
    assert_eq!(got, want);
    // The message lists every problem with its help, for renderers that show only it.
    let text = e.to_string();
    assert!(text.starts_with("8 problems in the schema:"), "{text}");
    assert!(
        text.contains("unknown field type `nubmer` (did you mean `number`?)"),
        "{text}"
    );
    // jdy widget lists too, and a single problem stays itself.
    let e = err(
        r#"{"widgets": [{"name": "a"}, {"name": "b", "type": 3}, {"name": "c", "type": "text", "label": 5}]}"#,
    );
    let paths: Vec<String> = e.problems().iter().map(|p| p.to_string()).collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert!(paths[0].starts_with("`widgets[0]`"), "{paths:?}");
    assert!(paths[2].starts_with("`widgets[2].label`"), "{paths:?}");
    let one = err(r#"{"fields": [{"name": "a", "type": "nubmer"}]}"#);
    assert_eq!(code(&one), "filterql::schema::unknown_type");
    assert_eq!(one.problems(), std::slice::from_ref(&one));
}

#[test]
fn schema_errors_suggest_the_likely_fix() {
    let help = |text: &str| err(text).help().map(|h| h.to_string()).unwrap_or_default();
    assert_eq!(
        help(r#"{"fields": [{"name":"a","type":"nubmer"}]}"#),
        "did you mean `number`?"
    );
    assert_eq!(
        help(r#"{"fields": [{"name":"a","lable":"A","type":"text"}]}"#),
        "did you mean `label`?"
    );
    assert!(help(r#"{"fields": [{"name":"a","type":"blob"}]}"#).contains("multiselect"));
    assert_eq!(
        help(r#"{"fields": [{"name":"a","type":"radiogroup"}]}"#),
        r#"`radiogroup` is a jdy widget type; write "type": "select" (and "widget": "radiogroup" to keep it)"#
    );
}

#[test]
fn resolution_by_name_then_label() {
    let s = fixture();
    assert_eq!(
        s.resolve_str("_widget_1").unwrap().field.ty,
        FieldType::Phone
    );
    assert_eq!(s.resolve_str("手机").unwrap().field.name, "_widget_1");
    assert_eq!(s.resolve_str("金额").unwrap().field.name, "amount");
    // System fields resolve by their Chinese labels too.
    assert_eq!(s.resolve_str("提交时间").unwrap().field.name, "createTime");
    let r = s.resolve_str("明细.数量").unwrap();
    assert_eq!(r.field.name, "qty");
    assert_eq!(r.subform.unwrap().name, "items");
    let fref = r.to_ref();
    assert_eq!(fref.subform.as_deref(), Some("items"));
    assert_eq!(fref.column, "qty");
    assert_eq!(s.field_ref("note").unwrap().column, "note_text");
    assert_eq!(
        s.field_ref("items.price").unwrap().label.as_deref(),
        Some("单价")
    );
}

#[test]
fn a_name_wins_over_another_fields_label() {
    let s = Schema::from_json(
        r#"{"fields":[{"name":"a","label":"b","type":"text"},{"name":"b","type":"number"}]}"#,
    )
    .unwrap();
    assert_eq!(s.resolve_str("b").unwrap().field.ty, FieldType::Number);
}

#[test]
fn ambiguous_labels_list_their_fields() {
    let s = fixture();
    assert_eq!(
        s.resolve_str("备注"),
        Err(ResolveError::Ambiguous {
            segment: 0,
            candidates: vec!["remark".into(), "note".into()],
            total: 2,
        })
    );
}

/// What `s` suggests for `name`, which must be unknown to it.
fn suggestions(s: &Schema, name: &str) -> Vec<String> {
    match s.resolve_str(name) {
        Err(ResolveError::Unknown { suggestions, .. }) => suggestions,
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn unknown_names_get_suggestions() {
    let s = fixture();
    let suggestions = |name: &str| suggestions(&s, name);
    assert_eq!(suggestions("createTim"), ["createTime"]);
    assert_eq!(suggestions("手记"), ["手机"]);
    assert_eq!(suggestions("amout"), ["amount"]);
    assert_eq!(suggestions("CREATETIME"), ["createTime"]);
    // Ties are all suggested, in schema order.
    assert_eq!(suggestions("updater1"), ["updater"]);
    assert_eq!(suggestions("creatxr"), ["creator"]);
    assert!(suggestions("zzzzzzzz").is_empty());
    let tie = Schema::from_json(
        r#"{"fields":[{"name":"ab1","type":"text"},{"name":"ab2","type":"text"}]}"#,
    )
    .unwrap();
    match tie.resolve_str("ab") {
        Err(ResolveError::Unknown { suggestions, .. }) => assert_eq!(suggestions, ["ab1", "ab2"]),
        other => panic!("{other:?}"),
    }
    // A subform column is suggested among the subform's columns.
    assert_eq!(
        s.resolve_str("items.qtx"),
        Err(ResolveError::Unknown {
            segment: 1,
            suggestions: vec!["qty".into()]
        })
    );
}

#[test]
fn swapped_letters_in_short_names_get_suggestions() {
    // Audit finding 10: a transposition is one slip, not two.
    let s = fixture();
    let suggestions = |name: &str| suggestions(&s, name);
    assert_eq!(suggestions("nmae"), ["name"]);
    assert_eq!(suggestions("stauts"), ["status"]);
    assert_eq!(suggestions("dpet"), ["dept"]);
    // Labels, Chinese ones included: 机手 is 手机 with its characters swapped.
    assert_eq!(suggestions("机手"), ["手机"]);
    assert_eq!(suggestions("金颔"), ["金额"]);
    // Five characters and more allow two slips.
    assert_eq!(suggestions("amuont1"), ["amount"]);
    assert_eq!(suggestions("ownre"), ["owner"]);
    // Short names stay strict: two slips in four letters is another word.
    assert!(suggestions("mnea").is_empty(), "{:?}", suggestions("mnea"));
}

#[test]
fn paths_through_non_subforms_fail() {
    let s = fixture();
    assert_eq!(
        s.resolve_str("amount.x"),
        Err(ResolveError::NotASubform {
            segment: 0,
            ty: FieldType::Number
        })
    );
    assert_eq!(
        s.resolve_str("items.qty.x"),
        Err(ResolveError::NotASubform {
            segment: 1,
            ty: FieldType::Number
        })
    );
}

#[test]
fn demo_schema_serves_the_readme_example() {
    let s = Schema::demo();
    assert!(!s.infer);
    assert_eq!(s.resolve_str("phone").unwrap().field.ty, FieldType::Phone);
    assert_eq!(s.resolve_str("手机").unwrap().field.name, "phone");
    assert_eq!(
        s.resolve_str("createTime").unwrap().field.ty,
        FieldType::Datetime
    );
    assert_eq!(s.resolve_str("amount").unwrap().field.ty, FieldType::Number);
    assert_eq!(s.resolve_str("status").unwrap().field.ty, FieldType::Select);
    assert!(!s.field("status").unwrap().options.is_empty());
    assert_eq!(
        s.resolve_str("tags").unwrap().field.ty,
        FieldType::Multiselect
    );
    assert_eq!(
        s.resolve_str("items.qty").unwrap().field.ty,
        FieldType::Number
    );
}

#[test]
fn no_schema_mode_knows_only_system_fields() {
    let s = Schema::none();
    assert!(s.infer);
    assert_eq!(
        names(&s),
        [
            "_id",
            "createTime",
            "updateTime",
            "creator",
            "updater",
            "flowState"
        ]
    );
}

/// The loader agrees with the shared test schema, which is built by hand.
#[test]
fn loader_matches_the_hand_built_test_schema() {
    let loaded = Schema::from_json(support::SCHEMA_JSON).unwrap();
    let built = support::schema();
    // Everything but the loader-only extras (widget, column) must agree.
    let shape = |fs: &[Field]| -> Vec<String> {
        fs.iter()
            .map(|f| {
                format!(
                    "{} {:?} {} {:?} {}",
                    f.name, f.label, f.ty, f.options, f.system
                )
            })
            .collect()
    };
    let declared = built.fields().iter().filter(|f| !f.system).count();
    // System fields: same names and types (the loader also gives them labels).
    assert_eq!(
        loaded
            .fields()
            .iter()
            .map(|f| (&f.name, f.ty, f.system))
            .collect::<Vec<_>>(),
        built
            .fields()
            .iter()
            .map(|f| (&f.name, f.ty, f.system))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        shape(&loaded.fields()[..declared]),
        shape(&built.fields()[..declared])
    );
    let items = |s: &Schema| shape(&s.field("items").unwrap().fields);
    assert_eq!(items(&loaded), items(&built));
    assert_eq!(loaded.timezone, built.timezone);
}
