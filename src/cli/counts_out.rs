//! How counts are said: `--count`, `--count-by` groups, and the note that `--limit` cut
//! an answer.

use super::args::OutputFormat;
use super::output::Format;
use super::Outcome;
use crate::backend::groups::Group;
use anyhow::Result;
use std::io::Write;

/// Says that `--limit` cut the answer, when it did: every cut is said, with how to have all.
pub fn say_cut(limit: usize, matching: u64, oldest_first: bool) {
    if matching > limit as u64 {
        eprintln!(
            "note: {} of {} matching events ({}); --limit 0 for all",
            super::output::thousands(limit as u64),
            super::output::thousands(matching),
            if oldest_first {
                "the oldest"
            } else {
                "the newest"
            }
        );
    }
}

/// Prints `--count-by` groups: a table with shares on a terminal, JSON lines otherwise.
pub fn print_groups(
    mut groups: Vec<Group>,
    limit: Option<usize>,
    name: &str,
    format: Format,
) -> Result<Outcome> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout());
    let total: u64 = groups.iter().map(|g| g.count).sum();
    if let Some(limit) = limit {
        groups.truncate(limit);
    }
    if format == Format::Table {
        let width = groups
            .iter()
            .map(|g| g.count.to_string().len())
            .max()
            .unwrap_or(5)
            .max(5);
        writeln!(stdout, "{:>width$}  {:>6}  {name}", "COUNT", "SHARE")?;
        for group in &groups {
            writeln!(
                stdout,
                "{:>width$}  {:>5.1}%  {}",
                group.count,
                group.count as f64 * 100.0 / total.max(1) as f64,
                crate::visible::visible(&group.value)
            )?;
        }
    } else {
        for group in &groups {
            writeln!(stdout, "{}", group_line(name, group))?;
        }
    }
    stdout.flush()?;
    Ok(if groups.is_empty() {
        Outcome::NothingMatched
    } else {
        Outcome::Done
    })
}

/// One `--count-by` group as a JSON line: `{"count":N,"service":"auth"}`.
/// `--count`: the number, or `{"count":N}` with `-o json`.
pub fn print_count(n: u64, output: OutputFormat) -> Result<Outcome> {
    let mut stdout = std::io::stdout().lock();
    if output == OutputFormat::Json {
        writeln!(stdout, "{}", serde_json::json!({ "count": n }))?;
    } else {
        writeln!(stdout, "{n}")?;
    }
    stdout.flush()?;
    Ok(if n > 0 {
        Outcome::Done
    } else {
        Outcome::NothingMatched
    })
}

/// One group as a JSON line; the value keeps its JSON type (`{"count":4,"status":500}`).
pub fn group_line(name: &str, group: &Group) -> String {
    serde_json::json!({ name: group.json(), "count": group.count }).to_string()
}
