//! The store must select exactly what the in-memory predicate selects, with either engine:
//! the tests that hold for both run once per engine (`on_both_engines!`).

use super::*;
use crate::event::{Level, LogEvent, Position, Timestamp};
use crate::query::{matches, parse};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

// The query language's random queries and their vocabulary, shared with the three-way
// agreement test against a real engine.
#[path = "../../../tests/common/query_strategies.rs"]
mod query_strategies;
use query_strategies::{arb_query, HOSTS, SERVICES, TRACE_IDS, WORDS};

thread_local! {
    /// The engine the test running on this thread creates stores with.
    static NEW_STORES: std::cell::Cell<Engine> = const { std::cell::Cell::new(Engine::Columns) };
}

/// Opens the store for writing, creating it with this test's engine.
fn open_writer(dir: &std::path::Path, command: &str) -> StoreWriter {
    StoreWriter::open_with(dir, command, NEW_STORES.with(|e| e.get())).unwrap()
}

fn with_engine(engine: Engine, test: fn()) {
    NEW_STORES.with(|e| e.set(engine));
    test();
}

/// Runs each named test once with stores created by each engine.
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn columns() {
                super::with_engine(super::Engine::Columns, super::$name);
            }
            #[test]
            fn indexed() {
                super::with_engine(super::Engine::Indexed, super::$name);
            }
        }
    )*};
}

on_both_engines!(
    ordering_limits_and_counts,
    positions_survive_reopening_and_seq_continues,
    readers_see_new_commits_after_refresh,
    missing_damaged_and_newer_stores_are_reported,
    long_words_and_values_are_still_found,
    retention_removes_old_events_only,
    size_cap_keeps_the_newest_events_that_fit,
    a_ten_megabyte_message_is_stored_and_found,
    counts_of_every_event_agree_with_counting_each_match,
    regexes_narrowed_by_the_word_index_find_what_the_predicate_finds,
);

fn now() -> Timestamp {
    Timestamp::parse("2026-11-24T12:00:00Z").unwrap()
}

fn arb_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0i64..1000).prop_map(|n| json!(n)),
        (0u32..100).prop_map(|n| json!(n as f64 + 0.5)),
        prop::sample::select(vec!["500", "ok", "OK", "m", "abc", "a b", ""]).prop_map(|s| json!(s)),
        any::<bool>().prop_map(|b| json!(b)),
        Just(Value::Null),
        prop::collection::vec(prop::sample::select(vec!["edge", "eu", "500"]), 0..3)
            .prop_map(|v| json!(v)),
        prop::sample::select(vec!["u1", "u42"]).prop_map(|s| json!({"id": s})),
    ]
}

fn arb_event() -> impl Strategy<Value = LogEvent> {
    (
        0i64..3_600,
        0usize..6,
        prop::sample::select(SERVICES),
        prop::sample::select(HOSTS),
        prop::collection::vec(
            (
                prop::sample::select(WORDS),
                prop::sample::select(vec![" ", ", ", "-", "_", ": ", "/"]),
            ),
            0..8,
        ),
        prop::option::of(prop::sample::select(TRACE_IDS.to_vec())),
        prop::collection::btree_map(
            prop::sample::select(vec![
                "status",
                "latency_ms",
                "code",
                "user",
                "tags",
                "cached",
            ]),
            arb_value(),
            0..4,
        ),
    )
        .prop_map(|(secs, level, service, host, words, trace, fields)| {
            let message: String = words.iter().map(|(w, sep)| format!("{w}{sep}")).collect();
            let mut e = LogEvent::new(
                Timestamp(now().micros() - secs * 1_000_000),
                Level::ALL[level],
                service,
                host,
                &message,
            );
            e.trace_id = trace.map(str::to_string);
            e.fields = fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<Map<String, Value>>();
            e
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn store_and_predicate_select_the_same_events(
        events in prop::collection::vec(arb_event(), 1..40),
        queries in prop::collection::vec(arb_query(true), 12),
    ) {
        for engine in [Engine::Columns, Engine::Indexed] {
        NEW_STORES.with(|e| e.set(engine));
        let dir = tempfile::tempdir().unwrap();
        let reader = store_with(dir.path(), &events);
        for text in &queries {
            let query = parse(text, now()).unwrap();
            let expected: Vec<u64> = events.iter().enumerate().filter(|(_, e)| matches(&query, e)).map(|(i, _)| i as u64).collect();
            let mut got: Vec<u64> = reader.search(&query, Order::Arrival, None).unwrap().iter().map(|h| h.seq).collect();
            got.sort_unstable();
            prop_assert_eq!(&got, &expected, "query {} understood as {}", text, query);
            prop_assert_eq!(reader.count(&query).unwrap(), expected.len() as u64, "{:?}", engine);
        }
        }
    }
}

/// A store in `dir` holding `events`, stream "s" offsets 0.., committed; and a reader on it.
fn store_with(dir: &std::path::Path, events: &[LogEvent]) -> StoreReader {
    let mut writer = open_writer(dir, "test");
    for (i, e) in events.iter().enumerate() {
        writer
            .append(
                e,
                Some(&Position {
                    stream: "s",
                    offset: i as u64,
                }),
            )
            .unwrap();
    }
    writer.commit().unwrap();
    StoreReader::open(dir).unwrap()
}

fn sample_store(dir: &std::path::Path, n: u64) {
    let mut writer = open_writer(dir, "test");
    for i in 0..n {
        let mut e = LogEvent::new(
            Timestamp(now().micros() - (n - i) as i64 * 1000),
            Level::ALL[(i % 6) as usize],
            SERVICES[(i % 5) as usize],
            "h",
            "hello world",
        );
        e.fields.insert("i".into(), json!(i));
        writer
            .append(
                &e,
                Some(&Position {
                    stream: "s",
                    offset: i,
                }),
            )
            .unwrap();
    }
    writer.commit().unwrap();
}

fn ordering_limits_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    sample_store(dir.path(), 50);
    let reader = StoreReader::open(dir.path()).unwrap();
    let newest = reader
        .search(&crate::query::Query::All, Order::NewestFirst, Some(3))
        .unwrap();
    assert_eq!(
        newest.iter().map(|h| h.seq).collect::<Vec<_>>(),
        vec![49, 48, 47]
    );
    let oldest = reader
        .search(&crate::query::Query::All, Order::OldestFirst, Some(2))
        .unwrap();
    assert_eq!(oldest.iter().map(|h| h.seq).collect::<Vec<_>>(), vec![0, 1]);
    let by_service = reader
        .count_by(&crate::query::Query::All, &crate::query::Target::Service)
        .unwrap();
    assert_eq!(by_service.len(), 5);
    assert!(by_service.iter().all(|g| g.count == 10));
    assert_eq!(
        reader
            .count_by(
                &parse("i:<3", now()).unwrap(),
                &crate::query::Target::Field("i".into())
            )
            .unwrap()
            .into_iter()
            .map(|g| (g.json(), g.count))
            .collect::<Vec<_>>(),
        vec![
            (serde_json::json!(0), 1),
            (serde_json::json!(1), 1),
            (serde_json::json!(2), 1)
        ]
    );
    assert!(reader.has_field_key("i").unwrap());
    assert!(!reader.has_field_key("j").unwrap());
    assert_eq!(reader.max_seq().unwrap(), Some(49));
}

fn positions_survive_reopening_and_seq_continues() {
    let dir = tempfile::tempdir().unwrap();
    sample_store(dir.path(), 5);
    let writer = open_writer(dir.path(), "test");
    assert_eq!(writer.resume_offset("s"), Some(5));
    assert_eq!(writer.resume_offset("other"), None);
    drop(writer);
    sample_store(dir.path(), 5);
    let reader = StoreReader::open(dir.path()).unwrap();
    assert_eq!(reader.max_seq().unwrap(), Some(9));
}

fn readers_see_new_commits_after_refresh() {
    let dir = tempfile::tempdir().unwrap();
    sample_store(dir.path(), 3);
    let reader = StoreReader::open(dir.path()).unwrap();
    assert_eq!(reader.count(&crate::query::Query::All).unwrap(), 3);
    sample_store(dir.path(), 2);
    reader.refresh().unwrap();
    assert_eq!(reader.count(&crate::query::Query::All).unwrap(), 5);
    let tail = reader
        .arrived_between(&crate::query::Query::All, Some(2), 4)
        .unwrap();
    assert_eq!(tail.iter().map(|h| h.seq).collect::<Vec<_>>(), vec![3, 4]);
}

fn missing_damaged_and_newer_stores_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        StoreReader::open(dir.path()),
        Err(StoreError::NotFound { .. })
    ));
    sample_store(dir.path(), 1);
    std::fs::write(dir.path().join("store.json"), r#"{"format": 99}"#).unwrap();
    assert!(matches!(
        StoreReader::open(dir.path()),
        Err(StoreError::NewerFormat { found: 99, .. })
    ));
    let columns = dir.path().join("manifest.json").exists();
    let format = if columns { 3 } else { 1 };
    std::fs::write(
        dir.path().join("store.json"),
        format!(r#"{{"format": {format}}}"#),
    )
    .unwrap();
    let commits = if columns {
        "manifest.json"
    } else {
        "index/meta.json"
    };
    std::fs::write(dir.path().join(commits), "{ not json").unwrap();
    let err = StoreReader::open(dir.path()).err().unwrap();
    if columns {
        // Rebuilt from the parts by `logagg repair`.
        assert!(matches!(err, StoreError::NeedsRepair { .. }), "{err}");
    } else {
        assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
    }
}

fn long_words_and_values_are_still_found() {
    let dir = tempfile::tempdir().unwrap();
    let long_word = "x".repeat(400);
    let long_value = "v".repeat(2000);
    let mut e = LogEvent::new(
        now(),
        Level::Info,
        "s",
        "h",
        &format!("start {long_word} end"),
    );
    e.fields.insert("blob".into(), json!(long_value));
    let reader = store_with(dir.path(), std::slice::from_ref(&e));
    for q in [
        long_word.clone(),
        "xxx*".into(),
        format!("blob:{long_value}"),
        "blob:v*".into(),
        "blob:>u".into(),
        "\"start\"".into(),
        "blob:*".into(),
    ] {
        assert_eq!(
            reader.count(&parse(&q, now()).unwrap()).unwrap(),
            1,
            "{}",
            &q[..q.len().min(30)]
        );
    }
    assert_eq!(
        reader
            .count(&parse("\"start end\"", now()).unwrap())
            .unwrap(),
        0
    );
}

fn retention_removes_old_events_only() {
    let dir = tempfile::tempdir().unwrap();
    sample_store(dir.path(), 100);
    let reader = StoreReader::open(dir.path()).unwrap();
    let cutoff = Timestamp(now().micros() - 30 * 1000);
    let plan = retention::plan(&reader, Some(cutoff), None).unwrap();
    assert_eq!(plan.events, 70);
    let writer = open_writer(dir.path(), "retention");
    assert_eq!(retention::apply(writer, &plan).unwrap(), 70);
    reader.refresh().unwrap();
    assert_eq!(reader.count(&crate::query::Query::All).unwrap(), 30);
    let writer = open_writer(dir.path(), "test");
    assert_eq!(
        writer.resume_offset("s"),
        Some(100),
        "positions survive retention"
    );
}

fn size_cap_keeps_the_newest_events_that_fit() {
    let dir = tempfile::tempdir().unwrap();
    sample_store(dir.path(), 2000);
    let reader = StoreReader::open(dir.path()).unwrap();
    let size = reader.stats().unwrap().disk_bytes;
    let plan = retention::plan(&reader, None, Some(size / 2)).unwrap();
    assert!(plan.events > 800 && plan.events < 1200, "{plan:?}");
    let writer = open_writer(dir.path(), "retention");
    retention::apply(writer, &plan).unwrap();
    reader.refresh().unwrap();
    let left = reader
        .search(&crate::query::Query::All, Order::OldestFirst, None)
        .unwrap();
    assert_eq!(left.len() as u64, 2000 - plan.events);
    assert_eq!(left.last().unwrap().seq, 1999, "the newest stay");
    assert!(retention::plan(&reader, None, Some(u64::MAX))
        .unwrap()
        .cutoff
        .is_none());
}

fn a_ten_megabyte_message_is_stored_and_found() {
    let dir = tempfile::tempdir().unwrap();
    let message = format!(
        "begin {} needle end",
        "lorem ipsum ".repeat(10 * 1024 * 1024 / 12)
    );
    let e = LogEvent::new(now(), Level::Error, "s", "h", &message);
    let reader = store_with(dir.path(), std::slice::from_ref(&e));
    let hits = reader
        .search(
            &parse("\"needle end\"", now()).unwrap(),
            Order::NewestFirst,
            None,
        )
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].event().message, message);
}

#[test]
fn format_one_stores_open_take_writes_and_find_trace_ids() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("index")).unwrap();
    tantivy::Index::create_in_dir(dir.path().join("index"), super::schema::build_schema(1))
        .unwrap();
    std::fs::write(dir.path().join("store.json"), r#"{"format": 1}"#).unwrap();
    let events: Vec<LogEvent> = ["4bf92f3577b34da6", "4bf92f35", "t1"]
        .iter()
        .map(|id| {
            let mut e = LogEvent::new(now(), Level::Info, "s", "h", "m");
            e.trace_id = Some(id.to_string());
            e.fields.insert("code".into(), json!(id.len()));
            e
        })
        .collect();
    let reader = store_with(dir.path(), &events);
    let format = StoreWriter::open(dir.path(), "test")
        .unwrap()
        .indexed()
        .unwrap()
        .store()
        .fields
        .format;
    assert_eq!(format, super::schema::StoreFormat::V1);
    for (q, expected) in [
        ("trace_id:4bf92f35", 1),
        ("trace_id:4bf9*", 2),
        ("trace_id:t1", 1),
        ("trace_id:*", 3),
        ("code:*", 3),
        ("code:16", 1),
        ("missing:*", 0),
    ] {
        assert_eq!(
            reader.count(&parse(q, now()).unwrap()).unwrap(),
            expected,
            "{q}"
        );
    }
}

fn counts_of_every_event_agree_with_counting_each_match() {
    let dir = tempfile::tempdir().unwrap();
    let events: Vec<LogEvent> = (0..300)
        .map(|i| {
            let host = ["", "web-1", "web-2"][i % 3];
            let service = ["auth", "payments", "search", "auth"][i % 4];
            LogEvent::new(
                Timestamp(now().micros() - (300 - i as i64) * 1000),
                Level::ALL[i % 6],
                service,
                host,
                "m",
            )
        })
        .collect();
    let reader = store_with(dir.path(), &events);
    let every = crate::query::Query::All;
    let check = |reader: &StoreReader| {
        for (target, matching_all) in [
            (crate::query::Target::Service, "service:*"),
            (crate::query::Target::Host, "host:*"),
            (crate::query::Target::Level, "level:*"),
        ] {
            let by_terms = reader.count_by(&every, &target).unwrap();
            let by_column = reader
                .count_by(&parse(matching_all, now()).unwrap(), &target)
                .unwrap();
            assert_eq!(by_terms, by_column, "{matching_all}");
        }
    };
    check(&reader);
    assert_eq!(
        reader
            .count_by(&every, &crate::query::Target::Host)
            .unwrap()
            .iter()
            .find(|g| g.value.is_empty())
            .map(|g| g.count),
        Some(100)
    );
    // Deleted events stay in the term dictionaries until a merge, and a sixth of a
    // segment deleted is below the merge policy's threshold.
    let plan =
        retention::plan(&reader, Some(Timestamp(now().micros() - 250 * 1000)), None).unwrap();
    retention::apply(open_writer(dir.path(), "retention"), &plan).unwrap();
    reader.refresh().unwrap();
    check(&reader);
    let total: u64 = reader
        .count_by(&every, &crate::query::Target::Service)
        .unwrap()
        .iter()
        .map(|g| g.count)
        .sum();
    assert_eq!(total, 250);
}

fn regexes_narrowed_by_the_word_index_find_what_the_predicate_finds() {
    let dir = tempfile::tempdir().unwrap();
    let long = format!("{}timed out", "x".repeat(300));
    let messages = [
        "upstream timed out after 3000ms",
        "Timeout waiting for lock",
        "connection refused: redis 10.0.0.1:6379",
        "reconnecting in 5s",
        "ΣΟΦΙΑ σοφίας tail end",
        long.as_str(),
        "ab: cd",
        "pre-timeout-post",
    ];
    let events: Vec<LogEvent> = messages
        .iter()
        .map(|m| LogEvent::new(now(), Level::Info, "s", "h", m))
        .collect();
    let reader = store_with(dir.path(), &events);
    for q in [
        "/timed out/",
        "/ed ou/",
        "/med o/",
        "/Timeout/",
        "/(?i)TIMEOUT/",
        "/timeout/",
        "/onn/",
        "/refused: re/",
        "/^ab: cd$/",
        "/\\d+ms/",
        "/ΟΦΙΑ σοφ/",
        "/tail e/",
        "/x{300}timed/",
        "/-timeout-/",
        "/nothing here/",
    ] {
        let query = parse(q, now()).unwrap();
        let expected: Vec<u64> = events
            .iter()
            .enumerate()
            .filter(|(_, e)| matches(&query, e))
            .map(|(i, _)| i as u64)
            .collect();
        let mut got: Vec<u64> = reader
            .search(&query, Order::Arrival, None)
            .unwrap()
            .iter()
            .map(|h| h.seq)
            .collect();
        got.sort_unstable();
        assert_eq!(got, expected, "{q}");
    }
}

#[test]
fn a_damaged_segment_is_named_left_out_by_readers_and_set_aside_by_the_next_writer() {
    NEW_STORES.with(|e| e.set(Engine::Indexed));
    let dir = tempfile::tempdir().unwrap();
    let event = |i: u64| LogEvent::new(now(), Level::Info, "s", "h", &format!("event {i}"));
    let mut writer = open_writer(dir.path(), "test");
    for i in 0..10 {
        let position = Position {
            stream: "s",
            offset: i,
        };
        writer.append(&event(i), Some(&position)).unwrap();
        if i == 6 {
            writer.commit().unwrap();
        }
    }
    writer.close().unwrap();
    let metas = Store::open(dir.path())
        .unwrap()
        .index
        .searchable_segment_metas()
        .unwrap();
    assert_eq!(metas.len(), 2, "one segment per commit");
    let victim = metas.iter().find(|m| m.num_docs() == 7).unwrap();
    let id = victim.id().uuid_string();
    let index_dir = dir.path().join("index");
    std::fs::write(index_dir.join(format!("{id}.idx")), b"garbage").unwrap();

    let reader = StoreReader::open(dir.path()).unwrap();
    assert_eq!(reader.count(&crate::query::Query::All).unwrap(), 3);
    let damaged = reader.damaged();
    assert_eq!(damaged.len(), 1);
    assert_eq!(damaged[0].files, index_dir.join(format!("{id}.*")));
    assert_eq!(damaged[0].events, Some(7));
    assert!(damaged[0].to_string().contains(&id), "{}", damaged[0]);

    let mut writer = open_writer(dir.path(), "test");
    assert_eq!(writer.set_aside().len(), 1);
    assert!(dir
        .path()
        .join("damaged")
        .join(format!("{id}.idx"))
        .exists());
    assert_eq!(writer.resume_offset("s"), Some(10), "positions are kept");
    let position = Position {
        stream: "s",
        offset: 10,
    };
    writer.append(&event(10), Some(&position)).unwrap();
    writer.close().unwrap();
    let reader = StoreReader::open(dir.path()).unwrap();
    assert!(reader.damaged().is_empty());
    assert_eq!(reader.count(&crate::query::Query::All).unwrap(), 4);
}

#[test]
fn a_store_keeps_the_engine_it_was_made_with() {
    let indexed = tempfile::tempdir().unwrap();
    let columns = tempfile::tempdir().unwrap();
    let event = LogEvent::new(now(), Level::Warn, "api", "h", "disk almost full");
    for (dir, engine) in [(&indexed, Engine::Indexed), (&columns, Engine::Columns)] {
        let mut writer = StoreWriter::open_with(dir.path(), "test", engine).unwrap();
        writer.append(&event, None).unwrap();
        writer.close().unwrap();
        // Opened later with the default (columns for new stores), it stays as made.
        let mut writer = StoreWriter::open(dir.path(), "test").unwrap();
        assert_eq!(writer.indexed().is_some(), engine == Engine::Indexed);
        writer.append(&event, None).unwrap();
        writer.close().unwrap();
        let reader = StoreReader::open(dir.path()).unwrap();
        assert_eq!(
            matches!(reader, StoreReader::Indexed(_)),
            engine == Engine::Indexed
        );
        assert_eq!(reader.count(&parse("full", now()).unwrap()).unwrap(), 2);
    }
    let marker = |dir: &std::path::Path| std::fs::read_to_string(dir.join("store.json")).unwrap();
    assert!(marker(indexed.path()).contains(r#""format":2"#));
    assert!(marker(columns.path()).contains(r#""format":3"#));
}
