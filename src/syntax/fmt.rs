//! Canonical printing of the syntax tree (`Display`).
