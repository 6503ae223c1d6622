//! Elasticsearch as the store when a cluster exists: an index template with explicit
//! mappings, daily indices, bulk writes with per-item outcomes, and the query language
//! translated to query DSL.

pub mod bulk;
pub mod bulk_writer;
pub mod client;
pub mod document;
pub mod dsl;
pub mod field_caps;
pub mod retention;
pub mod search;
mod settler;
pub mod sink;
pub mod tail;
pub mod template;

pub use client::{EsClient, EsConfig, EsCredentials, EsError};
