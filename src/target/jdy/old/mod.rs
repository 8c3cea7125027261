#![allow(missing_docs, dead_code, clippy::all)]
//! TEMPORARY reference copy of the previous encoder, for a differential test.
pub mod compile;
pub mod encode;
