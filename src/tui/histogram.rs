//! Events per second of arrival, by level, kept for the longest window and bucketed to fit
//! the width.

use crate::event::{Level, Timestamp};
use std::collections::VecDeque;
use std::time::Duration;

const MICROS: i64 = 1_000_000;

#[derive(Default)]
pub struct Histogram {
    /// (epoch second, events per level), in order of the second.
    seconds: VecDeque<(i64, [u64; 6])>,
}

impl Histogram {
    /// Counts one event of `level` arriving at `now`.
    pub fn add(&mut self, level: Level, now: Timestamp) {
        let second = now.micros().div_euclid(MICROS);
        let level = level_index(level);
        match self.seconds.binary_search_by_key(&second, |(s, _)| *s) {
            Ok(i) => {
                if let Some((_, counts)) = self.seconds.get_mut(i) {
                    counts[level] += 1;
                }
            }
            Err(i) => {
                let mut counts = [0; 6];
                counts[level] = 1;
                self.seconds.insert(i, (second, counts));
            }
        }
    }

    pub fn forget_before(&mut self, now: Timestamp, keep: Duration) {
        let oldest = (now.micros() - keep.as_micros() as i64).div_euclid(MICROS);
        while self.seconds.front().is_some_and(|(s, _)| *s < oldest) {
            self.seconds.pop_front();
        }
    }

    /// `columns` buckets covering the `window` that ends now, oldest first, and how many
    /// seconds each bucket spans.
    pub fn buckets(
        &self,
        now: Timestamp,
        window: Duration,
        columns: usize,
    ) -> (Vec<[u64; 6]>, u64) {
        let columns = columns.max(1);
        let window_secs = window.as_secs().max(1);
        let span = window_secs.div_ceil(columns as u64).max(1);
        let count = (window_secs / span).max(1) as usize;
        let end = now.micros().div_euclid(MICROS) + 1;
        let start = end - (count as u64 * span) as i64;
        let mut buckets = vec![[0u64; 6]; count];
        for (second, counts) in &self.seconds {
            if *second < start || *second >= end {
                continue;
            }
            let index = ((second - start) as u64 / span) as usize;
            if let Some(bucket) = buckets.get_mut(index) {
                for (total, n) in bucket.iter_mut().zip(counts) {
                    *total += n;
                }
            }
        }
        (buckets, span)
    }

    /// Events per second over the last five whole seconds.
    pub fn rate(&self, now: Timestamp) -> f64 {
        let current = now.micros().div_euclid(MICROS);
        let total: u64 = self
            .seconds
            .iter()
            .filter(|(s, _)| *s >= current - 5 && *s < current)
            .map(|(_, c)| c.iter().sum::<u64>())
            .sum();
        total as f64 / 5.0
    }
}

/// Position of a level in `Level::ALL` (trace = 0 .. fatal = 5): the key `1`-`6` toggles it.
pub fn level_index(level: Level) -> usize {
    level as usize
}
