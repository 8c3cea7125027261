//! The shell's `:` commands.

use super::{Flow, Session};
use crate::args::{parse_now, parse_target_spec, parse_tz, Dialect, TargetKind, TargetSpec};
use crate::engine::{self, Shape};
use crate::output::width;
use crate::safe;
// Optimal string alignment distance in characters: a swap of two adjacent characters
// (the commonest slip) costs one edit, as in the library's field suggestions.
use strsim::osa_distance as edit_distance;

/// The `:help` text.
pub const HELP: &str = "\
Type a query to compile it for the current target, e.g.
  createTime >= 2022-01-01 and phone verified
Unclosed parentheses or quotes continue on the next line (prompt `->`); Ctrl-C, Ctrl-D
on an empty line, or a command on its own line drops the unfinished query. Several
lines pasted at once run as separate queries, each complete line on its own. Tab
completes what fits at the cursor: fields, then operators for the field's type, then
values (a select's options, now/today), then and/or.

Commands:
  :target [jdy|masterdata|sql[:mysql|postgres|sqlite]]  show or switch the target
  :schema [FILE]        show the schema, or load one (native or jdy widget list)
  :fields               list the fields of the schema
  :ast [QUERY]          the syntax tree of QUERY (default: the last query)
  :ir [QUERY]           the normalized typed predicate of QUERY
  :explain [QUERY]      canonical and normalized text, every target's output, and
                        what jdy pushdown leaves to be filtered client-side
  :eval FILE [QUERY]    the records of a JSON file that QUERY matches
  :pushdown [on|off]    jdy: send what jdy can filter, show the rest as a residual
  :table [NAME|-]       show or set the table of SQL output: SELECT * FROM NAME
                        WHERE ...; `-` (the default) prints the condition alone
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
        ":ast" => with_query(s, arg, |s, text| match filterql::parse(text) {
            Ok(ast) => s.show(safe::text(super::tree::ast(&ast).trim_end()).as_ref()),
            Err(d) => s.report(&d),
        }),
        ":ir" => with_query(s, arg, |s, text| {
            if let Some(q) = s.compile(text) {
                s.show(safe::text(q.explain().trim_end()).as_ref());
            }
        }),
        ":explain" => with_query(s, arg, explain),
        ":eval" => eval(s, arg),
        ":tz" => tz(s, arg),
        ":pushdown" => pushdown(s, arg),
        ":table" => {
            match arg {
                "" => {}
                "-" => s.table = None,
                name => s.table = Some(name.to_owned()),
            }
            match &s.table {
                Some(t) => println!("SQL table: {} (SELECT * FROM it)", safe::text(t)),
                None => println!("SQL table: none (the condition alone)"),
            }
        }
        ":now" => now(s, arg),
        other => {
            let near = nearest_command(other);
            match near {
                Some(c) => s.complain(&format!(
                    "unknown command `{other}`; did you mean `{c}`? (:help lists commands)"
                )),
                None => s.complain(&format!("unknown command `{other}` (:help lists commands)")),
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
        .map(|c| (edit_distance(c, typed), *c))
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
                s.complain("no query yet: type one, or give it after the command");
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
        Err(e) => s.complain(&e),
    }
}

fn pushdown(s: &mut Session, arg: &str) {
    match arg.to_ascii_lowercase().as_str() {
        "" => {}
        "on" | "true" | "1" => s.pushdown = true,
        "off" | "false" | "0" => s.pushdown = false,
        _ => return s.complain("usage: :pushdown [on|off]"),
    }
    let state = if s.pushdown { "on" } else { "off" };
    if s.target.kind == TargetKind::Jdy {
        println!("jdy pushdown: {state}");
    } else {
        println!("jdy pushdown: {state} (applies when the target is jdy)");
    }
}

fn schema(s: &mut Session, arg: &str) {
    if arg.is_empty() {
        println!("schema: {}", safe::text(&s.schema_name));
        fields(s);
        return;
    }
    match engine::load_schema(arg) {
        Ok(schema) => {
            s.schema = schema;
            s.schema_name = arg.to_owned();
            let n = s.schema.fields().iter().filter(|f| !f.system).count();
            println!(
                "schema: {} ({n} fields; :fields lists them)",
                safe::text(arg)
            );
        }
        Err(e) => s.fail(&e),
    }
}

fn fields(s: &Session) {
    // Name, label, other names it answers to (jdy widget ids), type.
    let rows: Vec<[String; 4]> = s
        .schema
        .fields()
        .iter()
        .flat_map(|f| {
            let top = [
                f.name.clone(),
                f.label.clone().unwrap_or_default(),
                f.aliases.join(", "),
                describe(f),
            ];
            let kids = f.fields.iter().map(move |c| {
                [
                    format!("{}.{}", f.name, c.name),
                    c.label.clone().unwrap_or_default(),
                    c.aliases.join(", "),
                    describe(c),
                ]
            });
            std::iter::once(top).chain(kids)
        })
        .map(|row| row.map(|cell| safe::text(&cell).into_owned()))
        .collect();
    let any_alias = rows.iter().any(|r| !r[2].is_empty());
    let headers = ["name", "label", "also"];
    let widths: Vec<usize> = (0..3)
        .map(|i| {
            let head = if any_alias { headers[i].len() } else { 0 };
            rows.iter()
                .map(|r| super::display_width(&r[i]))
                .max()
                .unwrap_or(0)
                .max(head)
        })
        .collect();
    let pad = |cell: &str, w: usize| {
        format!(
            "{cell}{}",
            " ".repeat(w.saturating_sub(super::display_width(cell)))
        )
    };
    let mut out = String::new();
    if any_alias {
        out.push_str(&format!(
            "  {}  {}  {}  type\n",
            pad(headers[0], widths[0]),
            pad(headers[1], widths[1]),
            pad(headers[2], widths[2])
        ));
    }
    for r in &rows {
        let mut line = format!("  {}  {}  ", pad(&r[0], widths[0]), pad(&r[1], widths[1]));
        if any_alias {
            line.push_str(&pad(&r[2], widths[2]));
            line.push_str("  ");
        }
        line.push_str(&r[3]);
        out.push_str(&line);
        out.push('\n');
    }
    s.show(out.trim_end_matches('\n'));
}

fn describe(f: &filterql::Field) -> String {
    if f.options.is_empty() {
        f.ty.to_string()
    } else {
        format!("{}: {}", f.ty, f.options.join(", "))
    }
}

fn explain(s: &mut Session, text: &str) {
    let ast = match filterql::parse(text) {
        Ok(ast) => ast,
        Err(d) => return s.report(&d),
    };
    let canonical = format!("canonical:  {}", safe::text(&ast.to_string()));
    let Some(q) = s.compile(text) else {
        println!("{canonical}");
        return;
    };
    let mut out = canonical;
    match q.normalized() {
        Some(e) => out.push_str(&format!("\nnormalized: {}", safe::text(&e.to_string()))),
        // A constant predicate gives the same answer for any record.
        None if q.matches(&serde_json::json!({})) => out.push_str(
            "\nnormalized: (the predicate matches every record; the filter language has no `true`)",
        ),
        None => out.push_str(
            "\nnormalized: (the predicate matches no record; the filter language has no `false`)",
        ),
    }
    // Each calendar period with the interval it stands for at the session's clock.
    if let Some(now) = q.clock() {
        for (period, _) in ast.periods() {
            if let Some((start, end)) = period.interval(now, q.tz()) {
                out.push_str(&format!(
                    "\nperiod:     {} = [{}, {})",
                    period.name(),
                    start.to_rfc3339(),
                    end.to_rfc3339()
                ));
            }
        }
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
    let look = s.look();
    for (name, spec, shape) in targets {
        out.push_str(&format!("\n{name}:\n"));
        match engine::render(&q, spec, &shape) {
            Ok(o) => {
                out.push_str(&o.render(&look).unwrap_or_default());
                out.push('\n');
                if shape.pushdown {
                    out.push_str(&super::residual_line(&o));
                    out.push('\n');
                }
            }
            // Inline on stdout, so the explanation reads in order.
            Err(d) => out.push_str(&format!(
                "not expressible:\n{}",
                crate::render::render(&d, width(), s.color)
            )),
        }
    }
    s.show(out.trim_end_matches('\n'));
}

fn eval(s: &mut Session, arg: &str) {
    let (file, query) = match arg.split_once(char::is_whitespace) {
        Some((f, q)) => (f, q.trim()),
        None => (arg, ""),
    };
    if file.is_empty() {
        return s.complain("usage: :eval FILE [QUERY]");
    }
    let records = match engine::load_records(file) {
        Ok(r) => r,
        Err(e) => return s.fail(&e),
    };
    with_query(s, query, |s, text| {
        if let Some(q) = s.compile(text) {
            let hits = engine::filter_records(&q, &records);
            let n = hits.len();
            let shown = crate::output::Output::Json(serde_json::Value::Array(hits));
            s.show(&shown.render(&s.look()).unwrap_or_default());
            println!("({n} of {} records match)", records.len());
        }
    });
}

fn tz(s: &mut Session, arg: &str) {
    if !arg.is_empty() {
        match parse_tz(arg) {
            Ok(tz) => s.clock.tz = Some(tz),
            Err(e) => return s.complain(&e),
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
            Err(e) => return s.complain(&e),
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

    #[test]
    fn a_swap_is_one_edit() {
        assert_eq!(edit_distance(":tagret", ":target"), 1);
        assert_eq!(edit_distance("手机", "手记"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
