use super::block::{self, BlockError};
use super::bloom::WordBloom;
use crate::event::{Level, LogEvent, Timestamp};
use crate::simulator::{SimConfig, SimEvent, Simulator};
use proptest::prelude::*;
use serde_json::json;

pub(super) fn simulated(seed: u64, n: usize) -> Vec<LogEvent> {
    let mut sim = Simulator::new(&SimConfig {
        seed,
        start: Timestamp::parse("2026-11-24T00:00:00Z").unwrap(),
        rate: 1000.0,
    });
    let mut event = SimEvent::default();
    (0..n)
        .map(|_| {
            sim.next_into(&mut event);
            event.to_log_event()
        })
        .collect()
}

/// `events` with where their time came from and the unparsed flag varied, as a real
/// file's events have them.
pub(super) fn flagged(mut events: Vec<LogEvent>) -> Vec<LogEvent> {
    use crate::event::TimeFrom;
    for (i, event) in events.iter_mut().enumerate() {
        event.time_from = TimeFrom::ALL[(i / 3) % TimeFrom::ALL.len()];
        event.unparsed = event.time_from == TimeFrom::Received && i % 2 == 0;
    }
    events
}

fn odd_events() -> Vec<LogEvent> {
    let mut plain = LogEvent::new(
        Timestamp(1_700_000_000_000_000),
        Level::Fatal,
        "svc",
        "h1",
        "ünïcödé ☃ message\nwith a second line",
    );
    plain.trace_id = Some("0af7651916cd43dd8448eb211c80319c".into());
    let mut raw = LogEvent::new(Timestamp(-5), Level::Trace, "", "", "");
    raw.unparsed = true;
    raw.time_from = crate::event::TimeFrom::Received;
    raw.trace_id = Some("NOT-HEX-0AF7651916CD43DD8448EB211C80319C".into());
    let mut typed = LogEvent::new(Timestamp(i64::MAX), Level::Warn, "svc", "h2", "x");
    typed.fields = json!({
        "int": -42, "big": u64::MAX, "float": 0.1, "neg_zero": -0.0, "yes": true, "no": false,
        "none": null, "text": "a \"quoted\" value", "list": [1, "two", {"three": 3}],
        "nested": {"a": {"b": [true]}}
    })
    .as_object()
    .unwrap()
    .clone();
    let mut upper_trace = LogEvent::new(Timestamp(3), Level::Debug, "other", "h1", "y");
    upper_trace.trace_id = Some("0AF7651916CD43DD8448EB211C80319C".into());
    vec![plain, raw, typed, upper_trace]
}

#[test]
fn simulated_events_come_back_exactly() {
    let events = simulated(3, 5000);
    let encoded = block::encode(&events).unwrap();
    assert_eq!(block::decode(&encoded).unwrap(), events);
    let summary = block::summary(&encoded).unwrap();
    assert_eq!(summary.events, 5000);
    assert_eq!(
        summary.oldest,
        events.iter().map(|e| e.timestamp).min().unwrap()
    );
    assert_eq!(
        summary.newest,
        events.iter().map(|e| e.timestamp).max().unwrap()
    );
    for level in Level::ALL {
        let n = events.iter().filter(|e| e.level == level).count() as u64;
        assert_eq!(summary.levels[level.rank() as usize], n);
    }
}

#[test]
fn columns_left_out_stay_empty_and_the_rest_come_back() {
    let events = simulated(31, 2000);
    let encoded = block::encode(&events).unwrap();
    let only_services = block::Parts {
        service: true,
        ..block::Parts::NONE
    };
    let partial = block::decode_parts(&encoded, only_services, None).unwrap();
    for (got, want) in partial.iter().zip(&events) {
        assert_eq!(
            (got.timestamp, got.level, &got.service, got.unparsed),
            (want.timestamp, want.level, &want.service, want.unparsed)
        );
        assert!(got.host.is_empty() && got.message.is_empty() && got.fields.is_empty());
        assert_eq!(got.trace_id, None);
    }
}

proptest! {
    /// Fields that wait as text (any rows of a block, the rows after them then waiting as
    /// text too) make the very block their maps make.
    #[test]
    fn fields_kept_as_text_make_the_same_block(as_text in proptest::collection::vec(any::<bool>(), 60)) {
        let mut events = simulated(5, 56);
        events.extend(odd_events());
        let seqs: Vec<u64> = (0..events.len() as u64).collect();
        let mut expected = super::pending::PendingBlock::of(&events, &seqs).unwrap();
        let mut mixed = super::pending::PendingBlock::default();
        for ((event, &seq), &text) in events.iter().zip(&seqs).zip(&as_text) {
            if text {
                let written = serde_json::to_string(&event.fields).unwrap();
                let unread = LogEvent { fields: serde_json::Map::new(), ..event.clone() };
                mixed.push_with_fields_text(&unread, &written, "", seq);
            } else {
                mixed.push(event, seq);
            }
        }
        let block = mixed.encode().unwrap();
        prop_assert_eq!(&block, &expected.encode().unwrap());
        prop_assert_eq!(block::decode(&block).unwrap(), events);
    }
}

/// A `fields` object written any way a line may write it: keys in any order or twice,
/// escapes, numbers serde reads in its own ways, nested values, spaces.
fn written_fields() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("a"),
        Just("b"),
        Just("status"),
        Just("latency_ms"),
        Just("\\u00e9"),
        Just("k\\\"q"),
        Just("é"),
    ];
    let value = prop_oneof![
        Just("1"),
        Just("-7"),
        Just("0"),
        Just("-0"),
        Just("12345678901234567890"),
        Just("9223372036854775808"),
        Just("0.5"),
        Just("1e3"),
        Just("-2.5E-3"),
        Just("true"),
        Just("false"),
        Just("null"),
        Just("\"text\""),
        Just("\"a \\\"quoted\\\" \\\\ value\\n\""),
        Just("\"\\u00e9t\\u00e9\""),
        Just("\"\""),
        Just("[1,\"two\"]"),
        Just("{\"x\":{\"y\":1}}"),
    ];
    let entries = proptest::collection::vec((key, value), 0..5);
    (entries, any::<bool>(), any::<bool>()).prop_map(|(mut entries, sorted, spaced)| {
        if sorted {
            entries.sort();
            entries.dedup_by_key(|(k, _)| *k);
        }
        let gap = if spaced { " " } else { "" };
        let inner: Vec<String> = entries
            .iter()
            .map(|(k, v)| format!("\"{k}\":{gap}{v}"))
            .collect();
        format!("{{{gap}{}{gap}}}", inner.join(&format!(",{gap}")))
    })
}

proptest! {
    /// Fields read from their text straight into columns make the columns of the maps
    /// serde reads from the same text, whatever the text.
    #[test]
    fn fields_text_read_into_columns_as_into_maps(texts in proptest::collection::vec(written_fields(), 1..40)) {
        let template = simulated(9, 1).remove(0);
        let events: Vec<LogEvent> = texts
            .iter()
            .map(|text| LogEvent {
                fields: serde_json::from_str(text).unwrap(),
                ..template.clone()
            })
            .collect();
        let seqs: Vec<u64> = (0..events.len() as u64).collect();
        let mut expected = super::pending::PendingBlock::of(&events, &seqs).unwrap();
        let mut from_text = super::pending::PendingBlock::default();
        let unread = LogEvent { fields: serde_json::Map::new(), ..template.clone() };
        for (text, &seq) in texts.iter().zip(&seqs) {
            from_text.push_with_fields_text(&unread, text, "", seq);
        }
        let block = from_text.encode().unwrap();
        prop_assert_eq!(&block, &expected.encode().unwrap());
        prop_assert_eq!(block::decode(&block).unwrap(), events);
    }
}

proptest! {
    /// The file each event was read from, given beside the event (runs of one file, no
    /// file, and events naming a file of their own in their fields), comes back as each
    /// event's `log.file.path`, and the store's decisions on it agree with the predicate.
    #[test]
    fn file_paths_given_beside_events_come_back_as_their_field(
        files in proptest::collection::vec(0usize..4, 1..80),
    ) {
        const FILES: [&str; 4] = ["", "/var/log/a.log", "/var/log/b.log", "own"];
        let template = simulated(3, 1).remove(0);
        let mut pending = super::pending::PendingBlock::default();
        let mut expected = Vec::new();
        for (i, &file) in files.iter().enumerate() {
            let mut event = LogEvent { fields: serde_json::Map::new(), ..template.clone() };
            event.fields.insert("n".into(), (i as i64).into());
            let given = match FILES[file] {
                "own" => {
                    event.fields.insert(crate::event::FILE_PATH_KEY.into(), "/elsewhere".into());
                    ""
                }
                path => path,
            };
            pending.push_with_fields_text(&event, "", given, i as u64);
            if !given.is_empty() {
                event.fields.insert(crate::event::FILE_PATH_KEY.into(), given.into());
            }
            expected.push(event);
        }
        let block = pending.encode().unwrap();
        prop_assert_eq!(block::decode(&block).unwrap(), expected);
    }
}

#[test]
fn odd_values_and_the_empty_block_come_back_exactly() {
    let events = odd_events();
    assert_eq!(
        block::decode(&block::encode(&events).unwrap()).unwrap(),
        events
    );
    assert_eq!(
        block::decode(&block::encode(&[]).unwrap()).unwrap(),
        Vec::<LogEvent>::new()
    );
}

#[test]
fn a_block_is_far_smaller_than_the_json_it_holds() {
    let events = simulated(5, 8192);
    let json: usize = events.iter().map(|e| e.to_json().len() + 1).sum();
    let encoded = block::encode(&events).unwrap().len();
    // Not a benchmark: a mixed block (every stream in one) only has to beat zstd of the
    // JSON lines by a clear margin, or the layout is not worth having.
    let zstd_json = zstd::bulk::compress(
        &events
            .iter()
            .flat_map(|e| (e.to_json() + "\n").into_bytes())
            .collect::<Vec<u8>>(),
        3,
    )
    .unwrap()
    .len();
    assert!(
        encoded < zstd_json,
        "{encoded} bytes against {zstd_json} for zstd of the JSON ({json} raw)"
    );
}

#[test]
fn a_block_too_large_is_refused_not_cut() {
    let many = vec![LogEvent::default(); block::MAX_EVENTS + 1];
    assert_eq!(
        block::encode(&many),
        Err(BlockError::TooManyEvents(block::MAX_EVENTS + 1))
    );
}

#[test]
fn damage_is_reported_never_decoded() {
    let encoded = block::encode(&simulated(7, 300)).unwrap();
    assert_eq!(block::decode(b"nope"), Err(BlockError::NotABlock));
    for at in [4, 12, encoded.len() / 2, encoded.len() - 1] {
        let mut bad = encoded.clone();
        bad[at] ^= 0x40;
        assert_eq!(block::decode(&bad), Err(BlockError::Checksum), "byte {at}");
    }
    assert!(block::decode(&encoded[..encoded.len() - 1]).is_err());
}

#[test]
fn every_word_of_every_message_is_in_the_filter() {
    let events = simulated(11, 4000);
    let summary = block::summary(&block::encode(&events).unwrap()).unwrap();
    for event in &events {
        for word in crate::query::words::folded_words(&event.message) {
            assert!(summary.words.may_hold(&word), "{word} of {}", event.message);
        }
    }
    // Case-folded as the query language folds them.
    let bloom = WordBloom::of(["Connection REFUSED by Ünïcode"].into_iter());
    assert!(bloom.may_hold("connection") && bloom.may_hold("refused") && bloom.may_hold("ünïcode"));
}

#[test]
fn words_not_in_the_block_are_mostly_ruled_out() {
    let events = simulated(13, 8192);
    let summary = block::summary(&block::encode(&events).unwrap()).unwrap();
    let absent = (0..20_000)
        .filter(|i| summary.words.may_hold(&format!("zq{i}x")))
        .count();
    assert!(
        absent < 400,
        "{absent} of 20,000 absent words passed the filter (over 2 %)"
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = block::decode(&bytes);
        let _ = block::summary(&bytes);
    }

    #[test]
    fn a_damaged_body_with_a_matching_checksum_is_an_error_not_a_panic(
        cut in 0usize..1_000_000, flip in any::<u8>()
    ) {
        // Forge the checksums so that the damage reaches the decoder itself.
        let mut forged = block::encode(&odd_events()).unwrap();
        let at = block::PREFIX_BYTES + cut % (forged.len() - block::PREFIX_BYTES);
        forged[at] ^= flip | 1;
        block::forge_checksums(&mut forged);
        let _ = block::decode(&forged);
        let _ = block::summary(&forged);
    }
}

mod stored {
    use super::simulated;
    use crate::backend::embedded::columns::part;
    use crate::backend::embedded::columns::{ColumnReader, ColumnWriter};
    use crate::event::{LogEvent, Position, Timestamp};
    use crate::query::{matches, parse, Query};

    /// Small blocks, so that streams fill many of them and the sealing thread takes part.
    fn fill(dir: &std::path::Path, events: &[LogEvent], from: u64) {
        let mut writer = ColumnWriter::open(dir).unwrap().with_block_events(97);
        for (i, event) in events.iter().enumerate() {
            let position = Position {
                stream: "sim",
                offset: from + i as u64,
            };
            writer.append(event, Some(&position)).unwrap();
        }
        writer.commit().unwrap();
    }

    fn sorted_json<'a>(events: impl Iterator<Item = &'a LogEvent>) -> Vec<String> {
        let mut lines: Vec<String> = events.map(LogEvent::to_json).collect();
        lines.sort();
        lines
    }

    #[test]
    fn commits_are_read_back_whole_and_positions_resume_after_them() {
        let dir = tempfile::tempdir().unwrap();
        let events = simulated(17, 20_000);
        fill(dir.path(), &events[..12_000], 0);
        fill(dir.path(), &events[12_000..], 12_000);
        let writer = ColumnWriter::open(dir.path()).unwrap();
        assert_eq!(writer.resume_offset("sim"), Some(20_000));
        let reader = ColumnReader::open(dir.path()).unwrap();
        assert_eq!(reader.count(&Query::All).unwrap(), 20_000);
        // Each stream's events come back in arrival order, across blocks and commits.
        let mut by_stream: std::collections::BTreeMap<(String, String), Vec<String>> =
            Default::default();
        reader
            .scan(&Query::All, &mut |e| {
                by_stream
                    .entry((e.service.clone(), e.host.clone()))
                    .or_default()
                    .push(e.to_json())
            })
            .unwrap();
        for ((service, host), got) in &by_stream {
            let sent: Vec<String> = events
                .iter()
                .filter(|e| &e.service == service && &e.host == host)
                .map(LogEvent::to_json)
                .collect();
            assert_eq!(got, &sent, "{service} on {host}");
        }
        let mut back = Vec::new();
        reader
            .scan(&Query::All, &mut |e| back.push(e.clone()))
            .unwrap();
        assert_eq!(sorted_json(back.iter()), sorted_json(events.iter()));
    }

    #[test]
    fn one_writer_committing_again_and_again_keeps_every_event_of_every_stream() {
        // Blocks are emptied and filled again (by the same stream, by another, after a
        // commit), and streams come and go between commits: nothing of an earlier block may
        // show through in a later one.
        let dir = tempfile::tempdir().unwrap();
        let mut writer = ColumnWriter::open(dir.path())
            .unwrap()
            .with_block_events(97);
        let mut sent = Vec::new();
        let odd = super::odd_events();
        for (round, chunk) in simulated(23, 12_000).chunks(2_000).enumerate() {
            for (i, event) in chunk.iter().enumerate() {
                let mut event = event.clone();
                if round % 2 == 1 {
                    event.host.push_str("-later");
                }
                if i % 300 == 0 {
                    sent.push(odd[(i / 300 + round) % odd.len()].clone());
                    writer.append(sent.last().unwrap(), None).unwrap();
                }
                writer.append(&event, None).unwrap();
                sent.push(event);
            }
            writer.commit().unwrap();
        }
        drop(writer);
        let back = everything_in(dir.path());
        let streams: std::collections::BTreeSet<(String, String)> = sent
            .iter()
            .map(|e| (e.service.clone(), e.host.clone()))
            .collect();
        for (service, host) in streams {
            let of_stream = |events: &[LogEvent]| -> Vec<String> {
                events
                    .iter()
                    .filter(|e| e.service == service && e.host == host)
                    .map(LogEvent::to_json)
                    .collect()
            };
            assert_eq!(of_stream(&back), of_stream(&sent), "{service} on {host}");
        }
        assert_eq!(back.len(), sent.len());
    }

    /// Every file under `dir/parts`, by name, with its bytes.
    fn parts_of(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
        let mut parts: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.join("parts"))
            .unwrap()
            .map(|entry| {
                let entry = entry.unwrap();
                let name = entry.file_name().to_string_lossy().into_owned();
                (name, std::fs::read(entry.path()).unwrap())
            })
            .collect();
        parts.sort();
        parts
    }

    #[test]
    fn blocks_the_writer_seals_itself_make_the_parts_the_thread_makes() {
        let events = simulated(29, 6_000);
        let write = |help_at: fn(usize) -> usize| {
            let dir = tempfile::tempdir().unwrap();
            let mut writer = ColumnWriter::open(dir.path())
                .unwrap()
                .with_block_events(97)
                .with_help_at(help_at);
            for (i, chunk) in events.chunks(2_500).enumerate() {
                for (j, event) in chunk.iter().enumerate() {
                    let offset = (i * 2_500 + j) as u64;
                    let position = Position {
                        stream: "sim",
                        offset,
                    };
                    // The second commit's fields wait as text, read when sealed (`ship`).
                    let text = match i {
                        1 => serde_json::to_string(&event.fields).unwrap(),
                        _ => String::new(),
                    };
                    writer
                        .append_with_fields_text(event, &text, "", Some(&position))
                        .unwrap();
                }
                writer.commit().unwrap();
            }
            drop(writer);
            (parts_of(dir.path()), dir)
        };
        let (by_the_thread, _kept) = write(|_| usize::MAX);
        let (by_the_writer, dir) = write(|_| 0);
        let (by_both, _) = write(|_| 2);
        assert!(by_the_thread.len() >= 2);
        assert!(
            by_the_thread == by_the_writer,
            "parts differ when the writer seals"
        );
        assert!(by_the_thread == by_both, "parts differ when both seal");
        let back = everything_in(dir.path());
        assert_eq!(sorted_json(back.iter()), sorted_json(events.iter()));
    }

    #[test]
    fn what_was_not_committed_is_not_in_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let events = simulated(19, 3_000);
        fill(dir.path(), &events[..1_000], 0);
        // Appended and never committed (the process died): gone, position unmoved.
        let mut writer = ColumnWriter::open(dir.path()).unwrap();
        for event in &events[1_000..2_000] {
            writer.append(event, None).unwrap();
        }
        drop(writer);
        // A part written and never named in the manifest (died between the two).
        let orphan = dir.path().join("parts").join("0000000000000099.part");
        part::write(&orphan, &[&events[2_000..]], 8192, 2_000).unwrap();
        let writer = ColumnWriter::open(dir.path()).unwrap();
        assert!(!orphan.exists(), "the unfinished part was left behind");
        assert_eq!(writer.resume_offset("sim"), Some(1_000));
        assert_eq!(
            ColumnReader::open(dir.path())
                .unwrap()
                .count(&Query::All)
                .unwrap(),
            1_000
        );
    }

    #[test]
    fn full_blocks_written_before_a_crash_are_not_in_the_store() {
        let (dir, events, mut writer) = after_a_first_thousand(37, 6_000);
        // Full blocks go to the part being written as they are sealed; the process dies
        // before its commit names the part (the writer is never closed).
        for event in &events[1_000..] {
            writer.append(event, None).unwrap();
        }
        let parts = dir.path().join("parts");
        let listed = || -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(&parts)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !listed().iter().any(|n| n.ends_with(".tmp")) {
            assert!(std::time::Instant::now() < deadline, "{:?}", listed());
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        std::mem::forget(writer);
        holds_the_first_thousand_only(dir.path());
        assert_eq!(
            listed(),
            ["0000000000000000.part"],
            "the unfinished part stayed"
        );
    }

    /// Every event a reader of `dir` finds, in the order it scans them.
    fn everything_in(dir: &std::path::Path) -> Vec<LogEvent> {
        let mut back = Vec::new();
        ColumnReader::open(dir)
            .unwrap()
            .scan(&Query::All, &mut |e| back.push(e.clone()))
            .unwrap();
        back
    }

    /// A store holding the first 1,000 of `n` simulated events of "sim" (one commit), the
    /// events, and a writer with small blocks open on it.
    fn after_a_first_thousand(
        seed: u64,
        n: usize,
    ) -> (tempfile::TempDir, Vec<LogEvent>, ColumnWriter) {
        let dir = tempfile::tempdir().unwrap();
        let events = simulated(seed, n);
        fill(dir.path(), &events[..1_000], 0);
        let writer = ColumnWriter::open(dir.path())
            .unwrap()
            .with_block_events(97);
        (dir, events, writer)
    }

    /// The next writer resumes after the first 1,000 events of "sim" and readers see those.
    fn holds_the_first_thousand_only(dir: &std::path::Path) {
        let writer = ColumnWriter::open(dir).unwrap();
        assert_eq!(writer.resume_offset("sim"), Some(1_000));
        let reader = ColumnReader::open(dir).unwrap();
        assert_eq!(reader.count(&Query::All).unwrap(), 1_000);
    }

    #[test]
    fn a_part_that_cannot_be_written_fails_its_commit_and_the_store_keeps_what_it_had() {
        let (dir, events, mut writer) = after_a_first_thousand(41, 3_000);
        // The parts' directory turns into a file: no part can be created there.
        let parts = dir.path().join("parts");
        let kept = dir.path().join("kept-parts");
        std::fs::rename(&parts, &kept).unwrap();
        std::fs::write(&parts, b"not a directory").unwrap();
        for (i, event) in events[1_000..].iter().enumerate() {
            let position = Position {
                stream: "sim",
                offset: 1_000 + i as u64,
            };
            writer.append(event, Some(&position)).unwrap();
        }
        let error = writer.commit().unwrap_err().to_string();
        assert!(error.contains("cannot create the part"), "{error}");
        drop(writer);
        std::fs::remove_file(&parts).unwrap();
        std::fs::rename(&kept, &parts).unwrap();
        holds_the_first_thousand_only(dir.path());
    }

    #[test]
    fn every_match_is_handed_out_in_order_without_gathering_them_first() {
        use crate::backend::embedded::Order;
        let dir = tempfile::tempdir().unwrap();
        let mut events = simulated(43, 60_000);
        // Late arrivals, so that blocks of one stream and of different streams overlap in
        // time and the merge has to wait for later blocks.
        for (i, event) in events.iter_mut().enumerate().filter(|(i, _)| i % 7 == 0) {
            event.timestamp = Timestamp(event.timestamp.0 - (i as i64 % 90) * 1_000_000);
        }
        fill(dir.path(), &events[..25_000], 0);
        fill(dir.path(), &events[25_000..40_000], 25_000);
        fill(dir.path(), &events[40_000..], 40_000);
        let reader = ColumnReader::open(dir.path()).unwrap();
        for text in ["*", "level:>=warn", "service:nope"] {
            let query = parse(text, Timestamp::now()).unwrap();
            for order in [Order::NewestFirst, Order::OldestFirst, Order::Arrival] {
                let whole: Vec<(u64, String)> = reader
                    .search(&query, order, None)
                    .unwrap()
                    .into_iter()
                    .map(|f| (f.seq, f.event.to_json()))
                    .collect();
                let mut each = Vec::new();
                let n = reader
                    .search_each(&query, order, &mut |f| {
                        each.push((f.seq, f.event.to_json()));
                        Ok(())
                    })
                    .unwrap();
                assert_eq!(n as usize, each.len());
                let expected = events.iter().filter(|e| matches(&query, e)).count();
                assert_eq!(each.len(), expected, "{text} {order:?}");
                assert!(each == whole, "{text} {order:?}: not the order of `search`");
            }
        }
        // The visitor's error stops the search and comes back.
        let mut seen = 0;
        let stopped = reader.search_each(&Query::All, Order::NewestFirst, &mut |_| {
            seen += 1;
            Err(crate::backend::embedded::StoreError::Io {
                context: "test".into(),
                cause: std::io::Error::other("stop"),
            })
        });
        assert!(stopped.is_err());
        assert_eq!(seen, 1);
    }

    #[test]
    fn the_store_returns_what_the_predicate_does() {
        let dir = tempfile::tempdir().unwrap();
        let events = super::flagged(simulated(23, 30_000));
        fill(dir.path(), &events, 0);
        let reader = ColumnReader::open(dir.path()).unwrap();
        for text in [
            "service:auth AND level:error",
            "\"connection refused\"",
            "level:warn",
            "level:>=warn",
            "latency_ms:>500",
            "service:pay* -host:*1",
            "NOT level:info",
            "message:/time(d)? ?out/",
            "timeout OR refused",
            "service:nope",
            "level:WARNING",
            "status:>=500 OR user_id:*",
            "NOT status:500",
            "latency_ms:[100 TO 500]",
            "latency_ms:{100 TO 500}",
            "latency_ms:>100000",
            "bytes:<0",
            "status:[500 TO 599] AND service:gateway",
            "nope:>1",
            "NOT latency_ms:<1000",
            "timeout OR refused OR declined OR Cache OR miss OR ORDER OR nosuchword",
            "NOT (timeout OR refused OR declined) AND level:>=warn",
            "(timeout OR refused) AND NOT service:payments",
            "timeout OR \"connection refused\" OR level:fatal OR status:>=500",
            "(level:error OR level:fatal) OR (service:auth AND NOT login)",
            "ünïcode OR timeout OR ORDERS",
            "time_from:received",
            "-time_from:line",
            "time_from:*assumed AND level:>=warn",
            "unparsed:true",
            "unparsed:false AND NOT time_from:year_assumed",
        ] {
            let query = parse(text, Timestamp::now()).unwrap();
            let expected: Vec<&LogEvent> = events.iter().filter(|e| matches(&query, e)).collect();
            let mut got = Vec::new();
            reader.scan(&query, &mut |e| got.push(e.clone())).unwrap();
            assert_eq!(
                sorted_json(got.iter()),
                sorted_json(expected.into_iter()),
                "{text}"
            );
            assert_eq!(reader.count(&query).unwrap(), got.len() as u64, "{text}");
            let mut by_service: std::collections::BTreeMap<String, u64> = Default::default();
            for event in &got {
                *by_service.entry(event.service.clone()).or_default() += 1;
            }
            let counted: std::collections::BTreeMap<String, u64> = reader
                .count_by(&query, &crate::query::Target::Service)
                .unwrap()
                .into_iter()
                .map(|g| (g.value, g.count))
                .collect();
            assert_eq!(counted, by_service, "{text} by service");
        }
        // Time ranges that cut through blocks, at and between events' own times.
        let mut times: Vec<Timestamp> = events.iter().map(|e| e.timestamp).collect();
        times.sort();
        let (a, b) = (times[3_000], times[21_000]);
        let between = Timestamp(a.0 + 1);
        for text in [
            format!("@timestamp:[{} TO {}]", a.to_rfc3339(), b.to_rfc3339()),
            format!("@timestamp:{{{} TO {}}}", a.to_rfc3339(), b.to_rfc3339()),
            format!("@timestamp:>={} AND level:>=warn", between.to_rfc3339()),
            format!("@timestamp:<{} OR service:auth", a.to_rfc3339()),
            format!("NOT @timestamp:[{} TO {}]", a.to_rfc3339(), b.to_rfc3339()),
        ] {
            let query = parse(&text, Timestamp::now()).unwrap();
            let expected = events.iter().filter(|e| matches(&query, e)).count() as u64;
            assert!(expected > 0, "{text}");
            let mut got = 0;
            reader.scan(&query, &mut |_| got += 1).unwrap();
            assert_eq!(got, expected, "{text}");
            assert_eq!(reader.count(&query).unwrap(), expected, "{text}");
        }
        let by_service = reader
            .count_by(&Query::All, &crate::query::Target::Service)
            .unwrap();
        for group in &by_service {
            assert_eq!(
                group.count,
                events.iter().filter(|e| e.service == group.value).count() as u64
            );
        }
        assert_eq!(by_service.iter().map(|g| g.count).sum::<u64>(), 30_000);
    }

    #[test]
    fn search_orders_by_time_then_arrival_and_stops_at_the_limit() {
        use crate::backend::embedded::Order;
        let dir = tempfile::tempdir().unwrap();
        let mut events = simulated(37, 12_000);
        // Ties in time, across streams and commits: arrival decides.
        for e in events.iter_mut().skip(100).step_by(50) {
            e.timestamp = events_time();
        }
        fill(dir.path(), &events[..7_000], 0);
        fill(dir.path(), &events[7_000..], 7_000);
        let reader = ColumnReader::open(dir.path()).unwrap();
        for text in [
            "*",
            "service:auth AND level:>=warn",
            "level:error",
            "timeout",
        ] {
            let query = parse(text, Timestamp::now()).unwrap();
            let matching: Vec<(u64, &LogEvent)> = events
                .iter()
                .enumerate()
                .filter(|(_, e)| matches(&query, e))
                .map(|(i, e)| (i as u64, e))
                .collect();
            for order in [Order::NewestFirst, Order::OldestFirst, Order::Arrival] {
                let mut expected = matching.clone();
                match order {
                    Order::NewestFirst => {
                        expected.sort_by_key(|a| std::cmp::Reverse((a.1.timestamp, a.0)))
                    }
                    Order::OldestFirst => expected.sort_by_key(|a| (a.1.timestamp, a.0)),
                    Order::Arrival => expected.sort_by_key(|a| a.0),
                }
                for limit in [Some(1), Some(37), None] {
                    let want: Vec<(u64, String)> = expected
                        .iter()
                        .take(limit.unwrap_or(usize::MAX))
                        .map(|(seq, e)| (*seq, e.to_json()))
                        .collect();
                    let got: Vec<(u64, String)> = reader
                        .search(&query, order, limit)
                        .unwrap()
                        .into_iter()
                        .map(|f| (f.seq, f.event.to_json()))
                        .collect();
                    assert!(
                        got == want,
                        "{text} {order:?} {limit:?}: {} against {}",
                        got.len(),
                        want.len()
                    );
                }
            }
        }
    }

    fn events_time() -> Timestamp {
        Timestamp::parse("2026-11-24T00:00:05Z").unwrap()
    }

    #[test]
    fn nested_and_dotted_field_paths_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let mut events = super::odd_events();
        let mut dotted = LogEvent::default();
        dotted
            .fields
            .insert("nested.a".into(), serde_json::json!({"b": [false]}));
        events.push(dotted);
        fill(dir.path(), &events, 0);
        let reader = ColumnReader::open(dir.path()).unwrap();
        for (text, expected) in [
            ("nested.a.b:true", 1),
            ("nested.a.b:false", 1),
            ("nested.a.b:*", 2),
            ("nested:*", 0),
            ("int:<0", 1),
            ("int:[-42 TO -42]", 1),
            ("int:{-42 TO 0}", 0),
            ("big:>1e19", 1),
            ("float:<0.2", 1),
            ("neg_zero:[0 TO 0]", 1),
            ("list:two", 1),
            ("list:>0", 1),
            ("list.three:>2", 1),
            ("list.three:>3", 0),
        ] {
            let query = parse(text, Timestamp::now()).unwrap();
            let by_predicate = events.iter().filter(|e| matches(&query, e)).count() as u64;
            assert_eq!(by_predicate, expected, "{text} (the predicate)");
            assert_eq!(reader.count(&query).unwrap(), expected, "{text}");
        }
    }

    #[test]
    fn damage_is_named_left_out_and_set_aside_while_the_rest_is_served() {
        let dir = tempfile::tempdir().unwrap();
        fill(dir.path(), &simulated(29, 2_000), 0);
        fill(dir.path(), &simulated(31, 1_000), 2_000);
        let mut parts: Vec<_> = std::fs::read_dir(dir.path().join("parts"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        parts.sort();
        let part = &parts[0];
        let mut bytes = std::fs::read(part).unwrap();
        bytes[100] ^= 0x10;
        std::fs::write(part, &bytes).unwrap();
        // A damaged block: found where it is read, left out, named with its part.
        let reader = ColumnReader::open(dir.path()).unwrap();
        let served = reader.scan(&Query::All, &mut |_| {}).unwrap();
        assert!((1_000..3_000).contains(&served), "{served}");
        let damaged = reader.damaged();
        assert_eq!(damaged.len(), 1, "{damaged:?}");
        assert_eq!(&damaged[0].files, part);
        assert!(damaged[0].reason.contains("checksum"), "{damaged:?}");
        assert_eq!(served + u64::from(damaged[0].events.unwrap()), 3_000);
        // A part whose index is gone: left out when opened; the next writer sets it aside.
        let len = bytes.len();
        bytes[len - 1] = b'X';
        std::fs::write(part, &bytes).unwrap();
        let reader = ColumnReader::open(dir.path()).unwrap();
        assert_eq!(reader.count(&Query::All).unwrap(), 1_000);
        assert!(reader.damaged()[0].reason.contains("trailer"));
        let writer = ColumnWriter::open(dir.path()).unwrap();
        assert_eq!(writer.set_aside().len(), 1);
        assert!(!part.exists());
        assert!(dir
            .path()
            .join("damaged")
            .join(part.file_name().unwrap())
            .exists());
        assert_eq!(writer.resume_offset("sim"), Some(3_000));
        let reader = ColumnReader::open(dir.path()).unwrap();
        assert!(reader.damaged().is_empty());
        assert_eq!(reader.count(&Query::All).unwrap(), 1_000);
    }

    fn part_count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir.join("parts")).unwrap().count()
    }

    #[test]
    fn small_commits_are_merged_and_nothing_changes_for_readers() {
        let dir = tempfile::tempdir().unwrap();
        let events = simulated(37, 6_000);
        let reader_before_merges = {
            fill(dir.path(), &events[..100], 0);
            ColumnReader::open(dir.path()).unwrap()
        };
        for (i, chunk) in events[100..].chunks(100).enumerate() {
            fill(dir.path(), chunk, 100 + 100 * i as u64);
        }
        // 60 commits: merged in runs of eight as they came.
        assert!(part_count(dir.path()) < 12, "{}", part_count(dir.path()));
        let reader = ColumnReader::open(dir.path()).unwrap();
        let mut back = Vec::new();
        let n = reader
            .scan(&Query::All, &mut |e| back.push(e.clone()))
            .unwrap();
        assert_eq!(n, 6_000);
        assert_eq!(sorted_json(back.iter()), sorted_json(events.iter()));
        // Arrival order is the order appended, across merged parts.
        let arrived = reader.arrived_between(&Query::All, None, 5_999).unwrap();
        let seqs: Vec<u64> = arrived.iter().map(|f| f.seq).collect();
        assert_eq!(seqs, (0..6_000).collect::<Vec<u64>>());
        let got: Vec<String> = arrived.iter().map(|f| f.event.to_json()).collect();
        let sent: Vec<String> = events.iter().map(LogEvent::to_json).collect();
        assert_eq!(got, sent);
        // A reader opened before the merges still reads what it saw, then moves on.
        assert_eq!(reader_before_merges.count(&Query::All).unwrap(), 100);
        reader_before_merges.refresh().unwrap();
        assert_eq!(reader_before_merges.count(&Query::All).unwrap(), 6_000);
    }

    #[test]
    fn arrival_windows_and_snapshots_follow_commits() {
        let dir = tempfile::tempdir().unwrap();
        let events = simulated(41, 3_000);
        fill(dir.path(), &events[..1_000], 0);
        let reader = ColumnReader::open(dir.path()).unwrap();
        assert_eq!(reader.max_seq(), Some(999));
        fill(dir.path(), &events[1_000..], 1_000);
        assert_eq!(reader.max_seq(), Some(999), "seen before refresh");
        let snapshot = reader.snapshot().unwrap();
        assert_eq!(snapshot.next_seq, 3_000);
        assert_eq!(snapshot.positions.get("sim"), Some(&3_000));
        assert_eq!(reader.max_seq(), Some(2_999));
        let query = parse("level:>=warn", Timestamp::now()).unwrap();
        let window = reader.arrived_between(&query, Some(499), 1_499).unwrap();
        let expected: Vec<u64> = (500..1_500)
            .filter(|&i| matches(&query, &events[i as usize]))
            .collect();
        assert_eq!(window.iter().map(|f| f.seq).collect::<Vec<_>>(), expected);
        let newest = reader.newest_before(&query, 1_000, 5).unwrap();
        let mut before: Vec<(Timestamp, u64)> = (0..1_000u64)
            .filter(|&i| matches(&query, &events[i as usize]))
            .map(|i| (events[i as usize].timestamp, i))
            .collect();
        before.sort_by(|a, b| b.cmp(a));
        let want: Vec<u64> = before.iter().take(5).map(|(_, i)| *i).collect();
        assert_eq!(newest.iter().map(|f| f.seq).collect::<Vec<_>>(), want);
    }

    #[test]
    fn file_paths_given_beside_events_are_searched_counted_and_grouped_as_fields() {
        use crate::event::FILE_PATH_KEY;
        let dir = tempfile::tempdir().unwrap();
        let mut events = simulated(31, 3_000);
        let mut writer = ColumnWriter::open(dir.path())
            .unwrap()
            .with_block_events(97);
        for (i, event) in events.iter_mut().enumerate() {
            // Runs of one file, a stretch with none, and now and then a file of its own.
            let given = match (i / 250) % 4 {
                0 => "/var/log/a.log",
                1 => "",
                _ if i % 13 == 0 => {
                    event
                        .fields
                        .insert(FILE_PATH_KEY.into(), "/elsewhere/c.log".into());
                    ""
                }
                2 => "/var/log/b.log",
                _ => "/var/log/a.log",
            };
            let position = Position {
                stream: "ship",
                offset: i as u64,
            };
            writer
                .append_with_fields_text(event, "", given, Some(&position))
                .unwrap();
            if !given.is_empty() {
                event.fields.insert(FILE_PATH_KEY.into(), given.into());
            }
        }
        writer.commit().unwrap();
        let reader = ColumnReader::open(dir.path()).unwrap();
        for text in [
            "*",
            "log.file.path:\"/var/log/a.log\"",
            "log.file.path:*",
            "NOT log.file.path:*b.log",
            "log.file.path:\"/elsewhere/c.log\" OR level:error",
            "fields.log.file.path:/var/log/b.log",
        ] {
            let query = parse(text, Timestamp::now()).unwrap();
            let expected: Vec<&LogEvent> = events.iter().filter(|e| matches(&query, e)).collect();
            let mut got = Vec::new();
            reader.scan(&query, &mut |e| got.push(e.clone())).unwrap();
            assert_eq!(got.len(), expected.len(), "{text}");
            assert_eq!(
                sorted_json(got.iter()),
                sorted_json(expected.into_iter()),
                "{text}"
            );
            assert_eq!(reader.count(&query).unwrap(), got.len() as u64, "{text}");
            let target = crate::query::Target::Field(FILE_PATH_KEY.into());
            let mut want: std::collections::BTreeMap<String, u64> = Default::default();
            for event in &got {
                for value in crate::backend::embedded::values_of(event, &target) {
                    *want.entry(value).or_default() += 1;
                }
            }
            let counted: std::collections::BTreeMap<String, u64> = reader
                .count_by(&query, &target)
                .unwrap()
                .into_iter()
                .map(|g| (g.value, g.count))
                .collect();
            assert_eq!(counted, want, "{text} by file");
        }
    }

    #[test]
    fn field_lists_read_from_columns_agree_with_the_events() {
        use crate::backend::field_list::FieldTally;
        let dir = tempfile::tempdir().unwrap();
        let mut events = super::flagged(simulated(37, 6_000));
        // Objects, arrays, nulls and big integers beside plain keys, in some blocks only.
        for (i, odd) in super::odd_events().into_iter().enumerate() {
            events.insert(i * 1_000, odd);
        }
        fill(dir.path(), &events, 0);
        let reader = ColumnReader::open(dir.path()).unwrap();
        for text in [
            "*",
            "level:>=warn",
            "service:svc OR latency_ms:>500",
            "nested.a.b:*",
            "service:nope",
        ] {
            let query = parse(text, Timestamp::now()).unwrap();
            let mut expected = FieldTally::default();
            for event in events.iter().filter(|e| matches(&query, e)) {
                expected.add_event(event);
            }
            assert_eq!(
                reader.field_list(&query).unwrap(),
                expected.list(),
                "{text}"
            );
        }
    }

    #[test]
    fn histograms_count_what_the_predicate_matches_per_bucket() {
        use crate::backend::histogram::Histogram;
        let dir = tempfile::tempdir().unwrap();
        let events = super::flagged(simulated(41, 12_000));
        fill(dir.path(), &events, 0);
        let reader = ColumnReader::open(dir.path()).unwrap();
        for text in [
            "*",
            "level:>=warn",
            "service:auth",
            "timeout OR refused",
            "latency_ms:>300",
        ] {
            let query = parse(text, Timestamp::now()).unwrap();
            // Widths finer and coarser than a block's time span, and not dividing a second.
            for width in [7_000, 250_000, 1_000_000, 60_000_000, 86_400_000_000] {
                let mut expected = Histogram::new(width);
                for event in events.iter().filter(|e| matches(&query, e)) {
                    expected.add(event.timestamp, 1);
                }
                let mut got = Histogram::new(width);
                reader.histogram(&query, &mut got).unwrap();
                assert_eq!(got, expected, "{text} in buckets of {width} us");
            }
        }
        let span = reader.time_span(&Query::All).unwrap();
        let oldest = events.iter().map(|e| e.timestamp).min().unwrap();
        let newest = events.iter().map(|e| e.timestamp).max().unwrap();
        assert_eq!(span, (oldest, newest));
    }

    #[test]
    fn counts_by_any_target_agree_with_the_predicate() {
        use crate::backend::embedded::values_of;
        use crate::query::Target;
        let dir = tempfile::tempdir().unwrap();
        let events = super::flagged(simulated(43, 8_000));
        fill(dir.path(), &events, 0);
        let reader = ColumnReader::open(dir.path()).unwrap();
        for text in ["*", "level:>=warn", "service:auth", "latency_ms:>100"] {
            let query = parse(text, Timestamp::now()).unwrap();
            for target in [
                Target::Service,
                Target::Host,
                Target::Level,
                Target::Field("status".into()),
                Target::Field("latency_ms".into()),
                Target::TimeFrom,
                Target::Unparsed,
            ] {
                let mut expected: std::collections::BTreeMap<String, u64> = Default::default();
                for event in events.iter().filter(|e| matches(&query, e)) {
                    for value in values_of(event, &target) {
                        *expected.entry(value).or_default() += 1;
                    }
                }
                let got: std::collections::BTreeMap<String, u64> = reader
                    .count_by(&query, &target)
                    .unwrap()
                    .into_iter()
                    .map(|g| (g.value, g.count))
                    .collect();
                assert_eq!(got, expected, "{text} by {target:?}");
            }
        }
    }

    #[test]
    fn expiring_drops_and_rewrites_parts_and_keeps_positions() {
        let dir = tempfile::tempdir().unwrap();
        let events = simulated(47, 4_000);
        for (i, chunk) in events.chunks(1_000).enumerate() {
            fill(dir.path(), chunk, 1_000 * i as u64);
        }
        let mut times: Vec<Timestamp> = events.iter().map(|e| e.timestamp).collect();
        times.sort();
        let cutoff = times[1_500];
        let older = events.iter().filter(|e| e.timestamp < cutoff).count() as u64;
        let mut writer = ColumnWriter::open(dir.path()).unwrap();
        assert_eq!(writer.expire_older_than(cutoff).unwrap(), older);
        drop(writer);
        let back = everything_in(dir.path());
        let newer: Vec<&LogEvent> = events.iter().filter(|e| e.timestamp >= cutoff).collect();
        assert_eq!(sorted_json(back.iter()), sorted_json(newer.into_iter()));
        let reader = ColumnReader::open(dir.path()).unwrap();
        assert_eq!(
            reader.snapshot().unwrap().positions.get("sim"),
            Some(&4_000)
        );
        let mut writer = ColumnWriter::open(dir.path()).unwrap();
        assert_eq!(
            writer.expire_older_than(Timestamp(i64::MAX)).unwrap(),
            4_000 - older
        );
        assert_eq!(part_count(dir.path()), 0);
    }

    #[test]
    fn kept_heads_answer_the_same_and_are_given_back_with_their_parts() {
        let dir = tempfile::tempdir().unwrap();
        let events = simulated(53, 3_000);
        fill(dir.path(), &events[..1_500], 0);
        let plain = ColumnReader::open(dir.path()).unwrap();
        let keeping = ColumnReader::open_keeping_heads(dir.path(), 64 << 20).unwrap();
        // Room for no head at all: read each time, as without a cache.
        let tight = ColumnReader::open_keeping_heads(dir.path(), 1).unwrap();
        let agree = |upto: usize| {
            for text in [
                "\"connection refused\"",
                "timeout OR declined",
                "service:auth AND level:>=warn",
                "latency_ms:>300",
                "zzqqxx",
                "*",
            ] {
                let query = parse(text, Timestamp::now()).unwrap();
                let expected = events[..upto].iter().filter(|e| matches(&query, e)).count() as u64;
                for reader in [&plain, &keeping, &tight] {
                    reader.refresh().unwrap();
                    // Twice: the second answer comes from the kept heads.
                    assert_eq!(reader.count(&query).unwrap(), expected, "{text}");
                    assert_eq!(reader.count(&query).unwrap(), expected, "{text}");
                }
            }
        };
        agree(1_500);
        assert!(keeping.kept_head_bytes() > 0);
        assert_eq!(tight.kept_head_bytes(), 0);
        assert_eq!(plain.kept_head_bytes(), 0);
        // Small commits are merged: parts leave the store, their heads with them.
        for (i, chunk) in events[1_500..].chunks(100).enumerate() {
            fill(dir.path(), chunk, 1_500 + 100 * i as u64);
        }
        agree(3_000);
        let mut writer = ColumnWriter::open(dir.path()).unwrap();
        writer.expire_older_than(Timestamp(i64::MAX)).unwrap();
        drop(writer);
        keeping.refresh().unwrap();
        assert_eq!(keeping.count(&Query::All).unwrap(), 0);
        assert_eq!(keeping.kept_head_bytes(), 0);
    }
}

/// The events of the fixture below: the odd ones, then a run with integer keys held densely
/// (the bit-packed layout).
fn fixture_events() -> Vec<LogEvent> {
    let mut events = odd_events();
    for i in 0..30i64 {
        let mut event = LogEvent::new(
            Timestamp(1_700_000_000_000_000 + i * 1_234),
            Level::Info,
            "api",
            "api-1",
            &format!("GET /orders/{i} -> {}", 200 + (i % 3) * 100),
        );
        event.fields = json!({ "latency_ms": i * 7 - 20, "status": 200 + (i % 3) * 100 })
            .as_object()
            .unwrap()
            .clone();
        events.push(event);
    }
    events
}

/// A block in the layout the first format-3 writer wrote (checked byte for byte against it
/// on 2026-11-27, zstd at level 3), numbered 7, 10, 13, ...: every later reader must read
/// it back.
#[test]
fn a_block_in_the_first_format_3_layout_reads_back() {
    reads_back_as_the_fixture_events(include_bytes!("fixtures/format3-block.lgb2"));
}

/// The same events as the writer wrote them before events recorded where their time came
/// from (flag bits 2-4 zero): an unparsed event of then took the time it was received.
#[test]
fn a_block_written_before_time_from_reads_back() {
    reads_back_as_the_fixture_events(include_bytes!(
        "fixtures/format3-zstd1-before-time-from.lgb2"
    ));
}

/// The same events with the word filter at 10 bits a word (before 2026-12-08): readers take
/// the filter's width from the block, so both widths read.
#[test]
fn a_block_with_the_narrower_word_filter_reads_back() {
    reads_back_as_the_fixture_events(include_bytes!("fixtures/format3-zstd1-bloom10.lgb2"));
}

/// `written` decodes to `fixture_events`, numbered 7, 10, 13, ...
fn reads_back_as_the_fixture_events(written: &[u8]) {
    let events = fixture_events();
    let seqs: Vec<u64> = (0..events.len() as u64).map(|s| s * 3 + 7).collect();
    let (read_seqs, read_events) =
        block::decode_numbered(written, block::Parts::ALL, None).unwrap();
    assert_eq!(read_events, events);
    assert_eq!(read_seqs, seqs);
}

/// The same events as the writer writes them today (format 3, zstd at level 1): while the
/// layout is unchanged the writer must write this byte for byte, and readers read it back.
/// `LOGAGG_BLESS=1` rewrites it after a deliberate change (keep the older fixtures).
#[test]
fn the_writer_writes_the_format_3_block_of_today() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/backend/embedded/columns/fixtures/format3-zstd1-block.lgb2"
    );
    let events = fixture_events();
    let seqs: Vec<u64> = (0..events.len() as u64).map(|s| s * 3 + 7).collect();
    let encoded = block::encode_numbered(&events, &seqs).unwrap();
    if std::env::var_os("LOGAGG_BLESS").is_some() {
        std::fs::write(path, &encoded).unwrap();
    }
    let written = std::fs::read(path).unwrap();
    let (read_seqs, read_events) =
        block::decode_numbered(&written, block::Parts::ALL, None).unwrap();
    assert_eq!(read_events, events);
    assert_eq!(read_seqs, seqs);
    assert!(
        encoded == written,
        "the block the writer writes changed: keep reading the older fixtures, add one for \
         the new layout (LOGAGG_BLESS=1 rewrites {path})"
    );
}
