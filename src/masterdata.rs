//! The master-data backend's public types; see
//! [`Query::to_masterdata`](crate::Query::to_masterdata).

pub use crate::target::masterdata::{
    decompile, decompile_json, query_request, write_request, Caller, CmpOp, Condition,
    DecompileError, Envelope, Leaf, LeafOp, MasterdataError, MdOptions, Op, QueryParams,
    RequestError, RequestInfo, Strings, Table, WriteAction, WriteParams, MAX_DEPTH,
};
