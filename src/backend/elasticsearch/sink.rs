//! Elasticsearch or OpenSearch as a pipeline sink: events go in bulk requests under ids
//! derived from their positions, so a replay after a crash finds them already stored
//! instead of storing them twice. Requests are settled on a thread of their own (see
//! `settler`) while the pipeline reads and encodes what comes next; the core is told
//! each unit it handed over is durable only once every item of it is stored, already
//! stored, or refused for good and kept as a dead letter.

use super::settler::{Report, Settler, Work};
use super::EsClient;
use crate::pipeline::metrics::PipelineMetrics;
use crate::pipeline::{DeadLetters, Record, Sink, SinkReport};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

/// How bulk requests are cut: whichever is reached first.
#[derive(Debug, Clone, Copy)]
pub struct BulkLimits {
    /// Bytes of NDJSON (roughly) per request (Elastic suggests 5-15 MB).
    pub bytes: usize,
    pub events: usize,
}

/// What the sink needs besides the client.
pub struct EsSinkOptions {
    pub index_prefix: String,
    pub bulk: BulkLimits,
    /// Where refused events go.
    pub dead_letters: Box<dyn DeadLetters>,
    /// Asked between retries while the cluster does not accept a request.
    pub stop: Box<dyn Fn() -> bool + Send>,
    pub metrics: Option<Arc<PipelineMetrics>>,
}

pub struct EsSink {
    urls: String,
    bulk: BulkLimits,
    buffered: Vec<Record>,
    buffered_bytes: usize,
    work: Option<SyncSender<Work>>,
    reports: Receiver<Report>,
    settler: Option<JoinHandle<Settler>>,
    /// Units handed over and not yet reported.
    unsettled: usize,
    /// Units handed over whose last records are still in `buffered`: they go with the next
    /// chunk, which is sent when full or as soon as the settler has nothing to do (so a
    /// busy cluster gets full requests, an idle one gets the records at once).
    pending_units: usize,
    /// Chunks sent and not yet reported.
    chunks_in_flight: usize,
    /// The settler stopped during an outage (asked to): nothing more is settled.
    stopped: bool,
    dead_letter_place: String,
}

impl EsSink {
    pub fn new(client: EsClient, options: EsSinkOptions) -> anyhow::Result<EsSink> {
        let urls = client.urls().to_string();
        let dead_letter_place = options.dead_letters.place();
        let bulk = BulkLimits {
            bytes: options.bulk.bytes.max(1024),
            events: options.bulk.events.max(1),
        };
        // One request settling while the next is built: the reader is held up only when
        // the cluster is slower than reading, which bounds memory and how far commits lag.
        let (work, to_settle) = sync_channel::<Work>(0);
        let (report, reports) = std::sync::mpsc::channel::<Report>();
        let settler = Settler::new(client, options);
        let settler = std::thread::Builder::new()
            .name("bulk".into())
            .spawn(move || settler.serve(to_settle, report))
            .map_err(|e| anyhow::anyhow!("cannot start the bulk sender: {e}"))?;
        Ok(EsSink {
            urls,
            bulk,
            buffered: Vec::new(),
            buffered_bytes: 0,
            work: Some(work),
            reports,
            settler: Some(settler),
            unsettled: 0,
            pending_units: 0,
            chunks_in_flight: 0,
            stopped: false,
            dead_letter_place,
        })
    }

    fn send(&mut self, work: Work) -> anyhow::Result<()> {
        let sent = match &self.work {
            Some(sender) => sender.send(work).is_ok(),
            None => false,
        };
        if sent {
            return Ok(());
        }
        // The settler has ended: what it reported says why.
        while let Ok(report) = self.reports.recv() {
            if let Report::Failed(e) = report {
                return Err(e);
            }
        }
        self.stopped = true;
        Ok(())
    }

    /// Sends what is buffered (even nothing, when units end there) as one chunk.
    fn send_buffered(&mut self) -> anyhow::Result<()> {
        let records = std::mem::take(&mut self.buffered);
        self.buffered_bytes = 0;
        let units = std::mem::take(&mut self.pending_units);
        self.chunks_in_flight += 1;
        self.send(Work { records, units })
    }

    /// Takes one report; `None` when there is none now (or, waiting, none will come).
    fn next_report(&mut self, wait: bool) -> Option<Report> {
        if wait {
            self.reports.recv().ok()
        } else {
            self.reports.try_recv().ok()
        }
    }
}

impl Sink for EsSink {
    fn describe(&self) -> String {
        format!("Elasticsearch at {}", self.urls)
    }

    fn write(&mut self, batch: &mut Vec<Record>) -> anyhow::Result<()> {
        for record in batch.drain(..).filter(|r| !r.skipped) {
            // Roughly the document (the event as read, with ECS names and `event.ingested`)
            // and its action line.
            self.buffered_bytes += record.bytes.max(record.event.message.len()) + 160;
            self.buffered.push(record);
            if self.buffered_bytes >= self.bulk.bytes || self.buffered.len() >= self.bulk.events {
                self.send_buffered()?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<bool> {
        self.hand_over()?;
        // Waiting, `settled` returns once every unit is settled or the settler stopped.
        self.settled(true)?;
        Ok(!self.stopped)
    }

    fn settles_in_background(&self) -> bool {
        true
    }

    fn hand_over(&mut self) -> anyhow::Result<()> {
        self.unsettled += 1;
        self.pending_units += 1;
        if self.chunks_in_flight == 0 {
            self.send_buffered()?;
        }
        Ok(())
    }

    fn settled(&mut self, wait: bool) -> anyhow::Result<usize> {
        let mut settled = 0;
        while self.unsettled > 0 && !self.stopped {
            if self.chunks_in_flight == 0 && self.pending_units > 0 {
                self.send_buffered()?;
                continue;
            }
            match self.next_report(wait) {
                Some(Report::Settled { units }) => {
                    self.chunks_in_flight -= 1;
                    self.unsettled -= units;
                    settled += units;
                }
                Some(Report::Failed(e)) => return Err(e),
                Some(Report::Stopped) => self.stopped = true,
                None if wait => self.stopped = true,
                None => break,
            }
        }
        Ok(settled)
    }

    fn close(mut self: Box<Self>) -> anyhow::Result<SinkReport> {
        self.work = None;
        let settler = self
            .settler
            .take()
            .and_then(|thread| thread.join().ok())
            .ok_or_else(|| anyhow::anyhow!("the bulk sender stopped unexpectedly"))?;
        // An error the pipeline has not collected yet.
        while let Ok(report) = self.reports.try_recv() {
            if let Report::Failed(e) = report {
                return Err(e);
            }
        }
        if !self.stopped {
            // What this run stored is searchable when it ends, so a `query` right after
            // it sees everything.
            settler.refresh()?;
        }
        let counts = settler.counts();
        Ok(SinkReport {
            stored: counts.stored,
            already_stored: counts.already_stored,
            rejected: counts.rejected,
            rejected_to: (counts.rejected > 0).then(|| self.dead_letter_place.clone()),
        })
    }
}
