//! Splitting a predicate into a part a backend can push down and a residual.
