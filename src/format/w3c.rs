//! W3C extended log files (IIS, and other servers that write them): a `#Fields:` directive
//! names the space-separated columns of the lines after it. `date` and `time` (UTC, as
//! the format says) give the time, `sc-status` the level (5xx error, 4xx warn), and every
//! other column with a value (`-` is none) becomes a field, under the names the access
//! format uses where there is one.

use super::clock::{self, Civil, TimeKind, Written};
use super::Header;
use crate::event::Level;
use serde_json::{Map, Value};

/// The columns a `#Fields:` directive names, in order.
pub fn columns_of(sample: &[&str]) -> Option<Vec<String>> {
    let directive = sample
        .iter()
        .rev()
        .find_map(|line| line.strip_prefix("#Fields:"))?;
    let columns: Vec<String> = directive.split_whitespace().map(str::to_string).collect();
    (columns.iter().any(|c| c == "time") || columns.iter().any(|c| c == "date-time"))
        .then_some(columns)
}

/// The field a column is stored as.
fn field_name(column: &str) -> &str {
    match column {
        "c-ip" => "client",
        "cs-method" => "method",
        "cs-uri-stem" => "path",
        "cs-uri-query" => "query",
        "sc-status" => "status",
        "sc-bytes" => "bytes",
        "cs(Referer)" | "cs(Referrer)" => "referrer",
        "cs(User-Agent)" => "user_agent",
        "cs-username" => "user",
        "s-ip" => "server_ip",
        "s-port" => "port",
        "cs-host" => "vhost",
        "time-taken" => "time_taken",
        other => other,
    }
}

pub fn read<'a>(columns: &[String], line: &'a str) -> Option<Header<'a>> {
    if line.starts_with('#') {
        return None;
    }
    let values: Vec<&str> = line.split(' ').filter(|v| !v.is_empty()).collect();
    if values.len() != columns.len() {
        return None;
    }
    let mut date = None;
    let mut time = None;
    let mut header = Header::default();
    let mut fields = Map::new();
    for (column, value) in columns.iter().zip(&values) {
        match column.as_str() {
            "date" => date = Some(*value),
            "time" => time = Some(*value),
            "date-time" => {
                let found = clock::find(TimeKind::YearFirst, value.as_bytes())?;
                header.time = Some(found.written);
            }
            _ if *value == "-" => {}
            other => {
                if other == "sc-status" {
                    let status: u16 = value.parse().ok()?;
                    header.level = Some(match status {
                        500.. => Level::Error,
                        400..=499 => Level::Warn,
                        _ => Level::Info,
                    });
                }
                let parsed = value
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(value.replace('+', " ")));
                fields.insert(field_name(other).to_string(), parsed);
            }
        }
    }
    if let (Some(date), Some(time)) = (date, time) {
        let stamp = format!("{date} {time}");
        let found = clock::find(TimeKind::YearFirst, stamp.as_bytes())?;
        header.time = Some(match found.written {
            // W3C extended logs are in UTC.
            Written::Civil(c) => Written::Civil(Civil {
                offset: Some(c.offset.unwrap_or(0)),
                ..c
            }),
            other => other,
        });
    }
    header.time?;
    header.fields = fields;
    Some(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iis_lines_by_their_fields_directive() {
        let sample = [
            "#Software: Microsoft Internet Information Services 10.0",
            "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken",
        ];
        let columns = columns_of(&sample).unwrap();
        let line = "2026-11-26 21:00:01 10.0.0.1 GET /cart id=7 443 - 10.0.0.2 Mozilla/5.0+(Windows+NT+10.0) - 503 0 0 15";
        let header = read(&columns, line).unwrap();
        assert_eq!(header.level, Some(Level::Error));
        assert_eq!(header.fields["status"], 503);
        assert_eq!(header.fields["path"], "/cart");
        assert_eq!(header.fields["user_agent"], "Mozilla/5.0 (Windows NT 10.0)");
        assert_eq!(header.fields["time_taken"], 15);
        assert!(!header.fields.contains_key("user"));
        let Some(Written::Civil(c)) = header.time else {
            panic!("no time")
        };
        assert_eq!((c.hour, c.minute, c.second, c.offset), (21, 0, 1, Some(0)));
        assert!(read(&columns, "#Date: 2026-11-26 21:00:00").is_none());
        assert!(read(&columns, "2026-11-26 21:00:01 too few").is_none());
    }
}
