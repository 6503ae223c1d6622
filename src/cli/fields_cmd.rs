//! `logagg fields`: what the matching events hold, for finding what to query. The event's
//! own attributes first (every event has them), then each `fields` key with how many
//! events hold it, the range of its numbers and, with `--values N`, its most frequent
//! values; from the embedded store or Elasticsearch alike.

use super::args::{FieldsArgs, StoreKind};
use super::output::{thousands, Format};
use super::query_text::build_query;
use super::settings::Settings;
use super::Outcome;
use crate::backend::elasticsearch::{field_caps, search, EsClient};
use crate::backend::embedded::{format_number, StoreReader};
use crate::backend::field_list::FieldList;
use crate::backend::groups::Group;
use crate::event::Timestamp;
use crate::query::{Clause, Query, Target, Test};
use anyhow::Result;
use serde_json::{json, Value};
use std::io::Write;

/// Where the answers come from.
enum Store {
    Embedded(StoreReader),
    Elasticsearch { client: EsClient, prefix: String },
}

impl Store {
    fn count(&self, query: &Query) -> Result<u64> {
        Ok(match self {
            Store::Embedded(reader) => reader.count(query)?,
            Store::Elasticsearch { client, prefix } => search::count(client, prefix, query)?,
        })
    }

    fn count_by(&self, query: &Query, target: &Target, top: usize) -> Result<Vec<Group>> {
        let mut groups = match self {
            Store::Embedded(reader) => reader.count_by(query, target)?,
            Store::Elasticsearch { client, prefix } => {
                search::count_by(client, prefix, query, target, top)?
            }
        };
        groups.truncate(top);
        Ok(groups)
    }

    fn field_list(&self, query: &Query) -> Result<FieldList> {
        Ok(match self {
            Store::Embedded(reader) => reader.field_list(query)?,
            Store::Elasticsearch { client, prefix } => {
                field_caps::field_list(client, prefix, query)?
            }
        })
    }
}

/// One line of the answer.
struct Row {
    name: String,
    kind: &'static str,
    events: u64,
    numbers: Option<(f64, f64)>,
    types: Vec<String>,
    values: Option<Vec<Group>>,
}

pub fn run(args: &FieldsArgs, settings: &Settings) -> Result<Outcome> {
    let query = build_query(
        &args.query,
        args.since.as_deref(),
        args.until.as_deref(),
        Timestamp::now(),
    )?;
    let store = match settings.store(args.store)? {
        StoreKind::Embedded => Store::Embedded(StoreReader::open(&settings.data_dir)?),
        StoreKind::Elasticsearch => {
            let config = settings.es_config(&args.es)?;
            let client = EsClient::connect(&config)?;
            Store::Elasticsearch {
                client,
                prefix: config.index_prefix.clone(),
            }
        }
    };
    let list = store.field_list(&query)?;
    let rows = rows(&store, &query, &list, args.values)?;
    print(&rows, list.matching, Format::resolve(args.output))?;
    if let Store::Embedded(reader) = &store {
        super::store_warnings::damaged(reader);
        if !reader.damaged().is_empty() {
            return Ok(Outcome::Partial);
        }
    }
    Ok(if list.matching == 0 {
        Outcome::NothingMatched
    } else {
        Outcome::Done
    })
}

/// The event's own attributes, then its fields' keys, each with its values when asked.
fn rows(store: &Store, query: &Query, list: &FieldList, values: Option<usize>) -> Result<Vec<Row>> {
    let matching = list.matching;
    if matching == 0 {
        return Ok(Vec::new());
    }
    let with_trace = store.count(&query.clone().and(exists(Target::TraceId)))?;
    let own: [(&str, &'static str, u64, Option<Target>); 8] = [
        ("@timestamp", "time", matching, None),
        ("level", "level", matching, Some(Target::Level)),
        ("service", "keyword", matching, Some(Target::Service)),
        ("host", "keyword", matching, Some(Target::Host)),
        ("message", "text", matching, None),
        ("trace_id", "keyword", with_trace, Some(Target::TraceId)),
        ("time_from", "flag", matching, Some(Target::TimeFrom)),
        ("unparsed", "flag", matching, Some(Target::Unparsed)),
    ];
    let mut rows = Vec::new();
    for (name, kind, events, target) in own {
        if events == 0 {
            continue;
        }
        let values = match (values, target) {
            (Some(top), Some(target)) if events > 0 => Some(store.count_by(query, &target, top)?),
            _ => None,
        };
        rows.push(Row {
            name: name.to_owned(),
            kind,
            events,
            numbers: None,
            types: Vec::new(),
            values,
        });
    }
    for field in &list.fields {
        let values = match values {
            Some(top) => Some(store.count_by(query, &Target::Field(field.name.clone()), top)?),
            None => None,
        };
        rows.push(Row {
            name: field.name.clone(),
            kind: "field",
            events: field.events,
            numbers: field.numbers,
            types: field.types.clone(),
            values,
        });
    }
    Ok(rows)
}

fn exists(target: Target) -> Query {
    Query::Clause(Clause {
        target,
        test: Test::Exists,
    })
}

fn print(rows: &[Row], matching: u64, format: Format) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Json | Format::Raw | Format::Logfmt => {
            for row in rows {
                writeln!(out, "{}", json_line(row, matching))?;
            }
        }
        Format::Table => write_table(&mut out, rows, matching)?,
    }
    out.flush()?;
    Ok(())
}

fn json_line(row: &Row, matching: u64) -> Value {
    let mut line = counted_line(&row.name, row.events, row.numbers, matching);
    line["kind"] = json!(row.kind);
    if !row.types.is_empty() {
        line["types"] = json!(row.types);
    }
    if let Some(values) = &row.values {
        line["values"] = Value::Array(
            values
                .iter()
                .map(|g| json!({"value": g.json(), "count": g.count}))
                .collect(),
        );
    }
    line
}

/// A field's name, holders, share of `matching` and number range, as one JSON object: what
/// `fields -o json` and `serve`'s `/api/v1/fields` say of each key.
pub fn counted_line(name: &str, events: u64, numbers: Option<(f64, f64)>, matching: u64) -> Value {
    let mut line = json!({
        "field": name,
        "events": events,
        "share": share(events, matching),
    });
    if let Some((min, max)) = numbers {
        line["min"] = number(min);
        line["max"] = number(max);
    }
    line
}

fn number(x: f64) -> Value {
    serde_json::from_str(&format_number(x)).unwrap_or(Value::Null)
}

fn share(events: u64, matching: u64) -> f64 {
    if matching == 0 {
        0.0
    } else {
        (events as f64 * 1000.0 / matching as f64).round() / 10.0
    }
}

fn write_table(out: &mut impl Write, rows: &[Row], matching: u64) -> Result<()> {
    let columns = crossterm::terminal::size()
        .ok()
        .map(|(c, _)| usize::from(c))
        .filter(|&c| c >= 40)
        .unwrap_or(120);
    let name_width = rows
        .iter()
        .map(|r| crate::visible::visible(&r.name).chars().count())
        .max()
        .unwrap_or(5)
        .clamp(5, 40);
    let events_width = thousands(matching).len().max(6);
    writeln!(
        out,
        "{:name_width$}  {:>events_width$}  {:>6}  {:7}  {:21}  VALUES",
        "FIELD", "EVENTS", "SHARE", "KIND", "NUMBERS"
    )?;
    for row in rows {
        let numbers = row.numbers.map_or_else(String::new, |(lo, hi)| {
            if lo == hi {
                format_number(lo)
            } else {
                format!("{} .. {}", format_number(lo), format_number(hi))
            }
        });
        let kind = if row.types.is_empty() {
            row.kind.to_owned()
        } else {
            row.types.join("/")
        };
        let values = row.values.as_ref().map_or_else(String::new, |groups| {
            groups
                .iter()
                .map(|g| {
                    format!(
                        "{} ({})",
                        crate::visible::visible(&g.value),
                        thousands(g.count)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        });
        let line = format!(
            "{:name_width$}  {:>events_width$}  {:>5.1}%  {:7}  {:21}  {values}",
            crate::visible::visible(&row.name),
            thousands(row.events),
            share(row.events, matching),
            kind,
            numbers,
        );
        // Cut to the terminal, and said to be cut.
        let line = line.trim_end();
        if line.chars().count() > columns {
            let kept: String = line.chars().take(columns.saturating_sub(1)).collect();
            writeln!(out, "{kept}…")?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    writeln!(out, "{} matching events", thousands(matching))?;
    Ok(())
}
