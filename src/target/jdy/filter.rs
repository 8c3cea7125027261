//! The wire format of the jdy v5 list API: the filter object and the request envelope.
//!
//! These are plain serde types, so a filter can be produced by [`super::compile`] or read
//! from existing JSON (`serde_json::from_str`) and turned back into query text by
//! [`super::decompile`].

use serde::{Deserialize, Serialize};

/// How the conditions of a [`JdyFilter`] combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rel {
    /// Every condition must hold.
    And,
    /// At least one condition must hold.
    Or,
}

impl Rel {
    /// The keyword as written in JSON and in the query language.
    pub fn name(self) -> &'static str {
        match self {
            Rel::And => "and",
            Rel::Or => "or",
        }
    }
}

/// A jdy filter method (the `method` of a condition).
///
/// The meaning filterql assumes for each is documented in the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Equal to the single value.
    Eq,
    /// Not equal to the single value.
    Ne,
    /// Equal to one of the values (multi-valued fields: has any of them).
    In,
    /// Equal to none of the values.
    Nin,
    /// Within `[low, high]`, both ends inclusive, `null` for an open end.
    Range,
    /// Greater than the value (numbers).
    Gt,
    /// Less than the value (numbers).
    Lt,
    /// Contains the text.
    Like,
    /// A phone number is filled in and verified.
    Verified,
    /// A phone number is filled in and not verified.
    Unverified,
    /// The value is empty.
    Empty,
    /// The value is not empty.
    NotEmpty,
    /// A multi-valued field has every one of the values.
    All,
}

impl Method {
    /// The method's name as written in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Method::Eq => "eq",
            Method::Ne => "ne",
            Method::In => "in",
            Method::Nin => "nin",
            Method::Range => "range",
            Method::Gt => "gt",
            Method::Lt => "lt",
            Method::Like => "like",
            Method::Verified => "verified",
            Method::Unverified => "unverified",
            Method::Empty => "empty",
            Method::NotEmpty => "not_empty",
            Method::All => "all",
        }
    }

    /// Whether the method takes a `value` array.
    pub fn takes_value(self) -> bool {
        !matches!(
            self,
            Method::Verified | Method::Unverified | Method::Empty | Method::NotEmpty
        )
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One condition: `{"field", "type", "method", "value"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JdyCond {
    /// The field name (widget id, alias or system field such as `createTime`).
    pub field: String,
    /// The jdy type of the field (`text`, `number`, `datetime`, `flowstate`, `dataid`,
    /// `radiogroup`, `combocheck`, ...). Optional on the wire; filterql always sets it.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    /// The method.
    pub method: Method,
    /// The operands; absent for methods that take none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Vec<serde_json::Value>>,
}

/// A jdy v5 filter: one flat level of conditions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JdyFilter {
    /// How the conditions combine.
    pub rel: Rel,
    /// The conditions.
    pub cond: Vec<JdyCond>,
}

/// The body of `POST /api/v5/app/entry/data/list`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListRequest {
    /// The application id.
    pub app_id: String,
    /// The form id.
    pub entry_id: String,
    /// Paging: the `_id` of the last record of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_id: Option<String>,
    /// The fields to return (all when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
    /// The filter (all records when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<JdyFilter>,
    /// Page size, 1–100 (jdy's default is 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// The largest page jdy returns.
pub const MAX_LIMIT: u32 = 100;

impl ListRequest {
    /// A request for the first page of `entry_id` in `app_id` with `filter`, at the
    /// largest page size.
    pub fn new(app_id: impl Into<String>, entry_id: impl Into<String>) -> Self {
        ListRequest {
            app_id: app_id.into(),
            entry_id: entry_id.into(),
            data_id: None,
            fields: None,
            filter: None,
            limit: Some(MAX_LIMIT),
        }
    }

    /// Sets the filter.
    pub fn with_filter(mut self, filter: Option<JdyFilter>) -> Self {
        self.filter = filter;
        self
    }

    /// Sets the fields to return (the projection; all fields when never set).
    pub fn with_fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.fields = Some(fields.into_iter().map(Into::into).collect());
        self
    }

    /// Sets the filter of a pushdown plan and, when a projection is set (call
    /// [`with_fields`](Self::with_fields) first), adds every field the plan's residual
    /// reads that it lacks: a residual reading a field that was not fetched would see it
    /// empty.
    pub fn with_pushdown(mut self, plan: &super::Pushdown) -> Self {
        self.filter = plan.filter().cloned();
        if let (Some(fields), Some(r)) = (&mut self.fields, plan.residual()) {
            for f in r.fields() {
                if !fields.iter().any(|have| have == f) {
                    fields.push(f.to_owned());
                }
            }
        }
        self
    }

    /// Sets the page size, clamped to jdy's 1–100 so the request is never refused.
    pub fn with_limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit.clamp(1, MAX_LIMIT));
        self
    }

    /// The request for the page after the one that ended with the record `last_id`.
    pub fn next_page(&self, last_id: impl Into<String>) -> Self {
        ListRequest {
            data_id: Some(last_id.into()),
            ..self.clone()
        }
    }
}
