//! Read-only questions the operations service asks: runs filtered and
//! paged, every task's statistics, counts for metrics.

use super::runs::{RunRow, RUN_COLUMNS};
use super::{Store, StoreError};
use rusqlite::params;

/// Which runs, and which page of them (newest first).
#[derive(Debug, Clone, Default)]
pub(crate) struct RunFilter {
    pub pipeline: Option<String>,
    pub status: Option<String>,
    pub as_of: Option<String>,
    pub limit: usize,
    pub offset: usize,
}

/// How many of something, by labels (for metrics).
pub(crate) type Counts = Vec<(Vec<String>, i64)>;

impl Store {
    /// A page of runs, newest first, and how many match in all.
    pub(crate) fn runs_page(&self, filter: &RunFilter) -> Result<(Vec<RunRow>, i64), StoreError> {
        let matching = "(?1 IS NULL OR pipeline = ?1) AND (?2 IS NULL OR status = ?2) \
                        AND (?3 IS NULL OR as_of = ?3)";
        let total: i64 = self.conn.query_row(
            &format!("SELECT COUNT(*) FROM runs WHERE {matching}"),
            params![filter.pipeline, filter.status, filter.as_of],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE {matching} ORDER BY started_at DESC, rowid DESC LIMIT ?4 OFFSET ?5"
        ))?;
        let rows = stmt.query_map(
            params![
                filter.pipeline,
                filter.status,
                filter.as_of,
                i64::try_from(filter.limit).unwrap_or(i64::MAX),
                i64::try_from(filter.offset).unwrap_or(i64::MAX)
            ],
            super::runs::run_row,
        )?;
        Ok((rows.collect::<Result<_, _>>()?, total))
    }

    /// The statistics of every task (of one pipeline when given), sorted.
    pub fn all_task_stats(
        &self,
        pipeline: Option<&str>,
    ) -> Result<Vec<super::TaskStats>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT pipeline, task FROM task_stats WHERE (?1 IS NULL OR pipeline = ?1) \
             ORDER BY pipeline, task",
        )?;
        let names = stmt
            .query_map([pipeline], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut all = Vec::with_capacity(names.len());
        for (pipeline, task) in names {
            all.extend(self.task_stats(&pipeline, &task)?);
        }
        Ok(all)
    }

    /// Counts grouped by the given columns of a table, for metrics. The
    /// query text is the caller's (constant) SQL: `SELECT a, b, COUNT(*) … GROUP BY a, b`.
    pub(crate) fn counts(&self, sql: &str, labels: usize) -> Result<Counts, StoreError> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| {
            let mut values = Vec::with_capacity(labels);
            for i in 0..labels {
                values.push(r.get::<_, Option<String>>(i)?.unwrap_or_default());
            }
            Ok((values, r.get::<_, i64>(labels)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every ended task's duration in milliseconds, by pipeline and task.
    pub(crate) fn task_durations(&self) -> Result<Vec<(String, String, i64)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT pipeline, task, duration_ms FROM tasks WHERE duration_ms IS NOT NULL \
             AND instr(task, '[') = 0",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A task of a run, as the service shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct TaskDetail {
    pub pipeline: String,
    pub stage: String,
    pub task: String,
    pub status: String,
    pub attempts: i64,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    pub duration_ms: Option<i64>,
    pub message: Option<String>,
    /// Why it did not succeed (`exit`, `timeout`, `policy`, `dependency`, …).
    pub cause: Option<String>,
}

/// An attempt of a run, as the service shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AttemptDetail {
    pub pipeline: String,
    pub stage: String,
    pub task: String,
    pub attempt: i64,
    pub status: String,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub duration_ms: Option<i64>,
    pub error: Option<String>,
    /// Why it failed: `exit`, `signal`, `timeout`, `bad_output` or `error`.
    pub cause: Option<String>,
    pub exit_code: Option<i64>,
    /// Its job at a cluster, when it ran on one (`executor`).
    pub job: Option<String>,
    /// The run folder its logs are in.
    #[serde(skip)]
    pub run_dir: Option<String>,
}

/// A stage of a run.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct StageDetail {
    pub pipeline: String,
    pub stage: String,
    pub status: String,
    pub reason: Option<String>,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
}

/// A gate evaluation of a run.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct GateDetail {
    pub pipeline: String,
    pub stage: String,
    pub gate: String,
    pub passed: bool,
    pub message: Option<String>,
    pub evaluated_at: String,
}

impl Store {
    pub(crate) fn task_details(&self, run_id: &str) -> Result<Vec<TaskDetail>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT pipeline, stage, task, status, attempts, started_at, ended_at, duration_ms, message, \
             cause FROM tasks WHERE run_id = ?1 ORDER BY COALESCE(started_at, ended_at, ''), rowid",
        )?;
        let rows = stmt.query_map([run_id], |r| {
            Ok(TaskDetail {
                pipeline: r.get(0)?,
                stage: r.get(1)?,
                task: r.get(2)?,
                status: r.get(3)?,
                attempts: r.get(4)?,
                started_at: r.get(5)?,
                ended_at: r.get(6)?,
                duration_ms: r.get(7)?,
                message: r.get(8)?,
                cause: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn attempt_details(&self, run_id: &str) -> Result<Vec<AttemptDetail>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT pipeline, stage, task, attempt, status, started_at, ended_at, duration_ms, error, \
             exit_code, run_dir, cause, job FROM attempts WHERE run_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([run_id], |r| {
            Ok(AttemptDetail {
                pipeline: r.get(0)?,
                stage: r.get(1)?,
                task: r.get(2)?,
                attempt: r.get(3)?,
                status: r.get(4)?,
                started_at: r.get(5)?,
                ended_at: r.get(6)?,
                duration_ms: r.get(7)?,
                error: r.get(8)?,
                exit_code: r.get(9)?,
                run_dir: r.get(10)?,
                cause: r.get(11)?,
                job: r.get(12)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(crate) fn stage_details(&self, run_id: &str) -> Result<Vec<StageDetail>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT pipeline, stage, status, reason, started_at, ended_at FROM stages \
             WHERE run_id = ?1 ORDER BY COALESCE(started_at, ended_at, ''), rowid",
        )?;
        let rows = stmt.query_map([run_id], |r| {
            Ok(StageDetail {
                pipeline: r.get(0)?,
                stage: r.get(1)?,
                status: r.get(2)?,
                reason: r.get(3)?,
                started_at: r.get(4)?,
                ended_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(crate) fn gate_details(&self, run_id: &str) -> Result<Vec<GateDetail>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT pipeline, stage, gate, passed, message, evaluated_at FROM gates \
             WHERE run_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([run_id], |r| {
            Ok(GateDetail {
                pipeline: r.get(0)?,
                stage: r.get(1)?,
                gate: r.get(2)?,
                passed: r.get(3)?,
                message: r.get(4)?,
                evaluated_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
