//! Patterns of a stream, updated as events arrive (`tail --source kafka --patterns`, the
//! dashboard's patterns pane), with the patterns that spike marked the way `query
//! --patterns --compare` marks them: a rate some times higher than before.

use super::{pattern_id, Headers, Miner, Pattern};
use crate::event::{LogEvent, Timestamp};
use crate::format::{self, FormatChoice};
use std::collections::{HashMap, VecDeque};

/// A pattern spikes when its last minute's rate is this many times its rate before.
pub const SPIKE_FACTOR: f64 = 2.0;
/// Fewer events in the last minute than this are not called a spike (noise).
const SPIKE_LEAST: u64 = 10;
/// Minutes before the last one that make the rate it is compared with.
const BASELINE_MINUTES: i64 = 10;
const MINUTE: i64 = 60_000_000;

/// What a template has seen.
struct Seen {
    count: u64,
    first: Timestamp,
    last: Timestamp,
    example: String,
    /// Events per minute of their time, the last `BASELINE_MINUTES + 1` minutes.
    minutes: VecDeque<(i64, u64)>,
}

/// A service's format is detected from its first message.
#[derive(Default)]
pub struct LiveMiner {
    miner: Miner,
    headers: Headers,
    seen: Vec<Seen>,
    total: u64,
}

impl LiveMiner {
    /// Mines one event; returns its template's index (see `templates_like`).
    pub fn add(&mut self, event: &LogEvent) -> usize {
        if !self.headers.by_service.contains_key(&event.service) {
            let first = event.message.lines().next().unwrap_or("");
            let format = format::detect(first.as_bytes(), FormatChoice::Auto, None);
            self.headers
                .by_service
                .insert(event.service.clone(), format);
        }
        let t = self.miner.add(&self.headers.body(event));
        if t == self.seen.len() {
            self.seen.push(Seen {
                count: 0,
                first: event.timestamp,
                last: event.timestamp,
                example: event.message.clone(),
                minutes: VecDeque::new(),
            });
        }
        if let Some(seen) = self.seen.get_mut(t) {
            seen.count += 1;
            seen.first = seen.first.min(event.timestamp);
            seen.last = seen.last.max(event.timestamp);
            count_minute(
                &mut seen.minutes,
                event.timestamp.micros().div_euclid(MINUTE),
            );
        }
        self.total += 1;
        t
    }

    /// How many templates the miner holds (the dashboard starts over past a bound).
    pub fn templates(&self) -> usize {
        self.seen.len()
    }

    /// The indices of the templates whose text is `template` now (templates that
    /// generalised into the same text are one pattern).
    pub fn templates_like(&self, template: &str) -> Vec<usize> {
        let texts = self.template_texts();
        (0..self.seen.len())
            .filter(|&t| texts.get(t).is_some_and(|text| text == template))
            .collect()
    }

    /// Each template's pattern text, by template index (one merge pass for all of them).
    pub fn template_texts(&self) -> Vec<String> {
        self.miner.pattern_texts()
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// The patterns so far, most frequent first (templates that generalised into the
    /// same text are one pattern), each marked when it spikes at `now`. No trend: a live
    /// table shows counts and times.
    pub fn patterns(&self, now: Timestamp) -> Vec<Pattern> {
        let texts = self.miner.pattern_texts();
        let this_minute = now.micros().div_euclid(MINUTE);
        let mut by_text: HashMap<String, (Pattern, [u64; 2])> = HashMap::new();
        for (seen, text) in self.seen.iter().zip(texts) {
            let (pattern, rates) = by_text.entry(text.clone()).or_insert_with(|| {
                let pattern = Pattern {
                    id: pattern_id(&text),
                    template: text,
                    count: 0,
                    first_seen: seen.first,
                    last_seen: seen.last,
                    example: seen.example.clone(),
                    trend: Vec::new(),
                    spike: None,
                };
                (pattern, [0, 0])
            });
            pattern.count += seen.count;
            pattern.first_seen = pattern.first_seen.min(seen.first);
            pattern.last_seen = pattern.last_seen.max(seen.last);
            for &(minute, n) in &seen.minutes {
                if minute == this_minute - 1 || minute == this_minute {
                    // The last whole minute and the one running: the last 60-120 s.
                    rates[1] += n;
                } else if minute >= this_minute - 1 - BASELINE_MINUTES && minute < this_minute - 1 {
                    rates[0] += n;
                }
            }
        }
        let mut patterns: Vec<Pattern> = by_text
            .into_values()
            .map(|(mut pattern, [before, recent])| {
                pattern.spike = spike(&pattern, before, recent, this_minute);
                pattern
            })
            .collect();
        patterns.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(a.first_seen.cmp(&b.first_seen))
                .then(a.template.cmp(&b.template))
        });
        patterns
    }
}

/// Counts one event in its minute, keeping the last minutes only.
fn count_minute(minutes: &mut VecDeque<(i64, u64)>, minute: i64) {
    match minutes.iter_mut().find(|(m, _)| *m == minute) {
        Some((_, n)) => *n += 1,
        None => {
            let at = minutes.partition_point(|(m, _)| *m < minute);
            minutes.insert(at, (minute, 1));
        }
    }
    while minutes.len() > (BASELINE_MINUTES + 2) as usize {
        minutes.pop_front();
    }
}

/// How many times the recent rate (`recent` events over the last two minutes) is above
/// the rate before (`before` events over the minutes the pattern was seen in the ten
/// before), when that is a spike. A pattern too young to have a rate before is new, not
/// spiking.
fn spike(pattern: &Pattern, before: u64, recent: u64, this_minute: i64) -> Option<f64> {
    let born = pattern.first_seen.micros().div_euclid(MINUTE);
    let minutes_before = (this_minute - 1 - born.max(this_minute - 1 - BASELINE_MINUTES)).max(0);
    if minutes_before < 2 || recent < SPIKE_LEAST {
        return None;
    }
    // No event at all before: as if one, so a pattern back from silence is a finite spike.
    let before_rate = before.max(1) as f64 / minutes_before as f64;
    let recent_rate = recent as f64 / 2.0;
    let factor = recent_rate / before_rate;
    (factor >= SPIKE_FACTOR).then_some(factor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Level;

    fn at(second: i64, message: &str) -> LogEvent {
        let mut event = LogEvent::new(Timestamp(0), Level::Info, "api", "h", message);
        event.timestamp = Timestamp(second * 1_000_000);
        event
    }

    #[test]
    fn a_pattern_whose_rate_jumps_is_marked_and_a_steady_or_young_one_is_not() {
        let mut miner = LiveMiner::default();
        // Ten minutes of both at 6 a minute; then the second at 60 a minute.
        for second in (0..600).step_by(10) {
            miner.add(&at(second, &format!("cache refreshed in {second}ms")));
            miner.add(&at(
                second,
                &format!("payment {second} declined: card expired"),
            ));
        }
        for second in 600..720 {
            if second % 10 == 0 {
                miner.add(&at(second, &format!("cache refreshed in {second}ms")));
            }
            miner.add(&at(
                second,
                &format!("payment {second} declined: card expired"),
            ));
        }
        // A pattern born a minute ago, busy: new, not spiking.
        for second in 660..720 {
            miner.add(&at(second, &format!("retrying {second}")));
        }
        let patterns = miner.patterns(Timestamp(719 * 1_000_000));
        let spike_of = |start: &str| {
            patterns
                .iter()
                .find(|p| p.template.starts_with(start))
                .map(|p| p.spike)
                .unwrap()
        };
        assert_eq!(spike_of("payment"), Some(10.0));
        assert_eq!(spike_of("cache"), None);
        assert_eq!(spike_of("retrying"), None);
    }
}
