//! The jdy (Jiandaoyun) backend: v5 `POST /api/v5/app/entry/data/list` filters.
//!
//! # API
//!
//! On a compiled [`Query`](crate::Query):
//!
//! - [`to_jdy`](crate::Query::to_jdy) (strict): one flat [`JdyFilter`] meaning exactly
//!   the query, or every [`JdyError`] at once (as `Diagnostics` over the query text).
//! - [`to_jdy_json`](crate::Query::to_jdy_json): the same as compact JSON text
//!   (`serde_json::to_string` of the filter, byte for byte), written directly without
//!   building the filter: the fast path when the text is what gets sent.
//! - [`to_jdy_pushdown`](crate::Query::to_jdy_pushdown): never fails; a [`Pushdown`]
//!   plan with the largest part jdy can evaluate as a filter and a
//!   [`Residual`](crate::Residual) to check on the fetched records (with
//!   [`Pushdown::matches`]), the fields the residual reads, and whether the query is
//!   unsatisfiable or a tautology. It serializes as the CLI's
//!   `{"filter": ..., "residual": ...}` ([`Pushdown::to_json`]).
//! - Each has a `_with` form taking [`JdyOptions`] (e.g. the
//!   [seed method table](self#method-tables)).
//!
//! And:
//!
//! - [`decompile`]: an existing filter (e.g. read with [`JdyFilter::from_json`]) → query
//!   syntax ([`ast::Expr`]), whose canonical text compiles back to
//!   the same meaning.
//! - [`ListRequest`]: the request envelope, with paging helpers.
//!
//! ```
//! use filterql::{Options, Schema};
//! let now = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00+08:00").unwrap();
//! let opts = Options::at(now);
//! let q = filterql::compile("createTime >= 2022-01-01 and phone verified", &Schema::demo(), &opts)
//!     .unwrap();
//! let f = q.to_jdy().unwrap();
//! assert_eq!(
//!     serde_json::to_string(&f).unwrap(),
//!     r#"{"rel":"and","cond":[{"field":"createTime","type":"datetime","method":"range","value":["2022-01-01T00:00:00.000+08:00",null]},{"field":"phone","type":"phone","method":"verified"}]}"#
//! );
//!
//! // A nested `or` is not one flat jdy level: strict mode refuses, pushdown splits.
//! let q = filterql::compile(r#"amount = 1 and (class = "A" or class = "B" or phone verified)"#, &Schema::demo(), &opts)
//!     .unwrap();
//! assert!(q.to_jdy().is_err());
//! let plan = q.to_jdy_pushdown();
//! assert_eq!(plan.filter().unwrap().cond.len(), 1);
//! let residual = plan.residual().unwrap();
//! assert_eq!(residual.to_string(), r#"class = "A" or class = "B" or phone verified"#);
//! assert_eq!(residual.fields(), ["class", "phone"]);
//! assert_eq!(
//!     plan.to_json(),
//!     r#"{"filter":{"rel":"and","cond":[{"field":"amount","type":"number","method":"eq","value":[1]}]},"residual":"class = \"A\" or class = \"B\" or phone verified"}"#
//! );
//! ```
//!
//! Paging through the records with a pushdown plan: send the filter, ask for the
//! residual's fields too, keep the records the residual accepts.
//!
//! ```
//! use filterql::jdy::ListRequest;
//! use filterql::{Options, Schema};
//! use serde_json::{json, Value};
//!
//! let opts = Options::at("2024-05-01T12:00:00+08:00".parse().unwrap());
//! let q = filterql::compile(r#"amount >= 10 and class startswith "Li""#, &Schema::demo(), &opts)
//!     .unwrap();
//! let plan = q.to_jdy_pushdown();
//! if plan.is_unsatisfiable() {
//!     return; // nothing can match: no request at all
//! }
//! let request = ListRequest::new("app", "entry")
//!     .with_fields(["amount"])
//!     .with_pushdown(&plan);
//! assert_eq!(request.fields.as_deref(), Some(&["amount".to_owned(), "class".to_owned()][..]));
//!
//! // What jdy might return for the filter (`amount >= 10`, `class like "Li"`):
//! let pages: Vec<Vec<Value>> = vec![vec![
//!     json!({"_id": "a1", "amount": 12, "class": "Li Lei"}),
//!     json!({"_id": "a2", "amount": 30, "class": "Mo Li"}),
//! ]];
//! let mut kept = Vec::new();
//! let mut next = Some(request);
//! for page in pages {
//!     let Some(req) = next.take() else { break };
//!     // ... POST `req` to /api/v5/app/entry/data/list, `page` is its `data` ...
//!     kept.extend(page.iter().filter(|r| plan.matches(r)).cloned());
//!     if let Some(last) = page.last().and_then(|r| r["_id"].as_str()) {
//!         next = Some(req.next_page(last));
//!     }
//! }
//! assert_eq!(kept, [json!({"_id": "a1", "amount": 12, "class": "Li Lei"})]);
//! ```
//!
//! # What filterql assumes jdy's methods mean
//!
//! The vendor documents the methods only by name. filterql assumes the following, and
//! the test-side simulator (`tests/jdy_sim/mod.rs`) implements exactly this:
//!
//! | method | matches a record when the field's value ... |
//! |---|---|
//! | `eq [v]` | is not empty and equals `v` (text case-sensitively; user by username, dept by number, datetime as an instant) |
//! | `in [v..]` | is not empty and equals one of the values; on multi-valued fields (multiselect, usergroup, deptgroup): contains at least one |
//! | `all [v..]` | (multi-valued) contains every value |
//! | `range [lo, hi]` | is not empty and `lo <= value <= hi`, `null` leaving an end open |
//! | `gt [v]` / `lt [v]` | (numbers) is not empty and `> v` / `< v` |
//! | `like [s]` | (text, sn, phone number) is not empty and contains `s`, case-sensitively, for an `s` without any of `` %_\.*+?[](){}^$\| `` (how jdy treats those is undocumented, so filterql never sends them: rejected / residual) |
//! | `verified` / `unverified` | (phone) has a number that is / is not verified |
//! | `empty` / `not_empty` | is / is not empty: absent, null, `""`, `[]`, a phone without a number (exact complements) |
//! | `ne [v]` / `nin [v..]` | on a non-empty value: differs from `v` / from every value. **On an empty value: unknown** |
//!
//! Two details the simulator also fixes: `unverified` counts an absent or `null` flag as
//! not verified (a flag of another type is neither), and a record value of the wrong
//! shape for its field (which jdy's own records never hold) counts as empty, as in
//! [`Query::matches`](crate::Query::matches).
//!
//! jdy does not say whether `ne`/`nin` match records whose field is empty. The language's
//! `!=` does (two-valued logic), so filterql never relies on either answer: `x != v`
//! becomes `ne` only where the output is right **whichever way jdy behaves** —
//! `{"rel":"or"}` with an extra `empty` condition (`x != v` alone, or in a top-level `or`),
//! or in a top-level `and` that already rules out an empty `x` (e.g.
//! `x != v and x is not empty`). Elsewhere strict mode rejects it (with a help line
//! saying what works) and pushdown leaves it in the residual. The tests simulate jdy both
//! ways. [`decompile`], which must give `ne` *a* meaning, reads it as "not empty and
//! different" (the stricter reading).
//!
//! # Pushdown
//!
//! [`Query::to_jdy_pushdown`](crate::Query::to_jdy_pushdown) never loses a record: a top-level `and` sends every conjunct jdy can
//! express exactly and keeps the others as the residual; where only a looser condition
//! exists it is sent *and* the conjunct stays in the residual (`startswith`/`endswith`
//! → `like`, `x = "v"` on a phone → `like`, `has all` over 200 values → its first
//! `all`, `lo < x < hi` on a number → the closed `range`). When no conjunct fits an
//! `and`, one that fits an `or` by itself is sent as `{"rel":"or"}` (e.g. `x != v` as
//! `ne` + `empty`). A top-level `or` is sent whole (arms loosened as above, a nested
//! `and` arm by one of its conjuncts, the whole `or` then residual) or not at all.
//!
//! The plan ([`Pushdown`]) is the contract for the caller: skip the request when it
//! [is unsatisfiable](Pushdown::is_unsatisfiable); fetch the residual's
//! [fields](crate::Residual::fields) along with the wanted ones
//! ([`ListRequest::with_pushdown`]); keep the fetched records
//! [`Pushdown::matches`] accepts. The residual's text is canonical query text that
//! compiles, against the same schema, to the same meaning; a plan serializes but does
//! not deserialize (keep the query text instead and compile it again).
//!
//! # Method tables
//!
//! jdy's v5 data-list documentation lists fewer methods per field type than jdy
//! accepts: numbers and datetimes `eq ne range empty not_empty`, flow state `eq ne`,
//! "text" (single-line text, dropdown, radio group, serial number) `eq ne in nin empty
//! not_empty`, phone `like verified unverified empty not_empty`, every other field
//! `empty not_empty`. [`JdyOptions::with_methods`] chooses the table:
//!
//! - [`JdyMethods::Extended`] (the default): also `gt`/`lt` on numbers, `like` on text
//!   and serial numbers, `in`/`nin` on members, departments and flow states, `in`/`all`
//!   on multi-valued fields, `eq`/`in` on `_id`. These are the methods
//!   jdy's filter UI and API accept and that filterql's tests simulate; the default
//!   keeps queries people write exact on most tenants.
//! - [`JdyMethods::Seed`]: only the documented table, for a tenant
//!   that rejects the others. Output stays exact: an exclusive number bound becomes the
//!   closed `range` from the adjacent `f64` (`x > 5` → `range [5.000000000000001,
//!   null]`, as numbers compare as `f64`), a text `in` keeps `in`; what the table
//!   cannot say is rejected in strict mode and left in the residual by pushdown.
//!
//! # Values
//!
//! - Datetimes are sent as ISO-8601 with milliseconds and the query's UTC offset
//!   (`2022-01-01T00:00:00.000+08:00`): the explicit offset makes the instant exact
//!   whatever time zone the jdy tenant uses, and milliseconds are jdy's precision (records
//!   come back as `2017-10-20T22:41:51.430Z`).
//! - jdy's `range` is inclusive at both ends, so an exclusive datetime end moves by one
//!   millisecond: a date literal's day `[00:00, next 00:00)` is sent as
//!   `[00:00:00.000, 23:59:59.999]`, and `d > t` as `range [t + 1 ms, null]`. This is
//!   exact because stored datetimes have millisecond precision. Numbers have `gt`/`lt`
//!   for exclusive ends; a range with both ends inside an `or` (where `gt` and `lt`
//!   would need a nested `and`) is one closed `range` from the adjacent `f64`s, as in the
//!   seed table (next to zero, the smallest normal number: the query language has no
//!   subnormal literals, so a decompiled filter still reads back).
//! - Numbers are JSON numbers (integral ones without a fraction), users their username,
//!   departments their number, flow states 0–3.
//! - `in`/`nin`/`all` take at most 200 values: a longer `in` (or `has any`) is split into
//!   several `in` conditions only in an `or`, a longer `has all` into several `all` only in
//!   an `and` — the only places where the split means the same. Elsewhere: rejected
//!   (strict) or left in the residual (pushdown).
//!
//! Subform columns cannot be filtered on jdy (rejected / residual); a subform as a whole
//! can be tested for emptiness. A condition's `type` is the schema's widget type when
//! known, otherwise derived from the field type (`radiogroup` for select, `combocheck`
//! for multiselect, `dataid` for `_id`, ...).

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
    crate::target::jdy::decompile(filter, Some(schema)).map_err(Diagnostics::of)
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
