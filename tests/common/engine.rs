//! Real engines for tests (Apache Kafka, OpenSearch) as plain JVM processes on free
//! 127.0.0.1 ports, each with its own data directory. `./scripts/test` resolves their jars
//! from Maven Central (`testing/engines/resolve`); a test that finds them missing fails and
//! says how to get them.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where the engines' Maven projects live.
pub fn engines_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testing/engines")
}

/// The start script of an engine (`testing/engines/ENGINE/start`), after checking that
/// `testing/engines/resolve` has fetched it.
pub fn start_script(engine: &str) -> PathBuf {
    let dir = engines_dir().join(engine);
    let resolved = dir.join("target/classpath.txt");
    assert!(
        resolved.exists(),
        "the {engine} test engine is not resolved ({} is missing): run ./scripts/test, \
         or testing/engines/resolve, which fetch it from Maven Central",
        resolved.display()
    );
    dir.join("start")
}

pub fn free_port() -> u16 {
    // The kernel may hand a port just released out again: one asked for twice in a row
    // (a broker's listener and its controller) must not be the same, so a port is never
    // given twice in one test process.
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

/// One engine process (with its watchdog, `testing/engines/run-engine`) in a process group
/// of its own, so that a stop or a crash reaches the JVM and nothing else.
pub struct EngineProcess {
    child: Child,
    pub name: String,
    pub log: PathBuf,
}

impl EngineProcess {
    /// Starts an engine's start script with `args`; its data lives in `data`, its output
    /// goes to `log`.
    pub fn spawn(
        name: &str,
        data: &Path,
        log: &Path,
        script: &Path,
        args: &[String],
    ) -> EngineProcess {
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        let child = Command::new(engines_dir().join("run-engine"))
            .arg(std::process::id().to_string())
            .arg(data)
            .arg(script)
            .args(args)
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the {name} test engine: {e}"));
        EngineProcess {
            child,
            name: name.to_string(),
            log: log.to_path_buf(),
        }
    }

    /// Waits until `ready` holds, failing with the engine's log after `secs` seconds.
    pub fn wait_ready(&mut self, secs: u64, mut ready: impl FnMut() -> bool) -> Duration {
        let started = Instant::now();
        while !ready() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "the {} test engine exited ({status}) before it was ready:\n{}",
                    self.name,
                    self.log_tail()
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(secs),
                "the {} test engine was not ready after {secs} s:\n{}",
                self.name,
                self.log_tail()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        started.elapsed()
    }

    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// A clean shutdown (SIGTERM), waited for.
    pub fn stop(&mut self) {
        self.signal_group(libc::SIGTERM);
        let _ = self.child.wait();
    }

    /// A crash (SIGKILL of the whole group), waited for.
    pub fn kill(&mut self) {
        self.signal_group(libc::SIGKILL);
        let _ = self.child.wait();
    }

    /// Signals the engine's process group. (Not through procps' `kill` command: version
    /// 4.0.2 misreads `kill -KILL -PGID` and can signal every process.)
    pub fn signal_group(&self, signal: libc::c_int) {
        let group = self.child.id() as libc::pid_t;
        if group > 1 {
            // SAFETY: kill(2) with a negative pid only signals that process group.
            unsafe {
                libc::kill(-group, signal);
            }
        }
    }
}

impl Drop for EngineProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.kill();
        }
    }
}

/// Whether something accepts connections on `address`.
pub fn listening(address: &str) -> bool {
    TcpStream::connect(address).is_ok()
}
