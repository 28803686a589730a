//! Folding a batch's events (`fold.rs`) leaves the store with exactly the
//! rows that writing each event in a commit of its own, with every row
//! searched for, leaves (the order in which `tasks` rows were inserted
//! aside).

use super::fold::{AttemptIds, Folds};
use super::record::{write_batch, Known};
use super::{plan_of, RunKey, Store};
use crate::ir::{PipelineId, Program};
use crate::run::{
    execute, Event, EventKind, FailureCause, Interrupt, Observer, RunOptions, SkipCause,
};
use rusqlite::types::ValueRef;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Keeps every event; interrupts the run once every other task that runs
/// has ended and `waits` has its process, so that the run has a
/// cancellation too.
#[derive(Default)]
struct Collect(Mutex<Vec<Event>>, Interrupt);

impl Observer for Collect {
    fn event(&self, event: &Event) {
        let mut events = self.0.lock().unwrap();
        events.push(event.clone());
        let ended = |name: &str| {
            events.iter().any(|e| match &e.kind {
                EventKind::TaskCompleted { task, .. }
                | EventKind::TaskWarned { task, .. }
                | EventKind::TaskFailed { task, .. }
                | EventKind::TaskTimedOut { task, .. }
                | EventKind::TaskSkipped { task, .. } => task == name,
                _ => false,
            })
        };
        let waits_runs = events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::TaskProcess { task, .. } if task == "waits"));
        if waits_runs
            && ["slow", "fetch", "again", "warned", "skipped", "failed"]
                .into_iter()
                .all(ended)
        {
            self.1.interrupt("the test cancels `waits`");
        }
    }
}

const PIPELINE: &str = r#"
handler ok { shell "echo '{\"records\": 12}'" }
handler boom { shell "echo broken >&2; exit 3" }
handler flaky { builtin flaky 2 }
handler noop { builtin noop }
handler sleepy { shell "sleep 5" }
pipeline mixed {
  concurrency 8
  stage one {
    task slow { run sleepy timeout 50ms }
    task fetch { run ok }
    task again { run flaky on_failure retry 2 backoff 1ms }
    task warned { run boom on_failure warn }
    task skipped { run boom on_failure skip }
    task failed { run boom }
    task after_failed { run noop after failed }
    task waits { run sleepy }
  }
  source data { producer fetch green 5m yellow 1h }
}
"#;

/// Every row of every table, in a fixed order.
fn dump(store: &Store) -> Vec<String> {
    let tables: Vec<String> = store
        .conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut rows = Vec::new();
    for table in tables {
        let mut stmt = store
            .conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
            .unwrap();
        let columns = stmt.column_count();
        let mut query = stmt.query([]).unwrap();
        while let Some(row) = query.next().unwrap() {
            let values: Vec<String> = (0..columns)
                .map(|i| match row.get_ref(i).unwrap() {
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    other => format!("{other:?}"),
                })
                .collect();
            rows.push(format!("{table}: {}", values.join(" | ")));
        }
    }
    // `tasks` has no id of its own: its rows are compared as a set.
    rows.sort();
    rows
}

/// A folder of its own (`name`) with `source` compiled there: the program
/// and its pipeline `mixed`.
fn compiled(name: &str, source: &str) -> (PathBuf, Program, PipelineId) {
    let dir = std::env::temp_dir().join(format!("pipec-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("main.pipe");
    std::fs::write(&file, source).unwrap();
    let program = crate::compile::compile(&file).unwrap().program.unwrap();
    let pid = program.find_pipeline("mixed").unwrap();
    (dir, program, pid)
}

/// A new store at `path` holding run `r1` of `pid`, with `events` written
/// in one commit up to each of `splits` and one for the rest. `remember`:
/// the writer keeps what it learnt (attempts' row ids, the run's folder)
/// from one commit to the next, as one writer does; without it every row is
/// searched for, as for rows another writer wrote.
fn written(
    path: &Path,
    (program, pid): (&Program, PipelineId),
    events: &[Event],
    splits: &[usize],
    remember: bool,
    sources: &HashMap<(String, String), Vec<String>>,
) -> Store {
    let key = RunKey {
        pipeline: "mixed".into(),
        trigger: String::new(),
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
    };
    // The same run's start in every store.
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-20T09:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let mut store = Store::open(path).unwrap();
    // What is written, not whether it is on disk, is compared.
    store
        .conn
        .execute_batch("PRAGMA synchronous = OFF")
        .unwrap();
    store
        .begin(&key, &plan_of(program, pid), false, "r1", now)
        .unwrap();
    let attempts = RefCell::new(AttemptIds::default());
    let run_dirs = RefCell::new(HashMap::new());
    let mut all: Vec<_> = events.iter().map(|e| (e.clone(), None)).collect();
    let (mut from, end) = (0, all.len());
    for &to in splits
        .iter()
        .filter(|&&k| k < end)
        .chain(std::iter::once(&end))
    {
        if !remember {
            *attempts.borrow_mut() = AttemptIds::default();
            run_dirs.borrow_mut().clear();
        }
        let known = Known {
            sources,
            attempts: &attempts,
            run_dirs: &run_dirs,
        };
        write_batch(&mut store.conn, &mut all[from..to], &known).unwrap();
        from = to;
    }
    store
}

/// Commits of one event each.
fn each(events: &[Event]) -> Vec<usize> {
    (1..events.len()).collect()
}

#[test]
fn a_folded_batch_writes_the_rows_event_by_event_writing_does() {
    let (dir, program, pid) = compiled("fold", PIPELINE);

    let collect = Arc::new(Collect::default());
    let mut options = RunOptions::new(pid, dir.join("run"));
    options.run_id = Some("r1".into());
    options.observers.push(collect.clone());
    options.interrupt = collect.1.clone();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(execute(Arc::new(program.clone()), options))
        .unwrap();
    let events = std::mem::take(&mut *collect.0.lock().unwrap());
    let kinds: Vec<String> = events
        .iter()
        .map(|e| serde_json::to_value(e).unwrap()["event"].to_string())
        .collect();
    for kind in [
        "task_queued",
        "task_process",
        "task_retrying",
        "task_skipped",
        "task_timed_out",
        "task_cancelled",
    ] {
        assert!(
            kinds.contains(&format!("\"{kind}\"")),
            "no {kind} in {kinds:?}"
        );
    }

    // In one batch, every attempt's end but a retry's or a skip's is
    // written with its start.
    let batch: Vec<_> = events.iter().map(|e| (e.clone(), ())).collect();
    let folds = Folds::of(&batch);
    let starts = (0..batch.len()).filter(|&i| {
        matches!(batch[i].0.kind, crate::run::EventKind::TaskStarted { .. })
            && folds.end_of(i).is_some()
    });
    // fetch, again's last attempt, warned, failed, slow, waits
    // (`after_failed` never starts; `skipped` ends its own way).
    assert_eq!(starts.count(), 6, "{kinds:?}");

    let mut sources = HashMap::new();
    sources.insert(
        ("mixed".to_string(), "fetch".to_string()),
        vec!["data".to_string()],
    );
    // Each event in a commit of its own, found by search; all in one
    // commit, folded and found by id.
    let program = (&program, pid);
    let one_by_one = written(
        &dir.join("one.db"),
        program,
        &events,
        &each(&events),
        false,
        &sources,
    );
    let folded = written(&dir.join("all.db"), program, &events, &[], true, &sources);
    let (one, all) = (dump(&one_by_one), dump(&folded));
    assert!(one.iter().any(|r| r.starts_with("attempts:")));
    // Each attempt names its run's folder, as `runs` has it.
    let folders: Vec<(String, String)> = folded
        .conn
        .prepare("SELECT a.run_dir, r.run_dir FROM attempts a JOIN runs r USING (run_id)")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!folders.is_empty());
    assert!(folders.iter().all(|(a, r)| a == r), "{folders:?}");
    let differ: Vec<_> = one.iter().zip(&all).filter(|(a, b)| a != b).collect();
    assert!(differ.is_empty(), "{differ:#?}");
    assert_eq!(one.len(), all.len());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A hand-made stream, one second between events (so that a start's time
/// and its end's cannot be swapped unseen): every kind of end, retries,
/// a skip after a failed attempt, events between a start and its end,
/// fan-out instances, a sub-pipeline run twice one after the other and at
/// once, and a start whose end never comes (a kill).
fn stream() -> Vec<Event> {
    use EventKind::*;
    let stage = || "one".to_string();
    let queued = |t: &str| TaskQueued {
        stage: stage(),
        task: t.into(),
        priority: 0,
    };
    let started = |t: &str, attempt: u32| TaskStarted {
        stage: stage(),
        task: t.into(),
        attempt,
    };
    let process = |t: &str, attempt: u32, pid: i32| TaskProcess {
        stage: stage(),
        task: t.into(),
        attempt,
        pid,
        start_ticks: Some(pid as u64 * 10),
    };
    let completed = |t: &str, attempt: u32, duration_ms: u64| TaskCompleted {
        stage: stage(),
        task: t.into(),
        attempt,
        duration_ms,
    };
    let failed = |t: &str, attempt: u32| TaskFailed {
        stage: stage(),
        task: t.into(),
        attempt,
        error: format!("{t} broke"),
        cause: FailureCause::Exit { code: 3 },
        exit_code: Some(3),
        duration_ms: 7,
    };
    let cancelled = |t: &str, attempt: u32| TaskCancelled {
        stage: stage(),
        task: t.into(),
        attempt,
        reason: "stop".into(),
        duration_ms: 9,
    };
    let retrying = |t: &str, attempt: u32| TaskRetrying {
        stage: stage(),
        task: t.into(),
        attempt,
        error: format!("{t} try {attempt}"),
        cause: FailureCause::Signal { signal: 9 },
        exit_code: None,
        wait_ms: 1,
    };
    let submitted = |t: &str, job: &str| TaskSubmitted {
        stage: stage(),
        task: t.into(),
        attempt: 1,
        executor: "ray".into(),
        job: job.into(),
        reattached: false,
    };
    let (m, sub) = ("mixed", "sub");
    let list: Vec<(&str, EventKind)> = vec![
        (
            m,
            RunStarted {
                as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
                stages: vec![stage()],
                tasks: 1,
                run_dir: "/tmp/run-dir".into(),
                ignore_market_state: false,
            },
        ),
        (m, queued("a")),
        (m, queued("c1")),
        (m, started("a", 1)),
        (m, started("c1", 1)),
        (m, process("a", 1, 11)),
        (m, queued("r")),
        (m, started("r", 1)),
        (m, process("c1", 1, 12)),
        (m, started("t", 1)),
        (m, completed("a", 1, 5)),
        (m, process("r", 1, 13)),
        (
            m,
            TaskTimedOut {
                stage: stage(),
                task: "t".into(),
                attempt: 1,
                timeout_ms: 50,
                duration_ms: 51,
            },
        ),
        (m, retrying("r", 1)),
        (m, cancelled("c1", 1)),
        (m, started("r", 2)),
        (m, process("r", 2, 14)),
        (m, started("c2", 1)),
        (m, retrying("c2", 1)),
        (m, started("c2", 2)),
        (m, failed("r", 2)),
        (m, cancelled("c2", 2)),
        (m, started("k", 1)),
        (m, process("k", 1, 15)),
        (
            m,
            TaskSkipped {
                stage: stage(),
                task: "k".into(),
                reason: "k broke".into(),
                cause: SkipCause::Policy,
                exit_code: Some(3),
            },
        ),
        (m, started("sb", 1)),
        (m, submitted("sb", "job-1")),
        (m, completed("sb", 1, 6)),
        (m, started("stk", 1)),
        (m, process("stk", 1, 16)),
        (
            m,
            TaskStuck {
                stage: stage(),
                task: "stk".into(),
                running_ms: 30,
                average_ms: 10,
            },
        ),
        (
            m,
            TaskWarned {
                stage: stage(),
                task: "stk".into(),
                attempt: 1,
                error: "meh".into(),
                cause: FailureCause::BadOutput,
                exit_code: None,
                duration_ms: 8,
            },
        ),
        (m, started("d", 1)),
        (
            m,
            TaskDefaulted {
                stage: stage(),
                task: "d".into(),
                attempt: 1,
                error: "defaulted".into(),
                cause: FailureCause::Error,
                exit_code: None,
                duration_ms: 4,
            },
        ),
        (m, started("f[AAPL]", 1)),
        (m, started("f[MSFT]", 1)),
        (m, started("f[IBM]", 1)),
        (m, completed("f[AAPL]", 1, 3)),
        (m, cancelled("f[MSFT]", 1)),
        (m, failed("f[IBM]", 1)),
        // A sub-pipeline run twice, one after the other…
        (sub, queued("x")),
        (sub, started("x", 1)),
        (sub, process("x", 1, 17)),
        (sub, failed("x", 1)),
        (sub, queued("x")),
        (sub, started("x", 1)),
        (sub, process("x", 1, 18)),
        (sub, completed("x", 1, 2)),
        (sub, started("z", 1)),
        (sub, submitted("z", "job-z1")),
        (sub, completed("z", 1, 2)),
        (sub, started("z", 1)),
        (sub, submitted("z", "job-z2")),
        (sub, completed("z", 1, 2)),
        // … and twice at once.
        (sub, started("y", 1)),
        (sub, started("y", 1)),
        (sub, completed("y", 1, 2)),
        (sub, failed("y", 1)),
        // A start whose end never comes (a kill).
        (m, started("open", 1)),
        (m, process("open", 1, 19)),
    ];
    let base = chrono::DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    list.into_iter()
        .enumerate()
        .map(|(i, (pipeline, kind))| Event {
            seq: i as u64,
            time: base + chrono::Duration::seconds(i as i64),
            run_id: "r1".into(),
            trace_id: "t".into(),
            span_id: "s".into(),
            pipeline: pipeline.into(),
            kind,
        })
        .collect()
}

#[test]
fn every_split_and_every_prefix_writes_the_rows_event_by_event_writing_does() {
    let (dir, program, pid) = compiled(
        "fold-stream",
        "handler noop { builtin noop }\npipeline mixed { stage one { task a { run noop } } }\n",
    );
    let events = stream();
    let batch: Vec<_> = events.iter().map(|e| (e.clone(), ())).collect();
    let folds = Folds::of(&batch);
    // a, t, c1, r's second attempt, c2's second, d, the 3 instances, x
    // twice, y once; not sb, z (a submission in between), stk (stuck in
    // between) or k (a skip).
    let folded = (0..batch.len())
        .filter(|&i| folds.end_of(i).is_some())
        .count();
    assert_eq!(folded, 12);

    let sources = HashMap::new();
    let mut stores = 0;
    // The first `upto` events, committed at each of `splits`.
    let mut write = |splits: &[usize], remember: bool, upto: usize| {
        stores += 1;
        let store = written(
            &dir.join(format!("{stores}.db")),
            (&program, pid),
            &events[..upto],
            splits,
            remember,
            &sources,
        );
        let jobs: Vec<Option<String>> = store
            .conn
            .prepare("SELECT job FROM attempts WHERE task = 'z' ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        (dump(&store), jobs)
    };
    let each = each(&events);
    let (reference, jobs) = write(&each, false, events.len());
    // Each attempt of a task met twice keeps its own job.
    assert_eq!(
        jobs,
        [Some("job-z1".to_string()), Some("job-z2".to_string())]
    );
    let mut differences = Vec::new();
    let mut compare = |name: String, expected: &[String], rows: &[String]| {
        let differ: Vec<String> = expected
            .iter()
            .zip(rows)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| format!("{a}\n  folded: {b}"))
            .collect();
        if !differ.is_empty() || expected.len() != rows.len() {
            differences.push(format!("{name}:\n{}", differ.join("\n")));
        }
    };
    compare(
        "each, remembered".into(),
        &reference,
        &write(&each, true, events.len()).0,
    );
    compare(
        "all at once".into(),
        &reference,
        &write(&[], true, events.len()).0,
    );
    for k in 1..events.len() {
        compare(
            format!("split at {k}"),
            &reference,
            &write(&[k], true, events.len()).0,
        );
    }
    // A kill after any commit: the first k events in one commit leave what
    // they leave one by one.
    for k in 1..events.len() {
        let one_by_one = write(&each, false, k).0;
        compare(
            format!("prefix of {k}"),
            &one_by_one,
            &write(&[], true, k).0,
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
}
