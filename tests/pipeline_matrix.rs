//! The same pipeline from each source into each sink: the simulator, a file and a Kafka
//! topic, into standard output, the embedded store, a Kafka topic and a real OpenSearch
//! node. Every pair must deliver exactly the events its source holds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::kafka::{create_topic, simulate_to, simulation, Broker, START};
use common::search_engine::SearchEngine;
use common::{logagg, stdout_of};
use std::collections::BTreeMap;
use std::path::Path;

const COUNT: usize = 400;
const SEED: &str = "31";

#[derive(Debug, Clone, Copy)]
enum From {
    Simulator,
    File,
    Topic,
}

#[derive(Debug, Clone, Copy)]
enum To {
    Stdout,
    Embedded,
    Kafka,
    Elasticsearch,
}

/// The messages a source holds (with their count), as the sinks must end up holding them.
type Messages = BTreeMap<String, usize>;

fn tally<'a>(messages: impl Iterator<Item = &'a str>) -> Messages {
    let mut out = Messages::new();
    for m in messages {
        *out.entry(m.to_string()).or_default() += 1;
    }
    out
}

fn messages_of_ndjson(text: &str) -> Messages {
    let values: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    tally(values.iter().map(|v| v["message"].as_str().unwrap()))
}

struct Case<'a> {
    dir: &'a Path,
    broker: &'a Broker,
    engine: &'a SearchEngine,
    name: String,
}

impl Case<'_> {
    /// The source's half of the command line, and the messages the source holds.
    fn source(&self, from: From) -> (Vec<String>, Messages) {
        match from {
            From::Simulator => (
                ["simulate", "--seed", SEED, "--start", START, "--count"]
                    .iter()
                    .map(|s| s.to_string())
                    .chain([COUNT.to_string()])
                    .collect(),
                messages_of_ndjson(&simulation(self.dir, SEED, START, &COUNT.to_string())),
            ),
            From::File => {
                let path = self.dir.join("shop.log");
                let text: String = (0..COUNT)
                    .map(|i| {
                        format!(
                            "Nov 24 13:{:02}:{:02} web-{} checkout[{}]: order {i} paid\n",
                            i / 60,
                            i % 60,
                            i % 3,
                            100 + i % 5
                        )
                    })
                    .collect();
                std::fs::write(&path, &text).unwrap();
                (
                    vec!["ship".into(), path.display().to_string()],
                    tally(text.lines()),
                )
            }
            From::Topic => {
                let topic = format!("{}-in", self.name);
                simulate_to(
                    self.dir,
                    self.broker,
                    &topic,
                    SEED,
                    START,
                    &COUNT.to_string(),
                    "3",
                );
                (
                    [
                        "ingest",
                        "--exit-at-end",
                        "--brokers",
                        &self.broker.address,
                        "--topic",
                        &topic,
                    ]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                    messages_of_ndjson(&simulation(self.dir, SEED, START, &COUNT.to_string())),
                )
            }
        }
    }

    /// Runs the pipeline into `to` and reads back what the sink holds.
    fn run(&self, mut args: Vec<String>, from: From, to: To) -> Messages {
        let prefix = self.engine.prefix(&self.name);
        let out_topic = format!("{}-out", self.name);
        match to {
            To::Stdout => args.extend(["--to".into(), "stdout".into()]),
            To::Embedded => args.extend(["--to".into(), "embedded".into()]),
            To::Kafka => {
                create_topic(self.broker, &out_topic, 2);
                args.extend(["--to".into(), "kafka".into()]);
                match from {
                    // The source's --brokers serve the sink too.
                    From::Topic => args.extend(["--to-topic".into(), out_topic.clone()]),
                    _ => args.extend([
                        "--brokers".into(),
                        self.broker.address.clone(),
                        "--topic".into(),
                        out_topic.clone(),
                    ]),
                }
            }
            To::Elasticsearch => args.extend([
                "--to".into(),
                "elasticsearch".into(),
                "--es-url".into(),
                self.engine.url.clone(),
                "--es-index-prefix".into(),
                prefix.clone(),
            ]),
        }
        let printed = stdout_of(logagg(self.dir).args(&args));
        match to {
            To::Stdout => messages_of_ndjson(&printed),
            To::Embedded => messages_of_ndjson(&stdout_of(
                logagg(self.dir).args(["query", "*", "--limit", "0", "--output", "json"]),
            )),
            To::Kafka => messages_of_ndjson(&stdout_of(logagg(self.dir).args([
                "ingest",
                "--to",
                "stdout",
                "--exit-at-end",
                "--brokers",
                &self.broker.address,
                "--topic",
                &out_topic,
                "--group",
                &format!("{}-reader", self.name),
            ]))),
            To::Elasticsearch => {
                self.engine.refresh(&prefix);
                let docs = self.engine.documents(&prefix);
                tally(docs.iter().map(|(_, d)| d["message"].as_str().unwrap()))
            }
        }
    }
}

#[test]
fn every_source_into_every_sink_delivers_each_event_once() {
    let broker = Broker::shared();
    let engine = SearchEngine::shared();
    let mut failures = Vec::new();
    for from in [From::Simulator, From::File, From::Topic] {
        for to in [To::Stdout, To::Embedded, To::Kafka, To::Elasticsearch] {
            let dir = tempfile::tempdir().unwrap();
            let case = Case {
                dir: dir.path(),
                broker,
                engine,
                name: format!("{from:?}-{to:?}").to_lowercase(),
            };
            let (args, expected) = case.source(from);
            let got = case.run(args, from, to);
            let total: usize = got.values().sum();
            if got != expected {
                failures.push(format!(
                    "{from:?} -> {to:?}: {total} events, {} distinct, expected {COUNT}",
                    got.len()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Ingested into the store, events keep every part they were produced with (the store
/// reads their `fields` itself, on its sealing thread), across full blocks of a stream.
#[test]
fn events_ingested_into_the_store_are_those_produced() {
    let broker = Broker::shared();
    let dir = tempfile::tempdir().unwrap();
    let count = "30000";
    simulate_to(dir.path(), broker, "whole-events", SEED, START, count, "2");
    stdout_of(logagg(dir.path()).args([
        "ingest",
        "--exit-at-end",
        "--brokers",
        &broker.address,
        "--topic",
        "whole-events",
        "--to",
        "embedded",
    ]));
    let sorted = |text: &str| {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines.sort();
        lines
    };
    let stored =
        stdout_of(logagg(dir.path()).args(["query", "*", "--limit", "0", "--output", "json"]));
    let produced = simulation(dir.path(), SEED, START, count);
    assert!(produced.contains(r#""fields":{"#));
    assert_eq!(sorted(&stored), sorted(&produced));
}

#[test]
fn ingest_filter_passes_only_matching_events_and_moves_past_the_rest() {
    let broker = Broker::shared();
    let dir = tempfile::tempdir().unwrap();
    let topic = "filtered-in";
    simulate_to(dir.path(), broker, topic, SEED, START, "2000", "2");
    let all = simulation(dir.path(), SEED, START, "2000");
    let expected = all
        .lines()
        .filter(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            matches!(v["level"].as_str(), Some("error" | "fatal"))
        })
        .count();
    assert!(expected > 0);
    let ingest = |extra: &[&str]| {
        let mut args = vec![
            "ingest",
            "--exit-at-end",
            "--brokers",
            &broker.address,
            "--topic",
            topic,
            "--filter",
            "level:>=error",
        ];
        args.extend(extra);
        stdout_of(logagg(dir.path()).args(&args))
    };
    assert_eq!(ingest(&["--to", "stdout"]).lines().count(), expected);
    ingest(&["--to", "embedded"]);
    let count = |q: &str| {
        stdout_of(logagg(dir.path()).args(["query", q, "--count"]))
            .trim()
            .parse::<usize>()
            .unwrap()
    };
    assert_eq!(count("*"), expected);
    // Passed-over events are not read again: a second run adds nothing.
    ingest(&["--to", "embedded"]);
    assert_eq!(count("*"), expected);
}

#[test]
fn shipping_a_file_into_elasticsearch_twice_stores_each_line_once() {
    let engine = SearchEngine::shared();
    let dir = tempfile::tempdir().unwrap();
    let prefix = engine.prefix("reship");
    let file = dir.path().join("access.log");
    let text: String = (0..300)
        .map(|i| {
            format!(
                "10.0.0.{} - - [24/Nov/2026:13:{:02}:{:02} +0000] \"GET /item/{i} HTTP/1.1\" {} 512 \"-\" \"curl/8\"\n",
                i % 200,
                i / 60,
                i % 60,
                if i % 10 == 0 { 503 } else { 200 }
            )
        })
        .collect();
    std::fs::write(&file, text).unwrap();
    let ship = || {
        let out = logagg(dir.path())
            .args(["ship", file.to_str().unwrap(), "--to", "elasticsearch"])
            .args(["--es-url", &engine.url, "--es-index-prefix", &prefix])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    ship();
    let again = ship();
    assert!(again.contains("300 events were already stored"), "{again}");
    engine.refresh(&prefix);
    assert_eq!(engine.count(&prefix), 300);
    let docs = engine.documents(&prefix);
    let errors = docs
        .iter()
        .filter(|(_, d)| d["log"]["level"] == "error")
        .count();
    assert_eq!(errors, 30, "status 503 lines are errors");
    let (_, first) = docs
        .iter()
        .find(|(_, d)| d["message"].as_str().unwrap().contains("GET /item/0 "))
        .unwrap();
    assert_eq!(first["@timestamp"], "2026-11-24T13:00:00.000Z");
}

#[test]
fn following_a_file_into_elasticsearch_keeps_every_line_across_copytruncate() {
    use common::kafka::{interrupt, spawn, wait_until};
    let engine = SearchEngine::shared();
    let dir = tempfile::tempdir().unwrap();
    let prefix = engine.prefix("truncated");
    let file = dir.path().join("app.log");
    let lines = |from: usize, to: usize| -> String {
        (from..to)
            .map(|i| format!("2026-11-24T10:00:{:02}Z INFO line number {i:04}\n", i % 60))
            .collect()
    };
    let append = |text: &str| {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&file)
            .unwrap();
        f.write_all(text.as_bytes()).unwrap();
    };
    append(&lines(0, 40));
    let path = file.to_str().unwrap();
    let ship = [
        "ship",
        path,
        "--follow",
        "--to",
        "elasticsearch",
        "--es-url",
        &engine.url,
        "--es-index-prefix",
        &prefix,
        "--poll",
        "50ms",
        "--commit-interval",
        "100ms",
    ];
    let shipper = spawn(dir.path(), "ship", &ship);
    wait_until(60, "the first lines are stored", || {
        engine.count(&prefix) == 40
    });
    // copytruncate: the old lines are copied away, the file is emptied in place and
    // written again from offset 0, where the first lines were.
    std::fs::copy(&file, dir.path().join("app.log.1")).unwrap();
    std::fs::File::create(&file).unwrap();
    append(&lines(40, 70));
    wait_until(60, "the lines after the truncation are stored", || {
        engine.count(&prefix) == 70
    });
    // Stopped and started again, it resumes after the truncation, not before it.
    interrupt(shipper);
    append(&lines(70, 75));
    let _again = spawn(dir.path(), "ship-again", &ship);
    wait_until(60, "the lines written while stopped are stored", || {
        engine.count(&prefix) == 75
    });
    let stored = tally(
        engine
            .documents(&prefix)
            .iter()
            .map(|(_, d)| d["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str),
    );
    let written = tally(lines(0, 75).lines());
    assert_eq!(
        stored, written,
        "every line once, none lost to a reused offset"
    );
}
