//! Compose command lines (pure, so they are tested without Docker) and running them.

use super::PROJECT;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// How Compose is invoked here: the v2 plugin (`docker compose`) or v1 (`docker-compose`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compose {
    pub program: Vec<String>,
    pub file: PathBuf,
}

impl Compose {
    /// Finds Compose: the v2 plugin first, then `docker-compose`.
    pub fn find(file: &Path) -> Option<Compose> {
        let works = |program: &[&str]| {
            let (first, rest) = program.split_first()?;
            Command::new(first)
                .args(rest)
                .arg("version")
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|_| program.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        };
        let program = works(&["docker", "compose"]).or_else(|| works(&["docker-compose"]))?;
        Some(Compose {
            program,
            file: file.to_path_buf(),
        })
    }

    /// The full argument list for a Compose subcommand.
    pub fn args(&self, subcommand: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = self.program.iter().skip(1).cloned().collect();
        args.extend([
            "-p".into(),
            PROJECT.into(),
            "-f".into(),
            self.file.display().to_string(),
        ]);
        args.extend(subcommand.iter().map(|s| s.to_string()));
        args
    }

    pub fn up_args(&self, ingestors: u32) -> Vec<String> {
        self.args(&[
            "up",
            "-d",
            "--build",
            "--scale",
            &format!("ingestor={ingestors}"),
        ])
    }

    pub fn down_args(&self, volumes: bool) -> Vec<String> {
        if volumes {
            self.args(&["down", "--volumes"])
        } else {
            self.args(&["down"])
        }
    }

    /// Copies `from` out of `service`'s container to the host path `to`.
    pub fn copy_out_args(&self, service: &str, from: &str, to: &std::path::Path) -> Vec<String> {
        self.args(&[
            "cp",
            &format!("{service}:{from}"),
            &to.display().to_string(),
        ])
    }

    pub fn ps_args(&self) -> Vec<String> {
        self.args(&["ps", "--all", "--format", "json"])
    }

    pub fn logs_args(&self, service: &str, lines: u32) -> Vec<String> {
        self.args(&["logs", "--no-color", "--tail", &lines.to_string(), service])
    }

    /// Creates a topic inside the Kafka container (idempotent).
    pub fn create_topic_args(
        &self,
        topic: &str,
        partitions: u32,
        retention_ms: Option<u64>,
    ) -> Vec<String> {
        let mut args = self.args(&[
            "exec",
            "-T",
            "kafka",
            "/opt/kafka/bin/kafka-topics.sh",
            "--bootstrap-server",
            "kafka:19092",
            "--create",
            "--if-not-exists",
            "--topic",
            topic,
            "--partitions",
            &partitions.to_string(),
            "--replication-factor",
            "1",
        ]);
        if let Some(ms) = retention_ms {
            args.extend(["--config".into(), format!("retention.ms={ms}")]);
        }
        args
    }

    /// Runs Compose with `args` (from the builders above) and the stack's environment.
    pub fn run(&self, args: &[String], env: &[(String, String)]) -> std::io::Result<Output> {
        let mut command = Command::new(&self.program[0]);
        command.args(args);
        for (key, value) in env {
            command.env(key, value);
        }
        command.output()
    }
}

/// Whether a Docker engine answers (`docker info`); the error says why not.
pub fn engine_reachable() -> Result<(), String> {
    match Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output()
    {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(String::from_utf8_lossy(&out.stderr)
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("docker info failed")
            .trim()
            .to_string()),
        Err(e) => Err(format!("the docker command is not available ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v2() -> Compose {
        Compose {
            program: vec!["docker".into(), "compose".into()],
            file: PathBuf::from("/state/stack/compose.yaml"),
        }
    }

    #[test]
    fn command_lines() {
        assert_eq!(
            v2().up_args(3).join(" "),
            "compose -p logagg -f /state/stack/compose.yaml up -d --build --scale ingestor=3"
        );
        assert_eq!(
            v2().down_args(true).join(" "),
            "compose -p logagg -f /state/stack/compose.yaml down --volumes"
        );
        let v1 = Compose {
            program: vec!["docker-compose".into()],
            ..v2()
        };
        assert_eq!(
            v1.ps_args().join(" "),
            "-p logagg -f /state/stack/compose.yaml ps --all --format json"
        );
        let topic = v2()
            .create_topic_args("logs", 6, Some(604_800_000))
            .join(" ");
        assert!(topic.ends_with("--topic logs --partitions 6 --replication-factor 1 --config retention.ms=604800000"), "{topic}");
    }
}
