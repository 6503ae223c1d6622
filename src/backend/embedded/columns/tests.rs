use super::block::{self, BlockError};
use super::bloom::WordBloom;
use crate::event::{Level, LogEvent, Timestamp};
use crate::simulator::{SimConfig, SimEvent, Simulator};
use proptest::prelude::*;
use serde_json::json;

fn simulated(seed: u64, n: usize) -> Vec<LogEvent> {
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
        cut in 0usize..400, flip in any::<u8>()
    ) {
        // Forge the checksum so that the damage reaches the decoder itself.
        let encoded = block::encode(&odd_events()).unwrap();
        let mut body = encoded[12..].to_vec();
        let at = cut % body.len();
        body[at] ^= flip | 1;
        let mut forged = b"LGB1".to_vec();
        forged.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&body).to_le_bytes());
        forged.extend_from_slice(&body);
        let _ = block::decode(&forged);
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
    fn the_store_returns_what_the_predicate_does() {
        let dir = tempfile::tempdir().unwrap();
        let events = simulated(23, 30_000);
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
            "level:nope",
            "status:>=500 OR user_id:*",
            "NOT status:500",
            "latency_ms:[100 TO 500]",
            "latency_ms:{100 TO 500}",
            "latency_ms:>100000",
            "bytes:<0",
            "status:[500 TO 599] AND service:gateway",
            "nope:>1",
            "NOT latency_ms:<1000",
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
                .count_by_service(&query)
                .unwrap()
                .into_iter()
                .collect();
            assert_eq!(counted, by_service, "{text} by service");
        }
        let by_service = reader.count_by_service(&Query::All).unwrap();
        for (service, n) in &by_service {
            assert_eq!(
                *n,
                events.iter().filter(|e| &e.service == service).count() as u64
            );
        }
        assert_eq!(by_service.iter().map(|(_, n)| n).sum::<u64>(), 30_000);
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
    fn damage_names_the_part() {
        let dir = tempfile::tempdir().unwrap();
        fill(dir.path(), &simulated(29, 2_000), 0);
        let part = std::fs::read_dir(dir.path().join("parts"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let mut bytes = std::fs::read(&part).unwrap();
        bytes[100] ^= 0x10;
        std::fs::write(&part, &bytes).unwrap();
        let reader = ColumnReader::open(dir.path()).unwrap();
        // Damage is found where a block is read (a block the index rules out is not).
        let err = reader
            .scan(&Query::All, &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&part.display().to_string()) && err.contains("checksum"),
            "{err}"
        );
        let len = bytes.len();
        bytes[len - 1] = b'X';
        std::fs::write(&part, &bytes).unwrap();
        let err = ColumnReader::open(dir.path()).err().unwrap().to_string();
        assert!(
            err.contains(&part.display().to_string()) && err.contains("trailer"),
            "{err}"
        );
    }
}
