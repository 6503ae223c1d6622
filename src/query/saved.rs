//! Saved queries in the query language: `@name` stands for a saved query's text, in
//! parentheses. Where they are kept is the CLI's business; the rules are here, so every
//! place a query is typed (command line, dashboard filter) reads them alike.

use anyhow::{bail, Result};
use std::collections::BTreeMap;

/// How deep saved queries may name other saved queries.
const MAX_DEPTH: usize = 8;

/// Whether `name` can be saved: letters, digits, `_` and `-`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `text` with every `@name` replaced by its saved query in parentheses. An `@` inside
/// quotes or a regex, or a field such as `@timestamp:` (a name before a colon), stays.
pub fn expand(text: &str, saved: &BTreeMap<String, String>) -> Result<String> {
    expand_at(text, saved, &mut Vec::new())
}

fn expand_at(
    text: &str,
    saved: &BTreeMap<String, String>,
    open: &mut Vec<String>,
) -> Result<String> {
    if !text.contains('@') {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    let mut regex = false;
    let mut previous: Option<char> = None;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let starts_token = previous.is_none_or(|p| p.is_whitespace() || p == '(');
        if c == '@' && !quoted && !regex && starts_token {
            let name_len = rest[1..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len() - 1);
            let name = &rest[1..1 + name_len];
            let after = &rest[1 + name_len..];
            if !name.is_empty() && !after.starts_with(':') {
                let Some(query) = saved.get(name) else {
                    let known: Vec<&str> = saved.keys().map(String::as_str).collect();
                    bail!(
                        "no saved query '@{name}'{}; to search for the word, quote it: \"@{name}\"",
                        if known.is_empty() {
                            " (none are saved: logagg saved add NAME QUERY)".to_string()
                        } else {
                            format!(" (saved: {})", known.join(", "))
                        }
                    );
                };
                if open.iter().any(|o| o == name) || open.len() >= MAX_DEPTH {
                    bail!(
                        "saved query '@{name}' names itself through {}",
                        open.join(" -> ")
                    );
                }
                open.push(name.to_string());
                let inner = expand_at(query, saved, open)?;
                open.pop();
                out.push('(');
                out.push_str(&inner);
                out.push(')');
                previous = Some(')');
                rest = after;
                continue;
            }
        }
        match c {
            '\\' if quoted => {
                // An escaped character inside quotes: copy it with its backslash.
                out.push(c);
                rest = &rest[1..];
                if let Some(next) = rest.chars().next() {
                    out.push(next);
                    rest = &rest[next.len_utf8()..];
                }
                previous = Some(c);
                continue;
            }
            '"' if !regex => quoted = !quoted,
            '/' if !quoted && (regex || starts_token || previous == Some(':')) => regex = !regex,
            _ => {}
        }
        out.push(c);
        previous = Some(c);
        rest = &rest[c.len_utf8()..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved() -> BTreeMap<String, String> {
        [
            ("errors", "level:>=error"),
            ("auth", "service:(auth OR login)"),
            ("auth-errors", "@auth AND @errors"),
            ("loop", "@loop OR x"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn names_expand_where_a_token_starts() {
        let s = saved();
        assert_eq!(expand("@errors", &s).unwrap(), "(level:>=error)");
        assert_eq!(
            expand("@auth-errors -host:canary*", &s).unwrap(),
            "((service:(auth OR login)) AND (level:>=error)) -host:canary*"
        );
        assert_eq!(
            expand("(@errors OR x)", &s).unwrap(),
            "((level:>=error) OR x)"
        );
        // Fields, quotes, regexes and addresses keep their @.
        for same in [
            "@timestamp:[now-1h TO now]",
            "\"mail @errors\"",
            "message:/a@errors/",
            "user@errors.example",
            "\"esc \\\" @errors\"",
        ] {
            assert_eq!(expand(same, &s).unwrap(), same);
        }
    }

    #[test]
    fn unknown_and_circular_names_are_errors() {
        let s = saved();
        let unknown = expand("@nope AND x", &s).unwrap_err().to_string();
        assert!(unknown.contains("no saved query '@nope'") && unknown.contains("auth-errors"));
        let circular = expand("@loop", &s).unwrap_err().to_string();
        assert!(circular.contains("names itself"), "{circular}");
    }
}
