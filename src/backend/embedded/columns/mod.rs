//! The column engine (store format 3, what new stores use; issue 12). A store is a
//! manifest (parts and source positions, replaced atomically at each commit) and parts
//! (`part.rs`: one commit's or merge's blocks in one immutable file with a block index).
//! A block (`block.rs`) holds up to 8,192 events of one stream (service and host), column by
//! column, each column compressed and checksummed on its own, behind a head with the block's
//! summary (time range, levels, a Bloom filter of message words, each key's numeric range).
//!
//! Reading (`reader.rs`): the index and heads rule blocks out (`prune.rs`), clauses that
//! columns can decide are decided on them (`decide.rs`), and `query::matches` decides the
//! rest, so answers are the predicate's by construction. Writing (`writer.rs`): per-stream
//! buffers (`open_streams.rs`), full blocks sealed and written to the part being built on a
//! second thread (`sealer.rs`), merges of small parts (`merge.rs`), retention by dropping or
//! rewriting parts (`expire.rs`). Figures in BENCHMARKS.md.

mod ascii_words;
pub mod block;
pub mod bloom;
mod decide;
mod decode;
mod expire;
pub mod fields;
pub mod head_cache;
pub mod manifest;
mod merge;
mod open_streams;
pub mod part;
mod pending;
mod prune;
mod reader;
mod recent;
pub mod repair;
mod sealer;
mod varint;
mod writer;

pub use reader::{disk_bytes, interruptible, ColumnReader, Found};
#[cfg(test)]
pub use writer::Step;
pub use writer::{ColumnWriter, Orphan, OrphanHolds, BLOCK_EVENTS};

#[cfg(test)]
mod fault_tests;
#[cfg(test)]
mod tests;
