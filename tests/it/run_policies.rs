//! Failure policies, retries and backoff, day conditions, best-effort stages
//! and the cleanup handler, through the real binary.

use crate::run_common;
use run_common::*;
use std::time::{Duration, Instant};

const HANDLERS: &str = r#"
handler noop { builtin noop }
handler boom { builtin fail "boom" }
handler slow { builtin sleep 20s }
handler flaky3 { builtin flaky 3 }
handler regime { builtin fail "model declined" returns { regime: string } }
"#;

#[test]
fn fail_skips_dependents_fails_the_stage_and_stops_later_stages() {
    let f = Fixture::new(
        "fail",
        &format!(
            "{HANDLERS}
pipeline p {{
  stage one {{
    task a {{ run boom }}
    task b {{ run noop after a }}
    task c {{ run noop after b }}
    task side {{ run noop }}
  }}
  stage two {{ task later {{ run noop }} }}
}}"
        ),
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert_eq!(f.status("a"), "failed");
    assert_eq!(f.message("a"), "boom");
    assert_eq!(f.status("b"), "skipped");
    assert_eq!(f.message("b"), "dependency `a` failed");
    assert_eq!(f.status("c"), "skipped");
    assert_eq!(f.message("c"), "dependency `b` skipped");
    assert_eq!(f.status("side"), "completed");
    assert_eq!(f.status("later"), "skipped");
    assert!(f
        .message("later")
        .contains("stage `one` failed: task `a` failed: boom"));
    assert_eq!(f.summary()["status"], "failed");
    assert_eq!(f.events_of("stage_skipped").len(), 1);
    // Why, as data on the events.
    let cause = |kind: &str, task: &str| {
        f.events_of(kind)
            .into_iter()
            .find(|e| e["task"] == task)
            .map(|e| e["cause"].clone())
    };
    assert_eq!(
        cause("task_failed", "a"),
        Some(serde_json::json!({ "kind": "error" }))
    );
    assert_eq!(cause("task_skipped", "b"), Some("dependency".into()));
    assert_eq!(cause("task_skipped", "later"), Some("earlier_stage".into()));
    // The forensic capture of the failed task.
    assert!(f.run_dir().join("forensics/p.a.json").exists());
}

#[test]
fn abort_cancels_running_tasks_and_fails_the_run() {
    let f = Fixture::new(
        "abort",
        &format!(
            "{HANDLERS}
pipeline p {{
  concurrency 2
  stage one {{
    task a {{ run boom on_failure abort }}
    task s {{ run slow }}
  }}
  stage two {{ task later {{ run noop }} }}
}}"
        ),
    );
    let start = Instant::now();
    let out = f.run(&[]);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "abort must not wait for the 20s task"
    );
    assert_eq!(code(&out), 1);
    assert_eq!(f.status("a"), "failed");
    assert_eq!(f.status("s"), "cancelled");
    assert!(
        f.message("s")
            .contains("run aborted: task `a` failed and its policy is abort"),
        "{}",
        f.message("s")
    );
    assert_eq!(f.status("later"), "skipped");
    assert_eq!(f.events_of("task_cancelled").len(), 1);
}

#[test]
fn warn_skip_and_default_let_dependents_run() {
    let f = Fixture::new(
        "lenient",
        &format!(
            "{HANDLERS}
pipeline p {{
  stage one {{
    task w {{ run boom on_failure warn }}
    task s {{ run boom on_failure skip }}
    task d {{ run regime on_failure default {{ regime: \"neutral\" }} }}
    task after_all {{ run noop after w, s, d }}
    gate lenient {{ warned(w) and skipped(s) and ok(d) and not failed(w) and regime == \"neutral\" }}
  }}
  stage two {{ task later {{ run noop }} }}
}}"
        ),
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 0, "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(f.status("w"), "warned");
    assert_eq!(f.message("w"), "boom");
    assert_eq!(f.status("s"), "skipped");
    assert_eq!(f.message("s"), "failed, skipped by its policy: boom");
    let skipped = f.events_of("task_skipped");
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["cause"], "policy");
    let defaulted = &f.events_of("task_defaulted")[0];
    // `regime` said it failed (`builtin fail`): not an exit, not bad output.
    assert_eq!(defaulted["cause"], serde_json::json!({ "kind": "error" }));
    assert_eq!(f.status("d"), "defaulted");
    assert_eq!(f.status("after_all"), "completed");
    assert_eq!(f.status("later"), "completed");
    assert_eq!(f.summary()["context"]["regime"], "neutral");
    assert_eq!(f.events_of("task_warned").len(), 1);
    assert_eq!(f.events_of("task_defaulted").len(), 1);
    assert_eq!(f.events_of("gate_passed").len(), 1);
}

#[test]
fn retry_counts_attempts_and_waits_the_declared_backoff_in_order() {
    let f = Fixture::new(
        "retry",
        &format!(
            "{HANDLERS}
pipeline p {{
  stage one {{
    task recovers {{ run flaky3 on_failure retry 3 backoff 10ms, 30ms, 50ms }}
    task gives_up {{ run boom on_failure retry 2 backoff exponential 10ms max 15ms then warn }}
    task jittery {{ run boom on_failure retry 3 backoff exponential 40ms max 1s jitter then skip }}
  }}
}}"
        ),
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let waits = |task: &str| -> Vec<u64> {
        f.events_of("task_retrying")
            .iter()
            .filter(|e| e["task"] == task)
            .map(|e| e["wait_ms"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(waits("recovers"), vec![10, 30, 50]);
    assert_eq!(f.task("recovers")["attempts"], 4);
    assert_eq!(f.status("recovers"), "completed");
    assert_eq!(waits("gives_up"), vec![10, 15]);
    assert_eq!(f.task("gives_up")["attempts"], 3);
    assert_eq!(f.status("gives_up"), "warned");
    let jitter = waits("jittery");
    assert_eq!(jitter.len(), 3);
    for (w, full) in jitter.iter().zip([40u64, 80, 160]) {
        assert!(
            *w >= full / 2 && *w <= full,
            "jittered wait {w} outside [{}, {full}]",
            full / 2
        );
    }
    assert_eq!(f.status("jittery"), "skipped");
    // Every attempt has its own span; retries are announced with the failed attempt's.
    let starts: Vec<_> = f
        .events_of("task_started")
        .into_iter()
        .filter(|e| e["task"] == "recovers")
        .collect();
    assert_eq!(
        starts
            .iter()
            .map(|e| e["attempt"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
    let spans: std::collections::HashSet<_> = starts
        .iter()
        .map(|e| e["span_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(spans.len(), 4);
}

#[test]
fn when_conditions_skip_with_the_reason_on_the_as_of_date() {
    let f = Fixture::new(
        "when",
        &format!(
            "{HANDLERS}
days fomc = dates [2026-11-20]
pipeline p {{
  calendar XNYS
  stage one {{
    task weekend_only {{ run noop when saturday }}
    task trading {{ run noop when trading_days }}
    task not_fomc {{ run noop when not fomc }}
    task after_skipped {{ run noop after weekend_only }}
    task opex {{ run noop when monthly_opex }}
    task witching {{ run noop when triple_witching }}
    task week_end {{ run noop when last_trading_day_of_week }}
    task month_start {{ run noop when first_trading_day_of_month }}
    task closed {{ run noop when market_closed }}
  }}
}}"
        ),
    );
    let out = f.run(&["--as-of", "2026-11-20"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(f.status("weekend_only"), "skipped");
    assert_eq!(
        f.message("weekend_only"),
        "`when saturday` does not hold on 2026-11-20 (Friday)"
    );
    assert_eq!(f.status("trading"), "completed");
    assert_eq!(f.status("not_fomc"), "skipped");
    assert_eq!(
        f.message("not_fomc"),
        "`when not fomc` does not hold on 2026-11-20 (Friday)"
    );
    assert_eq!(
        f.status("after_skipped"),
        "completed",
        "a day-skipped task does not block its dependents"
    );
    // 2026-11-20 is the third Friday of November: monthly expiration, not a
    // quarterly one, the last trading day of its week, not the first of its month.
    assert_eq!(f.status("opex"), "completed");
    assert_eq!(f.status("witching"), "skipped");
    assert_eq!(f.status("week_end"), "completed");
    assert_eq!(f.status("month_start"), "skipped");
    assert_eq!(f.status("closed"), "skipped");
    let out = f.run(&["--as-of", "2026-12-01"]);
    assert_eq!(code(&out), 0);
    assert_eq!(f.status("month_start"), "completed", "Tuesday 1 December");
    let out = f.run(&["--as-of", "2026-12-18"]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        f.status("witching"),
        "completed",
        "third Friday of December"
    );

    let out = f.run(&["--as-of", "2026-11-21"]);
    assert_eq!(code(&out), 0);
    assert_eq!(f.status("weekend_only"), "completed");
    assert_eq!(f.status("trading"), "skipped");
    assert_eq!(f.status("not_fomc"), "completed");
}

#[test]
fn best_effort_failure_never_fails_the_run_and_cleanup_runs_on_failure() {
    let f = Fixture::new(
        "best_effort",
        &format!(
            "{HANDLERS}
handler notify {{ shell \"cat > \\\"$PIPEC_WORK_DIR/cleanup.json\\\"\" }}
pipeline p {{
  cleanup notify
  stage research {{ best_effort task r {{ run boom }} }}
  stage after {{ task x {{ run regime on_failure default {{ regime: \"calm\" }} }} task y {{ run boom after x }} }}
}}"
        ),
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 1);
    assert_eq!(f.status("r"), "failed");
    assert_eq!(
        f.status("x"),
        "defaulted",
        "a failed best-effort stage does not stop the next"
    );
    let summary = f.summary();
    assert!(
        summary["warnings"][0]
            .as_str()
            .unwrap()
            .contains("best effort"),
        "{summary}"
    );
    // The cleanup handler received the context at the failure.
    let cleanup = std::fs::read_to_string(f.work("cleanup.json")).unwrap();
    assert!(cleanup.contains("\"regime\":\"calm\""), "{cleanup}");
    assert_eq!(
        f.events_of("cleanup_finished")[0]["error"],
        serde_json::Value::Null
    );
    assert!(f.run_dir().join("forensics/p.run.json").exists());

    let ok = Fixture::new(
        "best_effort_ok",
        &format!(
            "{HANDLERS}
pipeline p {{
  stage research {{ best_effort task r {{ run boom }} }}
  stage after {{ task x {{ run noop }} }}
}}"
        ),
    );
    let out = ok.run(&[]);
    assert_eq!(code(&out), 0, "best-effort failures are warnings");
    assert!(
        text(&out.stdout).contains("succeeded with 1 warning(s)"),
        "{}",
        text(&out.stdout)
    );
}

/// `run_timeout` bounds the whole run: past it the running task is stopped,
/// what never started is skipped, and the run fails with that reason.
#[test]
fn run_timeout_stops_the_run_and_fails_it() {
    let f = Fixture::new(
        "run-timeout",
        r#"
handler long { shell "sleep 30" }
handler noop { builtin noop }
pipeline p {
  run_timeout 1s
  stage one { task long { timeout 1m } }
  stage two { task later { run noop } }
}"#,
    );
    let start = std::time::Instant::now();
    let out = f.run(&[]);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert_eq!(f.status("long"), "cancelled");
    assert_eq!(
        f.message("long"),
        "run timed out: it ran longer than its run_timeout of 1s"
    );
    assert_eq!(f.status("later"), "skipped");
    let summary = f.summary();
    assert_eq!(summary["status"], "failed");
    assert!(
        summary["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("run timed out"),
        "{summary:#}"
    );
}
