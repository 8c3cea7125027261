//! Convenience methods on a compiled [`Query`](crate::Query).

use super::filter::JdyFilter;
use super::{compile, JdyOptions};
use crate::diagnostic::Diagnostics;

impl crate::Query {
    /// The options the jdy backend uses for this query: datetimes in its time zone.
    pub fn jdy_options(&self) -> JdyOptions {
        JdyOptions { tz: self.tz }
    }

    /// Strict compilation to one flat jdy filter meaning exactly this query
    /// (`filterql compile --target jdy`). On failure, every
    /// [`JdyError`](super::JdyError) over this query's text.
    pub fn to_jdy(&self) -> Result<JdyFilter, Diagnostics> {
        compile(&self.pred, &self.jdy_options()).map_err(|errors| {
            let mut d = Diagnostics::new(self.source.clone());
            for e in errors {
                d.push(e);
            }
            d
        })
    }
}
