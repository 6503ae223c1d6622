//! Merging small parts. Every commit writes a part; at a slow rate (a `demo`, a quiet `ship
//! --follow`) that is one small file a second, each stream in a block of a few events that
//! compresses badly. Runs of small parts at the end of the store are merged into one: blocks
//! that are already well filled are copied as they are, the small ones of each stream are
//! decoded and sealed again together.
//!
//! Which runs: parts are put in tiers by size (a tier is four times the one below); the
//! newest parts of tier `t` or lower are merged once there are `FAN_IN` of them, so each
//! event is rewritten about once per tier it climbs, never once per commit.

use super::block;
use super::part::{self, Part, PartIdentity, Sealed};
use crate::backend::embedded::error::Result;
use crate::event::LogEvent;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

/// Parts at least this large are never merged: their blocks are already full.
pub const SMALL_PART_BYTES: u64 = 8 << 20;
/// How many parts of a tier are merged at once.
pub const FAN_IN: usize = 8;
const TIER_BASE_BYTES: u64 = 64 << 10;

fn tier(bytes: u64) -> u32 {
    (bytes / TIER_BASE_BYTES).max(1).ilog(4)
}

/// The run of parts (by position in the store, oldest first) to merge now, if any.
/// `sizes` are the parts' sizes in bytes, `None` for a part that must be left alone.
pub fn run_to_merge(sizes: &[Option<u64>]) -> Option<Range<usize>> {
    let small: Vec<u64> = sizes
        .iter()
        .rev()
        .map_while(|size| size.filter(|&s| s < SMALL_PART_BYTES))
        .collect();
    let newest = *small.first()?;
    let top = small.iter().map(|&s| tier(s)).max()?;
    for t in tier(newest)..=top {
        let run = small.iter().take_while(|&&s| tier(s) <= t).count();
        if run >= FAN_IN {
            return Some(sizes.len() - run..sizes.len());
        }
    }
    None
}

/// Writes the events of `parts` as one part at `out`, numbered `number`; blocks of at least
/// half of `block_events` events are copied, smaller ones sealed again per stream in
/// arrival order. Returns the events the new part holds.
pub fn merge(parts: &[&Part], out: &Path, number: u64, block_events: usize) -> Result<u64> {
    let mut blocks: Vec<Sealed> = Vec::new();
    let mut streams: BTreeMap<(String, String), (Vec<u64>, Vec<LogEvent>)> = BTreeMap::new();
    for part in parts {
        for (b, entry) in part.blocks.iter().enumerate() {
            let bytes = part.block_bytes(b)?;
            if entry.events as usize >= block_events / 2 {
                blocks.push(Sealed {
                    bytes,
                    entry: entry.clone(),
                });
                continue;
            }
            let (seqs, events) = block::decode_numbered(&bytes, block::Parts::ALL, None)
                .map_err(|e| part.damaged(&e))?;
            let stream = streams
                .entry((entry.service.clone(), entry.host.clone()))
                .or_default();
            stream.0.extend(seqs);
            stream.1.extend(events);
        }
    }
    for (seqs, events) in streams.values() {
        for (seqs, events) in seqs.chunks(block_events).zip(events.chunks(block_events)) {
            blocks.push(part::seal_for(out, events, seqs)?);
        }
    }
    let identity = PartIdentity::merged(number, parts.iter().filter_map(|p| p.identity.as_ref()));
    part::write_sealed(out, &blocks, &identity)?;
    Ok(blocks.iter().map(|b| b.entry.events).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_merged_until_a_tier_has_enough_parts() {
        let small = Some(10_000);
        assert_eq!(run_to_merge(&[]), None);
        assert_eq!(run_to_merge(&[small; FAN_IN - 1]), None);
        assert_eq!(run_to_merge(&[small; FAN_IN]), Some(0..FAN_IN));
        // A large part, or one left alone, ends the run.
        let mut sizes = vec![Some(SMALL_PART_BYTES), None];
        sizes.extend(vec![small; FAN_IN]);
        assert_eq!(run_to_merge(&sizes), Some(2..2 + FAN_IN));
        sizes.pop();
        assert_eq!(run_to_merge(&sizes), None);
    }

    #[test]
    fn a_merged_part_waits_for_others_of_its_tier() {
        // One merged part (a tier up) followed by fresh small ones: the small ones merge
        // among themselves first.
        let mut sizes = vec![Some(800_000)];
        sizes.extend(vec![Some(10_000); FAN_IN]);
        assert_eq!(run_to_merge(&sizes), Some(1..1 + FAN_IN));
        // Eight of the higher tier merge together.
        let sizes = vec![Some(800_000); FAN_IN];
        assert_eq!(run_to_merge(&sizes), Some(0..FAN_IN));
        // Sizes that alternate between tiers still merge.
        let sizes: Vec<Option<u64>> = (0..FAN_IN)
            .map(|i| Some(if i % 2 == 0 { 10_000 } else { 300_000 }))
            .collect();
        assert_eq!(run_to_merge(&sizes), Some(0..FAN_IN));
    }
}
