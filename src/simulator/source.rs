//! The simulator as a pipeline source. Its stream is named after the seed, start and
//! rate, and its positions are sequence numbers: the generator is deterministic, so a
//! resumed run regenerates (without storing) what the sink already holds and goes on.
//! A run given no start (it starts "now") resumes the latest stored run of the same seed
//! and rate, with that run's start, so its events continue that run's stream.

use super::spares::Spares;
use super::{Pacer, SimConfig, SimEvent, Simulator};
use crate::pipeline::{Ack, Pull, Record, Source, StoredPositions};
use std::sync::Arc;
use std::time::Instant;

/// When a run ends.
#[derive(Debug, Clone, Copy, Default)]
pub struct Span {
    pub count: Option<u64>,
    /// Simulated time, in microseconds.
    pub duration_micros: Option<i64>,
}

pub struct SimulatorSource {
    config: SimConfig,
    sim: Simulator,
    span: Span,
    pacer: Pacer,
    stream: Arc<str>,
    produced: u64,
    resumed_at: u64,
    event: SimEvent,
    spares: Spares,
    /// Whether the start was chosen by the caller (`--start`) rather than taken as now.
    start_given: bool,
    /// The start of the stored run this one continues, when it continues one.
    continued_from: Option<crate::event::Timestamp>,
}

/// Records handed out per pull, fewer than the core allows: the events of a smaller batch
/// (and the spares they are filled from) stay in the cache; 1,024 was a tenth slower.
const PULL_AT_MOST: usize = 128;

impl SimulatorSource {
    /// `pace`: events per second of wall-clock time, `None` as fast as possible.
    pub fn new(config: SimConfig, pace: Option<f64>, span: Span) -> SimulatorSource {
        let stream = stream_name(&config);
        SimulatorSource {
            sim: Simulator::new(&config),
            config,
            span,
            pacer: Pacer {
                started: Instant::now(),
                rate: pace,
            },
            stream,
            produced: 0,
            resumed_at: 0,
            event: SimEvent::default(),
            spares: Spares::default(),
            start_given: true,
            continued_from: None,
        }
    }

    /// A run whose start is "now" rather than chosen: on resume it continues the latest
    /// stored run of the same seed and rate instead of starting a stream of its own.
    pub fn starting_now(mut self) -> SimulatorSource {
        self.start_given = false;
        self
    }

    /// The start of the stored run this one continued (see `starting_now`).
    pub fn continued_from(&self) -> Option<crate::event::Timestamp> {
        self.continued_from
    }

    /// The latest stored run of this seed and rate, by its start.
    fn latest_stored_run(&self, stored: &dyn StoredPositions) -> Option<i64> {
        let prefix = format!("simulate:seed={}:start=", self.config.seed);
        let rate = format!(":rate={}", self.config.rate);
        stored
            .streams_with_prefix(&prefix)
            .into_iter()
            .filter_map(|(name, _)| {
                name.strip_prefix(&prefix)?
                    .strip_suffix(&rate)?
                    .parse::<i64>()
                    .ok()
            })
            .max()
    }

    /// Events of this run the sink already held when it started.
    pub fn resumed_at(&self) -> u64 {
        self.resumed_at
    }

    pub fn seed(&self) -> u64 {
        self.config.seed
    }

    fn finished(&self) -> bool {
        self.span.count.is_some_and(|c| self.produced >= c)
            || self
                .span
                .duration_micros
                .is_some_and(|d| self.sim.elapsed_micros() >= d)
    }
}

impl Source for SimulatorSource {
    fn describe(&self) -> String {
        format!("the simulator (seed {})", self.config.seed)
    }

    fn resume(&mut self, stored: Option<&dyn StoredPositions>) -> anyhow::Result<()> {
        if !self.start_given {
            if let Some(start) = stored.and_then(|s| self.latest_stored_run(s)) {
                self.config.start = crate::event::Timestamp(start);
                self.sim = Simulator::new(&self.config);
                self.stream = stream_name(&self.config);
                self.continued_from = Some(self.config.start);
            }
        }
        let resume = stored
            .and_then(|s| s.resume_offset(&self.stream))
            .unwrap_or(0);
        for _ in 0..resume {
            self.sim.next_into(&mut self.event);
        }
        self.produced = resume;
        self.resumed_at = resume;
        self.pacer.started = Instant::now();
        Ok(())
    }

    fn pull(&mut self, batch: &mut Vec<Record>, max: usize) -> anyhow::Result<Pull> {
        let check = self.pacer.check_every();
        for _ in 0..max.min(PULL_AT_MOST) {
            if self.finished() {
                return Ok(Pull::Ended);
            }
            self.sim.next_into(&mut self.event);
            let mut record = match self.spares.hand_out(self.event.shape()) {
                Some(record) => record,
                None => Record {
                    event: Default::default(),
                    stream: self.stream.clone(),
                    offset: 0,
                    bytes: 0,
                    skipped: false,
                    original: None,
                    fields_text: String::new(),
                    file: None,
                },
            };
            self.event.fill(&mut record.event);
            record.offset = self.produced;
            record.bytes = 160 + self.event.message.len();
            record.skipped = false;
            batch.push(record);
            self.produced += 1;
            if self.pacer.rate.is_some() && self.produced.is_multiple_of(check) {
                // Hand over what is due now, so paced events reach the sink on time.
                self.pacer.wait(self.produced - self.resumed_at);
                return Ok(Pull::More);
            }
        }
        Ok(Pull::More)
    }

    fn durable(&mut self, _ack: &Ack) -> anyhow::Result<()> {
        Ok(())
    }

    fn recycle(&mut self, spent: &mut Vec<Record>) {
        self.spares.take_back(spent);
    }
}

fn stream_name(config: &SimConfig) -> Arc<str> {
    format!(
        "simulate:seed={}:start={}:rate={}",
        config.seed,
        config.start.micros(),
        config.rate
    )
    .into()
}
