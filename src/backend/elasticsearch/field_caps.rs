//! What a cluster knows of the `fields.*` keys a query names: whether any index maps them,
//! and as what (`_field_caps`), so a typo or a text range over numbers is warned about on
//! Elasticsearch as on the embedded store.

use super::client::EsError;
use super::search::LENIENT;
use super::EsClient;
use elasticsearch::http::Method;
use serde_json::Value;
use std::collections::BTreeMap;

/// The mapped types of each of `keys` (`fields.` + key) in the prefix's indices; a key no
/// index maps is absent from the answer.
pub fn field_types(
    client: &EsClient,
    prefix: &str,
    keys: &[&str],
) -> Result<BTreeMap<String, Vec<String>>, EsError> {
    if keys.is_empty() {
        return Ok(BTreeMap::new());
    }
    let names: Vec<String> = keys.iter().map(|k| format!("fields.{k}")).collect();
    let path = format!(
        "/{prefix}-*/_field_caps?fields={}&{LENIENT}",
        percent_encoding::utf8_percent_encode(&names.join(","), percent_encoding::NON_ALPHANUMERIC)
    );
    let answer = client.json(Method::Get, &path, None)?;
    Ok(read_field_types(&answer))
}

/// `{"fields": {"fields.k": {"long": {...}, "keyword": {...}}}}` as k -> [long, keyword].
pub fn read_field_types(answer: &Value) -> BTreeMap<String, Vec<String>> {
    let mut types = BTreeMap::new();
    if let Some(fields) = answer.get("fields").and_then(Value::as_object) {
        for (name, caps) in fields {
            let Some(key) = name.strip_prefix("fields.") else {
                continue;
            };
            let kinds: Vec<String> = caps
                .as_object()
                .map(|c| c.keys().filter(|k| *k != "unmapped").cloned().collect())
                .unwrap_or_default();
            if !kinds.is_empty() {
                types.insert(key.to_string(), kinds);
            }
        }
    }
    types
}

/// Whether a mapped type holds numbers.
pub fn is_numeric(kind: &str) -> bool {
    matches!(
        kind,
        "long"
            | "integer"
            | "short"
            | "byte"
            | "double"
            | "float"
            | "half_float"
            | "scaled_float"
            | "unsigned_long"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_from_a_documented_answer() {
        let answer: Value = serde_json::from_str(
            r#"{"indices": ["logs-2026.12.07"], "fields": {
                "fields.latency_ms": {"long": {"type": "long", "searchable": true, "aggregatable": true}},
                "fields.user": {"keyword": {"type": "keyword", "searchable": true, "aggregatable": true},
                                "unmapped": {"type": "unmapped", "searchable": false, "aggregatable": false}}
            }}"#,
        )
        .unwrap();
        let types = read_field_types(&answer);
        assert_eq!(types["latency_ms"], ["long"]);
        assert_eq!(types["user"], ["keyword"]);
        assert!(!types.contains_key("servce"));
        assert!(is_numeric("long") && !is_numeric("keyword"));
    }
}
