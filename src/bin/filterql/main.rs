//! The `filterql` command line.

fn main() {}
