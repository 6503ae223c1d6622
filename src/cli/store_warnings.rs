//! What the embedded store has to say about damage, said once on standard error.

use crate::backend::embedded::{StoreReader, StoreWriter};

/// Answers from a store with damaged segments are partial: say so, once per segment.
pub fn damaged(reader: &StoreReader) {
    DamageReport::default().say_new(reader);
}

/// Says the damage a long-lived reader finds (the column engine meets a damaged block
/// only when it reads it), each segment or block once, as it is found.
#[derive(Default)]
pub struct DamageReport {
    said: usize,
}

impl DamageReport {
    pub fn say_new(&mut self, reader: &StoreReader) {
        let damaged = reader.damaged();
        for segment in damaged.iter().skip(self.said) {
            if segment.set_aside_by_writer {
                eprintln!(
                    "warning: {segment}; the next writer (ship, simulate, ingest, retention) sets it aside"
                );
            } else {
                eprintln!(
                    "warning: {segment}; the file stays in place and its other blocks are read"
                );
            }
        }
        self.said = self.said.max(damaged.len());
    }
}

/// A writer that set damaged segments aside tells what was lost and where the files went.
pub fn set_aside(writer: &StoreWriter) {
    for segment in writer.set_aside() {
        eprintln!(
            "warning: segment {} was damaged ({}); {} are no longer served and its files were moved to {}",
            segment.files.display(),
            segment.reason,
            segment.lost(),
            writer.dir().join("damaged").display()
        );
    }
    for orphan in writer.orphaned() {
        use crate::backend::embedded::OrphanHolds;
        let what = match orphan.holds {
            OrphanHolds::Copy => "a merge or retention cut short: every event in it is still in the store's parts, so removing it loses nothing",
            OrphanHolds::Uncommitted => "a commit cut short: its events were never committed, and the source sends them again when it resumes, so removing it loses nothing once that source has run",
            OrphanHolds::Unknown => "not a readable part, or events the store does not hold: look at it before removing it",
        };
        eprintln!(
            "warning: the store's manifest did not name a part file; it was moved to {} ({what})",
            orphan.path.display()
        );
    }
}
