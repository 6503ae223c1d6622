//! The loop itself: pull a batch, write it, flush when a limit is reached, tell the source
//! what is durable, and on the way out flush once more before the source is told.

use super::metrics::PipelineMetrics;
use super::{Ack, Pull, Record, Sink, SinkReport, Source};
use std::io::IsTerminal;
use std::sync::Arc;
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
    /// Flushes on the clock only. The embedded store buffers in its own bounded heap, and
    /// every extra commit is one more segment to merge later: counting limits would only
    /// add commits.
    fn default() -> Self {
        Limits {
            events: usize::MAX,
            bytes: usize::MAX,
            interval: Duration::from_secs(1),
            poll: Duration::from_millis(100),
        }
    }
}

/// What a run shows and passes on besides its limits.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Events expected in all, when known (`simulate --count`).
    pub total: Option<u64>,
    /// No bar at all: the terminal belongs to something else (the dashboard).
    pub hidden: bool,
    /// Only events matching this query are written; the rest are passed over (their
    /// positions still move on, so they are not read again).
    pub filter: Option<crate::query::Query>,
    /// Where to count what is read and made durable (served by `--metrics-addr`).
    pub metrics: Option<Arc<PipelineMetrics>>,
}

/// What a run did.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub read: u64,
    pub unmatched: u64,
    pub sink: SinkReport,
    pub seconds: f64,
    /// Records the filter passed over.
    pub filtered_out: u64,
    /// Set when the run stopped because it was asked to.
    pub interrupted: bool,
}

/// Pull up to this many records at a time: large enough to amortise the calls, small
/// enough that a slow source's first events reach the sink quickly.
const PULL: usize = 1024;

pub fn run(
    source: &mut dyn Source,
    mut sink: Box<dyn Sink + '_>,
    limits: Limits,
    options: RunOptions,
    stop: &dyn Fn() -> bool,
) -> anyhow::Result<Summary> {
    source.resume(sink.stored_positions())?;
    let bar = if options.hidden || sink.writes_to_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        progress_bar(options.total)
    };
    let started = Instant::now();
    let periodic = sink.flush_makes_visible() || source.needs_acks();
    let mut batch: Vec<Record> = Vec::with_capacity(PULL);
    let mut summary = Summary::default();
    let mut unflushed_events = 0usize;
    let mut unflushed_bytes = 0usize;
    let mut last_flush = Instant::now();
    let metrics = options.metrics.as_deref();
    loop {
        if stop() {
            summary.interrupted = true;
            break;
        }
        let pull = source.pull(&mut batch, PULL)?;
        if !batch.is_empty() {
            if let Some(metrics) = &options.metrics {
                metrics.count_read(&batch);
            }
            if let Some(filter) = &options.filter {
                for record in batch.iter_mut().filter(|r| !r.skipped) {
                    if !crate::query::matches(filter, &record.event) {
                        record.skipped = true;
                        summary.filtered_out += 1;
                    }
                }
            }
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
            if flush(sink.as_mut(), source, unflushed_events, metrics)? {
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
    flush(sink.as_mut(), source, unflushed_events, metrics)?;
    bar.finish_and_clear();
    summary.unmatched = source.unmatched();
    summary.sink = sink.close()?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Flushes the sink and, once it says everything is durable, tells the source.
fn flush(
    sink: &mut dyn Sink,
    source: &mut dyn Source,
    records: usize,
    metrics: Option<&PipelineMetrics>,
) -> anyhow::Result<bool> {
    let started = Instant::now();
    if !sink.flush()? {
        return Ok(false);
    }
    let ack = Ack {
        records: records as u64,
        flush_seconds: started.elapsed().as_secs_f64(),
    };
    if let Some(metrics) = metrics {
        metrics.count_durable(&ack);
    }
    source.durable(&ack)?;
    Ok(true)
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
