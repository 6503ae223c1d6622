//! Equality of the short strings the hot paths compare again and again (keys of a line,
//! field names, services and hosts): a call to `memcmp` for each was a few percent of
//! shipping NDJSON, while two overlapping word loads settle most of them inline.

/// Whether `a` and `b` hold the same bytes.
#[inline]
pub fn equal(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    match a.len() {
        // The first and the last eight bytes cover every byte (some twice).
        8..=16 => same_ends::<8>(a, b),
        4..=7 => same_ends::<4>(a, b),
        0..=3 => a.iter().zip(b).all(|(x, y)| x == y),
        _ => a == b,
    }
}

/// Whether the first and the last `N` bytes of `a` and `b` agree.
#[inline(always)]
fn same_ends<const N: usize>(a: &[u8], b: &[u8]) -> bool {
    a.first_chunk::<N>() == b.first_chunk::<N>() && a.last_chunk::<N>() == b.last_chunk::<N>()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every length up to 40, equal and differing at each position, against `==`.
    #[test]
    fn agrees_with_slice_equality() {
        for len in 0..40usize {
            let a: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(equal(&a, &a.clone()));
            for at in 0..len {
                let mut b = a.clone();
                b[at] ^= 0x01;
                assert!(!equal(&a, &b), "{len} {at}");
            }
            let mut longer = a.clone();
            longer.push(b'x');
            assert!(!equal(&a, &longer));
            assert_eq!(
                equal(&a[..len / 2], &a[len - len / 2..]),
                a[..len / 2] == a[len - len / 2..]
            );
        }
    }
}
