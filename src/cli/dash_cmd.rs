//! `logagg dash`: the dashboard on the configured store, or on a Kafka topic.

use super::args::{DashArgs, StoreKind, TailSource};
use super::settings::Settings;
use super::shutdown::Shutdown;
use super::Outcome;
use crate::event::Timestamp;
use crate::tui::feed::{self, FeedMessage};
use crate::tui::state::Dashboard;
use anyhow::{anyhow, Result};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::time::Instant;

/// Batches in flight between a feed and the screen; a slow screen slows the feed.
const FEED_QUEUE: usize = 64;

pub fn run(args: &DashArgs, settings: &Settings) -> Result<Outcome> {
    require_terminal()?;
    let stop = Arc::new(AtomicBool::new(false));
    let (sender, receiver) = sync_channel(FEED_QUEUE);
    let source = match args.source {
        TailSource::Store if settings.store(args.store)? == StoreKind::Elasticsearch => {
            let config = settings.es_config(&args.es)?;
            let label = format!("elasticsearch {}", config.urls.join(","));
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("feed".into())
                .spawn(move || feed::follow_elasticsearch(config, sender, stop))?;
            label
        }
        TailSource::Store => {
            let dir = settings.data_dir.clone();
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("feed".into())
                .spawn(move || feed::follow_store(dir, sender, stop))?;
            format!("store {}", settings.data_dir.display())
        }
        TailSource::Kafka => {
            let cluster = settings.kafka(&args.kafka)?;
            let topic = args.kafka.topic.clone();
            let label = format!("kafka {topic} @ {cluster}");
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("feed".into())
                .spawn(move || feed::follow_kafka(cluster, topic, sender, stop))?;
            label
        }
    };
    let outcome = show(args.buffer, source, &args.query, settings, receiver, None);
    stop.store(true, Ordering::Relaxed);
    outcome
}

pub fn require_terminal() -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(anyhow!(
            "the dashboard needs a terminal; to follow events in a pipe or a script use `logagg tail`"
        ));
    }
    Ok(())
}

/// How many queries of earlier runs the filter's `↑` recalls.
const RECALLED: usize = 200;

/// Opens the dashboard on a feed until the user quits (or Ctrl-C / SIGTERM).
pub fn show(
    buffer: usize,
    source: String,
    query: &str,
    settings: &Settings,
    receiver: Receiver<FeedMessage>,
    until: Option<Instant>,
) -> Result<Outcome> {
    let mut dashboard = Dashboard::new(buffer, source, settings.color, Timestamp::now());
    dashboard.saved =
        super::saved_queries::load(&super::saved_queries::file(&settings.config_path))?;
    // `↑` in the filter recalls the queries of earlier runs too.
    for entry in super::history::entries().unwrap_or_default() {
        if dashboard.history.last() != Some(&entry.query) && !entry.query.contains('\n') {
            dashboard.history.push(entry.query);
        }
    }
    let start = dashboard.history.len().saturating_sub(RECALLED);
    dashboard.history.drain(..start);
    if !dashboard.apply_filter(query) {
        if let Some(error) = dashboard.filter_error.take() {
            return Err(error.into());
        }
    }
    let known = dashboard.history.len();
    let shutdown = Shutdown::install()?;
    let ended = crate::tui::run(dashboard, receiver, || {
        shutdown.requested() || until.is_some_and(|t| Instant::now() >= t)
    })?;
    for filter in ended.history.iter().skip(known) {
        super::history::record("dash", filter);
    }
    Ok(Outcome::Done)
}
