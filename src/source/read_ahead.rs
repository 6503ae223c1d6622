//! Standard input read, its format detected and its lines decoded on a thread of its own,
//! a few reads ahead of the sink. A read from a quiet pipe blocks until the writer writes
//! again; on the pipeline's thread that held back what was read before it (a sink flushes
//! on the pipeline's clock) and a request to stop. Files are read on the pipeline's thread: handing each record from one
//! thread to another cost more CPU than decoding on a second core saved (BENCHMARKS.md).

use super::lane::{Decoding, Lane, Out};
use crate::pipeline::{Pull, Record};
use anyhow::Context;
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;

/// How many reads (of `READ_BUDGET` each) may wait for the sink: enough that neither side
/// waits on the other's hiccups, few enough to hold little memory.
const READS_AHEAD: usize = 2;
/// How long a pull waits for the next read before letting the pipeline look at its clock.
const WAIT_FOR_A_READ: std::time::Duration = std::time::Duration::from_millis(50);

pub struct ReadAhead {
    records: Receiver<anyhow::Result<Vec<Record>>>,
    spent: SyncSender<Vec<Record>>,
    counts: Arc<Counts>,
    reader: Option<JoinHandle<()>>,
}

/// What the reading thread has done so far, for the summary.
#[derive(Default)]
struct Counts {
    lines: AtomicU64,
    unmatched: AtomicU64,
    blank: AtomicU64,
    /// The format detected from the first lines, once they came.
    format: OnceLock<String>,
}

impl ReadAhead {
    /// Starts reading standard input (`input`) to its end. Its format is detected on the
    /// reading thread too: waiting for a quiet pipe's first bytes must not keep the
    /// pipeline from its clock (Ctrl-C went unheard until the writer wrote).
    pub fn start(
        input: Box<dyn Read + Send>,
        decoding: Decoding,
        read_budget: usize,
        max_spares: usize,
    ) -> anyhow::Result<ReadAhead> {
        let (send, records) = sync_channel(READS_AHEAD);
        let (spent, spares) = sync_channel(READS_AHEAD + 1);
        let counts = Arc::new(Counts::default());
        let reader = Reader {
            decoding,
            budget: read_budget,
            max_spares,
            send,
            spares,
            counts: counts.clone(),
        };
        let reader = std::thread::Builder::new()
            .name("read".into())
            .spawn(move || reader.read_all(input))
            .context("cannot start the thread that reads the input")?;
        Ok(ReadAhead {
            records,
            spent,
            counts,
            reader: Some(reader),
        })
    }

    /// Appends the records of the next read to `batch`, waiting a moment for it: `Waited`
    /// when none came (a quiet pipe), so the pipeline still flushes what it holds on its
    /// clock and sees a request to stop.
    pub fn pull(&mut self, batch: &mut Vec<Record>) -> anyhow::Result<Pull> {
        match self.records.recv_timeout(WAIT_FOR_A_READ) {
            Ok(read) => {
                batch.append(&mut read?);
                Ok(Pull::More)
            }
            Err(RecvTimeoutError::Timeout) => Ok(Pull::Waited),
            Err(RecvTimeoutError::Disconnected) => {
                // The reader hung up: it read everything, unless it died.
                if let Some(reader) = self.reader.take() {
                    if reader.join().is_err() {
                        anyhow::bail!(
                            "reading the input stopped unexpectedly; \
                             what was stored before is kept, run the same command again"
                        );
                    }
                }
                Ok(Pull::Ended)
            }
        }
    }

    /// Hands records the sink has finished with back to the reader, to be filled again.
    pub fn recycle(&mut self, spent: &mut Vec<Record>) {
        let mut back = Vec::with_capacity(spent.len());
        back.append(spent);
        // A reader with enough spares already, or gone, does without these.
        let _ = self.spent.try_send(back);
    }

    pub fn lines(&self) -> u64 {
        self.counts.lines.load(Ordering::Relaxed)
    }

    pub fn unmatched(&self) -> u64 {
        self.counts.unmatched.load(Ordering::Relaxed)
    }

    pub fn blank(&self) -> u64 {
        self.counts.blank.load(Ordering::Relaxed)
    }

    /// The input and the format detected for it.
    pub fn format(&self) -> (String, String) {
        let format = self.counts.format.get().cloned();
        (
            "standard input".into(),
            format.unwrap_or_else(|| "not detected yet".into()),
        )
    }
}

/// The reading thread's side.
struct Reader {
    decoding: Decoding,
    budget: usize,
    max_spares: usize,
    send: SyncSender<anyhow::Result<Vec<Record>>>,
    spares: Receiver<Vec<Record>>,
    counts: Arc<Counts>,
}

impl Reader {
    /// Detects the input's format from its first lines, then reads it to its end; stops
    /// early when the pipeline hung up or a read failed (the error goes to the pipeline).
    fn read_all(self, input: Box<dyn Read + Send>) {
        let mut lane = match Lane::once(None, input, 0, &self.decoding) {
            Ok(lane) => lane,
            Err(e) => {
                let _ = self.send.send(Err(
                    anyhow::Error::new(e).context("cannot read standard input")
                ));
                return;
            }
        };
        if let Some(decoder) = lane.decoder() {
            let _ = self.counts.format.set(decoder.format.describe());
        }
        let mut spares = Vec::new();
        while !lane.ended() {
            while let Ok(mut back) = self.spares.try_recv() {
                crate::pipeline::keep_spares(&mut spares, &mut back, self.max_spares);
            }
            let mut records = Vec::new();
            let read = lane
                .read_once(
                    self.budget,
                    &self.decoding,
                    &mut Out {
                        records: &mut records,
                        spares: &mut spares,
                    },
                )
                .context("cannot read standard input");
            self.counts.lines.store(lane.lines(), Ordering::Relaxed);
            self.counts
                .unmatched
                .store(lane.unmatched(), Ordering::Relaxed);
            self.counts.blank.store(lane.blank(), Ordering::Relaxed);
            let sent = match read {
                Ok(_) if records.is_empty() => Ok(()),
                Ok(_) => self.send.send(Ok(records)),
                Err(e) => {
                    let _ = self.send.send(Err(e));
                    return;
                }
            };
            if sent.is_err() {
                return;
            }
        }
    }
}
