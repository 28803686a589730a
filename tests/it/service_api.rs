//! The operations service through the real daemon and a real HTTP client:
//! `pipec daemon --listen` on a free loopback port, the token on writes (and
//! reads), a run started and cancelled through the API and read back, the
//! answers' shapes (a contract, like the diagnostics JSON), and `/metrics`
//! checked by Prometheus' own `promtool`.

use crate::durable_common::Fixture;
use serde::Deserialize;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

pub(crate) const TOKEN: &str = "test-token-0123456789";

const PIPE: &str = r#"
handler step {
  shell "echo \"working on $PIPEC_TASK\" >&2; echo '{\"records\": 4}'"
  returns { records: int }
}
handler slow { shell "sleep 30" }
source desk_feed { green 5m yellow 1h }
pipeline desk {
  stage one {
    task fetch { run step }
    task load { run step  after fetch  produces desk_feed }
  }
  source prices { producer fetch green 5m yellow 1h }
}
pipeline slowpoke {
  stage one { task wait { run slow  timeout 1m } }
}
handler touchy { shell "test ! -e fail" }
pipeline touchy {
  stage one {
    task first { run step }
    task second { run touchy  after first }
  }
}
"#;

pub(crate) struct Daemon {
    child: Child,
    base: String,
}

impl Daemon {
    pub(crate) fn start(f: &Fixture, extra: &[&str]) -> Daemon {
        Daemon::start_with(f, extra, true)
    }

    /// With the token in the environment, or not (`--token-file` then).
    fn start_with(f: &Fixture, extra: &[&str], token_in_env: bool) -> Daemon {
        let mut command = crate::common::binary();
        if token_in_env {
            command.env("PIPEC_API_TOKEN", TOKEN);
        } else {
            command.env_remove("PIPEC_API_TOKEN");
        }
        let mut child = command
            .current_dir(&f.dir)
            .args(["daemon", "main.pipe", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let base = loop {
            let line = lines
                .next()
                .expect("the daemon says where it listens")
                .unwrap();
            if let Some(addr) = line.strip_prefix("pipec daemon: listening on ") {
                break addr.to_string();
            }
        };
        // Keep stderr flowing (into a file, for a failing test to show).
        let log = f.dir.join("daemon.log");
        std::thread::spawn(move || {
            let text: Vec<String> = lines.map_while(Result::ok).collect();
            let _ = std::fs::write(log, text.join("\n"));
        });
        Daemon { child, base }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(crate) fn get(&self, path: &str) -> ureq::Response {
        ureq::get(&self.url(path))
            .set("Authorization", &format!("Bearer {TOKEN}"))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// A write with the token: its status and body, whatever they are.
    fn post(&self, path: &str, body: serde_json::Value) -> (u16, String) {
        let answer = ureq::post(&self.url(path))
            .set("Authorization", &format!("Bearer {TOKEN}"))
            .send_json(body);
        match answer {
            Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
            Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap_or_default()),
            Err(e) => panic!("POST {path}: {e}"),
        }
    }

    /// A write that must be accepted (2xx): its status and JSON answer.
    pub(crate) fn accepted<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: serde_json::Value,
    ) -> (u16, T) {
        let (code, text) = self.post(path, body);
        assert!((200..300).contains(&code), "POST {path}: {code} {text}");
        let parsed =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("POST {path}: {e}: {text}"));
        (code, parsed)
    }

    fn run_until_ended(&self, run_id: &str) -> RunDetail {
        let start = Instant::now();
        loop {
            let run: RunDetail = self
                .get(&format!("/api/v1/runs/{run_id}"))
                .into_json()
                .unwrap();
            if run.status != "running" {
                return run;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "run {run_id} never ended"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        // Already waited for (a test stopped it): its pid may be another's now.
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.child.id() as i32),
            nix::sys::signal::Signal::SIGTERM,
        );
        let _ = self.child.wait();
    }
}

// The contract: what docs/api.md says the answers hold, and nothing else.
// Every field is declared so `deny_unknown_fields` can check the shape; not
// every one is read.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Run {
    run_id: String,
    pipeline: String,
    trigger: String,
    as_of: String,
    status: String,
    reason: Option<String>,
    started_at: String,
    ended_at: Option<String>,
    resumes: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RunPage {
    runs: Vec<Run>,
    total: i64,
    limit: usize,
    offset: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RunDetail {
    run_id: String,
    pipeline: String,
    trigger: String,
    as_of: String,
    status: String,
    reason: Option<String>,
    started_at: String,
    ended_at: Option<String>,
    resumes: i64,
    stages: Vec<serde_json::Value>,
    tasks: Vec<TaskDetail>,
    attempts: Vec<AttemptDetail>,
    gates: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct TaskDetail {
    pipeline: String,
    stage: String,
    task: String,
    status: String,
    attempts: i64,
    started_at: Option<String>,
    ended_at: Option<String>,
    duration_ms: Option<i64>,
    message: Option<String>,
    cause: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct AttemptDetail {
    pipeline: String,
    stage: String,
    task: String,
    attempt: i64,
    status: String,
    started_at: String,
    ended_at: Option<String>,
    duration_ms: Option<i64>,
    error: Option<String>,
    cause: Option<String>,
    exit_code: Option<i64>,
    job: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Started {
    run_id: String,
    begin: String,
    as_of: String,
}

#[test]
fn a_run_started_through_the_api_is_read_back_and_measured() {
    let f = Fixture::new("service", PIPE);
    let d = Daemon::start(&f, &[]);

    assert_eq!(ureq::get(&d.url("/healthz")).call().unwrap().status(), 200);
    // Reads and writes need the token.
    match ureq::get(&d.url("/api/v1/runs")).call() {
        Err(ureq::Error::Status(401, r)) => {
            assert_eq!(r.header("www-authenticate"), Some("Bearer"));
        }
        other => panic!("a read without the token: {other:?}"),
    }
    match ureq::post(&d.url("/api/v1/pipelines/desk/runs")).send_json(serde_json::json!({})) {
        Err(ureq::Error::Status(401, _)) => {}
        other => panic!("a write without the token: {other:?}"),
    }
    match ureq::post(&d.url("/api/v1/pipelines/desk/runs"))
        .set("Authorization", "Bearer wrong-token-0000000000")
        .send_json(serde_json::json!({}))
    {
        Err(ureq::Error::Status(401, _)) => {}
        other => panic!("a write with a wrong token: {other:?}"),
    }

    let day = serde_json::json!({ "as_of": "2026-11-20" });
    let (code, started): (u16, Started) = d.accepted("/api/v1/pipelines/desk/runs", day.clone());
    assert_eq!(code, 202);
    assert_eq!(started.begin, "new");
    assert_eq!(started.as_of, "2026-11-20");
    let run = d.run_until_ended(&started.run_id);
    assert_eq!(run.status, "succeeded", "{run:?}");
    assert_eq!(run.pipeline, "desk");
    let names: Vec<&str> = run.tasks.iter().map(|t| t.task.as_str()).collect();
    assert_eq!(names, ["fetch", "load"]);
    assert!(
        run.attempts.iter().all(|a| a.status == "completed"),
        "{run:?}"
    );

    // The same key again: its run is already done, so it resumes (and restores).
    let (_, again): (u16, Started) = d.accepted("/api/v1/pipelines/desk/runs", day);
    assert_eq!(again.run_id, started.run_id);
    assert_eq!(again.begin, "resumed");
    d.run_until_ended(&again.run_id);

    // An attempt's logs, as they were written.
    let log = |stream: &str| {
        d.get(&format!(
            "/api/v1/runs/{}/attempts/desk/fetch/1/{stream}",
            started.run_id
        ))
        .into_string()
        .unwrap()
    };
    assert_eq!(log("stdout"), "{\"records\": 4}\n");
    assert_eq!(log("stderr"), "working on fetch\n");

    let page: RunPage = d
        .get("/api/v1/runs?pipeline=desk&limit=10")
        .into_json()
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.runs[0].run_id, started.run_id);
    assert_eq!((page.limit, page.offset), (10, 0));

    let stats: serde_json::Value = d.get("/api/v1/tasks?pipeline=desk").into_json().unwrap();
    let fetch = stats["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task"] == "fetch")
        .unwrap();
    assert_eq!(fetch["successes"], 1);
    assert_eq!(fetch["records"], 4);

    let pipelines: serde_json::Value = d.get("/api/v1/pipelines").into_json().unwrap();
    let desk = pipelines
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "desk")
        .unwrap();
    let sources: Vec<&str> = desk["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(sources.contains(&"prices"), "{sources:?}");

    // An unknown pipeline, unknown stages, an unknown field.
    let empty = serde_json::json!({});
    assert_eq!(d.post("/api/v1/pipelines/nope/runs", empty).0, 404);
    let nope = serde_json::json!({ "stages": "nope" });
    let (code, text) = d.post("/api/v1/pipelines/desk/runs", nope);
    assert_eq!(code, 400, "{text}");
    let unknown = serde_json::json!({ "when": "now" });
    let (code, text) = d.post("/api/v1/pipelines/desk/runs", unknown);
    assert_eq!(code, 422, "{text}");

    let metrics = d.get("/metrics").into_string().unwrap();
    assert!(
        // The run ended twice: first, and when it was resumed (restored).
        metrics.contains("pipec_runs_total{pipeline=\"desk\",status=\"succeeded\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("pipec_task_duration_seconds_bucket"),
        "{metrics}"
    );
    // A pipeline's own source carries its pipeline; a shared one only its
    // name, so its series stays one whichever pipeline produced it last.
    assert!(
        metrics.contains("pipec_source_level{pipeline=\"desk\",source=\"prices\"} 0"),
        "{metrics}"
    );
    assert!(
        metrics.contains("pipec_source_level{source=\"desk_feed\"} 0"),
        "{metrics}"
    );
    promtool_accepts(&metrics);
}

/// A start whose resume is refused because the run's recorded plan is
/// damaged is a conflict, as one whose plan changed is, not a store failure.
#[test]
fn a_resume_refused_for_a_damaged_recorded_plan_is_a_conflict() {
    let f = Fixture::new("service-damaged-plan", PIPE);
    let day = serde_json::json!({ "as_of": "2026-11-20" });
    let d = Daemon::start(&f, &[]);
    let (_, first): (u16, Started) = d.accepted("/api/v1/pipelines/touchy/runs", day.clone());
    assert_eq!(d.run_until_ended(&first.run_id).status, "succeeded");
    drop(d);
    f.edit_store("UPDATE runs SET plan_tasks = '{not json'");
    // The plan changes, so the resume reads the recorded one.
    f.write(
        "main.pipe",
        &PIPE.replace("test ! -e fail", "test ! -e failed"),
    );
    let d = Daemon::start(&f, &[]);
    let (code, text) = d.post("/api/v1/pipelines/touchy/runs", day);
    assert_eq!(code, 409, "{text}");
    assert!(
        text.contains("damaged") && text.contains(&first.run_id),
        "{text}"
    );
}

#[test]
fn a_run_is_cancelled_through_the_api() {
    let f = Fixture::new("service-cancel", PIPE);
    let d = Daemon::start(&f, &[]);
    let day = serde_json::json!({ "as_of": "2026-11-20" });
    let (_, started): (u16, Started) = d.accepted("/api/v1/pipelines/slowpoke/runs", day.clone());
    // A second start of the same key while it runs is refused.
    let (code, text) = d.post("/api/v1/pipelines/slowpoke/runs", day);
    assert_eq!(code, 409, "{text}");
    assert!(text.contains("already running"), "{text}");
    // Wait until the task runs, then cancel.
    let start = Instant::now();
    loop {
        let run: RunDetail = d
            .get(&format!("/api/v1/runs/{}", started.run_id))
            .into_json()
            .unwrap();
        if run.tasks.iter().any(|t| t.status == "running") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the task never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let cancel = format!("/api/v1/runs/{}/cancel", started.run_id);
    let (code, _): (u16, serde_json::Value) = d.accepted(&cancel, serde_json::json!({}));
    assert_eq!(code, 200);
    let run = d.run_until_ended(&started.run_id);
    assert_eq!(run.status, "interrupted", "{run:?}");
    assert_eq!(run.tasks[0].status, "cancelled");
    assert_eq!(
        run.tasks[0].message.as_deref(),
        Some("interrupted (cancelled through the API)")
    );
    // A run that is not going on cannot be cancelled.
    assert_eq!(d.post(&cancel, serde_json::json!({})).0, 409);
}

#[test]
fn listening_without_a_token_is_refused() {
    let f = Fixture::new("service-no-token", PIPE);
    let out = crate::common::binary()
        .current_dir(&f.dir)
        .args(["daemon", "main.pipe", "--listen", "127.0.0.1:0"])
        .env_remove("PIPEC_API_TOKEN")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a bearer token"));
}

/// `promtool check metrics` on the scrape. CI installs it (Debian's
/// `prometheus`); a machine without it fails here rather than pass unchecked.
fn promtool_accepts(metrics: &str) {
    use std::io::Write;
    let mut child = crate::common::tool("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("promtool is needed (apt install prometheus): {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(metrics.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool check metrics:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

thread_local! {
    /// The epoch of the last event id seen (the daemon's feed).
    static EPOCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// One server-sent event: its id's number (ids are `EPOCH-N`) and its data.
fn next_sse(lines: &mut impl Iterator<Item = std::io::Result<String>>) -> (u64, serde_json::Value) {
    let (mut id, mut data) = (None, None);
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(v) = line.strip_prefix("id:") {
            let (epoch, n) = v.trim().split_once('-').expect("an id `EPOCH-N`");
            EPOCH.with(|e| e.replace(epoch.to_string()));
            id = Some(n.parse().unwrap());
        } else if let Some(v) = line.strip_prefix("data:") {
            data = Some(serde_json::from_str(v.trim()).unwrap());
        } else if line.is_empty() {
            if let (Some(id), Some(data)) = (id, data.take()) {
                return (id, data);
            }
        }
    }
    panic!("the event stream ended");
}

#[test]
fn live_events_arrive_in_order_and_resume_after_a_reconnect() {
    let f = Fixture::new("service-events", PIPE);
    let d = Daemon::start(&f, &[]);
    let connect = |after: Option<u64>| {
        let mut request =
            ureq::get(&d.url("/api/v1/events")).set("Authorization", &format!("Bearer {TOKEN}"));
        if let Some(id) = after {
            let epoch = EPOCH.with(|e| e.borrow().clone());
            request = request.set("Last-Event-ID", &format!("{epoch}-{id}"));
        }
        BufReader::new(request.call().unwrap().into_reader()).lines()
    };
    let mut stream = connect(None);
    let day = serde_json::json!({ "as_of": "2026-11-20" });
    let (_, started): (u16, Started) = d.accepted("/api/v1/pipelines/desk/runs", day);
    let mut seen = Vec::new();
    loop {
        let (id, event) = next_sse(&mut stream);
        assert_eq!(event["run_id"], started.run_id.as_str());
        seen.push((id, event["event"].as_str().unwrap().to_string()));
        if event["event"] == "run_completed" {
            break;
        }
    }
    let ids: Vec<u64> = seen.iter().map(|(id, _)| *id).collect();
    assert!(
        ids.windows(2).all(|w| w[1] == w[0] + 1),
        "ids in order: {ids:?}"
    );
    assert_eq!(seen[0].1, "run_started");
    // Reconnect after the third event: the rest comes again, from the fourth.
    let mut resumed = connect(Some(ids[2]));
    let (id, _) = next_sse(&mut resumed);
    assert_eq!(id, ids[3]);
}

/// A daemon that stops stops the runs started through its API like its own:
/// they record that they were interrupted instead of staying `running`.
#[test]
fn stopping_the_daemon_interrupts_runs_started_through_the_api() {
    let f = Fixture::new("service-stop", PIPE);
    let mut d = Daemon::start(&f, &[]);
    let day = serde_json::json!({ "as_of": "2026-11-20" });
    let (_, started): (u16, Started) = d.accepted("/api/v1/pipelines/slowpoke/runs", day);
    let start = Instant::now();
    while !d
        .get(&format!("/api/v1/runs/{}", started.run_id))
        .into_json::<RunDetail>()
        .unwrap()
        .tasks
        .iter()
        .any(|t| t.status == "running")
    {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the task never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = nix::unistd::Pid::from_raw(d.child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    let status = d.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let run = f.store().run(&started.run_id).unwrap().unwrap();
    assert_eq!(run.status, "interrupted", "{run:?}");
}

/// A failed run retried through the API resumes: what failed runs again,
/// what completed is kept. Pausing a pipeline's triggers answers what changed.
#[test]
fn a_failed_run_is_retried_and_triggers_are_paused_through_the_api() {
    let f = Fixture::new("service-retry", PIPE);
    let d = Daemon::start(&f, &[]);
    std::fs::write(f.dir.join("fail"), "").unwrap();
    let day = serde_json::json!({ "as_of": "2026-11-20" });
    let (_, started): (u16, Started) = d.accepted("/api/v1/pipelines/touchy/runs", day);
    let failed = d.run_until_ended(&started.run_id);
    assert_eq!(failed.status, "failed");
    // Why, as data: the command's exit status, not a parsed message.
    let second = failed.attempts.iter().find(|a| a.task == "second").unwrap();
    assert_eq!(
        (second.cause.as_deref(), second.exit_code),
        (Some("exit"), Some(1)),
        "{second:?}"
    );
    let task = failed.tasks.iter().find(|t| t.task == "second").unwrap();
    assert_eq!(task.cause.as_deref(), Some("exit"), "{task:?}");
    std::fs::remove_file(f.dir.join("fail")).unwrap();
    let retry = format!("/api/v1/runs/{}/retry", started.run_id);
    let (code, again): (u16, Started) = d.accepted(&retry, serde_json::json!({}));
    assert_eq!(code, 202);
    assert_eq!(
        (again.run_id.as_str(), again.begin.as_str()),
        (started.run_id.as_str(), "resumed")
    );
    let run = d.run_until_ended(&again.run_id);
    assert_eq!(run.status, "succeeded", "{run:?}");
    let attempts = |task: &str| run.attempts.iter().filter(|a| a.task == task).count();
    assert_eq!((attempts("first"), attempts("second")), (1, 2), "{run:?}");
    assert_eq!(
        d.post("/api/v1/runs/nope/retry", serde_json::json!({})).0,
        404
    );

    let (_, paused): (u16, serde_json::Value) =
        d.accepted("/api/v1/pipelines/touchy/pause", serde_json::json!({}));
    assert_eq!(
        paused,
        serde_json::json!({ "pipeline": "touchy", "paused": true, "changed": true })
    );
    let (_, again): (u16, serde_json::Value) =
        d.accepted("/api/v1/pipelines/touchy/pause", serde_json::json!({}));
    assert_eq!(again["changed"], false);
    // Kept in the store, where a restarted daemon finds it.
    assert!(f.store().paused_since("touchy").unwrap().is_some());
    let pipelines: serde_json::Value = d.get("/api/v1/pipelines").into_json().unwrap();
    let touchy = pipelines
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "touchy")
        .unwrap();
    assert!(touchy["paused_since"].is_string(), "{touchy}");
    let (_, resumed): (u16, serde_json::Value) =
        d.accepted("/api/v1/pipelines/touchy/resume", serde_json::json!({}));
    assert_eq!(
        resumed,
        serde_json::json!({ "pipeline": "touchy", "paused": false, "changed": true })
    );
    assert_eq!(
        d.post("/api/v1/pipelines/nope/pause", serde_json::json!({}))
            .0,
        404
    );
}

/// `--public-read` lets reads through without the token, never writes; the
/// token can come from `--token-file` instead of the environment.
#[test]
fn public_reads_and_a_token_file() {
    let f = Fixture::new("service-public", PIPE);
    std::fs::write(f.dir.join("token"), format!("{TOKEN}\n")).unwrap();
    let d = Daemon::start_with(&f, &["--public-read", "--token-file", "token"], false);
    let page = ureq::get(&d.url("/api/v1/runs")).call().unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(ureq::get(&d.url("/metrics")).call().unwrap().status(), 200);
    match ureq::post(&d.url("/api/v1/pipelines/desk/runs")).send_json(serde_json::json!({})) {
        Err(ureq::Error::Status(401, _)) => {}
        other => panic!("a write without the token: {other:?}"),
    }
    // The file's token (its trailing newline aside) is the one.
    let day = serde_json::json!({ "as_of": "2026-11-20" });
    let (code, _): (u16, Started) = d.accepted("/api/v1/pipelines/desk/runs", day);
    assert_eq!(code, 202);
}

/// The Grafana dashboard in docs/deploy is JSON, and every metric it
/// queries is one `/metrics` documents (docs/api.md).
#[test]
fn the_grafana_dashboard_queries_documented_metrics() {
    let root = crate::common::root();
    let dashboard: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("docs/deploy/grafana-pipec.json")).unwrap(),
    )
    .unwrap();
    let api = std::fs::read_to_string(root.join("docs/api.md")).unwrap();
    let panels = dashboard["panels"].as_array().unwrap();
    assert!(!panels.is_empty());
    for panel in panels {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            let metrics: Vec<&str> = expr
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| w.starts_with("pipec_"))
                .collect();
            assert!(!metrics.is_empty(), "{expr}");
            for metric in metrics {
                let base = metric.trim_end_matches("_bucket");
                assert!(
                    api.contains(&format!("`{base}`")),
                    "{base} is not in docs/api.md"
                );
            }
        }
    }
}
