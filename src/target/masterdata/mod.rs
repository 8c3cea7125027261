//! The masterdata backend (the public docs are on the facade module).

mod compile;
mod decompile;
mod direct;
mod envelope;
mod error;
pub mod tree;
pub mod value;

pub use compile::{compile, MAX_DEPTH};
pub use decompile::{decompile, decompile_json};
pub use envelope::{
    query_request, write_request, Caller, Envelope, QueryParams, RequestError, RequestInfo, Table,
    WriteAction, WriteParams,
};
pub use error::{DecompileError, MasterdataError};
pub use tree::{CmpOp, Condition, Leaf, LeafOp, Op, Strings};

use chrono::FixedOffset;

/// Options of the masterdata backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MdOptions {
    /// The time zone datetime values are written in (the query's time zone).
    pub tz: FixedOffset,
}

impl MdOptions {
    /// Datetimes written in `tz`.
    pub fn new(tz: FixedOffset) -> Self {
        MdOptions { tz }
    }
}

impl Default for MdOptions {
    /// The language's default zone, `+08:00`.
    fn default() -> Self {
        MdOptions {
            tz: FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset"),
        }
    }
}

/// The JSON text of the tree `pred` compiles to: exactly `compile(pred, opts)` followed
/// by [`Condition::to_json`], with the same errors, written straight from the predicate
/// where it can be (without building the tree first). Callers go through
/// [`Query::to_masterdata_json`](crate::Query::to_masterdata_json); this is the entry
/// for a predicate built without a query text (tests, benches, fuzzing).
#[doc(hidden)]
pub fn to_json(pred: &crate::ir::Pred, opts: &MdOptions) -> Result<String, Vec<MasterdataError>> {
    json_sized(pred, opts, None)
}

/// [`to_json`], its text sized from the length of the query text when there is one.
fn json_sized(
    pred: &crate::ir::Pred,
    opts: &MdOptions,
    source: Option<usize>,
) -> Result<String, Vec<MasterdataError>> {
    match direct::write(pred, opts, source) {
        Some(text) => Ok(text),
        // Errors, constants and clamped datetimes: the tree's compiler handles them.
        None => compile(pred, opts).map(|c| c.to_json()),
    }
}

impl crate::Query {
    /// The query's masterdata condition tree as compact JSON text: exactly
    /// `to_masterdata()?.to_json()`, written without building the tree where it can be.
    ///
    /// ```
    /// use filterql::{Options, Schema};
    /// let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
    /// let q = filterql::compile("amount > 5", &Schema::demo(), &opts).unwrap();
    /// assert_eq!(q.to_masterdata_json().unwrap(), q.to_masterdata().unwrap().to_json());
    /// ```
    ///
    /// # Errors
    ///
    /// As [`to_masterdata`](Self::to_masterdata).
    pub fn to_masterdata_json(&self) -> Result<String, crate::Diagnostics> {
        json_sized(&self.pred, &MdOptions::new(self.tz), Some(self.source.len())).map_err(|errs| crate::Diagnostics::over(self.source.clone(), errs))
    }

    /// The query's masterdata condition tree, datetimes written in the query's time
    /// zone. On failure the diagnostics (over the query text) list every predicate the
    /// backend cannot express.
    pub fn to_masterdata(&self) -> Result<Condition, crate::Diagnostics> {
        compile(&self.pred, &MdOptions::new(self.tz)).map_err(|errs| crate::Diagnostics::over(self.source.clone(), errs))
    }

    /// The record query request (`/industry/masterdata/record/query`, see
    /// [`query_request`]) for the query's condition tree, with request id `id`. On
    /// failure the diagnostics hold every predicate the backend cannot express, or why
    /// the request cannot be built (an empty table name, an `extra` parameter the request
    /// sets itself).
    ///
    /// ```
    /// use filterql::target::masterdata::{Caller, Table};
    /// use filterql::{Options, Schema};
    /// let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
    /// let q = filterql::compile("amount > 5", &Schema::demo(), &opts).unwrap();
    /// let req = q
    ///     .to_masterdata_request("1", Table::MetaDataName("物料".into()), Caller::default(), Default::default())
    ///     .unwrap();
    /// assert_eq!(req.to_value()["params"]["metaDataName"], "物料");
    /// let empty = Table::MetaDataName(String::new());
    /// assert!(q.to_masterdata_request("1", empty, Caller::default(), Default::default()).is_err());
    /// ```
    pub fn to_masterdata_request(
        &self,
        id: impl Into<String>,
        table: Table,
        caller: Caller,
        extra: serde_json::Map<String, serde_json::Value>,
    ) -> Result<Envelope<QueryParams>, crate::Diagnostics> {
        let tree = self.to_masterdata()?;
        query_request(id, table, tree, caller, extra).map_err(|e| crate::Diagnostics::over(self.source.clone(), [MasterdataError::from(e)]))
    }

    /// The record write request (`/industry/masterdata/record/write`, see
    /// [`write_request`]) applying `action` to the records this query matches: the
    /// write counterpart of [`to_masterdata_request`](Self::to_masterdata_request).
    ///
    /// # Errors
    ///
    /// Every predicate the backend cannot express, or why the request cannot be built
    /// (an empty table name, a `Modify` without columns or with a duplicate or
    /// non-scalar one).
    ///
    /// ```
    /// use filterql::masterdata::{Caller, Table, WriteAction};
    /// use filterql::{Options, Schema};
    /// let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
    /// let q = filterql::compile("amount > 5", &Schema::demo(), &opts).unwrap();
    /// let table = Table::MetaDataName("物料".into());
    /// let req = q
    ///     .to_masterdata_write_request("1", table, WriteAction::Archive, Caller::default())
    ///     .unwrap();
    /// let v = req.to_value();
    /// assert_eq!(v["params"]["action"], "ARCHIVE");
    /// assert_eq!(v["params"]["condition"]["op"], "GREATER");
    /// assert_eq!((req.version(), req.api_version()), ("1.0", "1.0.5"));
    /// ```
    pub fn to_masterdata_write_request(
        &self,
        id: impl Into<String>,
        table: Table,
        action: WriteAction,
        caller: Caller,
    ) -> Result<Envelope<WriteParams>, crate::Diagnostics> {
        let tree = self.to_masterdata()?;
        write_request(id, table, action, tree, caller).map_err(|e| crate::Diagnostics::over(self.source.clone(), [MasterdataError::from(e)]))
    }
}
