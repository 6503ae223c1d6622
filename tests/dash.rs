//! The dashboard as a person sees it: `logagg demo` in a real terminal (tmux), driven by
//! keys, read back with capture-pane. `./scripts/test` installs tmux when it is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::kafka::wait_until;
use std::process::Command;

struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux is missing: ./scripts/test installs it");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "demo"])
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "demo"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    fn wait_for(&self, text: &str) {
        wait_until(30, &format!("the screen shows {text:?}"), || {
            self.screen().contains(text)
        });
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

#[test]
fn demo_in_a_terminal_takes_keys_and_restores_the_terminal_on_quit() {
    let dir = tempfile::tempdir().unwrap();
    let tmux = Tmux {
        socket: format!("logagg-test-{}", std::process::id()),
    };
    let binary = assert_cmd::cargo::cargo_bin("logagg");
    let command = format!(
        "NO_COLOR=1 XDG_CONFIG_HOME={dir}/config {bin} --data-dir {dir}/store demo --rate 300 --seed 5; echo DEMO-EXITED-$?; sleep 60",
        bin = binary.display(),
        dir = dir.path().display()
    );
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "demo",
        "-x",
        "120",
        "-y",
        "40",
        &command,
    ]);
    tmux.wait_for("FOLLOW");
    tmux.wait_for("top services");
    tmux.wait_for("api-gateway");

    tmux.keys(&["/"]);
    tmux.wait_for("filter /");
    tmux.keys(&["service:(auth"]);
    tmux.wait_for("missing closing ')'");
    tmux.keys(&[" OR payments)", "Enter"]);
    tmux.wait_for("stream: service:(auth OR payments)");
    let screen = tmux.screen();
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains(" INFO ") || l.contains(" DEBUG ") || l.contains(" WARN "))
        .collect();
    assert!(!rows.is_empty(), "{screen}");
    assert!(
        rows.iter()
            .all(|l| l.contains("auth") || l.contains("payments")),
        "{screen}"
    );

    tmux.keys(&["Space"]);
    tmux.wait_for("PAUSED");
    tmux.keys(&["?"]);
    tmux.wait_for("keys (any key closes)");
    tmux.keys(&["x"]);
    wait_until(30, "help closes", || {
        !tmux.screen().contains("keys (any key closes)")
    });
    tmux.keys(&["Enter"]);
    tmux.wait_for("\"@timestamp\"");
    tmux.keys(&["Escape"]);

    tmux.keys(&["q"]);
    tmux.wait_for("DEMO-EXITED-0");
    let after = tmux.screen();
    assert!(
        !after.contains("top services") && !after.contains("FOLLOW"),
        "the terminal was not restored:\n{after}"
    );
    assert!(after.contains("the demo's events stay in"), "{after}");
}
