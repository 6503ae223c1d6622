//! Block heads kept in memory by a reader that stays open (`logagg serve`): a query then
//! tests each block's Bloom filter and summary without reading and checking them again,
//! which is most of what a word query costs when few blocks hold the word. The memory is
//! bounded: past the budget, heads are read from the file as if there were no cache, and a
//! part's heads are given back when the part leaves the store (merged, expired).

use super::block::Head;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// Bytes of heads one reader may keep, shared by its parts.
#[derive(Debug)]
pub struct HeadBudget {
    limit: usize,
    used: AtomicUsize,
}

impl HeadBudget {
    pub fn new(limit: usize) -> Arc<HeadBudget> {
        Arc::new(HeadBudget {
            limit,
            used: AtomicUsize::new(0),
        })
    }

    /// Bytes kept now.
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    fn take(&self, bytes: usize) -> bool {
        self.used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                used.checked_add(bytes).filter(|&after| after <= self.limit)
            })
            .is_ok()
    }

    fn give_back(&self, bytes: usize) {
        self.used.fetch_sub(bytes, Ordering::Relaxed);
    }
}

/// The heads kept of one part's blocks.
#[derive(Debug)]
pub struct PartHeads {
    budget: Arc<HeadBudget>,
    heads: Vec<OnceLock<Head>>,
    held: AtomicUsize,
}

impl PartHeads {
    pub fn new(budget: Arc<HeadBudget>, blocks: usize) -> PartHeads {
        PartHeads {
            budget,
            heads: (0..blocks).map(|_| OnceLock::new()).collect(),
            held: AtomicUsize::new(0),
        }
    }

    pub fn get(&self, block: usize) -> Option<&Head> {
        self.heads.get(block).and_then(OnceLock::get)
    }

    /// Keeps `head` of `block` if the budget has room for it.
    pub fn keep(&self, block: usize, head: &Head) {
        let Some(slot) = self.heads.get(block) else {
            return;
        };
        let bytes = head.bytes();
        if !self.budget.take(bytes) {
            return;
        }
        if slot.set(head.clone()).is_ok() {
            self.held.fetch_add(bytes, Ordering::Relaxed);
        } else {
            // Another thread kept it first.
            self.budget.give_back(bytes);
        }
    }
}

impl Drop for PartHeads {
    fn drop(&mut self) {
        self.budget.give_back(*self.held.get_mut());
    }
}
