//! The rustyline helper: completion, highlighting and multi-line validation wired to
//! the schema of the session.

use super::complete::{complete, Completion, Pair};
use super::highlight::{highlight, highlight_from};
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
    /// The earlier lines of a query still open, for completing in context.
    pending: String,
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
            pending: String::new(),
            color,
            files: FilenameCompleter::new(),
            history: HistoryHinter::new(),
        }
    }

    /// Follows a `:schema` change.
    pub fn set_schema(&mut self, schema: Schema) {
        self.schema = schema;
    }

    /// The earlier lines of the open query (empty when none is open).
    pub fn set_pending(&mut self, pending: &str) {
        pending.clone_into(&mut self.pending);
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
        // On a continuation line the grammar's context starts on an earlier line.
        let (text, offset) = if self.pending.is_empty() {
            (std::borrow::Cow::Borrowed(line), 0)
        } else {
            let joined = format!("{}\n{line}", self.pending);
            (std::borrow::Cow::Owned(joined), self.pending.len() + 1)
        };
        match complete(&self.schema, &text, pos + offset) {
            // A word that started on an earlier line cannot be replaced from here.
            Completion::Words { start, .. } if start < offset => Ok((pos, Vec::new())),
            Completion::Words { start, candidates } => Ok((start - offset, candidates)),
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
        if !self.color {
            Cow::Borrowed(line)
        } else if self.pending.is_empty() {
            Cow::Owned(highlight(line))
        } else {
            let joined = format!("{}\n{line}", self.pending);
            Cow::Owned(highlight_from(&joined, self.pending.len() + 1))
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
