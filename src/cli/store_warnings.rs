//! What the embedded store has to say about damage, said once on standard error.

use crate::backend::embedded::{StoreReader, StoreWriter};

/// Answers from a store with damaged segments are partial: say so, once per segment.
pub fn damaged(reader: &StoreReader) {
    for segment in reader.damaged() {
        eprintln!(
            "warning: {segment}; the next writer (ship, simulate, ingest, retention) sets it aside"
        );
    }
}

/// A writer that set damaged segments aside tells what was lost and where the files went.
pub fn set_aside(writer: &StoreWriter) {
    for segment in writer.set_aside() {
        eprintln!(
            "warning: segment {} was damaged ({}); its {} events are no longer served and its files were moved to {}",
            segment.files.display(),
            segment.reason,
            segment.events,
            writer.store().dir.join("damaged").display()
        );
    }
}
