//! `logagg serve` end to end: the HTTP API answers what `logagg query` prints, refuses bad
//! requests clearly, sees each new commit, and stops on Ctrl-C.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{error_of, logagg};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const START: &str = "2026-11-24T00:00:00Z";

fn simulate_store(dir: &Path, seed: u64, count: u64) {
    logagg(dir)
        .args(["simulate", "--to", "embedded", "--seed", &seed.to_string()])
        .args(["--start", START, "--count", &count.to_string()])
        .assert()
        .success();
}

/// A running `logagg serve` on a free port, stopped when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(dir: &Path) -> Server {
        Server::start_with(dir, &[])
    }

    fn start_with(dir: &Path, flags: &[&str]) -> Server {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("logagg"))
            .arg("--data-dir")
            .arg(dir)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(flags)
            .env_remove("LOGAGG_CONFIG")
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let addr = first
            .split("://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        Server { child, addr }
    }

    /// The status and body of `GET path`.
    fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path)
    }

    fn request(&self, method: &str, path: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        write!(stream, "{method} {path} HTTP/1.0\r\nHost: test\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, body.to_string())
    }

    fn ok(&self, path: &str) -> String {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        body
    }

    /// Asks it to stop as Ctrl-C would, and returns its exit status.
    fn interrupt(mut self) -> std::process::ExitStatus {
        std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGINT");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn encoded(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// What `logagg query ARGS` prints (exit status 1, nothing matched, is an answer too).
/// `logagg fields ARGS -o json`, the `fields` keys only (the event's own attributes left out).
fn query_cli_fields(dir: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let out = logagg(dir)
        .arg("fields")
        .args(args)
        .args(["-o", "json"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["kind"] == "field")
        .map(|mut v| {
            v.as_object_mut().unwrap().remove("kind");
            v
        })
        .collect()
}

fn query_cli(dir: &Path, args: &[&str]) -> String {
    let out = logagg(dir).arg("query").args(args).output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {out:?}"
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_api_answers_what_query_prints() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 11, 3000);
    let server = Server::start(dir.path());
    for q in [
        "*",
        "service:auth AND level:>=warn",
        "\"connection refused\"",
        "latency_ms:[100 TO 500]",
        "-host:api-1 timeout",
        "message:/time(d)? ?out/",
    ] {
        let count = server.ok(&format!("/api/v1/count?{}", encoded(&[("q", q)])));
        let expected = query_cli(dir.path(), &[q, "--count"]);
        assert_eq!(count, format!("{{\"count\":{}}}\n", expected.trim()), "{q}");
        let events = server.ok(&format!(
            "/api/v1/query?{}",
            encoded(&[("q", q), ("limit", "7")])
        ));
        assert_eq!(
            events,
            query_cli(dir.path(), &[q, "--limit", "7", "-o", "json"]),
            "{q}"
        );
        let histogram = server.ok(&format!(
            "/api/v1/histogram?{}",
            encoded(&[("q", q), ("width", "250ms")])
        ));
        assert_eq!(
            histogram,
            query_cli(dir.path(), &[q, "--histogram", "250ms", "-o", "json"]),
            "{q}"
        );
        let total: u64 = histogram
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["count"]
                    .as_u64()
                    .unwrap()
            })
            .sum();
        assert_eq!(total.to_string(), expected.trim(), "{q}");
    }
    // The events around matches, as `query -B/-A -o json` prints them.
    for (q, before, after) in [
        ("level:error", "2", "3"),
        ("level:warn AND service:payments", "0", "1"),
    ] {
        let served = server.ok(&format!(
            "/api/v1/context?{}",
            encoded(&[
                ("q", q),
                ("before", before),
                ("after", after),
                ("limit", "5")
            ])
        ));
        let printed = query_cli(
            dir.path(),
            &[q, "-B", before, "-A", after, "--limit", "5", "-o", "json"],
        );
        assert_eq!(served, printed, "{q}");
        assert!(served.contains("\"context\":\"after\""), "{served}");
    }
    let (status, body) = server.get("/api/v1/context?q=x");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("before=N or after=N"), "{body}");
    // The keys of the events, as `fields` lists them (its own attributes aside).
    let keys = server.ok("/api/v1/fields?q=level:%3E%3Dinfo");
    let listed: Vec<serde_json::Value> = query_cli_fields(dir.path(), &["level:>=info"]);
    let served: Vec<serde_json::Value> = keys
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(served.len() > 5, "{keys}");
    assert_eq!(served, listed);
    for by in ["service", "level", "status"] {
        let groups = server.ok(&format!("/api/v1/count_by?by={by}&limit=0"));
        let expected = query_cli(
            dir.path(),
            &["*", "--count-by", by, "--limit", "0", "-o", "json"],
        );
        assert_eq!(groups, expected, "{by}");
        assert!(!groups.is_empty());
    }
    let window = [
        ("since", "2026-11-24T00:00:01Z"),
        ("until", "2026-11-24T00:00:02Z"),
    ];
    let oldest = server.ok(&format!(
        "/api/v1/query?{}&order=oldest&limit=0",
        encoded(&window)
    ));
    let expected = query_cli(
        dir.path(),
        &[
            "*",
            "--since",
            window[0].1,
            "--until",
            window[1].1,
            "--asc",
            "--limit",
            "0",
            "-o",
            "json",
        ],
    );
    assert_eq!(oldest, expected);
    assert!(oldest.lines().count() > 1);
    assert_eq!(server.ok("/health"), "ok\n");
    assert!(server.interrupt().success());
}

#[test]
fn bad_requests_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 12, 200);
    let server = Server::start(dir.path());
    let refused = |path: &str, status: u16, says: &str| {
        let (got, body) = server.get(path);
        assert_eq!(got, status, "{path}: {body}");
        let error: serde_json::Value = serde_json::from_str(&body).unwrap();
        let text = error["error"].as_str().unwrap();
        assert!(text.contains(says), "{path}: {text}");
    };
    for (path, status, says) in [
        ("/api/v1/count?q=service%3A%28auth", 400, "column 9"),
        ("/api/v1/count?lmit=3", 400, "unknown parameter 'lmit'"),
        (
            &format!(
                "/api/v1/count?q={}x{}",
                "%28".repeat(3_000),
                "%29".repeat(3_000)
            ),
            400,
            "nested more than",
        ),
        (
            "/api/v1/query?limit=many",
            400,
            "limit 'many' is not a number",
        ),
        ("/api/v1/query?order=sideways", 400, "order 'sideways'"),
        (
            "/api/v1/query?since=yesterdayish",
            400,
            "since 'yesterdayish' is not a time",
        ),
        ("/api/v1/count_by", 400, "by=FIELD"),
        ("/api/v1/count_by?by=message", 400, "whole messages"),
        ("/api/v1/count?q=a&q=b", 400, "given twice"),
        (
            "/api/v1/count?order=oldest",
            400,
            "'order' does not apply to /api/v1/count",
        ),
        (
            "/health?q=x",
            400,
            "'q' does not apply to /health; it takes none",
        ),
        ("/api/v2/count", 404, "/api/v1/count"),
    ] {
        refused(path, status, says);
    }
    // The API names its own parameters, not the command's flags.
    let (_, body) = server.get("/api/v1/count?until=later");
    assert!(body.contains("\"until 'later' is not a time"), "{body}");
    let (status, body) = server.request("POST", "/api/v1/count");
    assert_eq!(status, 405, "{body}");
    // Still answering after all that.
    assert_eq!(server.ok("/api/v1/count"), "{\"count\":200}\n");
}

#[test]
fn an_answer_larger_than_max_events_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 16, 200);
    let server = Server::start_with(dir.path(), &["--max-events", "50"]);
    let (status, body) = server.get("/api/v1/query?limit=51");
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains("limit 51 is more than") && body.contains("time range"),
        "{body}"
    );
    let (status, body) = server.get("/api/v1/query?limit=0");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("200 events match"), "{body}");
    // All that match, when they fit; and the most it answers.
    let few = "level:>=error";
    let expected: usize = query_cli(dir.path(), &[few, "--count"])
        .trim()
        .parse()
        .unwrap();
    assert!(expected <= 50, "{expected}");
    let all = server.ok(&format!("/api/v1/query?{}&limit=0", encoded(&[("q", few)])));
    assert_eq!(all.lines().count(), expected);
    assert_eq!(server.ok("/api/v1/query?limit=50").lines().count(), 50);
}

#[test]
fn each_request_sees_the_last_commit() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 13, 500);
    let server = Server::start(dir.path());
    assert_eq!(server.ok("/api/v1/count"), "{\"count\":500}\n");
    // A writer beside the server: its commit is seen by the next request.
    simulate_store(dir.path(), 14, 700);
    assert_eq!(server.ok("/api/v1/count"), "{\"count\":1200}\n");
    let by_level: u64 = server
        .ok("/api/v1/count_by?by=level")
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["count"]
                .as_u64()
                .unwrap()
        })
        .sum();
    assert_eq!(by_level, 1200);
}

#[test]
fn a_missing_store_or_a_taken_port_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |data_dir: &Path, listen: &str| {
        error_of(logagg(data_dir).args(["serve", "--listen", listen]))
    };
    let said = refused(&dir.path().join("nothing-here"), "127.0.0.1:0");
    assert!(said.contains("nothing-here"), "{said}");
    simulate_store(dir.path(), 15, 10);
    let server = Server::start(dir.path());
    let said = refused(dir.path(), &server.addr);
    assert!(
        said.contains("cannot listen on") && said.contains("--listen"),
        "{said}"
    );
    let said = refused(dir.path(), "localhost");
    assert!(
        said.contains("--listen 'localhost' is not an address"),
        "{said}"
    );
}

/// A query that reads every message with 2,000 regexes: seconds per few blocks.
fn costly_query() -> String {
    let q = (0..2000)
        .map(|i| format!("message:/x{i}q/"))
        .collect::<Vec<_>>()
        .join(" OR ");
    format!("/api/v1/count?{}", encoded(&[("q", &q)]))
}

fn threads_of(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn one_request_cannot_take_the_server_down() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 16, 300_000);
    let server = Server::start_with(dir.path(), &["--threads", "1", "--timeout", "2s"]);
    // Past its time: stopped and answered 503, saying which limit.
    let started = Instant::now();
    let (status, body) = server.get(&costly_query());
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("--timeout"), "{body}");
    assert!(started.elapsed() < Duration::from_secs(30));
    // A client that leaves: its query stops (no timeout would stop it here), and the one
    // worker answers the next request.
    let patient = Server::start_with(dir.path(), &["--threads", "1", "--timeout", "1h"]);
    for _ in 0..3 {
        let mut gone = TcpStream::connect(&patient.addr).unwrap();
        write!(
            gone,
            "GET {} HTTP/1.0\r\nHost: test\r\n\r\n",
            costly_query()
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(300));
        drop(gone);
    }
    let mut next = TcpStream::connect(&patient.addr).unwrap();
    next.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        next,
        "GET /api/v1/count?q=level:error HTTP/1.0\r\nHost: test\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    next.read_to_string(&mut answer)
        .expect("the worker is still busy with queries whose clients left");
    assert!(answer.starts_with("HTTP/1.0 200"), "{answer}");
    drop(patient);
    // Bytes that are not UTF-8 once decoded are refused, not replaced.
    let (status, body) = server.get("/api/v1/count?q=%FF%FE");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("not UTF-8"), "{body}");
    // Many connections that never send a request hold no thread each, and health answers.
    let idle: Vec<TcpStream> = (0..600)
        .map(|_| TcpStream::connect(&server.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        threads_of(server.child.id()) < 40,
        "{} threads",
        threads_of(server.child.id())
    );
    let (status, _) = server.get("/health");
    assert!(status == 200 || status == 503, "{status}");
    drop(idle);
    // SIGTERM stops it while a query runs.
    let mut busy = TcpStream::connect(&server.addr).unwrap();
    write!(
        busy,
        "GET {} HTTP/1.0\r\nHost: test\r\n\r\n",
        costly_query()
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    let mut server = server;
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn connections_past_the_limit_are_refused_and_idle_ones_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 17, 100);
    let server = Server::start_with(dir.path(), &["--max-connections", "4"]);
    let held: Vec<TcpStream> = (0..4)
        .map(|_| TcpStream::connect(&server.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let (status, body) = server.get("/health");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("--max-connections"), "{body}");
    // A connection that sends nothing is closed after the idle time, freeing its place.
    let mut first = held.into_iter().next().unwrap();
    first
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut rest = Vec::new();
    let read = first.read_to_end(&mut rest);
    assert!(read.is_ok(), "{read:?}");
    std::thread::sleep(Duration::from_millis(300));
    let (status, _) = server.get("/health");
    assert_eq!(status, 200);
}

#[test]
fn an_answer_that_left_out_damage_says_so() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 18, 3000);
    let part = std::fs::read_dir(dir.path().join("parts"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut bytes = std::fs::read(&part).unwrap();
    bytes[100] ^= 0x10;
    std::fs::write(&part, &bytes).unwrap();
    let server = Server::start(dir.path());
    let (status, body) = server.get("/api/v1/count");
    assert_eq!(status, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(answer["count"].as_u64().unwrap() < 3000, "{body}");
    assert_eq!(answer["partial"], true, "{body}");
    assert!(
        answer["warnings"][0].as_str().unwrap().contains("left out"),
        "{body}"
    );
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    write!(
        stream,
        "GET /api/v1/query?limit=5 HTTP/1.0\r\nHost: test\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let head = response
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .to_ascii_lowercase();
    assert!(head.contains("\r\nwarning: 199 logagg"), "{head}");
}

/// A certificate for 127.0.0.1 signed by a CA of its own: (ca, cert, key).
fn test_certificate(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    common::certs::make(dir);
    (
        dir.join("ca.pem"),
        dir.join("server.crt"),
        dir.join("server.key"),
    )
}

#[test]
fn a_token_guards_every_answer_but_health() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 3, 500);
    let token = dir.path().join("token");
    std::fs::write(&token, "7d1c0a55e2b94f0c8a1b2c3d4e5f6071\n").unwrap();
    let server = Server::start_with(dir.path(), &["--token-file", token.to_str().unwrap()]);
    let (status, body) = server.get("/api/v1/count");
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("Authorization: Bearer"), "{body}");
    assert_eq!(server.get("/health").0, 200);
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    write!(
        stream,
        "GET /api/v1/count HTTP/1.0\r\nAuthorization: Bearer 7d1c0a55e2b94f0c8a1b2c3d4e5f6071\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.0 200"), "{response}");
    assert!(response.contains("\"count\":500"), "{response}");
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    write!(
        stream,
        "GET /api/v1/count HTTP/1.0\r\nAuthorization: Bearer wrong\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.0 401"), "{response}");
}

#[test]
fn other_hosts_are_served_only_with_a_token_or_when_told() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 3, 10);
    let said = error_of(logagg(dir.path()).args(["serve", "--listen", "0.0.0.0:0"]));
    assert!(
        said.contains("--token-file") && said.contains("--no-auth"),
        "{said}"
    );
    let short = dir.path().join("short");
    std::fs::write(&short, "abc").unwrap();
    let said = error_of(logagg(dir.path()).args([
        "serve",
        "--listen",
        "0.0.0.0:0",
        "--token-file",
        short.to_str().unwrap(),
    ]));
    assert!(said.contains("at least 16"), "{said}");
}

#[test]
fn https_with_a_certificate_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 3, 200);
    let (ca, cert, key) = test_certificate(dir.path());
    let server = Server::start_with(
        dir.path(),
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = format!("https://{}/api/v1/count", server.addr);
    let trusting = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&std::fs::read(&ca).unwrap()).unwrap())
        .build()
        .unwrap();
    let body = runtime.block_on(async {
        trusting
            .get(&url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    });
    assert!(body.contains("\"count\":200"), "{body}");
    let untrusting = reqwest::Client::builder().build().unwrap();
    let refused = runtime.block_on(async { untrusting.get(&url).send().await });
    assert!(
        refused.is_err(),
        "a client that does not trust the CA is refused"
    );
    // Plain HTTP to the TLS port gets no answer it could mistake for one.
    let (_, plain) = {
        let mut stream = TcpStream::connect(&server.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
        write!(stream, "GET /api/v1/count HTTP/1.0\r\n\r\n").unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        ((), String::from_utf8_lossy(&response).into_owned())
    };
    assert!(!plain.contains("count"), "{plain}");
}

#[test]
fn a_query_on_a_field_no_event_has_is_warned_about_in_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    simulate_store(dir.path(), 3, 50);
    let server = Server::start(dir.path());
    let body = server.ok("/api/v1/count?q=servce:auth");
    let answer: serde_json::Value = serde_json::from_str(body.trim()).unwrap();
    assert_eq!(answer["count"], 0);
    assert!(
        answer["warnings"][0]
            .as_str()
            .is_some_and(|w| w.contains("no stored event has a field 'servce'")),
        "{body}"
    );
    assert!(answer.get("partial").is_none(), "{body}");
    // JSON lines carry it in a Warning header.
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    write!(stream, "GET /api/v1/count_by?by=nosuch HTTP/1.0\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(
        response
            .to_ascii_lowercase()
            .contains("warning: 199 logagg")
            && response.contains("'nosuch'"),
        "{response}"
    );
}
