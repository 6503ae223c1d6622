//! `logagg ship`: real log lines from files or standard input into Kafka; with `--follow`,
//! files are followed across rotation and a checkpoint remembers what was confirmed.

use super::args::ShipArgs;
use super::producing;
use super::settings::Settings;
use super::shutdown::Shutdown;
use super::Outcome;
use crate::event::{decode_line, DecodeContext, LogEvent, Timestamp};
use crate::kafka::producer::{EventProducer, Patience};
use crate::query::time::parse_duration;
use crate::source::{Entries, FollowedFile, ShipCheckpoint};
use anyhow::{anyhow, Context, Result};
use regex::bytes::Regex;
use serde_json::{Map, Value};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often `--follow` saves its checkpoint (after the broker confirmed everything sent).
const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(1);
/// How long an unfinished multi-line entry waits for continuation lines when the file is quiet.
const ENTRY_WAIT: Duration = Duration::from_secs(1);
/// How much one file may be read before the others get their turn.
const READ_BUDGET: usize = 4 * 1024 * 1024;

/// Turns entries into events with the command's context and sends them.
struct Shipper {
    producer: EventProducer,
    context: DecodeContext,
    extra: Map<String, Value>,
    lines: u64,
}

impl Shipper {
    fn ship(&mut self, entry: &[u8]) -> Result<()> {
        self.context.received_at = Timestamp::now();
        let mut event = decode_line(entry, &self.context);
        add_context(&mut event, &self.extra);
        self.producer
            .send(&event.service, event.to_json().as_bytes())?;
        Ok(())
    }
}

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

fn add_context(event: &mut LogEvent, extra: &Map<String, Value>) {
    for (key, value) in extra {
        event
            .fields
            .entry(key.clone())
            .or_insert_with(|| value.clone());
    }
}

fn without_line_break(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

pub fn run(args: &ShipArgs, settings: &Settings) -> Result<Outcome> {
    let extra = parse_fields(&args.fields)?;
    let start = match &args.multiline {
        Some(pattern) => Some(
            Regex::new(pattern)
                .map_err(|e| anyhow!("--multiline '{pattern}' is not a valid regex: {e}"))?,
        ),
        None => None,
    };
    let poll = parse_duration(&args.poll)
        .with_context(|| format!("--poll '{}' is not a duration", args.poll))?;
    let topic = &args.kafka.topic;
    let patience = if args.follow {
        Patience::Forever
    } else {
        Patience::Bounded
    };
    let (producer, brokers) = producing::open(settings, &args.kafka, &args.new_topic, patience)?;
    let shutdown = Shutdown::install()?;
    let mut shipper = Shipper {
        producer,
        context: DecodeContext {
            received_at: Timestamp::now(),
            service: args.service.clone(),
            host: args.host.clone().or_else(crate::event::this_host),
        },
        extra,
        lines: 0,
    };
    if args.follow {
        let paths = args
            .files
            .iter()
            .map(|p| {
                std::path::absolute(p).with_context(|| format!("cannot resolve {}", p.display()))
            })
            .collect::<Result<Vec<_>>>()?;
        let checkpoint = args
            .checkpoint
            .clone()
            .unwrap_or_else(|| default_checkpoint(&settings.data_dir, topic, &paths));
        follow(&paths, &checkpoint, start, poll, &mut shipper, &shutdown)?;
    } else {
        read_once(&args.files, start, &mut shipper, &shutdown)?;
    }
    let sent = shipper.producer.sent();
    let lines = shipper.lines;
    let summary = shipper.producer.finish(Duration::from_secs(60))?;
    eprintln!(
        "shipped {lines} lines as {sent} events to '{topic}' on {brokers}; {} confirmed",
        summary.delivered
    );
    Ok(Outcome::Done)
}

/// Standard input or files, each read to its end once.
fn read_once(
    files: &[PathBuf],
    start: Option<Regex>,
    shipper: &mut Shipper,
    shutdown: &Shutdown,
) -> Result<()> {
    let sources: Vec<(String, Box<dyn Read>)> = if files.is_empty() {
        vec![("standard input".to_string(), Box::new(std::io::stdin()))]
    } else {
        files
            .iter()
            .map(|path| {
                std::fs::File::open(path)
                    .map(|f| (path.display().to_string(), Box::new(f) as Box<dyn Read>))
                    .with_context(|| format!("cannot read {}", path.display()))
            })
            .collect::<Result<_>>()?
    };
    for (name, source) in sources {
        let mut reader = BufReader::with_capacity(256 * 1024, source);
        let mut entries = Entries::new(start.clone());
        let mut line = Vec::new();
        let mut offset = 0u64;
        while !shutdown.requested() {
            line.clear();
            // Bytes, not strings: invalid UTF-8 is decoded (and flagged) per line, not fatal.
            let read = reader
                .read_until(b'\n', &mut line)
                .with_context(|| format!("cannot read {name}"))?;
            if read == 0 {
                break;
            }
            shipper.lines += 1;
            if let Some(entry) = entries.push(without_line_break(&line), offset) {
                shipper.ship(&entry)?;
            }
            offset += read as u64;
        }
        if let Some(entry) = entries.finish() {
            shipper.ship(&entry)?;
        }
    }
    Ok(())
}

/// One checkpoint per topic and set of files, so separate `ship --follow` runs don't share one.
fn default_checkpoint(data_dir: &Path, topic: &str, paths: &[PathBuf]) -> PathBuf {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for path in paths {
        hasher.update(path.as_os_str().as_encoded_bytes());
        hasher.update(&[0]);
    }
    data_dir
        .join("ship")
        .join(format!("{topic}-{:016x}.json", hasher.digest()))
}

struct Follower {
    file: FollowedFile,
    entries: Entries,
    quiet_since: Instant,
}

fn follow(
    paths: &[PathBuf],
    checkpoint_path: &Path,
    start: Option<Regex>,
    poll: Duration,
    shipper: &mut Shipper,
    shutdown: &Shutdown,
) -> Result<()> {
    let mut checkpoint = ShipCheckpoint::load(checkpoint_path)?;
    let mut followers = Vec::with_capacity(paths.len());
    for path in paths {
        let (file, notices) = FollowedFile::open(path, checkpoint.files.get(path).copied())
            .with_context(|| format!("cannot read {}", path.display()))?;
        say(&notices);
        followers.push(Follower {
            file,
            entries: Entries::new(start.clone()),
            quiet_since: Instant::now(),
        });
    }
    eprintln!(
        "following {} file(s); checkpoint {}",
        paths.len(),
        checkpoint_path.display()
    );
    let mut last_save = Instant::now();
    while !shutdown.requested() {
        let mut read = 0;
        for follower in &mut followers {
            read += read_follower(follower, shipper)?;
        }
        if last_save.elapsed() >= CHECKPOINT_INTERVAL {
            save_confirmed(&followers, &mut checkpoint, checkpoint_path, shipper, poll)?;
            last_save = Instant::now();
        }
        if read == 0 {
            std::thread::sleep(poll);
        }
    }
    // Unfinished entries and lines stay unshipped: the checkpoint points at their start,
    // so the next run ships them whole.
    if shipper.producer.settle(Duration::from_secs(60)) {
        save_confirmed(&followers, &mut checkpoint, checkpoint_path, shipper, poll)?;
    }
    Ok(())
}

fn read_follower(follower: &mut Follower, shipper: &mut Shipper) -> Result<usize> {
    let mut notices = Vec::new();
    let Follower { file, entries, .. } = follower;
    let read = file
        .read_available(READ_BUDGET, &mut notices, &mut |line, at| {
            shipper.lines += 1;
            if let Some(entry) = entries.push(without_line_break(line), at) {
                shipper.ship(&entry)?;
            }
            Ok(())
        })
        .with_context(|| format!("cannot read {}", file.path().display()))?;
    // A rotation ends the old file, and with it any entry still being built from it; a
    // quiet file's last entry has waited long enough for continuation lines.
    let rotated = !notices.is_empty();
    if read > 0 {
        follower.quiet_since = Instant::now();
    }
    if rotated || follower.quiet_since.elapsed() >= ENTRY_WAIT {
        if let Some(entry) = follower.entries.finish() {
            shipper.ship(&entry)?;
        }
    }
    say(&notices);
    Ok(read)
}

/// Saves where each file must resume, once the broker has confirmed everything sent so
/// far; during an outage the old checkpoint stays (a crash then resends, never loses).
fn save_confirmed(
    followers: &[Follower],
    checkpoint: &mut ShipCheckpoint,
    path: &Path,
    shipper: &Shipper,
    wait: Duration,
) -> Result<()> {
    let positions: Vec<_> = followers
        .iter()
        .map(|f| {
            f.file.position().map(|mut pos| {
                if let Some(from) = f.entries.unfinished_from() {
                    pos.offset = pos.offset.min(from);
                }
                (f.file.path().to_path_buf(), pos)
            })
        })
        .collect();
    if !shipper.producer.settle(wait) {
        return Ok(());
    }
    for (path, pos) in positions.into_iter().flatten() {
        checkpoint.files.insert(path, pos);
    }
    checkpoint.save(path)
}

fn say(notices: &[String]) {
    for notice in notices {
        eprintln!("note: {notice}");
    }
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
    fn checkpoints_differ_per_topic_and_file_set() {
        let dir = Path::new("/data");
        let a = default_checkpoint(dir, "logs", &[PathBuf::from("/var/log/a.log")]);
        let b = default_checkpoint(dir, "logs", &[PathBuf::from("/var/log/b.log")]);
        let c = default_checkpoint(dir, "other", &[PathBuf::from("/var/log/a.log")]);
        assert!(a != b && a != c && a.starts_with("/data/ship"));
    }
}
