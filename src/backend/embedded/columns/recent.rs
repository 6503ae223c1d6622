//! Columns this thread decompressed lately, kept for a while when asked for again: a query
//! with context (`-C`) searches each match's surroundings twice and then builds the events,
//! reading the same few blocks' columns over and over (nine decompressions in ten, and the
//! fresh pages they need, were most of its time). A column is kept only the third time it
//! is decompressed: a scan over the whole store reads each column once, and a listing
//! twice (to decide, then to build the events), and copying those into the memory cost
//! more than it saved (listing every error of 2 M events: 289 -> 363 ms when kept the
//! second time). Known by its checksum and sizes, as the block's directory gives them: the same
//! stored bytes, whichever part or reader they come from.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

/// A column's checksum, stored size and decompressed size.
pub(super) type Key = (u64, usize, usize);

/// Bytes of decompressed columns a thread keeps at most.
const KEPT_BYTES: usize = 32 << 20;
/// Columns remembered as seen once, before the memory is started over.
const SEEN: usize = 1 << 16;

#[derive(Default)]
struct Recent {
    kept: HashMap<Key, Rc<[u8]>>,
    /// Kept columns, oldest first: the first to go when room is needed.
    order: VecDeque<Key>,
    bytes: usize,
    /// How often each column not kept was decompressed (below `KEPT_AT`).
    seen: HashMap<Key, u8>,
}

/// The decompression of a column that keeps it.
const KEPT_AT: u8 = 3;

thread_local! {
    static RECENT: RefCell<Recent> = RefCell::new(Recent::default());
}

/// The column known by `key`, when this thread keeps it.
pub(super) fn get(key: Key) -> Option<Rc<[u8]>> {
    RECENT.with_borrow(|recent| recent.kept.get(&key).cloned())
}

/// A column just decompressed: kept if it was decompressed twice before (and is not
/// larger than what is kept in all).
pub(super) fn offer(key: Key, column: &[u8]) {
    RECENT.with_borrow_mut(|recent| {
        if recent.seen.len() >= SEEN {
            recent.seen.clear();
        }
        let sights = recent.seen.entry(key).or_insert(0);
        *sights += 1;
        if *sights < KEPT_AT || column.len() > KEPT_BYTES || recent.kept.contains_key(&key) {
            return;
        }
        recent.seen.remove(&key);
        while recent.bytes + column.len() > KEPT_BYTES {
            let Some(oldest) = recent.order.pop_front() else {
                break;
            };
            if let Some(gone) = recent.kept.remove(&oldest) {
                recent.bytes -= gone.len();
            }
        }
        recent.bytes += column.len();
        recent.order.push_back(key);
        recent.kept.insert(key, Rc::from(column));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_kept_the_third_time_and_the_oldest_goes_first() {
        let big = vec![7u8; KEPT_BYTES / 2];
        let (a, b, c) = ((1, 1, big.len()), (2, 1, big.len()), (3, 1, big.len()));
        offer(a, &big);
        offer(a, &big);
        assert!(get(a).is_none(), "seen twice: not kept");
        offer(a, &big);
        assert_eq!(get(a).as_deref(), Some(big.as_slice()));
        for _ in 0..KEPT_AT {
            offer(b, &big);
            offer(c, &big);
        }
        assert!(get(a).is_none(), "the oldest made room");
        assert!(get(b).is_some() && get(c).is_some());
    }
}
