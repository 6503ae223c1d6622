//! A pipeline's Prometheus metrics, counted by the core loop for every (source, sink)
//! pair, and a small HTTP endpoint that serves them. The names keep the `logagg_ingest_`
//! prefix the Docker stack's dashboard and alert rules use.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

type Labels = Vec<(String, String)>;

/// Distinct services labelled individually; the rest count as "other", so a flood of
/// made-up service names cannot blow up the metric's cardinality.
const MAX_SERVICE_LABELS: usize = 200;

#[derive(Debug)]
pub struct PipelineMetrics {
    registry: Registry,
    pub events_in: Counter,
    pub events_out: Counter,
    pub bytes_in: Counter,
    pub unparsed: Counter,
    pub retries: Counter,
    pub dead_letters: Counter,
    pub commit_seconds: Histogram,
    lag: Family<Labels, Gauge>,
    by_service_level: Family<Labels, Counter>,
    services: Mutex<HashSet<String>>,
}

impl Default for PipelineMetrics {
    fn default() -> Self {
        PipelineMetrics::new()
    }
}

impl PipelineMetrics {
    pub fn new() -> PipelineMetrics {
        let mut registry = Registry::default();
        let metrics = PipelineMetrics {
            events_in: Counter::default(),
            events_out: Counter::default(),
            bytes_in: Counter::default(),
            unparsed: Counter::default(),
            retries: Counter::default(),
            dead_letters: Counter::default(),
            commit_seconds: Histogram::new(exponential_buckets(0.001, 2.0, 14)),
            lag: Family::default(),
            by_service_level: Family::default(),
            services: Mutex::new(HashSet::new()),
            registry: Registry::default(),
        };
        registry.register(
            "logagg_ingest_events_in",
            "Events read from the source (Kafka messages, file lines, simulated events)",
            metrics.events_in.clone(),
        );
        registry.register(
            "logagg_ingest_events_out",
            "Events the sink made durable",
            metrics.events_out.clone(),
        );
        registry.register(
            "logagg_ingest_bytes_in",
            "Bytes read from the source",
            metrics.bytes_in.clone(),
        );
        registry.register(
            "logagg_ingest_unparsed",
            "Events no format matched, kept whole and flagged",
            metrics.unparsed.clone(),
        );
        registry.register(
            "logagg_ingest_retries",
            "Sink writes retried",
            metrics.retries.clone(),
        );
        registry.register(
            "logagg_ingest_dead_letters",
            "Events sent to a dead-letter destination",
            metrics.dead_letters.clone(),
        );
        registry.register(
            "logagg_ingest_commit_duration_seconds",
            "Time the sink took to make one batch durable",
            metrics.commit_seconds.clone(),
        );
        registry.register(
            "logagg_ingest_consumer_lag",
            "Messages in the Kafka partition not yet stored",
            metrics.lag.clone(),
        );
        registry.register(
            "logagg_ingest_events_by_service_level",
            "Events read, by service and level",
            metrics.by_service_level.clone(),
        );
        PipelineMetrics {
            registry,
            ..metrics
        }
    }

    pub fn set_lag(&self, topic: &str, partition: i32, lag: i64) {
        let labels = vec![
            ("topic".to_string(), topic.to_string()),
            ("partition".to_string(), partition.to_string()),
        ];
        self.lag.get_or_create(&labels).set(lag.max(0));
    }

    pub fn count_event(&self, service: &str, level: &str) {
        self.count_events(service, level, 1);
    }

    fn count_events(&self, service: &str, level: &str, n: u64) {
        let service = match self.services.lock() {
            Ok(known) if known.contains(service) => service.to_string(),
            Ok(mut known) if known.len() < MAX_SERVICE_LABELS => {
                known.insert(service.to_string());
                service.to_string()
            }
            _ => "other".to_string(),
        };
        let labels = vec![
            ("service".to_string(), service),
            ("level".to_string(), level.to_string()),
        ];
        self.by_service_level.get_or_create(&labels).inc_by(n);
    }

    /// Counts what the source handed out: every record read, and by service and level
    /// those it did not set aside itself (its dead letters are counted where they go).
    pub fn count_read(&self, batch: &[super::Record]) {
        self.events_in.inc_by(batch.len() as u64);
        self.bytes_in
            .inc_by(batch.iter().map(|r| r.bytes as u64).sum::<u64>());
        // Tallied per batch first: a labelled counter costs a lock and a hash of its labels,
        // too much to pay per event at hundreds of thousands a second.
        let mut by_service: std::collections::HashMap<
            &str,
            [u64; 6],
            xxhash_rust::xxh3::Xxh3Builder,
        > = Default::default();
        let mut unparsed = 0;
        for record in batch.iter().filter(|r| !r.skipped) {
            unparsed += u64::from(record.event.unparsed);
            by_service.entry(record.event.service.as_str()).or_default()
                [record.event.level.rank() as usize] += 1;
        }
        self.unparsed.inc_by(unparsed);
        for (service, levels) in by_service {
            for level in crate::event::Level::ALL {
                let n = levels[level.rank() as usize];
                if n > 0 {
                    self.count_events(service, level.as_str(), n);
                }
            }
        }
    }

    /// Counts a batch the sink made durable.
    pub fn count_durable(&self, ack: &super::Ack) {
        self.events_out.inc_by(ack.records);
        self.commit_seconds.observe(ack.flush_seconds);
    }

    /// The metrics in Prometheus' text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = encode(&mut out, &self.registry);
        out
    }
}

/// Serves `GET /metrics` on `addr` from a background thread for the life of the process.
pub fn serve(addr: SocketAddr, metrics: Arc<PipelineMetrics>) -> anyhow::Result<()> {
    let server = tiny_http::Server::http(addr).map_err(|e| {
        anyhow::anyhow!("cannot serve metrics on {addr}: {e}; pick another --metrics-addr")
    })?;
    std::thread::Builder::new()
        .name("metrics".into())
        .spawn(move || {
            for request in server.incoming_requests() {
                let response = if request.url() == "/metrics" {
                    let header = tiny_http::Header::from_bytes(
                        &b"Content-Type"[..],
                        &b"text/plain; version=0.0.4; charset=utf-8"[..],
                    );
                    let mut response = tiny_http::Response::from_string(metrics.render());
                    if let Ok(header) = header {
                        response.add_header(header);
                    }
                    response
                } else {
                    tiny_http::Response::from_string("see /metrics\n").with_status_code(404)
                };
                let _ = request.respond(response);
            }
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_metric_and_caps_service_labels() {
        let m = PipelineMetrics::new();
        m.events_in.inc();
        m.set_lag("logs", 0, 7);
        for i in 0..(MAX_SERVICE_LABELS + 10) {
            m.count_event(&format!("svc{i}"), "info");
        }
        let text = m.render();
        for name in [
            "logagg_ingest_events_in_total 1",
            "logagg_ingest_events_out_total",
            "logagg_ingest_commit_duration_seconds_bucket",
            "logagg_ingest_consumer_lag{topic=\"logs\",partition=\"0\"} 7",
            "logagg_ingest_dead_letters_total",
        ] {
            assert!(text.contains(name), "{name} missing from:\n{text}");
        }
        assert!(
            text.contains("service=\"other\",level=\"info\"} 10"),
            "{text}"
        );
    }
}
