//! Every bundled pipeline runs end to end with its shell handlers, and the
//! trading day shows each failure policy firing on its synthetic data.

use crate::common;

use serde_json::Value;
use std::path::Path;

/// Runs an example into a fresh run folder and state store, so no earlier run
/// of the same day is resumed; the exit code and `summary.json`.
/// Runs every stage of an example at once, as of Friday 2026-11-20, with the
/// clock at `now`: an instant its `requires` allow (every stage at one
/// instant is the test's shortcut; triggers spread them over the day).
fn run_example(file: &str, dir: &Path, now: &str) -> (i32, Value) {
    run_example_with(file, dir, &["--now", now])
}

fn run_example_with(file: &str, dir: &Path, extra: &[&str]) -> (i32, Value) {
    let as_of: &[&str] = if extra.contains(&"--as-of") {
        &[]
    } else {
        &["--as-of", "2026-11-20"]
    };
    let output = common::pipec()
        .args(["run", file, "--view", "lines"])
        .args(as_of)
        .args(extra)
        .arg("--run-dir")
        .arg(dir)
        .arg("--state")
        .arg(dir.with_extension("db"))
        // The agent workflow's alert webhook (nothing is sent when all goes well).
        .env("ALERT_WEBHOOK_URL", "http://127.0.0.1:9/alerts")
        .output()
        .expect("pipec runs");
    let summary = std::fs::read_to_string(dir.join("summary.json")).unwrap_or_else(|e| {
        panic!(
            "{file}: no summary ({e}):\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (
        output.status.code().unwrap_or(-1),
        serde_json::from_str(&summary).expect("summary.json is JSON"),
    )
}

fn task<'a>(summary: &'a Value, name: &str) -> &'a Value {
    summary["tasks"]
        .as_array()
        .and_then(|tasks| tasks.iter().find(|t| t["task"] == name))
        .unwrap_or_else(|| panic!("no task {name} in {summary:#}"))
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pipec-example-{name}-{}", std::process::id()));
    cleanup(&dir);
    dir
}

/// The run folder and the state store beside it.
fn cleanup(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    for suffix in ["db", "db-wal", "db-shm", "db.daemon.lock"] {
        let _ = std::fs::remove_file(dir.with_extension(suffix));
    }
}

/// The 34 tasks of the design document the trading day models, stage by stage.
const SEED_TASKS: [&str; 34] = [
    "health_check",
    "broker_connect",
    "data_integrity",
    "kill_switch_check",
    "polygon_data_refresh",
    "universe_validation",
    "indicator_precalc",
    "vix_treasury_fetch",
    "detect_regime",
    "scan_universe",
    "rank_signals",
    "markov_scoring",
    "check_news",
    "check_earnings",
    "check_political",
    "sentiment_analysis",
    "quality_gate",
    "apply_semantic_rules",
    "calculate_sizes",
    "select_top_5_to_2",
    "execute_trades",
    "monitor_positions",
    "check_stops",
    "evaluate_exits",
    "reconcile_broker",
    "calc_pnl",
    "log_trades",
    "generate_reports",
    "daily_reflection",
    "experiments",
    "backtests",
    "ml_retrain",
    "scraping",
    "curiosity_engine",
];

#[test]
fn the_trading_day_runs_and_every_policy_fires() {
    let dir = temp_dir("trading_day");
    // 10:00 in New York: the session, which execution requires.
    let (code, summary) = run_example("pipelines/trading_day.pipe", &dir, "2026-11-20T15:00:00Z");
    assert_eq!(code, 0, "{summary:#}");
    // The design document's 34 tasks, each under its name, each run.
    let names: Vec<&str> = summary["tasks"]
        .as_array()
        .expect("a task list")
        .iter()
        .filter_map(|t| t["task"].as_str())
        .collect();
    assert_eq!(names.len(), SEED_TASKS.len(), "{names:?}");
    for name in &SEED_TASKS {
        assert!(names.contains(name), "{name} missing from {names:?}");
    }
    // retry: the vendor refuses the first pull of the day.
    assert_eq!(
        task(&summary, "polygon_data_refresh")["status"],
        "completed"
    );
    assert_eq!(task(&summary, "polygon_data_refresh")["attempts"], 2);
    // warn: one symbol's bar is missing; the gate accepts the warning.
    assert_eq!(task(&summary, "data_integrity")["status"], "warned");
    // default: too few symbols to call a regime, so the declared neutral regime stands.
    assert_eq!(task(&summary, "detect_regime")["status"], "defaulted");
    assert_eq!(summary["context"]["regime"], "neutral");
    // skip: no API key for the optional sentiment feed.
    assert_eq!(task(&summary, "sentiment_analysis")["status"], "skipped");
    // The execution gate reads what execute_trades reported: every order placed.
    let orders = summary["context"]["orders"].as_array().expect("orders");
    assert!(!orders.is_empty(), "{summary:#}");
    assert_eq!(summary["context"]["orders_needed"], orders.len());
    assert_eq!(task(&summary, "reconcile_broker")["status"], "completed");
    cleanup(&dir);
}

#[test]
fn a_gate_stops_the_day() {
    let dir = temp_dir("gate");
    let (code, summary) = run_example(
        "pipelines/gate_stops_day.pipe",
        &dir,
        "2026-11-20T15:00:00Z",
    );
    assert_eq!(code, 1);
    let reason = summary["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("gate `no_blockers` failed"), "{reason}");
    assert_eq!(task(&summary, "execute_trades")["status"], "skipped");
    cleanup(&dir);
}

#[test]
fn the_other_examples_run_clean() {
    // 16:30 in New York, POST_CLOSE: what master's extended-hours task and
    // market_dag's after-close stages require. The agent workflow's stages
    // require states of different hours (pre-market, the open, the session):
    // all of them at one instant is only possible by lifting the rule.
    for (example, extra) in [
        ("master", ["--now", "2026-11-20T21:30:00Z"]),
        ("alpha_manifest", ["--now", "2026-11-20T21:30:00Z"]),
        ("agent_workflow", ["--ignore-market-state", "--any-day"]),
        ("market_dag", ["--now", "2026-11-20T21:30:00Z"]),
    ] {
        let dir = temp_dir(example);
        let (code, summary) = run_example_with(&format!("pipelines/{example}.pipe"), &dir, &extra);
        assert_eq!(code, 0, "{example}: {summary:#}");
        assert_eq!(summary["status"], "succeeded", "{example}");
        cleanup(&dir);
    }
}

/// Ten symbols fetched and scored by one instance each; the vendor misses one
/// symbol's bar, which `max_failures` tolerates, and the gates read the
/// gathered lists, in universe order.
#[test]
fn the_per_symbol_fan_out_gathers_its_instances_for_the_gates() {
    let dir = temp_dir("per_symbol");
    let (code, summary) = run_example("pipelines/per_symbol.pipe", &dir, "2026-11-20T21:30:00Z");
    assert_eq!(code, 0, "{summary:#}");
    let universe: Vec<&str> = summary["context"]["universe"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(universe.len(), 10);
    let scored: Vec<&str> = summary["context"]["scores"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["symbol"].as_str())
        .collect();
    assert_eq!(scored.len(), 9, "{scored:?}");
    let in_order: Vec<&str> = universe
        .iter()
        .copied()
        .filter(|u| scored.contains(u))
        .collect();
    assert_eq!(scored, in_order, "gathered in universe order");
    let missing = universe.iter().find(|u| !scored.contains(u)).unwrap();
    assert_eq!(
        task(&summary, "fetch_symbol")["message"],
        format!("10 instances, 1 failed within `max_failures`: `fetch_symbol[{missing}]`")
    );
    assert_eq!(task(&summary, "publish_scores")["status"], "completed");
    cleanup(&dir);
}

#[test]
fn the_manifest_audit_trail_lists_every_step() {
    let dir = temp_dir("alpha");
    let (_, summary) = run_example(
        "pipelines/alpha_manifest.pipe",
        &dir,
        "2026-11-20T21:30:00Z",
    );
    let steps: Vec<&str> = summary["context"]["audit"]
        .as_array()
        .expect("an audit list")
        .iter()
        .filter_map(|a| a["step"].as_str())
        .collect();
    // The manifest's alpha.full steps, each once: lists append, so a step
    // that copied another's entry would show up here twice.
    for step in [
        "ingest",
        "inference_model_a",
        "inference_model_b",
        "ensemble",
        "clustering",
        "policy",
        "synthesis",
        "risk_optimize",
        "publish",
    ] {
        let times = steps.iter().filter(|s| **s == step).count();
        assert_eq!(times, 1, "{step} in {steps:?}");
    }
    cleanup(&dir);
}

/// The trading day's POWER_HOUR trigger fires at 14:30 in New York; on the
/// day after Thanksgiving the market closes at 13:00, so execution (which
/// requires PRE_OPEN or SESSION) must not send orders: its tasks are skipped
/// with the market's state in the reason.
#[test]
fn power_hour_on_an_early_close_day_sends_no_orders() {
    let dir = temp_dir("early_close");
    let (code, summary) = run_example_with(
        "pipelines/trading_day.pipe",
        &dir,
        &[
            "--trigger",
            "POWER_HOUR",
            "--as-of",
            "2026-11-27",
            "--now",
            "2026-11-27T19:30:00Z",
        ],
    );
    assert_eq!(code, 0, "{summary:#}");
    let submit = task(&summary, "execute_trades");
    assert_eq!(submit["status"], "skipped", "{summary:#}");
    let reason = submit["message"].as_str().unwrap_or_default();
    assert!(
        reason.contains("market XNYS is POST_CLOSE at 2026-11-27 14:30 EST")
            && reason.contains("requires PRE_OPEN or SESSION"),
        "{reason}"
    );
    cleanup(&dir);
}
