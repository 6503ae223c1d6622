//! How structured `fields` are seen by queries: nested objects become dotted keys and
//! arrays contribute each element, so `http.status` finds both `{"http.status": 1}` and
//! `{"http": {"status": 1}}`. Store and predicate both use this one walk.

use serde_json::{Map, Value};

/// A cheap summary of a `fields` map's keys (how many, the first and the last, as kept in
/// order): equal for maps with the same keys, so a map can be picked for reuse whose keys
/// are likely a new event's, and only its values written (checked there: maps that only
/// look alike cost a rebuild).
pub fn fields_sketch(len: usize, first: Option<&str>, last: Option<&str>) -> u64 {
    sketch_from_keys(len, first.map_or(0, key_sketch), last.map_or(0, key_sketch))
}

/// The part of `fields_sketch` one key gives.
pub fn key_sketch(key: &str) -> u64 {
    let head = key.as_bytes().iter().take(4);
    head.fold(key.len() as u64, |acc, b| acc << 8 | u64::from(*b))
}

/// `fields_sketch` from the `key_sketch` of the first and the last key.
pub fn sketch_from_keys(len: usize, first: u64, last: u64) -> u64 {
    (len as u64) << 56 ^ first ^ last.rotate_left(29)
}

/// `fields_sketch` of a map.
pub fn fields_sketch_of(fields: &Map<String, Value>) -> u64 {
    let first = fields.iter().next().map(|(k, _)| k.as_str());
    let last = fields.iter().next_back().map(|(k, _)| k.as_str());
    fields_sketch(fields.len(), first, last)
}

/// A scalar leaf of `fields`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldValue<'a> {
    Text(&'a str),
    Number(f64),
    Bool(bool),
}

/// Calls `visit(key, value)` for every scalar leaf; nulls and empty arrays have none.
pub fn flatten_fields(fields: &Map<String, Value>, mut visit: impl FnMut(&str, FieldValue<'_>)) {
    let mut key = String::new();
    for (name, value) in fields {
        key.clear();
        key.push_str(name);
        walk(&mut key, value, &mut visit);
    }
}

fn walk(key: &mut String, value: &Value, visit: &mut impl FnMut(&str, FieldValue<'_>)) {
    match value {
        Value::Null => {}
        Value::Bool(b) => visit(key, FieldValue::Bool(*b)),
        Value::Number(n) => {
            if let Some(f) = n.as_f64() {
                visit(key, FieldValue::Number(normalize_zero(f)));
            }
        }
        Value::String(s) => visit(key, FieldValue::Text(s)),
        Value::Array(items) => {
            for item in items {
                walk(key, item, visit);
            }
        }
        Value::Object(map) => {
            let base = key.len();
            for (name, inner) in map {
                key.truncate(base);
                key.push('.');
                key.push_str(name);
                walk(key, inner, visit);
            }
            key.truncate(base);
        }
    }
}

/// -0.0 and 0.0 are the same number to a user.
fn normalize_zero(f: f64) -> f64 {
    if f == 0.0 {
        0.0
    } else {
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn leaves(v: Value) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Value::Object(map) = v {
            flatten_fields(&map, |k, v| out.push((k.to_string(), format!("{v:?}"))));
        }
        out
    }

    #[test]
    fn nested_and_arrays() {
        let got =
            leaves(json!({"http": {"status": 500, "tags": ["a", null, true]}, "x": null, "e": []}));
        assert_eq!(
            got,
            vec![
                ("http.status".to_string(), "Number(500.0)".to_string()),
                ("http.tags".to_string(), "Text(\"a\")".to_string()),
                ("http.tags".to_string(), "Bool(true)".to_string()),
            ]
        );
    }
}
