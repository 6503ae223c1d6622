//! A real Kafka-protocol broker for tests (tansu, started on a free loopback port;
//! `./scripts/test` installs it when missing) and pipeline helpers around it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use super::{logagg, stdout_of};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

pub const START: &str = "2026-11-24T00:00:00Z";

/// A broker for one test, stopped when dropped.
pub struct Broker {
    pub child: Child,
    pub address: String,
}

impl Broker {
    pub fn start() -> Broker {
        let binary = tansu_binary();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("tcp://127.0.0.1:{port}");
        let child = std::process::Command::new(&binary)
            .args([
                "broker",
                "--listener-url",
                &url,
                "--advertised-listener-url",
                &url,
                "--storage-engine",
                "memory://tansu/",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let address = format!("127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(&address).is_err() {
            assert!(
                Instant::now() < deadline,
                "tansu did not listen on {address}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Broker { child, address }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn tansu_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("LOGAGG_TANSU") {
        return PathBuf::from(path);
    }
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|p| p.join("bin").join("tansu"));
    match cargo_bin {
        Some(path) if path.exists() => path,
        _ => panic!(
            "tansu (the test broker) is not installed: run ./scripts/test, which installs it"
        ),
    }
}

pub fn produce(dir: &Path, broker: &Broker, topic: &str, seed: &str, count: &str) {
    simulate_to(dir, broker, topic, seed, START, count, "3");
}

/// `simulate --to kafka` of COUNT events of SEED from START into a topic created with
/// PARTITIONS if missing.
pub fn simulate_to(
    dir: &Path,
    broker: &Broker,
    topic: &str,
    seed: &str,
    start: &str,
    count: &str,
    partitions: &str,
) {
    logagg(dir)
        .args([
            "simulate",
            "--to",
            "kafka",
            "--brokers",
            &broker.address,
            "--topic",
            topic,
            "--create-topic",
            "--partitions",
            partitions,
        ])
        .args(["--seed", seed, "--start", start, "--count", count])
        .assert()
        .success();
}

/// The store holds exactly, byte for byte, what `simulate --seed SEED --count COUNT` prints.
pub fn assert_store_holds_simulation(dir: &Path, seed: &str, count: &str) {
    let stored =
        stdout_of(logagg(dir).args(["query", "*", "--limit", "0", "--asc", "--output", "json"]));
    let expected = stdout_of(logagg(dir).args([
        "simulate", "--to", "stdout", "--seed", seed, "--start", START, "--count", count,
    ]));
    assert_eq!(stored.lines().count().to_string(), count);
    assert!(
        stored == expected,
        "the store holds other events than the simulator produced"
    );
}

pub fn ingest(dir: &Path, broker: &Broker, topic: &str) {
    ingest_with(dir, broker, topic, &[]);
}

/// `ingest --exit-at-end` with extra flags; it must succeed.
pub fn ingest_with(
    dir: &Path,
    broker: &Broker,
    topic: &str,
    extra: &[&str],
) -> assert_cmd::assert::Assert {
    logagg(dir)
        .args([
            "ingest",
            "--brokers",
            &broker.address,
            "--topic",
            topic,
            "--exit-at-end",
            "--commit-interval",
            "200ms",
        ])
        .args(extra)
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
}

/// A child process that is killed if the test fails before it exits.
pub struct Reaped(pub Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn http_get(addr: &str, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = TcpStream::connect(addr).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut body = String::new();
    stream.read_to_string(&mut body).ok()?;
    Some(body)
}

/// `logagg --data-dir DIR ARGS...` in the background, stdout and stderr into files of DIR
/// named after `name` (read them with `output_of`).
pub fn spawn(dir: &Path, name: &str, args: &[&str]) -> Reaped {
    let out = std::fs::File::create(dir.join(format!("{name}.out"))).unwrap();
    let err = std::fs::File::create(dir.join(format!("{name}.err"))).unwrap();
    Reaped(
        std::process::Command::new(assert_cmd::cargo::cargo_bin("logagg"))
            .arg("--data-dir")
            .arg(dir)
            .args(args)
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("NO_COLOR", "1")
            .env_remove("LOGAGG_BROKERS")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap(),
    )
}

/// What a process started by `spawn` printed so far: (stdout, stderr).
pub fn output_of(dir: &Path, name: &str) -> (String, String) {
    let read = |ext: &str| {
        String::from_utf8_lossy(
            &std::fs::read(dir.join(format!("{name}.{ext}"))).unwrap_or_default(),
        )
        .into_owned()
    };
    (read("out"), read("err"))
}

/// Sends a signal (`INT`, `TERM`, `STOP`, `CONT`) to a process.
pub fn signal(pid: u32, name: &str) {
    let status = std::process::Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits until `done` holds, failing with `what` after `secs` seconds.
pub fn wait_until(secs: u64, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Stops a spawned command with SIGINT and asserts it exits successfully.
pub fn interrupt(mut child: Reaped) {
    signal(child.0.id(), "INT");
    let status = child.0.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

/// What `simulate --to stdout` prints for a seed (JSON lines).
pub fn simulation(dir: &Path, seed: &str, start: &str, count: &str) -> String {
    stdout_of(logagg(dir).args([
        "simulate", "--to", "stdout", "--seed", seed, "--start", start, "--count", count,
    ]))
}

/// Events in the store (0 while it does not exist yet).
pub fn stored_count(dir: &Path) -> u64 {
    let out = logagg(dir).args(["query", "--count"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0)
}

/// A free port on 127.0.0.1 (free when asked; good enough for a test's own servers).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `ingest` of `topic` in the background, serving metrics; returns it and the address.
pub fn ingest_with_metrics(dir: &Path, broker: &Broker, topic: &str) -> (Reaped, String) {
    let addr = format!("127.0.0.1:{}", free_port());
    let child = spawn(
        dir,
        "ingest",
        &[
            "ingest",
            "--brokers",
            &broker.address,
            "--topic",
            topic,
            "--metrics-addr",
            &addr,
            "--commit-interval",
            "100ms",
        ],
    );
    (child, addr)
}
