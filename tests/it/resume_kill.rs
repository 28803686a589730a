//! Kill the real `pipec run` with SIGKILL at many points of a run, resume it,
//! and check: the resumed run completes, every task the store had recorded as
//! completed ran exactly once, no handler process of the killed run is left
//! after the resume, and the store is consistent.

use crate::durable_common;

use durable_common::{processes_of_run, text, Fixture, TASKS, TEN_TASKS};
use std::time::{Duration, Instant};

/// Kill points spread over the whole run (start-up to the last task), each
/// with a random jitter; the seed is printed so a failure can be replayed.
const POINTS: u64 = 50;

#[test]
fn killed_at_any_point_the_run_resumes_and_completed_tasks_never_run_twice() {
    let seed = std::env::var("KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    eprintln!("KILL_SEED={seed}");
    let mut rng = fastrand::Rng::with_seed(seed);
    // How long an undisturbed run takes here (debug build, loaded machine).
    let probe = Fixture::new("kill-probe", TEN_TASKS);
    let started = Instant::now();
    let out = probe.run(&[]);
    assert!(out.status.success(), "{}", text(&out));
    let span = started.elapsed().as_millis() as u64;
    let mut resumed = 0;
    for i in 0..POINTS {
        let step = span / POINTS;
        let delay = i * step + rng.u64(0..=step.max(1));
        resumed += usize::from(kill_and_resume(i, Duration::from_millis(delay)));
    }
    eprintln!("{POINTS} kill points over {span} ms; {resumed} left a run to resume");
    assert!(
        resumed > POINTS as usize / 2,
        "most kill points should interrupt a started run"
    );
}

/// Returns whether the kill left a recorded run (that was then resumed).
fn kill_and_resume(point: u64, delay: Duration) -> bool {
    let f = Fixture::new(&format!("kill-{point}"), TEN_TASKS);
    let mut child = f.spawn_run(&[]);
    std::thread::sleep(delay);
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    let ctx = format!("kill point {point} after {delay:?}");

    // What the store says was done when the process died.
    let (existed, completed) = if f.state().exists() {
        let db = f.store();
        match db.runs(None, 10).unwrap().first() {
            Some(run) => {
                let done: Vec<String> = db
                    .tasks(&run.run_id)
                    .unwrap()
                    .into_iter()
                    .filter(|t| t.status == "completed")
                    .map(|t| t.task)
                    .collect();
                (true, done)
            }
            None => (false, Vec::new()),
        }
    } else {
        (false, Vec::new())
    };
    for t in &completed {
        assert_eq!(
            f.count(t),
            1,
            "{ctx}: `{t}` recorded completed must have run once"
        );
    }

    let out = f.run(&[]);
    assert!(out.status.success(), "{ctx}: resume failed\n{}", text(&out));

    let db = f.store();
    let runs = db.runs(None, 10).unwrap();
    assert_eq!(
        runs.len(),
        1,
        "{ctx}: one run for the key, resumed, not a second one"
    );
    let run = &runs[0];
    assert_eq!(run.status, "succeeded", "{ctx}");
    assert_eq!(run.resumes, i64::from(existed), "{ctx}");
    let tasks = db.tasks(&run.run_id).unwrap();
    assert_eq!(tasks.len(), TASKS.len(), "{ctx}: {tasks:?}");
    for t in &tasks {
        assert_eq!(t.status, "completed", "{ctx}: {t:?}");
    }
    for t in TASKS {
        assert!(f.count(t) >= 1, "{ctx}: `{t}` never ran");
    }
    for t in &completed {
        assert_eq!(
            f.count(t),
            1,
            "{ctx}: `{t}` completed before the kill and ran again"
        );
    }
    let left = processes_of_run(&run.run_id);
    assert!(
        left.is_empty(),
        "{ctx}: handler processes left after the resume: {left:?}"
    );
    let attempts = db.attempts(&run.run_id).unwrap();
    assert!(
        attempts.iter().all(|a| a.status != "running"),
        "{ctx}: an attempt is left running: {attempts:?}"
    );
    for t in TASKS {
        let ok = attempts
            .iter()
            .filter(|a| a.task == t && a.status == "completed")
            .count();
        assert_eq!(
            ok, 1,
            "{ctx}: `{t}` has {ok} completed attempts: {attempts:?}"
        );
    }
    existed
}

/// A killed run's handler that keeps starting processes which leave its
/// process group (`setsid sleep`) leaves none of them behind the resume: a
/// process caught in the middle of `exec`, whose environment reads empty for
/// a moment, is looked at again, and the look for leftovers is taken again
/// until it finds nothing new. (Before both, about one resume in a few left
/// a `sleep 30` of the killed run running.)
#[test]
fn a_resume_ends_leftovers_that_keep_leaving_their_group() {
    const SPAWNER: &str = "handler spawn { exec \"./spawn.sh\" }\n\
        pipeline spawner {\n  stage s {\n    task spawn { run spawn }\n  }\n}\n";
    // The first time, it starts a process out of its group every 2 ms
    // forever; the resume's attempt finds `started` and ends at once.
    const SPAWN: &str = "#!/bin/sh\n\
        if [ -e started ]; then echo '{}'; exit 0; fi\n\
        touch started\n\
        while :; do setsid sleep 30 & sleep 0.002; done\n";
    for round in 0..5 {
        let f = Fixture::new("leftover-spawner", SPAWNER);
        f.script("spawn.sh", SPAWN);
        let mut child = f.spawn_run(&[]);
        f.wait_for("started");
        // Killed: its handler goes on starting processes.
        let _ = child.kill();
        let _ = child.wait();
        std::thread::sleep(Duration::from_millis(100));
        let run_id = f.store().runs(None, 1).unwrap()[0].run_id.clone();
        assert!(
            !processes_of_run(&run_id).is_empty(),
            "round {round}: the spawner runs on"
        );

        let out = f.run(&[]);
        assert!(out.status.success(), "round {round}: {}", text(&out));
        let left = crate::common::still_running_after(|| processes_of_run(&run_id));
        assert!(
            left.is_empty(),
            "round {round}: left after the resume: {left:?}"
        );
    }
}
