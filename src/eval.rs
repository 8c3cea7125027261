//! The reference semantics: does a JSON record match an `ir::Pred`?
