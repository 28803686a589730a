//! What a run leaves in the state store: attempts with exit codes, per-task
//! statistics, gate evaluations, freshness marks, and `pipec status`.

use crate::durable_common;

use durable_common::{text, Fixture, TEN_TASKS};

const FAILING: &str = r#"
handler ok {
  shell "echo '{\"records\": 12}'"
  returns { records: int }
}
handler broken {
  shell "echo boom >&2; exit 3"
}
pipeline failing {
  stage one {
    task fetch { run ok }
    gate enough "enough records" { records > 10 }
  }
  stage two {
    task load { run broken  on_failure retry 1 backoff 10ms then fail }
  }
  source data { producer fetch green 5m yellow 1h }
}
"#;

#[test]
fn attempts_stats_gates_and_freshness_are_recorded() {
    let f = Fixture::new("records", FAILING);
    let out = f.run(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let db = f.store();
    let run = &db.runs(None, 1).unwrap()[0];
    assert_eq!(run.status, "failed");
    assert!(
        run.reason.as_deref().unwrap_or("").contains("load"),
        "{run:?}"
    );

    let attempts = db.attempts(&run.run_id).unwrap();
    let load: Vec<_> = attempts.iter().filter(|a| a.task == "load").collect();
    assert_eq!(load.len(), 2, "{attempts:?}");
    assert!(
        load.iter()
            .all(|a| a.status == "failed" && a.exit_code == Some(3)),
        "{load:?}"
    );

    let fetch = db.task_stats("failing", "fetch").unwrap().unwrap();
    assert_eq!(
        (fetch.runs, fetch.successes, fetch.records),
        (1, 1, Some(12))
    );
    assert_eq!(fetch.success_rate, Some(1.0));
    assert_eq!(
        fetch.last_output,
        Some(serde_json::json!({ "records": 12 }))
    );
    let load = db.task_stats("failing", "load").unwrap().unwrap();
    assert_eq!(
        (load.failures, load.consecutive_failures, load.exit_code),
        (1, 1, Some(3))
    );
    assert!(
        load.last_error
            .as_deref()
            .unwrap_or("")
            .contains("exited with status 3"),
        "{load:?}"
    );
    assert!(load.last_failure.is_some() && load.last_success.is_none());

    assert!(db.last_produced("failing", "data").unwrap().is_some());
    assert_eq!(
        db.gates(&run.run_id).unwrap(),
        vec![("one".to_string(), "enough".to_string(), true)]
    );

    // A second failing run: two failures in a row.
    let again = f.run(&["--force"]);
    assert_eq!(again.status.code(), Some(1));
    let load = f.store().task_stats("failing", "load").unwrap().unwrap();
    assert_eq!(load.consecutive_failures, 2);
}

#[test]
fn status_shows_runs_and_why_tasks_failed() {
    let f = Fixture::new("status", FAILING);
    let none = f.command(&["status", "main.pipe"]).output().unwrap();
    assert!(none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("nothing has run"));
    f.run(&[]);
    let out = f.command(&["status", "main.pipe"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("failing") && s.contains("failed"), "{s}");
    assert!(
        s.contains("failing/two/load failed after 2 attempt(s)"),
        "{s}"
    );
    assert!(s.contains("exited with status 3"), "{s}");
    let json = f
        .command(&["status", "main.pipe", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v[0]["status"], "failed");
    assert_eq!(v[0]["pipeline"], "failing");
}

#[test]
fn the_store_is_wal_with_a_schema_version() {
    let f = Fixture::new("schema", TEN_TASKS);
    assert!(f.run(&[]).status.success());
    let db = f.store();
    assert_eq!(db.journal_mode().unwrap(), "wal");
    assert_eq!(db.schema_version().unwrap(), pipec::store::SCHEMA_VERSION);
    // Opening again migrates nothing and keeps the data.
    drop(db);
    assert_eq!(f.store().runs(None, 10).unwrap().len(), 1);
}

/// A task's output is stored once: in its run's `tasks` row. The task's
/// statistics find it there instead of keeping a copy.
#[test]
fn an_output_is_stored_once() {
    let f = Fixture::new(
        "output-once",
        r#"
handler big {
  shell "printf '{\"blob\": \"'; head -c 300000 /dev/zero | tr '\\0' 'x'; printf '\"}'"
  returns { blob: string }
  max_output 1MB
}
pipeline once { stage one { task big } }
"#,
    );
    let out = f.run(&[]);
    assert!(out.status.success(), "{}", text(&out));
    let conn = rusqlite::Connection::open(f.state()).unwrap();
    let stored: i64 = conn
        .query_row(
            "SELECT (SELECT COALESCE(SUM(LENGTH(output)), 0) FROM tasks) + \
             (SELECT COALESCE(SUM(LENGTH(last_output)), 0) FROM task_stats)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        (300_000..400_000).contains(&stored),
        "{stored} bytes of outputs stored"
    );
    let stats = f.store().task_stats("once", "big").unwrap().unwrap();
    let blob = stats.last_output.unwrap()["blob"].as_str().unwrap().len();
    assert_eq!(blob, 300_000);
}

/// `pipec status --tasks`: what the store knows of each task, in a table.
#[test]
fn status_shows_each_tasks_statistics() {
    let f = Fixture::new("status-tasks", FAILING);
    assert_eq!(f.run(&[]).status.code(), Some(1));
    let out = f
        .command(&["status", "main.pipe", "--tasks"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    let line = |task: &str| {
        table
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(task))
            .unwrap_or_else(|| panic!("no `{task}` in\n{table}"))
            .to_string()
    };
    assert!(line("fetch").contains("100%"), "{table}");
    let load = line("load");
    assert!(
        load.contains("0%") && load.contains("1 in a row"),
        "{table}"
    );
    assert!(load.contains("exited with status 3: boom"), "{table}");
    assert!(line("load").contains("never"), "{table}");
    let json = f
        .command(&["status", "main.pipe", "--tasks", "--format", "json"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["tasks"].as_array().unwrap().len(), 2);
    assert_eq!(value["missed_firings"], serde_json::json!([]));
}
