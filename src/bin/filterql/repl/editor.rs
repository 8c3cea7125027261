//! The rustyline helper: completion, highlighting and multi-line validation wired to
//! the schema of the session.

use super::complete::{complete, Completion, Pair};
use super::highlight::highlight;
use crate::args::TargetKind;
use filterql::Schema;
use rustyline::completion::{Completer, FilenameCompleter};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::validate::Validator;
use rustyline::{Context, Helper};
use std::borrow::Cow;

/// Completion, colouring and validation for the shell.
pub struct ReplHelper {
    schema: Schema,
    target: TargetKind,
    color: bool,
    files: FilenameCompleter,
    history: HistoryHinter,
}

impl ReplHelper {
    /// A helper for `schema`; `color` enables highlighting.
    pub fn new(schema: Schema, color: bool) -> Self {
        ReplHelper {
            schema,
            target: TargetKind::Jdy,
            color,
            files: FilenameCompleter::new(),
            history: HistoryHinter::new(),
        }
    }

    /// Follows a `:schema` change.
    pub fn set_schema(&mut self, schema: Schema) {
        self.schema = schema;
    }

    /// Follows a `:target` change (completion offers what the target can express).
    pub fn set_target(&mut self, target: TargetKind) {
        self.target = target;
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        match complete(&self.schema, line, pos) {
            Completion::Words { start, candidates } => Ok((start, candidates)),
            Completion::Path => {
                let (start, files) = self.files.complete(line, pos, ctx)?;
                Ok((
                    start,
                    files
                        .into_iter()
                        .map(|p| Pair {
                            display: p.display,
                            replacement: p.replacement,
                        })
                        .collect(),
                ))
            }
        }
    }
}

impl Hinter for ReplHelper {
    type Hint = String;

    // fish-style suggestions: the rest of the latest history entry starting with the
    // line typed so far (→ accepts it).
    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        self.history.hint(line, pos, ctx)
    }
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color {
            Cow::Owned(highlight(line))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        // Any keystroke can change a token's kind (a quote opens a string), so the line
        // is re-coloured on every edit.
        self.color
    }
}

// Enter always submits the line: the shell joins the lines of an open query itself,
// prompting `->` for each (see `repl::run`), as psql does.
impl Validator for ReplHelper {}

impl Helper for ReplHelper {}
