//! The simulator as a pipeline source. Its stream is named after the seed, start and
//! rate, and its positions are sequence numbers: the generator is deterministic, so a
//! resumed run regenerates (without storing) what the sink already holds and goes on.

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
}

/// Records handed out per pull, fewer than the core allows: the events of a smaller batch
/// (and the spares they are filled from) stay in the cache; 1,024 was a tenth slower.
const PULL_AT_MOST: usize = 128;

impl SimulatorSource {
    /// `pace`: events per second of wall-clock time, `None` as fast as possible.
    pub fn new(config: SimConfig, pace: Option<f64>, span: Span) -> SimulatorSource {
        let stream: Arc<str> = format!(
            "simulate:seed={}:start={}:rate={}",
            config.seed,
            config.start.micros(),
            config.rate
        )
        .into();
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
        }
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
