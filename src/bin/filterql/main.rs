//! The `filterql` command line: `fmt`, `check`, `compile`, `eval`, `decompile`, `repl` and
//! `completions` (README.md, "Command line"). Exit status 0 when every query was accepted, 1 when one was
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
mod safe;
mod sgr;
mod sql_pretty;

use args::{Cli, Command};
use batch::{Input, Mode};
use clap::Parser;
use engine::{Clock, Shape};
use failure::Failure;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return argument_error(e),
    };
    output::set_color_choice(cli.color);
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

/// Reports a command line clap rejected. Help and version requests are clap's own
/// output (exit 0); an error is reported like every other usage error (exit 2), as a
/// diagnostic, or with `--diagnostics json` as JSON, so that a script reading stderr as
/// JSON is not handed plain text and people see one style.
fn argument_error(e: clap::Error) -> ExitCode {
    if !e.use_stderr() {
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
    let usage = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Usage: "))
        .map(|u| format!("usage: {u}; "))
        .unwrap_or_default();
    let help = help.unwrap_or_else(|| format!("{usage}see `filterql --help`"));
    let format = if json_requested(std::env::args_os().skip(1)) {
        args::DiagFormat::Json
    } else {
        args::DiagFormat::Human
    };
    report_failure(Failure::usage(message, Some(&help)), format);
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
            let mut d = filterql::JsonDiagnostic::from_diagnostic(&failure, "");
            // The cause (the OS error, the schema loader's reason) belongs in the message.
            let mut cause = std::error::Error::source(&failure);
            while let Some(c) = cause {
                d.message = format!("{}: {c}", d.message);
                cause = c.source();
            }
            let v = serde_json::to_value(vec![d]).unwrap_or_default();
            eprintln!("{}", safe::json(v.to_string()));
        }
        args::DiagFormat::Human => {
            use std::io::IsTerminal;
            let color = output::color_wanted(std::io::stderr().is_terminal());
            eprint!("{}", render::render_other(&failure, output::width(), color));
        }
    }
}

/// Refuses a command line on which more than one input reads stdin: it can be read once.
fn one_stdin(inputs: &[(&str, bool)]) -> Result<(), Failure> {
    let readers: Vec<&str> = inputs
        .iter()
        .filter(|(_, stdin)| *stdin)
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
        compact: cli.compact,
        hint: None,
    };
    match cli.command {
        Command::Fmt { query } => {
            let input = Input::from_args(&query)?;
            batch::run(&input, mode, commands::fmt::step)
        }
        Command::Check {
            schema,
            clock,
            query,
        } => {
            let input = Input::from_args(&query)?;
            one_stdin(&[
                ("--schema", schema_stdin(&schema)),
                ("the query", input.reads_stdin()),
            ])?;
            let schema = engine::schema_from_args(&schema)?;
            let clock = Clock::from(&clock);
            batch::run(&input, mode, |q| commands::check::step(q, &schema, &clock))
        }
        Command::Compile {
            target,
            dialect,
            schema,
            table,
            params,
            pushdown,
            jdy_methods,
            envelope,
            clock,
            query,
        } => {
            let shape = Shape {
                table,
                params,
                pushdown,
                envelope,
                jdy_methods: jdy_methods.into(),
            };
            let target = commands::compile::validate(target, dialect, &shape)?;
            let input = Input::from_args(&query)?;
            one_stdin(&[
                ("--schema", schema_stdin(&schema)),
                ("the query", input.reads_stdin()),
            ])?;
            let mode = Mode {
                hint: (target.kind == args::TargetKind::Jdy && !shape.pushdown)
                    .then_some(commands::compile::jdy_hint as fn(&_) -> _),
                ..mode
            };
            let job = commands::compile::Job {
                schema: engine::schema_from_args(&schema)?,
                clock: Clock::from(&clock),
                target,
                shape,
            };
            batch::run(&input, mode, |q| commands::compile::step(q, &job))
        }
        Command::Eval {
            data,
            schema,
            clock,
            count,
            query,
        } => {
            let input = Input::from_args(&query)?;
            one_stdin(&[
                ("--data", data == "-"),
                ("--schema", schema_stdin(&schema)),
                ("the query", input.reads_stdin()),
            ])?;
            let records = engine::load_records(&data)?;
            let schema = engine::schema_from_args(&schema)?;
            let clock = Clock::from(&clock);
            batch::run(&input, mode, |q| {
                commands::eval::step(q, &schema, &clock, &records, count)
            })
        }
        Command::Decompile {
            from,
            schema,
            tz,
            file,
        } => {
            one_stdin(&[("--schema", schema_stdin(&schema)), ("FILE", file == "-")])?;
            commands::decompile::run(from, &schema, tz, &file, mode)
        }
        Command::Repl { schema, target } => {
            let schema = schema.or_else(engine::schema_from_env);
            repl::run(schema, target)
        }
        Command::Completions { shell } => {
            commands::completions::write(shell, &mut std::io::stdout());
            Ok(true)
        }
    }
}

/// Whether `--schema` reads stdin.
fn schema_stdin(s: &args::SchemaArgs) -> bool {
    s.schema.as_deref().and_then(|p| p.to_str()) == Some("-")
}
