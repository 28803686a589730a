//! The dashboard through the real daemon and a real browser: Debian's
//! Chromium, headless, reading each page's DOM (`--dump-dom`), and driven
//! through chromedriver (W3C WebDriver over HTTP) to press a page's button
//! and watch the run's progress arrive live.

use crate::durable_common::Fixture;
use crate::service_api::{Daemon, TOKEN};
use serde_json::{json, Value};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const PIPE: &str = r#"
handler step {
  shell "echo '{\"records\": 4}'"
  returns { records: int }
}
handler slow { shell "sleep 2; echo '{}'" }
pipeline desk "The desk" {
  calendar XNYS
  stage one {
    task fetch { run step }
    task load { run step  after fetch }
  }
  source prices { producer fetch green 5m yellow 1h }
  trigger MORNING { at 09:00 }
}
handler broken { shell "echo 'broker said no' >&2; exit 3" }
pipeline touchy {
  stage one { task orders { run broken } }
}
pipeline slowpoke {
  stage one {
    task first { run step }
    task wait { run slow  after first  timeout 1m }
  }
}
"#;

/// The page's DOM after its scripts ran, as Chromium saw it.
fn dom(d: &Daemon, path: &str) -> String {
    let out = crate::common::tool("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            // The page keeps its event stream open: dump what is there by then.
            "--timeout=3000",
            "--dump-dom",
        ])
        .arg(d.url(path))
        .stderr(Stdio::null())
        .output()
        .expect("Debian's chromium is installed (scripts/test.sh installs it)");
    assert!(out.status.success(), "chromium on {path}: {:?}", out.status);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn wait_for_run(d: &Daemon, run_id: &str) -> Value {
    let start = Instant::now();
    loop {
        let run: Value = d
            .get(&format!("/api/v1/runs/{run_id}"))
            .into_json()
            .unwrap();
        if run["status"] != "running" {
            return run;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{run}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn every_page_shows_its_names_and_states_and_stays_small() {
    let f = Fixture::new("dashboard-pages", PIPE);
    let d = Daemon::start(&f, &["--public-read"]);
    let (_, started): (u16, Value) = d.accepted(
        "/api/v1/pipelines/desk/runs",
        json!({ "as_of": "2026-11-20" }),
    );
    let run_id = started["run_id"].as_str().unwrap().to_string();
    assert_eq!(wait_for_run(&d, &run_id)["status"], "succeeded");

    let home = dom(&d, "/");
    for expected in ["desk", "slowpoke", "XNYS", "succeeded", &run_id, "prices"] {
        assert!(home.contains(expected), "`/` lacks {expected}:\n{home}");
    }
    let pipeline = dom(&d, "/pipelines/desk");
    for expected in [
        r#"data-task="fetch""#,
        r#"data-status="completed""#,
        "MORNING",
        "Run history",
        r#"id="run-now""#,
    ] {
        assert!(
            pipeline.contains(expected),
            "the pipeline page lacks {expected}"
        );
    }
    let run = dom(&d, &format!("/runs/{run_id}"));
    for expected in [
        "desk/fetch",
        "desk/load",
        "completed",
        "Run again",
        "class=\"gantt\"",
    ] {
        assert!(run.contains(expected), "the run page lacks {expected}");
    }
    // A failed run's page: the cause, the retry button, the forensic context.
    let (_, failed): (u16, Value) = d.accepted(
        "/api/v1/pipelines/touchy/runs",
        json!({ "as_of": "2026-11-20" }),
    );
    let failed_id = failed["run_id"].as_str().unwrap().to_string();
    assert_eq!(wait_for_run(&d, &failed_id)["status"], "failed");
    let failed_page = dom(&d, &format!("/runs/{failed_id}"));
    for expected in [
        "Retry what failed",
        "exit: exited with status 3",
        "Forensic context of touchy/orders",
    ] {
        assert!(
            failed_page.contains(expected),
            "the failed run's page lacks {expected}"
        );
    }
    let health = dom(&d, "/health");
    assert!(
        health.contains("prices") && health.contains("green"),
        "{health}"
    );
    let calendar = dom(&d, "/calendar");
    for expected in ["XNYS", "Follow the sun", "XTKS"] {
        assert!(
            calendar.contains(expected),
            "the calendar page lacks {expected}"
        );
    }
    // States are written in words, never in colour alone; and no page is big.
    assert!(
        pipeline.contains(">completed</text>"),
        "a node says its state"
    );
    for path in [
        "/",
        "/pipelines/desk",
        &format!("/runs/{run_id}"),
        "/health",
        "/calendar",
    ] {
        let bytes = d.get(path).into_string().unwrap().len();
        assert!(bytes < 200_000, "{path} is {bytes} bytes");
    }
    for asset in ["/assets/pipec.css", "/assets/pipec.js"] {
        assert!(d.get(asset).into_string().unwrap().len() < 20_000);
    }
}

#[test]
fn without_public_read_a_page_asks_for_the_token_and_the_cookie_opens_it() {
    let f = Fixture::new("dashboard-token", PIPE);
    let d = Daemon::start(&f, &[]);
    let page = ureq::get(&d.url("/")).call();
    let Err(ureq::Error::Status(401, r)) = page else {
        panic!("a page without the token: {page:?}")
    };
    assert!(r.into_string().unwrap().contains("token-form"));
    let page = ureq::get(&d.url("/"))
        .set("Cookie", &format!("pipec_token={TOKEN}"))
        .call()
        .unwrap();
    assert!(page.into_string().unwrap().contains("slowpoke"));
    // A cookie opens reads, never writes: another site can make a browser
    // send it.
    let write = ureq::post(&d.url("/api/v1/pipelines/desk/pause"))
        .set("Cookie", &format!("pipec_token={TOKEN}"))
        .send_json(json!({}));
    assert!(
        matches!(write, Err(ureq::Error::Status(401, _))),
        "{write:?}"
    );
}

/// chromedriver on a free port, ended with the test.
struct Driver {
    child: Child,
    base: String,
    session: String,
}

impl Driver {
    fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = crate::common::tool("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Debian's chromium-driver is installed (scripts/test.sh installs it)");
        let base = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        let session = loop {
            let answer = ureq::post(&format!("{base}/session")).send_json(json!({
                "capabilities": { "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": "/usr/bin/chromium",
                        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,900"]
                    }
                }}
            }));
            match answer {
                Ok(r) => {
                    let v: Value = r.into_json().unwrap();
                    break v["value"]["sessionId"].as_str().unwrap().to_string();
                }
                Err(e) => {
                    assert!(
                        start.elapsed() < Duration::from_secs(20),
                        "chromedriver: {e}"
                    );
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        };
        Driver {
            child,
            base,
            session,
        }
    }

    fn call(&self, path: &str, body: Value) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let r: Value = ureq::post(&url)
            .send_json(body)
            .unwrap_or_else(|e| panic!("webdriver {path}: {e}"))
            .into_json()
            .unwrap();
        r["value"].clone()
    }

    fn script(&self, source: &str, args: Value) -> Value {
        self.call("/execute/sync", json!({ "script": source, "args": args }))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_run_started_with_the_pages_button_shows_live_progress_on_the_pipeline_page() {
    let f = Fixture::new("dashboard-live", PIPE);
    let d = Daemon::start(&f, &["--public-read"]);
    let browser = Driver::start();
    browser.call("/url", json!({ "url": d.url("/pipelines/slowpoke") }));
    // The token the page would ask for once, kept for the browser session.
    browser.script(
        "sessionStorage.setItem('pipec_token', arguments[0])",
        json!([TOKEN]),
    );
    let state = || {
        browser
            .script(
                "const n = document.querySelector('.node[data-task=\"wait\"]'); return n && n.dataset.status + '|' + n.querySelector('text.word').textContent;",
                json!([]),
            )
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(state(), "pending|pending");
    // Wait until the page's event stream is open before pressing the button.
    let start = Instant::now();
    while browser.script(
        "return document.getElementById('live').textContent",
        json!([]),
    ) == "connecting…"
    {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the page never connected"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let button = browser.call(
        "/element",
        json!({ "using": "css selector", "value": "#run-now" }),
    );
    let id = button
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    browser.call(&format!("/element/{id}/click"), json!({}));
    // The page is not reloaded: the states arrive from the event stream.
    browser.script("window.__same_page = true", json!([]));
    let mut seen = Vec::new();
    let start = Instant::now();
    loop {
        let now = state();
        if seen.last() != Some(&now) {
            seen.push(now.clone());
        }
        if now == "completed|completed" {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "states seen: {seen:?}"
        );
        std::thread::sleep(Duration::from_millis(25));
    }
    assert!(
        seen.contains(&"running|running".to_string()),
        "states seen: {seen:?}"
    );
    assert_eq!(
        browser.script("return window.__same_page === true", json!([])),
        true
    );
    let message = browser.script(
        "return document.getElementById('message').textContent",
        json!([]),
    );
    assert!(
        message.as_str().unwrap().starts_with("started: run "),
        "{message}"
    );
}

#[test]
fn a_pipeline_of_many_tasks_is_drawn_by_stage_and_its_page_stays_small() {
    let mut pipe = String::from("handler ok { builtin noop }\npipeline big {\n");
    for stage in ["one", "two", "three"] {
        pipe.push_str(&format!("  stage {stage} {{\n"));
        for i in 0..200 {
            pipe.push_str(&format!("    task {stage}_{i} {{ run ok }}\n"));
        }
        pipe.push_str("  }\n");
    }
    pipe.push_str("}\n");
    let f = Fixture::new("dashboard-big", &pipe);
    let d = Daemon::start(&f, &["--public-read"]);
    for _ in 0..3 {
        let (_, started): (u16, Value) = d.accepted(
            "/api/v1/pipelines/big/runs",
            json!({ "as_of": "2026-11-20", "force": true }),
        );
        let run_id = started["run_id"].as_str().unwrap().to_string();
        assert_eq!(wait_for_run(&d, &run_id)["status"], "succeeded");
    }
    let page = d.get("/pipelines/big").into_string().unwrap();
    assert!(page.len() < 200_000, "{} bytes", page.len());
    assert!(page.contains("200 tasks") && page.contains("200 completed"));
    // The grid has a column per stage, not per task.
    assert!(!page.contains(r#"data-task="one_0""#));
    assert_eq!(page.matches(r#"<th title="two">two</th>"#).count(), 1);
}
