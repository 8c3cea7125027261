//! Long output through a pager, as psql does: only when stdout is a terminal and the
//! text is taller than the screen. `$PAGER` chooses the program (default `less -FRX`,
//! which also keeps colours); an empty `PAGER` turns paging off.

use std::io::Write;
use std::process::{Command, Stdio};

/// The terminal's height in lines: `$LINES` when set, else 24.
fn screen_lines() -> usize {
    std::env::var("LINES")
        .ok()
        .and_then(|l| l.trim().parse::<usize>().ok())
        .filter(|&l| l > 2)
        .unwrap_or(24)
}

/// The pager command line, or `None` when paging is off.
fn pager() -> Option<Vec<String>> {
    let words: Vec<String> = match std::env::var("PAGER") {
        Ok(p) => p.split_whitespace().map(str::to_owned).collect(),
        Err(_) => vec!["less".into(), "-FRX".into()],
    };
    (!words.is_empty()).then_some(words)
}

/// Prints `text` (and a line break) to stdout, through the pager when `paged` is set
/// (stdout is a terminal) and the text does not fit on the screen. When the pager
/// cannot be started the text is printed directly.
pub fn show(text: &str, paged: bool) {
    if paged && text.lines().count() >= screen_lines() {
        if let Some(words) = pager() {
            if let Ok(mut child) = Command::new(&words[0])
                .args(&words[1..])
                .stdin(Stdio::piped())
                .spawn()
            {
                if let Some(mut stdin) = child.stdin.take() {
                    // The reader quitting early (`q` in less) closes the pipe: not an error.
                    let _ = writeln!(stdin, "{text}");
                }
                let _ = child.wait();
                return;
            }
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
}
