//! The surface language: lexing/parsing (`parser`), the tree (`ast`), the canonical
//! printer (`fmt`) and syntax diagnostics (`error`).

pub mod ast;
mod error;
mod fmt;
pub mod parser;

pub use error::SyntaxError;
pub use parser::{parse, MAX_DEPTH, MAX_INPUT_BYTES};
