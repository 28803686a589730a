//! Resume and idempotency by run key: already-run tasks are restored (with
//! their outputs), changed plans are refused, `--force` and `--resume`.

use crate::durable_common;

use durable_common::{text, Fixture, TASKS, TEN_TASKS};

#[test]
fn running_a_key_again_restores_every_completed_task() {
    let f = Fixture::new("again", TEN_TASKS);
    let first = f.run(&[]);
    assert!(first.status.success(), "{}", text(&first));
    let second = f.run(&[]);
    assert!(second.status.success(), "{}", text(&second));
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("already run"),
        "{}",
        text(&second)
    );
    for t in TASKS {
        assert_eq!(f.count(t), 1, "`{t}` ran again");
    }
    let db = f.store();
    assert_eq!(db.runs(None, 10).unwrap().len(), 1);
    // Another as-of date is another key: everything runs.
    let other = f
        .command(&[
            "run",
            "main.pipe",
            "--as-of",
            "2026-11-23",
            "--view",
            "quiet",
        ])
        .output()
        .unwrap();
    assert!(other.status.success(), "{}", text(&other));
    assert_eq!(f.count("a1"), 2);
}

const GATED: &str = r#"
handler level {
  shell "echo run >> ran.txt; echo '{\"level\": 7}'"
  returns { level: int }
}
handler flaky {
  shell "test ! -e fail"
}
pipeline gated {
  stage one {
    task p { run level }
    gate level_ok "level is 7" { level == 7 }
  }
  stage two {
    task q { run flaky }
  }
}
"#;

#[test]
fn restored_outputs_reach_gates_and_dependents() {
    let f = Fixture::new("gated", GATED);
    f.write("fail", "");
    let first = f.run(&[]);
    assert_eq!(first.status.code(), Some(1), "{}", text(&first));
    std::fs::remove_file(f.dir.join("fail")).unwrap();
    let second = f.run(&[]);
    assert!(second.status.success(), "{}", text(&second));
    // `p` ran once; its restored output made the gate pass the second time.
    assert_eq!(f.count("run"), 1);
    let db = f.store();
    let run = &db.runs(None, 1).unwrap()[0];
    assert_eq!(run.status, "succeeded");
    assert_eq!(run.resumes, 1);
}

#[test]
fn a_changed_plan_is_refused_with_what_changed_and_force_runs_everything() {
    let f = Fixture::new("changed", TEN_TASKS);
    assert!(f.run(&[]).status.success());
    // Comments move spans only: same plan, the run resumes (nothing to do).
    f.write("main.pipe", &format!("# a comment\n# another\n{TEN_TASKS}"));
    let same = f.run(&[]);
    assert!(same.status.success(), "{}", text(&same));
    assert_eq!(f.count("a1"), 1);

    let changed = TEN_TASKS
        .replace(
            "task b2 { run step  after b1 }",
            "task b2 { run step  after b1  timeout 5s }",
        )
        .replace(
            "task c1 { run step }",
            "task c1 { run step }\n    task c0 { run step }",
        );
    f.write("main.pipe", &changed);
    let refused = f.run(&[]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("added: c0"), "{err}");
    assert!(err.contains("changed: b2"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(f.count("a1"), 1, "nothing ran");

    let forced = f.run(&["--force"]);
    assert!(forced.status.success(), "{}", text(&forced));
    for t in TASKS {
        assert_eq!(f.count(t), 2, "`{t}` should have run again");
    }
    assert_eq!(f.store().runs(None, 10).unwrap().len(), 2);
}

/// `TEN_TASKS` with one task more: a changed plan.
fn with_c0() -> String {
    TEN_TASKS.replace(
        "task c1 { run step }",
        "task c1 { run step }\n    task c0 { run step }",
    )
}

/// A run's recorded plan is read only to say what changed: damaged, it
/// leaves `status` and a same-plan resume alone, and a changed plan is
/// refused with a clear error, never a panic.
#[test]
fn a_damaged_recorded_plan_is_reported_where_it_is_read() {
    let f = Fixture::new("damaged-plan", TEN_TASKS);
    assert!(f.run(&[]).status.success());
    f.edit_store("UPDATE runs SET plan_tasks = '{not json'");

    let status = f.command(&["status", "main.pipe"]).output().unwrap();
    assert!(status.status.success(), "{}", text(&status));
    assert!(
        String::from_utf8_lossy(&status.stdout).contains("succeeded"),
        "{}",
        text(&status)
    );
    let same = f.run(&[]);
    assert!(same.status.success(), "{}", text(&same));

    f.write("main.pipe", &with_c0());
    let refused = f.run(&[]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("plan recorded for run") && err.contains("damaged") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(f.count("a1"), 1, "nothing ran again");
    let forced = f.run(&["--force"]);
    assert!(forced.status.success(), "{}", text(&forced));
}

/// A run whose process died is marked interrupted when its key is run
/// again, even when the resume is then refused because its recorded plan is
/// damaged: as for any other changed plan, the refusal keeps that mark.
#[test]
fn a_dead_run_with_a_damaged_plan_is_still_marked_interrupted() {
    let f = Fixture::new("damaged-dead", TEN_TASKS);
    assert!(f.run(&[]).status.success());
    // The run as a crashed process leaves it: running, under a pid no
    // process has (above any pid_max).
    f.edit_store(
        "UPDATE runs SET plan_tasks = '{not json', status = 'running', pid = 2147483000, \
         ended_at = NULL",
    );
    f.write("main.pipe", &with_c0());
    let refused = f.run(&[]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("damaged"),
        "{}",
        text(&refused)
    );
    let runs = f.store().runs(None, 10).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].status, "interrupted", "{runs:?}");
}

#[test]
fn resume_continues_a_given_run() {
    let f = Fixture::new("resume-id", GATED);
    f.write("fail", "");
    assert_eq!(f.run(&[]).status.code(), Some(1));
    let run_id = f.store().runs(None, 1).unwrap()[0].run_id.clone();
    std::fs::remove_file(f.dir.join("fail")).unwrap();
    let out = f
        .command(&["run", "main.pipe", "--resume", &run_id, "--view", "quiet"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("resuming run `{run_id}`")));
    assert_eq!(f.count("run"), 1);

    let unknown = f
        .command(&["run", "main.pipe", "--resume", "nope", "--view", "quiet"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no run `nope`"));
}

#[test]
fn the_same_key_never_runs_twice_at_once() {
    let slow = TEN_TASKS.replace("task a1 { run step }", "task a1 { run slow }")
        + "handler slow {\n  shell \"touch started; sleep 30\"\n}\n";
    let f = Fixture::new("twice", &slow);
    let mut first = f.spawn_run(&["--grace-ms", "100"]);
    f.wait_for("started");
    let second = f.run(&[]);
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(first.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    let _ = first.wait();
    assert_eq!(second.status.code(), Some(2), "{}", text(&second));
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("already running"),
        "{}",
        text(&second)
    );
    // The first run, stopped by SIGTERM, recorded itself interrupted.
    assert_eq!(f.store().runs(None, 1).unwrap()[0].status, "interrupted");
}

#[test]
fn status_shows_a_killed_run_as_interrupted() {
    let slow = TEN_TASKS.replace("task a1 { run step }", "task a1 { run slow }")
        + "handler slow {\n  shell \"touch started; sleep 30\"\n}\n";
    let f = Fixture::new("killed-status", &slow);
    let mut child = f.spawn_run(&[]);
    f.wait_for("started");
    // The handler runs while its attempt is being recorded: kill once the
    // store has it (under load the process can touch its file first).
    let recorded = || {
        let Ok(db) = pipec::store::Store::open(&f.state()) else {
            return false;
        };
        let Some(run) = db.runs(None, 1).ok().and_then(|r| r.into_iter().next()) else {
            return false;
        };
        db.tasks(&run.run_id)
            .is_ok_and(|tasks| tasks.iter().any(|t| t.task == "a1" && t.attempts == 1))
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !recorded() {
        assert!(
            std::time::Instant::now() < deadline,
            "a1's attempt never recorded"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let out = f.command(&["status", "main.pipe"]).output().unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("interrupted: the pipec process died"), "{s}");
    assert!(
        s.contains("ten/one/a1 interrupted after 1 attempt(s)"),
        "{s}"
    );
}

/// Tasks that ended warned, defaulted or skipped by their own policy are that
/// key's results: a resume keeps them (and says so) instead of running them
/// again, unless `--rerun-incomplete`. The summary counts every outcome.
const OUTCOMES: &str = r#"
handler ok { shell "echo \"$PIPEC_TASK\" >> ran.txt" }
handler broken { shell "echo \"$PIPEC_TASK\" >> ran.txt; exit 1" }
handler value {
  shell "echo \"$PIPEC_TASK\" >> ran.txt; exit 1"
  returns { level: int }
}
pipeline outcomes {
  stage one {
    task good { run ok }
    task warns { run broken  on_failure warn }
    task defaults { run value  on_failure default { level: 3 } }
    task skips { run broken  on_failure skip }
    task fails { run broken }
  }
}
"#;

#[test]
fn a_resume_keeps_warned_defaulted_and_policy_skipped_results() {
    let f = Fixture::new("outcomes", OUTCOMES);
    let first = f.run(&[]);
    assert_eq!(first.status.code(), Some(1), "{}", text(&first));
    let out = String::from_utf8_lossy(&first.stdout).into_owned();
    assert!(
        out.contains("1 completed, 1 warned, 1 defaulted, 1 skipped, 1 failed"),
        "{out}"
    );
    let summary: serde_json::Value = {
        let dir = f.dir.join(".pipec/runs");
        let run = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .next()
            .unwrap()
            .path();
        serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).unwrap()).unwrap()
    };
    assert_eq!(summary["counts"]["warned"], 1);
    assert_eq!(summary["counts"]["defaulted"], 1);
    assert_eq!(summary["counts"]["skipped"], 1);
    assert_eq!(summary["counts"]["failed"], 1);

    // Resume: only `fails` runs again; the others keep their results.
    let second = f.run(&[]);
    let out = String::from_utf8_lossy(&second.stdout).into_owned();
    for t in ["good", "warns", "defaults", "skips"] {
        assert_eq!(f.count(t), 1, "`{t}` ran again:\n{out}");
    }
    assert_eq!(f.count("fails"), 2);
    assert!(out.contains("WARNED (RESTORED)"), "{out}");
    assert!(out.contains("(4 restored)"), "{out}");

    // --rerun-incomplete: the warned, defaulted and skipped run again too.
    let third = f.run(&["--rerun-incomplete"]);
    assert_eq!(third.status.code(), Some(1), "{}", text(&third));
    assert_eq!(f.count("good"), 1);
    for t in ["warns", "defaults", "skips", "fails"] {
        assert_eq!(f.count(t), if t == "fails" { 3 } else { 2 }, "`{t}`");
    }
}

/// A run left `running` by a killed pipec whose resume is refused (its plan
/// changed) is marked interrupted all the same: the store never claims a run
/// is going on that nobody runs.
#[test]
fn a_refused_resume_still_marks_the_dead_run_interrupted() {
    let f = Fixture::new("refused-dead", TEN_TASKS);
    let mut child = f.spawn_run(&[]);
    f.wait_for("ran.txt");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(f.store().runs(None, 1).unwrap()[0].status, "running");
    f.write(
        "main.pipe",
        &TEN_TASKS.replace("task a2 { run step }", "task a2 { run step  timeout 5s }"),
    );
    let refused = f.run(&[]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(text(&refused).contains("changed: a2"), "{}", text(&refused));
    assert_eq!(f.store().runs(None, 1).unwrap()[0].status, "interrupted");
}
