//! The file an event was shipped from, as a field of the event (`log.file.path`, ECS's
//! name), so a query can tell `/var/log/app.log` from `/var/log/app-worker.log` when both
//! went into one store.

use super::write_str;
use serde_json::Value;
use std::path::Path;

/// The key under `fields`: one flat key, so a line's own `log` object (a container
/// runtime's, a Filebeat event's) is never replaced by it.
pub const FILE_PATH_KEY: &str = "log.file.path";

/// One file's path, ready to be added to each of its events.
#[derive(Debug, Clone)]
pub struct FilePathField {
    path: String,
    /// `"log.file.path":"..."`, for events whose fields wait as text.
    member: String,
}

impl FilePathField {
    pub fn of(path: &Path) -> FilePathField {
        let path = path.to_string_lossy().into_owned();
        let mut member = Vec::with_capacity(path.len() + FILE_PATH_KEY.len() + 6);
        write_str(&mut member, FILE_PATH_KEY);
        member.push(b':');
        write_str(&mut member, &path);
        // `write_str` writes valid UTF-8 (escapes and the path's own characters).
        let member = String::from_utf8_lossy(&member).into_owned();
        FilePathField { path, member }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// Adds the path to an event's fields, unless the line named a file of its own (an
    /// event shipped on from another shipper keeps the file it was first read from).
    pub fn add_to(&self, fields: &mut serde_json::Map<String, Value>) {
        if !fields.contains_key(FILE_PATH_KEY) {
            fields.insert(FILE_PATH_KEY.to_owned(), Value::String(self.path.clone()));
        }
    }

    /// Whether a `fields` object written as text names a file of its own.
    pub fn named_in_text(object: &str) -> bool {
        static QUOTED_KEY: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
            std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\"log.file.path\""));
        QUOTED_KEY.find(object.as_bytes()).is_some()
    }

    /// Adds the path to a `fields` object written as text (a JSON object, as checked by
    /// the reader that left it), unless it names a file of its own.
    pub fn add_to_text(&self, object: &mut String) {
        if Self::named_in_text(object) {
            return;
        }
        let kept = object.trim_end().len();
        object.truncate(kept);
        if object.ends_with('}') {
            object.pop();
        } else {
            // Not an object: nothing of the line's is lost by giving the path its own.
            object.clear();
            object.push('{');
        }
        let body_end = object.trim_end().len();
        object.truncate(body_end);
        if !object.ends_with('{') {
            object.push(',');
        }
        object.push_str(&self.member);
        object.push('}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field() -> FilePathField {
        FilePathField::of(Path::new("/var/log/a \"b\".log"))
    }

    #[test]
    fn the_path_joins_fields_in_either_form() {
        for (text, want) in [
            ("{}", r#"{"log.file.path":"/var/log/a \"b\".log"}"#),
            ("{ }", r#"{"log.file.path":"/var/log/a \"b\".log"}"#),
            (
                r#"{"a":1} "#,
                r#"{"a":1,"log.file.path":"/var/log/a \"b\".log"}"#,
            ),
            (
                r#"{"a":{"b":[1]} }"#,
                r#"{"a":{"b":[1]},"log.file.path":"/var/log/a \"b\".log"}"#,
            ),
        ] {
            let mut object = text.to_owned();
            field().add_to_text(&mut object);
            assert_eq!(object, want);
            let read: serde_json::Map<String, Value> = serde_json::from_str(&object).unwrap();
            assert_eq!(read[FILE_PATH_KEY], "/var/log/a \"b\".log");
        }
        let mut fields = serde_json::Map::new();
        field().add_to(&mut fields);
        assert_eq!(fields[FILE_PATH_KEY], "/var/log/a \"b\".log");
        // A line that names its own file keeps it.
        fields.insert(FILE_PATH_KEY.into(), "elsewhere".into());
        field().add_to(&mut fields);
        assert_eq!(fields[FILE_PATH_KEY], "elsewhere");
        let mut own = r#"{"log.file.path":"elsewhere"}"#.to_owned();
        field().add_to_text(&mut own);
        assert_eq!(own, r#"{"log.file.path":"elsewhere"}"#);
    }
}
