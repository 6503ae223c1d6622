//! `logagg ship`: real log lines from files or standard input into any sink (the embedded
//! store unless the profile or `--to` says otherwise), each file's format detected from its
//! first lines; with `--follow`, files are followed across rotation.

use super::args::{ShipArgs, SinkKind};
use super::settings::Settings;
use super::shutdown::Shutdown;
use super::sinks::{self, SinkFlags};
use super::Outcome;
use crate::format::Zone;
use crate::kafka::producer::Patience;
use crate::pipeline::{self, Limits, RunOptions};
use crate::query::time::parse_duration;
use crate::source::{Decoding, FileSource};
use anyhow::{anyhow, Context, Result};
use regex::bytes::Regex;
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

fn parse_fields(pairs: &[String]) -> Result<Map<String, Value>> {
    let mut fields = Map::new();
    for pair in pairs {
        let (key, value) = pair
            .split_once('=')
            .ok_or_else(|| anyhow!("--field '{pair}' needs the form KEY=VALUE"))?;
        if key.is_empty() {
            return Err(anyhow!("--field '{pair}' has an empty key"));
        }
        fields.insert(key.to_string(), Value::String(value.to_string()));
    }
    Ok(fields)
}

fn decoding(args: &ShipArgs) -> Result<Decoding> {
    let multiline = match &args.multiline {
        Some(pattern) => Some(
            Regex::new(pattern)
                .map_err(|e| anyhow!("--multiline '{pattern}' is not a valid regex: {e}"))?,
        ),
        None => None,
    };
    let zone = Zone::parse(&args.timezone).ok_or_else(|| {
        anyhow!(
            "--timezone '{}' is not a zone; use UTC, local, or an offset such as +02:00",
            args.timezone
        )
    })?;
    Ok(Decoding {
        choice: args.format,
        time_format: args.time_format.clone(),
        zone,
        service: args.service.clone(),
        host: args.host.clone().or_else(crate::event::this_host),
        extra: parse_fields(&args.fields)?,
        multiline,
        file_paths: !args.no_file_path,
        // The pipeline asks for it when the sink reads `fields` itself.
        fields_text_to_sink: false,
        file_path_to_sink: false,
    })
}

fn sink_name(to: SinkKind, topic: &str) -> String {
    match to {
        SinkKind::Kafka => topic.to_string(),
        SinkKind::Elasticsearch => "elasticsearch".into(),
        SinkKind::Stdout => "stdout".into(),
        SinkKind::Embedded => "embedded".into(),
    }
}

/// The files to read: none for standard input, which `-` also names (alone: it is read on
/// a thread of its own, to its end, and has no position to follow or resume from).
fn inputs(files: &[PathBuf], follow: bool) -> Result<Vec<PathBuf>> {
    let stdin = Path::new("-");
    if !files.iter().any(|f| f == stdin) {
        return Ok(files.to_vec());
    }
    if files.len() > 1 {
        return Err(anyhow!(
            "'-' (standard input) cannot be shipped together with files; ship it in a run of its own"
        ));
    }
    if follow {
        return Err(anyhow!(
            "--follow follows files; standard input is read until it ends without it (`tail -F FILE | logagg ship` follows a file that way)"
        ));
    }
    Ok(Vec::new())
}

pub fn run(args: &ShipArgs, settings: &Settings) -> Result<Outcome> {
    let files = inputs(&args.files, args.follow)?;
    let decoding = decoding(args)?;
    let poll = parse_duration(&args.poll)
        .with_context(|| format!("--poll '{}' is not a duration", args.poll))?;
    let interval = parse_duration(&args.commit_interval).with_context(|| {
        format!(
            "--commit-interval '{}' is not a duration",
            args.commit_interval
        )
    })?;
    let to = args.to.unwrap_or(settings.sink);
    let shutdown = Shutdown::install()?;
    let metrics = super::metrics_endpoint::start(&args.metrics)?;
    let flags = SinkFlags {
        kafka: &args.kafka,
        new_topic: &args.new_topic,
        es: &args.es,
        topic: None,
        patience: if args.follow {
            Patience::Forever
        } else {
            Patience::Bounded
        },
        bulk: sinks::BULK,
        source_topic: None,
        metrics: metrics.clone(),
    };
    // The store keeps positions with the events; other sinks need a checkpoint file.
    let checkpoint = (args.follow && to != SinkKind::Embedded).then(|| {
        args.checkpoint.clone().unwrap_or_else(|| {
            default_checkpoint(
                &settings.data_dir,
                &sink_name(to, &args.kafka.topic),
                &files,
            )
        })
    });
    let mut source = FileSource::new(&files, args.follow, decoding, checkpoint.clone())?;
    let sink = sinks::open(to, settings, &flags, &shutdown)?;
    let place = sink.describe();
    if let Some(path) = &checkpoint {
        eprintln!(
            "following {} file(s); checkpoint {}",
            files.len(),
            path.display()
        );
    } else if args.follow {
        eprintln!("following {} file(s) into {place}", files.len());
    }
    let limits = Limits {
        interval,
        poll,
        ..Limits::default()
    };
    let options = RunOptions {
        metrics,
        ..RunOptions::default()
    };
    let summary = pipeline::run(&mut source, sink, limits, options, &|| shutdown.requested())?;
    report(&source, &summary, &place);
    Ok(Outcome::Done)
}

/// The summary lines: formats found, what was shipped where, and what deserves a word.
fn report(source: &FileSource, summary: &pipeline::Summary, place: &str) {
    for (input, format) in source.formats() {
        eprintln!("{input}: format {format}");
    }
    eprintln!(
        "shipped {} lines as {} events to {place} in {:.1}s ({:.0}/s)",
        source.lines(),
        summary.read,
        summary.seconds,
        summary.read as f64 / summary.seconds.max(1e-9),
    );
    if summary.unmatched > 0 {
        eprintln!(
            "{} lines matched no format: kept whole with the time they were shipped, flagged unparsed",
            summary.unmatched
        );
    }
    let blank = source.blank_lines();
    if blank > 0 {
        eprintln!("{blank} blank lines and directives left out");
    }
    for line in time_from_lines(&summary.time_from) {
        eprintln!("{line}");
    }
    if source.resumed_bytes > 0 {
        eprintln!(
            "resumed: the first {} bytes were already stored by an earlier run",
            source.resumed_bytes
        );
    }
    for line in sinks::describe_outcome(summary, place) {
        eprintln!("{line}");
    }
}

/// What was not read whole from the lines' own times, one line per kind, with the query
/// that finds those events.
fn time_from_lines(counts: &[u64]) -> Vec<String> {
    use crate::event::TimeFrom;
    TimeFrom::ALL
        .into_iter()
        .zip(counts)
        .filter(|(from, &n)| !from.is_exact() && n > 0)
        .map(|(from, &n)| {
            let what = match from {
                TimeFrom::YearAssumed => "have no year in their time: the year was taken from the file's last change (now, for a pipe)",
                TimeFrom::DateAssumed => "have a time of day but no date: the date was taken from the file's last change (now, for a pipe)",
                TimeFrom::TimeAssumed => "have a date but no time of day: midnight was assumed",
                _ => "have no time of their own: they carry the time they were shipped",
            };
            format!("{n} events {what} (find them with time_from:{from})")
        })
        .collect()
}

/// One checkpoint per sink and set of files, so separate `ship --follow` runs don't share one.
fn default_checkpoint(data_dir: &Path, sink: &str, files: &[PathBuf]) -> PathBuf {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for path in files {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        hasher.update(path.as_os_str().as_encoded_bytes());
        hasher.update(&[0]);
    }
    data_dir
        .join("ship")
        .join(format!("{sink}-{:016x}.json", hasher.digest()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_need_key_and_value() {
        assert_eq!(
            parse_fields(&["env=prod".into(), "a=b=c".into()])
                .unwrap()
                .get("a"),
            Some(&Value::String("b=c".into()))
        );
        assert!(parse_fields(&["nokey".into()]).is_err());
        assert!(parse_fields(&["=x".into()]).is_err());
    }

    #[test]
    fn a_dash_alone_names_standard_input() {
        let dash = PathBuf::from("-");
        let file = PathBuf::from("app.log");
        assert_eq!(
            inputs(std::slice::from_ref(&dash), false).unwrap(),
            Vec::<PathBuf>::new()
        );
        assert_eq!(
            inputs(std::slice::from_ref(&file), true).unwrap(),
            vec![file.clone()]
        );
        let mixed = inputs(&[file, dash.clone()], false)
            .unwrap_err()
            .to_string();
        assert!(mixed.contains("run of its own"), "{mixed}");
        let followed = inputs(&[dash], true).unwrap_err().to_string();
        assert!(followed.contains("tail -F"), "{followed}");
    }

    #[test]
    fn checkpoints_differ_per_sink_and_file_set() {
        let dir = Path::new("/data");
        let a = default_checkpoint(dir, "logs", &[PathBuf::from("/var/log/a.log")]);
        let b = default_checkpoint(dir, "logs", &[PathBuf::from("/var/log/b.log")]);
        let c = default_checkpoint(dir, "other", &[PathBuf::from("/var/log/a.log")]);
        assert!(a != b && a != c && a.starts_with("/data/ship"));
    }
}
