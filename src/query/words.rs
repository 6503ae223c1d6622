//! What a "word" is, for `message` and bare search terms: a run of letters and digits,
//! compared case-insensitively. The embedded store indexes with this same function, so
//! the store and the in-memory predicate cannot disagree on word boundaries or case.

/// Splits text into its words, in order, with their byte offsets.
pub fn word_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = next_change(text, at, false)?;
        let end = next_change(text, start, true).unwrap_or(text.len());
        at = end;
        Some((start, &text[start..end]))
    })
}

/// The first offset at or after `from` (a character boundary) where being inside a word
/// stops being `inside`. ASCII is classified byte by byte: most log text is ASCII, and
/// decoding each character first was the larger part of splitting it.
fn next_change(text: &str, from: usize, inside: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        let (in_word, len) = if b.is_ascii() {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = text.get(i..)?.chars().next()?;
            (c.is_alphanumeric(), c.len_utf8())
        };
        if in_word != inside {
            return Some(i);
        }
        i += len;
    }
    None
}

/// The case-folded form a word is compared in.
pub fn fold(word: &str) -> String {
    if word.is_ascii() {
        word.to_ascii_lowercase()
    } else {
        word.to_lowercase()
    }
}

/// The folded words of a text.
pub fn folded_words(text: &str) -> Vec<String> {
    word_spans(text).map(|(_, w)| fold(w)).collect()
}

/// Whether `needle` (already folded) occurs as consecutive words in `text`.
pub fn contains_phrase(text: &str, needle: &[String]) -> bool {
    if needle.is_empty() {
        return false;
    }
    if needle.len() > 64 {
        let words: Vec<&str> = word_spans(text).map(|(_, w)| w).collect();
        return words
            .windows(needle.len())
            .any(|run| run.iter().zip(needle).all(|(w, n)| same_word(w, n)));
    }
    // Bit j of `ends`: the words read so far end with needle[..=j]. Nothing is allocated
    // for ASCII words (the predicate runs this on every candidate message).
    let whole = 1u64 << (needle.len() - 1);
    let mut ends = 0u64;
    for (_, word) in word_spans(text) {
        let mut open = (ends << 1) | 1;
        let mut next = 0u64;
        while open != 0 {
            let j = open.trailing_zeros() as usize;
            open &= open - 1;
            if needle.get(j).is_some_and(|n| same_word(word, n)) {
                next |= 1 << j;
            }
        }
        if next & whole != 0 {
            return true;
        }
        ends = next;
    }
    false
}

/// Whether `word` folds to `folded`.
fn same_word(word: &str, folded: &str) -> bool {
    if word.is_ascii() {
        word.len() == folded.len() && word.eq_ignore_ascii_case(folded)
    } else {
        fold(word) == folded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_non_alphanumerics() {
        let words: Vec<_> = word_spans("GET /api/v1/users?id=42 -> 500 (timed_out) Ünïcode")
            .map(|(_, w)| w)
            .collect();
        assert_eq!(
            words,
            [
                "GET",
                "api",
                "v1",
                "users",
                "id",
                "42",
                "500",
                "timed",
                "out",
                "Ünïcode"
            ]
        );
    }

    #[test]
    fn phrases_need_adjacent_words_in_order() {
        let p = |s: &str| folded_words(s);
        assert!(contains_phrase(
            "Connection refused by peer",
            &p("connection refused")
        ));
        assert!(contains_phrase(
            "x: CONNECTION, refused!",
            &p("connection refused")
        ));
        assert!(!contains_phrase(
            "refused connection",
            &p("connection refused")
        ));
        assert!(!contains_phrase(
            "connection was refused",
            &p("connection refused")
        ));
        assert!(!contains_phrase(
            "connections refused",
            &p("connection refused")
        ));
        assert!(contains_phrase("a a b", &p("a b")));
        assert!(!contains_phrase("anything", &[]));
    }

    /// Splitting as the language defines it, one character at a time.
    fn reference_spans(text: &str) -> Vec<(usize, String)> {
        let mut spans = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    spans.push((s, text[s..i].to_string()));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            spans.push((s, text[s..].to_string()));
        }
        spans
    }

    fn reference_phrase(text: &str, needle: &[String]) -> bool {
        let words = folded_words(text);
        !needle.is_empty() && words.windows(needle.len()).any(|run| run == needle)
    }

    proptest::proptest! {
        #[test]
        fn splitting_agrees_with_the_definition(text in "[a-zA-Z0-9 .:/_é€K\u{212A}😀ǅ-]{0,40}") {
            let spans: Vec<(usize, String)> =
                word_spans(&text).map(|(i, w)| (i, w.to_string())).collect();
            proptest::prop_assert_eq!(spans, reference_spans(&text));
        }

        #[test]
        fn phrases_agree_with_comparing_folded_windows(
            text in "[abAB K\u{212A}kÉé.]{0,30}",
            needle in "[abAB K\u{212A}kÉé]{0,8}",
            repeat in 1usize..30,
        ) {
            let needle = folded_words(&needle);
            proptest::prop_assert_eq!(contains_phrase(&text, &needle), reference_phrase(&text, &needle));
            // Past 64 words the phrase is compared window by window.
            let long: Vec<String> = needle.iter().cycle().take(needle.len() * repeat).cloned().collect();
            let long_text = std::iter::repeat_n(text.as_str(), repeat).collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(contains_phrase(&long_text, &long), reference_phrase(&long_text, &long));
        }
    }
}
