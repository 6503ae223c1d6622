//! A Bloom filter of the words of a block's messages, words as the query language defines
//! them (runs of letters and digits, case-folded): a block whose filter lacks a word of the
//! query cannot match it and is never decompressed. About 0.07 % false positives at 16 bits
//! and 7 probes per distinct word. (10 bits gave 1 %: an OR of 100 absent words then let
//! 60 % of the blocks through to be read; at 16 bits about 7 %, for 2 % more bytes on disk.
//! Readers take the filter's length from the block, so blocks of either width are read.)

use crate::premixed::Premixed;
use crate::query::words::{fold, word_spans};
use std::collections::HashSet;
use strength_reduce::StrengthReducedU64;
use xxhash_rust::xxh3::xxh3_64;

const BITS_PER_WORD: usize = 16;
const PROBES: u64 = 7;
/// Slots of the words seen last (see `WordBloom::of`).
const RECENT_SLOTS: usize = 1024;
/// Distinct words whose room a thread keeps for its next block.
const MAX_KEPT_WORDS: usize = 1 << 16;

thread_local! {
    static DISTINCT: std::cell::RefCell<HashSet<u64, Premixed>> = Default::default();
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordBloom {
    /// The filter's bits, bit `i` in byte `i / 8` (the little-endian 64-bit words it is
    /// stored as): read back with one copy, tested where it lies.
    bytes: Vec<u8>,
}

impl WordBloom {
    /// A filter holding every word of `messages`.
    pub fn of<'a>(messages: impl Iterator<Item = &'a str> + Clone) -> WordBloom {
        // Distinct words by their hash: the filter only ever uses the hash, and no string is
        // built per word (ASCII words are folded in one reused buffer).
        // The set is kept by the thread from one block to the next: grown once, not for
        // every block (its rehashing showed in the sealing thread's profile).
        DISTINCT.with_borrow_mut(|distinct| {
            distinct.clear();
            // Most words of a block's messages are their templates' words, met again and
            // again: the last word seen in each of a few slots answers for most of them
            // before the set is asked. (A hash of 0 is always asked: it is the slots'
            // starting value.)
            let mut recent = [0u64; RECENT_SLOTS];
            let mut folded = String::new();
            let mut add = |hash: u64| {
                let slot = &mut recent[hash as usize % RECENT_SLOTS];
                if *slot != hash || hash == 0 {
                    *slot = hash;
                    distinct.insert(hash);
                }
            };
            for message in messages {
                if message.is_ascii() {
                    ascii_word_hashes(message.as_bytes(), &mut folded, &mut add);
                    continue;
                }
                for (_, word) in word_spans(message) {
                    add(xxh3_64(fold(word).as_bytes()));
                }
            }
            let words = (distinct.len() * BITS_PER_WORD).div_ceil(64).max(1);
            let mut bloom = WordBloom {
                bytes: vec![0; words * 8],
            };
            // The probes' remainders by the filter's length, by multiplying: a division per
            // probe was the larger part of setting a block's bits.
            let len = StrengthReducedU64::new(bloom.bytes.len() as u64 * 8);
            for &hash in distinct.iter() {
                for bit in probes(hash, len) {
                    bloom.bytes[bit / 8] |= 1 << (bit % 8);
                }
            }
            // A block of unusually many distinct words does not leave its room behind.
            if distinct.capacity() > MAX_KEPT_WORDS {
                *distinct = HashSet::default();
            }
            bloom
        })
    }

    /// Whether `word` (folded) may occur: `false` means it does not.
    pub fn may_hold(&self, word: &str) -> bool {
        self.probes(xxh3_64(word.as_bytes()))
            .all(|bit| self.bytes[bit / 8] & (1 << (bit % 8)) != 0)
    }

    fn probes(&self, hash: u64) -> impl Iterator<Item = usize> {
        probes(hash, StrengthReducedU64::new(self.bytes.len() as u64 * 8))
    }

    /// The filter's size in bytes.
    pub fn bytes(&self) -> usize {
        self.bytes.len()
    }

    pub fn to_bytes(&self, out: &mut Vec<u8>) {
        super::varint::put(out, (self.bytes.len() / 8) as u64);
        out.extend_from_slice(&self.bytes);
    }

    pub fn from_bytes(reader: &mut super::varint::Reader<'_>) -> Option<WordBloom> {
        let words = reader.get_len()?;
        let raw = reader.take(words.checked_mul(8)?)?;
        if words == 0 {
            return None;
        }
        Some(WordBloom {
            bytes: raw.to_vec(),
        })
    }
}

/// The bits of the word whose hash is `hash` in a filter of `len` bits (double hashing).
/// The layout is stored: readers probe the bits writers set.
fn probes(hash: u64, len: StrengthReducedU64) -> impl Iterator<Item = usize> {
    let (h1, h2) = (hash, (hash >> 32) | 1);
    (0..PROBES).map(move |i| (h1.wrapping_add(i.wrapping_mul(h2)) % len) as usize)
}

/// The hash of each word of an ASCII message, folded, to `add`: words as `word_spans` splits
/// them (runs of ASCII letters and digits, found by `ascii_words`, which also notes
/// whether a word needs folding: most are written in lower case already).
fn ascii_word_hashes(message: &[u8], folded: &mut String, add: &mut impl FnMut(u64)) {
    super::ascii_words::each_word(message, |start, end, upper| {
        let word = &message[start..end];
        if upper {
            folded.clear();
            folded.extend(word.iter().map(|b| char::from(b.to_ascii_lowercase())));
            add(xxh3_64(folded.as_bytes()));
        } else {
            add(xxh3_64(word));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An OR of many absent words reads a block when any of them is a false positive, so
    /// the rate per word must stay well under 1 % (100 words: 1 - 0.99^99 = 63 % of blocks).
    #[test]
    fn absent_words_are_rarely_taken_for_present() {
        let present: Vec<String> = (0..2_000).map(|i| format!("word{i}")).collect();
        let bloom = WordBloom::of(present.iter().map(String::as_str));
        assert!(present.iter().all(|w| bloom.may_hold(w)));
        let false_positives = (0..100_000)
            .filter(|i| bloom.may_hold(&format!("absent{i}")))
            .count();
        assert!(
            false_positives < 200,
            "{false_positives} of 100000 absent words taken for present"
        );
    }

    proptest! {
        /// An ASCII message gives the hashes of the words the query language sees in it.
        #[test]
        fn ascii_messages_hash_the_words_queries_fold(message in "[ -~]{0,80}") {
            let mut hashes = Vec::new();
            ascii_word_hashes(message.as_bytes(), &mut String::new(), &mut |h| hashes.push(h));
            let expected: Vec<u64> = word_spans(&message)
                .map(|(_, word)| xxh3_64(fold(word).as_bytes()))
                .collect();
            prop_assert_eq!(hashes, expected);
        }
    }
}
