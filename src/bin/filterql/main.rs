//! The `filterql` command line: `fmt`, `check`, `compile`, `eval`, `decompile`, `repl` and
//! `completions` (DESIGN §6). Exit status 0 when every query was accepted, 1 when one was
//! rejected (diagnostics on stderr), 2 on a usage or I/O error.

mod args;
mod batch;
mod commands;
#[allow(dead_code)]
mod failure;
#[allow(dead_code)]
mod output;
#[allow(dead_code)]
mod repl;

use args::{Cli, Command};
use batch::Mode;
use clap::Parser;
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

/// Prints a usage or I/O failure like any other miette report.
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
        Command::Completions { shell } => {
            commands::completions::write(shell, &mut std::io::stdout());
            Ok(true)
        }
        _ => Err(Failure::usage("this subcommand is not available yet", None)),
    }
}
