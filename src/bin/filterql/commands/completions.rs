//! `filterql completions`: shell completion scripts generated from the clap definition.

use crate::args::{Cli, ShellKind};
use clap::CommandFactory;
use clap_complete::Shell;

/// Writes the completion script for `shell` to `out`.
pub fn write(shell: ShellKind, out: &mut dyn std::io::Write) {
    let shell = match shell {
        ShellKind::Bash => Shell::Bash,
        ShellKind::Zsh => Shell::Zsh,
        ShellKind::Fish => Shell::Fish,
    };
    clap_complete::generate(shell, &mut Cli::command(), "filterql", out);
}
