//! `logagg saved` and `logagg history`: the saved queries and the queries run lately.

use super::args::{HistoryArgs, ListFormat, SavedAction};
use super::settings::Settings;
use super::{history, saved_queries, Outcome};
use anyhow::{bail, Result};
use std::io::{IsTerminal, Write};

fn as_table(format: ListFormat) -> bool {
    match format {
        ListFormat::Auto => std::io::stdout().is_terminal(),
        ListFormat::Table => true,
        ListFormat::Json => false,
    }
}

pub fn saved(action: Option<&SavedAction>, settings: &Settings) -> Result<Outcome> {
    let path = saved_queries::file(&settings.config_path);
    let mut queries = saved_queries::load(&path)?;
    match action.unwrap_or(&SavedAction::List {
        output: ListFormat::Auto,
    }) {
        SavedAction::List { output } => {
            let mut out = std::io::stdout().lock();
            let width = queries.keys().map(|k| k.chars().count()).max().unwrap_or(0) + 1;
            for (name, query) in &queries {
                if as_table(*output) {
                    writeln!(out, "@{name:<width$} {}", crate::visible::visible(query))?;
                } else {
                    writeln!(out, "{}", serde_json::json!({"name": name, "query": query}))?;
                }
            }
            if queries.is_empty() {
                eprintln!(
                    "note: no saved queries in {} (logagg saved add NAME QUERY)",
                    path.display()
                );
                return Ok(Outcome::NothingMatched);
            }
            Ok(Outcome::Done)
        }
        SavedAction::Add { name, query, force } => {
            if !saved_queries::valid_name(name) {
                bail!("'{name}' cannot name a saved query: use letters, digits, _ and -");
            }
            if queries.contains_key(name) && !force {
                bail!(
                    "a query is already saved as '@{name}' ({}); --force replaces it",
                    queries[name]
                );
            }
            // It must parse, with the saved queries it names, and not name itself.
            let mut trial = queries.clone();
            trial.insert(name.clone(), query.clone());
            let expanded = saved_queries::expand(&format!("@{name}"), &trial)?;
            crate::query::parse(&expanded, crate::event::Timestamp::now())?;
            queries.insert(name.clone(), query.clone());
            saved_queries::store(&path, &queries)?;
            eprintln!("saved @{name} in {}", path.display());
            Ok(Outcome::Done)
        }
        SavedAction::Rm { name } => {
            let name = name.trim_start_matches('@');
            if queries.remove(name).is_none() {
                bail!("no saved query '@{name}'; `logagg saved list` shows them");
            }
            saved_queries::store(&path, &queries)?;
            eprintln!("forgot @{name}");
            Ok(Outcome::Done)
        }
    }
}

pub fn history(args: &HistoryArgs) -> Result<Outcome> {
    let entries = history::entries()?;
    let start = if args.lines == 0 {
        0
    } else {
        entries.len().saturating_sub(args.lines)
    };
    let mut out = std::io::stdout().lock();
    for entry in &entries[start..] {
        if as_table(args.output) {
            writeln!(
                out,
                "{}  {:<6}  {}",
                entry.at.get(..19).unwrap_or(&entry.at).replace('T', " "),
                entry.command,
                crate::visible::visible(&entry.query)
            )?;
        } else {
            writeln!(
                out,
                "{}",
                serde_json::json!({"time": entry.at, "command": entry.command, "query": entry.query})
            )?;
        }
    }
    Ok(if entries.is_empty() {
        Outcome::NothingMatched
    } else {
        Outcome::Done
    })
}
