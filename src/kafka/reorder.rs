//! Merging events from several partitions into time order: each event is held for a short
//! window, and released oldest-timestamp first, so events that arrive out of order by less
//! than the window come out sorted.

use crate::event::LogEvent;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::time::{Duration, Instant};

struct Held {
    micros: i64,
    /// Arrival number: keeps equal timestamps in arrival order.
    arrival: u64,
    since: Instant,
    event: LogEvent,
}

impl PartialEq for Held {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Held {}
impl PartialOrd for Held {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Held {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.micros, self.arrival).cmp(&(other.micros, other.arrival))
    }
}

pub struct ReorderWindow {
    window: Duration,
    held: BinaryHeap<Reverse<Held>>,
    arrivals: u64,
}

impl ReorderWindow {
    pub fn new(window: Duration) -> ReorderWindow {
        ReorderWindow {
            window,
            held: BinaryHeap::new(),
            arrivals: 0,
        }
    }

    pub fn push(&mut self, event: LogEvent, now: Instant) {
        self.arrivals += 1;
        self.held.push(Reverse(Held {
            micros: event.timestamp.micros(),
            arrival: self.arrivals,
            since: now,
            event,
        }));
    }

    /// The next event whose turn has come: the oldest held, once it has waited the window.
    pub fn pop_ready(&mut self, now: Instant) -> Option<LogEvent> {
        let ready = self
            .held
            .peek()
            .is_some_and(|Reverse(h)| now.duration_since(h.since) >= self.window);
        if ready {
            self.held.pop().map(|Reverse(h)| h.event)
        } else {
            None
        }
    }

    /// Everything still held, in order (at the end of the stream).
    pub fn drain(&mut self) -> Vec<LogEvent> {
        let mut out = Vec::with_capacity(self.held.len());
        while let Some(Reverse(h)) = self.held.pop() {
            out.push(h.event);
        }
        out
    }

    pub fn len(&self) -> usize {
        self.held.len()
    }

    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Level, Timestamp};

    fn event(ms: i64, message: &str) -> LogEvent {
        LogEvent::new(
            Timestamp::from_millis(ms),
            Level::Info,
            "svc",
            "host",
            message,
        )
    }

    #[test]
    fn releases_in_time_order_after_the_window() {
        let mut window = ReorderWindow::new(Duration::from_millis(100));
        let t0 = Instant::now();
        window.push(event(2000, "late partition"), t0);
        window.push(event(1000, "early"), t0 + Duration::from_millis(10));
        window.push(
            event(2000, "same time, later"),
            t0 + Duration::from_millis(20),
        );
        assert!(window.pop_ready(t0 + Duration::from_millis(50)).is_none());
        let at = t0 + Duration::from_millis(200);
        let order: Vec<String> = std::iter::from_fn(|| window.pop_ready(at))
            .map(|e| e.message)
            .collect();
        assert_eq!(order, ["early", "late partition", "same time, later"]);
        assert!(window.is_empty());
    }
}
