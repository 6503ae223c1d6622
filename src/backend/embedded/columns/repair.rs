//! Rebuilding a column store's manifest from its parts, when the manifest is missing,
//! unreadable or lists a part twice, or the store's marker is lost. Each part carries its
//! identity (its number, and the positions and next sequence number of the commit that
//! wrote it), so the parts alone say what the store holds and where its sources stopped.
//!
//! A plan is worked out first and said in full; nothing is deleted: files that cannot be
//! part of the store (unreadable, or holding events another part holds) move to
//! `orphans/` or `damaged/`.

use super::manifest::{part_files, Manifest, FORMAT};
use super::part::Part;
use crate::backend::embedded::error::{Context, Result, StoreError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What `apply` would do to the store in `dir`.
#[derive(Debug)]
pub struct RepairPlan {
    pub dir: PathBuf,
    /// Why the store needs repair (empty: it does not).
    pub problems: Vec<String>,
    /// The manifest to store, naming the parts kept.
    pub manifest: Manifest,
    /// Events in the parts kept.
    pub events: u64,
    /// Files to move out of `parts/`, where to, and why.
    pub moves: Vec<Move>,
    /// Parts kept that were written before parts carried their identity: the source
    /// positions their commits reached are not known.
    pub without_identity: Vec<String>,
    /// Whether the manifest is rebuilt (otherwise only the marker is written).
    pub rebuild: bool,
    /// Whether the store's marker must be written.
    pub write_marker: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Move {
    pub name: String,
    pub to: &'static str,
    pub why: String,
}

impl RepairPlan {
    pub fn needed(&self) -> bool {
        !self.problems.is_empty()
    }
}

/// Works out how to repair the column store in `dir` (read only). The caller holds the
/// writer lock, so nothing changes meanwhile.
pub fn plan(dir: &Path, marker_missing: bool) -> Result<RepairPlan> {
    let mut problems = Vec::new();
    if marker_missing {
        problems.push("store.json is missing or unreadable".to_string());
    }
    let current = match Manifest::load(dir) {
        Ok(manifest) => manifest,
        Err(StoreError::NeedsRepair { reason, .. }) => {
            problems.push(reason);
            None
        }
        Err(e) => return Err(e),
    };
    let names = part_files(dir)?;
    if let Some(manifest) = current {
        // The manifest is sound: nothing to rebuild (a writer accounts for stray files).
        return Ok(RepairPlan {
            dir: dir.to_path_buf(),
            problems,
            events: 0,
            manifest,
            moves: Vec::new(),
            without_identity: Vec::new(),
            rebuild: false,
            write_marker: marker_missing,
        });
    }
    let mut moves = Vec::new();
    let mut opened: Vec<(u64, String, Part)> = Vec::new();
    for name in names {
        let Some(number) = Manifest::part_number(&name) else {
            moves.push(Move {
                name,
                to: "orphans",
                why: "not named as a part is".into(),
            });
            continue;
        };
        match Part::open(&dir.join("parts").join(&name)) {
            Ok(part) => opened.push((number, name, part)),
            Err(StoreError::Damaged { reason, .. }) => moves.push(Move {
                name,
                to: "damaged",
                why: reason,
            }),
            Err(e) => return Err(e),
        }
    }
    // The newest write of a set of events wins: a merge or retention writes its part
    // before it retires the ones it replaces, so of two parts holding the same events the
    // one with the higher number is the one the store went on with.
    opened.sort_by_key(|(number, _, _)| std::cmp::Reverse(*number));
    let mut kept: Vec<(u64, String, Part)> = Vec::new();
    let mut kept_spans = KeptSpans::default();
    for (number, name, part) in opened {
        let clash = part
            .seq_span()
            .and_then(|span| kept_spans.overlapping(span));
        match clash {
            Some(by) => moves.push(Move {
                name,
                to: "orphans",
                why: format!(
                    "its events are in {}, written after it (a merge or retention cut short)",
                    kept[by].1
                ),
            }),
            None => {
                if let Some(span) = part.seq_span() {
                    kept_spans.insert(span, kept.len());
                }
                kept.push((number, name, part));
            }
        }
    }
    kept.sort_by_key(|(number, _, part)| (part.seq_span().map(|(first, _)| first), *number));
    let mut manifest = Manifest {
        format: FORMAT,
        ..Manifest::default()
    };
    let mut events = 0;
    let mut without_identity = Vec::new();
    let mut positions: BTreeMap<String, u64> = BTreeMap::new();
    for (number, name, part) in &kept {
        events += part.blocks.iter().map(|b| b.events).sum::<u64>();
        manifest.next_part = manifest.next_part.max(number + 1);
        if let Some((_, last)) = part.seq_span() {
            manifest.next_seq = manifest.next_seq.max(last + 1);
        }
        match &part.identity {
            Some(identity) => {
                manifest.next_seq = manifest.next_seq.max(identity.next_seq);
                for (stream, &offset) in &identity.positions {
                    let slot = positions.entry(stream.clone()).or_insert(offset);
                    *slot = (*slot).max(offset);
                }
            }
            None => without_identity.push(name.clone()),
        }
        manifest.parts.push(name.clone());
    }
    for moved in &moves {
        if let Some(number) = Manifest::part_number(&moved.name) {
            manifest.next_part = manifest.next_part.max(number + 1);
        }
    }
    manifest.positions = positions;
    Ok(RepairPlan {
        dir: dir.to_path_buf(),
        problems,
        manifest,
        events,
        moves,
        without_identity,
        rebuild: true,
        write_marker: marker_missing,
    })
}

/// The sequence spans of the parts kept so far, which never overlap one another: a span
/// overlaps one of them exactly when the last kept span starting at or before its end
/// reaches its start (a lookup, not a pass over every part kept).
#[derive(Default)]
struct KeptSpans {
    /// First sequence number -> (last sequence number, index in the kept list).
    by_first: BTreeMap<u64, (u64, usize)>,
}

impl KeptSpans {
    fn overlapping(&self, (first, last): (u64, u64)) -> Option<usize> {
        let (_, &(k_last, index)) = self.by_first.range(..=last).next_back()?;
        (k_last >= first).then_some(index)
    }

    fn insert(&mut self, (first, last): (u64, u64), index: usize) {
        self.by_first.insert(first, (last, index));
    }
}

/// Carries out `plan`: files move aside first, then the manifest is stored (atomically),
/// then the marker.
pub fn apply(plan: &RepairPlan) -> Result<()> {
    if !plan.needed() {
        return Ok(());
    }
    for moved in &plan.moves {
        let aside = plan.dir.join(moved.to);
        std::fs::create_dir_all(&aside).context(|| format!("cannot create {}", aside.display()))?;
        let from = plan.dir.join("parts").join(&moved.name);
        let to = super::writer::free_name(&aside, &moved.name);
        std::fs::rename(&from, &to)
            .context(|| format!("cannot move {} to {}", from.display(), to.display()))?;
    }
    if plan.rebuild {
        std::fs::create_dir_all(plan.dir.join("parts"))
            .context(|| format!("cannot create {}", plan.dir.join("parts").display()))?;
        plan.manifest.store(&plan.dir)?;
    }
    if plan.write_marker {
        crate::backend::embedded::layout::write_marker(
            &plan.dir,
            crate::backend::embedded::layout::COLUMNS_FORMAT,
        )?;
    }
    Ok(())
}

/// Repairs the store in `dir` under the writer lock (`dry_run`: works out the plan only).
pub fn repair(dir: &Path, dry_run: bool) -> Result<RepairPlan> {
    use crate::backend::embedded::layout::{format_of, has_index, COLUMNS_FORMAT};
    if !dir.is_dir() {
        return Err(StoreError::NotFound {
            dir: dir.to_path_buf(),
        });
    }
    let _lock = crate::backend::embedded::lock::WriterLock::acquire(dir, "logagg repair")?;
    let marker_missing = match format_of(dir) {
        Ok(Some(COLUMNS_FORMAT)) => false,
        Ok(Some(format)) => {
            return Err(StoreError::Damaged {
                dir: dir.to_path_buf(),
                reason: format!("repair mends column stores (format {COLUMNS_FORMAT}); this one is format {format}"),
            })
        }
        Ok(None) if has_index(dir) => {
            return Err(StoreError::Damaged {
                dir: dir.to_path_buf(),
                reason: "its marker is lost and it is an indexed store (format 1-2), which repair does not mend".into(),
            })
        }
        Ok(None) | Err(StoreError::NeedsRepair { .. }) => true,
        Err(e) => return Err(e),
    };
    if marker_missing && !Manifest::path(dir).exists() && part_files(dir)?.is_empty() {
        return Err(StoreError::NotFound {
            dir: dir.to_path_buf(),
        });
    }
    let plan = plan(dir, marker_missing)?;
    if !dry_run {
        apply(&plan)?;
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::KeptSpans;
    use proptest::prelude::*;

    proptest! {
        /// Kept as repair keeps them (a span is kept only when it overlaps none kept), the
        /// lookup names a kept span that overlaps whenever one does.
        #[test]
        fn a_clash_is_found_as_a_search_of_every_kept_span_finds_it(
            spans in proptest::collection::vec((0u64..200, 0u64..20), 0..60),
        ) {
            let mut kept: Vec<(u64, u64)> = Vec::new();
            let mut lookup = KeptSpans::default();
            for (first, length) in spans {
                let span = (first, first + length);
                let overlaps = |&(f, l): &(u64, u64)| span.0 <= l && f <= span.1;
                let found = lookup.overlapping(span);
                prop_assert_eq!(found.is_some(), kept.iter().any(overlaps));
                if let Some(index) = found {
                    prop_assert!(overlaps(&kept[index]));
                } else {
                    lookup.insert(span, kept.len());
                    kept.push(span);
                }
            }
        }
    }
}
