//! Convenience methods on a compiled [`Query`](crate::Query).

use super::error::JdyError;
use super::filter::JdyFilter;
use super::pushdown::{split, Pushdown};
use super::{compile, to_json, JdyOptions};
use crate::diagnostic::Diagnostics;
use crate::span::Span;

impl crate::Query {
    /// The options the jdy backend uses for this query: datetimes in its time zone,
    /// every method ([`JdyMethods::Extended`](super::JdyMethods::Extended)). Start from
    /// these for the `_with` methods.
    pub fn jdy_options(&self) -> JdyOptions {
        JdyOptions::new(self.tz)
    }

    /// Strict compilation to one flat jdy filter meaning exactly this query
    /// (`filterql compile --target jdy`).
    ///
    /// # Errors
    ///
    /// Every [`JdyError`] over this query's text: a part jdy cannot express exactly in
    /// one flat filter (use [`to_jdy_pushdown`](Self::to_jdy_pushdown) for those), or a
    /// query that is constant.
    pub fn to_jdy(&self) -> Result<JdyFilter, Diagnostics> {
        self.to_jdy_with(&self.jdy_options())
    }

    /// [`to_jdy`](Self::to_jdy) with other options (e.g. the seed method table).
    ///
    /// # Errors
    ///
    /// As [`to_jdy`](Self::to_jdy).
    pub fn to_jdy_with(&self, opts: &JdyOptions) -> Result<JdyFilter, Diagnostics> {
        compile(&self.pred, opts).map_err(|errors| self.jdy_errors(errors))
    }

    /// [`to_jdy`](Self::to_jdy) as compact JSON text, exactly
    /// `serde_json::to_string(&self.to_jdy()?)` but written directly (the fast path
    /// when the text is what is sent).
    ///
    /// # Errors
    ///
    /// As [`to_jdy`](Self::to_jdy).
    pub fn to_jdy_json(&self) -> Result<String, Diagnostics> {
        self.to_jdy_json_with(&self.jdy_options())
    }

    /// [`to_jdy_json`](Self::to_jdy_json) with other options.
    ///
    /// # Errors
    ///
    /// As [`to_jdy`](Self::to_jdy).
    pub fn to_jdy_json_with(&self, opts: &JdyOptions) -> Result<String, Diagnostics> {
        to_json(&self.pred, opts).map_err(|errors| self.jdy_errors(errors))
    }

    /// Pushdown (`filterql compile --target jdy --pushdown`): the largest part of the
    /// query jdy evaluates, and the residual to check on the records it returns. Never
    /// fails: at worst nothing is pushed and the whole query is the residual.
    ///
    /// A query that matches no record gives an
    /// [unsatisfiable](Pushdown::is_unsatisfiable) plan whose residual text is the
    /// query's own canonical text.
    pub fn to_jdy_pushdown(&self) -> Pushdown {
        self.to_jdy_pushdown_with(&self.jdy_options())
    }

    /// [`to_jdy_pushdown`](Self::to_jdy_pushdown) with other options.
    pub fn to_jdy_pushdown_with(&self, opts: &JdyOptions) -> Pushdown {
        Pushdown::assemble(split(&self.pred, opts), opts.tz, || self.ast().to_string())
    }

    fn jdy_errors(&self, errors: Vec<JdyError>) -> Diagnostics {
        let errors = errors.into_iter().map(|mut e| {
            // A constant has no leaf to point at: point at the whole query.
            if let JdyError::Constant { span, .. } = &mut e {
                if span.is_empty() {
                    let start = self.source.len() - self.source.trim_start().len();
                    *span = Span::new(start, self.source.trim_end().len().max(start));
                }
            }
            e
        });
        Diagnostics::over(self.source.clone(), errors)
    }
}
