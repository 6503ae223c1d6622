//! The loop itself: pull a batch, write it, flush when a limit is reached, tell the source
//! what is durable, and on the way out flush once more before the source is told.

use super::{Pull, Record, Sink, SinkReport, Source};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// When a batch is flushed: whichever limit is reached first.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub events: usize,
    pub bytes: usize,
    pub interval: Duration,
    /// How long an idle source is left alone before it is asked again.
    pub poll: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            events: 100_000,
            bytes: 32 * 1024 * 1024,
            interval: Duration::from_secs(1),
            poll: Duration::from_millis(100),
        }
    }
}

/// How progress is shown on a terminal.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Events expected in all, when known (`simulate --count`).
    pub total: Option<u64>,
}

/// What a run did.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub read: u64,
    pub unmatched: u64,
    pub sink: SinkReport,
    pub seconds: f64,
    /// Set when the run stopped because it was asked to.
    pub interrupted: bool,
}

/// Pull up to this many records at a time: large enough to amortise the calls, small
/// enough that a slow source's first events reach the sink quickly.
const PULL: usize = 4096;

pub fn run(
    source: &mut dyn Source,
    mut sink: Box<dyn Sink + '_>,
    limits: Limits,
    progress: Progress,
    stop: &dyn Fn() -> bool,
) -> anyhow::Result<Summary> {
    source.resume(sink.stored_positions())?;
    let bar = progress_bar(progress.total);
    let started = Instant::now();
    let periodic = sink.flush_makes_visible() || source.needs_acks();
    let mut batch: Vec<Record> = Vec::with_capacity(PULL);
    let mut summary = Summary::default();
    let mut unflushed_events = 0usize;
    let mut unflushed_bytes = 0usize;
    let mut last_flush = Instant::now();
    loop {
        if stop() {
            summary.interrupted = true;
            break;
        }
        let pull = source.pull(&mut batch, PULL)?;
        if !batch.is_empty() {
            summary.read += batch.len() as u64;
            unflushed_events += batch.len();
            unflushed_bytes += batch.iter().map(|r| r.bytes).sum::<usize>();
            sink.write(&mut batch)?;
            batch.clear();
            bar.set_position(summary.read);
        }
        // A sink that needs no flush to show its events, fed by a source that keeps no
        // checkpoint (the simulator into Kafka), is flushed only at the end: a flush there
        // waits for every delivery, which would stall the stream for nothing.
        let full = unflushed_events >= limits.events || unflushed_bytes >= limits.bytes;
        let due = last_flush.elapsed() >= limits.interval;
        if periodic && unflushed_events > 0 && (full || due) {
            if sink.flush()? {
                source.durable()?;
                unflushed_events = 0;
                unflushed_bytes = 0;
            }
            last_flush = Instant::now();
        }
        match pull {
            Pull::More => {}
            Pull::Idle => std::thread::sleep(limits.poll),
            Pull::Ended => break,
        }
    }
    bar.set_message("flushing");
    if sink.flush()? {
        source.durable()?;
    }
    bar.finish_and_clear();
    summary.unmatched = source.unmatched();
    summary.sink = sink.close()?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn progress_bar(total: Option<u64>) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let (bar, template) = match total {
        Some(n) => (
            indicatif::ProgressBar::new(n),
            "{spinner} {pos}/{len} events {per_sec} {wide_bar} {eta}",
        ),
        None => (
            indicatif::ProgressBar::new_spinner(),
            "{spinner} {pos} events, {per_sec} (Ctrl-C stops after a final flush)",
        ),
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
