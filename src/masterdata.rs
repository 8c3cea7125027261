//! The masterdata backend: condition trees for the industrial master-data API
//! (`/industry/masterdata/record/query` and `/industry/masterdata/record/write`).
//!
//! # Output
//!
//! [`Query::to_masterdata`](crate::Query::to_masterdata) turns a compiled query into a
//! [`Condition`]: leaves `{"col","op","value"}` and
//! `{"op":"AND"|"OR","condition":[...]}` groups. The column is the field's
//! [`column`](crate::Field::column). [`query_request`] and [`write_request`] wrap a tree
//! in the request envelope `{"id","version":"1.0","request":{"apiVer":"1.0.5"},"params":{...}}`
//! (refusing an empty `metaDataName`);
//! [`Query::to_masterdata_request`](crate::Query::to_masterdata_request) and
//! [`Query::to_masterdata_write_request`](crate::Query::to_masterdata_write_request) do
//! both steps, with errors as diagnostics over the query. [`decompile`] reads a tree
//! back into query syntax.
//!
//! ```
//! use filterql::masterdata::{decompile, query_request, Caller, Table};
//! use filterql::{compile, Options, Schema};
//! use serde_json::json;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let schema = Schema::from_json(
//!     r#"{"fields": [{"name": "amount", "type": "number"},
//!                   {"name": "status", "type": "select", "column": "state"}]}"#,
//! )?;
//! let now = chrono::DateTime::parse_from_rfc3339("2022-01-01T00:00:00+08:00")?;
//! let q = compile(r#"not (amount > 5 and status in ("a", "b"))"#, &schema, &Options::at(now))?;
//! let tree = q.to_masterdata()?;
//! assert_eq!(
//!     serde_json::to_value(&tree)?,
//!     json!({"op": "OR", "condition": [
//!         {"col": "amount", "op": "LESS_EQUAL", "value": "5"},
//!         {"col": "amount", "op": "ISNULL"},
//!         {"col": "state", "op": "NOT_IN", "value": ["a", "b"]},
//!         {"col": "state", "op": "ISNULL"},
//!     ]})
//! );
//!
//! // Back to query text, meaning kept.
//! let text = decompile(&tree, &schema).map_err(|e| format!("{e:?}"))?.to_string();
//! assert_eq!(text, r#"amount <= 5 or amount is empty or status not in ("a", "b")"#);
//!
//! // The record query request.
//! let req = query_request("1", Table::MetaDataName("物料".into()), tree, Caller::default(), Default::default())?;
//! assert_eq!(req.to_value()["request"], json!({"apiVer": "1.0.5"}));
//! assert_eq!(req.to_value()["params"]["metaDataName"], "物料");
//! # Ok(())
//! # }
//! ```
//!
//! # Semantics
//!
//! The API evaluates a tree like SQL: every comparison (`EQUAL` ... `GREATER`, `IN`,
//! `NOT_IN`, `LIKE`, `NOT_LIKE`) is **false on `NULL`** — `NOT_EQUAL` and `NOT_IN`
//! included — `ISNULL` is true exactly on `NULL`, `NOTNULL` exactly elsewhere. The
//! query language is two-valued (grammar/README.md, "What a query means"), so the backend adds the missing arms:
//!
//! | query | condition |
//! |---|---|
//! | `x = v` | `EQUAL x v` |
//! | `x != v` | `OR(NOT_EQUAL x v, ISNULL x)` |
//! | `x in (a, b)` / `not in` | `IN x [a,b]` / `OR(NOT_IN x [a,b], ISNULL x)` |
//! | `x between a and b` | `AND(GREATER_EQUAL x a, LESS_EQUAL x b)` |
//! | `not (x > 5)` | `OR(LESS_EQUAL x 5, ISNULL x)` |
//! | `d = 2022-01-01` (datetime `d`) | `AND(GREATER_EQUAL d "2022-01-01 00:00:00", LESS d "2022-01-02 00:00:00")` |
//! | `t contains "a"` / `startswith` / `endswith` | `LIKE t "%a%"` / `"a%"` / `"%a"` |
//! | `t not contains "a"` | `OR(NOT_LIKE t "%a%", ISNULL t)` |
//! | `t is empty` (text column) | `OR(ISNULL t, EQUAL t "")` |
//! | `t is not empty` (text column) | `AND(NOTNULL t, NOT_EQUAL t "")` |
//! | `n is empty` / `is not empty` (number, datetime) | `ISNULL n` / `NOTNULL n` |
//!
//! There is no `NOT` node: negation is pushed to the leaves by De Morgan, so a tree
//! never contains one. A negated leaf needs no `EQUAL ""` arm: `""` already satisfies
//! `NOT_EQUAL x "a"`, `NOT_IN` and `NOT_LIKE "%a%"` (a LIKE operand is never empty).
//!
//! # Storage model
//!
//! The API documents columns as strings; this backend assumes (and the tests model)
//! that the service compares a value by its column's type:
//!
//! - **text** columns — text, sn, select, `_id`, phone (the number only), user (the
//!   username) — compare exactly and case-sensitively, `LIKE` included; they may hold
//!   `""` as well as `NULL`, and both are *empty*;
//! - **number** columns — number, flowstate, dept (the department number) — compare
//!   numerically; an empty value is `NULL`;
//! - **datetime** columns compare chronologically; an empty value is `NULL`.
//!
//! Values are strings in these forms: numbers in their shortest
//! round-trip decimal, positional, integers without `.0` (`5`, `0.0000001`);
//! datetimes as `YYYY-MM-DD HH:MM:SS[.fff]` in [`MdOptions::tz`] (the query's time
//! zone), milliseconds only when non-zero. Datetime columns are taken to hold
//! millisecond precision (that of the format and of the query's instants), so a range
//! end a millisecond outside the years 0001–9999 is sent as the equivalent end of the
//! other kind: `d <= 9999-12-31` (the day ends at `< 10000-01-01 00:00`) as
//! `LESS_EQUAL d "9999-12-31 23:59:59.999"`.
//!
//! # Rejected (fail closed, with a `filterql::masterdata::*` diagnostic)
//!
//! - multiselect, usergroup, deptgroup, subform and `other` fields: the API does not
//!   say how such values are stored, so no test on them is known to be exact;
//! - subform columns ("some row matches");
//! - `verified` / `unverified`: the phone's flag is not a column;
//! - a `contains`/`startswith`/`endswith` operand with `%`, `_` or `\`: the API
//!   documents no LIKE escape, and such a value is never sent unescaped;
//! - ordering on text, text tests on number/datetime columns, booleans, non-finite
//!   numbers, datetimes outside the years 0001–9999;
//! - a query that folds to a constant (always true/false): no tree states it;
//! - `and`/`or` nested more than [`MAX_DEPTH`] levels.

pub use crate::target::masterdata::{
    query_request, write_request, Caller, CmpOp, Condition, DecompileError, Envelope, Leaf, LeafOp,
    MasterdataError, MdOptions, Op, QueryParams, RequestError, RequestInfo, Strings, Table,
    WriteAction, WriteParams, MAX_DEPTH,
};

use crate::{ast, Diagnostics, Schema};

/// Reads a condition tree back into query syntax; its canonical text (`to_string()`)
/// compiles against `schema` to the same meaning. The tree's values are strings, so the
/// schema gives each column its type; datetimes without an offset are read in the
/// schema's time zone.
///
/// # Errors
///
/// Every part of the tree that cannot be read back, as [`Diagnostics`].
///
/// ```
/// use filterql::masterdata::{decompile, Condition};
/// use filterql::Schema;
/// let c = Condition::from_json(r#"{"col":"amount","op":"GREATER","value":"5"}"#).unwrap();
/// assert_eq!(decompile(&c, &Schema::demo()).unwrap().to_string(), "amount > 5");
/// ```
pub fn decompile(tree: &Condition, schema: &Schema) -> Result<ast::Expr, Diagnostics> {
    crate::target::masterdata::decompile(tree, schema, schema.timezone).map_err(Diagnostics::of)
}

/// [`decompile`] of a tree given as JSON text.
///
/// # Errors
///
/// Text that is not a condition tree, or as [`decompile`].
pub fn decompile_json(text: &str, schema: &Schema) -> Result<ast::Expr, Diagnostics> {
    crate::target::masterdata::decompile_json(text, schema, schema.timezone)
        .map_err(Diagnostics::of)
}
