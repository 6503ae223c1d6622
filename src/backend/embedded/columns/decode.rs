//! Decoding a block's columns back into events: only the parts of the events a query needs,
//! and only for the rows it keeps (the others' texts and values are passed over, not built).

use super::block::Parts;
use super::block::{
    BlockError, Opened, FIXED_COLUMNS, FLAGS, HOSTS, LEVELS, MESSAGES, SERVICES, TRACE_IDS,
};
use super::fields;
use super::varint::Reader;
use crate::event::{Level, LogEvent, TimeFrom, Timestamp};

/// The rows a decode built, in ascending order, with their sequence numbers and events.
pub struct Rows {
    pub rows: Vec<usize>,
    pub seqs: Vec<u64>,
    pub events: Vec<LogEvent>,
}

/// The events a decode builds: one for each kept row, and each row's place among them.
struct Building {
    /// `fields::NOT_BUILT` for a row not kept.
    slots: Vec<u32>,
    rows: Vec<usize>,
    events: Vec<LogEvent>,
}

impl Building {
    fn new(n: usize, keep: Option<&[bool]>) -> Building {
        let mut slots = vec![fields::NOT_BUILT; n];
        let mut rows = Vec::with_capacity(n);
        for (row, slot) in slots.iter_mut().enumerate() {
            if keep.is_none_or(|keep| keep[row]) {
                *slot = rows.len() as u32;
                rows.push(row);
            }
        }
        let events = vec![LogEvent::default(); rows.len()];
        Building {
            slots,
            rows,
            events,
        }
    }

    fn event(&mut self, row: usize) -> Option<&mut LogEvent> {
        fields::built(&mut self.events, &self.slots, row)
    }
}

pub(super) fn decode_columns(
    block: &Opened<'_>,
    parts: Parts,
    paths: Option<&[String]>,
    keep: Option<&[bool]>,
    numbered: Option<(&[u64], &[i64])>,
) -> Result<Rows, BlockError> {
    let n = block.summary.events;
    let damaged = BlockError::Damaged;
    if keep.is_some_and(|keep| keep.len() != n) {
        return Err(damaged("row numbers"));
    }
    let mut building = Building::new(n, keep);
    let (seqs, flags) = fill_basics(block, &mut building, numbered)?;
    if parts.service {
        fill_dictionary(block, SERVICES, "services", &mut building, |e, v| {
            e.service = v.to_string()
        })?;
    }
    if parts.host {
        fill_dictionary(block, HOSTS, "hosts", &mut building, |e, v| {
            e.host = v.to_string()
        })?;
    }
    if parts.message {
        block
            .with_column(MESSAGES, |messages| {
                let mut r = Reader::new(messages);
                for row in 0..n {
                    match building.event(row) {
                        Some(event) => event.message = r.text()?,
                        None => r.skip_text()?,
                    }
                }
                Some(())
            })?
            .ok_or(damaged("messages"))?;
    }
    if parts.trace_id {
        let traces = block.column(TRACE_IDS)?;
        let mut r = Reader::new(&traces);
        for (row, _) in flags.iter().enumerate().filter(|(_, &f)| f & 2 != 0) {
            match building.event(row) {
                Some(event) => event.trace_id = Some(trace_id(&mut r).ok_or(damaged("trace ids"))?),
                None => skip_trace_id(&mut r).ok_or(damaged("trace ids"))?,
            }
        }
    }
    for (at, key) in block.summary.fields.iter().enumerate() {
        let wanted = parts.fields
            && paths.is_none_or(|paths| paths.iter().any(|p| fields::holds_path(&key.key, p)));
        if wanted {
            let column = block.column(FIXED_COLUMNS + at)?;
            fields::decode_key(&column, key, &mut building.events, &building.slots)
                .ok_or(damaged("fields"))?;
        }
    }
    Ok(Rows {
        rows: building.rows,
        seqs,
        events: building.events,
    })
}

/// Time, level and flags of the rows built (always read: they are small); returns the built
/// rows' sequence numbers and every row's flags.
fn fill_basics(
    block: &Opened<'_>,
    building: &mut Building,
    numbered: Option<(&[u64], &[i64])>,
) -> Result<(Vec<u64>, Vec<u8>), BlockError> {
    let n = block.summary.events;
    let damaged = BlockError::Damaged;
    let read;
    let (all_seqs, times) = match numbered {
        Some((seqs, times)) if seqs.len() == n && times.len() == n => (seqs, times),
        _ => {
            read = block.seqs_and_times()?;
            (&read.0[..], &read.1[..])
        }
    };
    let seqs = building.rows.iter().map(|&row| all_seqs[row]).collect();
    let levels = block.column(LEVELS)?;
    let flags = block.column(FLAGS)?;
    if levels.len() != n || flags.len() != n {
        return Err(damaged("levels"));
    }
    for row in 0..n {
        if let Some(event) = building.event(row) {
            event.timestamp = Timestamp(times[row]);
            event.level = Level::from_rank(u64::from(levels[row])).ok_or(damaged("levels"))?;
            event.unparsed = flags[row] & 1 != 0;
            event.time_from = time_from_flags(flags[row]);
        }
    }
    Ok((seqs, flags))
}

/// Fills dictionary column `k` (services or hosts: `what`) into the rows built.
fn fill_dictionary(
    block: &Opened<'_>,
    k: usize,
    what: &'static str,
    building: &mut Building,
    set: impl Fn(&mut LogEvent, &str),
) -> Result<(), BlockError> {
    let n = block.summary.events;
    let values = Dictionary::read(&block.column(k)?, n).ok_or(BlockError::Damaged(what))?;
    for row in 0..n {
        if let Some(event) = building.event(row) {
            set(event, values.value(row).ok_or(BlockError::Damaged(what))?);
        }
    }
    Ok(())
}

/// A dictionary column read back: the distinct values and each row's index into them.
struct Dictionary {
    distinct: Vec<String>,
    /// Empty when there is a single value.
    indices: Vec<usize>,
}

impl Dictionary {
    fn read(column: &[u8], n: usize) -> Option<Dictionary> {
        let mut r = Reader::new(column);
        let count = r.get_len()?;
        if count > column.len() {
            return None;
        }
        let distinct = (0..count).map(|_| r.text()).collect::<Option<Vec<_>>>()?;
        let indices = match distinct.len() {
            0 if n == 0 => Vec::new(),
            1 => Vec::new(),
            _ => (0..n)
                .map(|_| r.get_len().filter(|&i| i < count))
                .collect::<Option<Vec<_>>>()?,
        };
        r.is_empty().then_some(Dictionary { distinct, indices })
    }

    fn value(&self, row: usize) -> Option<&str> {
        let index = if self.indices.is_empty() {
            0
        } else {
            *self.indices.get(row)?
        };
        self.distinct.get(index).map(String::as_str)
    }
}

fn skip_trace_id(reader: &mut Reader<'_>) -> Option<()> {
    match reader.byte()? {
        0 => reader.take(16).map(drop),
        1 => reader.skip_text(),
        _ => None,
    }
}

fn trace_id(reader: &mut Reader<'_>) -> Option<String> {
    match reader.byte()? {
        0 => {
            let mut raw = [0u8; 16];
            raw.copy_from_slice(reader.take(16)?);
            Some(format!("{:032x}", u128::from_be_bytes(raw)))
        }
        1 => reader.text(),
        _ => None,
    }
}

/// Where an event's time came from, from its flags byte (see `pending::flags_of`). Parts
/// written before this was recorded say 0: an unparsed event of theirs took the time it
/// was received, any other the time it wrote.
pub(super) fn time_from_flags(flags: u8) -> TimeFrom {
    match (flags >> 2) & 0b111 {
        0 if flags & 1 != 0 => TimeFrom::Received,
        0 => TimeFrom::Line,
        code => TimeFrom::from_code(code - 1),
    }
}
