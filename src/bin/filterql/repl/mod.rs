//! `filterql repl`: an interactive shell over the library, in the spirit of psql and
//! sqlite3. Each query typed is compiled for the current target and printed; lines
//! starting with `:` are commands (see [`commands`]).

pub mod commands;
pub mod complete;
pub mod editor;
pub mod highlight;
pub mod pager;
pub mod piped;
pub mod scan;
pub mod tree;

use crate::args::{TargetKind, TargetSpec};
use crate::engine::{self, Clock, Shape};
use crate::failure::Failure;
use crate::output::{color_wanted, width, Look};
use editor::ReplHelper;
use filterql::{Diagnostics, Schema};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{ColorMode, CompletionType, Config, Editor};
use std::io::IsTerminal;
use std::path::PathBuf;

/// The state of a session.
pub struct Session {
    /// The schema queries are checked against.
    pub schema: Schema,
    /// Where the schema came from (a file name or "the built-in demo form").
    pub schema_name: String,
    /// The current target.
    pub target: TargetSpec,
    /// The clock and time-zone override.
    pub clock: Clock,
    /// The last query entered, for `:ast`, `:ir`, `:explain` and `:eval` without one.
    pub last: Option<String>,
    /// Whether to colour output.
    pub color: bool,
    /// The table of the SQL target's `SELECT * FROM <table>`; without one, the
    /// condition alone is printed (as `compile` does without `--table`).
    pub table: Option<String>,
    /// jdy: send what jdy can filter and show the rest as a residual (`:pushdown`).
    pub pushdown: bool,
    /// Whether a query or command was rejected (the piped shell then exits 1).
    pub failed: bool,
    /// Whether output goes to a person at a terminal (pager, pretty SQL).
    pub interactive: bool,
    /// The stdin line the entry being handled starts on, when reading a pipe.
    pub line: Option<usize>,
}

/// What the loop does after a line.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    /// Read the next line.
    Continue,
    /// Leave the shell.
    Quit,
}

impl Session {
    /// A session over `schema` with the default settings.
    pub fn new(schema: Schema, schema_name: String, target: TargetSpec, color: bool) -> Self {
        Session {
            schema,
            schema_name,
            target,
            clock: Clock::default(),
            last: None,
            color,
            table: None,
            pushdown: false,
            failed: false,
            interactive: false,
            line: None,
        }
    }

    /// Prints diagnostics (errors or warnings) to stderr; errors mark the session failed.
    pub fn report(&mut self, d: &Diagnostics) {
        if d.is_empty() {
            return;
        }
        let place = match self.line {
            Some(first_line) => crate::render::Place {
                name: "<stdin>",
                first_line,
            },
            None => crate::render::Place::QUERY,
        };
        eprint!(
            "{}",
            crate::render::render_at(d, width(), self.color, place)
        );
        if d.has_errors() {
            self.failed = true;
        }
    }

    /// Prints a problem with a command (a bad argument, an unreadable file) to stderr
    /// and marks the session failed.
    pub fn complain(&mut self, message: &str) {
        eprintln!("{}", crate::safe::text(message));
        self.failed = true;
    }

    /// Prints a usage or input failure to stderr and marks the session failed.
    pub fn fail(&mut self, failure: &Failure) {
        eprint!(
            "{}",
            crate::render::render_other(failure, width(), self.color)
        );
        self.failed = true;
    }

    /// Prints `text` to stdout, through the pager when it is long and a person reads it.
    pub fn show(&self, text: &str) {
        pager::show(text, self.interactive);
    }

    /// Compiles `text`, reporting diagnostics; `None` when it was rejected.
    pub fn compile(&mut self, text: &str) -> Option<filterql::Query> {
        match engine::compile(text, &self.schema, &self.clock) {
            Ok(q) => {
                self.report(q.warnings());
                Some(q)
            }
            Err(d) => {
                self.report(&d);
                None
            }
        }
    }

    /// The SQL shape used in the shell: inline, against the session's table if any.
    pub fn sql_shape(&self) -> Shape {
        Shape {
            table: self.table.clone(),
            ..Shape::default()
        }
    }

    /// The shape of the current target's output.
    fn shape(&self) -> Shape {
        match self.target.kind {
            TargetKind::Sql => self.sql_shape(),
            TargetKind::Jdy => Shape {
                pushdown: self.pushdown,
                ..Shape::default()
            },
            TargetKind::Masterdata => Shape::default(),
        }
    }

    /// How results look in the shell.
    pub fn look(&self) -> Look {
        Look {
            color: self.color,
            compact: false,
            escape: true,
            sql_width: Some(width()),
        }
    }

    /// Handles one query: compile and print it for the current target.
    pub fn run_query(&mut self, text: &str) {
        self.last = Some(text.to_owned());
        let Some(q) = self.compile(text) else {
            return;
        };
        let shape = self.shape();
        match engine::render(&q, self.target, &shape) {
            Ok(out) => {
                if let Some(t) = out.render(&self.look()) {
                    self.show(&t);
                }
                if shape.pushdown {
                    println!("{}", residual_line(&out));
                }
            }
            Err(d) => {
                self.report(&d);
                let subform = d.iter().any(|e| {
                    miette::Diagnostic::code(e)
                        .is_some_and(|c| c.to_string() == "filterql::sql::subform")
                });
                if subform {
                    eprintln!("hint: `:eval FILE` filters records on subform rows client-side");
                }
                if self.target.kind == TargetKind::Jdy && !self.pushdown && wants_pushdown(&d) {
                    eprintln!(
                        "hint: `:pushdown on` sends jdy what it can filter and shows the rest \
                         as a query to evaluate client-side"
                    );
                }
            }
        }
    }

    /// Handles one entry.
    pub fn handle_entry(&mut self, line: &str) -> Flow {
        if let Some(cmd) = abandoning_command(line) {
            // A command typed while a query was still open (`(a = 1 or` then `:quit`):
            // the command wins, as `\q` does in psql, and the query is dropped visibly.
            eprintln!("(the unfinished query was dropped)");
            return self.handle_entry(cmd);
        }
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            Flow::Continue
        } else if t.starts_with(':') {
            self.line = None;
            commands::run(self, t)
        } else if let Some(cmd) = foreign_command(t) {
            // psql's `\q`, sqlite3's `.quit`, a bare `exit`: never a query, so honour
            // them rather than report a syntax error.
            commands::run(self, cmd)
        } else {
            self.run_query(line);
            Flow::Continue
        }
    }

    /// The greeting: what is loaded and what to try.
    pub fn banner(&self) -> String {
        const SHOWN: usize = 12;
        let own: Vec<&filterql::Field> =
            self.schema.fields().iter().filter(|f| !f.system).collect();
        let mut fields: Vec<String> = own
            .iter()
            .take(SHOWN)
            .map(|f| match &f.label {
                Some(l) => format!("{} ({})", crate::safe::text(&f.name), crate::safe::text(l)),
                None => crate::safe::text(&f.name).into_owned(),
            })
            .collect();
        if own.len() > SHOWN {
            fields.push(format!("… {} more (:fields lists them)", own.len() - SHOWN));
        }
        let system: Vec<String> = self
            .schema
            .fields()
            .iter()
            .filter(|f| f.system)
            .map(|f| crate::safe::text(&f.name).into_owned())
            .collect();
        let mut s = format!(
            "filterql {} — interactive shell. Schema: {}.\n",
            env!("CARGO_PKG_VERSION"),
            crate::safe::text(&self.schema_name)
        );
        if !fields.is_empty() {
            s.push_str(&wrap(&format!("Fields: {}", fields.join(", ")), 78, "  "));
            s.push('\n');
        }
        if !system.is_empty() {
            s.push_str("  ");
            s.push_str(&wrap(&format!("plus {}", system.join(", ")), 76, "  "));
            s.push('\n');
        }
        s.push_str(&format!(
            "Target: {}. Tab completes fields and keywords; :help lists commands.\ntry: {}",
            self.target,
            crate::safe::text(&self.example())
        ));
        s
    }

    /// A query that compiles against the current schema, for the banner.
    fn example(&self) -> String {
        let has = |name: &str, ty: filterql::FieldType| {
            self.schema
                .fields()
                .iter()
                .any(|f| f.name == name && f.ty == ty)
        };
        let created = has("createTime", filterql::FieldType::Datetime);
        if created && has("phone", filterql::FieldType::Phone) {
            "createTime >= 2022-01-01 and phone verified".to_owned()
        } else if created {
            "createTime >= 2022-01-01".to_owned()
        } else {
            match self.schema.fields().first() {
                Some(f) => format!("{} is not empty", complete::written(&f.name)),
                None => "createTime >= 2022-01-01".to_owned(),
            }
        }
    }
}

/// Whether the line `t` (trimmed) is a shell command: a known `:` command or another
/// tool's quit/help. On a later line of an open query it ends the query.
pub fn is_shell_command(t: &str) -> bool {
    commands::is_command(t) || foreign_command(t).is_some()
}

/// The last line of a multi-line entry when it is a shell command (a known `:` command
/// or another tool's quit/help): typed to leave a query that is still open. Only known
/// commands count, so that a line of a multi-line string that happens to start with `:`
/// stays part of the string.
pub fn abandoning_command(entry: &str) -> Option<&str> {
    let (_, last) = entry.rsplit_once('\n')?;
    let t = last.trim();
    is_shell_command(t).then_some(t)
}

/// The shell command another tool's habit means: psql (`\q`, `\?`), sqlite3 (`.quit`,
/// `.help`), or a bare `quit`/`exit` (as psql accepts).
fn foreign_command(line: &str) -> Option<&'static str> {
    match line.to_ascii_lowercase().as_str() {
        "\\q" | "\\quit" | ".quit" | ".exit" | ".q" | "quit" | "exit" => Some(":quit"),
        "\\?" | "\\h" | "\\help" | ".help" | "help" => Some(":help"),
        _ => None,
    }
}

/// Terminal columns of `s`, counting East Asian wide characters as two.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// Whether `c` takes two terminal columns (the common wide blocks: Hangul Jamo, CJK,
/// Hangul syllables, compatibility ideographs, full-width forms, CJK extensions).
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// Wraps `text` at spaces to `width` columns, indenting continuation lines.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut col = 0;
    for word in text.split(' ') {
        let w = display_width(word);
        if col > 0 && col + 1 + w > width {
            out.push('\n');
            out.push_str(indent);
            col = indent.len();
        } else if col > 0 {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += w;
    }
    out
}

/// The history file: `$FILTERQL_HISTORY`, else `$XDG_STATE_HOME/filterql/history`, else
/// `~/.local/state/filterql/history`.
pub fn history_path() -> Option<PathBuf> {
    let nonempty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(p) = nonempty("FILTERQL_HISTORY") {
        return Some(PathBuf::from(p));
    }
    let state = nonempty("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| nonempty("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(state.join("filterql").join("history"))
}

/// The line shown under a pushdown result: what is left to filter client-side.
pub fn residual_line(out: &crate::output::Output) -> String {
    match out.to_json().get("residual") {
        Some(serde_json::Value::String(r)) => {
            format!("kept client-side: {}", crate::safe::text(r))
        }
        _ => "kept client-side: nothing (the filter is exact)".to_owned(),
    }
}

/// Whether jdy's refusal is one that pushdown resolves (the filter is valid but jdy
/// cannot express it exactly), judged by the diagnostic codes.
pub fn wants_pushdown(d: &Diagnostics) -> bool {
    const CODES: &[&str] = &[
        "filterql::jdy::unsupported_method",
        "filterql::jdy::subform_column",
        "filterql::jdy::needs_or",
        "filterql::jdy::needs_and",
        "filterql::jdy::nested_group",
        "filterql::jdy::too_many_values",
    ];
    d.iter().any(|e| {
        miette::Diagnostic::code(e).is_some_and(|c| CODES.contains(&c.to_string().as_str()))
    })
}

/// Runs the shell until `:quit` or end of input; `Ok(false)` when input was piped and
/// a query or command in it was rejected (as sqlite3 does).
pub fn run(schema: Option<PathBuf>, target: TargetSpec) -> Result<bool, Failure> {
    let (schema, schema_name) = match schema {
        Some(p) => {
            let name = p.to_string_lossy().into_owned();
            (engine::load_schema(&name)?, name)
        }
        None => (Schema::demo(), "the built-in demo form".to_owned()),
    };
    let color = color_wanted(std::io::stdout().is_terminal());
    let mut session = Session::new(schema, schema_name, target, color);

    if !std::io::stdin().is_terminal() {
        // A script: no banner, no line editor, no history.
        run_piped(&mut session)?;
        return Ok(!session.failed);
    }
    session.interactive = std::io::stdout().is_terminal();

    let config = Config::builder()
        .completion_type(CompletionType::List)
        .completion_show_all_if_ambiguous(true)
        .auto_add_history(false)
        .max_history_size(1000)
        .and_then(|b| b.history_ignore_dups(true))
        .map(|b| {
            b.color_mode(if color {
                ColorMode::Enabled
            } else {
                ColorMode::Disabled
            })
            .build()
        })
        .map_err(|e| Failure::usage(format!("cannot configure the line editor: {e}"), None))?;
    let mut rl: Editor<ReplHelper, DefaultHistory> = Editor::with_config(config)
        .map_err(|e| Failure::usage(format!("cannot start the line editor: {e}"), None))?;
    rl.set_helper(Some(ReplHelper::new(session.schema.clone(), color)));

    let history = history_path();
    if let Some(h) = &history {
        // A missing history file is the normal first run.
        let _ = rl.load_history(h);
    }

    println!("{}", session.banner());
    // Lines of a query still open, read one prompt at a time (psql's way): the prompt
    // then says `->` while the query continues.
    let mut open = piped::Joiner::default();
    loop {
        let prompt = if open.is_empty() {
            format!("{}> ", session.target)
        } else {
            format!("{}-> ", session.target)
        };
        match rl.readline(&prompt) {
            Ok(text) => {
                // One line typed, or several pasted at once: each entry they complete
                // is remembered and run in order.
                let mut quit = false;
                for line in text.split('\n') {
                    let Some(entry) = open.push_line(line.strip_suffix('\r').unwrap_or(line))
                    else {
                        continue;
                    };
                    if !entry.trim().is_empty() {
                        let _ = rl.add_history_entry(entry.as_str());
                    }
                    let flow = session.handle_entry(&entry);
                    if let Some(h) = rl.helper_mut() {
                        h.set_schema(session.schema.clone());
                        h.set_target(session.target.kind);
                    }
                    if flow == Flow::Quit {
                        quit = true;
                        break;
                    }
                }
                if quit {
                    break;
                }
                if let Some(h) = rl.helper_mut() {
                    h.set_pending(open.text());
                }
            }
            // Ctrl-C abandons the line being edited, and an open query with it.
            Err(ReadlineError::Interrupted) => {
                open.take();
                if let Some(h) = rl.helper_mut() {
                    h.set_pending("");
                }
            }
            // Ctrl-D on the empty line of an open query drops that query (a second
            // Ctrl-D leaves); on the main prompt it leaves.
            Err(ReadlineError::Eof) if !open.is_empty() => {
                open.take();
                if let Some(h) = rl.helper_mut() {
                    h.set_pending("");
                }
                eprintln!("(the unfinished query was dropped)");
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                save_history(&mut rl, history.as_deref());
                return Err(Failure::Io {
                    path: "the terminal".to_owned(),
                    source: std::io::Error::other(e.to_string()),
                });
            }
        }
    }
    save_history(&mut rl, history.as_deref());
    Ok(true)
}

/// The REPL over piped input: no line editor, no history, and an unfinished query at end
/// of input is still answered (with its diagnostic) rather than silently dropped. A line
/// that is not UTF-8 is reported with its number and skipped.
fn run_piped(session: &mut Session) -> Result<(), Failure> {
    let mut reader = piped::Reader::new(std::io::stdin().lock());
    loop {
        let read = reader.read_entry().map_err(|source| Failure::Io {
            path: "stdin".to_owned(),
            source,
        })?;
        session.line = Some(reader.entry_line());
        match read {
            piped::Piped::Entry(entry) => {
                if session.handle_entry(&entry) == Flow::Quit {
                    return Ok(());
                }
            }
            piped::Piped::Unfinished(text) => {
                session.handle_entry(&text);
                return Ok(());
            }
            piped::Piped::NotUtf8 { line, dropped } => {
                let what = if dropped {
                    "; skipped, with the unfinished query it continued"
                } else {
                    "; skipped"
                };
                session.complain(&format!("<stdin>:{line}: not valid UTF-8{what}"));
            }
            piped::Piped::End => return Ok(()),
        }
    }
}

fn save_history(rl: &mut Editor<ReplHelper, DefaultHistory>, path: Option<&std::path::Path>) {
    let Some(path) = path else { return };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    // Appending (rather than rewriting) keeps the entries of sessions running side by side.
    if let Err(e) = rl.append_history(path) {
        eprintln!("warning: could not save history to {}: {e}", path.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(schema: Schema) -> Session {
        let target = crate::args::parse_target_spec("jdy").unwrap();
        Session::new(schema, "test".to_owned(), target, false)
    }

    #[test]
    fn the_banner_example_compiles_against_the_loaded_schema() {
        let schemas = [
            Schema::demo(),
            Schema::from_json(r#"{"fields":[{"name":"qty","type":"number"}]}"#).unwrap(),
            Schema::from_json(
                r#"{"fields":[{"name":"my field","type":"text"}],"system_fields":false}"#,
            )
            .unwrap(),
        ];
        for schema in schemas {
            let s = session(schema);
            let example = s.example();
            assert!(s.banner().ends_with(&format!("try: {example}")));
            let compiled = engine::compile(&example, &s.schema, &s.clock);
            assert!(compiled.is_ok(), "{example}: {:?}", compiled.err());
        }
    }

    #[test]
    fn other_shells_quit_and_help_commands_are_understood() {
        let mut s = session(Schema::demo());
        for q in ["\\q", ".quit", "exit", "QUIT", ":q"] {
            assert_eq!(s.handle_entry(q), Flow::Quit, "{q}");
        }
        for q in ["\\?", ".help", "amount > 3", "", "# comment"] {
            assert_eq!(s.handle_entry(q), Flow::Continue, "{q}");
        }
    }

    #[test]
    fn a_command_after_an_open_query_is_run() {
        let mut s = session(Schema::demo());
        assert_eq!(s.handle_entry("(amount > 3 or\n:quit"), Flow::Quit);
        assert_eq!(s.handle_entry("name = \"abc\n  \\q "), Flow::Quit);
        assert_eq!(s.handle_entry("(amount > 3 or\n:help"), Flow::Continue);
        assert_eq!(
            s.handle_entry("(amount > 3 or\n  :target sql"),
            Flow::Continue
        );
        assert_eq!(s.target.to_string(), "sql:mysql");
        // Only a whole last line that is a known command counts.
        assert_eq!(abandoning_command("(a = 1 or\nb = \":quit\")"), None);
        assert_eq!(abandoning_command("name = \"abc\n:def\""), None);
        assert_eq!(abandoning_command("(a = 1 or\n:q"), Some(":q"));
        assert_eq!(abandoning_command(":quit"), None);
    }

    #[test]
    fn wide_characters_count_double_when_wrapping() {
        assert_eq!(display_width("班级a"), 5);
        let w = wrap("aaaa 班级班级 bb", 9, " ");
        assert_eq!(w, "aaaa\n 班级班级\n bb");
    }
}
