//! The column store's building blocks (issue 12): blocks of one stream's events kept
//! column by column, and Bloom filters of their message words. Not yet an engine: parts,
//! the manifest and the reader that would put these behind `StoreWriter`/`StoreReader`
//! are still to be built (see BENCHMARKS.md, "Why tantivy stops here"); what is here is
//! exact (round trips are tested) and measured (`cargo bench --bench hot_paths -- columns/`).

pub mod block;
pub mod bloom;
mod varint;

#[cfg(test)]
mod tests;
