//! An online template miner in the manner of Drain (He et al., ICWS 2017): lines are
//! routed through a fixed-depth tree (by token count, then by their first tokens) to a
//! leaf of candidate templates; a line joins the most similar template when enough of its
//! tokens agree, and the positions that differ become `<*>`. The same lines in the same
//! order always give the same templates.

use super::mask::{mask, spaced_unit, PLACEHOLDERS};
use super::merge::{pattern_texts, skeleton_hash, Merges};
use std::borrow::Cow;
use std::collections::HashMap;

/// A position that varies between the lines of a template.
pub const WILDCARD: &str = "<*>";

/// Opens and closes a stack trace's signature (`⟦type@frame⟧`, see
/// `patterns::trace_signature`): one token, never masked, that routes the line.
const SIGNATURE: (char, char) = ('⟦', '⟧');

/// The token that stands for a trace's exception `kind` thrown at `frame`.
pub fn signature(kind: &str, frame: &str) -> String {
    let frame: String = frame.split_whitespace().collect::<Vec<_>>().join("_");
    format!("{}{kind}@{frame}{}", SIGNATURE.0, SIGNATURE.1)
}

fn is_signature(token: &str) -> bool {
    token.starts_with(SIGNATURE.0) && token.ends_with(SIGNATURE.1)
}

/// Tokens of the tree below the token count (Drain's depth 4 minus the root and length).
const ROUTE_TOKENS: usize = 2;
/// Share of a template's tokens a line must match to join it.
const SIMILARITY: f64 = 0.4;
/// Children per tree node before new tokens share the wildcard child.
const MAX_CHILDREN: usize = 100;

#[derive(Default)]
struct Node {
    children: HashMap<Box<str>, Node>,
    templates: Vec<usize>,
}

pub struct Miner {
    by_length: HashMap<usize, Node>,
    templates: Vec<Vec<Box<str>>>,
    merges: Merges,
}

impl Default for Miner {
    fn default() -> Self {
        Miner::new()
    }
}

/// `key=value` with a variable value -> `key=<NUM>`, `ua="curl/8.5.0"` -> `ua=<STR>`;
/// `name:value` too when the name is a word (`onExtend:1514038530000` -> `onExtend:<NUM>`),
/// so the name, which says what the line is, is not masked with the value.
fn masked_pair(token: &str) -> Option<Cow<'_, str>> {
    let (key, value, separator) = match token.split_once('=') {
        Some((key, value)) => (key, value, '='),
        None => {
            let (key, value) = token.split_once(':')?;
            let word = key.len() > 1
                && key.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
                && !value.is_empty()
                && !value.starts_with('/');
            if !word {
                return None;
            }
            (key, value, ':')
        }
    };
    if key.is_empty()
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
    {
        return None;
    }
    if value.starts_with('"') {
        return Some(Cow::Owned(format!("{key}{separator}<STR>")));
    }
    match masked(value) {
        Cow::Borrowed(same) if same == value => None,
        other => Some(Cow::Owned(format!("{key}{separator}{other}"))),
    }
}

/// A token's variable part masked, its punctuation kept: `(10.0.0.1:80),` -> `(<IP>),`.
fn masked(token: &str) -> Cow<'_, str> {
    if let Some(pair) = masked_pair(token) {
        return pair;
    }
    let mut core = token.trim_matches(|c: char| {
        matches!(
            c,
            '(' | ')' | '[' | ']' | '{' | '}' | '<' | '>' | ',' | ';' | ':' | '.' | '\'' | '"'
        )
    });
    if core.is_empty() {
        return Cow::Borrowed(token);
    }
    // `/10.251.42.84:50010`: Hadoop writes addresses after a slash.
    if let Some(address) = core.strip_prefix('/') {
        if mask(address) == Some("<IP>") {
            core = address;
        }
    }
    match mask(core) {
        None => Cow::Borrowed(token),
        Some(placeholder) if core.len() == token.len() => Cow::Borrowed(placeholder),
        Some(placeholder) => {
            let start = core.as_ptr() as usize - token.as_ptr() as usize;
            let end = start + core.len();
            Cow::Owned(format!("{}{placeholder}{}", &token[..start], &token[end..]))
        }
    }
}

/// The tokens of a message body, masked. A double-quoted span (which may hold spaces)
/// is one token.
pub fn tokens(body: &str) -> Vec<Cow<'_, str>> {
    let mut out = Vec::with_capacity(16);
    let mut rest = body.trim_start();
    while !rest.is_empty() {
        let word = rest
            .find(char::is_whitespace)
            .map_or(rest, |end| &rest[..end]);
        let quote = word
            .find('"')
            .filter(|&at| at > 0 && word.as_bytes()[at - 1] == b'=')
            .map(|at| at - 1);
        let end = match quote.filter(|_| !rest.starts_with('"')) {
            // `ua="Mozilla/5.0 (X11)"`: a quoted value runs to its closing quote.
            Some(at) => through_quote(rest, at + 2),
            None if rest.starts_with('"') => through_quote(rest, 1),
            None => rest.find(char::is_whitespace).unwrap_or(rest.len()),
        };
        let token = &rest[..end];
        if is_signature(token) {
            out.push(Cow::Borrowed(token));
        } else if token.starts_with('"') && token.len() > 1 && token[1..].contains('"') {
            quoted(token, &mut out);
        } else if !joined_unit(&mut out, token) {
            push_collapsed(&mut out, masked(token));
        }
        rest = rest[end..].trim_start();
    }
    out
}

/// Words a short quoted string may have and still be read word by word: a request line
/// (`"GET /cart HTTP/1.1"`) is constant words around values, and `GET` and `DELETE` must
/// not share a pattern; longer quoted text (a user agent, a free-form reason) is one value.
const QUOTED_WORDS: usize = 4;

/// A quoted span: its words masked one by one (the quotes kept on the first and last), or
/// `<STR>` when it is long.
fn quoted<'a>(token: &'a str, out: &mut Vec<Cow<'a, str>>) {
    let words: Vec<&str> = token.split_whitespace().collect();
    if words.len() > QUOTED_WORDS {
        out.push(Cow::Borrowed("<STR>"));
        return;
    }
    for word in words {
        push_collapsed(out, masked(word));
    }
}

/// A unit written apart from its number (`1.16 KB)`, `<1 sec`, `403 bytes`) joins the number
/// before it: `(<SIZE>)`, so that the unit, a word, does not read as a constant of the line.
fn joined_unit(out: &mut [Cow<'_, str>], token: &str) -> bool {
    let Some((placeholder, trailing)) = spaced_unit(token) else {
        return false;
    };
    let Some(last) = out.last_mut() else {
        return false;
    };
    let Some(before) = last.strip_suffix("<NUM>") else {
        return false;
    };
    *last = Cow::Owned(format!("{before}{placeholder}{trailing}"));
    true
}

/// Pushes a masked token, collapsing a run of the same placeholder into one `<NUM>…`, so a
/// list (`channels 1 2 3 ... 165`) is one pattern whatever its length.
fn push_collapsed<'a>(out: &mut Vec<Cow<'a, str>>, token: Cow<'a, str>) {
    let placeholder = token.starts_with('<') && token.ends_with('>') && token.len() > 2;
    if placeholder {
        if let Some(last) = out.last_mut() {
            let run = last.strip_suffix('…').unwrap_or(last);
            if run == token {
                if !last.ends_with('…') {
                    *last = Cow::Owned(format!("{token}…"));
                }
                return;
            }
        }
    }
    out.push(token);
}

/// The end of a word whose quoted part opens at `open`: through the closing quote and
/// whatever sticks to it; without a closing quote, the word's end.
fn through_quote(rest: &str, open: usize) -> usize {
    let word_end = |from: usize| {
        from + rest[from..]
            .find(char::is_whitespace)
            .unwrap_or(rest.len() - from)
    };
    match rest[open..].find('"') {
        Some(i) => word_end(open + i + 1),
        None => word_end(0),
    }
}

/// Whether a template's token is (or holds) a value: a placeholder, a masked part, digits.
/// A trace's signature is the constant that names a failure.
pub fn holds_value(token: &str) -> bool {
    let digit = token.bytes().any(|b| b.is_ascii_digit());
    let placeholder = || {
        let bytes = token.as_bytes();
        bytes.iter().enumerate().any(|(at, &b)| {
            b == b'<'
                && bytes[at + 1..]
                    .iter()
                    .position(|&c| c == b'>')
                    .is_some_and(|len| PLACEHOLDERS.contains(&&token[at..at + len + 2]))
        })
    };
    (digit || placeholder()) && !is_signature(token)
}

fn is_variable(token: &str) -> bool {
    !is_signature(token)
        && ((token.starts_with('<') && token.ends_with('>'))
            || token.bytes().any(|b| b.is_ascii_digit()))
}

impl Miner {
    pub fn new() -> Miner {
        Miner {
            by_length: HashMap::new(),
            templates: Vec::new(),
            merges: Merges::default(),
        }
    }

    /// How many templates there are; template indices are `0..len()`.
    pub fn len(&self) -> usize {
        self.templates.len()
    }

    pub fn is_empty(&self) -> bool {
        self.templates.is_empty()
    }

    /// The template a message body belongs to (a new one if none is similar enough).
    pub fn add(&mut self, body: &str) -> usize {
        let tokens = tokens(body);
        let t = self.route(&tokens);
        self.merges
            .saw(t, skeleton_hash(tokens.iter().map(|t| &**t)));
        t
    }

    fn route(&mut self, tokens: &[Cow<str>]) -> usize {
        let leaf = leaf_of(&mut self.by_length, tokens);
        let best = leaf
            .templates
            .iter()
            .map(|&t| (t, similarity(&self.templates[t], tokens)))
            .fold(
                None::<(usize, f64, usize)>,
                |best, (t, (sim, wild))| match best {
                    Some((_, s, w)) if s > sim || (s == sim && w >= wild) => best,
                    _ => Some((t, sim, wild)),
                },
            );
        match best {
            Some((t, sim, _)) if sim >= SIMILARITY => {
                for (slot, token) in self.templates[t].iter_mut().zip(tokens) {
                    if **slot != **token && &**slot != WILDCARD {
                        *slot = WILDCARD.into();
                    }
                }
                t
            }
            _ => {
                let t = self.templates.len();
                self.templates
                    .push(tokens.iter().map(|t| Box::from(&**t)).collect());
                leaf.templates.push(t);
                t
            }
        }
    }

    /// Each template's pattern text after the merge step (`merge::pattern_texts`).
    pub fn pattern_texts(&self) -> Vec<String> {
        pattern_texts(&self.templates, &self.merges)
    }

    pub fn template(&self, index: usize) -> String {
        self.templates
            .get(index)
            .map(|t| t.join(" "))
            .unwrap_or_default()
    }
}

/// The leaf a line's tokens route to, made if new.
fn leaf_of<'a>(by_length: &'a mut HashMap<usize, Node>, tokens: &[Cow<str>]) -> &'a mut Node {
    let mut node = by_length.entry(tokens.len()).or_default();
    for token in tokens.iter().take(ROUTE_TOKENS) {
        let mut key: &str = if is_variable(token) { WILDCARD } else { token };
        if !node.children.contains_key(key) && node.children.len() >= MAX_CHILDREN {
            key = WILDCARD;
        }
        node = node.children.entry(Box::from(key)).or_default();
    }
    node
}

/// Share of positions where the template's constant token equals the line's, and how
/// many wildcards the template has (more wins a tie: it is the more general template).
fn similarity(template: &[Box<str>], tokens: &[Cow<str>]) -> (f64, usize) {
    if template.is_empty() {
        return (1.0, 0);
    }
    let mut same = 0;
    let mut wild = 0;
    for (slot, token) in template.iter().zip(tokens) {
        if &**slot == WILDCARD {
            wild += 1;
        } else if **slot == **token {
            same += 1;
        }
    }
    (same as f64 / template.len() as f64, wild)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_that_differ_in_values_share_a_template() {
        let mut miner = Miner::new();
        let a = miner.add("PacketResponder 1 for block blk_38865049064139660 terminating");
        let b = miner.add("PacketResponder 2 for block blk_-6952295868487656571 terminating");
        let c =
            miner.add("Received block blk_3587508140051953248 of size 67108864 from /10.251.42.84");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            miner.template(a),
            "PacketResponder <NUM> for block <*> terminating"
        );
        assert_eq!(
            miner.template(c),
            "Received block <*> of size <NUM> from /<IP>"
        );
    }

    #[test]
    fn differing_words_become_wildcards() {
        let mut miner = Miner::new();
        let a = miner.add("session opened for user root by (uid=0)");
        let b = miner.add("session opened for user alice by (uid=1000)");
        assert_eq!(a, b);
        assert_eq!(miner.template(a), "session opened for user <*> by (<*>)");
        let c = miner.add("connection closed by remote host");
        assert_ne!(a, c);
        assert_eq!(miner.len(), 2);
    }

    #[test]
    fn long_quoted_strings_are_one_value_short_ones_are_read() {
        let t = tokens(r#"request "GET /a b HTTP/1.1" took 12ms"#);
        assert_eq!(
            t,
            vec!["request", "\"GET", "/a", "b", "<*>\"", "took", "<DURATION>"]
        );
        let t = tokens(r#"said "the quick brown fox jumps" then"#);
        assert_eq!(t, vec!["said", "<STR>", "then"]);
        let t = tokens(r#"client=10.1.2.3 ua="Mozilla/5.0 (X11; Linux)" key=user:u35 mode=fast"#);
        assert_eq!(
            t,
            vec!["client=<IP>", "ua=<STR>", "key=user:<*>", "mode=fast"]
        );
    }

    #[test]
    fn same_input_same_templates() {
        let lines: Vec<String> = (0..500)
            .map(|i| format!("user u{} did action {} in {}ms", i % 7, i % 3, i))
            .collect();
        let run = || {
            let mut m = Miner::new();
            let ids: Vec<usize> = lines.iter().map(|l| m.add(l)).collect();
            (ids, (0..m.len()).map(|t| m.template(t)).collect::<Vec<_>>())
        };
        assert_eq!(run(), run());
    }
}
