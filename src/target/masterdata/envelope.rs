//! The request envelopes: the record query and the MODIFY/ARCHIVE record write.
//!
//! ```json
//! {"id": "1", "version": "1.0", "request": {"apiVer": "1.0.5"},
//!  "params": {"metaDataName": "物料", "condition": {...}}}
//! ```
//!
//! The write request (`/industry/masterdata/record/write`, seed doc
//! `masterdata-record-write.txt`) adds `action`; for `MODIFY` also `nodes` (the column
//! names) and `data`, the new values as the *string* of a one-dimensional JSON array
//! in `nodes` order (`"[\"EQ01\", 1]"`). `ARCHIVE` sends neither. `INSERT` takes no
//! condition and is not built here.

use super::tree::Condition;
use serde::Serialize;
use serde_json::{Map, Value};

/// The whole request: `{"id","version","request":{"apiVer"},"params"}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Envelope<P> {
    /// The caller's request id, echoed by the service.
    pub id: String,
    /// Always `1.0` (see [`Envelope::version`]).
    pub(crate) version: String,
    /// The API version (see [`Envelope::api_version`]).
    pub(crate) request: RequestInfo,
    /// The endpoint's parameters.
    pub params: P,
}

/// `{"apiVer": "1.0.5"}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RequestInfo {
    /// Always `1.0.5`, the version the seed doc describes.
    #[serde(rename = "apiVer")]
    pub(crate) api_ver: String,
}

impl<P> Envelope<P> {
    fn new(id: impl Into<String>, params: P) -> Self {
        Envelope {
            id: id.into(),
            version: "1.0".to_owned(),
            request: RequestInfo {
                api_ver: "1.0.5".to_owned(),
            },
            params,
        }
    }
}

impl<P> Envelope<P> {
    /// The envelope's `version`: always `1.0`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The `request.apiVer` the envelope declares: always `1.0.5`, the version the
    /// vendor's documentation describes.
    pub fn api_version(&self) -> &str {
        &self.request.api_ver
    }
}

impl<P: Serialize> Envelope<P> {
    /// The request as a JSON value.
    pub fn to_value(&self) -> Value {
        // Every part serializes: string keys, no non-finite floats.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// Which master data the request addresses: `dataId` (the metadata's id) or
/// `metaDataName`; the API requires exactly one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Table {
    /// `"dataId": 1234`.
    #[serde(rename = "dataId")]
    DataId(i64),
    /// `"metaDataName": "物料"`.
    #[serde(rename = "metaDataName")]
    MetaDataName(String),
}

/// Who is calling (all optional): `source` (`DINGDING`, `SAAS`), `corpId`, `userId`,
/// `platform` (`INDUSTRY_PLATFORM_OPERATION`, `REGION_PLATFORM_OPERATION`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Caller {
    /// `source`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `corpId`.
    #[serde(rename = "corpId", skip_serializing_if = "Option::is_none")]
    pub corp_id: Option<String>,
    /// `userId`.
    #[serde(rename = "userId", skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// `platform`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
}

/// `params` of a record query.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QueryParams {
    /// `dataId` or `metaDataName`.
    #[serde(flatten)]
    pub table: Table,
    /// The filter.
    pub condition: Condition,
    /// Caller fields.
    #[serde(flatten)]
    pub caller: Caller,
    /// Further parameters (paging and the like), passed through as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The write actions that take a condition.
#[derive(Clone, Debug, PartialEq)]
pub enum WriteAction {
    /// Update the matching records: the columns and their new values, in order.
    Modify(Vec<(String, Value)>),
    /// Archive the matching records.
    Archive,
}

/// `params` of a MODIFY or ARCHIVE record write.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WriteParams {
    /// `dataId` or `metaDataName`.
    #[serde(flatten)]
    pub table: Table,
    /// `MODIFY` or `ARCHIVE`.
    pub action: String,
    /// The column names (MODIFY only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Vec<String>>,
    /// The new values as the string of a one-dimensional JSON array (MODIFY only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// Which records to change.
    pub condition: Condition,
    /// Caller fields.
    #[serde(flatten)]
    pub caller: Caller,
}

/// A request that cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error, miette::Diagnostic)]
pub enum RequestError {
    /// An empty or blank `metaDataName`: the service needs to know which master data
    /// is meant, and an empty name names none.
    #[error("the master data name (`metaDataName`) is empty")]
    #[diagnostic(
        code(filterql::masterdata::request::empty_table),
        help("give the master data's name (`metaDataName`), or address it by its dataId")
    )]
    EmptyTableName,
    /// MODIFY with no column to set.
    #[error("MODIFY needs at least one column to set")]
    #[diagnostic(code(filterql::masterdata::request::no_columns))]
    NoColumns,
    /// The same column set twice.
    #[error("column `{0}` is set twice")]
    #[diagnostic(code(filterql::masterdata::request::duplicate_column))]
    DuplicateColumn(String),
    /// A column value that is an array or object.
    #[error("column `{0}`: a value must be a string, number, boolean or null")]
    #[diagnostic(code(filterql::masterdata::request::value))]
    NotScalar(String),
    /// An extra parameter that would clash with one the request sets itself.
    #[error("parameter `{0}` is set by the request itself")]
    #[diagnostic(
        code(filterql::masterdata::request::reserved),
        help("pass the table, condition and caller through their own arguments")
    )]
    Reserved(String),
}

const RESERVED: [&str; 10] = [
    "dataId",
    "metaDataName",
    "condition",
    "action",
    "nodes",
    "data",
    "source",
    "corpId",
    "userId",
    "platform",
];

/// Refuses a `metaDataName` with nothing but whitespace in it.
fn check_table(table: &Table) -> Result<(), RequestError> {
    match table {
        Table::MetaDataName(name) if name.trim().is_empty() => Err(RequestError::EmptyTableName),
        _ => Ok(()),
    }
}

/// The record query request for `condition` (`/industry/masterdata/record/query`).
/// `extra` parameters are copied into `params` after the condition; they may not
/// name a parameter this function sets. An empty or blank `metaDataName` is refused
/// ([`RequestError::EmptyTableName`]).
pub fn query_request(
    id: impl Into<String>,
    table: Table,
    condition: Condition,
    caller: Caller,
    extra: Map<String, Value>,
) -> Result<Envelope<QueryParams>, RequestError> {
    check_table(&table)?;
    if let Some(k) = extra.keys().find(|k| RESERVED.contains(&k.as_str())) {
        return Err(RequestError::Reserved(k.clone()));
    }
    Ok(Envelope::new(
        id,
        QueryParams {
            table,
            condition,
            caller,
            extra,
        },
    ))
}

/// The record write request (`/industry/masterdata/record/write`) applying `action` to
/// the records matching `condition`. An empty or blank `metaDataName` is refused
/// ([`RequestError::EmptyTableName`]).
pub fn write_request(
    id: impl Into<String>,
    table: Table,
    action: WriteAction,
    condition: Condition,
    caller: Caller,
) -> Result<Envelope<WriteParams>, RequestError> {
    check_table(&table)?;
    let (action, nodes, data) = match action {
        WriteAction::Archive => ("ARCHIVE", None, None),
        WriteAction::Modify(row) => {
            if row.is_empty() {
                return Err(RequestError::NoColumns);
            }
            let mut nodes: Vec<String> = Vec::with_capacity(row.len());
            let mut values = Vec::with_capacity(row.len());
            for (col, v) in row {
                if nodes.contains(&col) {
                    return Err(RequestError::DuplicateColumn(col));
                }
                if v.is_array() || v.is_object() {
                    return Err(RequestError::NotScalar(col));
                }
                nodes.push(col);
                values.push(v);
            }
            let data = Value::Array(values).to_string();
            ("MODIFY", Some(nodes), Some(data))
        }
    };
    Ok(Envelope::new(
        id,
        WriteParams {
            table,
            action: action.to_owned(),
            nodes,
            data,
            condition,
            caller,
        },
    ))
}
