//! The column store's writer: events kept per stream and sealed into blocks (full ones on
//! a second thread), one part per commit, and the manifest naming the parts with the
//! source positions they reach, so contents and positions move together.

use super::block;
use super::expire::{expire, Expired};
use super::manifest::{Manifest, FORMAT};
use super::merge::{merge, run_to_merge};
use super::open_streams::OpenStreams;
use super::part::{self, Part, PartIdentity};
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

/// The steps of a commit, merge or retention after which a test stops the writer, as if
/// its process died there.
#[cfg(test)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A commit's part is in place; the manifest naming it is not stored.
    PartWritten,
    /// A merge's or retention's new part is in place; the manifest naming it is not stored.
    ReplacementWritten,
    /// The manifest naming the replacement is stored; the parts it replaced are not removed.
    ManifestStored,
}

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
    /// Files in `parts/` the manifest did not account for, moved to `orphans/` on open.
    orphaned: Vec<Orphan>,
    #[cfg(test)]
    dies_at: Option<Step>,
}

impl ColumnWriter {
    /// Opens the store in `dir`, creating it when there is none. A missing or unreadable
    /// manifest while parts exist is refused (`logagg repair` rebuilds it). Nothing the
    /// manifest does not account for is deleted: temporary files of an unfinished part or
    /// manifest go, parts a merge or retention retired go, and any other file in `parts/`
    /// (a part written by a commit that never finished, or a stranger) moves to
    /// `DIR/orphans/` (see `orphaned`). Parts named there that cannot be opened are moved to
    /// `DIR/damaged/` and taken out of the manifest (see `set_aside`), so writing can go on.
    pub fn open(dir: &Path) -> Result<ColumnWriter> {
        let parts = dir.join("parts");
        let mut manifest = match Manifest::load(dir)? {
            Some(manifest) => manifest,
            None => {
                std::fs::create_dir_all(&parts)
                    .context(|| format!("cannot create {}", parts.display()))?;
                let fresh = Manifest {
                    format: FORMAT,
                    ..Manifest::default()
                };
                fresh.store(dir)?;
                fresh
            }
        };
        std::fs::create_dir_all(&parts).context(|| format!("cannot create {}", parts.display()))?;
        let orphaned = tidy_parts(dir, &mut manifest)?;
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
            orphaned,
            #[cfg(test)]
            dies_at: None,
        })
    }

    /// Has the writer fail at `step` (the test then forgets it, as a killed process would).
    #[cfg(test)]
    pub fn dying_at(mut self, step: Step) -> ColumnWriter {
        self.dies_at = Some(step);
        self
    }

    #[cfg(test)]
    fn reached(&self, step: Step) -> Result<()> {
        if self.dies_at == Some(step) {
            return Err(StoreError::Io {
                context: format!("died at {step:?}"),
                cause: std::io::Error::other("a test stopped the writer"),
            });
        }
        Ok(())
    }

    /// Files this writer found in `parts/` that the manifest did not account for, and
    /// moved to `DIR/orphans/` (where they now are) when it opened the store.
    pub fn orphaned(&self) -> &[Orphan] {
        &self.orphaned
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
        self.append_with_fields_text(event, "", "", position)
    }

    /// `append` of an event whose `fields` are the object `fields_text` (see
    /// `PendingBlock::push_with_fields_text`), read when its block is sealed.
    pub fn append_with_fields_text(
        &mut self,
        event: &LogEvent,
        fields_text: &str,
        file_path: &str,
        position: Option<&Position<'_>>,
    ) -> Result<()> {
        if let Some(position) = position {
            self.skip(position);
        }
        let streams = self.streams.len();
        let pending = self
            .streams
            .get_or_open(&event.service, &event.host, Box::default);
        pending.push_with_fields_text(event, fields_text, file_path, self.next_seq);
        self.next_seq += 1;
        self.uncommitted += 1;
        if pending.len() >= self.block_events {
            self.sealer.seal_full(pending, streams)?;
        }
        Ok(())
    }

    /// Records `stream` as begun with nothing of it read (resume at offset 0), at the next
    /// commit; a stream that has a position keeps it.
    pub fn begin(&mut self, stream: &str) {
        if self.resume_offset(stream).is_none() && !self.positions.contains_key(stream) {
            self.positions.insert(stream.to_owned(), 0);
        }
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
            let number = self.manifest.next_part;
            let name = self.next_part_name();
            let identity = self.identity_after_commit(number);
            let events = self.sealer.finish(rest, self.part_path(&name), identity)?;
            // No events, no part file: nothing to name.
            if events > 0 {
                #[cfg(test)]
                self.reached(Step::PartWritten)?;
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
        let name = Manifest::part_name(self.manifest.next_part);
        self.manifest.next_part += 1;
        name
    }

    /// The identity of part `number`, written by the commit under way: what the manifest
    /// will say once it is stored.
    fn identity_after_commit(&self, number: u64) -> PartIdentity {
        let mut positions = self.manifest.positions.clone();
        positions.extend(self.positions.iter().map(|(s, &o)| (s.clone(), o)));
        PartIdentity {
            number,
            next_seq: self.next_seq,
            positions,
        }
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
            let number = self.manifest.next_part;
            let merged = self.next_part_name();
            let out = self.part_path(&merged);
            let parts: Vec<&Part> = opened.iter().collect();
            if let Err(e) = merge(&parts, &out, number, self.block_events) {
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
            #[cfg(test)]
            self.reached(Step::ReplacementWritten)?;
            self.manifest.parts.splice(run, [merged]);
            self.replace_manifest(&names)?;
        }
    }

    /// Stores the manifest, naming `gone` as retired, then removes those part files (a
    /// crash in between leaves them retired, and the next writer removes them). Readers
    /// that still have them open go on reading them; new readers see the new manifest.
    fn replace_manifest(&mut self, gone: &[String]) -> Result<()> {
        self.manifest.retired = gone.to_vec();
        self.manifest.store(&self.dir)?;
        #[cfg(test)]
        self.reached(Step::ManifestStored)?;
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
            let fresh = Manifest::part_name(next_part);
            let expired = Part::open(&self.part_path(name))
                .and_then(|part| expire(&part, cutoff, &self.part_path(&fresh), next_part));
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
        #[cfg(test)]
        self.reached(Step::ReplacementWritten)?;
        self.manifest.parts = kept;
        self.manifest.next_part = next_part;
        self.replace_manifest(&gone)?;
        Ok(removed)
    }
}

/// A file the manifest did not account for, moved to `DIR/orphans/`, and what it holds as
/// far as the store can tell: what the operator needs to know before removing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orphan {
    pub path: PathBuf,
    pub holds: OrphanHolds,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrphanHolds {
    /// Events whose sequence numbers the store's parts all cover: the output of a merge or
    /// retention cut short, a copy of what the store holds.
    Copy,
    /// Events numbered after every committed one: a commit cut short, whose source sends
    /// them again when it resumes.
    Uncommitted,
    /// Neither (not a part, unreadable, or events the store does not hold): look at it.
    Unknown,
}

/// Accounts for every file in `DIR/parts`: a temporary file (a part or manifest whose
/// writing never finished) is removed, as is a part the manifest names as retired; any
/// other file the manifest does not list moves to `DIR/orphans/`, never deleted. Returns
/// where the orphans went. The manifest is stored again when its retired list changed.
fn tidy_parts(dir: &Path, manifest: &mut Manifest) -> Result<Vec<Orphan>> {
    let parts = dir.join("parts");
    let temporary = Manifest::temporary_path(dir);
    if temporary.exists() {
        std::fs::remove_file(&temporary)
            .context(|| format!("cannot remove {}", temporary.display()))?;
    }
    let listed: BTreeSet<&String> = manifest.parts.iter().collect();
    let mut strays = Vec::new();
    for entry in std::fs::read_dir(&parts)
        .context(|| format!("cannot list {}", parts.display()))?
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if listed.contains(&name) {
            continue;
        }
        if name.ends_with(".tmp") || manifest.retired.contains(&name) {
            std::fs::remove_file(entry.path())
                .context(|| format!("cannot remove {}", entry.path().display()))?;
            continue;
        }
        strays.push((name, entry.path()));
    }
    let mut orphaned = Vec::new();
    if !strays.is_empty() {
        let covered = listed_spans(dir, manifest);
        let aside = dir.join("orphans");
        std::fs::create_dir_all(&aside).context(|| format!("cannot create {}", aside.display()))?;
        for (name, from) in strays {
            let holds = what_an_orphan_holds(&from, &covered, manifest.next_seq);
            let to = free_name(&aside, &name);
            std::fs::rename(&from, &to)
                .context(|| format!("cannot move {} to {}", from.display(), to.display()))?;
            orphaned.push(Orphan { path: to, holds });
        }
    }
    if !manifest.retired.is_empty() {
        manifest.retired.clear();
        manifest.store(dir)?;
    }
    Ok(orphaned)
}

/// The sequence spans of the parts the manifest lists, joined where they meet or overlap,
/// in order (a part that cannot be opened counts for nothing).
fn listed_spans(dir: &Path, manifest: &Manifest) -> Vec<(u64, u64)> {
    let mut spans: Vec<(u64, u64)> = manifest
        .parts
        .iter()
        .filter_map(|name| Part::open(&dir.join("parts").join(name)).ok()?.seq_span())
        .collect();
    spans.sort_unstable();
    let mut joined: Vec<(u64, u64)> = Vec::with_capacity(spans.len());
    for (first, last) in spans {
        match joined.last_mut() {
            Some(open) if first <= open.1.saturating_add(1) => open.1 = open.1.max(last),
            _ => joined.push((first, last)),
        }
    }
    joined
}

fn what_an_orphan_holds(path: &Path, covered: &[(u64, u64)], next_seq: u64) -> OrphanHolds {
    let Some((first, last)) = Part::open(path).ok().and_then(|part| part.seq_span()) else {
        return OrphanHolds::Unknown;
    };
    if first >= next_seq {
        OrphanHolds::Uncommitted
    } else if covered.iter().any(|&(f, l)| f <= first && last <= l) {
        OrphanHolds::Copy
    } else {
        OrphanHolds::Unknown
    }
}

/// `dir/name`, or `dir/name.1`, `.2`, ... when that is taken: nothing set aside is overwritten.
pub(super) fn free_name(dir: &Path, name: &str) -> PathBuf {
    let mut candidate = dir.join(name);
    let mut n = 0;
    while candidate.exists() {
        n += 1;
        candidate = dir.join(format!("{name}.{n}"));
    }
    candidate
}

/// Opens every part the manifest names; those that cannot be opened move to `DIR/damaged/`
/// (those missing are only forgotten) and leave the manifest, which is stored again. Their
/// events are lost to queries; the sources' positions stay past them.
fn set_aside_damaged(dir: &Path, manifest: &mut Manifest) -> Result<Vec<DamagedSegment>> {
    let mut damaged = Vec::new();
    let mut spans = Vec::with_capacity(manifest.parts.len());
    for name in &manifest.parts {
        let path = dir.join("parts").join(name);
        spans.push(None);
        let reason = match Part::open(&path) {
            Ok(part) => {
                if let Some(slot) = spans.last_mut() {
                    *slot = part.seq_span();
                }
                continue;
            }
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
    for (twice, first) in part::overlapping(&spans) {
        damaged.push(DamagedSegment {
            id: manifest.parts[twice].clone(),
            files: dir.join("parts").join(&manifest.parts[twice]),
            events: None,
            reason: format!(
                "its events are already in the part {} (a copy?)",
                manifest.parts[first]
            ),
            set_aside_by_writer: true,
        });
    }
    if damaged.is_empty() {
        return Ok(damaged);
    }
    let aside = dir.join("damaged");
    std::fs::create_dir_all(&aside).context(|| format!("cannot create {}", aside.display()))?;
    for segment in damaged.iter().filter(|d| d.files.exists()) {
        std::fs::rename(&segment.files, free_name(&aside, &segment.id))
            .context(|| format!("cannot move {} aside", segment.files.display()))?;
    }
    manifest
        .parts
        .retain(|name| !damaged.iter().any(|d| &d.id == name));
    manifest.store(dir)?;
    Ok(damaged)
}
