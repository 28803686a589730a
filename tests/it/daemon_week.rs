//! The daemon on a virtual clock: a week of the trading-day pipeline's
//! triggers (with a DST change, and a holiday week) fires exactly as
//! `firings::timeline` predicts; real runs are recorded per run key; missed
//! firings follow their trigger's policy; one daemon per store.

use chrono::{DateTime, Utc};
use pipec::clock::{Clock, Sleep, VirtualClock};
use pipec::daemon::{run_daemon, DaemonLock, DaemonOptions, Target};
use pipec::firings::{timeline, Firing};
use pipec::ir::{PipelineId, Program};
use pipec::store::Store;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

fn program(path: &Path) -> Program {
    let c = pipec::compile::compile(path).unwrap();
    assert!(
        !c.diagnostics
            .iter()
            .any(pipec::diagnostic::Diagnostic::is_error),
        "{:?}",
        c.diagnostics
    );
    c.program.unwrap()
}

pub(crate) fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn folder(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("daemon-tests")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

type Seen = Arc<Mutex<Vec<(Firing, String)>>>;

/// The daemon's inputs: the pipelines of `file` that have triggers, the state
/// in `state`, virtual time from `start` until `until`, no dry run. Tests
/// change the options they need; sending `true` on the sender stops it.
pub(crate) fn setup(
    file: &Path,
    state: PathBuf,
    start: &str,
    until: &str,
) -> (Vec<Target>, DaemonOptions, tokio::sync::watch::Sender<bool>) {
    let program = Arc::new(program(file));
    let pipelines: Vec<PipelineId> = (0..program.pipelines.len())
        .map(|i| PipelineId(i as u32))
        .filter(|p| !program.pipeline(*p).triggers.is_empty())
        .collect();
    let (stop, rx) = tokio::sync::watch::channel(false);
    let clock: Arc<dyn Clock> = Arc::new(VirtualClock::new(at(start)));
    let notices = pipec::notify::Dispatcher::new(
        program.clone(),
        &pipelines,
        Some(state.clone()),
        clock.clone(),
    )
    .unwrap();
    let options = DaemonOptions {
        state,
        clock,
        dry_run: false,
        until: Some(at(until)),
        stop: rx,
        on_firing: None,
    };
    let targets = vec![Target {
        file: file.to_path_buf(),
        program,
        pipelines,
        notices,
    }];
    (targets, options, stop)
}

/// Makes `options` record each firing and what became of it.
fn record_firings(options: &mut DaemonOptions) -> Seen {
    let seen: Seen = Arc::default();
    let sink = seen.clone();
    options.on_firing = Some(Arc::new(move |f: &Firing, s: &str| {
        sink.lock().unwrap().push((f.clone(), s.to_string()));
    }));
    seen
}

/// Runs the daemon on virtual time from `start` until `until`.
fn drive(
    file: &Path,
    state: &Path,
    start: &str,
    until: &str,
    dry_run: bool,
) -> (Vec<(Firing, String)>, pipec::daemon::DaemonReport) {
    let (targets, mut options, _stop) = setup(file, state.to_path_buf(), start, until);
    options.dry_run = dry_run;
    let seen = record_firings(&mut options);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let report = rt.block_on(run_daemon(targets, options)).unwrap();
    let seen = seen.lock().unwrap().clone();
    (seen, report)
}

fn expect_timeline(name: &str, start: &str, until: &str) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("pipelines/trading_day.pipe");
    let dir = folder(name);
    let state = dir.join("state.db");
    let (seen, report) = drive(&file, &state, start, until, true);
    let program = program(&file);
    let pids: Vec<PipelineId> = (0..program.pipelines.len())
        .map(|i| PipelineId(i as u32))
        .collect();
    let until_incl = at(until) + chrono::Duration::milliseconds(1);
    let expected = timeline(&program, &pids, at(start), Some(until_incl), 100_000).unwrap();
    let got: Vec<(DateTime<Utc>, String, String)> = seen
        .iter()
        .map(|(f, _)| (f.at, f.pipeline.clone(), f.trigger.clone()))
        .collect();
    let want: Vec<(DateTime<Utc>, String, String)> = expected
        .iter()
        .map(|f| (f.at, f.pipeline.clone(), f.trigger.clone()))
        .collect();
    assert_eq!(got, want);
    assert!(
        want.len() > 30,
        "a week of the trading day has many firings: {}",
        want.len()
    );
    assert_eq!(report.fired, want.len());
    // And the store recorded each one.
    let rows = Store::open(&state).unwrap().firings().unwrap();
    assert_eq!(rows.len(), want.len());
    assert!(rows.iter().all(|r| r.status == "dry"));
}

#[test]
fn a_week_across_the_dst_change_fires_as_the_timeline_predicts() {
    // US clocks move forward on Sunday 2026-03-08.
    expect_timeline("dst", "2026-03-06T00:00:00Z", "2026-03-13T23:59:00Z");
}

#[test]
fn thanksgiving_week_fires_as_the_timeline_predicts() {
    // Thursday 2026-11-26 closed; Friday closes early.
    expect_timeline(
        "thanksgiving",
        "2026-11-23T00:00:00Z",
        "2026-11-30T23:59:00Z",
    );
}

const NOOP: &str = r#"
handler ping { builtin noop }
pipeline daily {
  calendar XNYS
  stage morning {
    task ping
  }
  stage evening {
    task pong { run ping }
  }
  trigger MORNING { at 09:00 stages morning }
  trigger EVENING { at close stages evening  missed run_late within 2h }
}
"#;

#[test]
fn firings_run_their_stages_as_durable_runs() {
    let dir = folder("runs");
    let file = dir.join("main.pipe");
    std::fs::write(&file, NOOP).unwrap();
    let state = dir.join("state.db");
    // Monday to Wednesday of Thanksgiving week: three mornings, three evenings.
    let (seen, report) = drive(
        &file,
        &state,
        "2026-11-23T00:00:00Z",
        "2026-11-26T00:00:00Z",
        false,
    );
    assert_eq!(report.fired, 6, "{seen:?}");
    let db = Store::open(&state).unwrap();
    let runs = db.runs(None, 100).unwrap();
    assert_eq!(runs.len(), 6);
    assert!(runs.iter().all(|r| r.status == "succeeded"), "{runs:?}");
    let mut keys: Vec<(String, String)> = runs
        .iter()
        .map(|r| (r.as_of.clone(), r.trigger.clone()))
        .collect();
    keys.sort();
    assert_eq!(keys[0], ("2026-11-23".to_string(), "EVENING".to_string()));
    assert_eq!(keys[5], ("2026-11-25".to_string(), "MORNING".to_string()));
    let firings = db.firings().unwrap();
    assert!(
        firings
            .iter()
            .all(|f| f.status == "succeeded" && f.run_id.is_some()),
        "{firings:?}"
    );
}

#[test]
fn after_downtime_missed_firings_follow_their_policy() {
    let dir = folder("missed");
    let file = dir.join("main.pipe");
    std::fs::write(&file, NOOP).unwrap();
    let state = dir.join("state.db");
    // Up on Monday 2026-11-23 only.
    drive(
        &file,
        &state,
        "2026-11-23T00:00:00Z",
        "2026-11-23T23:00:00Z",
        true,
    );
    // Down until Wednesday 22:30 UTC: the close (21:00 UTC) was 1h30 ago.
    let (seen, report) = drive(
        &file,
        &state,
        "2026-11-25T22:30:00Z",
        "2026-11-25T23:00:00Z",
        true,
    );
    let statuses: Vec<(String, String, String)> = seen
        .iter()
        .map(|(f, s)| (f.at.to_rfc3339(), f.trigger.clone(), s.clone()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            // MORNING (skip): Tuesday's and Wednesday's missed.
            (
                "2026-11-24T14:00:00+00:00".into(),
                "MORNING".into(),
                "missed".into()
            ),
            (
                "2026-11-25T14:00:00+00:00".into(),
                "MORNING".into(),
                "missed".into()
            ),
            // EVENING (run_late within 2h): Tuesday's too old, Wednesday's runs late.
            (
                "2026-11-24T21:00:00+00:00".into(),
                "EVENING".into(),
                "missed".into()
            ),
            (
                "2026-11-25T21:00:00+00:00".into(),
                "EVENING".into(),
                "dry".into()
            ),
        ]
    );
    assert_eq!((report.missed, report.fired), (3, 1));
}

#[test]
fn one_daemon_per_store() {
    let dir = folder("lock");
    let file = dir.join("main.pipe");
    std::fs::write(&file, NOOP).unwrap();
    let state = dir.join("state.db");
    let held = DaemonLock::acquire(&state).unwrap();
    let (targets, mut options, _stop) = setup(
        &file,
        state.clone(),
        "2026-11-23T00:00:00Z",
        "2026-11-24T00:00:00Z",
    );
    options.dry_run = true;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = rt.block_on(run_daemon(targets, options)).unwrap_err();
    assert!(
        matches!(err, pipec::daemon::Error::Locked { pid, .. } if pid == i64::from(std::process::id())),
        "{err}"
    );
    assert!(err.to_string().contains("another daemon"), "{err}");
    drop(held);
    assert!(!DaemonLock::path_for(&state).exists());
}

const SLOW: &str = r#"
handler slow { shell "touch started; sleep 30" }
pipeline daily {
  calendar XNYS
  stage morning {
    task wait { run slow }
  }
  trigger MORNING { at 09:00 stages morning }
}
"#;

#[test]
fn stopping_interrupts_the_runs_in_flight_and_records_it() {
    let dir = folder("stop");
    let file = dir.join("main.pipe");
    std::fs::write(&file, SLOW).unwrap();
    let state = dir.join("state.db");
    let (targets, options, tx) = setup(
        &file,
        state.clone(),
        "2026-11-23T00:00:00Z",
        "2026-11-23T23:00:00Z",
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let started = dir.join("started");
    rt.block_on(async move {
        let daemon = tokio::spawn(run_daemon(targets, options));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !started.exists() {
            assert!(
                std::time::Instant::now() < deadline,
                "the firing never started its task"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        tx.send(true).unwrap();
        daemon.await.unwrap().unwrap();
    });
    let db = Store::open(&state).unwrap();
    let runs = db.runs(None, 10).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].status, "interrupted", "{runs:?}");
    let firings = db.firings().unwrap();
    assert_eq!(firings.len(), 1);
    assert_eq!(firings[0].status, "interrupted");
    assert!(!DaemonLock::path_for(&state).exists());
}

/// A clock that always wakes 90 minutes late (a machine that slept).
pub(crate) struct Oversleeper(pub(crate) VirtualClock);

impl Clock for Oversleeper {
    fn now(&self) -> DateTime<Utc> {
        self.0.now()
    }
    fn monotonic(&self) -> std::time::Duration {
        self.0.monotonic()
    }
    fn sleep(&self, length: std::time::Duration) -> Sleep {
        self.0.sleep(length)
    }
    fn sleep_until(&self, at: DateTime<Utc>) -> Sleep {
        self.0.sleep_until(at + chrono::Duration::minutes(90))
    }
    fn limit(&self, length: std::time::Duration) -> Sleep {
        self.0.limit(length)
    }
}

#[test]
fn waking_late_applies_the_missed_firing_policy() {
    let dir = folder("late");
    let file = dir.join("main.pipe");
    std::fs::write(&file, NOOP).unwrap();
    let (targets, mut options, _stop) = setup(
        &file,
        dir.join("state.db"),
        "2026-11-23T00:00:00Z",
        "2026-11-23T23:00:00Z",
    );
    options.clock = Arc::new(Oversleeper(VirtualClock::new(at("2026-11-23T00:00:00Z"))));
    options.dry_run = true;
    let seen = record_firings(&mut options);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run_daemon(targets, options)).unwrap();
    let got: Vec<(String, String)> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(f, s)| (f.trigger.clone(), s.clone()))
        .collect();
    // MORNING (skip) 90 minutes late is missed; EVENING (run_late within 2h) runs.
    assert_eq!(
        got,
        vec![
            ("MORNING".into(), "missed".into()),
            ("EVENING".into(), "dry".into())
        ]
    );
}

/// A paused pipeline's firings are recorded `paused` and start no run, across
/// a restart of the daemon (the pause is in the store); once resumed, its
/// triggers fire again.
#[test]
fn a_paused_pipelines_firings_start_nothing_until_resumed() {
    let dir = folder("paused");
    let file = dir.join("main.pipe");
    std::fs::write(
        &file,
        "handler ok { builtin noop }\npipeline paused_desk {\n  calendar XNYS\n  stage s { task ok }\n  trigger MORNING { at 09:00 }\n}\n",
    )
    .unwrap();
    let state = dir.join("state.db");
    assert!(Store::open(&state)
        .unwrap()
        .pause("paused_desk", at("2026-11-22T12:00:00Z"))
        .unwrap());
    // Two daemons one after the other: the second still sees the pause.
    let mut seen = Vec::new();
    for (start, until) in [
        ("2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z"),
        ("2026-11-24T00:00:00Z", "2026-11-25T00:00:00Z"),
    ] {
        let (firings, report) = drive(&file, &state, start, until, false);
        assert_eq!(report.fired, 0, "{firings:?}");
        seen.extend(firings);
    }
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        seen.iter().all(|(_, status)| status == "paused"),
        "{seen:?}"
    );
    assert!(Store::open(&state)
        .unwrap()
        .runs(None, 10)
        .unwrap()
        .is_empty());
    assert!(Store::open(&state)
        .unwrap()
        .resume_triggers("paused_desk")
        .unwrap());
    let (seen, report) = drive(
        &file,
        &state,
        "2026-11-25T00:00:00Z",
        "2026-11-26T00:00:00Z",
        false,
    );
    assert_eq!(report.fired, 1, "{seen:?}");
}
