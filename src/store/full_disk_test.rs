//! A store that cannot be written mid-run (here: SQLite's page limit, which
//! fails exactly like a full disk) interrupts the run with a clear error.

use super::{plan_of, RunKey, Store};
use crate::run::{execute, Interrupt, RunOptions, RunStatus};
use std::sync::Arc;

#[test]
fn a_full_database_interrupts_the_run_with_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("pipec-full-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("main.pipe");
    let tasks: String = (0..300)
        .map(|i| format!("    task t{i} {{ run nothing }}\n"))
        .collect();
    std::fs::write(
        &file,
        format!("handler nothing {{ builtin noop }}\npipeline full {{\n  stage one {{\n{tasks}  }}\n}}\n"),
    )
    .unwrap();
    let program = crate::compile::compile(&file).unwrap().program.unwrap();
    let pid = program.find_pipeline("full").unwrap();
    let mut db = Store::open(&dir.join("state.db")).unwrap();
    let key = RunKey {
        pipeline: "full".into(),
        trigger: String::new(),
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
    };
    let now = crate::clock::Clock::now(&crate::clock::SystemClock);
    db.begin(&key, &plan_of(&program, pid), false, "r1", now)
        .unwrap();
    // Not one page more: the next write that needs a page fails with SQLITE_FULL.
    let pages: i64 = db
        .conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    db.conn
        .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap();
    let interrupt = Interrupt::new();
    let program = Arc::new(program);
    let recorder = Arc::new(super::Recorder::new(db, "r1", &program, interrupt.clone()).unwrap());
    let mut options = RunOptions::new(pid, dir.join("run"));
    options.run_id = Some("r1".into());
    options.interrupt = interrupt;
    options.memo = Some(recorder.clone());
    options.observers.push(recorder.clone());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let report = rt.block_on(execute(program, options)).unwrap();
    let error = recorder.error().expect("a write failed").to_string();
    assert!(error.contains("(the disk is full)"), "{error}");
    assert!(error.contains("state.db"), "{error}");
    assert_eq!(report.status, RunStatus::Interrupted, "{:?}", report.reason);
    assert!(report
        .reason
        .unwrap_or_default()
        .contains("cannot record the run"));
    let _ = std::fs::remove_dir_all(&dir);
}
