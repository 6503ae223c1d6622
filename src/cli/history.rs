//! The queries run lately, kept across runs (`logagg history`, the dashboard's `↑` in the
//! filter): `$XDG_STATE_HOME/logagg/history`, or the file `LOGAGG_HISTORY` names (empty:
//! none kept). One line per query: time, command, the query as typed (tabs, newlines and
//! backslashes escaped).

use anyhow::{Context, Result};
use std::io::Write;
use std::path::PathBuf;

/// Past this many lines the file is cut back to the newest `KEEP`.
const KEEP: usize = 1000;
const CUT_AT: u64 = 256 * 1024;

pub struct Entry {
    pub at: String,
    pub command: String,
    pub query: String,
}

/// The history file, `None` when history is off.
pub fn file() -> Option<PathBuf> {
    match std::env::var_os("LOGAGG_HISTORY") {
        Some(path) if path.is_empty() => None,
        Some(path) => Some(PathBuf::from(path)),
        None => dirs::state_dir().map(|dir| dir.join("logagg").join("history")),
    }
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Adds a query to the history. A history that cannot be written costs the user nothing
/// they asked for, so this says so on stderr and goes on.
pub fn record(command: &str, query: &str) {
    if query.trim().is_empty() {
        return;
    }
    let Some(path) = file() else { return };
    if let Err(e) = append(&path, command, query) {
        eprintln!(
            "warning: the query was not added to the history: {e:#} (LOGAGG_HISTORY= turns history off)"
        );
    }
}

fn append(path: &PathBuf, command: &str, query: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let line = format!(
        "{}\t{command}\t{}\n",
        crate::event::Timestamp::now().to_rfc3339(),
        escape(query)
    );
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    // One write of a whole line: two processes appending at once do not mix lines.
    file.write_all(line.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    if file.metadata().map(|m| m.len()).unwrap_or(0) > CUT_AT {
        let kept = read(path)?;
        let start = kept.len().saturating_sub(KEEP);
        let text: String = kept[start..]
            .iter()
            .map(|e| format!("{}\t{}\t{}\n", e.at, e.command, escape(&e.query)))
            .collect();
        let temporary = path.with_extension("tmp");
        std::fs::write(&temporary, text)
            .and_then(|()| std::fs::rename(&temporary, path))
            .with_context(|| format!("cannot cut {} back", path.display()))?;
    }
    Ok(())
}

fn read(path: &PathBuf) -> Result<Vec<Entry>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    Ok(text
        .lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, '\t');
            Some(Entry {
                at: parts.next()?.to_string(),
                command: parts.next()?.to_string(),
                query: unescape(parts.next()?),
            })
        })
        .collect())
}

/// The history, oldest first (empty when off or never written).
pub fn entries() -> Result<Vec<Entry>> {
    match file() {
        Some(path) => read(&path),
        None => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        for text in ["a\tb", "x\ny", "back\\slash \\n", "plain"] {
            assert_eq!(unescape(&escape(text)), text);
            assert!(!escape(text).contains(['\t', '\n']));
        }
    }
}
