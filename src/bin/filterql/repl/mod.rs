//! `filterql repl`: an interactive shell over the library, in the spirit of psql and
//! sqlite3. Each query typed is compiled for the current target and printed; lines
//! starting with `:` are commands (see [`commands`]).

pub mod commands;
pub mod complete;
pub mod editor;
pub mod highlight;
pub mod piped;
pub mod scan;
pub mod tree;

use crate::args::TargetSpec;
use crate::engine::{self, Clock, Shape};
use crate::failure::Failure;
use crate::output::{color_wanted, width};
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
    /// The table of the SQL target's `SELECT * FROM <table>`.
    pub table: String,
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
    /// Prints diagnostics (errors or warnings) to stderr.
    pub fn report(&self, d: &Diagnostics) {
        if !d.is_empty() {
            eprint!("{}", crate::render::render(d, width(), self.color));
        }
    }

    /// Compiles `text`, reporting diagnostics; `None` when it was rejected.
    pub fn compile(&self, text: &str) -> Option<filterql::Query> {
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

    /// The SQL shape used in the shell: inline, against the session's table.
    pub fn sql_shape(&self) -> Shape {
        Shape {
            table: Some(self.table.clone()),
            ..Shape::default()
        }
    }

    /// Handles one query: compile and print it for the current target.
    pub fn run_query(&mut self, text: &str) {
        self.last = Some(text.to_owned());
        let Some(q) = self.compile(text) else {
            return;
        };
        match engine::render(&q, self.target, &self.sql_shape()) {
            Ok(out) => {
                if let Some(t) = out.render(self.color) {
                    println!("{t}");
                }
            }
            Err(d) => self.report(&d),
        }
    }

    /// Handles one line of input.
    pub fn handle(&mut self, line: &str) -> Flow {
        if let Some(cmd) = abandoning_command(line) {
            // A command typed while a query was still open (`(a = 1 or` then `:quit`):
            // the command wins, as `\q` does in psql, and the query is dropped visibly.
            eprintln!("(the unfinished query was dropped)");
            return self.handle(cmd);
        }
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            Flow::Continue
        } else if t.starts_with(':') {
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
        let own: Vec<&filterql::schema::Field> =
            self.schema.fields().iter().filter(|f| !f.system).collect();
        let mut fields: Vec<String> = own
            .iter()
            .take(SHOWN)
            .map(|f| match &f.label {
                Some(l) => format!("{} ({l})", f.name),
                None => f.name.clone(),
            })
            .collect();
        if own.len() > SHOWN {
            fields.push(format!("… {} more (:fields lists them)", own.len() - SHOWN));
        }
        let system: Vec<&str> = self
            .schema
            .fields()
            .iter()
            .filter(|f| f.system)
            .map(|f| f.name.as_str())
            .collect();
        let mut s = format!(
            "filterql {} — interactive shell. Schema: {}.\n",
            env!("CARGO_PKG_VERSION"),
            self.schema_name
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
            self.example()
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

/// Whether `input` is a whole entry: a `:` command, a query whose brackets and quotes
/// are closed, or an open query ended by a command on a new line (see
/// [`abandoning_command`]). The line editor and the piped reader both join lines until
/// this holds.
pub fn entry_is_complete(input: &str) -> bool {
    input.trim_start().starts_with(':')
        || abandoning_command(input).is_some()
        || !scan::is_incomplete(input)
}

/// The last line of a multi-line entry when it is a shell command (a known `:` command
/// or another tool's quit/help): typed to leave a query that is still open. Only known
/// commands count, so that a line of a multi-line string that happens to start with `:`
/// stays part of the string.
pub fn abandoning_command(entry: &str) -> Option<&str> {
    let (_, last) = entry.rsplit_once('\n')?;
    let t = last.trim();
    (commands::is_command(t) || foreign_command(t).is_some()).then_some(t)
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

/// Runs the shell until `:quit` or end of input.
pub fn run(schema: Option<PathBuf>, target: TargetSpec) -> Result<bool, Failure> {
    let (schema, schema_name) = match schema {
        Some(p) => {
            let name = p.to_string_lossy().into_owned();
            (engine::load_schema(&name)?, name)
        }
        None => (Schema::demo(), "the built-in demo form".to_owned()),
    };
    let color = color_wanted(std::io::stdout().is_terminal());
    let mut session = Session {
        schema,
        schema_name,
        target,
        clock: Clock::default(),
        last: None,
        color,
        table: "t".to_owned(),
    };

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
    if !std::io::stdin().is_terminal() {
        run_piped(&mut session)?;
        return Ok(true);
    }
    loop {
        let prompt = format!("{}> ", session.target);
        match rl.readline(&prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = rl.add_history_entry(line.as_str());
                }
                let flow = session.handle(&line);
                if let Some(h) = rl.helper_mut() {
                    h.set_schema(session.schema.clone());
                }
                if flow == Flow::Quit {
                    break;
                }
            }
            // Ctrl-C abandons the line being edited, like a shell.
            Err(ReadlineError::Interrupted) => continue,
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
/// of input is still answered (with its diagnostic) rather than silently dropped.
fn run_piped(session: &mut Session) -> Result<(), Failure> {
    let mut stdin = std::io::stdin().lock();
    loop {
        let read = piped::read_entry(&mut stdin).map_err(|source| Failure::Io {
            path: "stdin".to_owned(),
            source,
        })?;
        match read {
            piped::Piped::Entry(line) => {
                if session.handle(&line) == Flow::Quit {
                    return Ok(());
                }
            }
            piped::Piped::Unfinished(text) => {
                session.handle(&text);
                return Ok(());
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
        Session {
            schema,
            schema_name: "test".to_owned(),
            target: crate::args::parse_target_spec("jdy").unwrap(),
            clock: Clock::default(),
            last: None,
            color: false,
            table: "t".to_owned(),
        }
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
            assert_eq!(s.handle(q), Flow::Quit, "{q}");
        }
        for q in ["\\?", ".help", "amount > 3", "", "# comment"] {
            assert_eq!(s.handle(q), Flow::Continue, "{q}");
        }
    }

    #[test]
    fn a_command_after_an_open_query_is_run() {
        let mut s = session(Schema::demo());
        assert_eq!(s.handle("(amount > 3 or\n:quit"), Flow::Quit);
        assert_eq!(s.handle("name = \"abc\n  \\q "), Flow::Quit);
        assert_eq!(s.handle("(amount > 3 or\n:help"), Flow::Continue);
        assert_eq!(s.handle("(amount > 3 or\n  :target sql"), Flow::Continue);
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
