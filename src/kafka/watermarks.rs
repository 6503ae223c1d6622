//! High watermarks of a topic's partitions, kept fresh by a thread of its own.

use super::client_config;
use super::Cluster;
use crate::pipeline::metrics::PipelineMetrics;
use rdkafka::consumer::{BaseConsumer, Consumer};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Keeps the partitions' high watermarks fresh from a thread of its own, because asking
/// the broker can take a while and must never stall consumption.
pub struct WatermarkWatch {
    highs: Arc<Mutex<BTreeMap<i32, i64>>>,
    stop: Arc<AtomicBool>,
    /// Joined when the watch is dropped: its client must be gone before the process exits
    /// (a TLS client still asking a broker while the process's exit handlers tear OpenSSL
    /// down can crash it after it has said its last line).
    thread: Option<std::thread::JoinHandle<()>>,
}

impl WatermarkWatch {
    pub fn start(cluster: &Cluster, topic: &str, partitions: &[i32]) -> Option<WatermarkWatch> {
        let client: BaseConsumer = client_config(cluster).create().ok()?;
        let highs = Arc::new(Mutex::new(BTreeMap::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (topic, partitions) = (topic.to_string(), partitions.to_vec());
        let (shared, stopped) = (highs.clone(), stop.clone());
        let thread = std::thread::Builder::new()
            .name("watermarks".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    for &partition in &partitions {
                        if let Ok((_, high)) =
                            client.fetch_watermarks(&topic, partition, Duration::from_secs(2))
                        {
                            if let Ok(mut map) = shared.lock() {
                                map.insert(partition, high);
                            }
                        }
                    }
                    for _ in 0..20 {
                        if stopped.load(Ordering::Relaxed) {
                            return;
                        }
                        std::thread::sleep(Duration::from_millis(100));
                    }
                }
            })
            .ok()?;
        Some(WatermarkWatch {
            highs,
            stop,
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
        self.stop.store(true, Ordering::Relaxed);
        // At most one watermark request (2 s) and one 100 ms nap away.
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
