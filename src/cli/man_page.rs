//! Manual pages (roff), generated from the one command-line definition: `logagg(1)` and
//! one `logagg-COMMAND(1)` per command, as `git` and `cargo` ship theirs.

use super::{Cli, Outcome};
use clap::CommandFactory;
use std::io::Write;

/// Every page: (file name, roff text), `logagg.1` first.
pub fn render_all() -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let root = Cli::command();
    let mut pages = vec![("logagg.1".to_string(), render_page(root.clone())?)];
    for command in root.get_subcommands() {
        let name = format!("logagg-{}", command.get_name());
        let page = command
            .clone()
            .name(name.clone())
            .bin_name(format!("logagg {}", command.get_name()));
        pages.push((format!("{name}.1"), render_page(page)?));
    }
    Ok(pages)
}

fn render_page(command: clap::Command) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(command)
        .date("2026-12")
        .source("logagg")
        .manual("logagg manual")
        .render(&mut out)?;
    Ok(out)
}

/// `logagg man [COMMAND]`: the page on standard output (`logagg man query | man -l -`).
pub fn print(command: Option<&str>) -> anyhow::Result<Outcome> {
    let wanted = match command {
        Some(name) => format!("logagg-{name}.1"),
        None => "logagg.1".to_string(),
    };
    let pages = render_all()?;
    let Some((_, page)) = pages.iter().find(|(file, _)| *file == wanted) else {
        let names: Vec<&str> = pages
            .iter()
            .filter_map(|(file, _)| file.strip_prefix("logagg-")?.strip_suffix(".1"))
            .collect();
        anyhow::bail!(
            "no manual page for '{}'; the commands are: {}",
            command.unwrap_or_default(),
            names.join(", ")
        );
    };
    std::io::stdout().write_all(page)?;
    Ok(Outcome::Done)
}
