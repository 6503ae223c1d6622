//! Where shipped lines come from: files followed across growth and rotation, with a
//! checkpoint of how far each was shipped, and multi-line entries joined.

pub mod followed_file;
pub mod multiline;
pub mod ship_checkpoint;

pub use followed_file::{FileIdentity, FollowedFile};
pub use multiline::Entries;
pub use ship_checkpoint::{FilePosition, ShipCheckpoint};
