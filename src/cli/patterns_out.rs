//! `query --patterns`, `--pattern ID` and `--with-pattern`: the matching events (the
//! newest `--sample` of them) mined into patterns, shown as a table with trend bars on a
//! terminal and as JSON lines otherwise.

use super::args::QueryArgs;
use super::output::{Format, Printer};
use super::Outcome;
use crate::event::{LogEvent, Timestamp};
use crate::patterns::{mine, mine_over, Minable, Mined, Pattern};
use anyhow::Result;
use std::io::Write;

/// Slices of the time range in a trend bar.
const TREND_SLICES: usize = 12;
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Whether the query asks for patterns at all.
pub fn wanted(args: &QueryArgs) -> bool {
    args.patterns || args.with_pattern || args.pattern.is_some()
}

/// The time range the query asked for (`--since`, `--until`), so the trend spans it.
fn query_range(args: &QueryArgs) -> (Option<Timestamp>, Option<Timestamp>) {
    let now = Timestamp::now();
    let at = |text: &Option<String>| {
        text.as_deref()
            .and_then(|t| crate::query::time::parse_instant_or_ago(t, now))
    };
    let upper = at(&args.until).or(args.since.as_ref().map(|_| now));
    (at(&args.since), upper)
}

/// Says when the events mined are a sample of those that matched.
fn note_sample(mined: usize, matching: Option<u64>) {
    if let Some(total) = matching.filter(|&t| t > mined as u64) {
        eprintln!(
            "note: patterns of the newest {mined} of {total} matching events (raise --sample to mine more)"
        );
    }
}

/// `--patterns`: mines `newest_first` (the newest `--sample` matching events) and prints
/// the patterns. `matching` is how many events matched in all, for the sampling note.
pub fn show_patterns<E: Minable>(
    args: &QueryArgs,
    mut newest_first: Vec<E>,
    matching: Option<u64>,
    format: Format,
) -> Result<Outcome> {
    note_sample(newest_first.len(), matching);
    // Mined oldest first, the order the lines were written in.
    newest_first.reverse();
    let mined = mine_over(&newest_first, TREND_SLICES, Some(query_range(args)));
    print_patterns(&mined, newest_first.len(), args.limit, format)
}

/// `--pattern ID` and `--with-pattern`: the events, mined the same way, printed.
pub fn show_events(
    args: &QueryArgs,
    mut newest_first: Vec<LogEvent>,
    matching: Option<u64>,
    format: Format,
    color: bool,
) -> Result<Outcome> {
    note_sample(newest_first.len(), matching);
    newest_first.reverse();
    let mined = mine(&newest_first, TREND_SLICES);
    print_events(args, &newest_first, &mined, format, color)
}

fn print_events(
    args: &QueryArgs,
    events: &[LogEvent],
    mined: &Mined,
    format: Format,
    color: bool,
) -> Result<Outcome> {
    let mut chosen: Vec<usize> = (0..events.len())
        .filter(|&i| {
            args.pattern
                .as_deref()
                .is_none_or(|id| mined.patterns[mined.of_event[i]].id == id)
        })
        .collect();
    if let Some(id) = args.pattern.as_deref() {
        if !mined.patterns.iter().any(|p| p.id == id) {
            eprintln!(
                "note: no pattern '{id}' among the {} events mined; `logagg query --patterns` with the same query and time range lists those there are",
                events.len()
            );
        }
    }
    if !args.asc {
        chosen.reverse();
    }
    if args.limit > 0 {
        chosen.truncate(args.limit);
    }
    let mut printer = Printer::stdout(format, color);
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for &i in &chosen {
        if args.with_pattern && format == Format::Json {
            let pattern = &mined.patterns[mined.of_event[i]];
            let mut value: serde_json::Value = serde_json::from_str(&events[i].to_json())?;
            if let Some(object) = value.as_object_mut() {
                object.insert(
                    "pattern".into(),
                    serde_json::json!({ "id": pattern.id, "template": pattern.template }),
                );
            }
            writeln!(out, "{value}")?;
        } else {
            printer.event(&events[i])?;
        }
    }
    out.flush()?;
    printer.flush()?;
    Ok(if chosen.is_empty() {
        Outcome::NothingMatched
    } else {
        Outcome::Done
    })
}

fn trend_bar(trend: &[u64]) -> String {
    let peak = trend.iter().copied().max().unwrap_or(0).max(1);
    trend
        .iter()
        .map(|&n| {
            if n == 0 {
                ' '
            } else {
                BARS[((n * (BARS.len() as u64 - 1)) / peak) as usize]
            }
        })
        .collect()
}

fn print_patterns(mined: &Mined, total: usize, limit: usize, format: Format) -> Result<Outcome> {
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let shown = if limit > 0 {
        &mined.patterns[..mined.patterns.len().min(limit)]
    } else {
        &mined.patterns[..]
    };
    let share = |p: &Pattern| p.count as f64 * 100.0 / total.max(1) as f64;
    if format == Format::Table {
        writeln!(
            out,
            "{:>8}  {:>6}  {:<8}  {:<19}  {:<12}  PATTERN (example below)",
            "COUNT", "SHARE", "ID", "LAST SEEN", "TREND"
        )?;
        for p in shown {
            writeln!(
                out,
                "{:>8}  {:>5.1}%  {:<8}  {:<19}  {:<12}  {}",
                p.count,
                share(p),
                p.id,
                p.last_seen.to_display().get(..19).unwrap_or_default(),
                trend_bar(&p.trend),
                crate::visible::visible(&p.template)
            )?;
            writeln!(
                out,
                "{:>62}{}",
                "",
                crate::visible::visible(first_line(&p.example))
            )?;
        }
        writeln!(
            out,
            "{} patterns in {total} events; `logagg query --pattern ID` shows a pattern's events",
            mined.patterns.len()
        )?;
    } else {
        for p in shown {
            let line = serde_json::json!({
                "id": p.id,
                "template": p.template,
                "count": p.count,
                "share": (share(p) * 100.0).round() / 10000.0,
                "first_seen": p.first_seen.to_rfc3339(),
                "last_seen": p.last_seen.to_rfc3339(),
                "example": p.example,
                "trend": p.trend,
            });
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(if shown.is_empty() {
        Outcome::NothingMatched
    } else {
        Outcome::Done
    })
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}
