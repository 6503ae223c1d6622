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
    /// Damage that `logagg repair` mends from what the store still holds (its parts carry
    /// their own identity): readers and writers refuse it rather than guess.
    #[error("the store at {dir} cannot be used as it is: {reason}; run `logagg repair --data-dir {dir}` (add --dry-run to see what it would do first)")]
    NeedsRepair { dir: PathBuf, reason: String },
    /// The query's caller asked it to stop (see `columns::interruptible`).
    #[error("the query was stopped before it finished")]
    Interrupted,
    // The cause is part of the message rather than a `source`, so that it is said once
    // however the error is printed.
    #[error("{context}: {cause}")]
    Io {
        context: String,
        cause: std::io::Error,
    },
    #[error("{context}: {cause}")]
    Index {
        context: String,
        cause: tantivy::TantivyError,
    },
}

pub type Result<T> = std::result::Result<T, StoreError>;

pub trait Context<T> {
    fn context(self, context: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Context<T> for std::result::Result<T, std::io::Error> {
    fn context(self, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|cause| StoreError::Io {
            context: context(),
            cause,
        })
    }
}

impl<T> Context<T> for std::result::Result<T, tantivy::TantivyError> {
    fn context(self, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|cause| StoreError::Index {
            context: context(),
            cause,
        })
    }
}
