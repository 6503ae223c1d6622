//! A real Apache Kafka broker for tests (KRaft, broker and controller in one JVM, on free
//! loopback ports; see `engine.rs`) and pipeline helpers around it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub use super::engine::free_port;
use super::engine::{listening, start_script, EngineProcess};
use super::{logagg, stdout_of};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const START: &str = "2026-11-24T00:00:00Z";

/// A Kafka broker. `start` gives a test its own (stopped when dropped); `shared` one per
/// test binary, for tests that only need topics of their own.
pub struct Broker {
    pub address: String,
    controller: String,
    data: PathBuf,
    process: Mutex<Option<EngineProcess>>,
    _dir: Option<tempfile::TempDir>,
}

impl Broker {
    pub fn start() -> Broker {
        let dir = tempfile::Builder::new()
            .prefix("logagg-kafka-")
            .tempdir()
            .unwrap();
        let data = dir.path().to_path_buf();
        let mut broker = Broker::configure(data);
        broker._dir = Some(dir);
        broker.run();
        broker
    }

    /// One broker for the whole test binary; its watchdog stops it when the binary exits.
    pub fn shared() -> &'static Broker {
        static SHARED: OnceLock<Broker> = OnceLock::new();
        SHARED.get_or_init(|| {
            let data =
                std::env::temp_dir().join(format!("logagg-kafka-shared-{}", std::process::id()));
            // A directory left by an earlier process with this pid holds other topics.
            let _ = std::fs::remove_dir_all(&data);
            let broker = Broker::configure(data);
            broker.run();
            broker
        })
    }

    fn configure(data: PathBuf) -> Broker {
        std::fs::create_dir_all(&data).unwrap();
        Broker {
            address: format!("127.0.0.1:{}", free_port()),
            controller: format!("127.0.0.1:{}", free_port()),
            data,
            process: Mutex::new(None),
            _dir: None,
        }
    }

    /// Starts the broker on its ports and data directory and waits until it serves.
    fn run(&self) {
        let port = |address: &str| address.rsplit(':').next().unwrap().to_string();
        let args = [
            self.data.display().to_string(),
            port(&self.address),
            port(&self.controller),
        ];
        let mut process = EngineProcess::spawn(
            "Kafka",
            &self.data,
            &self.data.join("broker.log"),
            &start_script("kafka"),
            &args,
        );
        let address = self.address.clone();
        process.wait_ready(120, || listening(&address) && metadata_ready(&address));
        *self.process.lock().unwrap() = Some(process);
    }

    /// A clean shutdown (SIGTERM), as an operator's restart does.
    pub fn stop(&self) {
        if let Some(mut p) = self.process.lock().unwrap().take() {
            p.stop();
        }
    }

    /// A crash: SIGKILL.
    pub fn crash(&self) {
        if let Some(mut p) = self.process.lock().unwrap().take() {
            p.kill();
        }
    }

    /// Starts again on the same ports and data directory (topics and offsets survive).
    pub fn restart(&self) {
        self.run();
    }

    /// Pauses and resumes the JVM (SIGSTOP / SIGCONT): a broker that hangs.
    pub fn freeze(&self, frozen: bool) {
        if let Some(p) = self.process.lock().unwrap().as_ref() {
            p.signal_group(if frozen { libc::SIGSTOP } else { libc::SIGCONT });
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.crash();
    }
}

/// Creates a topic (the test brokers keep Kafka's auto-creation, which logagg never relies on).
pub fn create_topic(broker: &Broker, topic: &str, partitions: i32) {
    create_topic_on(&broker.address, topic, partitions, 1);
}

/// Creates a topic on the cluster reached at `bootstrap`, each partition on `replicas` nodes.
pub fn create_topic_on(bootstrap: &str, topic: &str, partitions: i32, replicas: i32) {
    use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
    use rdkafka::client::DefaultClientContext;
    let admin: AdminClient<DefaultClientContext> = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let results = runtime
        .block_on(admin.create_topics(
            &[NewTopic::new(
                topic,
                partitions,
                TopicReplication::Fixed(replicas),
            )],
            &AdminOptions::new(),
        ))
        .unwrap();
    for result in results {
        result.unwrap();
    }
}

/// The sum of a topic's partitions' end offsets (0 while it does not exist).
pub fn topic_end(broker: &Broker, topic: &str) -> i64 {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let consumer: BaseConsumer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", &broker.address)
        .create()
        .unwrap();
    let Ok(metadata) = consumer.fetch_metadata(Some(topic), Duration::from_secs(5)) else {
        return 0;
    };
    let partitions: Vec<i32> = metadata
        .topics()
        .iter()
        .flat_map(|t| t.partitions().iter().map(|p| p.id()))
        .collect();
    partitions
        .iter()
        .filter_map(|&p| {
            consumer
                .fetch_watermarks(topic, p, Duration::from_secs(5))
                .ok()
        })
        .map(|(_, high)| high)
        .sum()
}

/// Whether the broker answers metadata requests (it listens a little before it does).
fn metadata_ready(address: &str) -> bool {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let consumer: Result<BaseConsumer, _> = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", address)
        .create();
    match consumer {
        Ok(c) => c
            .fetch_metadata(None, Duration::from_secs(2))
            .map(|m| !m.brokers().is_empty())
            .unwrap_or(false),
        Err(_) => false,
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

/// `ingest` of `topic` into the store in the background (output under the name "ingest"),
/// committing every 100 ms, with `extra` flags.
pub fn spawn_ingest(dir: &Path, broker: &Broker, topic: &str, extra: &[&str]) -> Reaped {
    let mut args = vec!["ingest", "--brokers", &broker.address, "--topic", topic];
    args.extend(["--commit-interval", "100ms"]);
    args.extend(extra);
    spawn(dir, "ingest", &args)
}

/// A paced `simulate --to kafka` of COUNT events of SEED in the background (output under
/// the name "simulate"); its events are dated from its first send.
pub fn spawn_paced_simulation(
    dir: &Path,
    broker: &Broker,
    topic: &str,
    seed: &str,
    count: &str,
    rate: &str,
) -> Reaped {
    let args = [
        "simulate",
        "--to",
        "kafka",
        "--brokers",
        &broker.address,
        "--topic",
        topic,
        "--create-topic",
        "--partitions",
        "3",
        "--seed",
        seed,
        "--count",
        count,
        "--rate",
        rate,
    ];
    spawn(dir, "simulate", &args)
}

/// `ingest` of `topic` in the background, serving metrics; returns it and the address.
pub fn ingest_with_metrics(dir: &Path, broker: &Broker, topic: &str) -> (Reaped, String) {
    let addr = format!("127.0.0.1:{}", free_port());
    let child = spawn_ingest(dir, broker, topic, &["--metrics-addr", &addr]);
    (child, addr)
}
