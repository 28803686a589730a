//! One run key, one run: starts and resumes of one key at the same moment,
//! from separate processes, never run a task of the key twice.

use crate::durable_common;
use durable_common::*;

#[test]
fn three_starts_of_one_key_at_once_make_one_run_and_run_each_task_once() {
    let f = Fixture::new("claims", TEN_TASKS);
    for round in 0..10 {
        let as_of = format!("2026-10-{:02}", round + 1);
        let _ = std::fs::remove_file(f.dir.join("ran.txt"));
        let outputs = together(
            &f,
            3,
            &["run", "main.pipe", "--as-of", &as_of, "--view", "quiet"],
        );
        let ctx = format!(
            "round {round}:\n{}",
            outputs.iter().map(text).collect::<Vec<_>>().join("\n")
        );
        for t in TASKS {
            assert_eq!(f.count(t), 1, "{ctx}\n`{t}` ran {} times", f.count(t));
        }
        let refused = outputs
            .iter()
            .filter(|o| String::from_utf8_lossy(&o.stderr).contains("already running"))
            .count();
        let succeeded = outputs.iter().filter(|o| o.status.success()).count();
        // A start that came after the run ended found it done: it restored
        // everything and ran nothing.
        assert_eq!(refused + succeeded, 3, "{ctx}");
        assert!(succeeded >= 1, "{ctx}");
        let db = f.store();
        let runs: Vec<_> = db
            .runs(None, 100)
            .unwrap()
            .into_iter()
            .filter(|r| r.as_of == as_of)
            .collect();
        assert_eq!(runs.len(), 1, "{ctx}\n{runs:?}");
    }
}

#[test]
fn two_resumes_of_one_killed_run_at_once_resume_it_once() {
    let f = Fixture::new("claims-resume", TEN_TASKS);
    // Killed mid-run: a1 is slow enough to be running when SIGKILL comes.
    let mut child = f.spawn_run(&[]);
    f.wait_for("ran.txt");
    let _ = child.kill();
    let _ = child.wait();
    let run_id = f.store().runs(None, 1).unwrap()[0].run_id.clone();
    // A handler of the killed run may still finish (and write its line)
    // after the kill: let those end first, so what ran before is known.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !processes_of_run(&run_id).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the killed run's handlers never ended"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let before: Vec<String> = std::fs::read_to_string(f.dir.join("ran.txt"))
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect();
    let outputs = together(
        &f,
        2,
        &["run", "main.pipe", "--resume", &run_id, "--view", "quiet"],
    );
    let ctx = outputs.iter().map(text).collect::<Vec<_>>().join("\n");
    let run = f.store().run(&run_id).unwrap().unwrap();
    assert_eq!(run.status, "succeeded", "{ctx}");
    // Only one of the two resumed it (the other was refused or found it done).
    assert_eq!(run.resumes, 1, "{ctx}");
    for t in TASKS {
        let n = f.count(t);
        let ran_before = before.iter().filter(|l| *l == t).count();
        assert!(n - ran_before <= 1, "{ctx}\n`{t}` ran {n} times");
    }
}

/// `n` copies of `pipec ARGS` started at once; their outputs.
fn together(f: &Fixture, n: usize, args: &[&str]) -> Vec<std::process::Output> {
    let children: Vec<_> = (0..n)
        .map(|_| {
            f.command(args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect()
}
