//! Masks for the variable parts of a message: a token that is a number, an id, an
//! address, a path or a size is replaced by a named placeholder before mining, so lines
//! that differ only there fall into one pattern from the first line on.

/// The placeholder a token stands for, if it is variable. Punctuation around the token
/// (`(10.0.0.1:80),`) is kept by the caller.
pub fn mask(core: &str) -> Option<&'static str> {
    let bytes = core.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    if core
        .find(':')
        .is_some_and(|at| core[at..].starts_with("://"))
    {
        return Some("<URL>");
    }
    if is_email(core) {
        return Some("<EMAIL>");
    }
    if is_ip(core) {
        return Some("<IP>");
    }
    if is_uuid(bytes) {
        return Some("<UUID>");
    }
    if is_path(core) {
        return Some("<PATH>");
    }
    if let Some(kind) = number_like(core) {
        return Some(kind);
    }
    if is_hex(bytes) {
        return Some("<HEX>");
    }
    // Drain's rule: a word with digits in it (`blk_-1608999687919862906`,
    // `attempt_1445144423722_0020_m_000001_0`, `node-246`) is a value, not a constant.
    if bytes.iter().any(u8::is_ascii_digit) {
        return Some("<*>");
    }
    None
}

fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        // The domain ends in a name (`ops@shop.example`), not in digits
        // (`00000001@2016/9/27:20:30:31.455`, a counter and a time).
        Some((user, domain)) => {
            !user.is_empty()
                && !domain.contains('@')
                && domain.rsplit_once('.').is_some_and(|(_, top)| {
                    top.len() >= 2 && top.bytes().all(|b| b.is_ascii_alphabetic())
                })
        }
        None => false,
    }
}

/// IPv4 with an optional port, or IPv6 (at least two colons and only hex digits).
fn is_ip(s: &str) -> bool {
    let host = match s.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) && host.contains('.') => {
            host
        }
        _ => s,
    };
    let mut parts = 0;
    let dotted_quad = host.split('.').all(|p| {
        parts += 1;
        !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit())
    });
    if dotted_quad && parts == 4 {
        return true;
    }
    s.bytes().filter(|&b| b == b':').count() >= 2
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        && s.bytes().any(|b| b.is_ascii_hexdigit())
}

fn is_uuid(b: &[u8]) -> bool {
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn is_path(s: &str) -> bool {
    (s.starts_with('/') && s.len() > 1 && s[1..].contains('/'))
        || s.starts_with("~/")
        || s.starts_with("./")
        || (s.len() > 3 && s.as_bytes()[1] == b':' && s.as_bytes()[2] == b'\\')
}

fn is_hex(b: &[u8]) -> bool {
    if let Some(rest) = b.strip_prefix(b"0x").or_else(|| b.strip_prefix(b"0X")) {
        return !rest.is_empty() && rest.iter().all(u8::is_ascii_hexdigit);
    }
    b.len() >= 8
        && b.iter().all(u8::is_ascii_hexdigit)
        && b.iter().any(u8::is_ascii_digit)
        && b.iter().any(u8::is_ascii_alphabetic)
}

const DURATION_UNITS: &[&str] = &[
    "ns", "us", "µs", "ms", "s", "sec", "secs", "m", "min", "mins", "h", "hr", "hrs",
];
const SIZE_UNITS: &[&str] = &[
    "b", "kb", "mb", "gb", "tb", "kib", "mib", "gib", "tib", "k", "bytes",
];

/// The placeholders masks and the miner write.
pub const PLACEHOLDERS: &[&str] = &[
    "<*>",
    "<NUM>",
    "<IP>",
    "<UUID>",
    "<PATH>",
    "<HEX>",
    "<URL>",
    "<EMAIL>",
    "<DURATION>",
    "<SIZE>",
    "<STR>",
];

/// Units written as a word of their own after a number (`1.16 KB`, `403 bytes`, `<1 sec`);
/// one letter (`5 s`, `3 m`) is too often something else to count.
const SPACED_DURATIONS: &[&str] = &[
    "ns",
    "us",
    "µs",
    "ms",
    "sec",
    "secs",
    "second",
    "seconds",
    "min",
    "mins",
    "minute",
    "minutes",
    "hr",
    "hrs",
    "hour",
    "hours",
    "millis",
    "milliseconds",
];
const SPACED_SIZES: &[&str] = &[
    "kb", "mb", "gb", "tb", "kib", "mib", "gib", "tib", "byte", "bytes",
];

/// For a unit word (with any punctuation after it, `KB),`): its placeholder and that
/// punctuation.
pub fn spaced_unit(token: &str) -> Option<(&'static str, &str)> {
    // Most words are not units: a cheap look first.
    if token.len() > 16 || !token.starts_with(|c: char| c.is_ascii_alphabetic() || c == 'µ') {
        return None;
    }
    let end = token
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(token.len());
    let (unit, trailing) = token.split_at(end);
    if !(2..=12).contains(&unit.len()) || !trailing.chars().all(|c| c.is_ascii_punctuation()) {
        return None;
    }
    let is = |units: &[&str]| units.iter().any(|u| u.eq_ignore_ascii_case(unit));
    if is(SPACED_DURATIONS) {
        Some(("<DURATION>", trailing))
    } else if is(SPACED_SIZES) {
        Some(("<SIZE>", trailing))
    } else {
        None
    }
}

/// `42`, `-3.5`, `99%`, `12ms`, `1.5s`, `512KB`, `1.2GiB`.
fn number_like(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    let mut i = usize::from(b[0] == b'-' || b[0] == b'+');
    let digits_start = i;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b',') {
        i += 1;
    }
    if i == digits_start || !b[digits_start].is_ascii_digit() {
        return None;
    }
    let unit = &s[i..];
    if unit.is_empty() || unit == "%" {
        return Some("<NUM>");
    }
    let lower = unit.to_ascii_lowercase();
    if DURATION_UNITS.contains(&lower.as_str()) {
        return Some("<DURATION>");
    }
    if SIZE_UNITS.contains(&lower.as_str()) {
        return Some("<SIZE>");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_tokens() {
        let cases = [
            ("https://shop.example/cart?id=3", Some("<URL>")),
            ("ops@shop.example", Some("<EMAIL>")),
            ("00000001@2016/9/27:20:30:31.455", Some("<*>")),
            ("10.251.30.6:50010", Some("<IP>")),
            ("192.168.0.1", Some("<IP>")),
            ("fe80::1ff:fe23:4567:890a", Some("<IP>")),
            ("123e4567-e89b-12d3-a456-426614174000", Some("<UUID>")),
            ("/var/lib/nova/instances/_base", Some("<PATH>")),
            ("0x7f3a", Some("<HEX>")),
            ("deadbeef42", Some("<HEX>")),
            ("42", Some("<NUM>")),
            ("-3.5", Some("<NUM>")),
            ("99%", Some("<NUM>")),
            ("12ms", Some("<DURATION>")),
            ("1.5s", Some("<DURATION>")),
            ("512KB", Some("<SIZE>")),
            ("blk_-1608999687919862906", Some("<*>")),
            ("node-246", Some("<*>")),
            ("PacketResponder", None),
            ("terminating", None),
            ("/", None),
            ("deadbeef", None),
        ];
        for (token, expected) in cases {
            assert_eq!(mask(token), expected, "{token}");
        }
    }
}
