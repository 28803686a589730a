//! Notifications through a real local HTTP server and a real command, the
//! run's watch (deadlines missed or at risk, stuck tasks) on a virtual
//! clock, and what the store keeps of each delivery.

use crate::durable_common::Fixture;
use pipec::clock::{Clock, VirtualClock};
use pipec::run::{execute, Event, EventKind, Observer, RunOptions, RunStatus};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A webhook receiver on a free loopback port: keeps each POSTed JSON body
/// and answers every request with `status`.
struct Hook {
    port: u16,
    bodies: Arc<Mutex<Vec<Value>>>,
}

impl Hook {
    fn start(status: u16) -> Hook {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let bodies: Arc<Mutex<Vec<Value>>> = Arc::default();
        let kept = bodies.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_ok() {
                    if let Ok(json) = serde_json::from_slice(&body) {
                        kept.lock().unwrap().push(json);
                    }
                }
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} Status\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        });
        Hook { port, bodies }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    /// The bodies received, once there are `n` (bounded wait).
    fn wait_for(&self, n: usize) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let bodies = self.bodies.lock().unwrap().clone();
            if bodies.len() >= n {
                return bodies;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "{} of {n} notifications arrived: {bodies:?}",
                bodies.len()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn of(&self, event: &str) -> Vec<Value> {
        self.bodies
            .lock()
            .unwrap()
            .iter()
            .filter(|b| b["event"] == event)
            .cloned()
            .collect()
    }
}

#[test]
fn a_failed_run_posts_to_its_webhook_and_the_delivery_is_recorded() {
    let hook = Hook::start(200);
    let f = Fixture::new(
        "notify-webhook",
        &format!(
            r#"
notifier ops {{ webhook "{}" }}
handler boom {{ shell "echo 'broker said no' >&2; exit 3" }}
handler ok {{ builtin noop }}
pipeline desk {{
  notify ops on run_failed, task_failed
  notify ops on gate_failed
  stage one {{
    task fine {{ run ok }}
    task orders {{ run boom }}
  }}
}}
"#,
            hook.url()
        ),
    );
    let out = f.run(&[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // `pipec run` waits for its deliveries before it exits.
    let bodies = hook.wait_for(2);
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    let task = &hook.of("task_failed")[0];
    assert_eq!(task["notification_version"], 1);
    assert_eq!(task["pipeline"], "desk");
    assert_eq!(task["as_of"], "2026-11-20");
    assert_eq!(task["stage"], "one");
    assert_eq!(task["task"], "orders");
    assert_eq!(
        task["details"]["cause"],
        serde_json::json!({ "kind": "exit", "code": 3 })
    );
    assert!(
        task["summary"].as_str().unwrap().contains("broker said no"),
        "{task}"
    );
    let run = &hook.of("run_failed")[0];
    assert_eq!(run["run_id"], task["run_id"]);
    let deliveries = f.store().deliveries(None, false, 10).unwrap();
    assert_eq!(deliveries.len(), 2, "{deliveries:?}");
    assert!(deliveries
        .iter()
        .all(|d| d.status == "delivered" && d.attempts == 1 && d.notifier == "ops"));
}

#[test]
fn an_exec_notifier_reads_the_body_on_stdin() {
    let f = Fixture::new(
        "notify-exec",
        r#"
notifier pager { exec "./page.sh" "--urgent" }
handler ok { builtin noop }
pipeline desk {
  notify pager on run_succeeded
  stage one { task fine { run ok } }
}
"#,
    );
    f.script(
        "page.sh",
        "#!/bin/sh\necho \"$1\" > paged.txt\ncat >> paged.txt\n",
    );
    let out = f.run(&[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let paged = std::fs::read_to_string(f.dir.join("paged.txt")).unwrap();
    let (flag, body) = paged.split_once('\n').unwrap();
    assert_eq!(flag, "--urgent");
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["event"], "run_succeeded");
    assert_eq!(body["pipeline"], "desk");
}

#[test]
fn a_notifier_secret_missing_from_the_environment_stops_the_run_before_it_starts() {
    let f = Fixture::new(
        "notify-secret",
        r#"
notifier desk { slack secret "PIPEC_TEST_NO_SUCH_HOOK" }
handler ok { builtin noop }
pipeline p {
  notify desk on run_failed
  stage one { task fine { run ok } }
}
"#,
    );
    let out = f.run(&[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("PIPEC_TEST_NO_SUCH_HOOK"), "{stderr}");
    // Refused before the run was claimed: not even a store was made.
    assert!(!f.state().exists());
}

/// Compiles `text` in a fresh folder; the program and its folder.
fn program(name: &str, text: &str) -> (Arc<pipec::ir::Program>, std::path::PathBuf) {
    let f = Fixture::new(name, text);
    let compilation = pipec::compile::compile(&f.dir.join("main.pipe")).unwrap();
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    (Arc::new(compilation.program.unwrap()), f.dir.clone())
}

#[derive(Default)]
struct Collect(Mutex<Vec<Event>>);
impl Observer for Collect {
    fn event(&self, event: &Event) {
        self.0.lock().unwrap().push(event.clone());
    }
}

/// Runs pipeline `p` of `program` on a virtual clock from `start`, with the
/// given average runtimes, notifying through a dispatcher; its events.
async fn run_virtual(
    program: &Arc<pipec::ir::Program>,
    dir: &std::path::Path,
    start: &str,
    averages: &[(&str, u64)],
) -> (RunStatus, Vec<Event>) {
    let clock: Arc<dyn Clock> = Arc::new(VirtualClock::new(start.parse().unwrap()));
    let notices = pipec::notify::Dispatcher::new(
        program.clone(),
        &[program.find_pipeline("p").unwrap()],
        Some(dir.join("state.db")),
        clock.clone(),
    )
    .unwrap();
    let mut options = RunOptions::new(program.find_pipeline("p").unwrap(), dir.join("run"));
    options.clock = clock;
    options.averages = Arc::new(
        averages
            .iter()
            .map(|(task, ms)| ((*task).to_string(), *ms))
            .collect(),
    );
    let events = Arc::new(Collect::default());
    options.observers.push(events.clone());
    options.observers.push(notices.observer());
    let report = execute(program.clone(), options).await.unwrap();
    assert_eq!(notices.flush(Duration::from_secs(20)).await, 0);
    let events = events.0.lock().unwrap().clone();
    (report.status, events)
}

/// 2026-11-20 is a Friday: XNYS closes at 16:00 New York time, 21:00Z.
#[tokio::test]
async fn a_deadline_passed_during_a_run_is_missed_at_its_instant_and_notified() {
    let hook = Hook::start(200);
    let (program, dir) = program(
        "notify-deadline",
        &format!(
            r#"
notifier ops {{ webhook "{}" }}
handler slow {{ builtin sleep 1h }}
pipeline p {{
  calendar XNYS
  notify ops on deadline_missed
  deadline close - 15m
  stage one {{ task wait {{ run slow timeout 2h }} }}
}}
"#,
            hook.url()
        ),
    );
    let (status, events) = run_virtual(&program, &dir, "2026-11-20T20:00:00Z", &[]).await;
    assert_eq!(status, RunStatus::Succeeded);
    let missed: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::DeadlineMissed { .. }))
        .collect();
    assert_eq!(missed.len(), 1, "{events:?}");
    let deadline: chrono::DateTime<chrono::Utc> = "2026-11-20T20:45:00Z".parse().unwrap();
    assert_eq!(missed[0].time, deadline);
    assert!(matches!(
        &missed[0].kind,
        EventKind::DeadlineMissed { stage: None, deadline: d } if *d == deadline
    ));
    let body = &hook.wait_for(1)[0];
    assert_eq!(body["event"], "deadline_missed");
    assert_eq!(body["details"]["deadline"], "2026-11-20T20:45:00Z");
}

#[tokio::test]
async fn work_that_cannot_fit_before_a_stage_deadline_is_at_risk_before_it_is_missed() {
    let (program, dir) = program(
        "notify-at-risk",
        r#"
handler quick { builtin sleep 10m }
pipeline p {
  calendar XNYS
  stage one {
    deadline 10:00 in America/New_York
    task a { run quick timeout 1h }
    task b { run quick after a timeout 1h }
  }
}
"#,
    );
    // 09:30 New York: half an hour left, and a and b usually take 20 minutes each.
    let (status, events) = run_virtual(
        &program,
        &dir,
        "2026-11-20T14:30:00Z",
        &[("a", 20 * 60_000), ("b", 20 * 60_000)],
    )
    .await;
    assert_eq!(status, RunStatus::Succeeded);
    let at_risk: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::DeadlineAtRisk { .. }))
        .collect();
    assert_eq!(at_risk.len(), 1, "{events:?}");
    assert!(matches!(
        &at_risk[0].kind,
        EventKind::DeadlineAtRisk { stage: Some(s), expected_end, .. }
            if s == "one" && *expected_end == "2026-11-20T15:10:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap()
    ));
    // This time they took ten minutes each: the deadline was met.
    assert!(!events
        .iter()
        .any(|e| matches!(e.kind, EventKind::DeadlineMissed { .. })));
}

#[tokio::test]
async fn a_task_running_three_times_its_average_is_stuck_once() {
    let (program, dir) = program(
        "notify-stuck",
        r#"
handler slow { builtin sleep 40m }
pipeline p { stage one { task crawl { run slow timeout 1h } } }
"#,
    );
    let (status, events) = run_virtual(
        &program,
        &dir,
        "2026-11-20T14:00:00Z",
        &[("crawl", 10 * 60_000)],
    )
    .await;
    assert_eq!(status, RunStatus::Succeeded);
    let stuck: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::TaskStuck { .. }))
        .collect();
    assert_eq!(stuck.len(), 1, "{events:?}");
    assert_eq!(
        stuck[0].time,
        "2026-11-20T14:30:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    );
    assert!(matches!(
        &stuck[0].kind,
        EventKind::TaskStuck { task, running_ms: 1_800_000, average_ms: 600_000, .. } if task == "crawl"
    ));
}

#[tokio::test]
async fn a_delivery_that_keeps_failing_is_retried_and_recorded_with_its_secret_masked() {
    // Nothing listens on the port the secret URL names.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://127.0.0.1:{}/hook",
        closed.local_addr().unwrap().port()
    );
    drop(closed);
    std::env::set_var("PIPEC_TEST_HOOK_URL", &url);
    let (program, dir) = program(
        "notify-retry",
        r#"
notifier ops { webhook secret "PIPEC_TEST_HOOK_URL" }
handler boom { builtin fail "boom" }
pipeline p {
  notify ops on run_failed
  stage one { task t { run boom } }
}
"#,
    );
    let (status, _) = run_virtual(&program, &dir, "2026-11-20T14:00:00Z", &[]).await;
    assert_eq!(status, RunStatus::Failed);
    let store = pipec::store::Store::open(&dir.join("state.db")).unwrap();
    let deliveries = store.deliveries(Some("p"), true, 10).unwrap();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    let d = &deliveries[0];
    assert_eq!(
        (d.event.as_str(), d.attempts, d.status.as_str()),
        ("run_failed", 3, "failed")
    );
    let error = d.error.as_deref().unwrap();
    assert!(!error.contains(&url), "{error}");
    assert!(error.contains("***"), "the URL is named, masked: {error}");
    // Retries waited 2 s and 10 s on the virtual clock.
    assert_eq!((d.ended_at.unwrap() - d.at).num_seconds(), 12, "{d:?}");
}

#[test]
fn a_firing_the_daemon_missed_is_notified() {
    let hook = Hook::start(200);
    let f = Fixture::new(
        "notify-missed",
        &format!(
            r#"
notifier ops {{ webhook "{}" }}
handler ok {{ builtin noop }}
pipeline desk {{
  calendar XNYS
  notify ops on firing_missed
  stage one {{ task fine {{ run ok }} }}
  trigger MORNING {{ at 09:00 }}
}}
"#,
            hook.url()
        ),
    );
    let file = f.dir.join("main.pipe");
    let (targets, mut options, _stop) = crate::daemon_week::setup(
        &file,
        f.dir.join("state.db"),
        "2026-11-23T00:00:00Z",
        "2026-11-23T23:00:00Z",
    );
    // It wakes 90 minutes after 09:00: the firing was missed.
    options.clock = Arc::new(crate::daemon_week::Oversleeper(VirtualClock::new(
        crate::daemon_week::at("2026-11-23T00:00:00Z"),
    )));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let report = rt
        .block_on(pipec::daemon::run_daemon(targets, options))
        .unwrap();
    assert_eq!(report.missed, 1);
    let body = &hook.wait_for(1)[0];
    assert_eq!(body["event"], "firing_missed");
    assert_eq!(body["run_id"], Value::Null);
    assert_eq!(body["as_of"], "2026-11-23");
    assert_eq!(body["details"]["trigger"], "MORNING");
    assert_eq!(body["details"]["fire_at"], "2026-11-23T14:00:00Z");
}
