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
    // clap prints its own usage errors and exits 2 (help and version exit 0).
    let cli = Cli::parse();
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
            let report: miette::Report = failure.into();
            eprintln!("{report:?}");
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
