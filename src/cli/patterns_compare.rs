//! `query --patterns --compare SHIFT` / `--baseline START..END`: the patterns of two time
//! windows side by side, listing those that are new, gone, or whose rate moved beyond
//! `--factor`.

use super::args::QueryArgs;
use super::output::{thousands, Format};
use super::Outcome;
use crate::event::Timestamp;
use crate::patterns::compare::{compare, Change, Compared, Window};
use crate::patterns::Minable;
use crate::query::ast::{Clause, Range, Test};
use crate::query::time::{parse_duration, parse_instant_or_ago};
use crate::query::{parse, Query, Target};
use anyhow::{anyhow, bail, Result};
use std::io::Write;
use std::ops::Bound;

/// The two windows a comparison reads.
#[derive(Debug, Clone, Copy)]
pub struct Windows {
    pub baseline: Window,
    pub current: Window,
}

/// The windows `--compare`/`--baseline` ask for with `--since`/`--until`; `None` when
/// no comparison is asked for.
pub fn windows(args: &QueryArgs, now: Timestamp) -> Result<Option<Windows>> {
    if args.compare.is_none() && args.baseline.is_none() {
        return Ok(None);
    }
    if !(args.factor.is_finite() && args.factor > 1.0) {
        bail!(
            "--factor {} cannot tell a change; give a number above 1, such as 2",
            args.factor
        );
    }
    let instant = |name: &str, text: &str| {
        parse_instant_or_ago(text, now).ok_or_else(|| {
            anyhow!("{name} '{text}' is not a time; use a duration ago (15m, 2h, 7d), now-1h, or RFC 3339")
        })
    };
    let until = match &args.until {
        Some(text) => instant("--until", text)?,
        None => now,
    };
    let since = args
        .since
        .as_deref()
        .map(|text| instant("--since", text))
        .transpose()?;
    let windows = if let Some(shift_text) = &args.compare {
        let shift = parse_duration(shift_text)
            .filter(|d| !d.is_zero())
            .ok_or_else(|| {
                anyhow!("--compare '{shift_text}' is not a duration; use 1h, 1d or 7d (how far back the baseline is)")
            })?;
        let shift_micros = i64::try_from(shift.as_micros()).unwrap_or(i64::MAX);
        let start = since.unwrap_or(Timestamp(until.micros().saturating_sub(shift_micros)));
        let current = window("the current window", start, until)?;
        let back = |t: Timestamp| Timestamp(t.micros().saturating_sub(shift_micros));
        Windows {
            baseline: Window {
                start: back(current.start),
                end: back(current.end),
            },
            current,
        }
    } else {
        let text = args.baseline.as_deref().unwrap_or_default();
        let (from, to) = text.split_once("..").ok_or_else(|| {
            anyhow!("--baseline '{text}' is not START..END; use for example 2h..1h or 2026-12-01T00:00:00Z..2026-12-02T00:00:00Z")
        })?;
        let baseline = window(
            "--baseline",
            instant("--baseline", from)?,
            instant("--baseline", to)?,
        )?;
        let current = window("the current window", since.unwrap_or(baseline.end), until)?;
        Windows { baseline, current }
    };
    if windows.baseline.overlaps(&windows.current) {
        bail!(
            "the baseline ({}..{}) overlaps the current window ({}..{}): an event would count in both; {}",
            windows.baseline.start,
            windows.baseline.end,
            windows.current.start,
            windows.current.end,
            if args.compare.is_some() {
                "give --compare a shift at least as long as the window (--since/--until)"
            } else {
                "give --baseline a range that ends where --since starts, or earlier"
            }
        );
    }
    Ok(Some(windows))
}

fn window(name: &str, start: Timestamp, end: Timestamp) -> Result<Window> {
    if start >= end {
        bail!(
            "{name} would start at {start}, not before its end {end}; give the earlier time first"
        );
    }
    Ok(Window { start, end })
}

/// The query's text restricted to the two windows.
pub fn query(text: &str, windows: &Windows, now: Timestamp) -> Result<Query> {
    let in_window = |w: &Window| {
        Query::Clause(Clause {
            target: Target::Timestamp,
            test: Test::Range(Range::Time(
                Bound::Included(w.start),
                Bound::Excluded(w.end),
            )),
        })
    };
    Ok(parse(text, now)?.and(Query::Or(vec![
        in_window(&windows.baseline),
        in_window(&windows.current),
    ])))
}

/// Mines the events of both windows together (`newest_first`: every matching event,
/// `matching` of them) and prints the patterns that changed.
pub fn show<E: Minable>(
    args: &QueryArgs,
    windows: &Windows,
    mut newest_first: Vec<E>,
    matching: u64,
    format: Format,
) -> Result<Outcome> {
    if matching > args.sample as u64 || matching > newest_first.len() as u64 {
        bail!(
            "the two windows hold {} matching events, more than --sample {}: a comparison of part of them would be wrong; raise --sample or narrow the query or the windows",
            thousands(matching),
            thousands(args.sample as u64)
        );
    }
    newest_first.reverse();
    let compared = compare(
        &newest_first,
        windows.baseline,
        windows.current,
        args.factor,
    );
    let changed: Vec<&Compared> = compared
        .iter()
        .filter(|c| c.change != Change::Steady)
        .collect();
    let shown = if args.limit > 0 {
        &changed[..changed.len().min(args.limit)]
    } else {
        &changed[..]
    };
    print(shown, format)?;
    let count = |inside: &Window| {
        newest_first
            .iter()
            .filter(|e| inside.contains(e.timestamp()))
            .count() as u64
    };
    eprintln!(
        "note: baseline {}..{} {} events, current {}..{} {} events; {} of {} patterns changed beyond ×{}{}",
        windows.baseline.start,
        windows.baseline.end,
        thousands(count(&windows.baseline)),
        windows.current.start,
        windows.current.end,
        thousands(count(&windows.current)),
        changed.len(),
        compared.len(),
        args.factor,
        if shown.len() < changed.len() {
            format!(" ({} shown; --limit 0 for all)", shown.len())
        } else {
            String::new()
        }
    );
    Ok(if shown.is_empty() {
        Outcome::NothingMatched
    } else {
        Outcome::Done
    })
}

fn ratio_text(ratio: Option<f64>) -> String {
    match ratio {
        Some(r) if r >= 10.0 => format!("×{r:.0}"),
        Some(r) if r >= 0.1 => format!("×{r:.2}"),
        Some(r) => format!("×{r:.3}"),
        None => "-".to_string(),
    }
}

fn print(shown: &[&Compared], format: Format) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout());
    if format == Format::Table {
        writeln!(
            out,
            "{:<6}  {:>8}  {:>8}  {:>7}  {:<8}  PATTERN",
            "CHANGE", "BEFORE", "NOW", "RATE", "ID"
        )?;
        for c in shown {
            writeln!(
                out,
                "{:<6}  {:>8}  {:>8}  {:>7}  {:<8}  {}",
                c.change.name(),
                c.before,
                c.now,
                ratio_text(c.ratio),
                c.pattern.id,
                crate::visible::visible(&c.pattern.template)
            )?;
        }
    } else {
        for c in shown {
            let line = serde_json::json!({
                "change": c.change.name(),
                "id": c.pattern.id,
                "template": c.pattern.template,
                "before": c.before,
                "now": c.now,
                "ratio": c.ratio,
                "first_seen": c.pattern.first_seen.to_rfc3339(),
                "last_seen": c.pattern.last_seen.to_rfc3339(),
                "example": c.pattern.example,
            });
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(())
}
