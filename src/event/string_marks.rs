//! Where a line's quotes and backslashes are, found sixteen bytes at a time before the
//! line is read: the end of each string (or its first escape) is then a bit search, not a
//! walk over its bytes. Half the time of reading a canonical line went to finding where
//! its many short strings end, byte by byte.

/// What a marked line holds besides its marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marked {
    /// A control byte (below 0x20): JSON does not allow one raw inside a string, and the
    /// canonical line has nowhere else.
    pub control: bool,
    /// Only ASCII bytes (none from 0x80 up): the line is UTF-8 without checking further.
    pub ascii: bool,
}

/// The marks of sixteen bytes.
struct ChunkMarks {
    marks: u16,
    control: bool,
    high: bool,
}

/// One bit per byte of the line, set on `"` and `\`: bit `i % 64` of word `i / 64`.
#[derive(Debug, Clone, Default)]
pub struct StringMarks {
    words: Vec<u64>,
}

impl StringMarks {
    /// Marks the quotes and backslashes of `line`, and says what else it holds.
    pub fn mark(&mut self, line: &[u8]) -> Marked {
        self.words.clear();
        let mut control = false;
        let mut high = false;
        let mut blocks = line.chunks_exact(64);
        for block in blocks.by_ref() {
            let mut word = 0u64;
            for (i, chunk) in block.chunks_exact(16).enumerate() {
                let mut bytes = [0u8; 16];
                bytes.copy_from_slice(chunk);
                let chunk = chunk_marks(bytes);
                word |= u64::from(chunk.marks) << (16 * i);
                control |= chunk.control;
                high |= chunk.high;
            }
            self.words.push(word);
        }
        let rest = blocks.remainder();
        if !rest.is_empty() {
            let mut word = 0u64;
            for (i, chunk) in rest.chunks(16).enumerate() {
                // Padded with spaces: neither a mark nor a control byte.
                let mut bytes = [b' '; 16];
                bytes[..chunk.len()].copy_from_slice(chunk);
                let chunk = chunk_marks(bytes);
                word |= u64::from(chunk.marks) << (16 * i);
                control |= chunk.control;
                high |= chunk.high;
            }
            self.words.push(word);
        }
        Marked {
            control,
            ascii: !high,
        }
    }

    /// The first quote or backslash at or after `from`.
    #[inline]
    pub fn next(&self, from: usize) -> Option<usize> {
        let mut word = from / 64;
        let mut bits = self.words.get(word)? & (u64::MAX << (from % 64));
        while bits == 0 {
            word += 1;
            bits = *self.words.get(word)?;
        }
        Some(word * 64 + bits.trailing_zeros() as usize)
    }
}

/// The chunk's quotes and backslashes as 16 bits, and whether it holds a control byte
/// or one from 0x80 up.
#[inline]
fn chunk_marks(bytes: [u8; 16]) -> ChunkMarks {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        // SAFETY: the function needs SSE2, which this build's target has (the `cfg` above;
        // every x86-64 processor has it).
        unsafe { sse2::chunk_marks(bytes) }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        let mut chunk = ChunkMarks {
            marks: 0,
            control: false,
            high: false,
        };
        for (i, &b) in bytes.iter().enumerate() {
            chunk.marks |= u16::from((b == b'"') | (b == b'\\')) << i;
            chunk.control |= b < 0x20;
            chunk.high |= b >= 0x80;
        }
        chunk
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use super::ChunkMarks;
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_set_epi64x,
    };

    #[target_feature(enable = "sse2")]
    pub fn chunk_marks(bytes: [u8; 16]) -> ChunkMarks {
        let half = |from: usize| {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(&bytes[from..from + 8]);
            i64::from_le_bytes(eight)
        };
        let chunk = _mm_set_epi64x(half(8), half(0));
        let quotes = _mm_cmpeq_epi8(chunk, _mm_set1_epi8(b'"' as i8));
        let backslashes = _mm_cmpeq_epi8(chunk, _mm_set1_epi8(b'\\' as i8));
        // A byte of at most 0x1f is its own minimum with 0x1f.
        let control = _mm_cmpeq_epi8(_mm_min_epu8(chunk, _mm_set1_epi8(0x1f)), chunk);
        ChunkMarks {
            marks: _mm_movemask_epi8(_mm_or_si128(quotes, backslashes)) as u16,
            control: _mm_movemask_epi8(control) != 0,
            // The mask move takes each byte's top bit.
            high: _mm_movemask_epi8(chunk) != 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn every_mark(marks: &StringMarks) -> Vec<usize> {
        let mut found = Vec::new();
        let mut at = 0;
        while let Some(i) = marks.next(at) {
            found.push(i);
            at = i + 1;
        }
        found
    }

    proptest! {
        #[test]
        fn marks_are_the_quotes_and_backslashes(line in proptest::collection::vec(
            prop_oneof![Just(b'"'), Just(b'\\'), Just(b'a'), Just(0x1f), Just(b' '), Just(0x80), Just(0xff), any::<u8>()],
            0..300,
        )) {
            let mut marks = StringMarks::default();
            let marked = marks.mark(&line);
            prop_assert_eq!(marked.control, line.iter().any(|&b| b < 0x20));
            prop_assert_eq!(marked.ascii, line.is_ascii());
            let expected: Vec<usize> = line
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'"' || b == b'\\')
                .map(|(i, _)| i)
                .collect();
            prop_assert_eq!(every_mark(&marks), expected);
            prop_assert_eq!(marks.next(line.len()), None);
        }
    }

    #[test]
    fn a_line_marked_after_a_longer_one_keeps_none_of_its_marks() {
        let mut marks = StringMarks::default();
        marks.mark(&[b'"'; 200]);
        assert_eq!(
            marks.mark(b"{\"a\":1}"),
            Marked {
                control: false,
                ascii: true
            }
        );
        assert_eq!(every_mark(&marks), vec![1, 3]);
        assert_eq!(marks.next(4), None);
    }
}
