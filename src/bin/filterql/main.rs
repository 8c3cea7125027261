//! The `filterql` command line: `fmt`, `check`, `compile`, `eval`, `decompile`, `repl` and
//! `completions` (DESIGN §6). Exit status 0 when every query was accepted, 1 when one was
//! rejected (diagnostics on stderr), 2 on a usage or I/O error.

mod args;
mod batch;
mod commands;
mod engine;
mod failure;
mod json_color;
mod output;
mod render;
mod repl;

use args::{Cli, Command};
use batch::Mode;
use clap::Parser;
use engine::{Clock, Shape};
use failure::Failure;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return argument_error(e),
    };
    let format = cli.diagnostics;
    match run(cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(failure) => {
            report_failure(failure, format);
            ExitCode::from(2)
        }
    }
}

/// Reports a command line clap rejected. Help and version requests, and errors when
/// `--diagnostics json` was not asked for, are clap's own output (exit 0 or 2); with
/// `--diagnostics json` the error is a JSON diagnostic like every other usage error, so a
/// script reading stderr as JSON is not handed plain text.
fn argument_error(e: clap::Error) -> ExitCode {
    if !e.use_stderr() || !json_requested(std::env::args_os().skip(1)) {
        e.exit();
    }
    let text = e.render().to_string();
    let mut lines = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("invalid command line");
    let message = first.strip_prefix("error: ").unwrap_or(first);
    let rest: Vec<&str> = lines.collect();
    // "the following required arguments were not provided:" lists them on the next lines.
    let (message, help) = match message.strip_suffix(':') {
        Some(head) if !rest.is_empty() => (format!("{head}: {}", rest.join(", ")), None),
        _ => (
            message.to_owned(),
            (!rest.is_empty()).then(|| rest.join("; ")),
        ),
    };
    let help = help.unwrap_or_else(|| "see `filterql --help`".to_owned());
    report_failure(Failure::usage(message, Some(&help)), args::DiagFormat::Json);
    ExitCode::from(2)
}

/// Whether the raw arguments ask for `--diagnostics json` (looked up by hand because
/// clap failed to parse them).
fn json_requested(args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    let mut previous_was_flag = false;
    for arg in args {
        let Some(arg) = arg.to_str().map(str::to_owned) else {
            previous_was_flag = false;
            continue;
        };
        if arg == "--" {
            break;
        }
        let value = if previous_was_flag {
            Some(arg.as_str())
        } else {
            arg.strip_prefix("--diagnostics=")
        };
        if let Some(v) = value {
            if v == "json" {
                return true;
            }
        }
        previous_was_flag = arg == "--diagnostics";
    }
    false
}

/// Prints a usage or I/O failure: a miette report, or with `--diagnostics json` a
/// one-element array shaped like query diagnostics (without spans).
fn report_failure(failure: Failure, format: args::DiagFormat) {
    match format {
        args::DiagFormat::Json => {
            let mut d = filterql::diagnostic::JsonDiagnostic::from_diagnostic(&failure, "");
            // The cause (the OS error, the schema loader's reason) belongs in the message.
            let mut cause = std::error::Error::source(&failure);
            while let Some(c) = cause {
                d.message = format!("{}: {c}", d.message);
                cause = c.source();
            }
            let v = serde_json::to_value(vec![d]).unwrap_or_default();
            eprintln!("{v}");
        }
        args::DiagFormat::Human => {
            // Rendered like the query diagnostics, not through miette's global hook: the
            // library builds miette without terminal detection.
            use std::io::IsTerminal;
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let theme = if color {
                miette::GraphicalTheme::unicode()
            } else {
                miette::GraphicalTheme::unicode_nocolor()
            };
            let mut out = String::new();
            let _ = miette::GraphicalReportHandler::new_themed(theme)
                .with_links(false)
                .render_report(&mut out, &failure);
            eprint!("{out}");
        }
    }
}

/// Refuses a command line on which more than one input is `-`: stdin can be read once.
fn one_stdin(inputs: &[(&str, Option<&str>)]) -> Result<(), Failure> {
    let readers: Vec<&str> = inputs
        .iter()
        .filter(|(_, v)| *v == Some("-"))
        .map(|(name, _)| *name)
        .collect();
    if readers.len() > 1 {
        let (last, rest) = readers.split_last().unwrap_or((&"", &[]));
        return Err(Failure::usage(
            format!(
                "{} and {last} {} read stdin, which can only be read once",
                rest.join(", "),
                if readers.len() == 2 { "both" } else { "all" }
            ),
            Some("put all but one of them in a file"),
        ));
    }
    Ok(())
}

/// Runs the command; `Ok(false)` when a query was rejected.
fn run(cli: Cli) -> Result<bool, Failure> {
    let mode = Mode {
        jsonl: cli.jsonl,
        diagnostics: cli.diagnostics,
    };
    match cli.command {
        Command::Fmt { query } => batch::run(&query, mode, commands::fmt::step),
        Command::Check {
            schema,
            clock,
            query,
        } => {
            one_stdin(&[("--schema", schema_arg(&schema)), ("QUERY", Some(&query))])?;
            let schema = engine::schema_from_args(&schema)?;
            let clock = Clock::from(&clock);
            batch::run(&query, mode, |q| commands::check::step(q, &schema, &clock))
        }
        Command::Compile {
            target,
            dialect,
            schema,
            table,
            params,
            pushdown,
            envelope,
            clock,
            query,
        } => {
            let shape = Shape {
                table,
                params,
                pushdown,
                envelope,
            };
            let target = commands::compile::validate(target, dialect, &shape)?;
            one_stdin(&[("--schema", schema_arg(&schema)), ("QUERY", Some(&query))])?;
            let job = commands::compile::Job {
                schema: engine::schema_from_args(&schema)?,
                clock: Clock::from(&clock),
                target,
                shape,
            };
            batch::run(&query, mode, |q| commands::compile::step(q, &job))
        }
        Command::Eval {
            data,
            schema,
            clock,
            query,
        } => {
            one_stdin(&[
                ("--data", Some(&data)),
                ("--schema", schema_arg(&schema)),
                ("QUERY", Some(&query)),
            ])?;
            let records = engine::load_records(&data)?;
            let schema = engine::schema_from_args(&schema)?;
            let clock = Clock::from(&clock);
            batch::run(&query, mode, |q| {
                commands::eval::step(q, &schema, &clock, &records)
            })
        }
        Command::Decompile {
            from,
            schema,
            tz,
            file,
        } => {
            one_stdin(&[("--schema", schema_arg(&schema)), ("FILE", Some(&file))])?;
            commands::decompile::run(from, &schema, tz, &file, mode)
        }
        Command::Repl { schema, target } => repl::run(schema, target),
        Command::Completions { shell } => {
            commands::completions::write(shell, &mut std::io::stdout());
            Ok(true)
        }
    }
}

/// The `--schema` argument as written.
fn schema_arg(s: &args::SchemaArgs) -> Option<&str> {
    s.schema.as_deref().and_then(|p| p.to_str())
}
