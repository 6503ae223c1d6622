//! A block being built: one stream's events that wait for their block, kept the way the
//! block lays them out. Appending an event copies its values into column buffers, so a
//! waiting event takes a fraction of the memory it takes as a `LogEvent` (a second of
//! events waits between commits), nothing is allocated per event, and the caller's event
//! can be filled again. `encode` then writes the block described in `block.rs`.

use super::block::{self, BlockError, MAGIC, MAX_EVENTS};
use super::bloom::WordBloom;
use super::fields::{self, FieldColumns};
use super::varint::{self, put_text};
use crate::event::{read_fields_text, FieldMaps, LogEvent, StringMarks, Timestamp, FILE_PATH_KEY};
use crate::short_text::equal;
use xxhash_rust::xxh3::xxh3_64;

/// A key of the block's fields: its summary and its column as stored.
type KeyColumnRef<'a> = (&'a fields::KeyStats, std::borrow::Cow<'a, [u8]>);

#[derive(Default)]
pub struct PendingBlock {
    seqs: Vec<u64>,
    times: Vec<i64>,
    /// Events of each level, by `Level::rank`.
    level_counts: [u64; 6],
    levels: Vec<u8>,
    flags: Vec<u8>,
    services: Dictionary,
    hosts: Dictionary,
    /// The file each event was read from (empty: none, or given in its fields).
    files: Dictionary,
    /// The messages one after another; `message_ends` says where each one stops.
    text: String,
    message_ends: Vec<usize>,
    /// Each trace id held, as the block stores it (see `put_trace_id`).
    trace_ids: Vec<u8>,
    fields: FieldColumns,
    /// The `fields` objects of the rows from `first_text_row` on, as their lines wrote
    /// them (one after another, `fields_text_ends` says where each stops): read into
    /// `fields` when the block is encoded, on the sealing thread.
    fields_text: String,
    fields_text_ends: Vec<usize>,
    first_text_row: Option<usize>,
}

impl PendingBlock {
    /// `events` with their sequence numbers, as one block-to-be.
    pub fn of(events: &[LogEvent], seqs: &[u64]) -> Result<PendingBlock, BlockError> {
        if events.len() > MAX_EVENTS {
            return Err(BlockError::TooManyEvents(events.len()));
        }
        if seqs.len() != events.len() {
            return Err(BlockError::Damaged(
                "one sequence number per event is needed",
            ));
        }
        let mut pending = PendingBlock::default();
        for (event, &seq) in events.iter().zip(seqs) {
            pending.push(event, seq);
        }
        Ok(pending)
    }

    /// Appends `event`, numbered `seq` in the store.
    pub fn push(&mut self, event: &LogEvent, seq: u64) {
        self.push_with_fields_text(event, "", "", seq);
    }

    /// Appends `event`, whose `fields` are the object `fields_text` when that is not empty
    /// (a line's own, checked by the reader that left it; `event.fields` is then unread),
    /// read from the file `file_path` when that is not empty (stored as the field
    /// `log.file.path`, once per block while it stays the same).
    pub fn push_with_fields_text(
        &mut self,
        event: &LogEvent,
        fields_text: &str,
        file_path: &str,
        seq: u64,
    ) {
        let row = self.seqs.len();
        self.seqs.push(seq);
        self.times.push(event.timestamp.0);
        let rank = event.level.rank();
        self.level_counts[rank as usize] += 1;
        self.levels.push(rank as u8);
        self.flags.push(flags_of(event));
        self.services.push(&event.service);
        self.hosts.push(&event.host);
        self.files.push(file_path);
        self.text.push_str(&event.message);
        self.message_ends.push(self.text.len());
        if let Some(id) = &event.trace_id {
            put_trace_id(&mut self.trace_ids, id);
        }
        self.push_fields(row, event, fields_text);
    }

    /// Rows keep their order in each key's column: once a row's fields wait as text, the
    /// rows after it wait as text too (an event's map written out as an object).
    fn push_fields(&mut self, row: usize, event: &LogEvent, fields_text: &str) {
        if self.first_text_row.is_none() {
            if fields_text.is_empty() {
                self.fields.push(row, &event.fields);
                return;
            }
            self.first_text_row = Some(row);
        }
        if !fields_text.is_empty() {
            self.fields_text.push_str(fields_text);
        } else if event.fields.is_empty() {
            // A line without `fields` (common): no serializer needed for it.
            self.fields_text.push_str("{}");
        } else {
            // A map of JSON values always writes out; the `{}` is for what cannot happen.
            let text = serde_json::to_string(&event.fields);
            self.fields_text.push_str(text.as_deref().unwrap_or("{}"));
        }
        self.fields_text_ends.push(self.fields_text.len());
    }

    pub fn len(&self) -> usize {
        self.seqs.len()
    }

    /// Empties the block and keeps its room, so the next block of a stream fills memory
    /// already touched instead of growing fresh buffers (on this path, the kernel zeroing
    /// new pages cost more than copying the events in).
    pub fn clear(&mut self) {
        self.seqs.clear();
        self.times.clear();
        self.level_counts = [0; 6];
        self.levels.clear();
        self.flags.clear();
        self.services.clear();
        self.hosts.clear();
        self.files.clear();
        self.text.clear();
        self.message_ends.clear();
        self.trace_ids.clear();
        self.fields.clear();
        self.fields_text.clear();
        self.fields_text_ends.clear();
        self.first_text_row = None;
    }

    pub fn is_empty(&self) -> bool {
        self.seqs.is_empty()
    }

    /// The service of the first event (a stream's blocks hold one service).
    pub fn service(&self) -> &str {
        self.services.first()
    }

    pub fn host(&self) -> &str {
        self.hosts.first()
    }

    /// The lowest and highest sequence numbers (0 when empty).
    pub fn seq_range(&self) -> (u64, u64) {
        let lowest = self.seqs.iter().copied().min().unwrap_or(0);
        let highest = self.seqs.iter().copied().max().unwrap_or(0);
        (lowest, highest)
    }

    /// The oldest and newest event times (0 when empty).
    pub fn time_range(&self) -> (Timestamp, Timestamp) {
        let oldest = self.times.iter().copied().min().unwrap_or_default();
        let newest = self.times.iter().copied().max().unwrap_or_default();
        (Timestamp(oldest), Timestamp(newest))
    }

    pub fn level_counts(&self) -> [u64; 6] {
        self.level_counts
    }

    fn messages(&self) -> impl Iterator<Item = &str> + Clone {
        let starts = std::iter::once(0).chain(self.message_ends.iter().copied());
        starts
            .zip(self.message_ends.iter().copied())
            .map(|(start, end)| &self.text[start..end])
    }

    /// The block: summary and column directory in a checksummed head, then the columns.
    pub fn encode(&mut self) -> Result<Vec<u8>, BlockError> {
        let mut block = Vec::new();
        self.encode_into(&mut block)?;
        Ok(block)
    }

    /// Like `encode`, into `block` (emptied first), so a caller that writes one block after
    /// another reuses one buffer.
    pub fn encode_into(&mut self, block: &mut Vec<u8>) -> Result<(), BlockError> {
        let events = self.len();
        let Some(first) = self.first_text_row.take() else {
            return self.encode_keys(block, &self.fields.columns(events));
        };
        // The fields still waiting as text are read first. A block whose every row waits as
        // text is read into the encoding thread's columns, not its own: a block's room then
        // holds text only, and the columns' room is kept once per thread, not per block.
        FIELDS_READING.with(|reading| {
            let reading = &mut *reading.borrow_mut();
            let into_own = first > 0;
            let columns = if into_own {
                &mut self.fields
            } else {
                &mut reading.columns
            };
            // Marked once for the whole block: the objects are short, and marking each on
            // its own cost more than reading it.
            let texts = self.fields_text.as_str();
            let marked = !reading.marks.mark(texts.as_bytes()).control;
            let mut start = 0;
            for (i, &end) in self.fields_text_ends.iter().enumerate() {
                let row = first + i;
                if !(marked && columns.push_text(row, texts, &reading.marks, start..end)) {
                    read_fields_text(&texts[start..end], &mut reading.map, &mut reading.maps);
                    columns.push(row, &reading.map);
                }
                start = end;
            }
            self.fields_text.clear();
            self.fields_text_ends.clear();
            let encoded = if into_own {
                self.encode_keys(block, &self.fields.columns(events))
            } else {
                self.encode_keys(block, &reading.columns.columns(events))
            };
            reading.columns.clear();
            encoded
        })
    }

    /// The block, its fields' columns being `keys` and, when its events were read from
    /// files, the files' column.
    fn encode_keys(
        &self,
        block: &mut Vec<u8>,
        keys: &[KeyColumnRef<'_>],
    ) -> Result<(), BlockError> {
        if self.files.holds_only_empty() {
            return self.encode_all_keys(block, keys);
        }
        // Events whose own fields name a file kept that name (they have no path here):
        // theirs and the paths of the others make one column of the key.
        let own = keys
            .iter()
            .position(|(stats, _)| stats.key == FILE_PATH_KEY);
        let made = match own {
            None => Some(fields::text_runs_column(FILE_PATH_KEY, self.files.runs())),
            Some(i) => fields::text_column(
                FILE_PATH_KEY,
                self.files.non_empty_rows(),
                Some(keys[i].1.as_ref()),
            ),
        };
        let Some((stats, column)) = made else {
            return self.encode_all_keys(block, keys);
        };
        let mut with_file: Vec<KeyColumnRef<'_>> = keys.to_vec();
        let merged = (&stats, std::borrow::Cow::Borrowed(column.as_slice()));
        match own {
            Some(i) => with_file[i] = merged,
            None => with_file.push(merged),
        }
        self.encode_all_keys(block, &with_file)
    }

    fn encode_all_keys(
        &self,
        block: &mut Vec<u8>,
        keys: &[KeyColumnRef<'_>],
    ) -> Result<(), BlockError> {
        ENCODING.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let encoded = self.encode_with(block, keys, &mut scratch);
            scratch.trim();
            encoded
        })
    }

    fn encode_with(
        &self,
        block: &mut Vec<u8>,
        keys: &[KeyColumnRef<'_>],
        scratch: &mut Scratch,
    ) -> Result<(), BlockError> {
        block.clear();
        let events = self.len();
        if events > MAX_EVENTS {
            return Err(BlockError::TooManyEvents(events));
        }
        let Scratch {
            head,
            columns,
            packed,
            messages,
        } = scratch;
        head.clear();
        columns.clear();
        let (oldest, newest) = self.time_range();
        varint::put(head, events as u64);
        varint::put_signed(head, oldest.0);
        varint::put_signed(head, newest.0);
        for count in self.level_counts {
            varint::put(head, count);
        }
        WordBloom::of(self.messages()).to_bytes(head);
        fields::put_stats(head, keys.iter().map(|(stats, _)| *stats));
        self.message_column(messages);
        // Columns already in their layout are compressed where they lie.
        let (seqs, times, services, hosts) = (
            numbers(&self.seqs),
            times(&self.times, oldest.0),
            self.services.column(),
            self.hosts.column(),
        );
        let fixed: [&[u8]; 8] = [
            &seqs,
            &times,
            &self.levels,
            &self.flags,
            &services,
            &hosts,
            messages,
            &self.trace_ids,
        ];
        varint::put(head, (fixed.len() + keys.len()) as u64);
        for column in fixed
            .into_iter()
            .chain(keys.iter().map(|(_, c)| c.as_ref()))
        {
            let stored = block::compress_into(column, packed);
            varint::put(head, stored.len() as u64);
            varint::put(head, column.len() as u64);
            head.push(u8::from(stored.len() != column.len() || stored != column));
            head.extend_from_slice(&xxh3_64(stored).to_le_bytes());
            columns.extend_from_slice(stored);
        }
        let head_len =
            u32::try_from(head.len()).map_err(|_| BlockError::Damaged("head too large"))?;
        block.reserve(block::PREFIX_BYTES + head.len() + columns.len());
        block.extend_from_slice(MAGIC);
        block.extend_from_slice(&head_len.to_le_bytes());
        block.extend_from_slice(&xxh3_64(head).to_le_bytes());
        block.extend_from_slice(head);
        block.extend_from_slice(columns);
        Ok(())
    }

    /// The messages' column, into `out` (emptied first).
    fn message_column(&self, out: &mut Vec<u8>) {
        out.clear();
        out.reserve(self.text.len() + 2 * self.len());
        for message in self.messages() {
            put_text(out, message);
        }
    }
}

/// Buffers one block's encoding needs, kept by each thread that seals blocks: the largest
/// (the messages, packed columns) are half a megabyte each, and taking them fresh for
/// every block had the kernel zeroing new pages for a fifth of the sealing thread's time.
#[derive(Default)]
struct Scratch {
    head: Vec<u8>,
    columns: Vec<u8>,
    packed: Vec<u8>,
    messages: Vec<u8>,
}

impl Scratch {
    /// A block of unusually long messages does not leave all its room behind.
    const KEEP: usize = 4 << 20;

    fn trim(&mut self) {
        for buffer in [
            &mut self.head,
            &mut self.columns,
            &mut self.packed,
            &mut self.messages,
        ] {
            if buffer.capacity() > Self::KEEP {
                *buffer = Vec::new();
            }
        }
    }
}

thread_local! {
    static ENCODING: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Distinct values once, in order of first appearance, then (when there is more than
/// one) each event's value's index.
#[derive(Default)]
struct Dictionary {
    distinct: Vec<String>,
    /// Each row's index, kept only once a second value appears (a stream's block has one
    /// value, so its rows cost nothing here).
    indices: Vec<u32>,
    rows: usize,
}

impl Dictionary {
    fn push(&mut self, value: &str) {
        let row = self.rows;
        self.rows += 1;
        match self.distinct.as_slice() {
            [] => return self.distinct.push(value.to_string()),
            [only] if equal(only.as_bytes(), value.as_bytes()) => return,
            _ => {}
        }
        // Every row before the second value held the first.
        self.indices.resize(row, 0);
        let index = match self.indices.last() {
            Some(&last) if equal(self.distinct[last as usize].as_bytes(), value.as_bytes()) => last,
            _ => match self.distinct.iter().position(|d| d == value) {
                Some(i) => i as u32,
                None => {
                    self.distinct.push(value.to_string());
                    (self.distinct.len() - 1) as u32
                }
            },
        };
        self.indices.push(index);
    }

    fn clear(&mut self) {
        self.distinct.clear();
        self.indices.clear();
        self.rows = 0;
    }

    /// Each row that holds a value other than the empty one, with it, in row order.
    fn non_empty_rows(&self) -> impl Iterator<Item = (usize, &str)> {
        let value = |index: u32| self.distinct[index as usize].as_str();
        let indexed = self.distinct.len() > 1;
        (0..self.rows)
            .map(move |row| {
                let index = if indexed { self.indices[row] } else { 0 };
                (row, value(index))
            })
            .filter(|(_, text)| !text.is_empty())
    }

    /// The runs of rows that hold one value other than the empty one: first row, length,
    /// value.
    fn runs(&self) -> impl Iterator<Item = (usize, usize, &str)> {
        let mut runs: Vec<(usize, usize, &str)> = Vec::new();
        if self.distinct.len() == 1 {
            runs.push((0, self.rows, self.first()));
        } else {
            for (row, &index) in self.indices.iter().enumerate() {
                let value = self.distinct[index as usize].as_str();
                match runs.last_mut() {
                    Some((start, len, last)) if *last == value && *start + *len == row => *len += 1,
                    _ => runs.push((row, 1, value)),
                }
            }
        }
        runs.into_iter().filter(|(_, _, value)| !value.is_empty())
    }

    fn holds_only_empty(&self) -> bool {
        self.distinct.iter().all(String::is_empty)
    }

    fn first(&self) -> &str {
        self.distinct
            .first()
            .map(String::as_str)
            .unwrap_or_default()
    }

    fn column(&self) -> Vec<u8> {
        let mut out = Vec::new();
        varint::put(&mut out, self.distinct.len() as u64);
        for value in &self.distinct {
            put_text(&mut out, value);
        }
        if self.distinct.len() > 1 {
            for &index in &self.indices {
                varint::put(&mut out, u64::from(index));
            }
        }
        out
    }
}

/// Sequence numbers as differences from the previous one (wrapping: any u64 comes back).
fn numbers(seqs: &[u64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(seqs.len() * 2);
    let mut last = 0u64;
    for &seq in seqs {
        varint::put_signed(&mut out, seq.wrapping_sub(last) as i64);
        last = seq;
    }
    out
}

/// Times as differences from the previous one, the first from the oldest.
fn times(times: &[i64], oldest: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(times.len() * 2);
    let mut last = oldest;
    for &time in times {
        varint::put_signed(&mut out, time.wrapping_sub(last));
        last = time;
    }
    out
}

/// 32 lowercase hex digits as their 16 bytes; anything else as written.
fn put_trace_id(out: &mut Vec<u8>, id: &str) {
    match lower_hex_128(id.as_bytes()) {
        Some(bytes) => {
            out.push(0);
            out.extend_from_slice(&bytes);
        }
        None => {
            out.push(1);
            put_text(out, id);
        }
    }
}

/// The 16 bytes 32 lowercase hex digits spell, in order. (A parse per event: the general
/// number parser's checks per digit were a third of appending an event to its block.)
fn lower_hex_128(digits: &[u8]) -> Option<[u8; 16]> {
    let digits: &[u8; 32] = digits.try_into().ok()?;
    let value = |d: u8| match d {
        b'0'..=b'9' => d - b'0',
        b'a'..=b'f' => d - b'a' + 10,
        _ => 0xff,
    };
    let mut bytes = [0u8; 16];
    let mut invalid = 0u8;
    for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
        let (high, low) = (value(pair[0]), value(pair[1]));
        invalid |= high | low;
        *byte = (high << 4) | (low & 0x0f);
    }
    (invalid < 16).then_some(bytes)
}

/// What a thread that encodes blocks keeps for reading fields that wait as text.
#[derive(Default)]
struct FieldsReading {
    marks: StringMarks,
    map: serde_json::Map<String, serde_json::Value>,
    maps: FieldMaps,
    columns: FieldColumns,
}

thread_local! {
    static FIELDS_READING: std::cell::RefCell<FieldsReading> = std::cell::RefCell::default();
}

/// An event's flags byte: bit 0 unparsed, bit 1 has a trace id, bits 2-4 where its time
/// came from, plus one (0 in parts written before that was recorded).
pub(super) fn flags_of(event: &LogEvent) -> u8 {
    u8::from(event.unparsed)
        | (u8::from(event.trace_id.is_some()) << 1)
        | ((event.time_from.code() + 1) << 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// A trace id is packed exactly when it is 32 lowercase hex digits, into the number
        /// they spell.
        #[test]
        fn trace_ids_pack_as_the_hex_number_they_spell(id in "[0-9a-fA-FxZ-]{30,34}|[0-9a-f]{32}") {
            let expected = (id.len() == 32
                && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
            .then(|| u128::from_str_radix(&id, 16).unwrap().to_be_bytes());
            prop_assert_eq!(lower_hex_128(id.as_bytes()), expected);
        }
    }
}
