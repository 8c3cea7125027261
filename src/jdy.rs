//! The jdy (Jiandaoyun) backend's public types: what
//! [`Query::to_jdy`](crate::Query::to_jdy) and
//! [`Query::to_jdy_pushdown`](crate::Query::to_jdy_pushdown) return, the list request
//! with paging, and [`decompile`] to read a filter back into query text.

pub use crate::target::jdy::{
    DecompileError, JdyCond, JdyError, JdyFilter, JdyMethods, JdyOptions, ListRequest, Method,
    Pushdown, Rel, MAX_LIMIT, MAX_VALUES,
};

use crate::{ast, Diagnostics, Schema};

/// Reads a jdy filter back into query syntax; its canonical text (`to_string()`)
/// compiles against `schema` to the same meaning. `ne`/`nin` are read as "not empty and
/// different" (`x != v and x is not empty`), since jdy does not document what they do on
/// an empty value.
///
/// Field types come from `schema` when it has the field, else from the condition's
/// `type`, the system field names and the values: pass [`Schema::none`] to read a filter
/// without a schema. Datetime values without an offset are read in the schema's time
/// zone.
///
/// # Errors
///
/// Every condition that cannot be read back, as [`Diagnostics`] (without a source text:
/// the positions are the conditions' indexes, in the messages).
///
/// ```
/// use filterql::jdy::{decompile, JdyFilter};
/// use filterql::Schema;
/// let f: JdyFilter = serde_json::from_str(
///     r#"{"rel":"and","cond":[{"field":"amount","type":"number","method":"gt","value":[5]}]}"#,
/// ).unwrap();
/// assert_eq!(decompile(&f, &Schema::demo()).unwrap().to_string(), "amount > 5");
/// ```
pub fn decompile(filter: &JdyFilter, schema: &Schema) -> Result<ast::Expr, Diagnostics> {
    let schema = (!schema.infer).then_some(schema);
    crate::target::jdy::decompile(filter, schema).map_err(Diagnostics::of)
}

/// [`decompile`] of a filter given as JSON text (the `filter` object of a list request).
///
/// # Errors
///
/// Text that is not a jdy filter, or as [`decompile`].
pub fn decompile_json(text: &str, schema: &Schema) -> Result<ast::Expr, Diagnostics> {
    let filter = JdyFilter::from_json(text).map_err(|e| Diagnostics::of([e]))?;
    decompile(&filter, schema)
}
