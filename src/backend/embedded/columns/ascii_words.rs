//! Where the words of ASCII text are (runs of ASCII letters and digits, as the query
//! language splits them), found sixty-four bytes at a time: one bit per byte says "in a
//! word", another "an upper-case letter", and each word is then a run of set bits. The
//! word filter splits every message of every block; byte by byte that was half its time.

/// Calls `word` with the start, end and whether it has an upper-case letter, of each word
/// of `text` (ASCII), in order.
pub fn each_word(text: &[u8], mut word: impl FnMut(usize, usize, bool)) {
    // A word that reaches the end of a window goes on in the next one.
    let mut open: Option<(usize, bool)> = None;
    for (window, bytes) in text.chunks(64).enumerate() {
        let base = window * 64;
        let (mut in_word, upper) = masks(bytes);
        if let Some((start, has_upper)) = open {
            let run = (!in_word).trailing_zeros();
            let has_upper = has_upper || upper & low_bits(run) != 0;
            if run == 64 {
                open = Some((start, has_upper));
                continue;
            }
            word(start, base + run as usize, has_upper);
            open = None;
            in_word &= !low_bits(run);
        }
        while in_word != 0 {
            let start = in_word.trailing_zeros();
            let run = (!(in_word >> start)).trailing_zeros();
            let bits = low_bits(run) << start;
            let has_upper = upper & bits != 0;
            if start + run == 64 {
                open = Some((base + start as usize, has_upper));
                break;
            }
            word(
                base + start as usize,
                base + (start + run) as usize,
                has_upper,
            );
            in_word &= !bits;
        }
    }
    if let Some((start, has_upper)) = open {
        word(start, text.len(), has_upper);
    }
}

/// The lowest `n` bits set (all 64 for `n` of 64).
fn low_bits(n: u32) -> u64 {
    u64::MAX.checked_shr(64 - n).unwrap_or(0)
}

/// Bit `i` set when byte `i` of `bytes` (at most 64) is a letter or a digit, and in the
/// second mask when it is an upper-case letter.
fn masks(bytes: &[u8]) -> (u64, u64) {
    let mut in_word = 0u64;
    let mut upper = 0u64;
    let mut chunks = bytes.chunks_exact(16);
    let mut shift = 0;
    for chunk in chunks.by_ref() {
        let mut sixteen = [0u8; 16];
        sixteen.copy_from_slice(chunk);
        let (w, u) = chunk_masks(sixteen);
        in_word |= u64::from(w) << shift;
        upper |= u64::from(u) << shift;
        shift += 16;
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // Padded with zero bytes: in no word.
        let mut sixteen = [0u8; 16];
        sixteen[..rest.len()].copy_from_slice(rest);
        let (w, u) = chunk_masks(sixteen);
        in_word |= u64::from(w) << shift;
        upper |= u64::from(u) << shift;
    }
    (in_word, upper)
}

#[inline]
fn chunk_masks(bytes: [u8; 16]) -> (u16, u16) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        // SAFETY: the function needs SSE2, which this build's target has (the `cfg` above;
        // every x86-64 processor has it).
        unsafe { sse2::chunk_masks(bytes) }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    {
        let mut in_word = 0u16;
        let mut upper = 0u16;
        for (i, &b) in bytes.iter().enumerate() {
            in_word |= u16::from(b.is_ascii_alphanumeric()) << i;
            upper |= u16::from(b.is_ascii_uppercase()) << i;
        }
        (in_word, upper)
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
        _mm_set_epi64x, _mm_sub_epi8,
    };

    /// Bytes `b` with `first <= b < first + count`: `b - first` (wrapping) is then below
    /// `count`, which is when it is its own minimum with `count - 1`.
    #[target_feature(enable = "sse2")]
    fn in_range(chunk: __m128i, first: u8, count: u8) -> __m128i {
        let offset = _mm_sub_epi8(chunk, _mm_set1_epi8(first as i8));
        _mm_cmpeq_epi8(
            _mm_min_epu8(offset, _mm_set1_epi8((count - 1) as i8)),
            offset,
        )
    }

    #[target_feature(enable = "sse2")]
    pub fn chunk_masks(bytes: [u8; 16]) -> (u16, u16) {
        let half = |from: usize| {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(&bytes[from..from + 8]);
            i64::from_le_bytes(eight)
        };
        let chunk = _mm_set_epi64x(half(8), half(0));
        let digit = in_range(chunk, b'0', 10);
        // Setting bit 5 lowers an upper-case letter and makes no other byte a letter.
        let letter = in_range(_mm_or_si128(chunk, _mm_set1_epi8(0x20)), b'a', 26);
        let upper = in_range(chunk, b'A', 26);
        (
            _mm_movemask_epi8(_mm_or_si128(digit, letter)) as u16,
            _mm_movemask_epi8(upper) as u16,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The words as a byte loop finds them.
    fn by_bytes(text: &[u8]) -> Vec<(usize, usize, bool)> {
        let mut words = Vec::new();
        let mut at = 0;
        while at < text.len() {
            while at < text.len() && !text[at].is_ascii_alphanumeric() {
                at += 1;
            }
            let start = at;
            while at < text.len() && text[at].is_ascii_alphanumeric() {
                at += 1;
            }
            if at > start {
                let upper = text[start..at].iter().any(u8::is_ascii_uppercase);
                words.push((start, at, upper));
            }
        }
        words
    }

    proptest! {
        /// Any ASCII text, words across window edges and up to the end included, and any
        /// byte next to the ranges (`/`, `:`, `@`, `[`, `` ` ``, `{`).
        #[test]
        fn words_are_the_runs_a_byte_loop_finds(
            text in proptest::collection::vec(
                prop_oneof![
                    4 => 0u8..0x80,
                    2 => proptest::sample::select(b"/09:@AZ[`az{".to_vec()),
                    3 => Just(b'x'),
                ],
                0..300,
            )
        ) {
            let mut words = Vec::new();
            each_word(&text, |start, end, upper| words.push((start, end, upper)));
            prop_assert_eq!(words, by_bytes(&text));
        }
    }

    #[test]
    fn a_word_filling_whole_windows_is_one_word() {
        let text = [b'a'; 64 * 3];
        let mut words = Vec::new();
        each_word(&text, |start, end, upper| words.push((start, end, upper)));
        assert_eq!(words, [(0, 192, false)]);
        let mut text = vec![b'a'; 130];
        text[70] = b'Q';
        text.push(b' ');
        words.clear();
        each_word(&text, |start, end, upper| words.push((start, end, upper)));
        assert_eq!(words, [(0, 130, true)]);
    }
}
