//! Per-task statistics across runs, kept up to date in the same transaction as
//! the event that changes them (so they never disagree with the history).
//! A task counts once per run it ends in (not per attempt): a success when it
//! completed, a failure when it ended failed, timed out, warned, defaulted or
//! skipped by its policy. `records` is the `records` integer of the task's
//! output, when the handler reports one. A fan-out's instances have no
//! statistics of their own: their task's cover them, and a universe of
//! symbols would otherwise add a row per symbol.

use super::{Store, StoreError};
use crate::run::is_instance;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

pub(crate) enum Ended<'a> {
    Success {
        /// The run whose `tasks` row holds the output (stored once, there).
        run: &'a str,
        records: Option<i64>,
    },
    Failure {
        error: &'a str,
        exit_code: Option<i32>,
    },
}

pub(crate) fn started(
    tx: &Transaction,
    pipeline: &str,
    task: &str,
    now: &str,
) -> rusqlite::Result<()> {
    if is_instance(task) {
        return Ok(());
    }
    super::exec(
        tx,
        "INSERT INTO task_stats (pipeline, task, last_start) VALUES (?1, ?2, ?3) \
         ON CONFLICT DO UPDATE SET last_start = ?3",
        params![pipeline, task, now],
    )?;
    Ok(())
}

/// `started`: when the task started, if its start was not written on its
/// own (`started` above): a start and an end in one commit are one statement.
pub(crate) fn ended(
    tx: &Transaction,
    pipeline: &str,
    task: &str,
    how: Ended,
    duration_ms: u64,
    now: &str,
    started: Option<&str>,
) -> rusqlite::Result<()> {
    if is_instance(task) {
        return Ok(());
    }
    // One statement: the insert is what the update makes of a new row.
    let ms = i64::try_from(duration_ms).unwrap_or(i64::MAX);
    match how {
        Ended::Success { run, records } => super::exec(
            tx,
            "INSERT INTO task_stats (pipeline, task, last_end, last_success, consecutive_failures, \
             runs, successes, total_ms, records, last_output_run, exit_code, last_start) \
             VALUES (?1, ?2, ?3, ?3, 0, 1, 1, ?4, ?5, ?6, 0, ?7) \
             ON CONFLICT DO UPDATE SET last_end = ?3, last_success = ?3, consecutive_failures = 0, \
             runs = runs + 1, successes = successes + 1, total_ms = total_ms + ?4, \
             records = COALESCE(?5, records), last_output = NULL, last_output_run = ?6, exit_code = 0, \
             last_start = COALESCE(?7, last_start)",
            params![pipeline, task, now, ms, records, run, started],
        )?,
        Ended::Failure { error, exit_code } => super::exec(
            tx,
            "INSERT INTO task_stats (pipeline, task, last_end, last_failure, consecutive_failures, \
             runs, failures, total_ms, last_error, exit_code, last_start) \
             VALUES (?1, ?2, ?3, ?3, 1, 1, 1, ?4, ?5, ?6, ?7) \
             ON CONFLICT DO UPDATE SET last_end = ?3, last_failure = ?3, \
             consecutive_failures = consecutive_failures + 1, runs = runs + 1, \
             failures = failures + 1, total_ms = total_ms + ?4, last_error = ?5, exit_code = ?6, \
             last_start = COALESCE(?7, last_start)",
            params![pipeline, task, now, ms, error, exit_code, started],
        )?,
    };
    Ok(())
}

/// One task's history in numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskStats {
    pub pipeline: String,
    pub task: String,
    pub last_start: Option<String>,
    pub last_end: Option<String>,
    pub last_success: Option<String>,
    pub last_failure: Option<String>,
    pub consecutive_failures: i64,
    pub runs: i64,
    pub successes: i64,
    pub failures: i64,
    /// successes / runs, `None` before the first run ends.
    pub success_rate: Option<f64>,
    pub average_ms: Option<i64>,
    pub records: Option<i64>,
    pub last_error: Option<String>,
    /// 0 after a success; the status of the last failing process otherwise (when it exited).
    pub exit_code: Option<i64>,
    pub last_output: Option<serde_json::Value>,
}

impl Store {
    pub fn task_stats(&self, pipeline: &str, task: &str) -> Result<Option<TaskStats>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT pipeline, task, last_start, last_end, last_success, last_failure, \
                 consecutive_failures, runs, successes, failures, total_ms, records, last_error, \
                 exit_code, COALESCE((SELECT output FROM tasks t WHERE t.run_id = s.last_output_run \
                 AND t.pipeline = s.pipeline AND t.task = s.task), last_output) \
                 FROM task_stats s WHERE pipeline = ?1 AND task = ?2",
                params![pipeline, task],
                |r| {
                    let runs: i64 = r.get(7)?;
                    let successes: i64 = r.get(8)?;
                    let total: i64 = r.get(10)?;
                    let output: Option<String> = r.get(14)?;
                    Ok(TaskStats {
                        pipeline: r.get(0)?,
                        task: r.get(1)?,
                        last_start: r.get(2)?,
                        last_end: r.get(3)?,
                        last_success: r.get(4)?,
                        last_failure: r.get(5)?,
                        consecutive_failures: r.get(6)?,
                        runs,
                        successes,
                        failures: r.get(9)?,
                        success_rate: (runs > 0).then(|| successes as f64 / runs as f64),
                        average_ms: (runs > 0).then(|| total / runs),
                        records: r.get(11)?,
                        last_error: r.get(12)?,
                        exit_code: r.get(13)?,
                        last_output: output.and_then(|o| serde_json::from_str(&o).ok()),
                    })
                },
            )
            .optional()?)
    }

    /// The latest production of `source` by any pipeline: the pipeline, the
    /// producer and when.
    pub fn last_produced_anywhere(
        &self,
        source: &str,
    ) -> Result<Option<(String, String, String)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT pipeline, producer, produced_at FROM freshness WHERE source = ?1 \
                 ORDER BY produced_at DESC LIMIT 1",
                params![source],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    /// When `source` of `pipeline` was last produced (its producer's last success).
    pub fn last_produced(
        &self,
        pipeline: &str,
        source: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(self.conn.query_row(
            "SELECT MAX(produced_at) FROM freshness WHERE pipeline = ?1 AND source = ?2",
            params![pipeline, source],
            |r| r.get(0),
        )?)
    }
}

impl Store {
    /// Each task's average runtime in milliseconds over every time it ended
    /// (succeeded or failed), for the tasks that ended at least once.
    pub(crate) fn averages(&self, pipeline: &str) -> Result<crate::run::Averages, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT task, total_ms / runs FROM task_stats WHERE pipeline = ?1 AND runs > 0",
        )?;
        let rows = stmt.query_map([pipeline], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        let mut averages = crate::run::Averages::new();
        for row in rows {
            let (task, ms) = row?;
            averages.insert(task, u64::try_from(ms).unwrap_or(0));
        }
        Ok(averages)
    }
}
