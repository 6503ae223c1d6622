//! How structured `fields` are seen by queries: nested objects become dotted keys and
//! arrays contribute each element, so `http.status` finds both `{"http.status": 1}` and
//! `{"http": {"status": 1}}`. Store and predicate both use this one walk.

use serde_json::{Map, Value};

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
