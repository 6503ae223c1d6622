//! Long answers on a terminal go through a pager, as git and journalctl do: `$LOGAGG_PAGER`,
//! else `$PAGER`, else `less` (with `LESS=FRX` unless set: one screen prints and exits,
//! colors pass, the screen is not cleared). `--no-pager`, or a pager of `cat` or empty,
//! writes straight to the terminal.

use std::io::{IsTerminal, Write};
use std::os::fd::AsRawFd;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

/// The terminal's size when standard output was sent to the pager: output is still laid
/// out for the terminal, though it now writes into a pipe.
static PAGED: OnceLock<(u16, u16)> = OnceLock::new();
static PAGER: Mutex<Option<Child>> = Mutex::new(None);

/// Whether standard output ends on a terminal (directly, or through the pager).
pub fn stdout_is_terminal() -> bool {
    PAGED.get().is_some() || std::io::stdout().is_terminal()
}

/// The terminal's size, when standard output ends on one.
pub fn stdout_size() -> Option<(u16, u16)> {
    if let Some(size) = PAGED.get() {
        return Some(*size);
    }
    std::io::stdout()
        .is_terminal()
        .then(crossterm::terminal::size)
        .and_then(Result::ok)
}

/// The pager command to use, if any.
fn pager_command() -> Option<String> {
    let chosen = std::env::var("LOGAGG_PAGER")
        .or_else(|_| std::env::var("PAGER"))
        .unwrap_or_else(|_| "less".to_string());
    let chosen = chosen.trim();
    (!chosen.is_empty() && chosen != "cat").then(|| chosen.to_string())
}

/// Sends standard output through the pager from here on, when it is a terminal. A pager
/// that cannot be started leaves the output as it was.
pub fn start(no_pager: bool) {
    if no_pager || PAGED.get().is_some() || !std::io::stdout().is_terminal() {
        return;
    }
    let (Some(command), Ok(size)) = (pager_command(), crossterm::terminal::size()) else {
        return;
    };
    let mut pager = Command::new("sh");
    pager.arg("-c").arg(&command).stdin(Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        pager.env("LESS", "FRX");
    }
    if std::env::var_os("LV").is_none() {
        pager.env("LV", "-c");
    }
    let Ok(mut child) = pager.spawn() else {
        return;
    };
    let Some(pipe) = child.stdin.take() else {
        let _ = child.kill();
        return;
    };
    let _ = std::io::stdout().flush();
    // SAFETY: dup2 on two descriptors this process holds open; standard output was just
    // flushed, so nothing buffered for the terminal is lost.
    let moved = unsafe { libc::dup2(pipe.as_raw_fd(), libc::STDOUT_FILENO) };
    drop(pipe);
    if moved < 0 {
        let _ = child.kill();
        let _ = child.wait();
        return;
    }
    let _ = PAGED.set(size);
    if let Ok(mut slot) = PAGER.lock() {
        *slot = Some(child);
    }
}

/// Ends the output and waits for the reader to quit the pager (before an error is printed,
/// so it is not lost under the pager's screen).
pub fn finish() {
    let Some(mut child) = PAGER.lock().ok().and_then(|mut slot| slot.take()) else {
        return;
    };
    let _ = std::io::stdout().flush();
    // Closing the pipe (standard output is its last writer) tells the pager the text ended.
    if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
        // SAFETY: as in `start`, two open descriptors.
        unsafe { libc::dup2(null.as_raw_fd(), libc::STDOUT_FILENO) };
    }
    let _ = child.wait();
}
