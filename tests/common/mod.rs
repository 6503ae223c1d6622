//! Helpers shared by the end-to-end test binaries.
#![allow(dead_code, clippy::unwrap_used)]

pub mod certs;
pub mod engine;
pub mod kafka;
pub mod kafka_cluster;
pub mod kafka_secure;
pub mod mock_es;
pub mod query_strategies;
pub mod search_engine;
pub mod tls_proxy;

use assert_cmd::Command;
use std::path::Path;

/// `logagg --data-dir DIR`, isolated from the user's config and environment.
pub fn logagg(data_dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("logagg").unwrap();
    cmd.arg("--data-dir")
        .arg(data_dir)
        .env_remove("LOGAGG_CONFIG")
        .env_remove("LOGAGG_PROFILE")
        .env_remove("LOGAGG_BROKERS")
        .env_remove("LOGAGG_KAFKA_PASSWORD")
        .env_remove("LOGAGG_KAFKA_USER")
        .env_remove("LOGAGG_KAFKA_SASL")
        .env_remove("LOGAGG_KAFKA_CA")
        .env_remove("LOGAGG_ES_URL")
        .env_remove("LOGAGG_ES_USER")
        .env_remove("LOGAGG_ES_PASSWORD")
        .env_remove("LOGAGG_ES_API_KEY")
        .env("XDG_CONFIG_HOME", data_dir.join("config"))
        .env("XDG_STATE_HOME", data_dir.join("state"))
        .env_remove("LOGAGG_HISTORY")
        .env("NO_COLOR", "1");
    cmd
}

/// Runs a command that must succeed and returns its standard output.
pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a command that must fail with status 2 (an error) and returns its standard error.
pub fn error_of(cmd: &mut Command) -> String {
    let out = cmd.assert().code(2).get_output().stderr.clone();
    String::from_utf8(out).unwrap()
}
