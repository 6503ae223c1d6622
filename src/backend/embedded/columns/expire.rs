//! Retention for the column store: a part whose events are all older than the cutoff is
//! dropped whole; a part with some of them is written again without them (blocks wholly
//! newer copied as they are, mixed blocks sealed again with their newer events).

use super::part::{self, Part, PartIdentity, Sealed};
use crate::backend::embedded::error::Result;
use crate::event::Timestamp;
use std::path::Path;

/// What is left of a part once the events older than a cutoff are gone.
pub enum Expired {
    /// Nothing older than the cutoff: the part stays as it is.
    Untouched,
    /// Every event is older: the part goes.
    Whole { removed: u64 },
    /// Some are: the rest were written to the new part.
    Rewritten { removed: u64 },
}

/// Works out what `cutoff` leaves of `part`, writing the rest to `out` (numbered `number`)
/// when that is a new part.
pub fn expire(part: &Part, cutoff: Timestamp, out: &Path, number: u64) -> Result<Expired> {
    if part
        .blocks
        .iter()
        .all(|b| b.events == 0 || b.oldest >= cutoff)
    {
        return Ok(Expired::Untouched);
    }
    if part
        .blocks
        .iter()
        .all(|b| b.events == 0 || b.newest < cutoff)
    {
        let removed = part.blocks.iter().map(|b| b.events).sum();
        return Ok(Expired::Whole { removed });
    }
    let mut kept: Vec<Sealed> = Vec::new();
    let mut removed = 0;
    for (b, entry) in part.blocks.iter().enumerate() {
        if entry.newest < cutoff {
            removed += entry.events;
            continue;
        }
        let bytes = part.block_bytes(b)?;
        if entry.oldest >= cutoff {
            kept.push(Sealed {
                bytes,
                entry: entry.clone(),
            });
            continue;
        }
        let (seqs, events) = part.numbered_events(&bytes)?;
        let (seqs, events): (Vec<u64>, Vec<_>) = seqs
            .into_iter()
            .zip(events)
            .filter(|(_, e)| e.timestamp >= cutoff)
            .unzip();
        removed += entry.events - events.len() as u64;
        kept.push(part::seal_for(out, &events, &seqs)?);
    }
    let identity = PartIdentity::merged(number, part.identity.as_ref());
    part::write_sealed(out, &kept, &identity)?;
    Ok(Expired::Rewritten { removed })
}
