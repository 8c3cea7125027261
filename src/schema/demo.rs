//! The built-in demo form (see [`super::Schema::demo`]).

use super::{Field, FieldType, Schema};

pub(super) fn demo() -> Schema {
    let widget = |name: &str, label: &str, ty: FieldType, w: &str| Field {
        widget: Some(w.to_owned()),
        ..Field::new(name, ty).with_label(label)
    };
    let options = |f: Field, opts: &[&str]| Field {
        options: opts.iter().map(|s| (*s).to_owned()).collect(),
        ..f
    };
    let items = Field {
        fields: vec![
            widget("name", "物品", FieldType::Text, "text"),
            widget("qty", "数量", FieldType::Number, "number"),
        ],
        ..widget("items", "明细", FieldType::Subform, "subform")
    };
    Schema::new(vec![
        widget("class", "班级", FieldType::Text, "text"),
        widget("amount", "金额", FieldType::Number, "number"),
        widget("phone", "手机", FieldType::Phone, "phone"),
        options(
            widget("status", "状态", FieldType::Select, "combo"),
            &["open", "pending", "closed"],
        ),
        options(
            widget("tags", "标签", FieldType::Multiselect, "checkboxgroup"),
            &["red", "blue", "green"],
        ),
        widget("due", "截止时间", FieldType::Datetime, "datetime"),
        widget("owner", "负责人", FieldType::User, "user"),
        widget("dept", "部门", FieldType::Dept, "dept"),
        widget("sn", "流水号", FieldType::Sn, "sn"),
        widget("order no", "订单号", FieldType::Text, "text"),
        items,
    ])
}
