//! Recording a run: an `Observer` that writes every lifecycle event into the
//! store, one transaction each, before the scheduler moves on (observers are
//! called inline), and the `Memo` that restores completed tasks on resume.
//!
//! A write that fails (full disk, corrupt file) interrupts the run: going on
//! would report work as done that the store does not know about.

use super::rows::{end_run, end_stage, gate_row, task_ending, Alert, EventRows, Why};
use super::stats::{self, Ended};
use super::{stamp, Store, StoreError};
use crate::ir::Program;
use crate::run::{
    Event, EventKind, FailureCause, Interrupt, Memo, Observer, Restored, SkipCause, TaskStatus,
};
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Mutex;

pub struct Recorder {
    inner: Mutex<Inner>,
    run_id: String,
    interrupt: Interrupt,
    /// A resume restores only completed tasks (`--rerun-incomplete`), not
    /// warned, defaulted or policy-skipped ones too.
    only_completed: bool,
    _claim: Claim,
}

struct Inner {
    store: Store,
    /// Outputs handed to `Memo::output`, written with their completion event.
    outputs: HashMap<(String, String), Map<String, Value>>,
    /// (pipeline, producer task) → the sources it produces.
    sources: HashMap<(String, String), Vec<String>>,
    error: Option<StoreError>,
}

impl Recorder {
    pub(crate) fn new(store: Store, run_id: &str, program: &Program, interrupt: Interrupt) -> Self {
        let mut sources: HashMap<(String, String), Vec<String>> = HashMap::new();
        for p in &program.pipelines {
            for s in &p.sources {
                let producer = p.task(s.producer).name.clone();
                sources
                    .entry((p.name.clone(), producer))
                    .or_default()
                    .push(s.name.clone());
            }
        }
        Self {
            inner: Mutex::new(Inner {
                store,
                outputs: HashMap::new(),
                sources,
                error: None,
            }),
            run_id: run_id.to_string(),
            interrupt,
            only_completed: false,
            _claim: Claim(run_id.to_string()),
        }
    }

    /// On resume, run again what ended warned, defaulted or skipped by its
    /// policy; keep only what completed.
    pub(crate) fn restore_only_completed(mut self) -> Self {
        self.only_completed = true;
        self
    }

    /// The run never started (its folder could not be made): record it failed
    /// with why, so it is not left `running`.
    pub(crate) fn fail_to_start(&self, why: &str, at: chrono::DateTime<chrono::Utc>) {
        let inner = crate::sync::lock(&self.inner, "the run's recorder");
        let _ = inner.store.conn.execute(
            "UPDATE runs SET status = 'failed', reason = ?2, ended_at = ?3 WHERE run_id = ?1",
            params![self.run_id, why, stamp(at)],
        );
    }

    /// The first write error, if any (the run was interrupted because of it).
    pub fn error(&self) -> Option<StoreError> {
        crate::sync::lock(&self.inner, "the run's recorder")
            .error
            .clone()
    }
}

/// This process's claim on a run (see `Store::begin`), let go when the
/// recorder is dropped: the run is over here.
struct Claim(String);

impl Drop for Claim {
    fn drop(&mut self) {
        super::runs::release(&self.0);
    }
}

impl Observer for Recorder {
    fn event(&self, event: &Event) {
        let Ok(mut guard) = self.inner.lock() else {
            // A panic while recording: the run must not go on unrecorded.
            self.interrupt
                .interrupt("cannot record the run: its recorder failed (an internal error)");
            return;
        };
        let inner = &mut *guard;
        if inner.error.is_some() {
            return;
        }
        let result = (|| -> Result<(), StoreError> {
            let tx = inner.store.conn.transaction()?;
            write(&tx, event, &mut inner.outputs, &inner.sources)?;
            tx.commit()?;
            Ok(())
        })();
        if let Err(e) = result {
            let e = e.context(inner.store.path());
            self.interrupt
                .interrupt(format!("cannot record the run: {e}"));
            inner.error = Some(e);
        }
    }
}

impl Memo for Recorder {
    fn restore(&self, pipeline: &str, task: &str) -> Option<Restored> {
        let guard = crate::sync::lock(&self.inner, "the run's recorder");
        let found = guard
            .store
            .conn
            .query_row(
                "SELECT status, output, message FROM tasks WHERE run_id = ?1 AND pipeline = ?2 \
                 AND task = ?3 AND settled = 1 AND (?4 = 0 OR status = 'completed')",
                params![self.run_id, pipeline, task, self.only_completed],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get(2)?,
                    ))
                },
            )
            .optional();
        let (status, output, message): (String, Option<String>, Option<String>) = match found {
            Ok(row) => row?,
            Err(e) => {
                // Not knowing what the key already did, running it again
                // could repeat side effects: stop the run instead.
                let e = StoreError::from(e).context(guard.store.path());
                self.interrupt
                    .interrupt(format!("cannot read the run's record: {e}"));
                return None;
            }
        };
        let status = match status.as_str() {
            "completed" => TaskStatus::Completed,
            "warned" => TaskStatus::Warned,
            "defaulted" => TaskStatus::Defaulted,
            "skipped" => TaskStatus::Skipped,
            // Nothing else is ever settled; anything else runs again.
            _ => return None,
        };
        let output = match output.map(|o| serde_json::from_str::<Value>(&o)) {
            Some(Ok(Value::Object(m))) => m,
            // A completed task whose output cannot be read runs again.
            _ if status == TaskStatus::Completed => return None,
            _ => Map::new(),
        };
        Some(Restored {
            status,
            output,
            message: if status == TaskStatus::Completed {
                None
            } else {
                message
            },
        })
    }

    fn output(&self, pipeline: &str, task: &str, output: &Map<String, Value>) {
        crate::sync::lock(&self.inner, "the run's recorder")
            .outputs
            .insert((pipeline.to_string(), task.to_string()), output.clone());
    }
}

fn write(
    tx: &Transaction,
    event: &Event,
    outputs: &mut HashMap<(String, String), Map<String, Value>>,
    sources: &HashMap<(String, String), Vec<String>>,
) -> Result<(), StoreError> {
    let run = &event.run_id;
    let p = &event.pipeline;
    let now = stamp(event.time);
    let event_rows = EventRows {
        tx,
        run,
        pipeline: p,
        now: &now,
    };
    match &event.kind {
        EventKind::RunStarted { run_dir, .. } => {
            tx.execute(
                "UPDATE runs SET run_dir = ?2 WHERE run_id = ?1",
                params![run, run_dir.display().to_string()],
            )?;
        }
        EventKind::RunCompleted { .. } => end_run(tx, run, "succeeded", None, &now)?,
        EventKind::RunFailed { reason, .. } => end_run(tx, run, "failed", Some(reason), &now)?,
        EventKind::RunInterrupted { reason, .. } => {
            end_run(tx, run, "interrupted", Some(reason), &now)?;
        }
        EventKind::StageStarted { stage, .. } => {
            tx.execute(
                "INSERT INTO stages (run_id, pipeline, stage, status, started_at) VALUES (?1, ?2, ?3, 'running', ?4) \
                 ON CONFLICT DO UPDATE SET status = 'running', reason = NULL, started_at = ?4, ended_at = NULL",
                params![run, p, stage, now],
            )?;
        }
        EventKind::StageCompleted { stage, .. } => {
            end_stage(tx, run, p, stage, "completed", None, &now)?;
        }
        EventKind::StageFailed { stage, reason, .. } => {
            end_stage(tx, run, p, stage, "failed", Some(reason), &now)?;
        }
        EventKind::StageSkipped { stage, reason } => {
            end_stage(tx, run, p, stage, "skipped", Some(reason), &now)?;
        }
        EventKind::GatePassed { stage, gate } => {
            gate_row(tx, run, p, stage, gate, true, None, &now)?;
        }
        EventKind::GateFailed {
            stage,
            gate,
            message,
        } => gate_row(tx, run, p, stage, gate, false, Some(message), &now)?,
        EventKind::TaskQueued { stage, task, .. } => {
            // A task completed earlier in this run stays completed: it is about
            // to be restored, not run.
            tx.execute(
                "INSERT INTO tasks (run_id, pipeline, stage, task, status) VALUES (?1, ?2, ?3, ?4, 'queued') \
                 ON CONFLICT DO UPDATE SET status = 'queued', message = NULL WHERE settled = 0",
                params![run, p, stage, task],
            )?;
        }
        EventKind::TaskStarted {
            stage,
            task,
            attempt,
        } => {
            tx.execute(
                "INSERT INTO tasks (run_id, pipeline, stage, task, status, attempts, started_at) \
                 VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?6) \
                 ON CONFLICT DO UPDATE SET status = 'running', attempts = ?5, settled = 0, \
                 started_at = COALESCE(CASE WHEN ?5 > 1 THEN started_at END, ?6), ended_at = NULL",
                params![run, p, stage, task, attempt, now],
            )?;
            tx.execute(
                "INSERT INTO attempts (run_id, pipeline, stage, task, attempt, status, started_at, run_dir) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6, (SELECT run_dir FROM runs WHERE run_id = ?1))",
                params![run, p, stage, task, attempt, now],
            )?;
            if *attempt == 1 {
                stats::started(tx, p, task, &now)?;
            }
        }
        EventKind::TaskProcess {
            task,
            attempt,
            pid,
            start_ticks,
            ..
        } => {
            tx.execute(
                "UPDATE attempts SET pid = ?5, start_ticks = ?6 \
                 WHERE run_id = ?1 AND pipeline = ?2 AND task = ?3 AND attempt = ?4 AND status = 'running'",
                params![run, p, task, attempt, pid, start_ticks.map(|t| t as i64)],
            )?;
        }
        EventKind::TaskRetrying {
            stage: _,
            task,
            error,
            cause,
            ..
        } => {
            event_rows.task(task).end_attempt(
                "failed",
                Some(error),
                None,
                Some(Why::from(*cause)),
            )?;
            tx.execute(
                "UPDATE tasks SET status = 'retrying', message = ?4 WHERE run_id = ?1 AND pipeline = ?2 AND task = ?3",
                params![run, p, task, error],
            )?;
        }
        EventKind::TaskCompleted {
            task, duration_ms, ..
        } => {
            let output = outputs
                .remove(&(p.clone(), task.clone()))
                .unwrap_or_default();
            let text = serde_json::to_string(&output).unwrap_or_default();
            event_rows
                .task(task)
                .end("completed", None, *duration_ms, Some(&text), None)?;
            let records = output.get("records").and_then(Value::as_i64);
            stats::ended(
                tx,
                p,
                task,
                Ended::Success { run, records },
                *duration_ms,
                &now,
            )?;
            for source in sources
                .get(&(p.clone(), task.clone()))
                .into_iter()
                .flatten()
            {
                tx.execute(
                    "INSERT INTO freshness (pipeline, source, producer, produced_at, run_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![p, source, task, now, run],
                )?;
            }
        }
        EventKind::TaskRestored { stage, task, .. } => {
            // Completed earlier in this run: its row already says so. Restored
            // from another run (`--stale`): say where its output came from.
            tx.execute(
                "INSERT INTO tasks (run_id, pipeline, stage, task, status, message, ended_at) \
                 VALUES (?1, ?2, ?3, ?4, 'restored', ?5, ?6) \
                 ON CONFLICT DO UPDATE SET status = 'restored', message = ?5, ended_at = ?6 \
                 WHERE settled = 0",
                params![
                    run,
                    p,
                    stage,
                    task,
                    "output restored from its last success",
                    now
                ],
            )?;
        }
        EventKind::TaskWarned {
            task,
            error,
            cause,
            duration_ms,
            ..
        } => event_rows
            .task(task)
            .failed("warned", error, *duration_ms, Why::from(*cause))?,
        EventKind::TaskDefaulted {
            task,
            error,
            cause,
            duration_ms,
            ..
        } => event_rows
            .task(task)
            .failed("defaulted", error, *duration_ms, Why::from(*cause))?,
        EventKind::TaskFailed {
            task,
            error,
            cause,
            duration_ms,
            ..
        } => event_rows
            .task(task)
            .failed("failed", error, *duration_ms, Why::from(*cause))?,
        EventKind::TaskTimedOut {
            task,
            timeout_ms,
            duration_ms,
            ..
        } => {
            let error = format!("timed out after {timeout_ms} ms");
            event_rows.task(task).failed(
                "timed_out",
                &error,
                *duration_ms,
                Why::from(FailureCause::Timeout {
                    after_ms: *timeout_ms,
                }),
            )?;
        }
        EventKind::TaskCancelled {
            task,
            reason,
            duration_ms,
            ..
        } => event_rows
            .task(task)
            .end("cancelled", Some(reason), *duration_ms, None, None)?,
        EventKind::TaskSkipped {
            stage,
            task,
            reason,
            cause,
            exit_code,
        } => {
            task_ending(tx, run, p, task, "skipped", &now)?;
            let why = Why {
                cause: cause.label(),
                exit_code: *exit_code,
            };
            // Skipped by its policy after failing: an attempt ran and failed.
            let ran = event_rows
                .task(task)
                .end_attempt("failed", Some(reason), None, Some(why))?;
            // Skipped by its policy is a result a resume keeps.
            let settled = *cause == SkipCause::Policy;
            tx.execute(
                "INSERT INTO tasks (run_id, pipeline, stage, task, status, message, ended_at, settled, cause) \
                 VALUES (?1, ?2, ?3, ?4, 'skipped', ?5, ?6, ?7, ?8) \
                 ON CONFLICT DO UPDATE SET status = 'skipped', message = ?5, ended_at = ?6, settled = ?7, cause = ?8",
                params![run, p, stage, task, reason, now, settled, why.cause],
            )?;
            if ran {
                stats::ended(
                    tx,
                    p,
                    task,
                    Ended::Failure {
                        error: reason,
                        exit_code: *exit_code,
                    },
                    0,
                    &now,
                )?;
            }
        }
        EventKind::TaskSubmitted {
            task, attempt, job, ..
        } => {
            tx.execute(
                "UPDATE attempts SET job = ?5 \
                 WHERE run_id = ?1 AND pipeline = ?2 AND task = ?3 AND attempt = ?4",
                params![run, p, task, attempt, job],
            )?;
        }
        EventKind::TaskStuck {
            stage,
            task,
            running_ms,
            average_ms,
        } => {
            let detail = format!("running {running_ms} ms, average {average_ms} ms");
            let alert = Alert {
                kind: "task_stuck",
                stage: Some(stage),
                task: Some(task),
                detail: &detail,
            };
            alert.write(tx, run, p, &now)?;
        }
        EventKind::DeadlineMissed { stage, deadline } => Alert {
            kind: "deadline_missed",
            stage: stage.as_deref(),
            task: None,
            detail: &stamp(*deadline),
        }
        .write(tx, run, p, &now)?,
        EventKind::DeadlineAtRisk {
            stage, deadline, ..
        } => Alert {
            kind: "deadline_at_risk",
            stage: stage.as_deref(),
            task: None,
            detail: &stamp(*deadline),
        }
        .write(tx, run, p, &now)?,
        EventKind::CleanupStarted { .. } | EventKind::CleanupFinished { .. } => {}
    }
    Ok(())
}
