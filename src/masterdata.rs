//! The master-data backend's public types: the condition tree
//! [`Query::to_masterdata`](crate::Query::to_masterdata) returns, the request envelopes,
//! and [`decompile`] to read a tree back into query text.

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
