//! The embedded store: tantivy in a local data directory, the zero-setup default.

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
mod stored_predicate;
mod translate;
mod writer;

pub use checkpoint::Checkpoint;
pub use collect::Order;
pub use damage::DamagedSegment;
pub use error::StoreError;
pub use layout::Store;
pub use lock::writer_holder;
pub use reader::{format_number, values_of, Hit, StoreReader, StoreStats};
pub use sink::EmbeddedSink;
pub use writer::{Committed, StoreWriter};

#[cfg(test)]
mod tests;
