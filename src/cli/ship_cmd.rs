//! `logagg ship`: real log lines from files or standard input into Kafka.

use super::args::ShipArgs;
use super::producing;
use super::settings::Settings;
use super::shutdown::Shutdown;
use super::Outcome;
use crate::event::{decode_line, DecodeContext, LogEvent, Timestamp};
use anyhow::{anyhow, Context, Result};
use regex::bytes::Regex;
use serde_json::{Map, Value};
use std::io::{BufRead, BufReader, Read};
use std::time::Duration;

/// Joins continuation lines (those not matching the start pattern) onto the entry before.
struct Entries {
    start: Option<Regex>,
    pending: Option<Vec<u8>>,
}

impl Entries {
    /// Feeds one line; returns an entry that is now complete.
    fn push(&mut self, line: &[u8]) -> Option<Vec<u8>> {
        let Some(start) = &self.start else {
            return Some(line.to_vec());
        };
        match &mut self.pending {
            Some(entry) if !start.is_match(line) => {
                entry.push(b'\n');
                entry.extend_from_slice(line);
                None
            }
            _ => self.pending.replace(line.to_vec()),
        }
    }

    fn finish(&mut self) -> Option<Vec<u8>> {
        self.pending.take()
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

pub fn run(args: &ShipArgs, settings: &Settings) -> Result<Outcome> {
    let extra = parse_fields(&args.fields)?;
    let start = match &args.multiline {
        Some(pattern) => Some(
            Regex::new(pattern)
                .map_err(|e| anyhow!("--multiline '{pattern}' is not a valid regex: {e}"))?,
        ),
        None => None,
    };
    let topic = &args.kafka.topic;
    let (mut producer, brokers) = producing::open(settings, &args.kafka, &args.new_topic)?;
    let shutdown = Shutdown::install()?;
    let host = args.host.clone().or_else(crate::event::this_host);
    let mut context = DecodeContext {
        received_at: Timestamp::now(),
        service: args.service.clone(),
        host,
    };
    let mut lines = 0u64;
    let sources: Vec<(String, Box<dyn Read>)> = if args.files.is_empty() {
        vec![("standard input".to_string(), Box::new(std::io::stdin()))]
    } else {
        args.files
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
        let mut entries = Entries {
            start: start.clone(),
            pending: None,
        };
        let mut line = Vec::new();
        loop {
            if shutdown.requested() {
                break;
            }
            line.clear();
            // Bytes, not strings: invalid UTF-8 is decoded (and flagged) per line, not fatal.
            let read = reader
                .read_until(b'\n', &mut line)
                .with_context(|| format!("cannot read {name}"))?;
            let complete = if read == 0 {
                entries.finish()
            } else {
                lines += 1;
                let trimmed = line.strip_suffix(b"\n").unwrap_or(&line);
                entries.push(trimmed.strip_suffix(b"\r").unwrap_or(trimmed))
            };
            if let Some(entry) = complete {
                context.received_at = Timestamp::now();
                let mut event = decode_line(&entry, &context);
                add_context(&mut event, &extra);
                producer.send(&event.service, event.to_json().as_bytes())?;
            }
            if read == 0 {
                break;
            }
        }
    }
    let sent = producer.sent();
    let summary = producer.finish(Duration::from_secs(60))?;
    eprintln!(
        "shipped {lines} lines as {sent} events to '{topic}' on {brokers}; {} confirmed",
        summary.delivered
    );
    Ok(Outcome::Done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_lines_join_the_entry_before() {
        let mut entries = Entries {
            start: Some(Regex::new(r"^\d{4}-").unwrap()),
            pending: None,
        };
        let mut out = Vec::new();
        for line in [
            "2026-01-01 ERROR boom",
            "\tat a.b(C.java:1)",
            "\tat d.e(F.java:2)",
            "2026-01-01 INFO ok",
        ] {
            out.extend(entries.push(line.as_bytes()));
        }
        out.extend(entries.finish());
        let out: Vec<String> = out
            .into_iter()
            .map(|e| String::from_utf8(e).unwrap())
            .collect();
        assert_eq!(
            out,
            [
                "2026-01-01 ERROR boom\n\tat a.b(C.java:1)\n\tat d.e(F.java:2)",
                "2026-01-01 INFO ok"
            ]
        );
    }

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
}
