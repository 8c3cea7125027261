//! The `filterql` command line: `fmt`, `check`, `compile`, `eval`, `decompile`, `repl` and
//! `completions` (DESIGN §6). Exit status 0 when every query was accepted, 1 when one was
//! rejected (diagnostics on stderr), 2 on a usage or I/O error.

mod args;
mod batch;
mod commands;
mod engine;
mod failure;
mod output;
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
    match run(cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(failure) => {
            report_failure(failure);
            ExitCode::from(2)
        }
    }
}

/// Prints a usage or I/O failure as a miette report (JSON with `--diagnostics json`
/// would mix it with query diagnostics, so it is always human text).
fn report_failure(failure: Failure) {
    let report: miette::Report = failure.into();
    eprintln!("{report:?}");
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
            if data == "-" && query == "-" {
                return Err(Failure::usage(
                    "--data - and QUERY - cannot both read stdin",
                    Some("put the records or the queries in a file"),
                ));
            }
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
        } => commands::decompile::run(from, &schema, tz, &file, mode),
        Command::Repl { schema, target } => repl::run(schema, target),
        Command::Completions { shell } => {
            commands::completions::write(shell, &mut std::io::stdout());
            Ok(true)
        }
    }
}
