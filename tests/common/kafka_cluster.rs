//! Three real Apache Kafka nodes in one KRaft cluster (each broker and controller, on free
//! loopback ports), with topics replicated three times and `min.insync.replicas=2`: enough
//! to kill or restart one node while the others carry on.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use super::engine::{free_port, listening, start_script, EngineProcess};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

pub struct Node {
    pub id: u32,
    pub address: String,
    controller: String,
    data: PathBuf,
    process: Mutex<Option<EngineProcess>>,
}

pub struct Cluster {
    pub nodes: Vec<Node>,
    voters: String,
    _dir: tempfile::TempDir,
}

/// The test binary's one cluster, and the turn to use it: tests that kill nodes must not
/// run at the same time, so each holds the guard for its whole run.
pub fn shared() -> (&'static Cluster, MutexGuard<'static, ()>) {
    static SHARED: OnceLock<Cluster> = OnceLock::new();
    static TURN: Mutex<()> = Mutex::new(());
    // A test that failed while holding the turn left the cluster usable.
    let turn = TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let cluster = SHARED.get_or_init(Cluster::start);
    cluster.heal();
    (cluster, turn)
}

impl Cluster {
    pub fn start() -> Cluster {
        let dir = tempfile::Builder::new()
            .prefix("logagg-kafka-cluster-")
            .tempdir()
            .unwrap();
        let nodes: Vec<Node> = (1..=3)
            .map(|id| {
                let data = dir.path().join(format!("node-{id}"));
                std::fs::create_dir_all(&data).unwrap();
                Node {
                    id,
                    address: format!("127.0.0.1:{}", free_port()),
                    controller: format!("127.0.0.1:{}", free_port()),
                    data,
                    process: Mutex::new(None),
                }
            })
            .collect();
        let voters = nodes
            .iter()
            .map(|n| format!("{}@{}", n.id, n.controller))
            .collect::<Vec<_>>()
            .join(",");
        let cluster = Cluster {
            nodes,
            voters,
            _dir: dir,
        };
        for node in &cluster.nodes {
            cluster.spawn(node);
        }
        for node in &cluster.nodes {
            cluster.wait_serving(node);
        }
        cluster
    }

    /// Every node's address, for `--brokers`.
    pub fn bootstrap(&self) -> String {
        self.nodes
            .iter()
            .map(|n| n.address.clone())
            .collect::<Vec<_>>()
            .join(",")
    }

    fn spawn(&self, node: &Node) {
        let port = |address: &str| address.rsplit(':').next().unwrap().to_string();
        let args = [
            node.data.display().to_string(),
            port(&node.address),
            port(&node.controller),
            node.id.to_string(),
            self.voters.clone(),
        ];
        let process = EngineProcess::spawn(
            &format!("Kafka node {}", node.id),
            &node.data,
            &node.data.join("broker.log"),
            &start_script("kafka"),
            &args,
        );
        *node.process.lock().unwrap() = Some(process);
    }

    /// Waits until `node` serves metadata naming all three brokers.
    fn wait_serving(&self, node: &Node) {
        let address = node.address.clone();
        let mut guard = node.process.lock().unwrap();
        let process = guard.as_mut().unwrap();
        process.wait_ready(180, || listening(&address) && brokers_seen(&address) == 3);
    }

    /// A crash of one node (SIGKILL).
    pub fn crash(&self, node: usize) {
        if let Some(mut p) = self.nodes[node].process.lock().unwrap().take() {
            p.kill();
        }
    }

    /// Starts a node again on its ports and data, and waits until the cluster is whole.
    pub fn restart(&self, node: usize) {
        self.spawn(&self.nodes[node]);
        self.wait_serving(&self.nodes[node]);
    }

    /// Starts again every node a test left down (one that failed between a crash and its
    /// restart).
    pub fn heal(&self) {
        for (index, node) in self.nodes.iter().enumerate() {
            let down = node.process.lock().unwrap().is_none();
            if down {
                self.restart(index);
            }
        }
    }

    /// Creates a topic replicated on every node.
    pub fn create_topic(&self, topic: &str, partitions: i32) {
        super::kafka::create_topic_on(&self.bootstrap(), topic, partitions, 3);
    }
}

fn brokers_seen(address: &str) -> usize {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let consumer: Result<BaseConsumer, _> = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", address)
        .create();
    consumer
        .ok()
        .and_then(|c| c.fetch_metadata(None, Duration::from_secs(2)).ok())
        .map_or(0, |m| m.brokers().len())
}
