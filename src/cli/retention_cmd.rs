//! `logagg retention`: remove events older than --keep and/or beyond --max-size.

use super::args::{RetentionArgs, StoreKind};
use super::settings::Settings;
use super::Outcome;
use crate::backend::embedded::{retention, StoreReader, StoreWriter};
use crate::event::Timestamp;
use crate::query::time::parse_duration;
use anyhow::{anyhow, Result};
use std::io::Write;

pub fn run(args: &RetentionArgs, settings: &Settings) -> Result<Outcome> {
    let now = Timestamp::now();
    let keep_since = match &args.keep {
        Some(text) => {
            let keep = parse_duration(text)
                .ok_or_else(|| anyhow!("--keep '{text}' is not a duration; use e.g. 7d, 12h"))?;
            Some(Timestamp(
                now.micros().saturating_sub(keep.as_micros() as i64),
            ))
        }
        None => None,
    };
    let max_bytes = match &args.max_size {
        Some(text) => Some(super::settings::parse_size("--max-size", text)?),
        None => None,
    };
    if settings.store(args.store)? == StoreKind::Elasticsearch {
        return on_elasticsearch(args, settings, keep_since, max_bytes);
    }
    // The lock first: a run that would fail on it says so before announcing anything.
    let writer = if args.dry_run {
        None
    } else {
        Some(StoreWriter::open(&settings.data_dir, "logagg retention")?)
    };
    let reader = StoreReader::open(&settings.data_dir)?;
    let plan = retention::plan(&reader, keep_since, max_bytes)?;
    let size = bytesize::ByteSize(plan.disk_bytes);
    let mut out = std::io::stdout().lock();
    let Some(cutoff) = plan.cutoff.filter(|_| plan.events > 0) else {
        writeln!(
            out,
            "nothing to remove: {} events, {size} in {}",
            plan.total_events,
            settings.data_dir.display()
        )?;
        return Ok(Outcome::Done);
    };
    let verb = if args.dry_run {
        "would remove"
    } else {
        "removing"
    };
    writeln!(
        out,
        "{verb} {} of {} events older than {} ({size} in {})",
        plan.events,
        plan.total_events,
        cutoff,
        settings.data_dir.display()
    )?;
    let Some(writer) = writer else {
        return Ok(Outcome::Done);
    };
    drop(reader);
    super::store_warnings::set_aside(&writer);
    let mut removed = retention::apply(writer, &plan)?;
    // The size is planned from the average event; events written again into fewer,
    // smaller blocks take a little more each. A few more rounds take what is still over.
    for _ in 0..ROUNDS_FOR_SIZE {
        let Some(max) = max_bytes else { break };
        let reader = StoreReader::open(&settings.data_dir)?;
        let again = retention::plan(&reader, None, Some(max))?;
        if again.disk_bytes <= max || again.events == 0 {
            break;
        }
        drop(reader);
        let writer = StoreWriter::open(&settings.data_dir, "logagg retention")?;
        removed += retention::apply(writer, &again)?;
    }
    let after = StoreReader::open(&settings.data_dir)?.stats()?;
    writeln!(
        out,
        "removed {removed} events; {} events, {} remain",
        after.events,
        bytesize::ByteSize(after.disk_bytes)
    )?;
    Ok(Outcome::Done)
}

/// Rounds after the first that `--max-size` may take to get the store under its size.
const ROUNDS_FOR_SIZE: usize = 3;

fn on_elasticsearch(
    args: &RetentionArgs,
    settings: &Settings,
    keep_since: Option<Timestamp>,
    max_bytes: Option<u64>,
) -> Result<Outcome> {
    use crate::backend::elasticsearch::{retention as es_retention, EsClient};
    let config = settings.es_config(&args.es)?;
    let client = EsClient::connect(&config)?;
    let indices = es_retention::list(&client, &config.index_prefix)?;
    let doomed = es_retention::plan(&indices, keep_since, max_bytes);
    if doomed.is_empty() {
        writeln!(
            std::io::stdout(),
            "nothing to remove: {} daily indices {}-YYYY.MM.DD on {}",
            indices.len(),
            config.index_prefix,
            client.urls()
        )?;
        return Ok(Outcome::Done);
    }
    let verb = if args.dry_run {
        "would delete"
    } else {
        "deleting"
    };
    for index in &doomed {
        writeln!(
            std::io::stdout(),
            "{verb} {} ({} events, {})",
            index.name,
            index.docs,
            bytesize::ByteSize(index.bytes)
        )?;
        if !args.dry_run {
            es_retention::delete(&client, &index.name)?;
        }
    }
    Ok(Outcome::Done)
}
