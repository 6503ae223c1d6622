//! Where shipped lines come from: files followed across growth and rotation, with a
//! checkpoint of how far each was shipped, and multi-line entries joined.

pub mod files;
pub mod followed_file;
pub mod lane;
pub mod multiline;
mod quiet_pipe;
mod read_ahead;
pub mod ship_checkpoint;

pub use files::FileSource;
pub use followed_file::{FileIdentity, FollowedFile};
pub use lane::Decoding;
pub use multiline::Entries;
pub use ship_checkpoint::{FilePosition, ShipCheckpoint};
