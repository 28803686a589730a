//! `requires` at run time: a task runs only in the market states it
//! requires, judged on the run's clock (`--now`); it waits within its bound,
//! is skipped with the market's state otherwise, and `--ignore-market-state`
//! lifts the rule for one run, which says so. A manual run for a day none of
//! the pipeline's triggers fires on is refused unless `--any-day`.

use crate::run_common;
use run_common::*;

const PIPE: &str = r#"
handler ok { builtin noop }
handler slow_ok { builtin sleep 1ms }
pipeline p {
  calendar XNYS
  stage one {
    task in_session { run ok  requires SESSION }
    task pre_open { run ok  requires PRE_OPEN }
    task waits { run slow_ok  requires SESSION wait 1m }
    task after_skipped { run ok  after in_session }
  }
  trigger OPEN { at open  on trading_days }
}
"#;

#[test]
fn a_task_out_of_its_market_state_is_skipped_with_the_state_named() {
    let f = Fixture::new("requires-skip", PIPE);
    // 05:00 in New York: PRE_OPEN. `waits` would need 4h30 for the open.
    let out = f.run(&[
        "--no-state",
        "--as-of",
        "2026-11-30",
        "--now",
        "2026-11-30T10:00:00Z",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(f.status("in_session"), "skipped");
    assert_eq!(
        f.message("in_session"),
        "market XNYS is PRE_OPEN at 2026-11-30 05:00 EST (2026-11-30T10:00:00Z); the task requires SESSION"
    );
    assert_eq!(f.status("pre_open"), "completed");
    assert_eq!(f.status("waits"), "skipped");
    assert!(
        f.message("waits")
            .ends_with("does not enter SESSION within its wait of 1m"),
        "{}",
        f.message("waits")
    );
    // Skipped for its market, like a day condition: its dependents run.
    assert_eq!(f.status("after_skipped"), "completed");
}

#[test]
fn a_task_waits_for_its_state_within_its_bound() {
    let f = Fixture::new("requires-wait", PIPE);
    // 300 ms before the open: `waits` waits for SESSION, then runs.
    let out = f.run(&[
        "--no-state",
        "--as-of",
        "2026-11-30",
        "--now",
        "2026-11-30T14:29:59.700Z",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(f.status("waits"), "completed", "{}", f.message("waits"));
    assert_eq!(f.status("in_session"), "skipped");
}

#[test]
fn ignore_market_state_runs_everything_and_the_run_records_it() {
    let f = Fixture::new("requires-override", PIPE);
    let out = f.run(&[
        "--no-state",
        "--as-of",
        "2026-11-30",
        "--now",
        "2026-11-30T10:00:00Z",
        "--ignore-market-state",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    for t in ["in_session", "pre_open", "waits", "after_skipped"] {
        assert_eq!(f.status(t), "completed", "{t}");
    }
    let started = f.events_of("run_started");
    assert_eq!(started[0]["ignore_market_state"], true);
    let warnings = f.summary()["warnings"].to_string();
    assert!(
        warnings.contains("market states were not enforced"),
        "{warnings}"
    );
}

#[test]
fn a_manual_run_on_a_day_no_trigger_fires_is_refused() {
    let f = Fixture::new("requires-holiday", PIPE);
    // Thanksgiving: XNYS is closed, OPEN does not fire.
    let out = f.run(&["--no-state", "--as-of", "2026-11-26"]);
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(
            "no trigger of `p` fires on 2026-11-26 (Thursday); the next day one does is 2026-11-27 (Friday, `OPEN`)"
        ),
        "{}",
        text(&out.stderr)
    );
    assert!(!f.run_dir().exists(), "nothing ran");
    let out = f.run(&[
        "--no-state",
        "--as-of",
        "2026-11-26",
        "--any-day",
        "--ignore-market-state",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
}
