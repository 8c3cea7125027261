//! SQL dialects: quoting, escaping, placeholders, per-engine expressions.
