//! Maps and sets keyed by values that are hashes or sketches already (xxh3 word hashes,
//! field-shape sketches): hashing them again with SipHash was a tenth of the work where
//! they are used, so the key is taken as its own hash.

use std::hash::{BuildHasherDefault, Hasher};

/// The `BuildHasher` for such keys: `HashSet::<u64, Premixed>::default()`.
pub type Premixed = BuildHasherDefault<PremixedHasher>;

#[derive(Default)]
pub struct PremixedHasher(u64);

impl Hasher for PremixedHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }

    /// Only `u64` keys are meant; any other is folded in all the same.
    fn write(&mut self, bytes: &[u8]) {
        self.0 = bytes
            .iter()
            .fold(self.0, |h, &b| h.rotate_left(8) ^ u64::from(b));
    }
}
