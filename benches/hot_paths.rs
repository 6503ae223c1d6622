//! Criterion benchmarks of the hot paths the issues name. Whole-command figures
//! (simulate to /dev/null, ingest into the store, queries over 10M events) are measured
//! with the release binary; see BENCHMARKS.md for the commands.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use logagg::backend::embedded::{Engine, Order, StoreReader, StoreWriter};
use logagg::event::{
    decode_line, decode_line_into, read_fields_text, DecodeContext, EventWriter, FieldMaps,
    LogEvent, Position, Timestamp,
};
use logagg::query::{matches, parse};
use logagg::simulator::{SimConfig, SimEvent, Simulator};
use std::hint::black_box;

fn config() -> SimConfig {
    SimConfig {
        seed: 1,
        start: Timestamp::parse("2026-11-24T00:00:00Z").unwrap_or_default(),
        rate: 1000.0,
    }
}

fn sample(n: usize) -> Vec<SimEvent> {
    let mut sim = Simulator::new(&config());
    (0..n)
        .map(|_| {
            let mut e = SimEvent::default();
            sim.next_into(&mut e);
            e
        })
        .collect()
}

fn simulator(c: &mut Criterion) {
    let mut group = c.benchmark_group("simulator");
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("generate_and_encode_10k", |b| {
        let mut sim = Simulator::new(&config());
        let mut writer = EventWriter::default();
        let mut event = SimEvent::default();
        let mut out = Vec::with_capacity(4 << 20);
        b.iter(|| {
            out.clear();
            for _ in 0..10_000 {
                sim.next_into(&mut event);
                event.write_json(&mut writer, &mut out);
            }
            black_box(out.len())
        })
    });
    let events = sample(10_000);
    let log_events: Vec<_> = events.iter().map(SimEvent::to_log_event).collect();
    group.bench_function("encode_10k_simulated", |b| {
        let mut writer = EventWriter::default();
        let mut out = Vec::with_capacity(4 << 20);
        b.iter(|| {
            out.clear();
            for event in &events {
                event.write_json(&mut writer, &mut out);
            }
            black_box(out.len())
        })
    });
    group.bench_function("encode_10k_log_events", |b| {
        let mut writer = EventWriter::default();
        let mut out = Vec::with_capacity(4 << 20);
        b.iter(|| {
            out.clear();
            for event in &log_events {
                writer.write(event, &mut out);
                out.push(b'\n');
            }
            black_box(out.len())
        })
    });
    group.finish();
}

fn decoding(c: &mut Criterion) {
    let mut writer = EventWriter::default();
    let lines: Vec<Vec<u8>> = sample(1000)
        .iter()
        .map(|e| {
            let mut out = Vec::new();
            e.write_json(&mut writer, &mut out);
            out
        })
        .collect();
    let ctx = DecodeContext::now();
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(lines.len() as u64));
    group.bench_function("json_lines_1k", |b| {
        b.iter(|| {
            lines
                .iter()
                .map(|l| decode_line(l, &ctx).message.len())
                .sum::<usize>()
        })
    });
    // As `ship` and `ingest` decode: into records handed back, with kept field maps.
    group.bench_function("json_lines_1k_into_reused_events", |b| {
        let mut events = vec![LogEvent::default(); lines.len()];
        let mut maps = FieldMaps::default();
        b.iter(|| {
            lines
                .iter()
                .zip(events.iter_mut())
                .map(|(l, e)| {
                    decode_line_into(l, &ctx, e, &mut maps);
                    e.message.len()
                })
                .sum::<usize>()
        })
    });
    // As `ship` and `ingest` decode into the column store: `fields` checked and left as
    // text for the sealing thread, which reads it (`read_fields_text`, the second half).
    group.bench_function("json_lines_1k_fields_left_as_text", |b| {
        let mut events = vec![LogEvent::default(); lines.len()];
        let mut texts = vec![String::new(); lines.len()];
        let mut maps = FieldMaps::default();
        maps.leave_text();
        b.iter(|| {
            lines
                .iter()
                .zip(events.iter_mut().zip(texts.iter_mut()))
                .map(|(l, (e, text))| {
                    decode_line_into(l, &ctx, e, &mut maps);
                    maps.take_text(text);
                    e.message.len() + text.len()
                })
                .sum::<usize>()
        })
    });
    group.bench_function("fields_text_1k_read", |b| {
        let mut maps = FieldMaps::default();
        maps.leave_text();
        let texts: Vec<String> = lines
            .iter()
            .map(|l| {
                let mut event = LogEvent::default();
                let mut text = String::new();
                decode_line_into(l, &ctx, &mut event, &mut maps);
                maps.take_text(&mut text);
                text
            })
            .filter(|text| !text.is_empty())
            .collect();
        let mut map = serde_json::Map::new();
        let mut kept = FieldMaps::default();
        b.iter(|| {
            texts
                .iter()
                .map(|t| {
                    read_fields_text(t, &mut map, &mut kept);
                    map.len()
                })
                .sum::<usize>()
        })
    });
    let plain: Vec<String> = (0..1000)
        .map(|i| {
            format!(
                "2026-11-24 13:00:00,{:03} ERROR db timeout after {i}ms on pool main",
                i % 1000
            )
        })
        .collect();
    group.bench_function("plain_lines_1k", |b| {
        b.iter(|| {
            plain
                .iter()
                .map(|l| decode_line(l.as_bytes(), &ctx).message.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

/// Lines of real formats, as `ship` reads them: detection once per file, then each line's
/// time, level, host, program and pid, and the event built around the whole line.
fn formats(c: &mut Criterion) {
    use logagg::format::{detect, Clock, FormatChoice, LineDecoder, Zone};
    type LineOf = Box<dyn Fn(usize) -> String>;
    let files: [(&str, LineOf); 5] = [
        (
            "syslog",
            Box::new(|i| {
                format!("Nov 24 13:{:02}:{:02} web-{} sshd[{i}]: Accepted publickey for deploy from 10.0.0.{} port 22", i / 60 % 60, i % 60, i % 7, i % 250)
            }),
        ),
        (
            "log4j",
            Box::new(|i| {
                format!("2026-11-24 13:00:{:02},{:03} INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application {i}", i % 60, i % 1000)
            }),
        ),
        (
            "logcat",
            Box::new(|i| {
                format!("11-24 13:00:{:02}.{:03}  1702  2395 D WindowManager: printFreezingDisplayLogs opening app wtoken = {i}", i % 60, i % 1000)
            }),
        ),
        (
            "access",
            Box::new(|i| {
                format!("10.0.0.{} - - [24/Nov/2026:13:00:{:02} +0000] \"GET /api/v1/products/{i} HTTP/1.1\" 200 {} \"-\" \"curl/8.5.0\"", i % 250, i % 60, i * 7)
            }),
        ),
        (
            "bgl",
            Box::new(|i| {
                format!("- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.{:02}.{:06} R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected {i}", i % 60, i)
            }),
        ),
    ];
    let now = Timestamp::now();
    let mut group = c.benchmark_group("formats");
    for (name, line) in &files {
        let lines: Vec<String> = (0..1000).map(line).collect();
        let sample = lines[..50].join("\n") + "\n";
        let format = detect(sample.as_bytes(), FormatChoice::Auto, None);
        assert_ne!(format.name(), "raw", "{name} was not detected");
        group.throughput(Throughput::Elements(lines.len() as u64));
        group.bench_function(format!("{name}_read_1k"), |b| {
            b.iter(|| lines.iter().filter(|l| format.read(l).is_some()).count())
        });
        // Asked of every shipped line, to join continuation lines to their entry.
        group.bench_function(format!("{name}_entry_starts_1k"), |b| {
            b.iter(|| {
                lines
                    .iter()
                    .filter(|l| format.starts_entry(l.as_bytes()))
                    .count()
            })
        });
        let mut decoder = LineDecoder::new(
            format.clone(),
            Clock {
                zone: Zone::Utc,
                reference: now,
            },
        );
        group.bench_function(format!("{name}_event_1k"), |b| {
            b.iter(|| {
                lines
                    .iter()
                    .map(|l| decoder.decode(l.as_bytes(), now).message.len())
                    .sum::<usize>()
            })
        });
    }
    group.finish();
}

/// Mining the simulator's messages into patterns (issue 13: at least 500,000 lines/s).
fn patterns(c: &mut Criterion) {
    let messages: Vec<String> = sample(10_000).into_iter().map(|e| e.message).collect();
    let mut group = c.benchmark_group("patterns");
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.bench_function("mine_10k_messages", |b| {
        b.iter(|| {
            let mut miner = logagg::patterns::Miner::new();
            messages.iter().map(|m| miner.add(m)).max()
        })
    });
    group.finish();
}

fn query_language(c: &mut Criterion) {
    let now = Timestamp::now();
    let text = "service:(auth OR payments) AND level:>=warn -host:canary* latency_ms:>500 \"connection refused\"";
    c.bench_function("parse_query", |b| {
        b.iter(|| parse(black_box(text), now).is_ok())
    });
    let query = parse(
        "service:auth AND level:>=warn OR latency_ms:>500 OR \"payment declined\"",
        now,
    )
    .unwrap_or(logagg::query::Query::All);
    let events: Vec<_> = sample(1000).iter().map(SimEvent::to_log_event).collect();
    let mut group = c.benchmark_group("predicate");
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("evaluate_1k_events", |b| {
        b.iter(|| events.iter().filter(|e| matches(&query, e)).count())
    });
    group.finish();
}

/// Writes `events` into an indexed (tantivy) store in `dir`; `close` also waits for merges.
fn fill(dir: &std::path::Path, events: &[logagg::event::LogEvent], close: bool) {
    let Ok(mut writer) = StoreWriter::open_with(dir, "bench", Engine::Indexed) else {
        return;
    };
    for (i, e) in events.iter().enumerate() {
        let _ = writer.append(
            e,
            Some(&Position {
                stream: "bench",
                offset: i as u64,
            }),
        );
    }
    if close {
        let _ = writer.close();
    } else {
        let _ = writer.commit();
    }
}

fn store(c: &mut Criterion) {
    let events: Vec<_> = sample(20_000).iter().map(SimEvent::to_log_event).collect();
    let mut group = c.benchmark_group("embedded_store");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("append_and_commit_20k", |b| {
        b.iter_batched(
            || tempfile::tempdir().ok(),
            |dir| {
                if let Some(dir) = dir {
                    fill(dir.path(), &events, false);
                }
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();

    let Some(dir) = tempfile::tempdir().ok() else {
        return;
    };
    fill(dir.path(), &events, true);
    let Ok(reader) = StoreReader::open(dir.path()) else {
        return;
    };
    let selective = parse("service:auth AND level:>=warn", Timestamp::now())
        .unwrap_or(logagg::query::Query::All);
    c.bench_function("store_query_selective_newest_100", |b| {
        b.iter(|| {
            reader
                .search(&selective, Order::NewestFirst, Some(100))
                .map(|h| h.len())
        })
    });
    c.bench_function("store_count_by_service", |b| {
        b.iter(|| {
            reader
                .count_by(&logagg::query::Query::All, &logagg::query::Target::Service)
                .map(|g| g.len())
        })
    });
    column_store(c);
}

/// The column store on the same 20,000 events as `embedded_store` (the indexed engine),
/// side by side.
fn column_store(c: &mut Criterion) {
    use logagg::backend::embedded::columns::{ColumnReader, ColumnWriter};
    let events: Vec<_> = sample(20_000).iter().map(SimEvent::to_log_event).collect();
    let fill = |dir: &std::path::Path| -> Option<()> {
        let mut writer = ColumnWriter::open(dir).ok()?;
        for (i, e) in events.iter().enumerate() {
            let position = Position {
                stream: "bench",
                offset: i as u64,
            };
            writer.append(e, Some(&position)).ok()?;
        }
        writer.commit().ok().map(drop)
    };
    let mut group = c.benchmark_group("column_store");
    group.sample_size(10);
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("append_and_commit_20k", |b| {
        b.iter_batched(
            || tempfile::tempdir().ok(),
            |dir| dir.and_then(|d| fill(d.path())),
            BatchSize::PerIteration,
        )
    });
    group.finish();
    let Some(dir) = tempfile::tempdir().ok() else {
        return;
    };
    let Some(reader) = fill(dir.path()).and_then(|()| ColumnReader::open(dir.path()).ok()) else {
        return;
    };
    let query = |text: &str| parse(text, Timestamp::now()).unwrap_or(logagg::query::Query::All);
    let selective = query("service:auth AND level:>=warn");
    let phrase = query("\"connection refused\"");
    c.bench_function("column_store_count_selective", |b| {
        b.iter(|| reader.count(&selective))
    });
    c.bench_function("column_store_count_phrase", |b| {
        b.iter(|| reader.count(&phrase))
    });
    c.bench_function("column_store_count_by_service", |b| {
        b.iter(|| {
            reader
                .count_by(&logagg::query::Query::All, &logagg::query::Target::Service)
                .map(|g| g.len())
        })
    });
}

/// The dashboard with a full 10k buffer: one 200x60 frame, and taking in 50k events.
/// Drawing one 200x60 frame of `dash`.
fn bench_frame(c: &mut Criterion, name: &str, dash: &logagg::tui::state::Dashboard) {
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    c.bench_function(name, |b| {
        let mut terminal =
            Terminal::new(TestBackend::new(200, 60)).unwrap_or_else(|e| panic!("{e}"));
        b.iter(|| {
            terminal
                .draw(|frame| {
                    black_box(logagg::tui::view::render(dash, frame));
                })
                .unwrap_or_else(|e| panic!("{e}"));
        })
    });
}

fn dashboard(c: &mut Criterion) {
    use logagg::tui::feed::FeedMessage;
    use logagg::tui::state::Dashboard;
    let events: Vec<_> = sample(50_000).iter().map(|e| e.to_log_event()).collect();
    let now = events.last().map(|e| e.timestamp).unwrap_or_default();
    let mut dash = Dashboard::new(10_000, "bench".into(), true, now);
    dash.absorb(FeedMessage::Events(events[..10_000].to_vec()));
    dash.apply_filter("level:>=info");
    bench_frame(c, "dash_render_frame_200x60_full_buffer", &dash);
    // The patterns pane open (issue 13): the table is refreshed by `tick`, the frame only
    // draws it.
    dash.side = logagg::tui::state::SidePanel::Patterns;
    dash.tick(now);
    bench_frame(c, "dash_render_frame_200x60_patterns_pane", &dash);
    c.bench_function("dash_tick_refreshing_the_patterns_table", |b| {
        let mut at = now;
        b.iter(|| {
            // A quarter-second later each time, so every tick recomputes the table.
            at = logagg::event::Timestamp(at.micros() + 250_000);
            dash.tick(at);
        })
    });
    let mut group = c.benchmark_group("dash_absorb");
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("50k_events", |b| {
        b.iter_batched(
            || events.clone(),
            |batch| {
                let mut dash = Dashboard::new(10_000, "bench".into(), true, now);
                dash.absorb(FeedMessage::Events(batch));
                black_box(dash.entries.len())
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

/// Building the NDJSON body of Elasticsearch bulk requests.
fn bulk_encoding(c: &mut Criterion) {
    use logagg::backend::elasticsearch::bulk::encode_item;
    let events: Vec<_> = sample(10_000).iter().map(|e| e.to_log_event()).collect();
    let ids: Vec<String> = (0..events.len() as u64)
        .map(|offset| {
            Position {
                stream: "kafka:logs/0",
                offset,
            }
            .event_id()
        })
        .collect();
    let mut group = c.benchmark_group("es_bulk");
    group.throughput(Throughput::Elements(events.len() as u64));
    group.bench_function("encode_10k", |b| {
        let mut body = Vec::with_capacity(16 * 1024 * 1024);
        b.iter(|| {
            body.clear();
            for (id, event) in ids.iter().zip(&events) {
                encode_item("logs", id, event, "2026-11-25T00:00:00.000Z", &mut body);
            }
            black_box(body.len())
        })
    });
    group.finish();
}

/// 100,000 simulated events cut the way a column store would: per stream (service, host)
/// in arrival order, blocks of at most 8,192 events.
fn column_blocks(c: &mut Criterion) {
    use logagg::backend::embedded::columns::block;
    let events: Vec<_> = sample(100_000).iter().map(|e| e.to_log_event()).collect();
    let mut streams: std::collections::BTreeMap<(String, String), Vec<_>> = Default::default();
    for event in &events {
        let stream = streams
            .entry((event.service.clone(), event.host.clone()))
            .or_default();
        stream.push(event.clone());
    }
    let blocks: Vec<&[logagg::event::LogEvent]> =
        streams.values().flat_map(|s| s.chunks(8192)).collect();
    let encoded: Vec<Vec<u8>> = blocks
        .iter()
        .map(|b| block::encode(b).unwrap_or_default())
        .collect();
    let bytes: usize = encoded.iter().map(Vec::len).sum();
    eprintln!(
        "columns: {} blocks, {:.1} bytes per event",
        encoded.len(),
        bytes as f64 / events.len() as f64
    );
    let mut group = c.benchmark_group("columns");
    group.throughput(Throughput::Elements(events.len() as u64));
    group.sample_size(10);
    group.bench_function("encode_100k_by_stream", |b| {
        b.iter(|| {
            let n: usize = blocks
                .iter()
                .map(|b| block::encode(b).map_or(0, |e| e.len()))
                .sum();
            black_box(n)
        })
    });
    group.bench_function("decode_100k", |b| {
        b.iter(|| {
            let n: usize = encoded
                .iter()
                .map(|e| block::decode(e).map_or(0, |v| v.len()))
                .sum();
            black_box(n)
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    column_blocks,
    simulator,
    decoding,
    formats,
    patterns,
    query_language,
    store,
    dashboard,
    bulk_encoding
);
criterion_main!(benches);
