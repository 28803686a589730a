//! The operations service under a full store: the runs listing with 10,000
//! runs recorded (first page and a deep page), a `/metrics` scrape with
//! 1,000 tasks, and the dashboard's overview and pipeline page (its grid paged
//! at the start and near the end), each timed over repeated requests through a
//! real HTTP client against the real router on loopback.
//!
//!     cargo bench --bench service

use pipec::daemon::Target;
use pipec::ir::PipelineId;
use pipec::service::{Auth, Service};
use std::fmt::Write;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

const RUNS: usize = 10_000;
const TASKS: usize = 1_000;
const TOKEN: &str = "bench-token-0123456789";

fn main() {
    let dir = std::env::temp_dir().join(format!("pipec-bench-service-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp folder");
    let state = dir.join("state.db");

    // A pipeline of 1,000 tasks, and the store filled as if it had run.
    let mut text = String::from("handler work { builtin noop }\npipeline big {\n  stage all {\n");
    for i in 0..TASKS {
        let _ = writeln!(text, "    task t{i} {{ run work }}");
    }
    text.push_str("  }\n}\n");
    let file = dir.join("big.pipe");
    std::fs::write(&file, text).expect("the pipeline");
    let program = pipec::compile::compile(&file)
        .expect("readable")
        .program
        .expect("it checks");
    drop(pipec::store::Store::open(&state).expect("a new store"));
    fill(&state);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let program = Arc::new(program);
    let clock: Arc<dyn pipec::clock::Clock> = Arc::new(pipec::clock::SystemClock);
    let notices = pipec::notify::Dispatcher::new(
        program.clone(),
        &[PipelineId(0)],
        Some(state.clone()),
        clock,
    )
    .expect("no notifier secrets");
    let service = Arc::new(Service {
        targets: vec![Arc::new(Target {
            file: file.clone(),
            program,
            pipelines: vec![PipelineId(0)],
            notices,
        })],
        state,
        auth: Auth::new(TOKEN.to_string(), false),
        clock: Arc::new(pipec::clock::SystemClock),
        started: pipec::clock::Clock::now(&pipec::clock::SystemClock),
        alive: Arc::new(AtomicBool::new(true)),
        grace: Duration::from_secs(2),
    });
    let (_stop_tx, stop) = tokio::sync::watch::channel(false);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    runtime.spawn(pipec::service::serve(listener, service, stop));

    for (what, path, times) in [
        ("runs, first page of 50", "/api/v1/runs?limit=50", 50),
        (
            "runs, page at offset 9,950",
            "/api/v1/runs?limit=50&offset=9950",
            50,
        ),
        (
            "runs of one status",
            "/api/v1/runs?status=failed&limit=50",
            50,
        ),
        ("/metrics with 1,000 tasks", "/metrics", 10),
        ("page /", "/", 10),
        ("page /pipelines/big (1,000 tasks)", "/pipelines/big", 10),
        (
            "page /pipelines/big, offset 9,980",
            "/pipelines/big?offset=9980",
            10,
        ),
    ] {
        let mut best = Duration::MAX;
        let mut total = Duration::ZERO;
        let mut bytes = 0;
        for _ in 0..times {
            let start = Instant::now();
            let body = ureq::get(&format!("{base}{path}"))
                .set("Authorization", &format!("Bearer {TOKEN}"))
                .call()
                .expect("an answer")
                .into_string()
                .expect("text");
            let took = start.elapsed();
            best = best.min(took);
            total += took;
            bytes = body.len();
        }
        println!(
            "{what:<32} best {:>7.2} ms  mean {:>7.2} ms  ({bytes} bytes)",
            best.as_secs_f64() * 1000.0,
            total.as_secs_f64() * 1000.0 / f64::from(times)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// 10,000 runs (one of every 10 failed), and one ended row per task of the
/// latest run, with an attempt each, and their entries in `endings`: what
/// `/metrics` reads.
fn fill(state: &std::path::Path) {
    let mut conn = rusqlite::Connection::open(state).expect("the store");
    let tx = conn.transaction().expect("a transaction");
    for i in 0..RUNS {
        let status = if i % 10 == 0 { "failed" } else { "succeeded" };
        tx.execute(
            "INSERT INTO runs (run_id, pipeline, trigger, as_of, status, plan_hash, plan_tasks, started_at, ended_at) \
             VALUES (?1, 'big', '', ?2, ?3, 'v1:x', '{}', ?4, ?4)",
            rusqlite::params![
                format!("20260101T{:06}Z-{:06x}", i % 240_000, i),
                format!("2026-{:02}-{:02}", 1 + (i / 28) % 12, 1 + i % 28),
                status,
                format!("2026-01-01T00:00:{:02}.{:03}Z", (i / 1000) % 60, i % 1000)
            ],
        )
        .expect("a run");
        tx.execute(
            "INSERT INTO endings (kind, run_id, pipeline, status, at) \
             VALUES ('run', ?1, 'big', ?2, '2026-01-01T00:00:00.000Z')",
            rusqlite::params![format!("20260101T{:06}Z-{:06x}", i % 240_000, i), status],
        )
        .expect("a run's ending");
    }
    for t in 0..TASKS {
        tx.execute(
            "INSERT INTO tasks (run_id, pipeline, stage, task, status, attempts, duration_ms, ended_at) \
             VALUES ('20260101T000000Z-000000', 'big', 'all', ?1, 'completed', 1, ?2, '2026-01-01T00:00:01.000Z')",
            rusqlite::params![format!("t{t}"), (t % 500) as i64],
        )
        .expect("a task");
        tx.execute(
            "INSERT INTO attempts (run_id, pipeline, stage, task, attempt, status, started_at) \
             VALUES ('20260101T000000Z-000000', 'big', 'all', ?1, 1, 'completed', '2026-01-01T00:00:00.000Z')",
            rusqlite::params![format!("t{t}")],
        )
        .expect("an attempt");
        tx.execute(
            "INSERT INTO endings (kind, run_id, pipeline, task, status, at) \
             VALUES ('task', '20260101T000000Z-000000', 'big', ?1, 'completed', '2026-01-01T00:00:01.000Z')",
            rusqlite::params![format!("t{t}")],
        )
        .expect("a task's ending");
    }
    tx.commit().expect("committed");
}
