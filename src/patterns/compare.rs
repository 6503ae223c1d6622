//! Patterns compared between two time windows: which are new, gone, or changed in rate.
//! Both windows are mined together, so a kind of line has one template in both.

use super::{mine, Minable, Pattern};
use crate::event::Timestamp;
use std::cmp::Ordering;

/// A time window, start included, end excluded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Window {
    pub fn contains(&self, at: Timestamp) -> bool {
        self.start <= at && at < self.end
    }

    fn micros(&self) -> f64 {
        (self.end.micros() - self.start.micros()).max(1) as f64
    }

    pub fn overlaps(&self, other: &Window) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// How a pattern's rate moved from the baseline to the current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    New,
    Up,
    Gone,
    Down,
    Steady,
}

impl Change {
    pub fn name(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Up => "up",
            Change::Gone => "gone",
            Change::Down => "down",
            Change::Steady => "steady",
        }
    }
}

/// One pattern's counts in the two windows.
#[derive(Debug, Clone)]
pub struct Compared {
    pub pattern: Pattern,
    pub before: u64,
    pub now: u64,
    /// The current rate over the baseline rate (per unit of time, so windows of different
    /// lengths compare); `None` when either count is 0.
    pub ratio: Option<f64>,
    pub change: Change,
}

/// Compares the patterns of `events` (oldest first; events outside both windows are
/// left out) between `baseline` and `current`. A rate `factor` times higher or lower is
/// up or down. Changed patterns come first: new, up, gone, down, then the steady ones.
pub fn compare<E: Minable>(
    events: &[E],
    baseline: Window,
    current: Window,
    factor: f64,
) -> Vec<Compared> {
    let mined = mine(events, 1);
    let mut counts = vec![(0u64, 0u64); mined.patterns.len()];
    for (event, &p) in events.iter().zip(&mined.of_event) {
        if baseline.contains(event.timestamp()) {
            counts[p].0 += 1;
        } else if current.contains(event.timestamp()) {
            counts[p].1 += 1;
        }
    }
    let mut compared: Vec<Compared> = mined
        .patterns
        .into_iter()
        .zip(counts)
        .filter(|(_, (before, now))| before + now > 0)
        .map(|(pattern, (before, now))| {
            let ratio = (before > 0 && now > 0)
                .then(|| (now as f64 / current.micros()) / (before as f64 / baseline.micros()));
            let change = match ratio {
                None if before == 0 => Change::New,
                None => Change::Gone,
                Some(r) if r >= factor => Change::Up,
                Some(r) if r * factor <= 1.0 => Change::Down,
                Some(_) => Change::Steady,
            };
            Compared {
                pattern,
                before,
                now,
                ratio,
                change,
            }
        })
        .collect();
    compared.sort_by(order);
    compared
}

fn order(a: &Compared, b: &Compared) -> Ordering {
    let rank = |c: &Compared| match c.change {
        Change::New => 0,
        Change::Up => 1,
        Change::Gone => 2,
        Change::Down => 3,
        Change::Steady => 4,
    };
    let ratio = |c: &Compared| c.ratio.unwrap_or(1.0);
    rank(a).cmp(&rank(b)).then_with(|| {
        let by_size = match a.change {
            Change::New | Change::Steady => b.now.cmp(&a.now),
            Change::Gone => b.before.cmp(&a.before),
            Change::Up => ratio(b).total_cmp(&ratio(a)),
            Change::Down => ratio(a).total_cmp(&ratio(b)),
        };
        by_size.then_with(|| a.pattern.template.cmp(&b.pattern.template))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Level, LogEvent};

    fn at(minute: i64, message: &str) -> LogEvent {
        let mut event = LogEvent::new(Timestamp(0), Level::Info, "api", "h", message);
        event.timestamp = Timestamp(minute * 60_000_000);
        event
    }

    fn minutes(from: i64, to: i64) -> Window {
        Window {
            start: Timestamp(from * 60_000_000),
            end: Timestamp(to * 60_000_000),
        }
    }

    #[test]
    fn new_gone_up_down_and_steady_patterns() {
        let mut events = Vec::new();
        for m in 0..60 {
            events.push(at(m, &format!("GET /cart {m} 200")));
            if m % 10 == 0 {
                events.push(at(m, &format!("cache refreshed in {m}ms")));
            }
            events.push(at(m, &format!("user u{m} logged in")));
            events.push(at(m, &format!("worker {m} heartbeat ok")));
        }
        for m in 60..120 {
            events.push(at(m, &format!("GET /cart {m} 200")));
            for _ in 0..3 {
                events.push(at(
                    m,
                    &format!("payment declined for order {m}: card expired"),
                ));
            }
            if m % 2 == 0 {
                events.push(at(m, &format!("user u{m} logged in")));
            }
            for _ in 0..3 {
                events.push(at(m, &format!("worker {m} heartbeat ok")));
            }
        }
        let compared = compare(&events, minutes(0, 60), minutes(60, 120), 2.0);
        let summary: Vec<(&str, &str, u64, u64)> = compared
            .iter()
            .map(|c| {
                (
                    c.change.name(),
                    c.pattern.template.as_str(),
                    c.before,
                    c.now,
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "new",
                    "payment declined for order <NUM>: card expired",
                    0,
                    180
                ),
                ("up", "worker <NUM> heartbeat ok", 60, 180),
                ("gone", "cache refreshed in <DURATION>", 6, 0),
                ("down", "user <*> logged in", 60, 30),
                ("steady", "GET /cart <NUM>…", 60, 60),
            ]
        );
        assert_eq!(compared[1].ratio, Some(3.0));
        assert_eq!(compared[3].ratio, Some(0.5));
    }

    #[test]
    fn rates_are_per_unit_of_time() {
        let events: Vec<LogEvent> = (0..30)
            .map(|m| at(m, "tick"))
            .chain((30..90).map(|m| at(m, "tick")))
            .collect();
        let compared = compare(&events, minutes(0, 30), minutes(30, 90), 2.0);
        assert_eq!(compared[0].change, Change::Steady);
        assert_eq!(compared[0].ratio, Some(1.0));
    }
}
