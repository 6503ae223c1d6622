//! Kubernetes CRI container logs: `2016-10-06T00:17:09.669794202Z stdout F message`.
//! (Docker's json-file lines are JSON objects and take the JSON path.)

use super::clock::{self, TimeKind};
use super::Header;
use serde_json::Value;

pub fn read_cri(line: &str) -> Option<Header<'_>> {
    let found = clock::find(TimeKind::YearFirst, line.as_bytes())?;
    let rest = line.get(found.len..)?.strip_prefix(' ')?;
    let (stream, rest) = rest.split_once(' ')?;
    if stream != "stdout" && stream != "stderr" {
        return None;
    }
    let (tag, _) = rest.split_once(' ').unwrap_or((rest, ""));
    if tag.is_empty() || !tag.split(':').all(|t| t == "F" || t == "P") {
        return None;
    }
    let mut header = Header {
        time: Some(found.written),
        body: (found.len + 1 + stream.len() + 1 + tag.len() + 1).min(line.len()),
        ..Header::default()
    };
    header
        .fields
        .insert("stream".into(), Value::String(stream.to_string()));
    if tag.starts_with('P') {
        header.fields.insert("partial".into(), Value::Bool(true));
    }
    Some(header)
}
