//! Where shipped lines come from: files followed across growth and rotation, with a
//! checkpoint of how far each was shipped, and multi-line entries joined.

pub mod files;
pub mod followed_file;
mod generations;
pub mod lane;
pub mod multiline;
mod quiet_pipe;
mod read_ahead;
pub mod ship_checkpoint;

pub use files::FileSource;

/// Bytes read from a file or a pipe at a time, and read from one input before the sink
/// takes them (and the other inputs get their turn). The events of a read go to the sink
/// while their text is still in the cache: reads of 1 MB (256 KB at a time) handed it
/// thousands of short lines whose messages had left the cache by the time they were
/// copied into the store (syslog lines: `ship` 0.42 -> 0.34 s a million, BENCHMARKS.md).
pub(crate) const READ_CHUNK: usize = 64 * 1024;
pub use followed_file::{FileIdentity, FollowedFile};
pub use lane::Decoding;
pub use multiline::{Entries, EntryStart};
pub use ship_checkpoint::{FilePosition, ShipCheckpoint};
