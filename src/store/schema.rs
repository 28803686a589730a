//! The schema, versioned in the code. Migrations run forward only, each in its
//! own transaction with the version bump, so a database is always at exactly
//! one version. Never edit a shipped migration: append a new one.

use super::StoreError;
use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    // 1: runs, stages, tasks, attempts, gates, freshness marks, per-task
    // statistics and trigger firings.
    r#"
    CREATE TABLE runs (
        run_id      TEXT PRIMARY KEY,
        pipeline    TEXT NOT NULL,
        trigger     TEXT NOT NULL,
        as_of       TEXT NOT NULL,
        status      TEXT NOT NULL,
        reason      TEXT,
        plan_hash   TEXT NOT NULL,
        plan_tasks  TEXT NOT NULL,
        pid         INTEGER,
        started_at  TEXT NOT NULL,
        ended_at    TEXT,
        resumes     INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX runs_by_key ON runs (pipeline, trigger, as_of, started_at);
    CREATE TABLE stages (
        run_id      TEXT NOT NULL,
        pipeline    TEXT NOT NULL,
        stage       TEXT NOT NULL,
        status      TEXT NOT NULL,
        reason      TEXT,
        started_at  TEXT,
        ended_at    TEXT,
        PRIMARY KEY (run_id, pipeline, stage)
    );
    CREATE TABLE tasks (
        run_id      TEXT NOT NULL,
        pipeline    TEXT NOT NULL,
        stage       TEXT NOT NULL,
        task        TEXT NOT NULL,
        status      TEXT NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        started_at  TEXT,
        ended_at    TEXT,
        duration_ms INTEGER,
        message     TEXT,
        output      TEXT,
        PRIMARY KEY (run_id, pipeline, task)
    );
    CREATE TABLE attempts (
        id          INTEGER PRIMARY KEY,
        run_id      TEXT NOT NULL,
        pipeline    TEXT NOT NULL,
        stage       TEXT NOT NULL,
        task        TEXT NOT NULL,
        attempt     INTEGER NOT NULL,
        status      TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        ended_at    TEXT,
        duration_ms INTEGER,
        error       TEXT,
        exit_code   INTEGER
    );
    CREATE INDEX attempts_by_task ON attempts (run_id, pipeline, task);
    CREATE TABLE gates (
        id          INTEGER PRIMARY KEY,
        run_id      TEXT NOT NULL,
        pipeline    TEXT NOT NULL,
        stage       TEXT NOT NULL,
        gate        TEXT NOT NULL,
        passed      INTEGER NOT NULL,
        message     TEXT,
        evaluated_at TEXT NOT NULL
    );
    CREATE TABLE freshness (
        id          INTEGER PRIMARY KEY,
        pipeline    TEXT NOT NULL,
        source      TEXT NOT NULL,
        producer    TEXT NOT NULL,
        produced_at TEXT NOT NULL,
        run_id      TEXT NOT NULL
    );
    CREATE INDEX freshness_by_source ON freshness (pipeline, source, produced_at);
    CREATE TABLE task_stats (
        pipeline    TEXT NOT NULL,
        task        TEXT NOT NULL,
        last_start  TEXT,
        last_end    TEXT,
        last_success TEXT,
        last_failure TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        runs        INTEGER NOT NULL DEFAULT 0,
        successes   INTEGER NOT NULL DEFAULT 0,
        failures    INTEGER NOT NULL DEFAULT 0,
        total_ms    INTEGER NOT NULL DEFAULT 0,
        records     INTEGER,
        last_error  TEXT,
        exit_code   INTEGER,
        last_output TEXT,
        PRIMARY KEY (pipeline, task)
    );
    CREATE TABLE firings (
        pipeline    TEXT NOT NULL,
        trigger     TEXT NOT NULL,
        fire_at     TEXT NOT NULL,
        run_id      TEXT,
        status      TEXT NOT NULL,
        PRIMARY KEY (pipeline, trigger, fire_at)
    );
    "#,
    // 2: each attempt's first process (pid and start time), so that a resume
    // after pipec was killed ends what the dead run left running.
    r#"
    ALTER TABLE attempts ADD COLUMN pid INTEGER;
    ALTER TABLE attempts ADD COLUMN start_ticks INTEGER;
    "#,
    // 3: whether a task's result is final for its run key (completed, warned,
    // defaulted, or skipped by its own policy): a resume keeps it.
    r#"
    ALTER TABLE tasks ADD COLUMN settled INTEGER NOT NULL DEFAULT 0;
    UPDATE tasks SET settled = 1 WHERE status IN ('completed', 'warned', 'defaulted');
    "#,
    // 4: a task's last output is stored once, in `tasks`; its statistics name
    // the run that holds it (`last_output` stays for rows written before).
    r#"
    ALTER TABLE task_stats ADD COLUMN last_output_run TEXT;
    "#,
    // 5: where a run's folder is (the latest resume's), and each attempt's,
    // so an attempt's logs can be found from the store.
    r#"
    ALTER TABLE runs ADD COLUMN run_dir TEXT;
    ALTER TABLE attempts ADD COLUMN run_dir TEXT;
    "#,
    // 6: every end of a run or a task, appended and never rewritten (a resume
    // rewrites `runs` and `tasks`), so counts of them only grow: the
    // Prometheus counters.
    r#"
    CREATE TABLE endings (
        id       INTEGER PRIMARY KEY,
        kind     TEXT NOT NULL,
        run_id   TEXT NOT NULL,
        pipeline TEXT NOT NULL,
        task     TEXT,
        status   TEXT NOT NULL,
        at       TEXT NOT NULL
    );
    "#,
    // 7: why a task or an attempt did not succeed, as data (`exit`,
    // `signal`, `timeout`, `bad_output`, `error`; for skips `policy`,
    // `condition`, `market_state`, `dependency`, `earlier_stage`, `stopped`).
    r#"
    ALTER TABLE tasks ADD COLUMN cause TEXT;
    ALTER TABLE attempts ADD COLUMN cause TEXT;
    "#,
    // 8: what needs attention (deadlines missed or at risk, stuck tasks) and
    // every notification delivered or given up on.
    r#"
    CREATE TABLE alerts (
        id       INTEGER PRIMARY KEY,
        run_id   TEXT NOT NULL,
        pipeline TEXT NOT NULL,
        kind     TEXT NOT NULL,
        stage    TEXT,
        task     TEXT,
        at       TEXT NOT NULL,
        detail   TEXT
    );
    CREATE TABLE notifications (
        id       INTEGER PRIMARY KEY,
        at       TEXT NOT NULL,
        pipeline TEXT NOT NULL,
        run_id   TEXT,
        notifier TEXT NOT NULL,
        event    TEXT NOT NULL,
        status   TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        error    TEXT,
        ended_at TEXT
    );
    "#,
    // 9: paused pipelines, so a pause outlives the daemon that was told it.
    r#"
    CREATE TABLE pauses (
        pipeline  TEXT PRIMARY KEY,
        paused_at TEXT NOT NULL
    );
    "#,
    // 10: where an attempt ran when not here: its job at the cluster.
    r#"
    ALTER TABLE attempts ADD COLUMN job TEXT;
    "#,
    // 11: runs newest first from an index: a run's row holds its plan before
    // `started_at`, so sorting the table read every plan ever recorded.
    r#"
    CREATE INDEX runs_by_start ON runs (started_at);
    "#,
];

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the database to `VERSION`. Each step reads the version inside a
/// transaction that holds the write lock, so two processes opening one store
/// at once never apply a migration twice.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current = version(conn)?;
    if current > VERSION {
        return Err(StoreError::new(format!(
            "the database is at schema version {current}, newer than this pipec ({VERSION}); upgrade pipec"
        )));
    }
    if current == VERSION {
        return Ok(());
    }
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let step = i as i64 + 1;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")?;
        if version(&tx)? >= step {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.execute("INSERT INTO schema_version (version) VALUES (?1)", [step])?;
        tx.commit()?;
    }
    Ok(())
}

/// Builds the whole schema in a new, private database in one transaction:
/// nobody else can open it, so the steps need not be apart.
pub(crate) fn create(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    tx.execute_batch("CREATE TABLE schema_version (version INTEGER NOT NULL)")?;
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES (?1)",
            [i as i64 + 1],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// 0 for a database without the table.
fn version(conn: &Connection) -> Result<i64, StoreError> {
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version')",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(0);
    }
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_version",
        [],
        |r| r.get(0),
    )?)
}
