//! Sources that feed the dashboard from a thread of their own: the embedded store (new
//! commits, found by arrival order) or a Kafka topic (before indexing). Each sends batches
//! of events and its health; a lost connection is reported and retried without losing
//! the stream's place.

use crate::backend::embedded::{StoreError, StoreReader};
use crate::event::LogEvent;
use crate::kafka::dead_letter::dead_letter_topic;
use crate::kafka::live::{LiveTopic, StartAt};
use crate::kafka::watermarks::WatermarkWatch;
use crate::kafka::{client_config, Cluster};
use crate::query::Query;
use rdkafka::consumer::{BaseConsumer, Consumer};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Events already stored when the dashboard opens, so it does not start empty.
const BACKLOG: usize = 1000;
/// Largest batch sent at once; bounds the channel's memory.
const BATCH: usize = 5000;

pub enum FeedMessage {
    /// Events as they arrive.
    Events(Vec<LogEvent>),
    /// Events already stored when the dashboard opened, oldest first: shown, but not
    /// counted as arriving (the rate and the histogram say what arrives now).
    Backlog(Vec<LogEvent>),
    Health(Health),
}

/// The pipeline as the status bar shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Health {
    pub source: String,
    pub connected: bool,
    /// Why the source is not connected (or a warning), in one line.
    pub problem: Option<String>,
    pub store_bytes: Option<u64>,
    pub stored_events: Option<u64>,
    /// Messages in the topic not read yet (Kafka sources).
    pub lag: Option<i64>,
    /// Messages in the topic's dead-letter topic (Kafka sources).
    pub dead_letters: Option<i64>,
}

/// Follows the store in `data_dir` until `stop` is set.
pub fn follow_store(data_dir: PathBuf, out: SyncSender<FeedMessage>, stop: Arc<AtomicBool>) {
    let source = format!("store {}", data_dir.display());
    let mut health = Health {
        source,
        ..Health::default()
    };
    let Some(reader) = open_store(&data_dir, &out, &mut health, &stop) else {
        return;
    };
    let mut cursor = reader.max_seq().ok().flatten();
    if cursor.is_some() && send_backlog(&reader, &out).is_err() {
        return;
    }
    let mut warning = damage_warning(&reader);
    let _ = send_health(&out, &mut health, true, warning.clone());
    let mut last_stats: Option<Instant> = None;
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(200));
        if let Err(e) = reader.refresh() {
            // The store moved under us (a merge, or it was removed): keep the place and retry.
            if send_health(&out, &mut health, false, Some(e.to_string())).is_err() {
                return;
            }
            continue;
        }
        if !health.connected && send_health(&out, &mut health, true, warning.clone()).is_err() {
            return;
        }
        if last_stats.is_none_or(|t| t.elapsed() >= Duration::from_secs(2)) {
            // Damage the reads since met (a damaged block is found where it is read).
            let now_damaged = damage_warning(&reader);
            if now_damaged != warning {
                warning = now_damaged;
                if send_health(&out, &mut health, true, warning.clone()).is_err() {
                    return;
                }
            }
            if let Ok(stats) = reader.stats() {
                health.store_bytes = Some(stats.disk_bytes);
                health.stored_events = Some(stats.events);
                if out.send(FeedMessage::Health(health.clone())).is_err() {
                    return;
                }
            }
            last_stats = Some(Instant::now());
        }
        let Ok(Some(latest)) = reader.max_seq() else {
            continue;
        };
        if cursor.is_some_and(|c| latest <= c) {
            continue;
        }
        let Ok(hits) = reader.arrived_between(&Query::All, cursor, latest) else {
            continue;
        };
        cursor = Some(latest);
        for chunk in hits.chunks(BATCH) {
            let events = chunk.iter().map(|h| h.event()).collect();
            if out.send(FeedMessage::Events(events)).is_err() {
                return;
            }
        }
    }
}

/// Opens the store, saying why while it cannot (it may not exist yet); `None` once asked
/// to stop or nobody listens any more.
fn open_store(
    data_dir: &std::path::Path,
    out: &SyncSender<FeedMessage>,
    health: &mut Health,
    stop: &AtomicBool,
) -> Option<StoreReader> {
    loop {
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        match StoreReader::open(data_dir) {
            Ok(reader) => return Some(reader),
            Err(e) => {
                let problem = match e {
                    StoreError::NotFound { .. } => {
                        "waiting for a writer to create the store".to_string()
                    }
                    other => other.to_string(),
                };
                send_health(out, health, false, Some(problem)).ok()?;
                std::thread::sleep(Duration::from_millis(500));
            }
        }
    }
}

/// The newest events already stored, oldest first, so the screen starts full.
fn send_backlog(
    reader: &StoreReader,
    out: &SyncSender<FeedMessage>,
) -> Result<(), std::sync::mpsc::SendError<FeedMessage>> {
    if let Ok(backlog) = reader.search(
        &Query::All,
        crate::backend::embedded::Order::NewestFirst,
        Some(BACKLOG),
    ) {
        // In time order: files shipped one after another arrive out of it.
        let mut events: Vec<LogEvent> = backlog.iter().map(|h| h.event()).collect();
        events.sort_by_key(|e| e.timestamp);
        out.send(FeedMessage::Backlog(events))?;
    }
    Ok(())
}

/// What the status bar says while damaged segments are left out of the store.
fn damage_warning(reader: &StoreReader) -> Option<String> {
    let damaged = reader.damaged();
    let first = damaged.first()?;
    let lost: u64 = damaged.iter().filter_map(|d| d.events).map(u64::from).sum();
    Some(format!(
        "{} damaged segment(s) left out ({lost} events), first {}",
        damaged.len(),
        first.files.display()
    ))
}

/// Follows Elasticsearch (polling with an overlap window) until `stop` is set.
pub fn follow_elasticsearch(
    config: crate::backend::elasticsearch::EsConfig,
    out: SyncSender<FeedMessage>,
    stop: Arc<AtomicBool>,
) {
    use crate::backend::elasticsearch::tail::{next_interval, TailCursor};
    use crate::backend::elasticsearch::EsClient;
    let mut health = Health {
        source: format!("elasticsearch {}", config.urls.join(",")),
        ..Health::default()
    };
    let client = match EsClient::connect(&config) {
        Ok(client) => client,
        Err(e) => {
            let _ = send_health(&out, &mut health, false, Some(e.to_string()));
            return;
        }
    };
    health.source = format!("elasticsearch {}", client.urls());
    let mut cursor = TailCursor::new(&config.index_prefix, Query::All, Duration::from_secs(5));
    let (floor, ceiling) = (Duration::from_millis(200), Duration::from_secs(5));
    let mut interval = floor;
    let mut started = false;
    while !stop.load(Ordering::Relaxed) {
        let result = if started {
            cursor.poll(&client, crate::event::Timestamp::now())
        } else {
            cursor.history(&client, BACKLOG)
        };
        let started_before = started;
        match result {
            Ok(events) => {
                started = true;
                if send_health(&out, &mut health, true, None).is_err() {
                    return;
                }
                interval = next_interval(interval, !events.is_empty(), floor, ceiling);
                let first = !started_before;
                for chunk in events.chunks(BATCH) {
                    let message = if first {
                        FeedMessage::Backlog(chunk.to_vec())
                    } else {
                        FeedMessage::Events(chunk.to_vec())
                    };
                    if out.send(message).is_err() {
                        return;
                    }
                }
            }
            Err(e) => {
                if send_health(&out, &mut health, false, Some(format!("{e:#}"))).is_err() {
                    return;
                }
                interval = ceiling;
            }
        }
        std::thread::sleep(interval);
    }
}

/// Follows a Kafka topic from its end until `stop` is set.
pub fn follow_kafka(
    cluster: Cluster,
    topic: String,
    out: SyncSender<FeedMessage>,
    stop: Arc<AtomicBool>,
) {
    let mut health = Health {
        source: format!("kafka {topic} @ {cluster}"),
        ..Health::default()
    };
    let mut live = loop {
        if stop.load(Ordering::Relaxed) {
            return;
        }
        match LiveTopic::open(&cluster, &topic, &StartAt::End) {
            Ok(live) => break live,
            Err(e) => {
                if send_health(&out, &mut health, false, Some(e.to_string())).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_secs(2));
            }
        }
    };
    let _ = send_health(&out, &mut health, true, None);
    // Watermarks come from threads of their own: asking a broker can take seconds.
    let partitions: Vec<i32> = live.positions().keys().copied().collect();
    let topic_ends = WatermarkWatch::start(&cluster, &topic, &partitions);
    let dead_letter_ends = dead_letter_partitions(&cluster, &topic)
        .and_then(|(dlq, parts)| WatermarkWatch::start(&cluster, &dlq, &parts));
    let mut last_counts = Instant::now();
    let mut batch = Vec::new();
    let mut batch_started = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        match live.poll(Duration::from_millis(20)) {
            Ok(Some(message)) => {
                if !health.connected && send_health(&out, &mut health, true, None).is_err() {
                    return;
                }
                batch.push(message.event);
            }
            Ok(None) => {}
            Err(e) => {
                if health.connected
                    && send_health(&out, &mut health, false, Some(e.to_string())).is_err()
                {
                    return;
                }
            }
        }
        if last_counts.elapsed() >= Duration::from_secs(1) {
            last_counts = Instant::now();
            let lag = topic_ends.as_ref().map(|w| {
                w.highs()
                    .iter()
                    .map(|(p, high)| (high - live.positions().get(p).copied().unwrap_or(0)).max(0))
                    .sum()
            });
            let dead_letters = dead_letter_ends.as_ref().map(|w| w.highs().values().sum());
            if (lag, dead_letters) != (health.lag, health.dead_letters) {
                health.lag = lag;
                health.dead_letters = dead_letters;
                if out.send(FeedMessage::Health(health.clone())).is_err() {
                    return;
                }
            }
        }
        if !batch.is_empty()
            && (batch.len() >= BATCH || batch_started.elapsed() >= Duration::from_millis(50))
        {
            if out
                .send(FeedMessage::Events(std::mem::take(&mut batch)))
                .is_err()
            {
                return;
            }
            batch_started = Instant::now();
        }
    }
}

/// The dead-letter topic of `topic` and its partitions, if it exists.
fn dead_letter_partitions(cluster: &Cluster, topic: &str) -> Option<(String, Vec<i32>)> {
    let dlq = dead_letter_topic(topic);
    let client: BaseConsumer = client_config(cluster).create().ok()?;
    let partitions = crate::kafka::topic::partitions(client.client(), cluster, &dlq).ok()?;
    Some((dlq, partitions))
}

fn send_health(
    out: &SyncSender<FeedMessage>,
    health: &mut Health,
    connected: bool,
    problem: Option<String>,
) -> Result<(), ()> {
    if health.connected == connected && health.problem == problem {
        return Ok(());
    }
    health.connected = connected;
    health.problem = problem;
    out.send(FeedMessage::Health(health.clone()))
        .map_err(|_| ())
}
