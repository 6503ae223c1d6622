//! A real Kafka broker secured as operators run one: a SASL_SSL listener (SCRAM-SHA-512,
//! certificates made at test time with openssl) beside PLAINTEXT, and ACLs on. One per
//! test binary.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use super::engine::{engines_dir, free_port, listening, start_script, EngineProcess};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// May do anything (a super user).
pub const ADMIN: (&str, &str) = ("shipper", "shipper-pw-7f3a");
/// Has no ACL at all.
pub const OUTSIDER: (&str, &str) = ("outsider", "outsider-pw-91c2");
/// May read and describe every topic, but may not use a consumer group.
pub const NO_GROUP: (&str, &str) = ("reader", "reader-pw-55de");
/// May read topic `revocable` with any group, until a test takes that away.
pub const REVOCABLE: (&str, &str) = ("revocable", "revocable-pw-4e21");

pub struct SecureBroker {
    /// The PLAINTEXT listener (anonymous, a super user): how a test sets things up.
    pub plain: String,
    /// The SASL_SSL listener.
    pub secure: String,
    /// The SSL listener that requires a client certificate (`client.pem`, `client.key`).
    pub mutual: String,
    /// `ca.pem` (signed the broker's certificate) and `other-ca.pem` (did not).
    pub tls: PathBuf,
    process: EngineProcess,
}

impl SecureBroker {
    pub fn shared() -> &'static SecureBroker {
        static SHARED: OnceLock<SecureBroker> = OnceLock::new();
        SHARED.get_or_init(SecureBroker::start)
    }

    fn start() -> SecureBroker {
        let data = std::env::temp_dir().join(format!("logagg-kafka-secure-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        let tls = data.join("tls");
        std::fs::create_dir_all(&tls).unwrap();
        super::certs::make(&tls);
        let (port, secure_port, controller) = (free_port(), free_port(), free_port());
        let mutual_port = free_port();
        let users = [ADMIN, OUTSIDER, NO_GROUP, REVOCABLE]
            .iter()
            .map(|(name, password)| format!("{name}:{password}"))
            .collect::<Vec<_>>()
            .join(" ");
        let args = vec![
            format!("KAFKA_TEST_SECURE_PORT={secure_port}"),
            format!("KAFKA_TEST_MTLS_PORT={mutual_port}"),
            format!("KAFKA_TEST_TLS_DIR={}", tls.display()),
            format!("KAFKA_TEST_SCRAM_USERS={users}"),
            format!("KAFKA_TEST_SUPER_USER={}", ADMIN.0),
            start_script("kafka").display().to_string(),
            data.display().to_string(),
            port.to_string(),
            controller.to_string(),
        ];
        let plain = format!("127.0.0.1:{port}");
        let secure = format!("127.0.0.1:{secure_port}");
        let mutual = format!("127.0.0.1:{mutual_port}");
        let mut process = EngineProcess::spawn(
            "secured Kafka",
            &data,
            &data.join("broker.log"),
            Path::new("/usr/bin/env"),
            &args,
        );
        process.wait_ready(120, || {
            listening(&plain) && listening(&secure) && listening(&mutual)
        });
        let broker = SecureBroker {
            plain,
            secure,
            mutual,
            tls,
            process,
        };
        broker.wait_for_metadata();
        broker.grant(&[
            "--allow-principal",
            &format!("User:{}", NO_GROUP.0),
            "--operation",
            "Read",
            "--operation",
            "Describe",
            "--topic",
            "*",
        ]);
        for (resource, name) in [("--topic", "revocable"), ("--group", "*")] {
            broker.grant(&[
                "--allow-principal",
                &format!("User:{}", REVOCABLE.0),
                "--operation",
                "Read",
                "--operation",
                "Describe",
                resource,
                name,
            ]);
        }
        broker
    }

    /// Takes `revocable`'s rights to its topic away.
    pub fn revoke_topic(&self) {
        self.acl(&[
            "--remove",
            "--force",
            "--allow-principal",
            &format!("User:{}", REVOCABLE.0),
            "--operation",
            "Read",
            "--operation",
            "Describe",
            "--topic",
            "revocable",
        ]);
    }

    fn wait_for_metadata(&self) {
        use rdkafka::consumer::{BaseConsumer, Consumer};
        let consumer: BaseConsumer = rdkafka::ClientConfig::new()
            .set("bootstrap.servers", &self.plain)
            .create()
            .unwrap();
        for _ in 0..120 {
            if consumer
                .fetch_metadata(None, std::time::Duration::from_secs(1))
                .is_ok_and(|m| !m.brokers().is_empty())
            {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
        panic!(
            "the secured broker never answered:\n{}",
            self.process.log_tail()
        );
    }

    /// Adds an ACL with Kafka's own tool, over the plain listener.
    fn grant(&self, acl: &[&str]) {
        let mut args = vec!["--add"];
        args.extend(acl);
        self.acl(&args);
    }

    fn acl(&self, args: &[&str]) {
        let classpath =
            std::fs::read_to_string(engines_dir().join("kafka/target/classpath.txt")).unwrap();
        let out = Command::new(java())
            .args(["-cp", classpath.trim(), "org.apache.kafka.tools.AclCommand"])
            .args(["--bootstrap-server", &self.plain])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cannot change an ACL: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `logagg` flags reaching the secured listener as `user`, trusting the right CA; the
    /// password goes in the environment, as an operator's secret would.
    pub fn flags(&self, user: (&str, &str)) -> (Vec<String>, (&'static str, String)) {
        let flags = vec![
            "--brokers".to_string(),
            self.secure.clone(),
            "--kafka-ca".to_string(),
            self.tls.join("ca.pem").display().to_string(),
            "--kafka-sasl".to_string(),
            "SCRAM-SHA-512".to_string(),
            "--kafka-user".to_string(),
            user.0.to_string(),
        ];
        (flags, ("LOGAGG_KAFKA_PASSWORD", user.1.to_string()))
    }
}

fn java() -> String {
    std::env::var("LOGAGG_TEST_JAVA").unwrap_or_else(|_| match std::env::var("JAVA_HOME") {
        Ok(home) => format!("{home}/bin/java"),
        Err(_) => "java".to_string(),
    })
}
