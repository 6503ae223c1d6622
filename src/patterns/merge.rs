//! The merge step after Drain: lines whose constant words are the same, in the same order,
//! and that differ only in their values (`close, 403 bytes sent` beside `close, 1190 bytes
//! (1.16 KB) sent`) are one pattern, and so are templates whose constant words are the same.
//! Drain routes lines by their number of words, so a message whose values vary in how many
//! words they take (a size added past 1 KB, `<1 sec` beside `00:02`, a date of five words)
//! became a pattern per length. The Drain3 and Brain parsers add a step like this for that
//! reason.

use super::drain::{holds_value, WILDCARD};
use std::collections::HashMap;

/// Which templates are one pattern, learnt from the lines as they arrive.
#[derive(Default)]
pub struct Merges {
    /// Union-find over template indices.
    parent: Vec<usize>,
    /// A line skeleton's hash -> the first template a line of it joined.
    by_skeleton: HashMap<u64, usize>,
}

impl Merges {
    /// Notes that a line whose constant words hash to `skeleton` joined `template`.
    pub fn saw(&mut self, template: usize, skeleton: Option<u64>) {
        while self.parent.len() <= template {
            self.parent.push(self.parent.len());
        }
        if let Some(skeleton) = skeleton {
            let first = *self.by_skeleton.entry(skeleton).or_insert(template);
            self.join(first, template);
        }
    }

    fn root(&self, mut t: usize) -> usize {
        while let Some(&up) = self.parent.get(t) {
            if up == t {
                break;
            }
            t = up;
        }
        t
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        // The older template is the root, so the same lines give the same roots.
        let (keep, under) = if a <= b { (a, b) } else { (b, a) };
        if let Some(slot) = self.parent.get_mut(under) {
            *slot = keep;
        }
    }
}

/// The hash of a masked line's constant words, `None` for a line of values only (nothing in
/// it says what kind of line it is).
pub fn skeleton_hash<'a>(tokens: impl Iterator<Item = &'a str>) -> Option<u64> {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut any = false;
    for token in tokens.filter(|t| !holds_value(t)) {
        hasher.update(token.as_bytes());
        hasher.update(&[0]);
        any = true;
    }
    any.then(|| hasher.digest())
}

fn skeleton(tokens: &[Box<str>]) -> Vec<&str> {
    tokens
        .iter()
        .map(|token| &**token)
        .filter(|token| !holds_value(token))
        .collect()
}

/// The text of each template's pattern: its own text, or for templates merged together
/// one text where every place their values differ is `<*>`.
pub fn pattern_texts(templates: &[Vec<Box<str>>], merges: &Merges) -> Vec<String> {
    let mut merges_here = Merges {
        parent: (0..templates.len()).map(|t| merges.root(t)).collect(),
        by_skeleton: HashMap::new(),
    };
    let mut by_template_skeleton: HashMap<Vec<&str>, usize> = HashMap::new();
    for (t, tokens) in templates.iter().enumerate() {
        let words = skeleton(tokens);
        if words.is_empty() {
            continue;
        }
        let first = *by_template_skeleton.entry(words).or_insert(t);
        merges_here.join(first, t);
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for t in 0..templates.len() {
        groups.entry(merges_here.root(t)).or_default().push(t);
    }
    let mut texts: Vec<String> = templates.iter().map(|t| t.join(" ")).collect();
    for members in groups.into_values().filter(|m| m.len() > 1) {
        let text = group_text(templates, &members);
        for m in members {
            texts[m] = text.clone();
        }
    }
    texts
}

/// One text for a group: the members with the most constant words (the first such
/// member's words) aligned gap by gap.
fn group_text(templates: &[Vec<Box<str>>], members: &[usize]) -> String {
    let mut richest: Option<Vec<&str>> = None;
    for &m in members {
        let words = skeleton(&templates[m]);
        if richest.as_ref().is_none_or(|r| words.len() > r.len()) {
            richest = Some(words);
        }
    }
    let words = richest.unwrap_or_default();
    aligned(
        &words,
        members
            .iter()
            .map(|&m| &templates[m][..])
            .filter(|tokens| skeleton(tokens) == words),
    )
}

/// The values between constant words, per gap (before the first word, between words,
/// after the last).
fn gaps(tokens: &[Box<str>], words: usize) -> Vec<String> {
    let mut gaps = vec![String::new(); words + 1];
    let mut gap = 0;
    for token in tokens {
        if holds_value(token) {
            let values = &mut gaps[gap];
            if !values.is_empty() {
                values.push(' ');
            }
            values.push_str(token);
        } else {
            gap += 1;
        }
    }
    gaps
}

/// One text for templates of the same constant words: a gap all of them fill alike stays
/// as it is; any other is `<*>` (which may stand for nothing).
fn aligned<'a>(skeleton: &[&str], members: impl Iterator<Item = &'a [Box<str>]>) -> String {
    let mut merged: Option<Vec<String>> = None;
    for tokens in members {
        let own = gaps(tokens, skeleton.len());
        merged = Some(match merged {
            None => own,
            Some(so_far) => so_far
                .into_iter()
                .zip(own)
                .map(|(a, b)| if a == b { a } else { WILDCARD.to_string() })
                .collect(),
        });
    }
    let gaps = merged.unwrap_or_default();
    let mut parts: Vec<&str> = Vec::with_capacity(skeleton.len() * 2 + 1);
    for (i, gap) in gaps.iter().enumerate() {
        if !gap.is_empty() {
            parts.push(gap);
        }
        if let Some(word) = skeleton.get(i) {
            parts.push(word);
        }
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(text: &str) -> Vec<Box<str>> {
        text.split(' ').map(Box::from).collect()
    }

    #[test]
    fn templates_differing_only_in_values_merge_and_others_do_not() {
        let templates = [
            template("<*> close, <SIZE> sent, <SIZE> received, lifetime <*>"),
            template("<*> close, <SIZE> (<SIZE>) sent, <SIZE> received, lifetime <<DURATION>"),
            template("PCI: Probing PCI hardware"),
            template("PCI: Probing PCI hardware (bus <NUM>)"),
            template("<NUM> <IP>"),
            template("<IP>"),
            template("<*> close, <SIZE> <*> <*> <SIZE> received, lifetime <*>"),
        ];
        let mut merges = Merges::default();
        for t in 0..templates.len() {
            merges.saw(t, None);
        }
        // A line of the first kind joined the misaligned template Drain made.
        let line = "x close, <SIZE> sent, <SIZE> received, lifetime <*>";
        merges.saw(6, skeleton_hash(line.split(' ')));
        merges.saw(0, skeleton_hash(line.split(' ')));
        let texts = pattern_texts(&templates, &merges);
        assert_eq!(
            texts[0],
            "<*> close, <*> sent, <SIZE> received, lifetime <*>"
        );
        assert_eq!(texts[1], texts[0]);
        assert_eq!(texts[6], texts[0]);
        assert_eq!(texts[2], "PCI: Probing PCI hardware");
        assert_eq!(texts[3], "PCI: Probing PCI hardware (bus <NUM>)");
        assert_eq!(texts[4], "<NUM> <IP>");
        assert_eq!(texts[5], "<IP>");
    }
}
