//! `filterql repl`: an interactive shell over the library.

pub mod complete;
pub mod highlight;
pub mod scan;
