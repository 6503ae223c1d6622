//! `logagg dlq list|replay`: what the store rejected, why, and sending it back.

use super::args::{DlqAction, DlqArgs, ListFormat};
use super::settings::Settings;
use super::table::fit_plain;
use super::Outcome;
use crate::kafka::dead_letter::{self, dead_letter_topic, DeadLetter};
use anyhow::Result;
use std::io::{IsTerminal, Write};

/// How much of a rejected message `list` shows.
const PREVIEW_CHARS: usize = 120;

pub fn run(args: &DlqArgs, settings: &Settings) -> Result<Outcome> {
    let (DlqAction::List { kafka, .. } | DlqAction::Replay { kafka }) = &args.action;
    let cluster = settings.kafka(kafka)?;
    let topic = &kafka.topic;
    match &args.action {
        DlqAction::List { output, .. } => {
            let letters = dead_letter::list(&cluster, topic)?;
            let table = match *output {
                ListFormat::Auto => std::io::stdout().is_terminal(),
                ListFormat::Table => true,
                ListFormat::Json => false,
            };
            let mut out = std::io::stdout().lock();
            if table {
                print_table(&mut out, &letters)?;
            } else {
                for letter in &letters {
                    writeln!(out, "{}", as_json(letter))?;
                }
            }
            out.flush()?;
            if letters.is_empty() {
                eprintln!("no dead letters in '{}'", dead_letter_topic(topic));
                return Ok(Outcome::NothingMatched);
            }
            Ok(Outcome::Done)
        }
        DlqAction::Replay { .. } => {
            let sent = dead_letter::replay(&cluster, topic)?;
            eprintln!(
                "replayed {sent} dead letters from '{}' to '{topic}'",
                dead_letter_topic(topic)
            );
            Ok(Outcome::Done)
        }
    }
}

fn preview(letter: &DeadLetter) -> String {
    let text =
        String::from_utf8_lossy(&letter.payload[..letter.payload.len().min(4 * PREVIEW_CHARS)]);
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(PREVIEW_CHARS)
        .collect()
}

fn as_json(letter: &DeadLetter) -> serde_json::Value {
    serde_json::json!({
        "partition": letter.partition,
        "offset": letter.offset,
        "source": letter.source,
        "reason": letter.reason,
        "rejected_at": letter.rejected_at,
        "replayed": letter.replayed,
        "bytes": letter.payload.len(),
        "preview": preview(letter),
    })
}

fn print_table(out: &mut impl Write, letters: &[DeadLetter]) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<12} {:<22} {:>10} {:<8} {:<40} PREVIEW",
        "DLQ OFFSET", "SOURCE", "BYTES", "REPLAYED", "REASON"
    )?;
    for letter in letters {
        writeln!(
            out,
            "{:<12} {:<22} {:>10} {:<8} {:<40} {}",
            format!("{}/{}", letter.partition, letter.offset),
            fit_plain(&letter.source, 22),
            letter.payload.len(),
            if letter.replayed { "yes" } else { "no" },
            fit_plain(&letter.reason, 40),
            fit_plain(&preview(letter), 60),
        )?;
    }
    Ok(())
}
