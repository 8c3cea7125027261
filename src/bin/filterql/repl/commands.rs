//! The shell's `:` commands.

use super::{Flow, Session};
use crate::args::{parse_now, parse_target_spec, parse_tz, Dialect, TargetKind, TargetSpec};
use crate::engine::{self, Shape};
use crate::output::width;

/// The `:help` text.
pub const HELP: &str = "\
Type a query to compile it for the current target, e.g.
  createTime >= 2022-01-01 and phone verified
Unclosed parentheses or quotes continue on the next line (a command on its own line
drops the unfinished query). Tab completes field names, labels, keywords and (inside a
string) the options of a select field.

Commands:
  :target [jdy|masterdata|sql[:mysql|postgres|sqlite]]  show or switch the target
  :schema [FILE]        show the schema, or load one (native or jdy widget list)
  :fields               list the fields of the schema
  :ast [QUERY]          the syntax tree of QUERY (default: the last query)
  :ir [QUERY]           the normalized typed predicate of QUERY
  :explain [QUERY]      canonical and normalized text, every target's output, and
                        what jdy pushdown leaves to be filtered client-side
  :eval FILE [QUERY]    the records of a JSON file that QUERY matches
  :table [NAME]         show or set the table of SQL output (default t)
  :tz [±hh:mm]          show or set the time zone of date literals
  :now [RFC3339|system] show or pin the instant `now` and `today` refer to
  :help                 this text
  :quit                 leave (also Ctrl-D, \\q, .quit or exit)";

/// Short spellings [`run`] also accepts (besides [`super::complete::COMMANDS`]).
pub const ALIASES: &[&str] = &[":q", ":exit", ":h", ":?", ":t"];

/// Whether `line` starts with a command [`run`] knows (not just any `:` word).
pub fn is_command(line: &str) -> bool {
    let word = line.split_whitespace().next().unwrap_or("");
    super::complete::COMMANDS.contains(&word) || ALIASES.contains(&word)
}

/// Runs the command line `line` (starting with `:`).
pub fn run(s: &mut Session, line: &str) -> Flow {
    let (cmd, arg) = match line.split_once(char::is_whitespace) {
        Some((c, a)) => (c, a.trim()),
        None => (line, ""),
    };
    match cmd {
        ":quit" | ":q" | ":exit" => return Flow::Quit,
        ":help" | ":h" | ":?" => println!("{HELP}"),
        ":target" | ":t" => target(s, arg),
        ":schema" => schema(s, arg),
        ":fields" => fields(s),
        ":ast" => with_query(s, arg, |s, text| {
            if let Ok(ast) = filterql::syntax::parse(text).map_err(|d| s.report(&d)) {
                print!("{}", super::tree::ast(&ast));
            }
        }),
        ":ir" => with_query(s, arg, |s, text| {
            if let Some(q) = s.compile(text) {
                print!("{}", super::tree::ir(q.pred(), q.tz()));
            }
        }),
        ":explain" => with_query(s, arg, explain),
        ":eval" => eval(s, arg),
        ":tz" => tz(s, arg),
        ":table" => {
            if !arg.is_empty() {
                s.table = arg.to_owned();
            }
            println!("SQL table: {}", s.table);
        }
        ":now" => now(s, arg),
        other => {
            let near = nearest_command(other);
            match near {
                Some(c) => eprintln!(
                    "unknown command `{other}`; did you mean `{c}`? (:help lists commands)"
                ),
                None => eprintln!("unknown command `{other}` (:help lists commands)"),
            }
        }
    }
    Flow::Continue
}

/// The command `typed` most likely meant: one it abbreviates, or one within two edits.
fn nearest_command(typed: &str) -> Option<&'static str> {
    let commands = super::complete::COMMANDS;
    if let Some(c) = commands.iter().find(|c| c.starts_with(typed)) {
        return Some(c);
    }
    commands
        .iter()
        .map(|c| (filterql::schema::edit_distance(c, typed), *c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Runs `f` on `arg`, or on the last query when `arg` is empty.
fn with_query(s: &mut Session, arg: &str, f: impl FnOnce(&mut Session, &str)) {
    let text = if arg.is_empty() {
        match &s.last {
            Some(t) => t.clone(),
            None => {
                eprintln!("no query yet: type one, or give it after the command");
                return;
            }
        }
    } else {
        s.last = Some(arg.to_owned());
        arg.to_owned()
    };
    f(s, &text);
}

fn target(s: &mut Session, arg: &str) {
    if arg.is_empty() {
        println!("target: {}", s.target);
        return;
    }
    match parse_target_spec(arg) {
        Ok(t) => {
            s.target = t;
            println!("target: {t}");
        }
        Err(e) => eprintln!("{e}"),
    }
}

fn schema(s: &mut Session, arg: &str) {
    if arg.is_empty() {
        println!("schema: {}", s.schema_name);
        fields(s);
        return;
    }
    match engine::load_schema(arg) {
        Ok(schema) => {
            s.schema = schema;
            s.schema_name = arg.to_owned();
            let n = s.schema.fields().iter().filter(|f| !f.system).count();
            println!("schema: {arg} ({n} fields; :fields lists them)");
        }
        Err(e) => eprintln!("{:?}", miette::Report::new(e)),
    }
}

fn fields(s: &Session) {
    let rows: Vec<(String, String, String)> = s
        .schema
        .fields()
        .iter()
        .flat_map(|f| {
            let top = (
                f.name.clone(),
                f.label.clone().unwrap_or_default(),
                describe(f),
            );
            let kids = f.fields.iter().map(move |c| {
                (
                    format!("{}.{}", f.name, c.name),
                    c.label.clone().unwrap_or_default(),
                    describe(c),
                )
            });
            std::iter::once(top).chain(kids)
        })
        .collect();
    let w0 = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let w1 = rows
        .iter()
        .map(|r| super::display_width(&r.1))
        .max()
        .unwrap_or(0);
    for (name, label, ty) in rows {
        let pad0 = w0 - name.chars().count();
        let pad1 = w1 - super::display_width(&label);
        println!(
            "  {name}{}  {label}{}  {ty}",
            " ".repeat(pad0),
            " ".repeat(pad1)
        );
    }
}

fn describe(f: &filterql::schema::Field) -> String {
    if f.options.is_empty() {
        f.ty.to_string()
    } else {
        format!("{}: {}", f.ty, f.options.join(", "))
    }
}

fn explain(s: &mut Session, text: &str) {
    let Ok(ast) = filterql::syntax::parse(text).map_err(|d| s.report(&d)) else {
        return;
    };
    println!("canonical:  {ast}");
    let Some(q) = s.compile(text) else {
        return;
    };
    match engine::unparse(q.pred(), q.tz()) {
        Ok(text) => println!("normalized: {text}"),
        Err(why) => println!("normalized: ({why})"),
    }
    let targets = [
        (
            "jdy",
            TargetSpec {
                kind: TargetKind::Jdy,
                dialect: Dialect::Mysql,
            },
            Shape::default(),
        ),
        (
            "jdy pushdown",
            TargetSpec {
                kind: TargetKind::Jdy,
                dialect: Dialect::Mysql,
            },
            Shape {
                pushdown: true,
                ..Shape::default()
            },
        ),
        (
            "masterdata",
            TargetSpec {
                kind: TargetKind::Masterdata,
                dialect: Dialect::Mysql,
            },
            Shape::default(),
        ),
        (
            "sql:mysql",
            TargetSpec {
                kind: TargetKind::Sql,
                dialect: Dialect::Mysql,
            },
            s.sql_shape(),
        ),
        (
            "sql:postgres",
            TargetSpec {
                kind: TargetKind::Sql,
                dialect: Dialect::Postgres,
            },
            s.sql_shape(),
        ),
        (
            "sql:sqlite",
            TargetSpec {
                kind: TargetKind::Sql,
                dialect: Dialect::Sqlite,
            },
            s.sql_shape(),
        ),
    ];
    for (name, spec, shape) in targets {
        println!("\n{name}:");
        match engine::render(&q, spec, &shape) {
            Ok(out) => {
                println!("{}", out.render(s.color).unwrap_or_default());
                if shape.pushdown {
                    let kept = match out.to_json().get("residual") {
                        Some(serde_json::Value::String(r)) => r.clone(),
                        _ => "nothing (the filter is exact)".to_owned(),
                    };
                    println!("kept client-side: {kept}");
                }
            }
            // Inline on stdout, so the explanation reads in order.
            Err(d) => print!(
                "not expressible:\n{}",
                crate::render::render(&d, width(), s.color)
            ),
        }
    }
}

fn eval(s: &mut Session, arg: &str) {
    let (file, query) = match arg.split_once(char::is_whitespace) {
        Some((f, q)) => (f, q.trim()),
        None => (arg, ""),
    };
    if file.is_empty() {
        eprintln!("usage: :eval FILE [QUERY]");
        return;
    }
    let records = match engine::load_records(file) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{:?}", miette::Report::new(e));
            return;
        }
    };
    with_query(s, query, |s, text| {
        if let Some(q) = s.compile(text) {
            let hits = engine::filter_records(&q, &records);
            let shown = crate::output::Output::Json(serde_json::Value::Array(hits.clone()));
            println!("{}", shown.render(s.color).unwrap_or_default());
            println!("({} of {} records match)", hits.len(), records.len());
        }
    });
}

fn tz(s: &mut Session, arg: &str) {
    if !arg.is_empty() {
        match parse_tz(arg) {
            Ok(tz) => s.clock.tz = Some(tz),
            Err(e) => return eprintln!("{e}"),
        }
    }
    match s.clock.tz {
        Some(tz) => println!("time zone: {tz}"),
        None => println!("time zone: {} (the schema's)", s.schema.timezone),
    }
}

fn now(s: &mut Session, arg: &str) {
    if arg == "system" {
        s.clock.now = None;
    } else if !arg.is_empty() {
        match parse_now(arg) {
            Ok(n) => s.clock.now = Some(n),
            Err(e) => return eprintln!("{e}"),
        }
    }
    match s.clock.now {
        Some(n) => println!("now: {}", n.to_rfc3339()),
        None => println!("now: the system clock"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_commands_get_a_suggestion() {
        assert_eq!(nearest_command(":targte"), Some(":target"));
        assert_eq!(nearest_command(":expl"), Some(":explain"));
        assert_eq!(nearest_command(":shema"), Some(":schema"));
        assert_eq!(nearest_command(":frobnicate"), None);
    }
}
