//! Shared by the `run_*` integration tests: a folder with a pipeline file, a
//! way to run the real `pipec` on it, and readers for what the run left.
#![allow(dead_code)]

use crate::common::Project;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A project whose runs write their folder to `run/` and their events to
/// `events.jsonl`.
pub(crate) struct Fixture {
    project: Project,
}

impl std::ops::Deref for Fixture {
    type Target = Project;
    fn deref(&self) -> &Project {
        &self.project
    }
}

impl Fixture {
    /// A fresh folder holding `main.pipe`.
    pub(crate) fn new(name: &str, pipe: &str) -> Self {
        Self {
            project: Project::new("run-tests", name, pipe),
        }
    }

    pub(crate) fn run_dir(&self) -> PathBuf {
        self.dir.join("run")
    }

    pub(crate) fn work(&self, rel: &str) -> PathBuf {
        self.run_dir().join("work").join(rel)
    }

    /// `pipec run main.pipe --run-dir run --events events.jsonl --view lines <extra>`.
    pub(crate) fn command(&self, extra: &[&str]) -> Command {
        let mut cmd = self.project.command(&[]);
        cmd.arg("run")
            .arg("main.pipe")
            .arg("--run-dir")
            .arg(self.run_dir())
            .arg("--events")
            .arg(self.dir.join("events.jsonl"))
            .args(["--grace-ms", "300"])
            .args(extra);
        if !extra.contains(&"--view") {
            cmd.args(["--view", "lines"]);
        }
        cmd
    }

    pub(crate) fn run(&self, extra: &[&str]) -> Output {
        self.command(extra).output().unwrap()
    }

    pub(crate) fn events(&self) -> Vec<Value> {
        read_lines(&self.dir.join("events.jsonl"))
    }

    pub(crate) fn summary(&self) -> Value {
        let text = std::fs::read_to_string(self.run_dir().join("summary.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// The report row of a task.
    pub(crate) fn task(&self, name: &str) -> Value {
        self.summary()["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["task"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no task {name} in the summary"))
    }

    pub(crate) fn status(&self, name: &str) -> String {
        self.task(name)["status"].as_str().unwrap().to_string()
    }

    pub(crate) fn message(&self, name: &str) -> String {
        self.task(name)["message"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// The events of one kind, in order.
    pub(crate) fn events_of(&self, kind: &str) -> Vec<Value> {
        self.events()
            .into_iter()
            .filter(|e| e["event"] == kind)
            .collect()
    }
}

pub(crate) fn read_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad event line {l}: {e}")))
        .collect()
}

pub(crate) fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Waits (bounded) until `check` holds.
pub(crate) fn wait_until(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Whether a process is gone (or a zombie nobody reaped: it runs nothing).
pub(crate) fn process_gone(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

/// Durations, run ids and the run folder replaced, so tables can be snapshots.
pub(crate) fn normalize(text: &str, fixture: &Fixture) -> String {
    let dir = fixture.dir.display().to_string();
    text.lines()
        .map(|line| {
            let line = line.replace(&dir, "<dir>");
            let mut out = String::new();
            for (i, word) in line.split(' ').enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                // `in 26ms:` ends the outcome line's duration with a colon.
                let (word, colon) = match word.strip_suffix(':') {
                    Some(w) => (w, ":"),
                    None => (word, ""),
                };
                let is_ms = word
                    .strip_suffix("ms")
                    .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
                let is_s = word.strip_suffix('s').is_some_and(|d| {
                    d.contains('.') && d.chars().all(|c| c.is_ascii_digit() || c == '.')
                });
                if (is_ms || is_s) && !colon.is_empty() {
                    out.push_str("<d>");
                } else if is_ms || is_s {
                    out.push_str(&format!("{:<width$}", "<d>", width = word.len()));
                } else if word.len() == 23 && word.starts_with("20") && word.contains('T') {
                    out.push_str("<run-id>");
                } else {
                    out.push_str(word);
                }
                out.push_str(colon);
            }
            out.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
