//! `query --histogram [WIDTH]`: matching events per span of time, from either store. On a
//! terminal a bar per bucket; piped, one `{"time":..,"count":..}` line per bucket. Empty
//! buckets between the first and the last are printed too: a gap is part of the answer.

use super::output::{thousands, Format};
use super::Outcome;
use crate::backend::histogram::{auto_width, parse_width, width_name, Histogram};
use crate::event::Timestamp;
use crate::query::time::parse_instant_or_ago;
use anyhow::Result;
use std::io::Write;

/// The histogram's width: the one asked for, or (`auto`) one that shows the time the
/// answer covers in about sixty buckets: `--since`..`--until` (or now) when given, else
/// the span `store_span` finds.
pub fn width(
    asked: &str,
    since: Option<&str>,
    until: Option<&str>,
    now: Timestamp,
    store_span: impl FnOnce() -> Result<Option<(Timestamp, Timestamp)>>,
) -> Result<(i64, bool)> {
    if let Some(width) = parse_width(asked)? {
        return Ok((width, false));
    }
    let bound = |value: Option<&str>| value.and_then(|v| parse_instant_or_ago(v, now));
    let (lower, upper) = (bound(since), bound(until));
    let span = match (lower, upper) {
        (Some(lo), hi) => hi.unwrap_or(now).0 - lo.0,
        (None, hi) => match store_span()? {
            Some((oldest, newest)) => hi.map_or(newest, |h| h.min(newest)).0 - oldest.0,
            None => 0,
        },
    };
    Ok((auto_width(span.max(0)), true))
}

/// Prints `histogram` in `format`, with a note on stderr of the width and how many buckets.
pub fn print(histogram: &Histogram, format: Format, auto: bool) -> Result<Outcome> {
    let buckets = histogram.buckets()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Json => {
            for (at, count) in &buckets {
                writeln!(out, r#"{{"time":"{}","count":{count}}}"#, at.to_rfc3339())?;
            }
        }
        Format::Logfmt => {
            for (at, count) in &buckets {
                writeln!(out, "time={} count={count}", at.to_rfc3339())?;
            }
        }
        Format::Table | Format::Raw => write_bars(&mut out, &buckets, histogram.width)?,
    }
    out.flush()?;
    let width = width_name(histogram.width);
    let chosen = if auto {
        " (chosen for the time covered; --histogram WIDTH for another)".to_owned()
    } else {
        String::new()
    };
    let plural = if buckets.len() == 1 { "" } else { "s" };
    eprintln!(
        "note: {} events in {} bucket{plural} of {width}{chosen}",
        thousands(histogram.total()),
        buckets.len()
    );
    Ok(if buckets.is_empty() {
        Outcome::NothingMatched
    } else {
        Outcome::Done
    })
}

/// One line per bucket: its start, a bar as long as its share of the largest, its count.
fn write_bars(out: &mut impl Write, buckets: &[(Timestamp, u64)], width: i64) -> Result<()> {
    const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let columns = crossterm::terminal::size().map_or(80, |(c, _)| usize::from(c));
    // Seconds are shown only when buckets are finer than a minute.
    let pattern = if width % 60_000_000 == 0 {
        "%Y-%m-%d %H:%M"
    } else {
        "%Y-%m-%d %H:%M:%S"
    };
    let largest = buckets.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let count_width = thousands(largest).len();
    let label_width = if width % 60_000_000 == 0 { 16 } else { 19 };
    let room = columns
        .saturating_sub(label_width + count_width + 4)
        .max(10);
    for (at, count) in buckets {
        let eighths = if largest == 0 {
            0
        } else {
            (*count as u128 * room as u128 * 8 / largest as u128) as usize
        };
        let mut bar = "█".repeat(eighths / 8);
        bar.push_str(EIGHTHS[eighths % 8]);
        // A bucket with events always shows some bar.
        if bar.is_empty() && *count > 0 {
            bar.push('▏');
        }
        let shown = bar.chars().count();
        writeln!(
            out,
            "{}  {bar}{:pad$}  {:>count_width$}",
            at.to_datetime().format(pattern),
            "",
            thousands(*count),
            pad = room.saturating_sub(shown),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_to_the_largest_bucket() {
        let at = |s: &str| Timestamp::parse(s).unwrap();
        let buckets = [
            (at("2026-12-07T08:00:00Z"), 40),
            (at("2026-12-07T08:01:00Z"), 0),
            (at("2026-12-07T08:02:00Z"), 1),
            (at("2026-12-07T08:03:00Z"), 40_000),
        ];
        let mut out = Vec::new();
        write_bars(&mut out, &buckets, 60_000_000).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[3].starts_with("2026-12-07 08:03  █"), "{text}");
        assert!(lines[3].ends_with(" 40,000"), "{text}");
        assert!(lines[0].ends_with("     40"), "{text}");
        assert!(lines[1].starts_with("2026-12-07 08:01   "), "{text}");
        assert!(lines[1].ends_with("      0"), "{text}");
        assert!(
            !lines[1].contains('▏'),
            "an empty bucket shows none: {text}"
        );
        assert!(
            lines[2].contains('▏'),
            "a bucket with events shows a bar: {text}"
        );
        // Every line is as wide as the others.
        let widths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
        assert!(widths.iter().all(|&w| w == widths[0]), "{widths:?}");
    }

    #[test]
    fn auto_width_follows_the_time_asked_for() {
        let now = Timestamp::parse("2026-12-07T12:00:00Z").unwrap();
        let (chosen, auto) = super::width("auto", Some("1h"), None, now, || Ok(None)).unwrap();
        assert_eq!((width_name(chosen), auto), ("1m".to_owned(), true));
        let (chosen, _) = super::width("auto", None, None, now, || {
            Ok(Some((now, Timestamp(now.0 + 86_400_000_000))))
        })
        .unwrap();
        assert_eq!(width_name(chosen), "30m");
        assert_eq!(
            super::width("10s", None, None, now, || Ok(None)).unwrap(),
            (10_000_000, false)
        );
        assert!(super::width("soon", None, None, now, || Ok(None)).is_err());
    }
}
