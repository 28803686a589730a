//! The rows one event writes: a run's end, a stage's, a gate's, a task's
//! (its row, its last attempt, its statistics, its entry in `endings`), all
//! in the event's transaction.

use super::ending::{Ending, Why};
use super::fold::{AttemptIds, TaskAt};
use super::stats;
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

/// An attempt's start, written alone or with its end (`fold.rs`): what it
/// knows besides the task.
pub(super) struct Start<'a> {
    pub(super) stage: &'a str,
    pub(super) attempt: u32,
    /// The attempt's first process: its pid and start time.
    pub(super) process: Option<(i32, Option<u64>)>,
    /// The run's folder, when the writer knows it.
    pub(super) run_dir: Option<&'a str>,
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
    /// An attempt's start: the task's row (`after_queued`: its `queued` was
    /// folded into this, so the message is cleared as it would have been),
    /// the attempt's row, the statistics' start of a first attempt.
    pub(super) fn start(&self, start: &Start<'_>, after_queued: bool) -> rusqlite::Result<()> {
        super::exec(
            self.tx,
            "INSERT INTO tasks (run_id, pipeline, stage, task, status, attempts, started_at) \
             VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?6) \
             ON CONFLICT DO UPDATE SET status = 'running', attempts = ?5, settled = 0, \
             started_at = COALESCE(CASE WHEN ?5 > 1 THEN started_at END, ?6), ended_at = NULL, \
             message = CASE WHEN ?7 AND settled = 0 THEN NULL ELSE message END",
            params![
                self.run,
                self.pipeline,
                start.stage,
                self.task,
                start.attempt,
                self.now,
                after_queued
            ],
        )?;
        self.insert_attempt(start, None)?;
        self.attempts.borrow_mut().started(
            TaskAt {
                run: self.run,
                pipeline: self.pipeline,
                task: self.task,
            },
            start.attempt,
            self.tx.last_insert_rowid(),
        );
        if start.attempt == 1 {
            stats::started(self.tx, self.pipeline, self.task, self.now)?;
        }
        Ok(())
    }

    /// The attempt's end, after its start was written: the attempt's row,
    /// the entry in `endings`, the task's row and its statistics.
    pub(super) fn end(&self, ending: &Ending<'_>) -> rusqlite::Result<()> {
        self.end_attempt(
            ending.status,
            ending.message.as_deref(),
            Some(ending.duration_ms),
            ending.why,
        )?;
        self.ending_entry(ending)?;
        super::exec(self.tx,
            "UPDATE tasks SET status = ?4, message = ?5, duration_ms = ?6, output = ?7, ended_at = ?8, \
             settled = ?9, cause = ?10 WHERE run_id = ?1 AND pipeline = ?2 AND task = ?3",
            params![
                self.run,
                self.pipeline,
                self.task,
                ending.status,
                ending.message,
                ending.duration_ms,
                ending.output_text(),
                self.now,
                ending.settled(),
                ending.why.map(|w| w.cause)
            ],
        )?;
        self.count(ending, self.now, None)
    }

    /// The end's entry in `endings` (this `now` is the end's): all that an
    /// end written with its start still writes where it comes, so that
    /// `endings` keeps the order of events.
    pub(super) fn ending_entry(&self, ending: &Ending<'_>) -> rusqlite::Result<()> {
        task_ending(
            self.tx,
            self.run,
            self.pipeline,
            self.task,
            ending.status,
            self.now,
        )
    }

    /// An attempt that started and ended in one commit (this `now` is the
    /// start's, `ended_at` the end's): the task's row, the attempt's and the
    /// statistics in one statement each, as the start and the end written
    /// one after the other leave them (`fold_test.rs`).
    pub(super) fn start_and_end(
        &self,
        start: &Start<'_>,
        ending: &Ending<'_>,
        ended_at: &str,
    ) -> rusqlite::Result<()> {
        super::exec(
            self.tx,
            "INSERT INTO tasks (run_id, pipeline, stage, task, status, attempts, started_at, ended_at, \
             duration_ms, message, output, settled, cause) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) \
             ON CONFLICT DO UPDATE SET status = ?5, attempts = ?6, \
             started_at = COALESCE(CASE WHEN ?6 > 1 THEN started_at END, ?7), ended_at = ?8, \
             duration_ms = ?9, message = ?10, output = ?11, settled = ?12, cause = ?13",
            params![
                self.run,
                self.pipeline,
                start.stage,
                self.task,
                ending.status,
                start.attempt,
                self.now,
                ended_at,
                ending.duration_ms,
                ending.message,
                ending.output_text(),
                ending.settled(),
                ending.why.map(|w| w.cause)
            ],
        )?;
        self.insert_attempt(start, Some((ending, ended_at)))?;
        // Only a first attempt's start is a task's start in its statistics.
        let started = (start.attempt == 1).then_some(self.now);
        self.count(ending, ended_at, started)
    }

    /// The attempt's row: running, or already ended (`end`, and when).
    fn insert_attempt(
        &self,
        start: &Start<'_>,
        end: Option<(&Ending<'_>, &str)>,
    ) -> rusqlite::Result<()> {
        let ending = end.map(|(ending, _)| ending);
        super::exec(
            self.tx,
            "INSERT INTO attempts (run_id, pipeline, stage, task, attempt, status, started_at, run_dir, \
             pid, start_ticks, ended_at, duration_ms, error, exit_code, cause) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, COALESCE(?8, (SELECT run_dir FROM runs WHERE run_id = ?1)), \
             ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                self.run,
                self.pipeline,
                start.stage,
                self.task,
                start.attempt,
                ending.map_or("running", |e| e.status),
                self.now,
                start.run_dir,
                start.process.map(|(pid, _)| pid),
                start.process.and_then(|(_, ticks)| ticks).map(|t| t as i64),
                end.map(|(_, at)| at),
                ending.map(|e| e.duration_ms),
                ending.and_then(|e| e.message.as_deref()),
                ending.and_then(|e| e.why).and_then(|w| w.exit_code),
                ending.and_then(|e| e.why).map(|w| w.cause)
            ],
        )?;
        Ok(())
    }

    /// The end in the task's statistics, at `ended_at`, with its start when
    /// that was not written on its own.
    fn count(
        &self,
        ending: &Ending<'_>,
        ended_at: &str,
        started: Option<&str>,
    ) -> rusqlite::Result<()> {
        match (ending.counted(self.run), started) {
            (Some(how), _) => stats::ended(
                self.tx,
                self.pipeline,
                self.task,
                how,
                ending.duration_ms,
                ended_at,
                started,
            ),
            // A cancellation counts nothing, but its start is the task's last.
            (None, Some(at)) => stats::started(self.tx, self.pipeline, self.task, at),
            (None, None) => Ok(()),
        }
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
