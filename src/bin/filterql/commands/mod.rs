//! One module per subcommand.

pub mod check;
pub mod compile;
pub mod completions;
pub mod decompile;
pub mod eval;
pub mod fmt;
