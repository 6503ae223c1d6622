//! One input of `ship` (a file, followed or read once, or standard input) with what turns
//! its bytes into records: the format detected from its first lines, the multi-line
//! joiner, and the byte offsets that become positions.

use super::{Entries, EntryStart, FileIdentity, FilePosition, FollowedFile};
use crate::event::{FilePathField, LogEvent, Timestamp, FILE_PATH_KEY};
use crate::format::{self, Clock, LineDecoder};
use crate::pipeline::Record;
use serde_json::{Map, Value};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long an unfinished multi-line entry waits for continuation lines when the input is quiet.
pub const ENTRY_WAIT: Duration = Duration::from_secs(1);

/// How lines become events, shared by every lane.
#[derive(Clone)]
pub struct Decoding {
    pub choice: format::FormatChoice,
    pub time_format: Option<String>,
    pub zone: format::Zone,
    pub service: Option<String>,
    pub host: Option<String>,
    /// `--field` context added to every event.
    pub extra: Map<String, Value>,
    pub multiline: Option<regex::bytes::Regex>,
    /// Whether each event read from a file names it (`log.file.path`).
    pub file_paths: bool,
    /// Whether a JSON line's `fields` object is left as text in its record, for a sink
    /// that reads it itself (see `Sink::reads_fields_text`). Not with `extra` context,
    /// which is added to the event's fields.
    pub fields_text_to_sink: bool,
    /// Whether a file's path is left in each record (`Record::file`) for a sink that
    /// stores it itself, instead of added to the event's fields.
    pub file_path_to_sink: bool,
}

impl Decoding {
    /// How an entry's first line is told: `--multiline`, else by the format detected (or
    /// each line alone while none is).
    pub fn entry_start(&self, decoder: Option<&LineDecoder>) -> EntryStart {
        match (&self.multiline, decoder) {
            (Some(pattern), _) => EntryStart::Pattern(pattern.clone()),
            (None, Some(decoder)) => EntryStart::for_format(&decoder.format),
            (None, None) => EntryStart::Line,
        }
    }

    fn decoder(&self, sample: &[u8], reference: Timestamp) -> LineDecoder {
        let format = format::detect(sample, self.choice, self.time_format.as_deref());
        let mut decoder = LineDecoder::new(
            format,
            Clock {
                zone: self.zone,
                reference,
            },
        );
        decoder.context.service = self.service.clone();
        decoder.context.host = self.host.clone();
        if self.fields_text_to_sink && self.extra.is_empty() {
            decoder.leave_fields_text();
        }
        decoder
    }
}

pub enum Input {
    Once {
        reader: BufReader<Box<dyn Read + Send>>,
        /// Offset of the next byte to read.
        offset: u64,
        /// The start of a line whose end has not been read yet.
        partial: Vec<u8>,
        ended: bool,
    },
    Followed(FollowedFile),
}

pub struct Lane {
    /// A file's path as given (made absolute), or `None` for standard input.
    pub path: Option<PathBuf>,
    pub input: Input,
    records: Recorder,
    /// A followed file's lines of one read, gathered until the stream they belong to is
    /// known, in buffers kept from one read to the next.
    gathered: Vec<u8>,
    gathered_lines: Vec<GatheredLine>,
    pub quiet_since: Instant,
}

/// A line in `Lane::gathered`: its bytes there, and where it began and ended in its file.
struct GatheredLine {
    bytes: std::ops::Range<usize>,
    start: u64,
    end: u64,
}

/// Where finished entries go: onto `records`, each filled into one of `spares` (records a
/// sink has given back) while there are any, so its strings and fields keep their room.
pub struct Out<'a> {
    pub records: &'a mut Vec<Record>,
    pub spares: &'a mut Vec<Record>,
}

/// What a lane makes of its lines: joins them into entries, decodes each and names it by
/// its stream and offset.
struct Recorder {
    decoder: Option<LineDecoder>,
    entries: Entries,
    /// Stream of the file being read (its path and identity), or of this run's stdin.
    stream: Arc<str>,
    /// The file's path, for each event (none for standard input).
    file: Option<Arc<FilePathField>>,
    /// The file's identity and truncation count the stream names.
    identity: Option<(FileIdentity, u32)>,
    reference: Timestamp,
    /// End of the last line pushed into `entries`.
    last_line_end: u64,
    lines: u64,
    /// Blank lines left out.
    blank: u64,
}

/// `file:/var/log/app.log@2049:1312`: a file is known by its identity, the path only says
/// where it was shipped from, so a rotated file keeps its positions. After the file was
/// truncated in place N times, `~N` follows: its offsets started over, its stream too.
pub fn file_stream(path: &Path, identity: FileIdentity, truncations: u32) -> String {
    let mut name = format!(
        "{}{}:{}",
        file_stream_prefix(path),
        identity.device,
        identity.inode
    );
    if truncations > 0 {
        name.push_str(&format!("~{truncations}"));
    }
    name
}

pub fn file_stream_prefix(path: &Path) -> String {
    format!("file:{}@", path.display())
}

/// The identity and truncation count encoded in a stream name made by `file_stream`.
pub fn file_of_stream(name: &str) -> Option<(FileIdentity, u32)> {
    let (_, ids) = name.rsplit_once('@')?;
    let (device, rest) = ids.split_once(':')?;
    let (inode, truncations) = match rest.split_once('~') {
        Some((inode, n)) => (inode, n.parse().ok()?),
        None => (rest, 0),
    };
    Some((
        FileIdentity {
            device: device.parse().ok()?,
            inode: inode.parse().ok()?,
        },
        truncations,
    ))
}

/// Reads up to `format::SAMPLE_BYTES` from the top of a file for detection.
pub fn head_of(path: &Path) -> Vec<u8> {
    let mut sample = Vec::new();
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file
            .take(format::SAMPLE_BYTES as u64)
            .read_to_end(&mut sample);
    }
    sample
}

/// Refuses input whose first bytes hold a NUL: a binary file (or UTF-16 text), which would
/// be stored as events of noise.
pub fn refuse_binary(sample: &[u8]) -> std::io::Result<()> {
    match sample.iter().position(|&b| b == 0) {
        Some(at) => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("it holds binary data (a NUL byte at offset {at}), not lines of text"),
        )),
        None => Ok(()),
    }
}

/// Whether a read failed only because a `QuietPipe`'s writer went quiet.
fn is_quiet(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::TimedOut
}

pub fn modified(path: &Path) -> Timestamp {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or_else(Timestamp::now, |d| Timestamp(d.as_micros() as i64))
}

impl Lane {
    pub fn once(
        path: Option<PathBuf>,
        reader: Box<dyn Read + Send>,
        skip_to: u64,
        decoding: &Decoding,
    ) -> std::io::Result<Lane> {
        let mut reader = BufReader::with_capacity(super::READ_CHUNK, reader);
        let (stream, identity, reference) = match &path {
            Some(p) => {
                let identity = FileIdentity::of(&std::fs::metadata(p)?);
                (
                    file_stream(p, identity, 0),
                    Some((identity, 0)),
                    modified(p),
                )
            }
            None => (
                format!(
                    "{}stdin:{}:{}",
                    crate::pipeline::READ_ONCE,
                    Timestamp::now().micros(),
                    std::process::id()
                ),
                None,
                Timestamp::now(),
            ),
        };
        let decoder = match &path {
            Some(p) => {
                let head = head_of(p);
                refuse_binary(&head)?;
                Some(decoding.decoder(&head, reference))
            }
            None => {
                // Standard input cannot be read twice: detect on what is buffered, once
                // something is (a quiet pipe says so while it waits).
                while let Err(e) = reader.fill_buf() {
                    if !is_quiet(&e) {
                        return Err(e);
                    }
                }
                let sample = reader.fill_buf()?;
                let cut = sample.len().min(format::SAMPLE_BYTES);
                refuse_binary(&sample[..cut])?;
                Some(decoding.decoder(&sample[..cut], reference))
            }
        };
        if skip_to > 0 {
            std::io::copy(&mut (&mut reader).take(skip_to), &mut std::io::sink())?;
        }
        let recorder = Recorder::new(
            decoder,
            decoding,
            stream,
            path.as_deref(),
            identity,
            reference,
            skip_to,
        );
        Ok(Lane::new(
            path,
            Input::Once {
                reader,
                offset: skip_to,
                partial: Vec::new(),
                ended: false,
            },
            recorder,
        ))
    }

    pub fn followed(path: PathBuf, file: FollowedFile, decoding: &Decoding) -> Lane {
        let head = head_of(&path);
        let reference = modified(&path);
        let decoder = (!head.is_empty()).then(|| decoding.decoder(&head, reference));
        let at = file.position();
        let identity = at.map(|p| (p.identity, p.truncations));
        let last_line_end = at.map_or(0, |p| p.offset);
        let stream = identity.map_or_else(
            || file_stream_prefix(&path),
            |(id, truncations)| file_stream(&path, id, truncations),
        );
        let recorder = Recorder::new(
            decoder,
            decoding,
            stream,
            Some(&path),
            identity,
            reference,
            last_line_end,
        );
        Lane::new(Some(path), Input::Followed(file), recorder)
    }

    fn new(path: Option<PathBuf>, input: Input, records: Recorder) -> Lane {
        Lane {
            path,
            input,
            records,
            gathered: Vec::new(),
            gathered_lines: Vec::new(),
            quiet_since: Instant::now(),
        }
    }

    pub fn lines(&self) -> u64 {
        self.records.lines
    }

    pub fn decoder(&self) -> Option<&LineDecoder> {
        self.records.decoder.as_ref()
    }

    pub fn unmatched(&self) -> u64 {
        self.records.decoder.as_ref().map_or(0, |d| d.unmatched)
    }

    pub fn blank(&self) -> u64 {
        self.records.blank
    }

    /// The stream follows the file now open (after a rotation, the new one; after a
    /// truncation, its new count).
    pub fn track_identity(&mut self, at: Option<FilePosition>) {
        if let (Some(path), Some(at)) = (&self.path, at) {
            let now = Some((at.identity, at.truncations));
            let records = &mut self.records;
            if records.identity != now {
                records.identity = now;
                records.stream = file_stream(path, at.identity, at.truncations).into();
            }
        }
    }

    /// Reads a read-once input until `budget` bytes or its end. Lines are decoded where
    /// they lie in the reader's buffer; only a line cut by the buffer's end is copied.
    pub fn read_once(
        &mut self,
        budget: usize,
        decoding: &Decoding,
        out: &mut Out,
    ) -> anyhow::Result<usize> {
        let Input::Once {
            reader,
            offset,
            partial,
            ended,
        } = &mut self.input
        else {
            return Ok(0);
        };
        if *ended {
            return Ok(0);
        }
        let records = &mut self.records;
        let received_at = Timestamp::now();
        let mut total = 0;
        while total < budget {
            let buffer = match reader.fill_buf() {
                Ok(buffer) => buffer,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                // The writer went quiet: the entry being built has waited long enough for
                // continuation lines (see `QuietPipe`).
                Err(e) if is_quiet(&e) => {
                    records.finish_entry(decoding, out, received_at);
                    break;
                }
                Err(e) => return Err(e.into()),
            };
            if buffer.is_empty() {
                *ended = true;
                if !partial.is_empty() {
                    let start = *offset - partial.len() as u64;
                    records.push_line(partial, start, *offset, decoding, out, received_at);
                    partial.clear();
                }
                break;
            }
            let base = *offset;
            let mut from = 0;
            for newline in memchr::memchr_iter(b'\n', buffer) {
                let end = base + newline as u64 + 1;
                if partial.is_empty() {
                    let line = without_line_break(&buffer[from..=newline]);
                    records.push_line(line, base + from as u64, end, decoding, out, received_at);
                } else {
                    partial.extend_from_slice(&buffer[from..=newline]);
                    let start = end - partial.len() as u64;
                    let line = without_line_break(partial);
                    records.push_line(line, start, end, decoding, out, received_at);
                    partial.clear();
                }
                from = newline + 1;
            }
            partial.extend_from_slice(&buffer[from..]);
            let taken = buffer.len();
            reader.consume(taken);
            *offset += taken as u64;
            total += taken;
            // A short read is all a pipe had: hand its lines over now rather than wait for
            // more (`kubectl logs -f | logagg ship` shows each line as it comes). A file
            // fills the buffer until its end.
            if taken < reader.capacity() {
                break;
            }
        }
        if *ended {
            records.finish_entry(decoding, out, received_at);
        }
        Ok(total)
    }

    /// Reads what a followed file has (up to about `budget` bytes); returns the bytes read
    /// and what is worth telling the user (rotation, truncation).
    pub fn read_followed(
        &mut self,
        budget: usize,
        decoding: &Decoding,
        out: &mut Out,
    ) -> anyhow::Result<(usize, Vec<String>)> {
        let Input::Followed(file) = &mut self.input else {
            return Ok((0, Vec::new()));
        };
        let before = file.position();
        let mut notices = Vec::new();
        let (gathered, lines) = (&mut self.gathered, &mut self.gathered_lines);
        gathered.clear();
        lines.clear();
        let read = file
            .read_available(budget, &mut notices, &mut |line, at| {
                let from = gathered.len();
                gathered.extend_from_slice(without_line_break(line));
                lines.push(GatheredLine {
                    bytes: from..gathered.len(),
                    start: at,
                    end: at + line.len() as u64 + 1,
                });
                Ok(())
            })
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.path().display()))?;
        let after = file.position();
        // Everything read in one call comes from the file open when it began (or, if none
        // was, the one it opened); a rotation ends the call.
        self.track_identity(before.or(after));
        let received_at = Timestamp::now();
        for line in &self.gathered_lines {
            let text = &self.gathered[line.bytes.clone()];
            self.records
                .push_line(text, line.start, line.end, decoding, out, received_at);
        }
        let rotated = !notices.is_empty();
        if read > 0 {
            self.quiet_since = Instant::now();
        }
        // A rotation ends the old file and any entry built from it; a quiet file's last
        // entry has waited long enough for continuation lines.
        if rotated || self.quiet_since.elapsed() >= ENTRY_WAIT {
            self.records.finish_entry(decoding, out, received_at);
        }
        if rotated {
            self.track_identity(after);
        }
        Ok((read, notices))
    }

    /// Where a restart must resume this followed file: the start of the first entry not
    /// handed out yet.
    pub fn checkpoint(&self) -> Option<(PathBuf, super::FilePosition)> {
        let Input::Followed(file) = &self.input else {
            return None;
        };
        let mut position = file.position()?;
        if let Some(from) = self.records.entries.unfinished_from() {
            position.offset = position.offset.min(from);
        }
        Some((file.path().to_path_buf(), position))
    }

    pub fn ended(&self) -> bool {
        matches!(self.input, Input::Once { ended: true, .. })
    }
}

impl Recorder {
    /// What a lane that starts at `start` (of the stream named `stream`) makes of its lines.
    fn new(
        decoder: Option<LineDecoder>,
        decoding: &Decoding,
        stream: String,
        path: Option<&Path>,
        identity: Option<(FileIdentity, u32)>,
        reference: Timestamp,
        start: u64,
    ) -> Recorder {
        let entry_start = decoding.entry_start(decoder.as_ref());
        Recorder {
            decoder,
            entries: Entries::new(entry_start),
            stream: stream.into(),
            file: path
                .filter(|_| decoding.file_paths)
                .map(|p| Arc::new(FilePathField::of(p))),
            identity,
            reference,
            last_line_end: start,
            lines: 0,
            blank: 0,
        }
    }

    /// Feeds one line (without its line break) that began at `start` and ended (with its
    /// break) at `end`; a finished entry becomes a record.
    fn push_line(
        &mut self,
        line: &[u8],
        start: u64,
        end: u64,
        decoding: &Decoding,
        out: &mut Out,
        received_at: Timestamp,
    ) {
        self.lines += 1;
        let previous_end = self.last_line_end;
        self.last_line_end = end;
        // A blank line is no event (and no part of one): counted, not stored. Nor is a
        // directive of the format (W3C's `#Fields:` again after a restart).
        let directive = self
            .decoder
            .as_ref()
            .is_some_and(|d| d.format.is_directive(line));
        if directive || line.iter().all(u8::is_ascii_whitespace) {
            self.blank += 1;
            return;
        }
        if let Some(entry) = self.entries.push(line, start) {
            // With a joiner, the entry handed back is the one before this line.
            let entry_end = if self.entries.joins() {
                previous_end.max(start)
            } else {
                end
            };
            let (decoder, stream) = self.decoder_and_stream(&entry, decoding);
            emit(
                decoder,
                stream,
                &entry,
                entry_end,
                decoding,
                out,
                received_at,
            );
        }
    }

    /// The entry still being built is complete (end of input, a rotation, a quiet file).
    fn finish_entry(&mut self, decoding: &Decoding, out: &mut Out, received_at: Timestamp) {
        if let Some(entry) = self.entries.finish() {
            let end = self.last_line_end;
            let (decoder, stream) = self.decoder_and_stream(&entry, decoding);
            emit(decoder, stream, &entry, end, decoding, out, received_at);
        }
    }

    /// The decoder (detected from this entry if the input was empty when the lane opened)
    /// and the stream the entry belongs to.
    fn decoder_and_stream(
        &mut self,
        entry: &[u8],
        decoding: &Decoding,
    ) -> (&mut LineDecoder, Origin<'_>) {
        let decoder = match &mut self.decoder {
            Some(decoder) => decoder,
            empty @ None => {
                let decoder = decoding.decoder(entry, self.reference);
                // From the next line on, entries start as this format's do.
                self.entries.set_start(decoding.entry_start(Some(&decoder)));
                empty.insert(decoder)
            }
        };
        let origin = Origin {
            stream: &self.stream,
            file: self.file.as_ref(),
        };
        (decoder, origin)
    }
}

/// Where an entry was read: its stream, and the file's path when it came from a file.
struct Origin<'a> {
    stream: &'a Arc<str>,
    file: Option<&'a Arc<FilePathField>>,
}

fn emit(
    decoder: &mut LineDecoder,
    origin: Origin<'_>,
    entry: &[u8],
    end: u64,
    decoding: &Decoding,
    out: &mut Out,
    received_at: Timestamp,
) {
    if let Some(events) = decoder.decode_many(entry, received_at) {
        return emit_many(events, origin, end, entry.len(), decoding, out);
    }
    // The record goes into the batch first and is filled where it lies: building it on
    // the stack and moving it in cost more than decoding a short line (the move read back
    // the flag byte just written, which stalls).
    let spare = out.spares.pop().unwrap_or_else(|| Record {
        event: Box::default(),
        stream: origin.stream.clone(),
        offset: 0,
        bytes: 0,
        skipped: false,
        original: None,
        fields_text: String::new(),
        file: None,
    });
    out.records.push(spare);
    let Some(record) = out.records.last_mut() else {
        return;
    };
    decoder.decode_into(entry, received_at, &mut record.event);
    decoder.take_fields_text(&mut record.fields_text);
    for (key, value) in &decoding.extra {
        record
            .event
            .fields
            .entry(key.clone())
            .or_insert_with(|| value.clone());
    }
    match origin.file {
        Some(file) if decoding.file_path_to_sink => {
            let own = if record.fields_text.is_empty() {
                record.event.fields.contains_key(FILE_PATH_KEY)
            } else {
                FilePathField::named_in_text(&record.fields_text)
            };
            if own {
                record.file = None;
            } else if !record.file.as_ref().is_some_and(|f| Arc::ptr_eq(f, file)) {
                record.file = Some(file.clone());
            }
        }
        Some(file) => {
            record.file = None;
            if record.fields_text.is_empty() {
                file.add_to(&mut record.event.fields);
            } else {
                file.add_to_text(&mut record.fields_text);
            }
        }
        None => record.file = None,
    }
    if !Arc::ptr_eq(&record.stream, origin.stream) {
        record.stream = origin.stream.clone();
    }
    // The entry's last byte: resuming after it starts at the next entry.
    record.offset = end.saturating_sub(1);
    record.bytes = entry.len();
    record.skipped = false;
    record.original = None;
}

/// The events of one entry that holds many: each its own record, at offsets that count
/// back from the entry's last byte, so each has its own position (and Elasticsearch id)
/// and the last is where a resume starts after. A source's pull hands all of them to the
/// sink together, so a commit never holds some of them without the others.
fn emit_many(
    events: Vec<LogEvent>,
    origin: Origin<'_>,
    end: u64,
    bytes: usize,
    decoding: &Decoding,
    out: &mut Out,
) {
    let count = events.len() as u64;
    let last = end.saturating_sub(1);
    // An export request is far longer than its number of records (each record is tens of
    // bytes of JSON), so the offsets stay inside the entry.
    let first = last.saturating_sub(count.saturating_sub(1));
    let kept_by_sink = decoding.file_path_to_sink;
    for (i, mut event) in events.into_iter().enumerate() {
        let own = event.fields.contains_key(FILE_PATH_KEY);
        if let (Some(file), false) = (origin.file, kept_by_sink) {
            file.add_to(&mut event.fields);
        }
        out.records.push(Record {
            event: Box::new(event),
            stream: origin.stream.clone(),
            offset: first + i as u64,
            bytes: bytes / count.max(1) as usize,
            skipped: false,
            original: None,
            fields_text: String::new(),
            file: origin.file.filter(|_| kept_by_sink && !own).cloned(),
        });
    }
}

pub fn without_line_break(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_name_gives_back_its_file_and_truncations() {
        let path = Path::new("/var/log/app@x.log");
        let id = FileIdentity {
            device: 2049,
            inode: 1312,
        };
        assert_eq!(
            file_stream(path, id, 0),
            "file:/var/log/app@x.log@2049:1312"
        );
        assert_eq!(file_of_stream(&file_stream(path, id, 0)), Some((id, 0)));
        let truncated = file_stream(path, id, 3);
        assert_eq!(truncated, "file:/var/log/app@x.log@2049:1312~3");
        assert_eq!(file_of_stream(&truncated), Some((id, 3)));
        assert_ne!(
            crate::event::Position {
                stream: &truncated,
                offset: 0
            }
            .event_id(),
            crate::event::Position {
                stream: &file_stream(path, id, 0),
                offset: 0
            }
            .event_id(),
            "the same offset after a truncation is another event"
        );
        assert_eq!(file_of_stream("file:/a.log@x:1"), None);
    }
}
