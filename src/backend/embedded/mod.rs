//! The embedded store in a local data directory, the zero-setup default. Two engines sit
//! behind one reader and one writer (`store_reader.rs`, `store_writer.rs`): the column
//! engine (`columns/`, format 3), which new stores use, and the indexed engine (tantivy:
//! `reader.rs`, `writer.rs` and their helpers, formats 1 and 2), which stores made before
//! keep.

mod checkpoint;
mod collect;
pub mod columns;
mod damage;
mod document;
mod error;
mod layout;
mod lock;
mod reader;
mod regex_prefilter;
pub mod retention;
mod schema;
mod sink;
mod store_reader;
mod store_writer;
mod stored_predicate;
mod translate;
mod writer;

pub use checkpoint::Checkpoint;
pub use collect::Order;
pub use columns::{Orphan, OrphanHolds};
pub use damage::DamagedSegment;
pub use error::StoreError;
pub use layout::Store;
pub use lock::writer_holder;
pub use reader::{format_number, typed_values_of, values_of, Hit, StoreStats};
pub use sink::EmbeddedSink;
pub use store_reader::StoreReader;
pub use store_writer::{Engine, StoreWriter};
pub use writer::Committed;

#[cfg(test)]
mod tests;
