//! Operator × field type (the table is in the `check` module docs).

use crate::schema::FieldType;
use crate::syntax::ast::{CmpOp, PredKind, TextOp};

/// The operator classes of the table above.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OpClass {
    Equality,
    Order,
    Empty,
    Phone,
    Text(TextOp),
    Has,
}

pub(crate) fn class_of(kind: &PredKind) -> OpClass {
    match kind {
        PredKind::Compare {
            op: CmpOp::Eq | CmpOp::Ne,
            ..
        }
        | PredKind::In { .. } => OpClass::Equality,
        PredKind::Compare { .. } | PredKind::Between { .. } => OpClass::Order,
        PredKind::IsEmpty { .. } => OpClass::Empty,
        PredKind::Phone { .. } => OpClass::Phone,
        PredKind::Text { op, .. } => OpClass::Text(*op),
        PredKind::Has { .. } => OpClass::Has,
    }
}

pub(crate) fn supports(ty: FieldType, class: OpClass) -> bool {
    use FieldType::*;
    match class {
        OpClass::Empty => true,
        OpClass::Equality => matches!(
            ty,
            Text | Number | Datetime | Select | Sn | Flowstate | User | Dept | Dataid | Phone
        ),
        OpClass::Order => matches!(ty, Number | Datetime),
        OpClass::Text(TextOp::Contains) => matches!(ty, Text | Sn | Phone),
        OpClass::Text(_) => matches!(ty, Text | Sn),
        OpClass::Phone => ty == Phone,
        OpClass::Has => matches!(ty, Multiselect | Usergroup | Deptgroup),
    }
}

/// The operator as written in canonical form, for messages.
pub(crate) fn op_text(kind: &PredKind) -> String {
    let not = |n: bool| if n { "not " } else { "" };
    match kind {
        PredKind::Compare { op, .. } => match op {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
        .to_owned(),
        PredKind::In { negated, .. } => format!("{}in", not(*negated)),
        PredKind::Between { negated, .. } => format!("{}between", not(*negated)),
        PredKind::IsEmpty { negated } => format!("is {}empty", not(*negated)),
        PredKind::Phone { verified } => {
            if *verified { "verified" } else { "unverified" }.to_owned()
        }
        PredKind::Text { negated, op, .. } => format!("{}{}", not(*negated), op.keyword()),
        PredKind::Has { .. } => "has".to_owned(),
    }
}

/// The help line of an operator/type mismatch: what the type does support, plus a hint
/// for the common mistakes.
pub(crate) fn help(ty: FieldType, class: OpClass, column_example: Option<&str>) -> String {
    let classes: [(OpClass, &str); 7] = [
        (OpClass::Equality, "= != in"),
        (OpClass::Order, "< <= > >= between"),
        (OpClass::Text(TextOp::Contains), "contains"),
        (OpClass::Text(TextOp::StartsWith), "startswith endswith"),
        (OpClass::Phone, "verified unverified"),
        (OpClass::Has, "has"),
        (OpClass::Empty, "is empty"),
    ];
    let supported: Vec<&str> = classes
        .iter()
        .filter(|(c, _)| supports(ty, *c))
        .map(|(_, t)| *t)
        .collect();
    let hint = match (ty, class) {
        (FieldType::Subform, _) => match column_example {
            Some(ex) => format!("; test one of its columns instead, e.g. `{ex}`"),
            None => "; test one of its columns instead (`subform.column`)".to_owned(),
        },
        (FieldType::Text | FieldType::Select | FieldType::Sn, OpClass::Order) => {
            "; text has no order".to_owned()
        }
        (FieldType::Multiselect | FieldType::Usergroup | FieldType::Deptgroup, _) => {
            "; use `has` to test the selected values".to_owned()
        }
        (FieldType::Flowstate, OpClass::Order) => {
            "; list the states instead: `flowState in (0, 1)`".to_owned()
        }
        _ => String::new(),
    };
    format!(
        "{} {ty} field supports: {}{hint}",
        article(ty),
        supported.join(" ")
    )
}

/// The indefinite article before a type name in messages.
pub(crate) fn article(ty: FieldType) -> &'static str {
    if ty.name().starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
