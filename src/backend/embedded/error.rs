//! Errors of the embedded store, each saying what to do about it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "no store at {dir}: fill one with `logagg simulate --to embedded` (or pass --data-dir)"
    )]
    NotFound { dir: PathBuf },
    #[error("the store at {dir} is in use by another writer: {holder}; stop it, or use another --data-dir")]
    Locked { dir: PathBuf, holder: String },
    #[error("the store at {dir} was written by a newer logagg (store format {found}, this build reads {supported}); upgrade logagg or use another --data-dir")]
    NewerFormat {
        dir: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("the store at {dir} is damaged ({reason}); move it aside and ingest again")]
    Damaged { dir: PathBuf, reason: String },
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    #[error("{context}: {source}")]
    Index {
        context: String,
        source: tantivy::TantivyError,
    },
}

pub type Result<T> = std::result::Result<T, StoreError>;

pub trait Context<T> {
    fn context(self, context: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Context<T> for std::result::Result<T, std::io::Error> {
    fn context(self, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| StoreError::Io {
            context: context(),
            source,
        })
    }
}

impl<T> Context<T> for std::result::Result<T, tantivy::TantivyError> {
    fn context(self, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| StoreError::Index {
            context: context(),
            source,
        })
    }
}
