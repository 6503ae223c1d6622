//! Matching events counted per span of time (`query --histogram`): buckets of one width,
//! aligned on the epoch (a 1m bucket starts on a minute, 1h on an hour, 1d at 00:00 UTC),
//! the same whichever store answers.

use crate::event::Timestamp;
use std::collections::BTreeMap;

/// Widths `auto` chooses from: the first that covers the span in at most `AUTO_BUCKETS`.
const STEPS_SECONDS: &[i64] = &[
    1,
    2,
    5,
    10,
    15,
    30,
    60,
    120,
    300,
    600,
    900,
    1800,
    3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86_400,
    7 * 86_400,
    30 * 86_400,
    365 * 86_400,
];
const AUTO_BUCKETS: i64 = 60;
/// The most buckets one answer holds (empty ones included): a year in seconds would not
/// fit a terminal or a reply.
pub const MAX_BUCKETS: i64 = 100_000;
const MICROS: i64 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Histogram {
    /// The width of a bucket, in microseconds.
    pub width: i64,
    counts: BTreeMap<i64, u64>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HistogramError {
    #[error("--histogram '{0}' is not a width; use a duration such as 10s, 1m, 1h or 1d, or auto")]
    NotAWidth(String),
    #[error("--histogram {width} over {span} would make {buckets} buckets (at most {MAX_BUCKETS}); give a wider bucket, or narrow the time with --since/--until")]
    TooMany {
        width: String,
        span: String,
        buckets: i64,
    },
}

impl Histogram {
    pub fn new(width: i64) -> Histogram {
        Histogram {
            width: width.max(1),
            counts: BTreeMap::new(),
        }
    }

    /// The start of the bucket `at` falls in.
    pub fn bucket_of(&self, at: Timestamp) -> i64 {
        at.0.div_euclid(self.width) * self.width
    }

    pub fn add(&mut self, at: Timestamp, n: u64) {
        if n > 0 {
            *self.counts.entry(self.bucket_of(at)).or_default() += n;
        }
    }

    /// Adds `n` to the bucket starting at `start` (as another store counted it).
    pub fn add_bucket(&mut self, start: i64, n: u64) {
        if n > 0 {
            *self
                .counts
                .entry(start.div_euclid(self.width) * self.width)
                .or_default() += n;
        }
    }

    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// Every bucket from the first that holds events to the last, empty ones included
    /// (a gap is part of the answer), oldest first.
    pub fn buckets(&self) -> Result<Vec<(Timestamp, u64)>, HistogramError> {
        let (Some((&first, _)), Some((&last, _))) =
            (self.counts.first_key_value(), self.counts.last_key_value())
        else {
            return Ok(Vec::new());
        };
        let buckets = (last - first) / self.width + 1;
        if buckets > MAX_BUCKETS {
            return Err(HistogramError::TooMany {
                width: width_name(self.width),
                span: width_name(last - first + self.width),
                buckets,
            });
        }
        Ok((0..buckets)
            .map(|i| {
                let start = first + i * self.width;
                (
                    Timestamp(start),
                    self.counts.get(&start).copied().unwrap_or(0),
                )
            })
            .collect())
    }
}

/// The width `--histogram TEXT` asks for (`None` for `auto`).
pub fn parse_width(text: &str) -> Result<Option<i64>, HistogramError> {
    if text.eq_ignore_ascii_case("auto") {
        return Ok(None);
    }
    let micros = crate::query::time::parse_duration(text)
        .and_then(|d| i64::try_from(d.as_micros()).ok())
        .filter(|&m| m >= 1_000)
        .ok_or_else(|| HistogramError::NotAWidth(text.to_owned()))?;
    Ok(Some(micros))
}

/// The width that shows `span` microseconds in at most about sixty buckets.
pub fn auto_width(span: i64) -> i64 {
    STEPS_SECONDS
        .iter()
        .map(|s| s * MICROS)
        .find(|w| span / w <= AUTO_BUCKETS)
        .unwrap_or(365 * 86_400 * MICROS)
}

/// `90s` as `1m30s`, `3600s` as `1h`: how a width is said back.
pub fn width_name(micros: i64) -> String {
    if micros % MICROS != 0 {
        return format!("{}ms", micros / 1_000);
    }
    let mut left = micros / MICROS;
    let mut out = String::new();
    for (unit, seconds) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if left >= seconds {
            out.push_str(&format!("{}{unit}", left / seconds));
            left %= seconds;
        }
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn buckets_are_aligned_and_gaps_are_shown() {
        let mut h = Histogram::new(60 * MICROS);
        h.add(at("2026-12-07T08:00:59.999Z"), 1);
        h.add(at("2026-12-07T08:00:00Z"), 2);
        h.add(at("2026-12-07T08:03:10Z"), 1);
        h.add(at("1969-12-31T23:59:30Z"), 0);
        let buckets = h.buckets().unwrap();
        let shown: Vec<(String, u64)> = buckets.iter().map(|(t, n)| (t.to_rfc3339(), *n)).collect();
        assert_eq!(
            shown,
            [
                ("2026-12-07T08:00:00.000Z".to_owned(), 3),
                ("2026-12-07T08:01:00.000Z".to_owned(), 0),
                ("2026-12-07T08:02:00.000Z".to_owned(), 0),
                ("2026-12-07T08:03:00.000Z".to_owned(), 1),
            ]
        );
        assert_eq!(h.total(), 4);
        // Before the epoch, a bucket still starts on its minute.
        let mut old = Histogram::new(60 * MICROS);
        old.add(at("1969-12-31T23:59:30Z"), 1);
        assert_eq!(
            old.buckets().unwrap()[0].0.to_rfc3339(),
            "1969-12-31T23:59:00.000Z"
        );
    }

    #[test]
    fn widths_are_read_chosen_and_said_back() {
        assert_eq!(parse_width("auto"), Ok(None));
        assert_eq!(parse_width("1m"), Ok(Some(60 * MICROS)));
        assert_eq!(
            parse_width("90s").map(|w| width_name(w.unwrap())),
            Ok("1m30s".into())
        );
        assert!(parse_width("0s").is_err());
        assert!(parse_width("fast").is_err());
        assert_eq!(width_name(auto_width(3600 * MICROS)), "1m");
        assert_eq!(width_name(auto_width(59 * MICROS)), "1s");
        assert_eq!(width_name(auto_width(7 * 86_400 * MICROS)), "3h");
        let mut wide = Histogram::new(MICROS);
        wide.add(at("2026-01-01T00:00:00Z"), 1);
        wide.add(at("2026-12-01T00:00:00Z"), 1);
        assert!(matches!(
            wide.buckets(),
            Err(HistogramError::TooMany { .. })
        ));
    }
}
