//! The rows one event writes: a run's end, a stage's, a gate's, a task's
//! (its row, its last attempt, its statistics, its entry in `endings`), all
//! in the event's transaction.

use super::fold::{AttemptIds, TaskAt};
use super::stats::{self, Ended};
use crate::run::FailureCause;
use rusqlite::{params, Transaction};
use std::cell::RefCell;

pub(super) fn end_run(
    tx: &Transaction,
    run: &str,
    status: &str,
    reason: Option<&String>,
    now: &str,
) -> rusqlite::Result<()> {
    super::exec(
        tx,
        "UPDATE runs SET status = ?2, reason = ?3, ended_at = ?4 WHERE run_id = ?1",
        params![run, status, reason, now],
    )?;
    super::exec(
        tx,
        "INSERT INTO endings (kind, run_id, pipeline, status, at) \
         SELECT 'run', run_id, pipeline, ?2, ?3 FROM runs WHERE run_id = ?1",
        params![run, status, now],
    )?;
    Ok(())
}

/// A task's end, appended to `endings` (see the schema).
pub(super) fn task_ending(
    tx: &Transaction,
    run: &str,
    pipeline: &str,
    task: &str,
    status: &str,
    now: &str,
) -> rusqlite::Result<()> {
    super::exec(tx,
        "INSERT INTO endings (kind, run_id, pipeline, task, status, at) VALUES ('task', ?1, ?2, ?3, ?4, ?5)",
        params![run, pipeline, task, status, now],
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(super) fn end_stage(
    tx: &Transaction,
    run: &str,
    p: &str,
    stage: &str,
    status: &str,
    reason: Option<&String>,
    now: &str,
) -> rusqlite::Result<()> {
    super::exec(tx,
        "INSERT INTO stages (run_id, pipeline, stage, status, reason, ended_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT DO UPDATE SET status = ?4, reason = ?5, ended_at = ?6",
        params![run, p, stage, status, reason, now],
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(super) fn gate_row(
    tx: &Transaction,
    run: &str,
    p: &str,
    stage: &str,
    gate: &str,
    passed: bool,
    message: Option<&String>,
    now: &str,
) -> rusqlite::Result<()> {
    super::exec(tx,
        "INSERT INTO gates (run_id, pipeline, stage, gate, passed, message, evaluated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![run, p, stage, gate, passed, message, now],
    )?;
    Ok(())
}

/// What every row an event writes shares.
pub(super) struct EventRows<'a> {
    pub(super) tx: &'a Transaction<'a>,
    pub(super) run: &'a str,
    pub(super) pipeline: &'a str,
    pub(super) now: &'a str,
    pub(super) attempts: &'a RefCell<AttemptIds>,
}

impl<'a> EventRows<'a> {
    pub(super) fn task(&self, task: &'a str) -> TaskRows<'a> {
        TaskRows {
            tx: self.tx,
            run: self.run,
            pipeline: self.pipeline,
            task,
            now: self.now,
            attempts: self.attempts,
        }
    }
}

/// Why a task or an attempt did not succeed, as the store keeps it: the
/// cause's word (`exit`, `timeout`, `policy`, …) and a command's exit status.
#[derive(Debug, Clone, Copy)]
pub(super) struct Why {
    pub(super) cause: &'static str,
    pub(super) exit_code: Option<i32>,
}

impl From<FailureCause> for Why {
    fn from(cause: FailureCause) -> Why {
        let exit_code = match cause {
            FailureCause::Exit { code } => Some(code),
            FailureCause::Signal { .. }
            | FailureCause::Timeout { .. }
            | FailureCause::BadOutput
            | FailureCause::Error => None,
        };
        Why {
            cause: cause.label(),
            exit_code,
        }
    }
}

/// One task's rows of one run, written in the event's transaction.
pub(super) struct TaskRows<'a> {
    tx: &'a Transaction<'a>,
    run: &'a str,
    pipeline: &'a str,
    task: &'a str,
    now: &'a str,
    attempts: &'a RefCell<AttemptIds>,
}

impl TaskRows<'_> {
    /// A failed ending: the task's row, its last attempt and its statistics.
    pub(super) fn failed(
        &self,
        status: &str,
        error: &str,
        duration_ms: u64,
        why: Why,
    ) -> rusqlite::Result<()> {
        self.end(status, Some(error), duration_ms, None, Some(why))?;
        stats::ended(
            self.tx,
            self.pipeline,
            self.task,
            Ended::Failure {
                error,
                exit_code: why.exit_code,
            },
            duration_ms,
            self.now,
        )
    }

    pub(super) fn end(
        &self,
        status: &str,
        message: Option<&str>,
        duration_ms: u64,
        output: Option<&str>,
        why: Option<Why>,
    ) -> rusqlite::Result<()> {
        self.end_attempt(status, message, Some(duration_ms), why)?;
        task_ending(
            self.tx,
            self.run,
            self.pipeline,
            self.task,
            status,
            self.now,
        )?;
        // The results a resume keeps (see `Memo::restore`).
        let settled = matches!(status, "completed" | "warned" | "defaulted");
        super::exec(self.tx,
            "UPDATE tasks SET status = ?4, message = ?5, duration_ms = ?6, output = ?7, ended_at = ?8, \
             settled = ?9, cause = ?10 WHERE run_id = ?1 AND pipeline = ?2 AND task = ?3",
            params![
                self.run,
                self.pipeline,
                self.task,
                status,
                message,
                duration_ms,
                output,
                self.now,
                settled,
                why.map(|w| w.cause)
            ],
        )?;
        Ok(())
    }

    /// Ends the task's running attempt; `false` when none was running. One
    /// this writer started is found by its row id, any other (left by a
    /// killed run) by a search.
    pub(super) fn end_attempt(
        &self,
        status: &str,
        error: Option<&str>,
        duration_ms: Option<u64>,
        why: Option<Why>,
    ) -> rusqlite::Result<bool> {
        let id = self.attempts.borrow_mut().ending(TaskAt {
            run: self.run,
            pipeline: self.pipeline,
            task: self.task,
        });
        let n = super::exec(self.tx,
            "UPDATE attempts SET status = ?4, error = ?5, duration_ms = ?6, ended_at = ?7, exit_code = ?8, cause = ?9 \
             WHERE id = COALESCE(?10, (SELECT MAX(id) FROM attempts WHERE run_id = ?1 AND pipeline = ?2 \
             AND task = ?3 AND status = 'running')) AND status = 'running'",
            params![
                self.run,
                self.pipeline,
                self.task,
                status,
                error,
                duration_ms,
                self.now,
                why.and_then(|w| w.exit_code),
                why.map(|w| w.cause),
                id
            ],
        )?;
        Ok(n > 0)
    }
}

/// A deadline missed or at risk, or a stuck task: what needs attention.
pub(super) struct Alert<'a> {
    pub(super) kind: &'static str,
    pub(super) stage: Option<&'a str>,
    pub(super) task: Option<&'a str>,
    /// The deadline (RFC 3339), or how long a stuck task has run.
    pub(super) detail: &'a str,
}

impl Alert<'_> {
    pub(super) fn write(
        &self,
        tx: &Transaction<'_>,
        run: &str,
        pipeline: &str,
        now: &str,
    ) -> rusqlite::Result<()> {
        super::exec(
            tx,
            "INSERT INTO alerts (run_id, pipeline, kind, stage, task, at, detail) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                run,
                pipeline,
                self.kind,
                self.stage,
                self.task,
                now,
                self.detail
            ],
        )?;
        Ok(())
    }
}
