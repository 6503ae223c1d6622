//! Stopping a query part way: a server whose client went away, or whose answer took too
//! long, raises the query's flag, and the reader gives up at the next block it would read.
//! The flag is the calling thread's (and is lent to the threads a query spreads over), so
//! the reading methods keep their signatures.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

thread_local! {
    static FLAG: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
}

/// Runs `read` with `flag` as the current query's stop flag.
pub fn interruptible<R>(flag: &Arc<AtomicBool>, read: impl FnOnce() -> R) -> R {
    let before = FLAG.with(|f| f.replace(Some(flag.clone())));
    let result = read();
    FLAG.with(|f| *f.borrow_mut() = before);
    result
}

/// The current thread's stop flag, to lend to a thread it starts.
pub(super) fn current() -> Option<Arc<AtomicBool>> {
    FLAG.with(|f| f.borrow().clone())
}

/// Whether the current query was asked to stop.
pub(super) fn requested() -> bool {
    FLAG.with(|f| {
        f.borrow()
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
    })
}
