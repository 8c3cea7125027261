//! The jdy backend (the public docs are on the facade module).

mod compile;
mod decompile;
mod encode;
mod error;
mod filter;
mod pushdown;
mod query;
mod sink;

pub use compile::{compile, to_json};
pub use decompile::decompile;
pub use encode::{default_type, methods, methods_for, LIKE_SPECIAL, MAX_VALUES};
pub use error::{DecompileError, JdyError};
pub use filter::{JdyCond, JdyFilter, ListRequest, Method, Rel, MAX_LIMIT};
pub use pushdown::{pushdown, Pushdown};

use chrono::{FixedOffset, Offset};

/// Which jdy filter methods the output may use (see the module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JdyMethods {
    /// Only the methods jdy's v5 data-list documentation lists per field type (see
    /// `methods_for`): no `gt`/`lt`, no `like` on text, no `in`/`all` on multi-valued,
    /// member or department fields.
    Seed,
    /// Every method jdy accepts by name per field type (`methods`), including those the
    /// data-list documentation leaves out (`gt`, `lt`, `like` on text, `in`/`all` on
    /// multi-valued fields). The default.
    #[default]
    Extended,
}

/// Options of the jdy backend. Build with [`JdyOptions::new`] (or `default()`, +08:00)
/// and the `with_` methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct JdyOptions {
    /// The UTC offset datetimes are written in (the query's time zone). It does not
    /// change which instants are meant, only how they read.
    pub tz: FixedOffset,
    /// The method table the output keeps to.
    pub methods: JdyMethods,
}

impl JdyOptions {
    /// Options writing datetimes with offset `tz`, every method allowed
    /// ([`JdyMethods::Extended`]).
    pub fn new(tz: FixedOffset) -> JdyOptions {
        JdyOptions {
            tz,
            methods: JdyMethods::Extended,
        }
    }

    /// The same options keeping to the method table `methods`.
    pub fn with_methods(self, methods: JdyMethods) -> JdyOptions {
        JdyOptions { methods, ..self }
    }
}

/// The project's default time zone, `+08:00` (China Standard Time, jdy's home zone).
pub fn default_tz() -> FixedOffset {
    // 8 hours is within the ±24 h FixedOffset accepts, so the fallback never applies.
    FixedOffset::east_opt(8 * 3600).unwrap_or(chrono::Utc.fix())
}

impl Default for JdyOptions {
    fn default() -> Self {
        JdyOptions::new(default_tz())
    }
}

impl JdyFilter {
    /// Reads a filter from JSON text (the `filter` object of a list request).
    pub fn from_json(text: &str) -> Result<JdyFilter, DecompileError> {
        serde_json::from_str(text).map_err(|e| DecompileError::Json {
            message: e.to_string(),
        })
    }

    /// The filter as pretty-printed JSON.
    pub fn to_json_pretty(&self) -> String {
        // A filter holds only strings, numbers, nulls and arrays: serializing cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
