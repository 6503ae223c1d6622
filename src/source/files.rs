//! Files and standard input as a pipeline source, for `ship`.
//!
//! Positions are a file's identity and byte offset. Into the embedded store they are
//! committed with the events, so a `ship` killed at any point and run again stores each
//! entry once, across rotation. Into other sinks, `--follow` keeps a checkpoint file that
//! is saved only after the sink confirmed what was read.

use super::lane::{
    file_of_stream, file_stream, file_stream_prefix, head_of, refuse_binary, Decoding, Lane, Out,
    ENTRY_WAIT,
};
use super::quiet_pipe::QuietPipe;
use super::read_ahead::ReadAhead;
use super::{FileIdentity, FilePosition, FollowedFile, ShipCheckpoint};
use crate::format::FormatChoice;
use crate::pipeline::{Ack, Pull, Record, Source, StoredPositions};
use anyhow::Context;
use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};

/// How much one input may be read before the sink and the others get their turn.
const READ_BUDGET: usize = super::READ_CHUNK;
/// Spare records kept for the next reads.
const MAX_SPARES: usize = 8192;

pub struct FileSource {
    files: Vec<PathBuf>,
    follow: bool,
    decoding: Decoding,
    /// `--follow`'s checkpoint, used when the sink keeps no positions of its own.
    checkpoint_path: Option<PathBuf>,
    checkpoint: ShipCheckpoint,
    keeps_checkpoint: bool,
    /// Where each file was at each mark not yet acknowledged, oldest first.
    marks: VecDeque<Vec<(PathBuf, FilePosition)>>,
    lanes: Vec<Lane>,
    /// Standard input, read on a thread of its own (after `resume`).
    ahead: Option<ReadAhead>,
    /// Records the sink has given back, filled again by the next entries.
    spares: Vec<Record>,
    /// Entries found already stored when the run began (exactly-once resume).
    pub resumed_bytes: u64,
    /// Streams begun by this run that the sink's positions did not know.
    starts: Vec<String>,
}

impl FileSource {
    /// `files` empty means standard input. Paths are made absolute, so a checkpoint or a
    /// stored position names the same file from any working directory.
    pub fn new(
        files: &[PathBuf],
        follow: bool,
        decoding: Decoding,
        checkpoint_path: Option<PathBuf>,
    ) -> anyhow::Result<FileSource> {
        let files = files
            .iter()
            .map(|p| {
                std::path::absolute(p).with_context(|| format!("cannot resolve {}", p.display()))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        if !follow {
            // Said before the sink opens, so a mistyped name leaves no empty store behind.
            for path in &files {
                readable(path)?;
            }
        }
        Ok(FileSource {
            files,
            follow,
            decoding,
            checkpoint_path,
            checkpoint: ShipCheckpoint::default(),
            keeps_checkpoint: false,
            marks: VecDeque::new(),
            lanes: Vec::new(),
            ahead: None,
            spares: Vec::new(),
            resumed_bytes: 0,
            starts: Vec::new(),
        })
    }

    pub fn lines(&self) -> u64 {
        let ahead = self.ahead.as_ref().map_or(0, ReadAhead::lines);
        ahead + self.lanes.iter().map(Lane::lines).sum::<u64>()
    }

    /// Blank lines left out, of every input.
    pub fn blank_lines(&self) -> u64 {
        let ahead = self.ahead.as_ref().map_or(0, ReadAhead::blank);
        ahead + self.lanes.iter().map(Lane::blank).sum::<u64>()
    }

    /// The format detected for each input, for the summary.
    pub fn formats(&self) -> Vec<(String, String)> {
        if let Some(ahead) = &self.ahead {
            return vec![ahead.format()];
        }
        self.lanes
            .iter()
            .map(|lane| {
                (
                    lane.path
                        .as_ref()
                        .map_or_else(|| "standard input".into(), |p| p.display().to_string()),
                    lane.decoder()
                        .map_or_else(|| "not detected yet".to_string(), |d| d.format.describe()),
                )
            })
            .collect()
    }

    fn open_followed(&mut self, stored: Option<&dyn StoredPositions>) -> anyhow::Result<()> {
        if stored.is_none() {
            if let Some(path) = &self.checkpoint_path {
                self.checkpoint = ShipCheckpoint::load(path)?;
                self.keeps_checkpoint = true;
            }
        }
        for path in self.files.clone() {
            let known = match stored {
                Some(stored) => stored_positions(&path, stored),
                None => self
                    .checkpoint
                    .files
                    .get(&path)
                    .copied()
                    .into_iter()
                    .collect(),
            };
            let (file, notices) =
                FollowedFile::open(&path, &known).map_err(|e| unreadable(&path, e))?;
            say(&notices);
            // A file met for the first time is recorded as begun before anything of it is
            // read: should it be rotated while this run is down before its first commit,
            // the next run finds it among the rotated files instead of skipping it.
            if let (true, Some(at)) = (known.is_empty(), file.position()) {
                match stored {
                    Some(_) => self
                        .starts
                        .push(file_stream(&path, at.identity, at.truncations)),
                    None if self.keeps_checkpoint => {
                        self.checkpoint.files.insert(path.clone(), at);
                    }
                    None => {}
                }
            }
            refuse_binary(&head_of(&path)).map_err(|e| unreadable(&path, e))?;
            self.lanes.push(Lane::followed(path, file, &self.decoding));
        }
        if let (true, Some(checkpoint)) = (self.keeps_checkpoint, &self.checkpoint_path) {
            self.checkpoint.save(checkpoint)?;
        }
        Ok(())
    }

    fn open_once(&mut self, stored: Option<&dyn StoredPositions>) -> anyhow::Result<()> {
        if self.files.is_empty() {
            // An entry may take more lines than have come: the last one is handed on once
            // the pipe has been quiet a while. Lines that are each an entry (JSON, raw)
            // are read as they come.
            let joins = self.decoding.multiline.is_some()
                || !matches!(self.decoding.choice, FormatChoice::Json | FormatChoice::Raw);
            let stdin: Box<dyn std::io::Read + Send> = match joins {
                true => Box::new(
                    QuietPipe::stdin(ENTRY_WAIT)
                        .context("cannot start the thread that reads standard input")?,
                ),
                false => Box::new(std::io::stdin()),
            };
            let decoding = self.decoding.clone();
            self.ahead = Some(ReadAhead::start(stdin, decoding, READ_BUDGET, MAX_SPARES)?);
            return Ok(());
        }
        for path in self.files.clone() {
            let (file, meta) = readable(&path)?;
            let stream = file_stream(&path, FileIdentity::of(&meta), 0);
            let skip = stored
                .and_then(|s| s.resume_offset(&stream))
                .filter(|&offset| offset <= meta.len())
                .unwrap_or(0);
            self.resumed_bytes += skip;
            let lane = Lane::once(Some(path.clone()), Box::new(file), skip, &self.decoding)
                .map_err(|e| unreadable(&path, e))?;
            self.lanes.push(lane);
        }
        Ok(())
    }
}

/// `path` opened for reading, with what it is, when it is a file that can be read.
fn readable(path: &Path) -> anyhow::Result<(std::fs::File, std::fs::Metadata)> {
    let file = std::fs::File::open(path).map_err(|e| unreadable(path, e))?;
    let meta = file.metadata().map_err(|e| unreadable(path, e))?;
    if meta.is_dir() {
        let e = std::io::Error::from(std::io::ErrorKind::IsADirectory);
        return Err(unreadable(path, e));
    }
    Ok((file, meta))
}

/// Why `path` cannot be read, and what to do about it, in one line.
fn unreadable(path: &Path, error: std::io::Error) -> anyhow::Error {
    use std::io::ErrorKind;
    let hint = match error.kind() {
        ErrorKind::NotFound => "; check the path (with --follow, ship waits for it to appear)",
        ErrorKind::PermissionDenied => {
            "; run as a user allowed to read it (for /var/log, often one in the adm group)"
        }
        ErrorKind::IsADirectory => "; name the files in it, e.g. DIR/*.log",
        ErrorKind::InvalidData => {
            "; logagg ships text logs (convert UTF-16 ones with iconv -f UTF-16 -t UTF-8)"
        }
        _ => "",
    };
    anyhow::anyhow!("cannot read {}: {error}{hint}", path.display())
}

/// The files of `path` the store holds positions for (the live one and generations rotated
/// since), each where it was left: of a file truncated in place, its position after the
/// latest truncation. `FollowedFile::open` picks where to start among them.
fn stored_positions(path: &Path, stored: &dyn StoredPositions) -> Vec<FilePosition> {
    let mut latest: BTreeMap<(u64, u64), FilePosition> = BTreeMap::new();
    for (name, offset) in stored.streams_with_prefix(&file_stream_prefix(path)) {
        let Some((identity, truncations)) = file_of_stream(&name) else {
            continue;
        };
        let position = FilePosition {
            identity,
            offset,
            truncations,
        };
        latest
            .entry((identity.device, identity.inode))
            .and_modify(|p| {
                if p.truncations < truncations {
                    *p = position;
                }
            })
            .or_insert(position);
    }
    latest.into_values().collect()
}

fn say(notices: &[String]) {
    for notice in notices {
        eprintln!("note: {notice}");
    }
}

impl Source for FileSource {
    fn leave_fields_text(&mut self) {
        self.decoding.fields_text_to_sink = true;
    }

    fn leave_file_paths(&mut self) {
        self.decoding.file_path_to_sink = true;
    }

    fn describe(&self) -> String {
        match self.files.len() {
            0 => "standard input".into(),
            1 => self.files[0].display().to_string(),
            n => format!("{n} files"),
        }
    }

    fn resume(&mut self, stored: Option<&dyn StoredPositions>) -> anyhow::Result<()> {
        if self.follow {
            self.open_followed(stored)
        } else {
            self.open_once(stored)
        }
    }

    fn pull(&mut self, batch: &mut Vec<Record>, _max: usize) -> anyhow::Result<Pull> {
        if let Some(ahead) = &mut self.ahead {
            return ahead.pull(batch);
        }
        let mut out = Out {
            records: batch,
            spares: &mut self.spares,
        };
        if self.follow {
            let mut read = 0;
            for lane in &mut self.lanes {
                let (n, notices) = lane.read_followed(READ_BUDGET, &self.decoding, &mut out)?;
                say(&notices);
                read += n;
            }
            return Ok(if read > 0 || !out.records.is_empty() {
                Pull::More
            } else {
                Pull::Idle
            });
        }
        let Some(lane) = self.lanes.iter_mut().find(|l| !l.ended()) else {
            return Ok(Pull::Ended);
        };
        lane.read_once(READ_BUDGET, &self.decoding, &mut out)
            .with_context(|| match &lane.path {
                Some(p) => format!("cannot read {}", p.display()),
                None => "cannot read standard input".into(),
            })?;
        Ok(Pull::More)
    }

    fn mark(&mut self) {
        if self.keeps_checkpoint {
            let here = self.lanes.iter().filter_map(Lane::checkpoint).collect();
            self.marks.push_back(here);
        }
    }

    fn durable(&mut self, ack: &Ack) -> anyhow::Result<()> {
        let Some(path) = self
            .checkpoint_path
            .as_ref()
            .filter(|_| self.keeps_checkpoint)
        else {
            return Ok(());
        };
        let covered = ack.marks.min(self.marks.len());
        let Some(reached) = self.marks.drain(..covered).next_back() else {
            return Ok(());
        };
        for (file, position) in reached {
            self.checkpoint.files.insert(file, position);
        }
        self.checkpoint.save(path)
    }

    fn take_starts(&mut self) -> Vec<String> {
        std::mem::take(&mut self.starts)
    }

    fn recycle(&mut self, spent: &mut Vec<Record>) {
        if let Some(ahead) = &mut self.ahead {
            return ahead.recycle(spent);
        }
        // About two reads' worth: enough to fill the next one, not more to hold.
        crate::pipeline::keep_spares(&mut self.spares, spent, MAX_SPARES);
    }

    fn needs_acks(&self) -> bool {
        self.keeps_checkpoint
    }

    fn unmatched(&self) -> u64 {
        let ahead = self.ahead.as_ref().map_or(0, ReadAhead::unmatched);
        ahead + self.lanes.iter().map(Lane::unmatched).sum::<u64>()
    }
}
