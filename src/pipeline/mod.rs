//! The one pipeline core every (source, sink) pair runs on: read -> decode -> batch ->
//! write -> acknowledge -> checkpoint.
//!
//! A source hands out decoded events with their positions; a sink writes them and says
//! when they are durable; only then is the source told, so it can save its checkpoint.
//! Neither knows the other: the embedded store keeps positions inside its own commit (and
//! offers them back for an exactly-once resume), Elasticsearch gets ids derived from
//! positions, Kafka an idempotent producer, standard output a flush.

mod core_loop;
mod dead_letters;
pub mod metrics;
mod stdout;

pub use core_loop::{run, Limits, RunOptions, Summary};
pub use dead_letters::{DeadLetterFile, DeadLetters};
pub use stdout::StdoutSink;

use crate::event::LogEvent;
use std::sync::Arc;

/// One event and where it came from.
#[derive(Debug, Clone)]
pub struct Record {
    pub event: Box<LogEvent>,
    /// Stable name of the stream: `logs/3`, `file:/var/log/app.log@2049:1312`, `simulate:...`.
    pub stream: Arc<str>,
    /// Position of the event inside its stream; resuming after it starts at `offset + 1`.
    pub offset: u64,
    /// Size of the event as read, for batching by bytes.
    pub bytes: usize,
    /// Not for the sink: the source sent it to its dead-letter destination (over a size
    /// limit), or the filter passed over it. A sink that keeps positions moves past it
    /// without storing it; the others ignore it.
    pub skipped: bool,
    /// The message exactly as it arrived, kept only where a refused event's dead letter
    /// must hold it (Kafka into Elasticsearch: a replay sends the original back).
    pub original: Option<Box<Original>>,
    /// The event's `fields` object as its line wrote it, left unread for a sink that reads
    /// it itself (`Sink::reads_fields_text`); `event.fields` is then empty. Empty when the
    /// fields are in the event.
    pub fields_text: String,
    /// The file the event was read from, left for a sink that stores it itself
    /// (`Sink::keeps_file_paths`); otherwise a file's path is in the event's fields.
    pub file: Option<Arc<crate::event::FilePathField>>,
}

/// A message's own bytes and key, as its source received them.
#[derive(Debug, Clone)]
pub struct Original {
    pub key: Option<Vec<u8>>,
    pub payload: Vec<u8>,
}

/// Streams named with this prefix are read once and never resumed (standard input, named
/// anew by each run): sinks that keep positions keep none of theirs, or every run would
/// add one for good.
pub const READ_ONCE: &str = "once:";

impl Record {
    /// Whether a sink that keeps positions should keep this record's.
    pub fn resumable(&self) -> bool {
        !self.stream.starts_with(READ_ONCE)
    }

    pub fn position(&self) -> crate::event::Position<'_> {
        crate::event::Position {
            stream: &self.stream,
            offset: self.offset,
        }
    }
}

/// Keeps records a sink has finished with, to be filled again, up to `max` of them in all;
/// the rest are dropped and `spent` is left empty.
pub fn keep_spares(spares: &mut Vec<Record>, spent: &mut Vec<Record>, max: usize) {
    let room = max.saturating_sub(spares.len());
    spares.extend(spent.drain(..spent.len().min(room)));
    spent.clear();
}

/// What a `pull` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pull {
    /// Records were added and more may follow at once.
    More,
    /// Nothing is available now; the core waits a moment before asking again.
    Idle,
    /// Nothing arrived while the source itself waited for it: asked again at once (a
    /// second wait in the core would only delay what arrives next).
    Waited,
    /// The source has nothing more, ever.
    Ended,
}

/// Positions a sink has made durable, offered back so a source resumes exactly after them.
pub trait StoredPositions {
    /// The offset to resume `stream` at, if anything of it is stored.
    fn resume_offset(&self, stream: &str) -> Option<u64>;
    /// Every stored stream whose name starts with `prefix`, with its resume offset.
    fn streams_with_prefix(&self, prefix: &str) -> Vec<(String, u64)>;
}

pub trait Source {
    /// Where the events come from, for the summary line.
    fn describe(&self) -> String;
    /// Called once before reading, with the sink's stored positions when it keeps them.
    fn resume(&mut self, stored: Option<&dyn StoredPositions>) -> anyhow::Result<()>;
    /// Adds up to `max` records to `batch`.
    fn pull(&mut self, batch: &mut Vec<Record>, max: usize) -> anyhow::Result<Pull>;
    /// Notes the point reached so far. Each flush is preceded by one mark, and each
    /// `durable` covers `ack.marks` of them, oldest first: the source checkpoints exactly
    /// the last of those, not everything pulled since (a sink that settles in the
    /// background is acknowledged while later records are already being read).
    fn mark(&mut self) {}
    /// Whether what was pulled should be flushed now rather than on the clock (the source
    /// has reached the end it was asked to stop at).
    fn wants_flush(&mut self) -> bool {
        false
    }
    /// Whether everything pulled must be durable (and acknowledged) before the source can
    /// read on: a group member giving partitions up commits what it read of them first.
    fn must_settle(&mut self) -> bool {
        false
    }
    /// The oldest `ack.marks` marks are durable: checkpoint the last of them.
    fn durable(&mut self, ack: &Ack) -> anyhow::Result<()>;
    /// Takes back the records a sink has finished with (it borrowed them), so a source can
    /// fill them again instead of allocating new events; `spent` must be left empty.
    fn recycle(&mut self, spent: &mut Vec<Record>) {
        spent.clear();
    }
    /// Whether this source saves checkpoints, so the core must confirm durability on a
    /// clock rather than only at the end.
    fn needs_acks(&self) -> bool {
        false
    }
    /// Asked before `resume` when the sink reads `fields` objects itself: a source that
    /// can may then leave them as their lines wrote them (`Record::fields_text`).
    fn leave_fields_text(&mut self) {}
    /// Asked before `resume` when the sink stores `Record::file` itself: a source that
    /// reads files may then leave the path out of each event.
    fn leave_file_paths(&mut self) {}
    /// After `resume`: the streams this run begins that the sink's positions did not know
    /// (a followed file met for the first time). Recorded at once, a rotation while the
    /// run is down before its first commit finds the file again among the rotated ones.
    fn take_starts(&mut self) -> Vec<String> {
        Vec::new()
    }
    /// Lines that no format matched (kept, flagged), for the summary.
    fn unmatched(&self) -> u64 {
        0
    }
}

pub trait Sink {
    /// Where the events go, for the summary line.
    fn describe(&self) -> String;
    /// The positions this sink stores with the events (the embedded store), if any.
    fn stored_positions(&self) -> Option<&dyn StoredPositions> {
        None
    }
    /// Writes the records; they are durable after `flush`. A sink that keeps records takes
    /// them out of `batch`; what it leaves there goes back to the source to be reused.
    fn write(&mut self, batch: &mut Vec<Record>) -> anyhow::Result<()>;
    /// Makes everything written durable. `Ok(false)`: not yet (an outage); the records
    /// stay with the sink and the next flush tries again.
    fn flush(&mut self) -> anyhow::Result<bool>;
    /// Whether the sink settles on a thread of its own: the core then calls `hand_over`
    /// instead of `flush` and goes on reading while the cluster indexes.
    fn settles_in_background(&self) -> bool {
        false
    }
    /// Hands everything written since the last hand-over to the background as one unit
    /// (waiting only while the thread has not taken the previous one).
    fn hand_over(&mut self) -> anyhow::Result<()> {
        anyhow::bail!("{} does not settle in the background", self.describe())
    }
    /// How many more units, in the order handed over, are durable now. With `wait`, blocks
    /// until every unit handed over is, unless the sink stopped (asked to, during an
    /// outage): the units left unsettled are then never reported.
    fn settled(&mut self, _wait: bool) -> anyhow::Result<usize> {
        Ok(0)
    }
    /// Whether readers see events only after a flush, so the core flushes on a clock.
    fn flush_makes_visible(&self) -> bool {
        true
    }
    /// Whether the sink reads a record's `fields_text` itself, so that the source may leave
    /// the `fields` of its events unread (the store reads them on its sealing thread, off
    /// the thread that decodes).
    fn reads_fields_text(&self) -> bool {
        false
    }
    /// Whether the sink stores `Record::file` itself, so that the source may leave a
    /// file's path out of each event's fields (the store keeps it once per block).
    fn keeps_file_paths(&self) -> bool {
        false
    }
    /// Makes durable, before anything is read, that `streams` begin with nothing of them
    /// read (see `Source::take_starts`). A sink that keeps no positions ignores it.
    fn begin_streams(&mut self, _streams: &[String]) -> anyhow::Result<()> {
        Ok(())
    }
    /// Whether events go to the terminal (standard output), so no progress bar may share it.
    fn writes_to_terminal(&self) -> bool {
        false
    }
    /// Final flush and release; returns the sink's own account of what it did.
    fn close(self: Box<Self>) -> anyhow::Result<SinkReport>;
}

/// What a flush made durable, as the source is told.
#[derive(Debug, Default, Clone, Copy)]
pub struct Ack {
    /// Records written since the previous acknowledgement.
    pub records: u64,
    /// Marks (see `Source::mark`) this acknowledgement covers.
    pub marks: usize,
    /// How long the flush took.
    pub flush_seconds: f64,
}

/// What a sink reports when it closes.
#[derive(Debug, Default, Clone)]
pub struct SinkReport {
    /// Events made durable by this run.
    pub stored: u64,
    /// Events found already stored (a replay after a restart): not duplicated.
    pub already_stored: u64,
    /// Events the sink refused, and where they were put instead.
    pub rejected: u64,
    pub rejected_to: Option<String>,
}
