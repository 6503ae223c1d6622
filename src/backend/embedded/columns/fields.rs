//! The `fields` of a block's events, one column per top-level key: for each key, the
//! events that have it (as gaps between their positions) with their typed values. Each
//! key's column is compressed on its own, so a query naming one key decompresses only that
//! one; and each key's smallest and largest number (anywhere inside its values) rides in the
//! block's summary, so a numeric range rules a block out without opening it.

use super::varint::{self, put_text, Reader};
use crate::event::{visit_fields_text, FieldsVisitor, LogEvent, Scalar, StringMarks};
use serde_json::{Number, Value};
use std::borrow::Cow;

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const INT: u8 = 3;
const FLOAT: u8 = 4;
const STRING: u8 = 5;
const JSON: u8 = 6;

/// One key of a block's fields, as its summary lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyStats {
    pub key: String,
    /// Events that have the key.
    pub holders: u64,
    /// The smallest and largest number inside its values (`+inf`/`-inf` when none).
    pub min: f64,
    pub max: f64,
}

impl KeyStats {
    /// Whether a number inside this key's values can lie between `lo` and `hi`.
    pub fn may_hold_number(&self, lo: &std::ops::Bound<f64>, hi: &std::ops::Bound<f64>) -> bool {
        use std::ops::Bound::*;
        let above = match lo {
            Included(x) => self.max >= *x,
            Excluded(x) => self.max > *x,
            Unbounded => self.min <= self.max,
        };
        let below = match hi {
            Included(x) => self.min <= *x,
            Excluded(x) => self.min < *x,
            Unbounded => self.min <= self.max,
        };
        above && below
    }
}

/// Whether the top-level key `key` can hold the field named by the dotted `path`.
pub fn holds_path(key: &str, path: &str) -> bool {
    path.strip_prefix(key)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// Emptied key columns kept for the next block (the keys a block of one stream usually holds).
const SPARE_KEY_COLUMNS: usize = 64;

/// The `fields` columns of a block being built: each key (in order of first appearance)
/// with its holders' rows and values laid out as `GENERAL` while events arrive; `columns`
/// repacks a key as `INTEGERS` when that layout applies.
#[derive(Default)]
pub struct FieldColumns {
    keys: Vec<KeyColumn>,
    /// Keys by name, for an event whose keys differ from the previous event's.
    index: std::collections::HashMap<String, usize>,
    /// Emptied column buffers of an earlier block, for the keys of the next one.
    spare: Vec<Vec<u8>>,
    /// The entries of the event `push_text` is reading, added once all are read.
    staging: Staging,
    /// Whether `keys` has left increasing order of key (while it has not, a key's place
    /// orders it).
    keys_out_of_order: bool,
}

/// An event's entries read from its text, each value as its column holds it.
#[derive(Default)]
struct Staging {
    entries: Vec<StagedEntry>,
    /// The values one after another; an entry says where its own ends.
    values: Vec<u8>,
}

struct StagedEntry {
    slot: usize,
    end: usize,
    /// The value, when a number (for the key's smallest and largest).
    number: Option<f64>,
    integer: bool,
}

impl Staging {
    fn clear(&mut self) {
        self.entries.clear();
        self.values.clear();
    }
}

struct StagingVisitor<'a> {
    columns: &'a mut FieldColumns,
    staging: &'a mut Staging,
}

impl FieldsVisitor for StagingVisitor<'_> {
    fn key(&mut self, key: &str) -> bool {
        let staging = &mut *self.staging;
        let slot = self.columns.slot(staging.entries.len(), key);
        if let Some(last) = staging.entries.last() {
            // The map `push` is given iterates its keys in order, each once: text written
            // another way is read into one (stopping here fails the whole reading).
            let columns = &*self.columns;
            let after = if columns.keys_out_of_order {
                *columns.keys[last.slot].stats.key < *key
            } else {
                slot > last.slot
            };
            if !after {
                return false;
            }
        }
        staging.entries.push(StagedEntry {
            slot,
            end: staging.values.len(),
            number: None,
            integer: false,
        });
        true
    }

    fn value(&mut self, value: Scalar<'_>) {
        let staging = &mut *self.staging;
        let Some(entry) = staging.entries.last_mut() else {
            return;
        };
        match value {
            Scalar::Null => staging.values.push(NULL),
            Scalar::Bool(b) => staging.values.push(if b { TRUE } else { FALSE }),
            Scalar::Text(text) => put_string(&mut staging.values, text),
            Scalar::Number(n) => {
                entry.number = n.as_f64();
                entry.integer = n.is_i64();
                put_value(&mut staging.values, &Value::Number(n));
            }
        }
        entry.end = staging.values.len();
    }
}

struct KeyColumn {
    stats: KeyStats,
    /// The `GENERAL` column: its layout byte, then each holder's row (as the gap from the
    /// previous holder's) and tagged value.
    general: Vec<u8>,
    last_row: usize,
    /// Whether every value so far is an integer (an `INTEGERS` candidate).
    integers: bool,
}

impl FieldColumns {
    /// Adds the fields of the event at `row` (rows come in increasing order).
    pub fn push(&mut self, row: usize, fields: &serde_json::Map<String, Value>) {
        for (at, (key, value)) in fields.iter().enumerate() {
            let slot = self.slot(at, key);
            let column = &mut self.keys[slot];
            column.stats.holders += 1;
            widen(&mut column.stats, value);
            varint::put(&mut column.general, (row - column.last_row) as u64);
            column.last_row = row;
            column.integers &= value.as_number().is_some_and(Number::is_i64);
            put_value(&mut column.general, value);
        }
    }

    /// Adds the fields of the event at `row` from the object its line wrote (as
    /// `read_fields_text` takes it), without building a map: the same columns `push`
    /// makes of the map read from it. `false`, with nothing added, when the text is not
    /// one this reader takes (written out of key order, a key twice, nested values, an
    /// escape left to serde): the caller then reads it into a map. The object is `range`
    /// of `texts`, whose marks are `marks` (see `visit_fields_text`).
    pub fn push_text(
        &mut self,
        row: usize,
        texts: &str,
        marks: &StringMarks,
        range: std::ops::Range<usize>,
    ) -> bool {
        let keys_before = self.keys.len();
        let mut staging = std::mem::take(&mut self.staging);
        staging.clear();
        let mut visitor = StagingVisitor {
            columns: self,
            staging: &mut staging,
        };
        // A key without its value, or a key the visitor refused, fails the reading.
        let read = visit_fields_text(texts, marks, range, &mut visitor);
        if read {
            self.commit(row, &staging);
        } else {
            self.forget_keys_from(keys_before);
        }
        self.staging = staging;
        read
    }

    /// The slot of `key`, the `at`th key of its event, made when the block has not met it.
    fn slot(&mut self, at: usize, key: &str) -> usize {
        // Most events share their keys, in the same order: the key at the same place is
        // tried first.
        match self.keys.get(at) {
            Some(known) if crate::short_text::equal(known.stats.key.as_bytes(), key.as_bytes()) => {
                at
            }
            _ => match self.index.get(key) {
                Some(&slot) => slot,
                None => {
                    self.keys_out_of_order |=
                        self.keys.last().is_some_and(|last| *last.stats.key >= *key);
                    self.index.insert(key.to_owned(), self.keys.len());
                    self.keys.push(KeyColumn {
                        stats: KeyStats {
                            key: key.to_owned(),
                            holders: 0,
                            min: f64::INFINITY,
                            max: f64::NEG_INFINITY,
                        },
                        general: {
                            // The column as stored begins with its layout.
                            let mut general = self.spare.pop().unwrap_or_default();
                            general.push(GENERAL);
                            general
                        },
                        last_row: 0,
                        integers: true,
                    });
                    self.keys.len() - 1
                }
            },
        }
    }

    fn commit(&mut self, row: usize, staging: &Staging) {
        let mut start = 0;
        for entry in &staging.entries {
            let column = &mut self.keys[entry.slot];
            column.stats.holders += 1;
            if let Some(x) = entry.number {
                column.stats.min = column.stats.min.min(x);
                column.stats.max = column.stats.max.max(x);
            }
            varint::put(&mut column.general, (row - column.last_row) as u64);
            column.last_row = row;
            column.integers &= entry.integer;
            column
                .general
                .extend_from_slice(&staging.values[start..entry.end]);
            start = entry.end;
        }
    }

    /// Forgets the keys made from `first` on (an event's, read no further).
    fn forget_keys_from(&mut self, first: usize) {
        for mut key in self.keys.drain(first..) {
            self.index.remove(&key.stats.key);
            key.general.clear();
            self.spare.push(key.general);
        }
    }

    /// Forgets every key, keeping the columns' room for the next block's keys.
    pub fn clear(&mut self) {
        self.index.clear();
        self.keys_out_of_order = false;
        self.spare.extend(self.keys.drain(..).map(|key| {
            let mut general = key.general;
            general.clear();
            general
        }));
        // A block with unusually many keys does not leave all their room behind.
        self.spare.truncate(SPARE_KEY_COLUMNS);
    }

    /// Each key's summary and column, for a block of `n` events: a `GENERAL` column is
    /// lent as it was built, an `INTEGERS` one made.
    pub fn columns(&self, n: usize) -> Vec<(&KeyStats, Cow<'_, [u8]>)> {
        self.keys
            .iter()
            .map(|key| {
                let packed = key
                    .integers
                    .then(|| integers(&key.general[1..], key.stats.holders, n))
                    .flatten();
                let column = packed.map_or(Cow::Borrowed(key.general.as_slice()), Cow::Owned);
                (&key.stats, column)
            })
            .collect()
    }
}

/// The column of a key whose values are the texts of `runs` (first row, length, text; in
/// increasing row order), in the `RUNS` layout, with its summary.
pub fn text_runs_column<'a>(
    key: &str,
    runs: impl Iterator<Item = (usize, usize, &'a str)>,
) -> (KeyStats, Vec<u8>) {
    let mut stats = KeyStats {
        key: key.to_owned(),
        holders: 0,
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
    };
    let mut column = vec![RUNS];
    let mut end = 0;
    for (start, len, text) in runs {
        stats.holders += len as u64;
        varint::put(&mut column, (start - end) as u64);
        varint::put(&mut column, len as u64);
        put_string(&mut column, text);
        end = start + len;
    }
    (stats, column)
}

/// The column of a key whose values are the texts of `rows` (in increasing row order),
/// laid out as `push` lays out string values, with its summary; merged, row by row, with
/// `own`, the column the events' own fields made of that key (on other rows). `None` when
/// `own` is not in the `GENERAL` layout (every value an integer: not a text key).
pub fn text_column<'a>(
    key: &str,
    rows: impl Iterator<Item = (usize, &'a str)>,
    own: Option<&[u8]>,
) -> Option<(KeyStats, Vec<u8>)> {
    let mut owned = Vec::new();
    if let Some(own) = own {
        let (&layout, body) = own.split_first()?;
        if layout != GENERAL {
            return None;
        }
        let mut reader = Reader::new(body);
        let mut row = 0usize;
        while !reader.is_empty() {
            row += usize::try_from(reader.get()?).ok()?;
            owned.push((row, get_value(&mut reader)?));
        }
    }
    let mut stats = KeyStats {
        key: key.to_owned(),
        holders: (owned.len() as u64),
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
    };
    // Numbers inside the events' own values still bound range queries.
    for (_, value) in &owned {
        widen(&mut stats, value);
    }
    let mut column = vec![GENERAL];
    let mut last_row = 0;
    let mut put_row = |column: &mut Vec<u8>, row: usize| {
        varint::put(column, (row - last_row) as u64);
        last_row = row;
    };
    let mut owned = owned.into_iter().peekable();
    for (row, text) in rows {
        while let Some((own_row, value)) = owned.next_if(|(r, _)| *r < row) {
            put_row(&mut column, own_row);
            put_value(&mut column, &value);
        }
        stats.holders += 1;
        put_row(&mut column, row);
        put_string(&mut column, text);
    }
    for (own_row, value) in owned {
        put_row(&mut column, own_row);
        put_value(&mut column, &value);
    }
    Some((stats, column))
}

/// A key's column starts with its layout: each holder's row and tagged value in turn
/// (`GENERAL`), or, when most events hold the key and every value is an integer (latencies,
/// statuses, sizes), a bitmap of the rows that hold it and the values packed in as few bits
/// as their spread needs (`INTEGERS`): a range over such a key reads one small column
/// and unpacks it without parsing.
const GENERAL: u8 = 0;
const INTEGERS: u8 = 1;
/// Runs of rows that hold one value: each run's first row (as the gap from the end of
/// the run before), its length and its tagged value. A value that stays the same over a
/// block's rows (the file its events were read from) costs a few bytes, not a copy per row.
const RUNS: u8 = 2;
/// Widths above this do not fit one unaligned 8-byte read.
const MAX_PACKED_BITS: u32 = 56;

/// The `INTEGERS` layout of a key held by `holders` of `n` events, whose `GENERAL` body
/// (every value an integer) is `general`, when the layout applies.
fn integers(general: &[u8], holders: u64, n: usize) -> Option<Vec<u8>> {
    let holders = usize::try_from(holders).ok()?;
    if holders * 4 < n {
        return None;
    }
    let mut rows = Vec::with_capacity(holders);
    let mut values = Vec::with_capacity(holders);
    let mut reader = Reader::new(general);
    let mut row = 0usize;
    while !reader.is_empty() {
        row += usize::try_from(reader.get()?).ok()?;
        if reader.byte()? != INT {
            return None;
        }
        rows.push(row);
        values.push(reader.get_signed()?);
    }
    let min = values.iter().copied().min().unwrap_or(0);
    let spread = values
        .iter()
        .map(|&v| v.wrapping_sub(min) as u64)
        .max()
        .unwrap_or(0);
    let width = u64::BITS - spread.leading_zeros();
    if width > MAX_PACKED_BITS {
        return None;
    }
    let mut column = vec![INTEGERS];
    let mut bitmap = vec![0u8; n.div_ceil(8)];
    for row in rows {
        bitmap[row / 8] |= 1 << (row % 8);
    }
    column.extend_from_slice(&bitmap);
    varint::put_signed(&mut column, min);
    column.push(width as u8);
    let start = column.len();
    // Eight bytes of slack, so that every value is one unaligned 8-byte read.
    column.resize(start + (values.len() * width as usize).div_ceil(8) + 8, 0);
    for (i, &v) in values.iter().enumerate() {
        let bit = i * width as usize;
        let at = start + bit / 8;
        let mut word = [0u8; 8];
        word.copy_from_slice(&column[at..at + 8]);
        let merged = u64::from_le_bytes(word) | ((v.wrapping_sub(min) as u64) << (bit % 8));
        column[at..at + 8].copy_from_slice(&merged.to_le_bytes());
    }
    Some(column)
}

/// An `INTEGERS` column read back: which rows hold the key, and their values in row order.
struct Packed<'a> {
    bitmap: &'a [u8],
    min: i64,
    width: u32,
    bits: &'a [u8],
}

impl<'a> Packed<'a> {
    fn read(column: &'a [u8], n: usize, holders: u64) -> Option<Packed<'a>> {
        let mut r = Reader::new(column);
        let bitmap = r.take(n.div_ceil(8))?;
        let min = r.get_signed()?;
        let width = u32::from(r.byte()?);
        let bits = r.rest();
        let needed = (usize::try_from(holders).ok()?)
            .checked_mul(width as usize)?
            .div_ceil(8)
            + 8;
        let held: u64 = bitmap.iter().map(|b| u64::from(b.count_ones())).sum();
        (width <= MAX_PACKED_BITS && bits.len() == needed && held == holders).then_some(Packed {
            bitmap,
            min,
            width,
            bits,
        })
    }

    /// Each holding row with its value, in row order.
    fn each(&self, mut visit: impl FnMut(usize, i64)) {
        let mask = if self.width == 0 {
            0
        } else {
            u64::MAX >> (64 - self.width)
        };
        let mut i = 0usize;
        for (byte_at, &byte) in self.bitmap.iter().enumerate() {
            let mut byte = byte;
            while byte != 0 {
                let row = byte_at * 8 + byte.trailing_zeros() as usize;
                byte &= byte - 1;
                let bit = i * self.width as usize;
                let at = bit / 8;
                let mut word = [0u8; 8];
                word.copy_from_slice(&self.bits[at..at + 8]);
                let offset = (u64::from_le_bytes(word) >> (bit % 8)) & mask;
                visit(row, self.min.wrapping_add(offset as i64));
                i += 1;
            }
        }
    }
}

fn widen(stats: &mut KeyStats, value: &Value) {
    match value {
        Value::Number(n) => {
            if let Some(x) = n.as_f64() {
                stats.min = stats.min.min(x);
                stats.max = stats.max.max(x);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| widen(stats, v)),
        Value::Object(map) => map.values().for_each(|v| widen(stats, v)),
        _ => {}
    }
}

pub fn put_stats<'a>(out: &mut Vec<u8>, stats: impl ExactSizeIterator<Item = &'a KeyStats>) {
    varint::put(out, stats.len() as u64);
    for key in stats {
        varint::put(out, key.key.len() as u64);
        out.extend_from_slice(key.key.as_bytes());
        varint::put(out, key.holders);
        out.extend_from_slice(&key.min.to_le_bytes());
        out.extend_from_slice(&key.max.to_le_bytes());
    }
}

pub fn read_stats(reader: &mut Reader<'_>, events: usize) -> Option<Vec<KeyStats>> {
    let count = reader.get_len()?;
    let mut stats = Vec::new();
    for _ in 0..count {
        let key = reader.text()?;
        let holders = reader.get()?;
        if holders > events as u64 {
            return None;
        }
        let min = f64::from_le_bytes(reader.take(8)?.try_into().ok()?);
        let max = f64::from_le_bytes(reader.take(8)?.try_into().ok()?);
        stats.push(KeyStats {
            key,
            holders,
            min,
            max,
        });
    }
    Some(stats)
}

/// Puts the values of `key`'s column into the events' fields.
/// The slot of a row that a decode does not build.
pub const NOT_BUILT: u32 = u32::MAX;

/// The event built for `row`, when it is built: `slots` gives each row's place in `events`.
pub fn built<'e>(
    events: &'e mut [LogEvent],
    slots: &[u32],
    row: usize,
) -> Option<&'e mut LogEvent> {
    match *slots.get(row)? {
        NOT_BUILT => None,
        slot => events.get_mut(slot as usize),
    }
}

/// Reads `key`'s column into the events built (see `built`); the values of rows not built
/// are passed over.
pub fn decode_key(
    column: &[u8],
    key: &KeyStats,
    events: &mut [LogEvent],
    slots: &[u32],
) -> Option<()> {
    let (&layout, column) = column.split_first()?;
    if layout == INTEGERS {
        let packed = Packed::read(column, slots.len(), key.holders)?;
        let mut inside = true;
        packed.each(|row, value| match built(events, slots, row) {
            Some(event) => {
                event
                    .fields
                    .insert(key.key.clone(), Value::Number(value.into()));
            }
            None => inside &= row < slots.len(),
        });
        return inside.then_some(());
    }
    if layout == RUNS {
        return each_run(column, key.holders, slots.len(), |rows, r| {
            let value = get_value(r)?;
            for row in rows {
                if let Some(event) = built(events, slots, row) {
                    event.fields.insert(key.key.clone(), value.clone());
                }
            }
            Some(())
        });
    }
    if layout != GENERAL {
        return None;
    }
    each_general(column, key.holders, |row, r| {
        if row >= slots.len() {
            return None;
        }
        match built(events, slots, row) {
            Some(event) => {
                let value = get_value(r)?;
                event.fields.insert(key.key.clone(), value);
            }
            None => skip_value(r)?,
        }
        Some(())
    })
}

/// Walks a `RUNS` column of a block of `events`: `read` gets each run's rows and the
/// reader at its value, which it must read or pass over.
fn each_run(
    column: &[u8],
    holders: u64,
    events: usize,
    mut read: impl FnMut(std::ops::Range<usize>, &mut Reader<'_>) -> Option<()>,
) -> Option<()> {
    let mut r = Reader::new(column);
    let (mut end, mut held) = (0usize, 0u64);
    while !r.is_empty() {
        let start = end.checked_add(r.get_len()?)?;
        end = start.checked_add(r.get_len()?)?;
        if end > events {
            return None;
        }
        held += (end - start) as u64;
        read(start..end, &mut r)?;
    }
    (held == holders).then_some(())
}

/// Walks a `GENERAL` column: `read` gets each holder's row and the reader at its value,
/// which it must read or pass over.
fn each_general(
    column: &[u8],
    holders: u64,
    mut read: impl FnMut(usize, &mut Reader<'_>) -> Option<()>,
) -> Option<()> {
    let mut r = Reader::new(column);
    let mut at = 0usize;
    for _ in 0..holders {
        at = at.checked_add(r.get_len()?)?;
        read(at, &mut r)?;
    }
    r.is_empty().then_some(())
}

/// One event's value of a key, as far as deciding a clause on it needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    Number(f64),
    /// A string or a boolean: never a number.
    Scalar,
    /// Null: no value at all, to the predicate.
    Null,
    /// An array, an object or an integer beyond i64: only the predicate can tell.
    Nested,
}

/// Hands each event that has `key` (by row) its value's cell, without building values.
pub fn visit_cells(
    column: &[u8],
    key: &KeyStats,
    events: usize,
    mut visit: impl FnMut(usize, Cell),
) -> Option<()> {
    let (&layout, column) = column.split_first()?;
    if layout == INTEGERS {
        let packed = Packed::read(column, events, key.holders)?;
        packed.each(|row, value| visit(row, Cell::Number(value as f64)));
        return Some(());
    }
    if layout == RUNS {
        return each_run(column, key.holders, events, |rows, r| {
            let cell = cell_of(r)?;
            rows.for_each(|row| visit(row, cell));
            Some(())
        });
    }
    if layout != GENERAL {
        return None;
    }
    each_general(column, key.holders, |row, r| {
        visit(row, cell_of(r)?);
        Some(())
    })
}

/// The cell of the tagged value `r` is at, passing over the value.
fn cell_of(r: &mut Reader<'_>) -> Option<Cell> {
    {
        let cell = match r.byte()? {
            NULL => Cell::Null,
            FALSE | TRUE => Cell::Scalar,
            INT => Cell::Number(r.get_signed()? as f64),
            FLOAT => {
                let mut raw = [0u8; 8];
                raw.copy_from_slice(r.take(8)?);
                Cell::Number(f64::from_le_bytes(raw))
            }
            STRING => {
                r.skip_text()?;
                Cell::Scalar
            }
            JSON => {
                r.skip_text()?;
                Cell::Nested
            }
            _ => return None,
        };
        Some(cell)
    }
}

fn skip_value(reader: &mut Reader<'_>) -> Option<()> {
    match reader.byte()? {
        NULL | FALSE | TRUE => Some(()),
        INT => reader.get_signed().map(drop),
        FLOAT => reader.take(8).map(drop),
        STRING | JSON => reader.skip_text(),
        _ => None,
    }
}

fn put_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.push(NULL),
        Value::Bool(false) => out.push(FALSE),
        Value::Bool(true) => out.push(TRUE),
        Value::Number(n) if n.is_i64() => {
            out.push(INT);
            varint::put_signed(out, n.as_i64().unwrap_or_default());
        }
        Value::Number(n) if n.is_f64() => {
            out.push(FLOAT);
            out.extend_from_slice(&n.as_f64().unwrap_or_default().to_le_bytes());
        }
        Value::String(s) => put_string(out, s),
        // Integers beyond i64, arrays and objects: as their JSON.
        other => {
            out.push(JSON);
            put_text(out, &other.to_string());
        }
    }
}

fn put_string(out: &mut Vec<u8>, text: &str) {
    out.push(STRING);
    put_text(out, text);
}

fn get_value(reader: &mut Reader<'_>) -> Option<Value> {
    Some(match reader.byte()? {
        NULL => Value::Null,
        FALSE => Value::Bool(false),
        TRUE => Value::Bool(true),
        INT => Value::Number(reader.get_signed()?.into()),
        FLOAT => {
            let mut raw = [0u8; 8];
            raw.copy_from_slice(reader.take(8)?);
            Value::Number(Number::from_f64(f64::from_le_bytes(raw))?)
        }
        STRING => Value::String(reader.text()?),
        JSON => serde_json::from_str(&reader.text()?).ok()?,
        _ => return None,
    })
}
