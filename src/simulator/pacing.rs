//! Producing at a steady rate.

use std::time::{Duration, Instant};

/// Keeps production in step with the wall clock when a rate is set.
pub struct Pacer {
    pub started: Instant,
    pub rate: Option<f64>,
}

impl Pacer {
    /// How many events pass between checks of the clock: often enough that a slow rate
    /// is smooth, rarely enough that a fast one costs nothing.
    pub fn check_every(&self) -> u64 {
        self.rate.map_or(64, |r| (r / 50.0).clamp(1.0, 64.0) as u64)
    }

    /// Sleeps until `produced` events are due; returns whether it slept.
    pub fn wait(&self, produced: u64) -> bool {
        let Some(rate) = self.rate else { return false };
        let due = Duration::from_secs_f64(produced as f64 / rate);
        let elapsed = self.started.elapsed();
        if due > elapsed {
            std::thread::sleep(due - elapsed);
            return true;
        }
        false
    }
}
