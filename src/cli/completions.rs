//! Shell completion scripts, generated from the one command-line definition.

use super::{Cli, Outcome};
use clap::CommandFactory;
use clap_complete::Shell;
use std::io::Write;

pub fn render(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "logagg", &mut out);
    out
}

pub fn print(shell: Shell) -> anyhow::Result<Outcome> {
    std::io::stdout().write_all(&render(shell))?;
    Ok(Outcome::Done)
}

/// The file under `completions/` each shell's script is committed as.
pub fn file_name(shell: Shell) -> String {
    match shell {
        Shell::Bash => "logagg.bash".into(),
        Shell::Zsh => "_logagg".into(),
        Shell::Fish => "logagg.fish".into(),
        Shell::Elvish => "logagg.elv".into(),
        Shell::PowerShell => "_logagg.ps1".into(),
        other => format!("logagg.{other}"),
    }
}
