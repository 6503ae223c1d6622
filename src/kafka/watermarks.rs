//! High watermarks of a topic's partitions, kept fresh by a thread of its own.

use super::client_config;
use super::Cluster;
use crate::pipeline::metrics::PipelineMetrics;
use rdkafka::consumer::{BaseConsumer, Consumer};
use std::collections::BTreeMap;
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often the watermarks are asked for.
const EVERY: Duration = Duration::from_secs(2);

/// Keeps the partitions' high watermarks fresh from a thread of its own, because asking
/// the broker can take a while and must never stall consumption.
pub struct WatermarkWatch {
    highs: Arc<Mutex<BTreeMap<i32, i64>>>,
    /// Dropped to stop the thread: it wakes at once instead of finishing a nap.
    stop: Option<Sender<()>>,
    /// Joined when the watch is dropped: its client must be gone before the process exits
    /// (a TLS client still asking a broker while the process's exit handlers tear OpenSSL
    /// down can crash it after it has said its last line).
    thread: Option<std::thread::JoinHandle<()>>,
}

impl WatermarkWatch {
    pub fn start(cluster: &Cluster, topic: &str, partitions: &[i32]) -> Option<WatermarkWatch> {
        let client: BaseConsumer = client_config(cluster).create().ok()?;
        let highs = Arc::new(Mutex::new(BTreeMap::new()));
        let (stop, stopped) = channel::<()>();
        let (topic, partitions) = (topic.to_string(), partitions.to_vec());
        let shared = highs.clone();
        let thread = std::thread::Builder::new()
            .name("watermarks".into())
            .spawn(move || loop {
                for &partition in &partitions {
                    if let Ok((_, high)) =
                        client.fetch_watermarks(&topic, partition, Duration::from_secs(2))
                    {
                        if let Ok(mut map) = shared.lock() {
                            map.insert(partition, high);
                        }
                    }
                }
                match stopped.recv_timeout(EVERY) {
                    Err(RecvTimeoutError::Timeout) => {}
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                }
            })
            .ok()?;
        Some(WatermarkWatch {
            highs,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The latest high watermark of each partition seen so far.
    pub fn highs(&self) -> BTreeMap<i32, i64> {
        self.highs.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Lag per partition: the latest high watermark minus the next offset to read.
    pub fn report_lag(&self, topic: &str, next: &BTreeMap<i32, i64>, metrics: &PipelineMetrics) {
        for (partition, high) in self.highs() {
            metrics.set_lag(
                topic,
                partition,
                high - next.get(&partition).copied().unwrap_or(0),
            );
        }
    }
}

impl Drop for WatermarkWatch {
    fn drop(&mut self) {
        drop(self.stop.take());
        // At most one watermark request (2 s) away.
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
