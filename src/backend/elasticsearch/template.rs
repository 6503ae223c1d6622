//! The index template: explicit mappings so that every query of the language has one exact
//! meaning on Elasticsearch (see `dsl`).

use serde_json::{json, Value};

pub fn template_name(prefix: &str) -> String {
    format!("{prefix}-logagg")
}

pub fn index_template(prefix: &str) -> Value {
    json!({
        "index_patterns": super::document::daily_patterns(prefix),
        "priority": 200,
        "_meta": {"managed_by": "logagg", "format": 1},
        "template": {
            "settings": {
                "index.mapping.total_fields.limit": 2000,
                "analysis": {
                    // Words as the query language sees them: runs of letters and digits,
                    // compared in lower case.
                    "tokenizer": {"logagg_words": {"type": "pattern", "pattern": "[^\\p{L}\\p{N}]+"}},
                    "analyzer": {"logagg_words": {"type": "custom", "tokenizer": "logagg_words", "filter": ["lowercase"]}}
                }
            },
            "mappings": {
                "dynamic": false,
                "dynamic_templates": [
                    {"fields_text": {
                        "path_match": "fields.*",
                        "match_mapping_type": "string",
                        "mapping": {"type": "keyword", "ignore_above": 512}
                    }}
                ],
                "properties": {
                    "@timestamp": {"type": "date_nanos"},
                    "log": {"properties": {"level": {"type": "keyword"}}},
                    "service": {"properties": {"name": {"type": "keyword"}}},
                    "host": {"properties": {"name": {"type": "keyword"}}},
                    "trace": {"properties": {"id": {"type": "keyword"}}},
                    // When the ingestor sent it: `tail` follows arrival, not event time.
                    "event": {"properties": {"ingested": {"type": "date"}}},
                    "message": {
                        "type": "text",
                        "analyzer": "logagg_words",
                        "fields": {"raw": {"type": "wildcard"}}
                    },
                    "fields": {"type": "object", "dynamic": true},
                    "logagg": {"properties": {
                        "unparsed": {"type": "boolean"},
                        "time_from": {"type": "keyword"}
                    }}
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_maps_every_field_the_language_queries() {
        let t = index_template("logs");
        assert_eq!(t["index_patterns"][0], json!("logs-0*"));
        assert_eq!(t["index_patterns"][9], json!("logs-9*"));
        let p = &t["template"]["mappings"]["properties"];
        assert_eq!(p["@timestamp"]["type"], "date_nanos");
        for (path, kind) in [
            ("log", "level"),
            ("service", "name"),
            ("host", "name"),
            ("trace", "id"),
        ] {
            assert_eq!(
                p[path]["properties"][kind]["type"], "keyword",
                "{path}.{kind}"
            );
        }
        assert_eq!(p["message"]["analyzer"], "logagg_words");
        assert_eq!(p["message"]["fields"]["raw"]["type"], "wildcard");
        assert_eq!(template_name("logs"), "logs-logagg");
    }
}
