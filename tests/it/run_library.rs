//! The executor as a library: Rust handlers from a registry, an injected
//! clock, observers and interrupting from outside.

use pipec::clock::{Clock, FixedClock};
use pipec::run::{execute, Event, EventKind, Observer, RunOptions, RunStatus, TaskStatus};
use serde_json::json;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

fn program(name: &str, text: &str) -> (Arc<pipec::ir::Program>, PathBuf) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("run-lib")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("main.pipe");
    std::fs::write(&file, text).unwrap();
    let compilation = pipec::compile::compile(&file).unwrap();
    assert!(!compilation.has_errors(), "{:?}", compilation.diagnostics);
    (Arc::new(compilation.program.unwrap()), dir)
}

const PIPE: &str = r#"
handler fetch_prices { builtin fail "not wired" returns { prices: [float], as_of: timestamp } }
handler score { builtin noop returns { score: float } }
pipeline p {
  stage data {
    task fetch_prices
    task score { after fetch_prices args "--fast" }
    gate fresh { age(as_of) < 24h and score > 0.5 }
  }
}
"#;

#[derive(Default)]
struct Collect(Mutex<Vec<Event>>);
impl Observer for Collect {
    fn event(&self, event: &Event) {
        self.0.lock().unwrap().push(event.clone());
    }
}

#[tokio::test]
async fn registered_rust_handlers_replace_declared_ones() {
    let (program, dir) = program("registry", PIPE);
    let pipeline = program.find_pipeline("p").unwrap();
    let mut options = RunOptions::new(pipeline, dir.join("run"));
    options.clock = Arc::new(FixedClock("2026-11-20T12:00:00Z".parse().unwrap()));
    options.as_of = Some("2026-11-20".parse().unwrap());
    options.registry.register("fetch_prices", |ctx| async move {
        assert_eq!(ctx.task, "fetch_prices");
        assert_eq!(ctx.attempt, 1);
        Ok(json!({ "prices": [1.5, 2.5], "as_of": format!("{}T09:00:00Z", ctx.as_of) }))
    });
    options.registry.register("score", |ctx| async move {
        let prices = ctx.context["prices"].as_array().map_or(0, Vec::len);
        assert_eq!(ctx.args, ["--fast"]);
        Ok(json!({ "score": prices as f64 / 2.0 }))
    });
    let events = Arc::new(Collect::default());
    options.observers.push(events.clone());
    let report = execute(program, options).await.unwrap();
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.reason);
    assert_eq!(
        report.context,
        json!({ "prices": [1.5, 2.5], "as_of": "2026-11-20T09:00:00Z", "score": 1.0 })
    );
    let events = events.0.lock().unwrap();
    assert!(matches!(
        events.last().unwrap().kind,
        EventKind::RunCompleted { .. }
    ));
    assert!(events
        .iter()
        .any(|e| matches!(&e.kind, EventKind::GatePassed { gate, .. } if gate == "fresh")));
}

#[tokio::test]
async fn rust_handler_output_is_checked_and_the_clock_drives_age() {
    let (program, dir) = program("checked", PIPE);
    let pipeline = program.find_pipeline("p").unwrap();
    let mut options = RunOptions::new(pipeline, dir.join("run"));
    // Two days after the data: the gate must fail on age.
    options.clock = Arc::new(FixedClock("2026-11-22T12:00:00Z".parse().unwrap()));
    options.registry.register("fetch_prices", |_| async {
        Ok(json!({ "prices": [1], "as_of": "2026-11-20T09:00:00Z" }))
    });
    options
        .registry
        .register("score", |_| async { Ok(json!({ "score": "high" })) });
    let report = execute(program, options).await.unwrap();
    assert_eq!(report.status, RunStatus::Failed);
    let score = report.task("score").unwrap();
    assert_eq!(score.status, TaskStatus::Failed);
    assert_eq!(
        score.message.as_deref(),
        Some("the output does not match the `returns` of handler `score`: `score` should be float but is the string \"high\"")
    );
}

#[tokio::test]
async fn an_interrupt_from_outside_stops_the_run() {
    let (program, dir) = program(
        "interrupt",
        "handler slow { builtin sleep 20s }\npipeline p { stage s { task a { run slow } task b { run slow after a } } }",
    );
    let pipeline = program.find_pipeline("p").unwrap();
    let options = RunOptions::new(pipeline, dir.join("run"));
    let interrupt = options.interrupt.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        interrupt.interrupt("test");
    });
    let started = std::time::Instant::now();
    let report = execute(program, options).await.unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(report.status, RunStatus::Interrupted);
    assert_eq!(report.interrupted(), ["p/a"]);
    assert_eq!(report.task("b").unwrap().status, TaskStatus::Skipped);
}

#[test]
fn backoff_jitter_stays_in_half_to_all() {
    let policy = pipec::ir::Policy::Retry {
        retries: 5,
        backoff: Box::new(pipec::ir::Backoff::Exponential {
            base_millis: 100,
            max_millis: 1000,
            jitter: true,
        }),
        then: Box::new(pipec::ir::Policy::Fail),
    };
    for _ in 0..200 {
        for (retry, full) in [(1, 100), (2, 200), (3, 400), (4, 800), (5, 1000)] {
            let w = pipec::run::wait_millis(&policy, retry);
            assert!((full / 2..=full).contains(&w), "retry {retry}: {w}");
        }
    }
}

/// A registered function that panics fails its task (its policy decides the
/// rest) instead of leaving the run waiting forever.
#[tokio::test]
async fn a_panicking_rust_handler_fails_its_task_not_the_whole_run() {
    let (program, dir) = program("panics", PIPE);
    let pipeline = program.find_pipeline("p").unwrap();
    let mut options = RunOptions::new(pipeline, dir.join("run"));
    options.registry.register("fetch_prices", |_| async {
        panic!("the vendor SDK gave up");
    });
    let report = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        execute(program, options),
    )
    .await
    .expect("the run ends")
    .unwrap();
    assert_eq!(report.status, RunStatus::Failed);
    let fetch = report.task("fetch_prices").unwrap();
    assert_eq!(fetch.status, TaskStatus::Failed);
    assert_eq!(
        fetch.message.as_deref(),
        Some("internal error: the attempt panicked: the vendor SDK gave up")
    );
}

/// On a virtual clock a run's waits and limits take no real time, and the
/// clock says exactly how long each took: a trading morning in milliseconds.
#[tokio::test]
async fn a_virtual_clock_drives_waits_timeouts_and_durations() {
    let (program, dir) = program(
        "virtual",
        r#"
handler wait_for_open { builtin sleep 6h30m }
handler fetch { builtin flaky 2 }
handler hang { builtin sleep 3h }
pipeline p {
  stage morning {
    task open { run wait_for_open timeout 7h }
    task prices { run fetch after open on_failure retry 2 backoff 10m, 20m }
    task stuck { run hang after prices timeout 1h on_failure warn }
  }
}
"#,
    );
    let pipeline = program.find_pipeline("p").unwrap();
    let start: chrono::DateTime<chrono::Utc> = "2026-11-20T03:00:00Z".parse().unwrap();
    let clock = Arc::new(pipec::clock::VirtualClock::new(start));
    let mut options = RunOptions::new(pipeline, dir.join("run"));
    options.clock = clock.clone();
    let events = Arc::new(Collect::default());
    options.observers.push(events.clone());
    let report = execute(program, options).await.unwrap();
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.reason);
    let minutes = |name: &str| report.task(name).unwrap().duration_ms.unwrap() / 60_000;
    assert_eq!(minutes("open"), 390);
    // Two failed attempts, then waits of 10 and 20 minutes.
    assert_eq!(minutes("prices"), 30);
    // Its timeout, not its three-hour sleep.
    assert_eq!(minutes("stuck"), 60);
    assert_eq!(report.task("stuck").unwrap().status, TaskStatus::Warned);
    let end = clock.now();
    assert_eq!((end - start).num_minutes(), 390 + 30 + 60);
    let events = events.0.lock().unwrap();
    let last = events.last().unwrap();
    assert!(matches!(last.kind, EventKind::RunCompleted { .. }));
    assert_eq!(last.time, end);
}
