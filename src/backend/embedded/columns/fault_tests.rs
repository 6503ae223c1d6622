//! The store under faults: a writer killed at every step of a commit, merge and retention;
//! a lost or garbled manifest; parts copied over one another; damaged blocks. Readers must
//! see the old state or the new one, never lose or repeat an event, and every answer must
//! leave out the same damaged blocks.

use super::repair::{self, RepairPlan};
use super::tests::simulated;
use super::{ColumnReader, ColumnWriter, OrphanHolds, Step};
use crate::backend::embedded::error::StoreError;
use crate::event::{LogEvent, Position, Timestamp};
use crate::query::{parse, Query};
use std::path::Path;

fn append_all(writer: &mut ColumnWriter, events: &[LogEvent], from: u64) {
    for (i, event) in events.iter().enumerate() {
        let position = Position {
            stream: "sim",
            offset: from + i as u64,
        };
        writer.append(event, Some(&position)).unwrap();
    }
}

fn fill(dir: &Path, events: &[LogEvent], from: u64) {
    let mut writer = ColumnWriter::open(dir).unwrap().with_block_events(97);
    append_all(&mut writer, events, from);
    writer.commit().unwrap();
}

fn sorted_json<'a>(events: impl Iterator<Item = &'a LogEvent>) -> Vec<String> {
    let mut lines: Vec<String> = events.map(LogEvent::to_json).collect();
    lines.sort();
    lines
}

fn held(dir: &Path) -> Vec<String> {
    let mut back = Vec::new();
    ColumnReader::open(dir)
        .unwrap()
        .scan(&Query::All, &mut |e| back.push(e.clone()))
        .unwrap();
    sorted_json(back.iter())
}

fn position(dir: &Path) -> Option<u64> {
    ColumnReader::open(dir)
        .unwrap()
        .snapshot()
        .unwrap()
        .positions
        .get("sim")
        .copied()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Kills a writer at `step` of whatever `work` makes it do, then checks: readers see the
/// state before or the state after (each event once, with the positions that go with it),
/// the next writer opens the store and loses nothing, and no repair is needed. Returns what
/// the next writer said of the files it moved to `orphans/`.
fn killed_at(
    step: Step,
    before: &[LogEvent],
    after: &[LogEvent],
    work: impl FnOnce(&mut ColumnWriter) -> Result<u64, StoreError>,
    dir: &Path,
) -> Vec<OrphanHolds> {
    let old = (sorted_json(before.iter()), position(dir));
    let mut writer = ColumnWriter::open(dir)
        .unwrap()
        .with_block_events(97)
        .dying_at(step);
    let error = work(&mut writer).unwrap_err().to_string();
    assert!(error.contains("died at"), "{error}");
    // A killed process runs no destructor.
    std::mem::forget(writer);
    let seen = (held(dir), position(dir));
    let new_events = sorted_json(after.iter());
    assert!(
        seen == old || seen.0 == new_events,
        "after a kill at {step:?} a reader saw {} events at position {:?} (before: {}, after: {})",
        seen.0.len(),
        seen.1,
        old.0.len(),
        new_events.len()
    );
    let writer = ColumnWriter::open(dir).unwrap();
    assert!(writer.set_aside().is_empty(), "{:?}", writer.set_aside());
    assert_eq!(writer.resume_offset("sim"), seen.1);
    let orphans = writer.orphaned().iter().map(|o| o.holds).collect();
    drop(writer);
    assert_eq!(held(dir), seen.0, "the next writer changed what was stored");
    let plan: RepairPlan = repair::plan(dir, false).unwrap();
    assert!(!plan.needed(), "{:?}", plan.problems);
    orphans
}

#[test]
fn a_writer_killed_after_writing_a_part_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let events = simulated(3, 2_000);
    fill(dir.path(), &events[..1_000], 0);
    let orphans = killed_at(
        Step::PartWritten,
        &events[..1_000],
        &events,
        |w| {
            append_all(w, &events[1_000..], 1_000);
            w.commit()
        },
        dir.path(),
    );
    assert_eq!(position(dir.path()), Some(1_000));
    // The part the commit never named is kept aside, not deleted, and said to hold events
    // never committed.
    assert_eq!(names_in(&dir.path().join("orphans")).len(), 1);
    assert_eq!(orphans, [OrphanHolds::Uncommitted]);
}

/// Seven small commits: the eighth makes a merge.
fn seven_small_commits(dir: &Path, events: &[LogEvent]) {
    for (i, chunk) in events[..700].chunks(100).enumerate() {
        fill(dir, chunk, 100 * i as u64);
    }
}

#[test]
fn a_writer_killed_in_a_merge_keeps_every_event_once() {
    for step in [Step::ReplacementWritten, Step::ManifestStored] {
        let dir = tempfile::tempdir().unwrap();
        let events = simulated(5, 800);
        seven_small_commits(dir.path(), &events);
        let orphans = killed_at(
            step,
            &events[..700],
            &events,
            |w| {
                append_all(w, &events[700..], 700);
                w.commit()
            },
            dir.path(),
        );
        // A merge's output never named is a copy of what the store holds, and said so.
        let expected: &[OrphanHolds] = match step {
            Step::ReplacementWritten => &[OrphanHolds::Copy],
            _ => &[],
        };
        assert_eq!(orphans, expected, "{step:?}");
        assert!(
            names_in(&dir.path().join("parts")).len() <= 8,
            "{step:?}: {:?}",
            names_in(&dir.path().join("parts"))
        );
    }
}

#[test]
fn a_writer_killed_in_retention_removes_all_or_nothing() {
    for step in [Step::ReplacementWritten, Step::ManifestStored] {
        let dir = tempfile::tempdir().unwrap();
        let events = simulated(7, 3_000);
        for (i, chunk) in events.chunks(1_000).enumerate() {
            fill(dir.path(), chunk, 1_000 * i as u64);
        }
        let mut times: Vec<Timestamp> = events.iter().map(|e| e.timestamp).collect();
        times.sort();
        let cutoff = times[1_500];
        let newer: Vec<LogEvent> = events
            .iter()
            .filter(|e| e.timestamp >= cutoff)
            .cloned()
            .collect();
        let orphans = killed_at(
            step,
            &events,
            &newer,
            |w| w.expire_older_than(cutoff),
            dir.path(),
        );
        let expected: &[OrphanHolds] = match step {
            Step::ReplacementWritten => &[OrphanHolds::Copy],
            _ => &[],
        };
        assert_eq!(orphans, expected, "{step:?}");
    }
}

#[test]
fn a_lost_manifest_is_refused_by_readers_and_writers_and_rebuilt_by_repair() {
    let dir = tempfile::tempdir().unwrap();
    let events = simulated(11, 3_000);
    fill(dir.path(), &events[..2_000], 0);
    fill(dir.path(), &events[2_000..], 2_000);
    let parts_before = names_in(&dir.path().join("parts"));
    std::fs::remove_file(dir.path().join("manifest.json")).unwrap();
    let refused = |e: Option<StoreError>| {
        let e = e.expect("refused");
        assert!(matches!(e, StoreError::NeedsRepair { .. }), "{e}");
        assert!(e.to_string().contains("logagg repair"), "{e}");
    };
    refused(ColumnReader::open(dir.path()).err());
    refused(ColumnWriter::open(dir.path()).err());
    // Nothing was deleted by either.
    assert_eq!(names_in(&dir.path().join("parts")), parts_before);
    let plan = repair::plan(dir.path(), false).unwrap();
    assert!(plan.needed());
    assert_eq!(plan.events, 3_000);
    assert!(plan.moves.is_empty(), "{:?}", plan.moves);
    repair::apply(&plan).unwrap();
    assert_eq!(held(dir.path()), sorted_json(events.iter()));
    assert_eq!(position(dir.path()), Some(3_000));
    // Writing goes on where the parts said the source stopped, and numbering too.
    let more = simulated(12, 500);
    let mut writer = ColumnWriter::open(dir.path()).unwrap();
    assert_eq!(writer.resume_offset("sim"), Some(3_000));
    append_all(&mut writer, &more, 3_000);
    writer.commit().unwrap();
    drop(writer);
    let reader = ColumnReader::open(dir.path()).unwrap();
    assert_eq!(reader.count(&Query::All).unwrap(), 3_500);
    let seqs: Vec<u64> = reader
        .arrived_between(&Query::All, None, u64::MAX - 1)
        .unwrap()
        .iter()
        .map(|f| f.seq)
        .collect();
    assert_eq!(seqs, (0..3_500).collect::<Vec<u64>>());
}

#[test]
fn a_garbled_manifest_is_damage_and_not_a_decoding_error() {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path(), &simulated(13, 500), 0);
    std::fs::write(dir.path().join("manifest.json"), [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let error = ColumnReader::open(dir.path()).err().unwrap();
    assert!(matches!(error, StoreError::NeedsRepair { .. }), "{error}");
    assert!(error.to_string().contains("unreadable"), "{error}");
}

#[test]
fn a_part_copied_over_another_is_told_apart_and_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let events = simulated(17, 3_000);
    for (i, chunk) in events.chunks(1_000).enumerate() {
        fill(dir.path(), chunk, 1_000 * i as u64);
    }
    let parts = names_in(&dir.path().join("parts"));
    assert_eq!(parts.len(), 3);
    let at = |name: &str| dir.path().join("parts").join(name);
    std::fs::copy(at(&parts[2]), at(&parts[1])).unwrap();
    let reader = ColumnReader::open(dir.path()).unwrap();
    // The copy holds the third part's events: counted once, and the second part's lost
    // events are named as damage.
    assert_eq!(reader.count(&Query::All).unwrap(), 2_000);
    let damaged = reader.damaged();
    assert_eq!(damaged.len(), 1, "{damaged:?}");
    assert!(damaged[0].reason.contains("holds part"), "{damaged:?}");
}

#[test]
fn a_manifest_that_lists_a_part_twice_needs_repair() {
    let dir = tempfile::tempdir().unwrap();
    let events = simulated(19, 2_000);
    fill(dir.path(), &events[..1_000], 0);
    fill(dir.path(), &events[1_000..], 1_000);
    let path = dir.path().join("manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let first = manifest["parts"][0].clone();
    manifest["parts"].as_array_mut().unwrap().push(first);
    std::fs::write(&path, manifest.to_string()).unwrap();
    let error = ColumnReader::open(dir.path()).err().unwrap();
    assert!(error.to_string().contains("twice"), "{error}");
    let plan = repair::plan(dir.path(), false).unwrap();
    repair::apply(&plan).unwrap();
    assert_eq!(held(dir.path()), sorted_json(events.iter()));
}

#[test]
fn repair_keeps_the_newest_write_of_events_held_twice() {
    // A merge whose retired parts were never removed, and whose manifest is then lost.
    let dir = tempfile::tempdir().unwrap();
    let events = simulated(23, 800);
    seven_small_commits(dir.path(), &events);
    let mut writer = ColumnWriter::open(dir.path())
        .unwrap()
        .with_block_events(97)
        .dying_at(Step::ManifestStored);
    append_all(&mut writer, &events[700..], 700);
    assert!(writer.commit().is_err());
    std::mem::forget(writer);
    std::fs::remove_file(dir.path().join("manifest.json")).unwrap();
    let plan = repair::plan(dir.path(), false).unwrap();
    assert_eq!(plan.manifest.parts.len(), 1, "{plan:?}");
    assert_eq!(plan.moves.len(), 8, "{plan:?}");
    repair::apply(&plan).unwrap();
    assert_eq!(held(dir.path()), sorted_json(events.iter()));
    assert_eq!(position(dir.path()), Some(800));
    assert_eq!(names_in(&dir.path().join("orphans")).len(), 8);
}

#[test]
fn a_damaged_block_is_left_out_of_counts_as_of_listings() {
    let dir = tempfile::tempdir().unwrap();
    let events = simulated(29, 3_000);
    fill(dir.path(), &events, 0);
    let part = dir
        .path()
        .join("parts")
        .join(&names_in(&dir.path().join("parts"))[0]);
    // A bit flipped in the middle of the part: inside some column of some block.
    let mut bytes = std::fs::read(&part).unwrap();
    let middle = bytes.len() / 3;
    bytes[middle] ^= 0x04;
    std::fs::write(&part, &bytes).unwrap();
    for q in ["*", "level:error", "service:*", "NOT level:info", "timeout"] {
        let query = parse(q, Timestamp::now()).unwrap();
        let reader = ColumnReader::open(dir.path()).unwrap();
        let counted = reader.count(&query).unwrap();
        let reader = ColumnReader::open(dir.path()).unwrap();
        let listed = reader
            .search(&query, crate::backend::embedded::Order::NewestFirst, None)
            .unwrap()
            .len() as u64;
        assert_eq!(counted, listed, "{q}");
        let by_service: u64 = ColumnReader::open(dir.path())
            .unwrap()
            .count_by(&query, &crate::query::Target::Service)
            .unwrap()
            .iter()
            .map(|g| g.count)
            .sum();
        assert_eq!(by_service, listed, "{q}");
        if q == "*" {
            assert!(counted < 3_000, "nothing was left out");
            assert_eq!(reader.damaged().len(), 1, "{:?}", reader.damaged());
        }
    }
}

#[test]
fn a_stranger_in_the_parts_is_moved_aside_and_said_to_need_a_look() {
    let dir = tempfile::tempdir().unwrap();
    let events = simulated(31, 500);
    fill(dir.path(), &events, 0);
    std::fs::write(dir.path().join("parts").join("notes.txt"), b"not a part").unwrap();
    let writer = ColumnWriter::open(dir.path()).unwrap();
    let orphans: Vec<OrphanHolds> = writer.orphaned().iter().map(|o| o.holds).collect();
    assert_eq!(orphans, [OrphanHolds::Unknown]);
    drop(writer);
    assert_eq!(names_in(&dir.path().join("orphans")), ["notes.txt"]);
    assert_eq!(held(dir.path()), sorted_json(events.iter()));
}
