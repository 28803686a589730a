//! The command line: the dry-run plan, the summary table, the events file, the
//! default run folder, and compile errors.

use crate::run_common;
use run_common::*;

const PIPE: &str = r#"
handler noop { builtin noop }
handler touch { shell "touch ran.txt" }
handler flaky { builtin flaky 1 }
handler prices { exec "bin/prices.sh" "--days" "1" returns { n: int } }
days fomc = dates [2026-11-20]
pipeline day "The day" {
  concurrency 2
  stage system "System" {
    task health { run touch priority critical }
    task broker { run flaky on_failure retry 2 backoff 10ms then abort after health }
    task integrity { run noop on_failure warn after health }
    gate systems_ok { ok(health, broker) and (ok(integrity) or warned(integrity)) }
  }
  stage data {
    task fetch { run prices timeout 5s args "--fast" }
    task macro { run noop priority low when not fomc }
    gate enough { n > 0 }
  }
  stage research { best_effort task backtest { run noop after fetch } }
}
pipeline other { stage only { task x { run noop } } }
"#;

fn fixture(name: &str) -> Fixture {
    let f = Fixture::new(name, PIPE);
    f.script(
        "bin/prices.sh",
        "#!/bin/sh\ncat >/dev/null\necho '{\"n\": 3}'\n",
    );
    f
}

#[test]
fn dry_run_prints_the_plan_and_runs_nothing() {
    let f = fixture("dry");
    let out = crate::common::binary()
        .current_dir(&f.dir)
        .args(["run", "--dry-run", "main.pipe", "--as-of", "2026-11-20"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(!f.dir.join("ran.txt").exists(), "no handler ran");
    assert!(!f.dir.join(".pipec").exists(), "no run folder");
    insta::with_settings!({ snapshot_path => "../../snapshots" }, {
        insta::assert_snapshot!("run_dry_run_plan", text(&out.stdout));
    });
    let other = crate::common::binary()
        .current_dir(&f.dir)
        .args([
            "run",
            "--dry-run",
            "main.pipe",
            "--pipeline",
            "other",
            "--as-of",
            "2026-11-20",
        ])
        .output()
        .unwrap();
    assert!(text(&other.stdout).starts_with("plan: pipeline `other`"));
}

#[test]
fn the_summary_table_lists_every_task() {
    let f = fixture("summary");
    let out = f.run(&["--as-of", "2026-11-20", "--view", "quiet"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(f.dir.join("ran.txt").exists());
    insta::with_settings!({ snapshot_path => "../../snapshots" }, {
        insta::assert_snapshot!("run_summary_table", normalize(&text(&out.stdout), &f));
    });
}

#[test]
fn events_follow_the_documented_schema() {
    let f = fixture("events");
    let out = f.run(&["--as-of", "2026-11-20"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let events = f.events();
    let copy = read_lines(&f.run_dir().join("events.jsonl"));
    assert_eq!(
        events, copy,
        "--events and the run folder's copy are the same"
    );
    let trace = events[0]["trace_id"].as_str().unwrap();
    assert_eq!(trace.len(), 32);
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["seq"], i as u64);
        assert_eq!(e["trace_id"], trace);
        assert_eq!(e["span_id"].as_str().unwrap().len(), 16);
        assert!(chrono::DateTime::parse_from_rfc3339(e["time"].as_str().unwrap()).is_ok());
        let typed: pipec::run::Event = serde_json::from_value(e.clone()).unwrap();
        assert_eq!(
            serde_json::to_value(&typed).unwrap(),
            *e,
            "the serde types round-trip"
        );
    }
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"run_started"));
    assert_eq!(kinds.last(), Some(&"run_completed"));
    for kind in [
        "stage_started",
        "stage_completed",
        "task_queued",
        "task_started",
        "task_completed",
        "task_retrying",
        "task_skipped",
        "gate_passed",
    ] {
        assert!(kinds.contains(&kind), "no {kind} event");
    }
    // Line-per-event output when not on a terminal.
    let stderr = text(&out.stderr);
    assert!(stderr.contains("day/system/broker: attempt 1 failed: flaky: attempt 1 fails (the first 1 do); retrying in 10ms"), "{stderr}");
    assert!(
        stderr.contains(
            "day/data/macro: skipped: `when not fomc` does not hold on 2026-11-20 (Friday)"
        ),
        "{stderr}"
    );
}

#[test]
fn the_default_run_folder_is_beside_the_pipeline_file() {
    let f = fixture("default_dir");
    let out = crate::common::binary()
        .args(["run", "--view", "quiet"])
        .arg(f.dir.join("main.pipe"))
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let runs: Vec<_> = std::fs::read_dir(f.dir.join(".pipec/runs"))
        .unwrap()
        .collect();
    assert_eq!(runs.len(), 1);
    let run = runs[0].as_ref().unwrap().path();
    for part in [
        "events.jsonl",
        "summary.json",
        "logs/day/fetch.1.stdout",
        "work",
    ] {
        assert!(
            run.join(part).exists(),
            "{part} missing in {}",
            run.display()
        );
    }
    assert!(
        !run.join("logs/day/fetch.1.stderr").exists(),
        "a silent stream leaves no file"
    );
    // Handlers run in the pipeline's folder even when pipec runs elsewhere.
    assert!(f.dir.join("ran.txt").exists());
}

#[test]
fn compile_errors_are_printed_and_exit_2() {
    let f = Fixture::new(
        "broken",
        "handler h { builtin noop }\npipeline p { stage s { task t { run h timeout forever } } }",
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 2);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("forever"), "{stderr}");
    assert!(stderr.contains("does not compile; nothing ran"));
    assert!(!f.run_dir().exists());
    let out = f.run(&["--pipeline", "nope"]);
    assert_eq!(code(&out), 2);
    let missing = crate::common::binary()
        .args(["run", "/nonexistent/x.pipe"])
        .output()
        .unwrap();
    assert_eq!(code(&missing), 2);
}

#[test]
fn a_full_disk_for_the_events_file_is_a_warning_not_a_failure() {
    let f = fixture("full_disk");
    let out = crate::common::binary()
        .current_dir(&f.dir)
        .args([
            "run",
            "main.pipe",
            "--view",
            "quiet",
            "--as-of",
            "2026-11-20",
        ])
        .args(["--events", "/dev/full", "--run-dir"])
        .arg(f.run_dir())
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("warning: cannot write `/dev/full`: No space left on device"),
        "{}",
        text(&out.stderr)
    );
    assert!(f.run_dir().join("events.jsonl").exists());
}
