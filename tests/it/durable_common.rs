//! Shared by the store/resume/health tests: a folder with a pipeline whose
//! tasks append their names to `ran.txt`, and the real `pipec` run on it.
#![allow(dead_code)]

use crate::common::Project;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

/// Ten tasks in three stages; `step.sh` sleeps a little, appends the task's
/// name to `ran.txt` and answers `{"records": 3}`.
pub(crate) const TEN_TASKS: &str = r#"
handler step {
  exec "./step.sh"
}
handler counted {
  exec "./step.sh"
  returns { records: int }
}
pipeline ten {
  concurrency 2
  stage one {
    task a1 { run step }
    task a2 { run step }
    task a3 { run step  after a1 }
  }
  stage two {
    task b1 { run step }
    task b2 { run step  after b1 }
    task b3 { run step  after b1 }
    task b4 { run step  after b2, b3 }
  }
  stage three {
    task c1 { run step }
    task c2 { run step  after c1 }
    task c3 { run counted  after c2 }
  }
  source counts { producer c3 green 5m yellow 15m }
}
"#;

pub(crate) const STEP: &str =
    "#!/bin/sh\nsleep 0.03\necho \"$PIPEC_TASK\" >> ran.txt\necho '{\"records\": 3}'\n";

pub(crate) const TASKS: [&str; 10] = ["a1", "a2", "a3", "b1", "b2", "b3", "b4", "c1", "c2", "c3"];

/// A project with `step.sh`, whose runs use the default state store.
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
    pub(crate) fn new(name: &str, pipe: &str) -> Self {
        let f = Self {
            project: Project::new("durable-tests", name, pipe),
        };
        f.script("step.sh", STEP);
        f
    }

    pub(crate) fn state(&self) -> PathBuf {
        self.dir.join(".pipec").join("state.db")
    }

    /// Changes the store behind pipec's back, as damage or a crash would.
    pub(crate) fn edit_store(&self, sql: &str) {
        rusqlite::Connection::open(self.state())
            .and_then(|conn| conn.execute_batch(sql))
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// `pipec run main.pipe --as-of 2026-11-20 --view quiet <extra>`.
    pub(crate) fn run_command(&self, extra: &[&str]) -> Command {
        let mut args = vec![
            "run",
            "main.pipe",
            "--as-of",
            "2026-11-20",
            "--view",
            "quiet",
        ];
        args.extend_from_slice(extra);
        self.command(&args)
    }

    /// That run, to its end.
    pub(crate) fn run(&self, extra: &[&str]) -> Output {
        self.run_command(extra).output().unwrap()
    }

    /// That run, started in the background with its output discarded.
    pub(crate) fn spawn_run(&self, extra: &[&str]) -> Child {
        self.run_command(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    /// Waits up to 20 s for a handler to create `rel` in the fixture folder.
    pub(crate) fn wait_for(&self, rel: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !self.dir.join(rel).exists() {
            assert!(
                std::time::Instant::now() < deadline,
                "`{rel}` never appeared"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// How many times each task appended its name.
    pub(crate) fn count(&self, task: &str) -> usize {
        std::fs::read_to_string(self.dir.join("ran.txt"))
            .unwrap_or_default()
            .lines()
            .filter(|l| *l == task)
            .count()
    }

    pub(crate) fn store(&self) -> pipec::store::Store {
        pipec::store::Store::open(&self.state()).unwrap()
    }
}

/// Live processes (zombies aside) whose environment says they belong to run
/// `run_id`: handlers and anything they started.
pub(crate) fn processes_of_run(run_id: &str) -> Vec<u32> {
    let mark = format!("PIPEC_RUN_ID={run_id}");
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let live = std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
                !s.rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z')
            });
            let env = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            live && env.split(|b| *b == 0).any(|e| e == mark.as_bytes())
        })
        .collect()
}

pub(crate) fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
