//! Convenience methods on a compiled [`Query`](crate::Query).

use super::error::JdyError;
use super::filter::JdyFilter;
use super::{compile, pushdown, JdyOptions};
use crate::diagnostic::Diagnostics;
use crate::ir::Pred;
use crate::plan;
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
    /// query jdy evaluates, and the residual to check client-side. Fails only when the
    /// residual is a constant the language cannot write (the query matches nothing).
    pub fn to_jdy_pushdown(&self) -> Result<JdyPlan, Diagnostics> {
        let p = pushdown(&self.pred, &self.jdy_options());
        let residual = match &p.residual {
            None => None,
            Some(r) => match crate::unparse::to_ast(r, self.tz) {
                Ok(e) => Some(e.to_string()),
                Err(c) => {
                    return Err(self.jdy_errors(vec![JdyError::Constant {
                        value: c == crate::unparse::Constant::True,
                        span: plan::span_of(&self.pred),
                    }]))
                }
            },
        };
        Ok(JdyPlan {
            filter: p.filter,
            residual,
            residual_pred: p.residual,
        })
    }

    fn jdy_errors(&self, errors: Vec<JdyError>) -> Diagnostics {
        let mut d = Diagnostics::new(self.source.clone());
        for e in errors {
            d.push(e);
        }
        d
    }
}
