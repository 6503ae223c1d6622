//! Tab in the filter and find lines: the word under the cursor completed from what the
//! dashboard holds, as lnav's prompt does: a field name (`serv` -> `service:`), a value of
//! the field before the colon (`level:wa` -> `level:warn`, `service:pay` -> `service:payments`)
//! or a saved query (`@sl` -> `@slow`). Names and values come from the events in the
//! buffer, so nothing is asked of the store while typing.

use crate::event::{flatten_fields, FieldValue, Level, LogEvent};
use crate::query::escape_term;
use std::collections::BTreeSet;

/// The names every event has, as the query language spells them.
const BUILT_IN: [&str; 6] = [
    "@timestamp",
    "host",
    "level",
    "message",
    "service",
    "trace_id",
];

/// Choices listed in the notice when Tab cannot decide.
const SHOWN_CHOICES: usize = 8;

/// What Tab did: the line and cursor after it, and the choices when more than one remain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub text: String,
    pub cursor: usize,
    pub choices: Vec<String>,
}

impl Completion {
    /// One line for the key bar: the choices left, or that there were none.
    pub fn notice(&self, word: &str) -> Option<String> {
        match self.choices.len() {
            0 => Some(format!(
                "nothing to complete '{word}' with in the events held"
            )),
            1 => None,
            n => {
                let shown: Vec<&str> = self
                    .choices
                    .iter()
                    .take(SHOWN_CHOICES)
                    .map(String::as_str)
                    .collect();
                let more = n.saturating_sub(SHOWN_CHOICES);
                Some(if more > 0 {
                    format!("tab: {} (+{more} more)", shown.join("  "))
                } else {
                    format!("tab: {}", shown.join("  "))
                })
            }
        }
    }
}

/// Completes the word that ends at `cursor` (in characters) of `text`. `events` give the
/// field names and values; `saved` the saved queries' names. Returns the word being
/// completed (for the notice) and what Tab does.
pub fn complete<'e>(
    text: &str,
    cursor: usize,
    events: impl Iterator<Item = &'e LogEvent> + Clone,
    saved: impl Iterator<Item = &'e str>,
) -> (String, Completion) {
    let chars: Vec<char> = text.chars().collect();
    let cursor = cursor.min(chars.len());
    let mut start = cursor;
    while start > 0 && !matches!(chars[start - 1], ' ' | '(' | ')') {
        start -= 1;
    }
    // A leading `-` (not) belongs to the query, not to the name.
    if chars.get(start) == Some(&'-') && start < cursor {
        start += 1;
    }
    let word: String = chars[start..cursor].iter().collect();
    let (kept, candidates, close) = match word.split_once(':') {
        Some((name, partial)) => {
            // `latency_ms:>=5`: the comparison stays, the value after it is completed.
            let ops = partial.len() - partial.trim_start_matches(['>', '<', '=']).len();
            let (ops, partial) = partial.split_at(ops);
            let values = values_of(name, events);
            (format!("{name}:{ops}"), starting_with(values, partial), " ")
        }
        None if word.starts_with('@') => {
            let names = saved.map(|name| format!("@{name}")).collect();
            (String::new(), starting_with(names, &word), " ")
        }
        None => (String::new(), starting_with(names_of(events), &word), ":"),
    };
    let completed = match candidates.as_slice() {
        [only] => format!("{kept}{only}{close}"),
        [] => word.clone(),
        many => format!("{kept}{}", common_prefix(many)),
    };
    let before: String = chars[..start].iter().collect();
    let after: String = chars[cursor..].iter().collect();
    let cursor = start + completed.chars().count();
    (
        word,
        Completion {
            text: format!("{before}{completed}{after}"),
            cursor,
            choices: candidates,
        },
    )
}

/// Every name a query can give: the built-in ones and each key of the events' `fields`
/// (nested keys joined with dots), when it can be typed without quoting.
fn names_of<'e>(events: impl Iterator<Item = &'e LogEvent>) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = BUILT_IN.iter().map(|n| n.to_string()).collect();
    for event in events {
        flatten_fields(&event.fields, |key, _| {
            if !names.contains(key) && escape_term(key, true) == key {
                names.insert(key.to_owned());
            }
        });
    }
    names
}

/// The values `name` takes in the events (levels: every level), written as a query
/// needs them (escaped).
fn values_of<'e>(name: &str, events: impl Iterator<Item = &'e LogEvent>) -> BTreeSet<String> {
    let mut values = BTreeSet::new();
    if name == "level" {
        values.extend(Level::ALL.iter().map(|l| l.as_str().to_owned()));
        return values;
    }
    let field = name.strip_prefix("fields.").unwrap_or(name);
    for event in events {
        match name {
            "service" => {
                values.insert(escape_term(&event.service, false));
            }
            "host" => {
                values.insert(escape_term(&event.host, false));
            }
            "trace_id" => {
                if let Some(id) = &event.trace_id {
                    values.insert(escape_term(id, false));
                }
            }
            "message" | "@timestamp" => {}
            _ => flatten_fields(&event.fields, |key, value| {
                if key == field {
                    values.insert(match value {
                        FieldValue::Text(text) => escape_term(text, false),
                        FieldValue::Number(n) => n.to_string(),
                        FieldValue::Bool(b) => b.to_string(),
                    });
                }
            }),
        }
    }
    values
}

fn starting_with(all: BTreeSet<String>, prefix: &str) -> Vec<String> {
    all.into_iter().filter(|c| c.starts_with(prefix)).collect()
}

/// The longest start all of `words` share (whole characters).
fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut end = first.len();
    for word in &words[1..] {
        end = first
            .char_indices()
            .zip(word.chars())
            .find(|((_, a), b)| a != b)
            .map_or(end.min(word.len()), |((i, _), _)| i.min(end));
    }
    first[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn events() -> Vec<LogEvent> {
        let mut slow = LogEvent {
            service: "payments".into(),
            host: "pay-1".into(),
            ..LogEvent::default()
        };
        slow.fields.insert("latency_ms".into(), json!(812));
        slow.fields.insert("user".into(), json!({"id": "u 7"}));
        let mut other = LogEvent {
            service: "payroll".into(),
            host: "pay-2".into(),
            ..LogEvent::default()
        };
        other.fields.insert("latency_ms".into(), json!(15));
        vec![slow, other]
    }

    fn tab(text: &str, cursor: usize) -> Completion {
        let events = events();
        complete(text, cursor, events.iter(), ["slow", "errors"].into_iter()).1
    }

    #[test]
    fn a_name_is_completed_with_its_colon() {
        let done = tab("serv", 4);
        assert_eq!((done.text.as_str(), done.cursor), ("service:", 8));
        let nested = tab("level:error AND user", 20);
        assert_eq!(nested.text, "level:error AND user.id:");
        let negated = tab("-lat", 4);
        assert_eq!(negated.text, "-latency_ms:");
    }

    #[test]
    fn values_come_from_the_events_and_levels_from_the_language() {
        let shared = tab("service:pay", 11);
        assert_eq!(shared.text, "service:pay");
        assert_eq!(shared.choices, ["payments", "payroll"]);
        assert_eq!(
            shared.notice("service:pay").unwrap(),
            "tab: payments  payroll"
        );
        assert_eq!(tab("service:paym", 12).text, "service:payments ");
        assert_eq!(tab("level:>=wa", 10).text, "level:>=warn ");
        assert_eq!(tab("latency_ms:8", 12).text, "latency_ms:812 ");
        // A value with a space is written escaped, as the query needs it.
        assert_eq!(tab("user.id:u", 9).text, "user.id:u\\ 7 ");
    }

    #[test]
    fn only_the_word_at_the_cursor_changes() {
        let done = tab("hos AND level:error", 3);
        assert_eq!(done.text, "host: AND level:error");
        assert_eq!(done.cursor, 5);
        let saved = tab("(@sl", 4);
        assert_eq!(saved.text, "(@slow ");
    }

    #[test]
    fn nothing_to_complete_is_said() {
        let none = tab("zzz", 3);
        assert_eq!(none.text, "zzz");
        assert_eq!(
            none.notice("zzz").unwrap(),
            "nothing to complete 'zzz' with in the events held"
        );
    }
}
