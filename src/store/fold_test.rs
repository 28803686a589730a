//! Folding a batch's events (`fold.rs`) leaves the store with exactly the
//! rows that writing each event in a commit of its own, with every row
//! searched for, leaves (the order in which `tasks` rows were inserted
//! aside).

use super::fold::{AttemptIds, Folds};
use super::record::{write_batch, Known};
use super::{plan_of, RunKey, Store};
use crate::run::{execute, Event, EventKind, Interrupt, Observer, RunOptions};
use rusqlite::types::ValueRef;
use std::cell::RefCell;
use std::collections::HashMap;
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

#[test]
fn a_folded_batch_writes_the_rows_event_by_event_writing_does() {
    let dir = std::env::temp_dir().join(format!("pipec-fold-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("main.pipe");
    std::fs::write(&file, PIPELINE).unwrap();
    let program = crate::compile::compile(&file).unwrap().program.unwrap();
    let pid = program.find_pipeline("mixed").unwrap();

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
    let key = RunKey {
        pipeline: "mixed".into(),
        trigger: String::new(),
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
    };
    let now = crate::clock::Clock::now(&crate::clock::SystemClock);
    // `remember`: the writer keeps what it learnt (attempts' row ids, the
    // run's folder) from one commit to the next; without it every lookup
    // takes the search a writer does for rows it did not write.
    let write = |name: &str, batch_size: usize, remember: bool| {
        let mut store = Store::open(&dir.join(name)).unwrap();
        store
            .begin(&key, &plan_of(&program, pid), false, "r1", now)
            .unwrap();
        let attempts = RefCell::new(AttemptIds::default());
        let run_dirs = RefCell::new(HashMap::new());
        let mut all: Vec<_> = events.iter().map(|e| (e.clone(), None)).collect();
        for batch in all.chunks_mut(batch_size) {
            if !remember {
                *attempts.borrow_mut() = AttemptIds::default();
                run_dirs.borrow_mut().clear();
            }
            let known = Known {
                sources: &sources,
                attempts: &attempts,
                run_dirs: &run_dirs,
            };
            write_batch(&mut store.conn, batch, &known).unwrap();
        }
        store
    };
    // Each event in a commit of its own, found by search; all in one
    // commit, folded and found by id.
    let one_by_one = write("one.db", 1, false);
    let folded = write("all.db", events.len(), true);
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
