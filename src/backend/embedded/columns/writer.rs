//! The column store's writer: events kept per stream and sealed into blocks (full ones on
//! a second thread), one part per commit, and the manifest naming the parts with the
//! source positions they reach, so contents and positions move together.

use super::block;
use super::expire::{expire, Expired};
use super::manifest::{Manifest, FORMAT};
use super::merge::{merge, run_to_merge};
use super::open_streams::OpenStreams;
use super::part::{self, Part};
use super::sealer::Sealer;
use crate::backend::embedded::damage::DamagedSegment;
use crate::backend::embedded::error::{Context, Result, StoreError};
use crate::event::{LogEvent, Position, Timestamp};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Events per block: large enough for columns to compress, small enough that a selective
/// query decodes little, and that the blocks waiting in memory (one per stream) stay
/// small: each is filled in memory the kernel must zero first. Halving 8,192 cost 1 % on
/// disk and sped `simulate` and `ship` into the store by a tenth to a sixth.
pub const BLOCK_EVENTS: usize = 4096;

pub struct ColumnWriter {
    dir: PathBuf,
    manifest: Manifest,
    /// Events not yet in a block, per stream (service, host), in arrival order, with
    /// their sequence numbers.
    streams: OpenStreams,
    /// The sequence number of the next event appended.
    next_seq: u64,
    /// Source positions reached by what is not yet committed.
    positions: BTreeMap<String, u64>,
    sealer: Sealer,
    block_events: usize,
    /// Events appended since the last commit.
    uncommitted: u64,
    last_commit: Instant,
    /// Parts a merge could not read (a damaged block): left as they are.
    unmergeable: BTreeSet<String>,
    set_aside: Vec<DamagedSegment>,
}

impl ColumnWriter {
    /// Opens the store in `dir`, creating it when there is none. Part files the manifest
    /// does not name (a crash after writing a part and before the manifest) are removed;
    /// parts named there that cannot be opened are moved to `DIR/damaged/` and taken out of
    /// the manifest (see `set_aside`), so writing can go on.
    pub fn open(dir: &Path) -> Result<ColumnWriter> {
        let parts = dir.join("parts");
        std::fs::create_dir_all(&parts).context(|| format!("cannot create {}", parts.display()))?;
        let mut manifest = match Manifest::load(dir)? {
            Some(manifest) => manifest,
            None => {
                let fresh = Manifest {
                    format: FORMAT,
                    ..Manifest::default()
                };
                fresh.store(dir)?;
                fresh
            }
        };
        for entry in std::fs::read_dir(&parts)
            .context(|| format!("cannot list {}", parts.display()))?
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !manifest.parts.contains(&name) {
                std::fs::remove_file(entry.path())
                    .context(|| format!("cannot remove the unfinished part {name}"))?;
            }
        }
        let set_aside = set_aside_damaged(dir, &mut manifest)?;
        Ok(ColumnWriter {
            dir: dir.to_path_buf(),
            next_seq: manifest.next_seq,
            manifest,
            streams: OpenStreams::default(),
            positions: BTreeMap::new(),
            sealer: Sealer::start(dir)?,
            block_events: BLOCK_EVENTS,
            uncommitted: 0,
            last_commit: Instant::now(),
            unmergeable: BTreeSet::new(),
            set_aside,
        })
    }

    /// Blocks of at most `events` events instead of `BLOCK_EVENTS`.
    pub fn with_block_events(mut self, events: usize) -> ColumnWriter {
        self.block_events = events.clamp(1, block::MAX_EVENTS);
        self
    }

    /// Has the writer seal full blocks itself at another backlog of the sealing thread.
    #[cfg(test)]
    pub fn with_help_at(mut self, help_at: fn(usize) -> usize) -> ColumnWriter {
        self.sealer.help_at(help_at);
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Damaged parts this writer took out of the store when it opened it.
    pub fn set_aside(&self) -> &[DamagedSegment] {
        &self.set_aside
    }

    /// The offset to resume `stream` at: after the last event of it committed.
    pub fn resume_offset(&self, stream: &str) -> Option<u64> {
        self.manifest.positions.get(stream).copied()
    }

    /// Every committed stream whose name starts with `prefix`, with its resume offset.
    pub fn streams_with_prefix(&self, prefix: &str) -> Vec<(String, u64)> {
        crate::backend::embedded::checkpoint::streams_with_prefix(&self.manifest.positions, prefix)
    }

    /// Adds `event` (copied into its stream's columns: the caller may fill it again).
    pub fn append(&mut self, event: &LogEvent, position: Option<&Position<'_>>) -> Result<()> {
        self.append_with_fields_text(event, "", position)
    }

    /// `append` of an event whose `fields` are the object `fields_text` (see
    /// `PendingBlock::push_with_fields_text`), read when its block is sealed.
    pub fn append_with_fields_text(
        &mut self,
        event: &LogEvent,
        fields_text: &str,
        position: Option<&Position<'_>>,
    ) -> Result<()> {
        if let Some(position) = position {
            self.skip(position);
        }
        let streams = self.streams.len();
        let pending = self
            .streams
            .get_or_open(&event.service, &event.host, Box::default);
        pending.push_with_fields_text(event, fields_text, self.next_seq);
        self.next_seq += 1;
        self.uncommitted += 1;
        if pending.len() >= self.block_events {
            self.sealer.seal_full(pending, streams)?;
        }
        Ok(())
    }

    /// Moves a stream's position past an event that is not stored.
    pub fn skip(&mut self, position: &Position<'_>) {
        let next = position.offset.saturating_add(1);
        match self.positions.get_mut(position.stream) {
            Some(slot) => *slot = next,
            None => {
                self.positions.insert(position.stream.to_string(), next);
            }
        }
    }

    /// Whether anything (events or positions) waits for a commit.
    pub fn has_pending(&self) -> bool {
        self.uncommitted > 0 || !self.positions.is_empty()
    }

    pub fn uncommitted(&self) -> u64 {
        self.uncommitted
    }

    /// Whether anything is pending and `interval` has passed since the last commit.
    pub fn is_due(&self, interval: Duration) -> bool {
        self.has_pending() && self.last_commit.elapsed() >= interval
    }

    /// Seals what was appended into a part and names it, with the positions reached, in the
    /// manifest; then merges the newest small parts when enough have gathered. Returns the
    /// events committed.
    pub fn commit(&mut self) -> Result<u64> {
        // The rest of each stream is sealed here while the thread finishes the full blocks;
        // a stream's full blocks go into the part before its rest, keeping arrival order.
        // A stream that sent nothing since the last commit is forgotten with its room; the
        // others keep theirs, emptied, for the next commit's events.
        self.streams.close_empty();
        let mut rest = Vec::with_capacity(self.streams.len());
        for stream in self.streams.sorted_mut() {
            rest.push(part::seal_pending(&mut stream.pending).map_err(|e| {
                StoreError::Damaged {
                    dir: self.dir.clone(),
                    reason: e.to_string(),
                }
            })?);
            stream.pending.clear();
        }
        self.last_commit = Instant::now();
        let appended = std::mem::take(&mut self.uncommitted);
        // A part number is spent only on a part that will exist.
        let events = if appended > 0 {
            let name = self.next_part_name();
            let events = self.sealer.finish(rest, self.part_path(&name))?;
            // No events, no part file: nothing to name.
            if events > 0 {
                self.manifest.parts.push(name);
            }
            events
        } else {
            0
        };
        if events == 0 && self.positions.is_empty() {
            return Ok(0);
        }
        self.manifest.positions.append(&mut self.positions);
        self.manifest.next_seq = self.next_seq;
        self.manifest.store(&self.dir)?;
        if events > 0 {
            self.merge_small_parts()?;
        }
        Ok(events)
    }

    /// Commits what is pending; the store is left complete.
    pub fn close(mut self) -> Result<u64> {
        self.commit()
    }

    fn next_part_name(&mut self) -> String {
        let name = format!("{:016}.part", self.manifest.next_part);
        self.manifest.next_part += 1;
        name
    }

    fn part_path(&self, name: &str) -> PathBuf {
        self.dir.join("parts").join(name)
    }

    /// Merges runs of small parts until none is due (see `merge.rs`). A part that cannot be
    /// read whole is left as it is, and readers report its damage.
    fn merge_small_parts(&mut self) -> Result<()> {
        loop {
            let sizes: Vec<Option<u64>> = self
                .manifest
                .parts
                .iter()
                .map(|name| {
                    if self.unmergeable.contains(name) {
                        return None;
                    }
                    std::fs::metadata(self.part_path(name))
                        .ok()
                        .map(|m| m.len())
                })
                .collect();
            let Some(run) = run_to_merge(&sizes) else {
                return Ok(());
            };
            let names: Vec<String> = self.manifest.parts[run.clone()].to_vec();
            let mut opened = Vec::with_capacity(names.len());
            for name in &names {
                match Part::open(&self.part_path(name)) {
                    Ok(part) => opened.push(part),
                    Err(_) => {
                        self.unmergeable.insert(name.clone());
                    }
                }
            }
            if opened.len() < names.len() {
                continue;
            }
            let merged = self.next_part_name();
            let out = self.part_path(&merged);
            let parts: Vec<&Part> = opened.iter().collect();
            if let Err(e) = merge(&parts, &out, self.block_events) {
                let _ = std::fs::remove_file(&out);
                if let StoreError::Damaged { dir, .. } = &e {
                    self.unmergeable
                        .extend(names.iter().filter(|n| dir.ends_with(n)).cloned());
                }
                if !names.iter().any(|n| self.unmergeable.contains(n)) {
                    return Err(e);
                }
                continue;
            }
            self.manifest.parts.splice(run, [merged]);
            self.replace_manifest(&names)?;
        }
    }

    /// Stores the manifest, then removes the part files it no longer names. Readers that
    /// still have them open go on reading them; new readers see the new manifest.
    fn replace_manifest(&mut self, gone: &[String]) -> Result<()> {
        self.manifest.store(&self.dir)?;
        for name in gone {
            let path = self.part_path(name);
            std::fs::remove_file(&path)
                .context(|| format!("cannot remove the replaced part {}", path.display()))?;
        }
        Ok(())
    }

    /// Commits what is pending, then removes every event older than `cutoff`: parts wholly
    /// older are dropped, parts partly older written again. Source positions stay as they
    /// are. Returns the events removed.
    pub fn expire_older_than(&mut self, cutoff: Timestamp) -> Result<u64> {
        self.commit()?;
        let mut removed = 0;
        let (mut kept, mut gone, mut written) = (Vec::new(), Vec::new(), Vec::new());
        let mut next_part = self.manifest.next_part;
        for name in &self.manifest.parts {
            let fresh = format!("{next_part:016}.part");
            let expired = Part::open(&self.part_path(name))
                .and_then(|part| expire(&part, cutoff, &self.part_path(&fresh)));
            match expired {
                Ok(Expired::Untouched) => kept.push(name.clone()),
                Ok(Expired::Whole { removed: n }) => {
                    removed += n;
                    gone.push(name.clone());
                }
                Ok(Expired::Rewritten { removed: n }) => {
                    removed += n;
                    gone.push(name.clone());
                    kept.push(fresh.clone());
                    written.push(fresh);
                    next_part += 1;
                }
                Err(e) => {
                    // Nothing changes: the parts written so far are not named anywhere.
                    for name in written.iter().chain([&fresh]) {
                        let _ = std::fs::remove_file(self.part_path(name));
                    }
                    return Err(e);
                }
            }
        }
        self.manifest.parts = kept;
        self.manifest.next_part = next_part;
        self.replace_manifest(&gone)?;
        Ok(removed)
    }
}

/// Opens every part the manifest names; those that cannot be opened move to `DIR/damaged/`
/// (those missing are only forgotten) and leave the manifest, which is stored again. Their
/// events are lost to queries; the sources' positions stay past them.
fn set_aside_damaged(dir: &Path, manifest: &mut Manifest) -> Result<Vec<DamagedSegment>> {
    let mut damaged = Vec::new();
    for name in &manifest.parts {
        let path = dir.join("parts").join(name);
        let reason = match Part::open(&path) {
            Ok(_) => continue,
            Err(StoreError::Damaged { reason, .. }) => reason,
            Err(StoreError::Io { cause, .. }) if cause.kind() == std::io::ErrorKind::NotFound => {
                "the file is missing".to_string()
            }
            Err(e) => return Err(e),
        };
        damaged.push(DamagedSegment {
            id: name.clone(),
            files: path,
            events: None,
            reason,
            set_aside_by_writer: true,
        });
    }
    if damaged.is_empty() {
        return Ok(damaged);
    }
    let aside = dir.join("damaged");
    std::fs::create_dir_all(&aside).context(|| format!("cannot create {}", aside.display()))?;
    for segment in damaged.iter().filter(|d| d.files.exists()) {
        std::fs::rename(&segment.files, aside.join(&segment.id))
            .context(|| format!("cannot move {} aside", segment.files.display()))?;
    }
    manifest
        .parts
        .retain(|name| !damaged.iter().any(|d| &d.id == name));
    manifest.store(dir)?;
    Ok(damaged)
}
