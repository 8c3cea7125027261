//! Convenience methods on a compiled [`Query`](crate::Query).

use super::error::JdyError;
use super::filter::JdyFilter;
use super::{compile, pushdown, JdyOptions};
use crate::diagnostic::Diagnostics;
use crate::ir::Pred;
use crate::span::Span;
use crate::unparse::Constant;
use serde::{Deserialize, Serialize};

/// The result of [`Query::to_jdy_pushdown`](crate::Query::to_jdy_pushdown); serializes as
/// the `--pushdown` output `{"filter": {...} | null, "residual": "<query text>" | null}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JdyPlan {
    /// The filter to send; `null` when nothing can be pushed: every record is fetched.
    pub filter: Option<JdyFilter>,
    /// Canonical query text of what the caller still checks on each fetched record
    /// (with [`crate::eval::matches`] on [`JdyPlan::residual_pred`], or by compiling
    /// this text); `null` when the filter is exact.
    pub residual: Option<String>,
    /// The residual as IR (not serialized).
    #[serde(skip)]
    pub residual_pred: Option<Pred>,
}

impl crate::Query {
    /// The options the jdy backend uses for this query: datetimes in its time zone.
    pub fn jdy_options(&self) -> JdyOptions {
        JdyOptions { tz: self.tz }
    }

    /// Strict compilation to one flat jdy filter meaning exactly this query
    /// (`filterql compile --target jdy`). On failure, every
    /// [`JdyError`] over this query's text.
    pub fn to_jdy(&self) -> Result<JdyFilter, Diagnostics> {
        compile(&self.pred, &self.jdy_options()).map_err(|errors| self.jdy_errors(errors))
    }

    /// Pushdown (`filterql compile --target jdy --pushdown`): the largest part of the
    /// query jdy evaluates, and the residual to check client-side.
    ///
    /// Returns `Result` for symmetry with [`to_jdy`](Self::to_jdy); it does not fail. A
    /// query that folds to "no record" has no filter and, as the language cannot write
    /// `false`, the query's own canonical text as residual (false on every record too).
    pub fn to_jdy_pushdown(&self) -> Result<JdyPlan, Diagnostics> {
        let p = pushdown(&self.pred, &self.jdy_options());
        let (residual, residual_pred) = match p.residual {
            None => (None, None),
            Some(r) => match crate::unparse::to_ast(&r, self.tz) {
                Ok(e) => (Some(e.to_string()), Some(r)),
                Err(Constant::True) => (None, None),
                Err(Constant::False) => (Some(self.ast().to_string()), Some(r)),
            },
        };
        Ok(JdyPlan {
            filter: p.filter,
            residual,
            residual_pred,
        })
    }

    fn jdy_errors(&self, errors: Vec<JdyError>) -> Diagnostics {
        let mut d = Diagnostics::new(self.source.clone());
        for mut e in errors {
            // A constant has no leaf to point at: point at the whole query.
            if let JdyError::Constant { span, .. } = &mut e {
                if span.is_empty() {
                    let start = self.source.len() - self.source.trim_start().len();
                    *span = Span::new(start, self.source.trim_end().len().max(start));
                }
            }
            d.push(e);
        }
        d
    }
}
