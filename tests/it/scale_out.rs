//! Tasks on a real Ray cluster: a local head started by `scripts/test.sh` (`ray
//! start --head`), reached at `PIPEC_TEST_RAY` through its Jobs REST API.
//! Parallel branches run as Ray jobs and feed a gate; a timeout stops a job;
//! pipec killed mid-run and resumed follows the job instead of submitting it
//! again.

use crate::durable_common::Fixture;
use serde_json::Value;
use std::time::{Duration, Instant};

/// The Ray dashboard's address.
fn ray() -> String {
    std::env::var("PIPEC_TEST_RAY").unwrap_or_else(|_| {
        panic!(
            "these tests need a local Ray head: `ray start --head --num-cpus=2 --dashboard-host=127.0.0.1`, \
             then PIPEC_TEST_RAY=http://127.0.0.1:8265 (scripts/test.sh does both)"
        )
    })
}

fn job(address: &str, id: &str) -> Option<Value> {
    match ureq::get(&format!("{address}/api/jobs/{id}")).call() {
        Ok(r) => r.into_json().ok(),
        Err(ureq::Error::Status(404, _)) => None,
        Err(e) => panic!("the Ray head: {e}"),
    }
}

/// Every job the cluster knows whose submission id starts with `prefix`.
fn jobs_named(address: &str, prefix: &str) -> Vec<Value> {
    let all: Value = ureq::get(&format!("{address}/api/jobs/"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    all.as_array()
        .unwrap()
        .iter()
        .filter(|j| {
            j["submission_id"]
                .as_str()
                .is_some_and(|s| s.starts_with(prefix))
        })
        .cloned()
        .collect()
}

/// The `task_submitted` events of a run, its resumes' included (each has a
/// folder of its own, named after the run).
fn submitted(f: &Fixture, run: &str) -> Vec<Value> {
    let mut folders: Vec<_> = std::fs::read_dir(f.dir.join(".pipec/runs"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    folders.retain(|p: &std::path::PathBuf| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(run))
    });
    folders.sort();
    folders
        .iter()
        .flat_map(|dir| {
            std::fs::read_to_string(dir.join("events.jsonl"))
                .unwrap_or_default()
                .lines()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .collect::<Vec<_>>()
        })
        .filter(|e| e["event"] == "task_submitted")
        .collect()
}

fn run_id(f: &Fixture) -> String {
    f.store().runs(None, 1).unwrap()[0].run_id.clone()
}

#[test]
fn parallel_branches_run_as_ray_jobs_and_their_output_feeds_a_gate() {
    let address = ray();
    let f = Fixture::new(
        "ray-branches",
        &format!(
            r#"
executor cluster {{ ray "{address}"  num_cpus 0.5 }}
handler left {{ exec "./left.sh" returns {{ left: int }} }}
handler right {{ shell "echo \"{{\\\"right\\\": $1}}\"" returns {{ right: int }} }}
pipeline p {{
  executor cluster
  stage branches {{
    task a {{ run left  timeout 5m }}
    task b {{ run right  args "2"  timeout 5m }}
    gate both {{ left + right == 3 }}
  }}
}}
"#
        ),
    );
    // The job reads the task's input on stdin and its folder is the handler's.
    f.script(
        "left.sh",
        "#!/bin/sh\ncat > /dev/null\necho '{\"left\": 1}'\n",
    );
    let out = f.run(&[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let run = run_id(&f);
    let events = submitted(&f, &run);
    assert_eq!(events.len(), 2, "{events:?}");
    for e in &events {
        let id = e["job"].as_str().unwrap();
        let job = job(&address, id).unwrap_or_else(|| panic!("Ray knows no job {id}"));
        assert_eq!(job["status"], "SUCCEEDED", "{job}");
        assert_eq!(e["executor"], "cluster");
    }
    // Seen in Ray's own job list, one job per branch.
    assert_eq!(jobs_named(&address, &format!("pipec-{run}-")).len(), 2);
    // The store says where each attempt ran.
    let attempts = f.store().attempt_details(&run).unwrap();
    assert!(attempts.iter().all(|a| a.job.is_some()), "{attempts:?}");
    // So does `pipec status`.
    let status = f.command(&["status"]).output().unwrap();
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        text.contains("ran on a cluster:") && text.contains(&format!("pipec-{run}-p-a-1")),
        "{text}"
    );
}

#[test]
fn a_timeout_stops_the_ray_job() {
    let address = ray();
    let f = Fixture::new(
        "ray-timeout",
        &format!(
            r#"
executor cluster {{ ray "{address}" }}
handler slow {{ shell "sleep 60; echo '{{}}'" }}
pipeline p {{
  stage s {{ task hang {{ run slow  timeout 4s  executor cluster }} }}
}}
"#
        ),
    );
    let out = f.run(&[]);
    assert_eq!(out.status.code(), Some(1));
    let run = run_id(&f);
    let events = submitted(&f, &run);
    let id = events[0]["job"].as_str().unwrap().to_string();
    let start = Instant::now();
    loop {
        let status = job(&address, &id).unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string();
        if status == "STOPPED" {
            break;
        }
        assert!(
            // A cluster on a loaded machine can take its time to stop a job.
            start.elapsed() < Duration::from_secs(120),
            "the job is still {status}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let tasks = f.store().tasks(&run).unwrap();
    assert_eq!(tasks[0].status, "timed_out", "{tasks:?}");
}

#[test]
fn pipec_killed_mid_run_and_resumed_follows_the_job_instead_of_submitting_it_again() {
    let address = ray();
    let f = Fixture::new(
        "ray-resume",
        &format!(
            r#"
executor cluster {{ ray "{address}" }}
handler slow {{ shell "sleep 6; echo '{{\"done\": true}}'" returns {{ done: bool }} }}
pipeline p {{
  stage s {{ task long {{ run slow  timeout 2m  executor cluster }} }}
}}
"#
        ),
    );
    let mut first = f.spawn_run(&[]);
    // Once Ray has the job (its own job list says so), pipec dies without a word.
    let start = Instant::now();
    let run = loop {
        if let Some(run) = f
            .store()
            .runs(None, 1)
            .unwrap()
            .first()
            .map(|r| r.run_id.clone())
        {
            if !jobs_named(&address, &format!("pipec-{run}-")).is_empty() {
                break run;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no job was submitted"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(first.id() as i32),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    let _ = first.wait();
    let out = f.run(&[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resumed = submitted(&f, &run);
    assert!(
        resumed.iter().any(|e| e["reattached"] == true),
        "the resume followed the job: {resumed:?}"
    );
    assert_eq!(jobs_named(&address, &format!("pipec-{run}-")).len(), 1);
    assert_eq!(f.store().tasks(&run).unwrap()[0].status, "completed");
}

/// The manifest example's optional executor, switched on as its comment
/// says: the two inference branches run as Ray jobs, the rest here, and the
/// run ends as it does locally.
#[test]
fn the_manifest_examples_branches_run_on_ray_once_uncommented() {
    let address = ray();
    let root = crate::common::root();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("ray-manifest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("handlers")).unwrap();
    for entry in std::fs::read_dir(root.join("pipelines/handlers")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join("handlers").join(path.file_name().unwrap())).unwrap();
    }
    let text = std::fs::read_to_string(root.join("pipelines/alpha_manifest.pipe"))
        .unwrap()
        .replace(
            "# executor cluster { ray \"http://127.0.0.1:8265\" }",
            &format!("executor cluster {{ ray \"{address}\" }}"),
        )
        .replace("# executor cluster", "executor cluster");
    std::fs::write(dir.join("alpha_manifest.pipe"), text).unwrap();
    let out = crate::common::binary()
        .current_dir(&dir)
        .args([
            "run",
            "alpha_manifest.pipe",
            "--as-of",
            "2026-11-20",
            "--now",
            "2026-11-20T21:30:00Z",
            "--view",
            "quiet",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = pipec::store::Store::open(&dir.join(".pipec/state.db")).unwrap();
    let run = store.runs(None, 1).unwrap()[0].run_id.clone();
    let attempts = store.attempt_details(&run).unwrap();
    let on_ray: Vec<&str> = attempts
        .iter()
        .filter(|a| a.job.is_some())
        .map(|a| a.task.as_str())
        .collect();
    assert_eq!(
        on_ray,
        ["inference_model_a", "inference_model_b"],
        "{attempts:?}"
    );
    assert_eq!(jobs_named(&address, &format!("pipec-{run}-")).len(), 2);
}
