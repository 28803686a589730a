//! `pipec health` and `pipec run --stale`: sources green/yellow/red by the age
//! of their producer's last success, in wall-clock time or trading sessions.

use crate::durable_common;

use durable_common::{text, Fixture, TEN_TASKS};

fn health(f: &Fixture, now: &str) -> (Option<i32>, String) {
    let out = f
        .command(&["health", "main.pipe", "--now", now])
        .output()
        .unwrap();
    assert!(out.stderr.is_empty(), "{}", text(&out));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn ages_in_minutes_go_green_yellow_red() {
    let f = Fixture::new("health-minutes", TEN_TASKS);
    let (code, never) = health(&f, "2026-11-20T15:00:00Z");
    assert_eq!(code, Some(1));
    assert!(
        never.contains("RED") && never.contains("never produced"),
        "{never}"
    );

    let out = f.run(&["--now", "2026-11-20T15:00:00Z"]);
    assert!(out.status.success(), "{}", text(&out));
    let (code, s) = health(&f, "2026-11-20T15:04:00Z");
    assert_eq!(code, Some(0), "{s}");
    assert!(s.contains("ten/counts  GREEN  4m"), "{s}");
    assert!(s.contains("1 source(s): 1 green, 0 yellow, 0 red"), "{s}");
    let (code, s) = health(&f, "2026-11-20T15:10:00Z");
    assert_eq!(code, Some(0), "{s}");
    assert!(s.contains("YELLOW"), "{s}");
    let (code, s) = health(&f, "2026-11-20T15:16:00Z");
    assert_eq!(code, Some(1), "{s}");
    assert!(s.contains("RED"), "{s}");

    let json = f
        .command(&[
            "health",
            "main.pipe",
            "--now",
            "2026-11-20T15:10:00Z",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["sources"][0]["level"], "yellow");
    assert_eq!(v["sources"][0]["producer"], "c3");
    assert_eq!(v["sources"][0]["age_millis"], 600_000);
    assert_eq!(v["summary"]["yellow"], 1);
}

const EOD: &str = r#"
handler eod {
  shell "echo eod >> ran.txt"
}
pipeline eod_day {
  calendar XNYS
  stage close {
    task eod_prices { run eod }
  }
  source eod_prices { producer eod_prices green 1 session yellow 2 sessions }
}
"#;

#[test]
fn ages_in_sessions_skip_weekends_and_holidays() {
    let f = Fixture::new("health-sessions", EOD);
    // Produced Wednesday 2026-11-25 after the close; Thursday is Thanksgiving,
    // Friday closes early (13:00 New York).
    let out = f.run(&["--now", "2026-11-25T21:30:00Z"]);
    assert!(out.status.success(), "{}", text(&out));
    // Monday morning: only Friday's short session closed since. Green, though
    // the data is four and a half days old.
    let (code, s) = health(&f, "2026-11-30T15:00:00Z");
    assert_eq!(code, Some(0), "{s}");
    assert!(
        s.contains("GREEN") && s.contains("(1 session closed)"),
        "{s}"
    );
    // Monday after the close: two sessions.
    let (_, s) = health(&f, "2026-11-30T21:30:00Z");
    assert!(
        s.contains("YELLOW") && s.contains("(2 sessions closed)"),
        "{s}"
    );
    // Tuesday after the close: three, red.
    let (code, s) = health(&f, "2026-12-01T21:30:00Z");
    assert_eq!(code, Some(1), "{s}");
    assert!(s.contains("RED"), "{s}");
}

#[test]
fn run_stale_reruns_only_the_producers_of_stale_data() {
    let f = Fixture::new("stale", TEN_TASKS);
    assert!(f.run(&["--now", "2026-11-20T15:00:00Z"]).status.success());
    let fresh = f
        .command(&[
            "run",
            "main.pipe",
            "--stale",
            "--now",
            "2026-11-20T15:01:00Z",
            "--view",
            "quiet",
        ])
        .output()
        .unwrap();
    assert!(fresh.status.success(), "{}", text(&fresh));
    assert!(String::from_utf8_lossy(&fresh.stderr).contains("nothing is stale"));

    // Yellow at 15:10: only with the default --min-staleness yellow.
    let red_only = f
        .command(&[
            "run",
            "main.pipe",
            "--stale",
            "--min-staleness",
            "red",
            "--now",
            "2026-11-20T15:10:00Z",
            "--view",
            "quiet",
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&red_only.stderr).contains("nothing is stale"),
        "{}",
        text(&red_only)
    );
    let out = f
        .command(&[
            "run",
            "main.pipe",
            "--stale",
            "--now",
            "2026-11-20T15:10:00Z",
            "--view",
            "quiet",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("counts (yellow, producer c3)"),
        "{}",
        text(&out)
    );
    assert_eq!(f.count("c3"), 2, "the producer ran again");
    for t in ["a1", "b4", "c1", "c2"] {
        assert_eq!(f.count(t), 1, "`{t}` is not a producer of stale data");
    }
    let (code, s) = health(&f, "2026-11-20T15:11:00Z");
    assert_eq!(code, Some(0));
    assert!(s.contains("GREEN"), "{s}");
}

/// One source, declared once, produced by two pipelines.
const SHARED: &str = r#"
handler fetch { builtin noop }
source prices { green 5m  yellow 15m }
pipeline daily {
  stage load { task fetch_daily { run fetch  produces prices } }
}
pipeline intraday {
  stage load { task fetch_intraday { run fetch  produces prices } }
}
"#;

/// Two pipelines produce one shared source at different times: `health`
/// lists it once, judged from the latest production, naming who made it.
#[test]
fn a_shared_source_is_one_line_from_its_latest_production() {
    let f = Fixture::new("health-shared", SHARED);
    let out = f.run(&["--pipeline", "daily", "--now", "2026-11-20T15:00:00Z"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = f.run(&["--pipeline", "intraday", "--now", "2026-11-20T15:08:00Z"]);
    assert!(out.status.success(), "{}", text(&out));

    let (code, s) = health(&f, "2026-11-20T15:10:00Z");
    assert_eq!(code, Some(0), "{s}");
    let lines: Vec<&str> = s.lines().filter(|l| l.starts_with("prices")).collect();
    assert_eq!(lines.len(), 1, "{s}");
    // 2m since intraday's production: green (daily's alone would be yellow).
    assert!(lines[0].contains("GREEN  2m"), "{s}");
    assert!(lines[0].contains("intraday/fetch_intraday"), "{s}");
    assert!(s.contains("1 source(s): 1 green, 0 yellow, 0 red"), "{s}");

    // Each pipeline's own view is the same judgement.
    for pipeline in ["daily", "intraday"] {
        let out = f
            .command(&[
                "health",
                "main.pipe",
                "--pipeline",
                pipeline,
                "--now",
                "2026-11-20T15:10:00Z",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["sources"].as_array().map(Vec::len), Some(1), "{v}");
        assert_eq!(v["sources"][0]["level"], "green", "{pipeline}: {v}");
        assert_eq!(v["sources"][0]["pipeline"], "intraday", "{pipeline}: {v}");
        assert_eq!(v["sources"][0]["shared"], true, "{pipeline}: {v}");
    }
}
