//! The loop itself: pull a batch, write it, flush when a limit is reached, tell the source
//! what is durable, and on the way out flush once more before the source is told.

use super::metrics::PipelineMetrics;
use super::{Ack, Pull, Record, Sink, SinkReport, Source};
use std::collections::VecDeque;
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
    /// Events counted by where their time came from (`TimeFrom::code` order).
    pub time_from: [u64; crate::event::TimeFrom::ALL.len()],
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
    // A filter reads the events' fields here, before the sink.
    if sink.reads_fields_text() && options.filter.is_none() {
        source.leave_fields_text();
    }
    if sink.keeps_file_paths() && options.filter.is_none() {
        source.leave_file_paths();
    }
    source.resume(sink.stored_positions())?;
    let starts = source.take_starts();
    if !starts.is_empty() {
        sink.begin_streams(&starts)?;
    }
    let bar = if options.hidden || sink.writes_to_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        progress_bar(options.total)
    };
    let started = Instant::now();
    let periodic = sink.flush_makes_visible() || source.needs_acks();
    let mut acks = Acknowledgements::new(sink.as_ref(), options.metrics.clone());
    let mut batch: Vec<Record> = Vec::with_capacity(PULL);
    let mut summary = Summary::default();
    let mut last_flush = Instant::now();
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
            for record in batch.iter() {
                summary.time_from[usize::from(record.event.time_from.code())] += 1;
            }
            acks.written(&batch);
            sink.write(&mut batch)?;
            source.recycle(&mut batch);
            batch.clear();
            bar.set_position(summary.read);
        }
        // A sink that needs no flush to show its events, fed by a source that keeps no
        // checkpoint (the simulator into Kafka), is flushed only at the end: a flush there
        // waits for every delivery, which would stall the stream for nothing.
        let settle = source.must_settle();
        let due = acks.full(&limits)
            || last_flush.elapsed() >= limits.interval
            || (acks.unflushed_events > 0 && (settle || source.wants_flush()));
        if periodic && acks.unflushed_events > 0 && due {
            acks.flush(sink.as_mut(), source)?;
            last_flush = Instant::now();
        }
        acks.collect(sink.as_mut(), source, settle)?;
        match pull {
            Pull::More | Pull::Waited => {}
            Pull::Idle => std::thread::sleep(limits.poll),
            Pull::Ended => break,
        }
    }
    bar.set_message("flushing");
    acks.flush(sink.as_mut(), source)?;
    acks.collect(sink.as_mut(), source, true)?;
    bar.finish_and_clear();
    summary.unmatched = source.unmatched();
    summary.sink = sink.close()?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// What has been written and not yet acknowledged, and the acknowledging itself: a sink
/// that flushes in step is acknowledged as its flush returns; one that settles in the
/// background as each unit it was handed is reported settled, in order.
struct Acknowledgements {
    background: bool,
    unflushed_events: usize,
    unflushed_bytes: usize,
    /// Marks taken since the last acknowledgement of a sink that flushes in step (more
    /// than one when a flush found the sink not ready).
    marks: usize,
    /// Units handed to a background sink and not yet settled: records and when handed.
    in_flight: VecDeque<(usize, Instant)>,
    metrics: Option<Arc<PipelineMetrics>>,
}

impl Acknowledgements {
    fn new(sink: &dyn Sink, metrics: Option<Arc<PipelineMetrics>>) -> Acknowledgements {
        Acknowledgements {
            background: sink.settles_in_background(),
            unflushed_events: 0,
            unflushed_bytes: 0,
            marks: 0,
            in_flight: VecDeque::new(),
            metrics,
        }
    }

    fn written(&mut self, batch: &[Record]) {
        self.unflushed_events += batch.len();
        self.unflushed_bytes += batch.iter().map(|r| r.bytes).sum::<usize>();
    }

    fn full(&self, limits: &Limits) -> bool {
        self.unflushed_events >= limits.events || self.unflushed_bytes >= limits.bytes
    }

    /// Makes what was written durable (in step), or hands it over (in the background).
    fn flush(&mut self, sink: &mut dyn Sink, source: &mut dyn Source) -> anyhow::Result<()> {
        let started = Instant::now();
        source.mark();
        let records = std::mem::take(&mut self.unflushed_events);
        self.unflushed_bytes = 0;
        if self.background {
            sink.hand_over()?;
            self.in_flight.push_back((records, started));
            return Ok(());
        }
        self.marks += 1;
        if !sink.flush()? {
            // Not durable yet: counted again with the next flush, which covers this mark.
            self.unflushed_events += records;
            return Ok(());
        }
        let marks = std::mem::take(&mut self.marks);
        self.acknowledge(source, records, marks, started)
    }

    /// Tells the source about units the background sink has settled; with `wait`, until
    /// every unit is (or the sink stopped).
    fn collect(
        &mut self,
        sink: &mut dyn Sink,
        source: &mut dyn Source,
        wait: bool,
    ) -> anyhow::Result<()> {
        if self.in_flight.is_empty() {
            return Ok(());
        }
        for _ in 0..sink.settled(wait)? {
            if let Some((records, started)) = self.in_flight.pop_front() {
                self.acknowledge(source, records, 1, started)?;
            }
        }
        Ok(())
    }

    fn acknowledge(
        &self,
        source: &mut dyn Source,
        records: usize,
        marks: usize,
        started: Instant,
    ) -> anyhow::Result<()> {
        let ack = Ack {
            records: records as u64,
            marks,
            flush_seconds: started.elapsed().as_secs_f64(),
        };
        if let Some(metrics) = &self.metrics {
            metrics.count_durable(&ack);
        }
        source.durable(&ack)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::StoredPositions;
    use std::collections::VecDeque;

    /// Hands out `total` records, `per_pull` at a time, and checkpoints the point of each
    /// mark it is told is durable.
    struct Counting {
        total: u64,
        per_pull: u64,
        pulled: u64,
        marks: VecDeque<u64>,
        checkpoints: Vec<u64>,
    }

    impl Counting {
        fn new(total: u64, per_pull: u64) -> Counting {
            Counting {
                total,
                per_pull,
                pulled: 0,
                marks: VecDeque::new(),
                checkpoints: Vec::new(),
            }
        }
    }

    impl Source for Counting {
        fn describe(&self) -> String {
            "counting".into()
        }
        fn resume(&mut self, _: Option<&dyn StoredPositions>) -> anyhow::Result<()> {
            Ok(())
        }
        fn pull(&mut self, batch: &mut Vec<Record>, _max: usize) -> anyhow::Result<Pull> {
            if self.pulled == self.total {
                return Ok(Pull::Ended);
            }
            let stream: Arc<str> = Arc::from("counting");
            for _ in 0..self.per_pull.min(self.total - self.pulled) {
                batch.push(Record {
                    event: Box::default(),
                    stream: stream.clone(),
                    offset: self.pulled,
                    bytes: 10,
                    skipped: false,
                    original: None,
                    fields_text: String::new(),
                    file: None,
                });
                self.pulled += 1;
            }
            Ok(Pull::More)
        }
        fn mark(&mut self) {
            self.marks.push_back(self.pulled);
        }
        fn durable(&mut self, ack: &Ack) -> anyhow::Result<()> {
            let covered = ack.marks.min(self.marks.len());
            if let Some(point) = self.marks.drain(..covered).next_back() {
                self.checkpoints.push(point);
            }
            Ok(())
        }
        fn needs_acks(&self) -> bool {
            true
        }
    }

    /// Counts like `Counting`, but once `at` records are pulled asks for everything pulled
    /// to be settled, and checks at the next pull that it was (a group member handing
    /// partitions back).
    struct Settling {
        inner: Counting,
        at: u64,
        waiting: bool,
        settled_at: Option<u64>,
    }

    impl Source for Settling {
        fn describe(&self) -> String {
            "settling".into()
        }
        fn resume(&mut self, stored: Option<&dyn StoredPositions>) -> anyhow::Result<()> {
            self.inner.resume(stored)
        }
        fn pull(&mut self, batch: &mut Vec<Record>, max: usize) -> anyhow::Result<Pull> {
            if self.waiting {
                assert!(self.inner.marks.is_empty(), "marks left unsettled");
                assert_eq!(self.inner.checkpoints.last(), Some(&self.inner.pulled));
                self.settled_at = Some(self.inner.pulled);
                self.waiting = false;
            }
            let pulled = self.inner.pull(batch, max);
            if self.inner.pulled == self.at && self.settled_at.is_none() {
                self.waiting = true;
            }
            pulled
        }
        fn mark(&mut self) {
            self.inner.mark()
        }
        fn must_settle(&mut self) -> bool {
            self.waiting
        }
        fn durable(&mut self, ack: &Ack) -> anyhow::Result<()> {
            self.inner.durable(ack)
        }
        fn needs_acks(&self) -> bool {
            true
        }
    }

    /// Settles in the background: each unit handed over becomes durable only after the
    /// core has asked `lag` more times. Records how many records each unit held.
    struct Lagging {
        lag: usize,
        written: u64,
        units: VecDeque<(u64, usize)>,
        durable: u64,
    }

    impl Sink for Lagging {
        fn describe(&self) -> String {
            "lagging".into()
        }
        fn write(&mut self, batch: &mut Vec<Record>) -> anyhow::Result<()> {
            self.written += batch.len() as u64;
            batch.clear();
            Ok(())
        }
        fn flush(&mut self) -> anyhow::Result<bool> {
            anyhow::bail!("a background sink is never flushed in step")
        }
        fn settles_in_background(&self) -> bool {
            true
        }
        fn hand_over(&mut self) -> anyhow::Result<()> {
            self.units.push_back((self.written, self.lag));
            Ok(())
        }
        fn settled(&mut self, wait: bool) -> anyhow::Result<usize> {
            let mut n = 0;
            while let Some((upto, left)) = self.units.front_mut() {
                if *left > 0 && !wait {
                    *left -= 1;
                    break;
                }
                self.durable = *upto;
                self.units.pop_front();
                n += 1;
            }
            Ok(n)
        }
        fn close(self: Box<Self>) -> anyhow::Result<SinkReport> {
            Ok(SinkReport {
                stored: self.durable,
                ..SinkReport::default()
            })
        }
    }

    /// Flushes in step, but says "not yet" to every other flush.
    struct Reluctant {
        refuse: bool,
        written: u64,
    }

    impl Sink for Reluctant {
        fn describe(&self) -> String {
            "reluctant".into()
        }
        fn write(&mut self, batch: &mut Vec<Record>) -> anyhow::Result<()> {
            self.written += batch.len() as u64;
            batch.clear();
            Ok(())
        }
        fn flush(&mut self) -> anyhow::Result<bool> {
            self.refuse = !self.refuse;
            Ok(!self.refuse)
        }
        fn close(self: Box<Self>) -> anyhow::Result<SinkReport> {
            Ok(SinkReport {
                stored: self.written,
                ..SinkReport::default()
            })
        }
    }

    fn every_pull() -> Limits {
        Limits {
            events: 1,
            poll: Duration::ZERO,
            ..Limits::default()
        }
    }

    #[test]
    fn a_background_sink_acknowledges_each_unit_at_its_own_mark_in_order() {
        let mut source = Counting::new(50, 7);
        let sink = Box::new(Lagging {
            lag: 3,
            written: 0,
            units: VecDeque::new(),
            durable: 0,
        });
        let summary = run(
            &mut source,
            sink,
            every_pull(),
            RunOptions::default(),
            &|| false,
        )
        .unwrap();
        assert_eq!(summary.read, 50);
        assert_eq!(summary.sink.stored, 50, "every unit settled by the end");
        // Units were handed over at 7, 14, ... while reading went on: each checkpoint is
        // exactly the point of one mark, never what was read after it.
        assert_eq!(
            source.checkpoints,
            [7, 14, 21, 28, 35, 42, 49, 50, 50],
            "one checkpoint per unit, in order, at its own mark"
        );
        assert!(source.marks.is_empty());
    }

    #[test]
    fn a_source_that_must_settle_reads_on_only_after_everything_pulled_is_durable() {
        let mut source = Settling {
            inner: Counting::new(50, 7),
            at: 21,
            waiting: false,
            settled_at: None,
        };
        let sink = Box::new(Lagging {
            lag: 3,
            written: 0,
            units: VecDeque::new(),
            durable: 0,
        });
        // Flushing on the clock only: without the request, nothing would be durable at 21.
        let limits = Limits {
            poll: Duration::ZERO,
            ..Limits::default()
        };
        let summary = run(&mut source, sink, limits, RunOptions::default(), &|| false).unwrap();
        assert_eq!(source.settled_at, Some(21));
        assert_eq!(summary.sink.stored, 50);
        assert_eq!(source.inner.checkpoints, [21, 50]);
    }

    #[test]
    fn a_flush_that_is_not_ready_is_covered_by_the_next_one() {
        let mut source = Counting::new(20, 5);
        let sink = Box::new(Reluctant {
            refuse: false,
            written: 0,
        });
        run(
            &mut source,
            sink,
            every_pull(),
            RunOptions::default(),
            &|| false,
        )
        .unwrap();
        // Flushes at 5 (refused), 10 (durable: covers both marks), 15 (refused), 20
        // (durable), and the final one at the end (refused: nothing more to say).
        assert_eq!(source.checkpoints, [10, 20]);
    }
}
