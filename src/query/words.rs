//! What a "word" is, for `message` and bare search terms: a run of letters and digits,
//! compared case-insensitively. The embedded store indexes with this same function, so
//! the store and the in-memory predicate cannot disagree on word boundaries or case.

/// Splits text into its words, in order, with their byte offsets.
pub fn word_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = rest.by_ref().find(|(_, c)| c.is_alphanumeric())?;
        let mut end = text.len();
        while let Some(&(i, c)) = rest.peek() {
            if !c.is_alphanumeric() {
                end = i;
                break;
            }
            rest.next();
        }
        Some((start, &text[start..end]))
    })
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
    let mut window: std::collections::VecDeque<String> =
        std::collections::VecDeque::with_capacity(needle.len());
    for (_, word) in word_spans(text) {
        // Cheap rejection before allocating the folded form.
        if window.is_empty() && word.len() != needle[0].len() && word.is_ascii() {
            continue;
        }
        if window.len() == needle.len() {
            window.pop_front();
        }
        window.push_back(fold(word));
        if window.len() == needle.len() && window.iter().zip(needle).all(|(a, b)| a == b) {
            return true;
        }
    }
    false
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
}
