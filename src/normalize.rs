//! Meaning-preserving rewrites of `ir::Pred`: NNF, flattening, folding, range merging.
