//! The column store's building blocks (issue 12): blocks of one stream's events kept
//! column by column, Bloom filters of their message words, parts (one commit's blocks in one
//! file), the manifest (parts and source positions, replaced atomically), and a writer and
//! reader over them (counts, counts by service, scans, ordered search with a limit). Not yet
//! behind `StoreWriter`/`StoreReader` (the commands still use tantivy): tail's reads by
//! arrival, counts by any field, retention, the writer lock, merges and migration are still
//! to be built (see BENCHMARKS.md, "The first column-store pieces"). What is here is exact
//! (tested against the in-memory predicate) and measured (`cargo bench --bench hot_paths --
//! columns/`, `cargo run --release --example column_store_figures`).

pub mod block;
pub mod bloom;
mod decide;
mod expire;
pub mod fields;
pub mod manifest;
mod merge;
pub mod part;
mod prune;
mod reader;
mod varint;
mod writer;

pub use reader::{disk_bytes, ColumnReader, Found};
pub use writer::{ColumnWriter, BLOCK_EVENTS};

#[cfg(test)]
mod tests;
