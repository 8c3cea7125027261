//! The surface language: lexical helpers (`lexer`), the rules (`parser`, `literal`), the
//! tree (`ast`), the canonical printer (`fmt`) and syntax diagnostics (`error`).
//!
//! The grammar is `grammar/filterql.ebnf`; `grammar/README.md` explains the language.

pub mod ast;
mod error;
mod fmt;
mod lexer;
mod literal;
pub mod parser;

pub use error::SyntaxError;
pub use lexer::is_keyword;
pub(crate) use parser::parse_noting_clock;
pub use parser::{parse, MAX_DEPTH, MAX_INPUT_BYTES};
