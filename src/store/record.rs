//! Recording a run: an `Observer` that hands every lifecycle event to one
//! writer thread, which writes whatever events are waiting in one transaction
//! and one fsync (group commit), in emission order, at most one commit every
//! `COMMIT_EVERY`; and the `Memo` that restores completed tasks on resume.
//!
//! The store therefore always holds a prefix of the run's events: a kill at
//! any instant loses at most the events of the commit in progress and those
//! waiting for it (at most `MAX_WAITING`, and those of the last
//! `COMMIT_EVERY`; the run waits beyond that), which a resume runs again. The
//! run waits for the last commit (`Observer::sync`) before it reports how it
//! ended. See docs/durability.md.
//!
//! A write that fails (full disk, corrupt file) interrupts the run: going on
//! would report work as done that the store does not know about.

use super::ending::{Ending, Why};
use super::fold::{AttemptIds, Folds, TaskAt};
use super::rows::{end_run, end_stage, gate_row, task_ending, Alert, EventRows, Start};
use super::stats::{self, Ended};
use super::{stamp, Store, StoreError};
use crate::ir::Program;
use crate::run::{Event, EventKind, Interrupt, Memo, Observer, Restored, SkipCause, TaskStatus};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

/// Events told and not yet committed, at most: the scheduler waits for the
/// writer beyond this, so what a kill can lose stays bounded.
const MAX_WAITING: usize = 1024;

/// The writer commits at most this often (unless the run waits for it): a
/// commit costs the pages it touches and an fsync whatever it holds, so a
/// run of short tasks commits ten at a time rather than each one alone. It
/// bounds in time what a kill or power cut can lose, as `MAX_WAITING` does
/// in events.
const COMMIT_EVERY: std::time::Duration = std::time::Duration::from_millis(10);

pub struct Recorder {
    /// The store, written by the writer thread (and `fail_to_start`).
    store: Arc<Mutex<Store>>,
    /// A second connection for `restore`, so that reading never waits for
    /// the writer's fsync. It sees what was committed.
    reader: Mutex<Connection>,
    queue: Arc<Queue>,
    writer: Option<JoinHandle<()>>,
    /// Outputs handed to `Memo::output`, queued with their completion event.
    outputs: Mutex<HashMap<(String, String), Map<String, Value>>>,
    /// (pipeline, task) of every task this process settled (a sub-pipeline
    /// run twice): restoring one of them first waits until its events are
    /// committed.
    seen: Mutex<HashSet<(String, String)>>,
    run_id: String,
    interrupt: Interrupt,
    /// A resume restores only completed tasks (`--rerun-incomplete`), not
    /// warned, defaulted or policy-skipped ones too.
    only_completed: bool,
    /// The run is new (not a resume): the store holds nothing of it but
    /// what this process told, so only tasks in `seen` are looked up.
    new_run: bool,
    _claim: Claim,
}

/// The events between the run and the writer thread.
struct Queue {
    state: Mutex<Waiting>,
    /// The writer waits here for events.
    work: Condvar,
    /// `sync` and a full queue wait here for commits.
    written: Condvar,
}

impl Queue {
    /// Has the writer commit what waits without pacing, and waits for the
    /// commits until `enough`.
    fn urge_until<'a>(
        &self,
        mut q: std::sync::MutexGuard<'a, Waiting>,
        enough: impl Fn(&Waiting) -> bool,
    ) -> std::sync::MutexGuard<'a, Waiting> {
        q.urgent += 1;
        self.work.notify_one();
        while !enough(&q) {
            q = self
                .written
                .wait(q)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        q.urgent -= 1;
        q
    }
}

#[derive(Default)]
struct Waiting {
    events: Vec<(Event, Option<Map<String, Value>>)>,
    /// Events told, and events committed (or dropped after an error).
    told: u64,
    done: u64,
    /// The writer sleeps until the first event: it wants to be told of one.
    writer_idle: bool,
    /// Somebody waits for the commits (`sync`, a full queue): the writer
    /// commits what waits without pacing.
    urgent: usize,
    closed: bool,
    error: Option<StoreError>,
}

impl Recorder {
    pub(crate) fn new(
        store: Store,
        run_id: &str,
        program: &Program,
        interrupt: Interrupt,
    ) -> Result<Self, StoreError> {
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
        let reader = Connection::open_with_flags(
            store.path(),
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|c| {
            c.busy_timeout(std::time::Duration::from_secs(10))?;
            c.execute_batch("PRAGMA query_only = 1;")?;
            Ok(c)
        })
        .map_err(|e| StoreError::at(store.path(), e))?;
        // The hot statements are prepared once.
        store.conn.set_prepared_statement_cache_capacity(64);
        let store = Arc::new(Mutex::new(store));
        let queue = Arc::new(Queue {
            state: Mutex::new(Waiting::default()),
            work: Condvar::new(),
            written: Condvar::new(),
        });
        let writer = {
            let (store, queue, interrupt) = (store.clone(), queue.clone(), interrupt.clone());
            std::thread::Builder::new()
                .name("pipec-store".into())
                .spawn(move || write_loop(&store, &queue, &sources, &interrupt))
                .map_err(|e| StoreError::new(format!("cannot start the store's writer: {e}")))?
        };
        Ok(Self {
            store,
            reader: Mutex::new(reader),
            queue,
            writer: Some(writer),
            outputs: Mutex::new(HashMap::new()),
            seen: Mutex::new(HashSet::new()),
            run_id: run_id.to_string(),
            interrupt,
            only_completed: false,
            new_run: false,
            _claim: Claim(run_id.to_string()),
        })
    }

    /// On resume, run again what ended warned, defaulted or skipped by its
    /// policy; keep only what completed.
    pub(crate) fn restore_only_completed(mut self) -> Self {
        self.only_completed = true;
        self
    }

    /// The run is new: nothing of it was recorded before this process.
    pub(crate) fn for_new_run(mut self) -> Self {
        self.new_run = true;
        self
    }

    /// The run never started (its folder could not be made): record it failed
    /// with why, so it is not left `running`.
    pub(crate) fn fail_to_start(&self, why: &str, at: chrono::DateTime<chrono::Utc>) {
        self.wait_written();
        let store = crate::sync::lock(&self.store, "the run's store");
        let _ = store.conn.execute(
            "UPDATE runs SET status = 'failed', reason = ?2, ended_at = ?3 WHERE run_id = ?1",
            params![self.run_id, why, stamp(at)],
        );
    }

    /// The first write error, if any (the run was interrupted because of it).
    pub fn error(&self) -> Option<StoreError> {
        crate::sync::lock(&self.queue.state, "the run's recorder")
            .error
            .clone()
    }

    /// Waits until every event told so far is committed (or dropped after a
    /// write error).
    fn wait_written(&self) {
        let q = crate::sync::lock(&self.queue.state, "the run's recorder");
        let told = q.told;
        if q.done < told {
            drop(self.queue.urge_until(q, |q| q.done >= told));
        }
    }
}

impl Drop for Recorder {
    /// What is still waiting is written before the recorder goes.
    fn drop(&mut self) {
        crate::sync::lock(&self.queue.state, "the run's recorder").closed = true;
        self.queue.work.notify_all();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// The writer thread: takes every waiting event, writes them in one
/// transaction, commits, and starts again, until the recorder is dropped.
/// A commit comes `COMMIT_EVERY` after the one before at the soonest, unless
/// somebody waits for it or the recorder is closing.
fn write_loop(
    store: &Mutex<Store>,
    queue: &Queue,
    sources: &HashMap<(String, String), Vec<String>>,
    interrupt: &Interrupt,
) {
    let mut batch = Vec::new();
    let attempts = RefCell::new(AttemptIds::default());
    let run_dirs = RefCell::new(HashMap::new());
    let mut last_commit: Option<std::time::Instant> = None;
    loop {
        let failed = {
            let mut q = crate::sync::lock(&queue.state, "the run's recorder");
            loop {
                if q.events.is_empty() {
                    if q.closed {
                        return;
                    }
                    // Idle, or urged while what the waiter waits for is
                    // being committed: wait for the next event.
                    q.writer_idle = true;
                    q = queue
                        .work
                        .wait(q)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                    q.writer_idle = false;
                    continue;
                }
                if q.closed || q.urgent > 0 {
                    break;
                }
                let due = last_commit.map_or(std::time::Duration::ZERO, |at| {
                    COMMIT_EVERY.saturating_sub(at.elapsed())
                });
                if due.is_zero() {
                    break;
                }
                q = queue
                    .work
                    .wait_timeout(q, due)
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .0;
            }
            std::mem::swap(&mut batch, &mut q.events);
            q.error.is_some()
        };
        let n = batch.len() as u64;
        // Paced from one commit's start to the next one's.
        last_commit = Some(std::time::Instant::now());
        let result = if failed {
            // Nothing more is written after a failed write.
            Ok(())
        } else {
            let mut store = crate::sync::lock(store, "the run's store");
            let path = store.path().to_path_buf();
            let known = Known {
                sources,
                attempts: &attempts,
                run_dirs: &run_dirs,
            };
            write_batch(&mut store.conn, &mut batch, &known).map_err(|e| e.context(&path))
        };
        batch.clear();
        let mut q = crate::sync::lock(&queue.state, "the run's recorder");
        if let Err(e) = result {
            interrupt.interrupt(format!("cannot record the run: {e}"));
            q.error = Some(e);
        }
        q.done += n;
        drop(q);
        queue.written.notify_all();
    }
}

/// What the writer knows besides the events: which task produces which
/// sources, and what it learnt from earlier events (the running attempts'
/// rows, each run's folder) so as not to read it back.
pub(super) struct Known<'a> {
    pub(super) sources: &'a HashMap<(String, String), Vec<String>>,
    pub(super) attempts: &'a RefCell<AttemptIds>,
    /// Each run's folder, from its `run_started`: reading it from `runs`
    /// would read the row's plan too, which grows with the pipeline.
    pub(super) run_dirs: &'a RefCell<HashMap<String, String>>,
}

pub(super) fn write_batch(
    conn: &mut Connection,
    batch: &mut [(Event, Option<Map<String, Value>>)],
    known: &Known<'_>,
) -> Result<(), StoreError> {
    let folds = Folds::of(batch);
    let tx = conn.transaction()?;
    for i in 0..batch.len() {
        if folds.folded(i) {
            continue;
        }
        let output = batch[i].1.take();
        let end_output = folds.end_of(i).and_then(|j| batch[j].1.take());
        let end = folds.end_of(i).and_then(|j| {
            let event = &batch[j].0;
            Ending::of(&event.kind, end_output).map(|ending| (ending, stamp(event.time)))
        });
        let writing = Writing {
            known,
            folds: &folds,
            index: i,
            end: end.as_ref().map(|(ending, at)| (ending, at.as_str())),
        };
        write(&tx, &batch[i].0, output, &writing)?;
    }
    tx.commit()?;
    Ok(())
}

/// This process's claim on a run (see `Store::begin`), let go when the
/// recorder is dropped: the run is over here.
struct Claim(String);

impl Drop for Claim {
    fn drop(&mut self) {
        super::runs::release(&self.0);
    }
}

/// The task an event may settle (a resume keeps what it settled), if any.
fn settles(kind: &EventKind) -> Option<&str> {
    match kind {
        EventKind::TaskCompleted { task, .. }
        | EventKind::TaskWarned { task, .. }
        | EventKind::TaskDefaulted { task, .. }
        | EventKind::TaskSkipped { task, .. } => Some(task),
        EventKind::TaskQueued { .. }
        | EventKind::TaskStarted { .. }
        | EventKind::TaskProcess { .. }
        | EventKind::TaskRetrying { .. }
        | EventKind::TaskRestored { .. }
        | EventKind::TaskFailed { .. }
        | EventKind::TaskTimedOut { .. }
        | EventKind::TaskCancelled { .. }
        | EventKind::TaskSubmitted { .. }
        | EventKind::TaskStuck { .. }
        | EventKind::RunStarted { .. }
        | EventKind::RunCompleted { .. }
        | EventKind::RunFailed { .. }
        | EventKind::RunInterrupted { .. }
        | EventKind::StageStarted { .. }
        | EventKind::StageCompleted { .. }
        | EventKind::StageFailed { .. }
        | EventKind::StageSkipped { .. }
        | EventKind::GatePassed { .. }
        | EventKind::GateFailed { .. }
        | EventKind::DeadlineMissed { .. }
        | EventKind::DeadlineAtRisk { .. }
        | EventKind::CleanupStarted { .. }
        | EventKind::CleanupFinished { .. } => None,
    }
}

impl Observer for Recorder {
    fn event(&self, event: &Event) {
        let output = match &event.kind {
            EventKind::TaskCompleted { task, .. } => {
                crate::sync::lock(&self.outputs, "the run's recorder")
                    .remove(&(event.pipeline.clone(), task.clone()))
            }
            _ => None,
        };
        if let Some(task) = settles(&event.kind) {
            crate::sync::lock(&self.seen, "the run's recorder")
                .insert((event.pipeline.clone(), task.to_string()));
        }
        let mut q = crate::sync::lock(&self.queue.state, "the run's recorder");
        if q.error.is_some() {
            return;
        }
        // Bounded: the run waits for the writer rather than getting ahead of
        // the store by more than `MAX_WAITING` events.
        if q.events.len() >= MAX_WAITING {
            q = self
                .queue
                .urge_until(q, |q| q.events.len() < MAX_WAITING || q.error.is_some());
        }
        q.events.push((event.clone(), output));
        q.told += 1;
        // A pacing writer wakes on its own; only an idle one is told.
        let wake = q.writer_idle;
        drop(q);
        if wake {
            self.queue.work.notify_one();
        }
    }

    fn sync(&self) {
        self.wait_written();
    }
}

impl Memo for Recorder {
    fn restore(&self, pipeline: &str, task: &str) -> Option<Restored> {
        let key = (pipeline.to_string(), task.to_string());
        if crate::sync::lock(&self.seen, "the run's recorder").contains(&key) {
            // Told in this process (a sub-pipeline run twice): read it once
            // it is committed.
            self.wait_written();
        } else if self.new_run {
            // A query per task for what cannot be there.
            return None;
        }
        let reader = crate::sync::lock(&self.reader, "the run's recorder");
        let found = reader
            .prepare_cached(
                "SELECT status, output, message FROM tasks WHERE run_id = ?1 AND pipeline = ?2 \
                 AND task = ?3 AND settled = 1 AND (?4 = 0 OR status = 'completed')",
            )
            .and_then(|mut stmt| {
                stmt.query_row(
                    params![self.run_id, pipeline, task, self.only_completed],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, Option<String>>(1)?,
                            r.get(2)?,
                        ))
                    },
                )
                .optional()
            });
        let (status, output, message): (String, Option<String>, Option<String>) = match found {
            Ok(row) => row?,
            Err(e) => {
                // Not knowing what the key already did, running it again
                // could repeat side effects: stop the run instead.
                let path = crate::sync::lock(&self.store, "the run's store")
                    .path()
                    .to_path_buf();
                let e = StoreError::from(e).context(&path);
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
        crate::sync::lock(&self.outputs, "the run's recorder")
            .insert((pipeline.to_string(), task.to_string()), output.clone());
    }
}

/// What writing one event of a batch needs besides the event.
struct Writing<'a> {
    known: &'a Known<'a>,
    folds: &'a Folds,
    /// The event's place in the batch.
    index: usize,
    /// A start's: its attempt's end, folded into it, and when it came.
    end: Option<(&'a Ending<'a>, &'a str)>,
}

fn write(
    tx: &Transaction,
    event: &Event,
    output: Option<Map<String, Value>>,
    writing: &Writing<'_>,
) -> Result<(), StoreError> {
    let run = &event.run_id;
    let p = &event.pipeline;
    let now = stamp(event.time);
    let event_rows = EventRows {
        tx,
        run,
        pipeline: p,
        now: &now,
        attempts: writing.known.attempts,
    };
    match &event.kind {
        EventKind::RunStarted { run_dir, .. } => {
            let run_dir = run_dir.display().to_string();
            super::exec(
                tx,
                "UPDATE runs SET run_dir = ?2 WHERE run_id = ?1",
                params![run, run_dir],
            )?;
            writing
                .known
                .run_dirs
                .borrow_mut()
                .insert(run.clone(), run_dir);
        }
        EventKind::RunCompleted { .. } => end_run(tx, run, "succeeded", None, &now)?,
        EventKind::RunFailed { reason, .. } => end_run(tx, run, "failed", Some(reason), &now)?,
        EventKind::RunInterrupted { reason, .. } => {
            end_run(tx, run, "interrupted", Some(reason), &now)?;
        }
        EventKind::StageStarted { stage, .. } => {
            super::exec(tx,
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
            super::exec(tx,
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
            let run_dir = writing.known.run_dirs.borrow().get(run).cloned();
            let start = Start {
                stage,
                attempt: *attempt,
                process: writing.folds.process(writing.index),
                run_dir: run_dir.as_deref(),
            };
            let rows = event_rows.task(task);
            match writing.end {
                Some((ending, ended_at)) => rows.start_and_end(&start, ending, ended_at)?,
                None => rows.start(&start, writing.folds.after_queued(writing.index))?,
            }
        }
        EventKind::TaskProcess {
            task,
            attempt,
            pid,
            start_ticks,
            ..
        } => {
            let at = TaskAt {
                run,
                pipeline: p,
                task,
            };
            let ticks = start_ticks.map(|t| t as i64);
            match writing.known.attempts.borrow().running(at, *attempt) {
                Some(id) => super::exec(
                    tx,
                    "UPDATE attempts SET pid = ?2, start_ticks = ?3 WHERE id = ?1",
                    params![id, pid, ticks],
                )?,
                None => super::exec(tx,
                    "UPDATE attempts SET pid = ?5, start_ticks = ?6 \
                     WHERE run_id = ?1 AND pipeline = ?2 AND task = ?3 AND attempt = ?4 AND status = 'running'",
                    params![run, p, task, attempt, pid, ticks],
                )?,
            };
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
            super::exec(tx,
                "UPDATE tasks SET status = 'retrying', message = ?4 WHERE run_id = ?1 AND pipeline = ?2 AND task = ?3",
                params![run, p, task, error],
            )?;
        }
        EventKind::TaskCompleted { task, .. }
        | EventKind::TaskWarned { task, .. }
        | EventKind::TaskDefaulted { task, .. }
        | EventKind::TaskFailed { task, .. }
        | EventKind::TaskTimedOut { task, .. }
        | EventKind::TaskCancelled { task, .. } => {
            // `Ending::of` knows each of these.
            if let Some(ending) = Ending::of(&event.kind, output) {
                let rows = event_rows.task(task);
                if writing.folds.with_start(writing.index) {
                    rows.ending_entry(&ending)?;
                } else {
                    rows.end(&ending)?;
                }
            }
            if matches!(event.kind, EventKind::TaskCompleted { .. }) {
                for source in writing
                    .known
                    .sources
                    .get(&(p.clone(), task.clone()))
                    .into_iter()
                    .flatten()
                {
                    super::exec(tx,
                        "INSERT INTO freshness (pipeline, source, producer, produced_at, run_id) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![p, source, task, now, run],
                    )?;
                }
            }
        }
        EventKind::TaskRestored { stage, task, .. } => {
            // Completed earlier in this run: its row already says so. Restored
            // from another run (`--stale`): say where its output came from.
            super::exec(
                tx,
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
            super::exec(tx,
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
                    None,
                )?;
            }
        }
        EventKind::TaskSubmitted {
            task, attempt, job, ..
        } => {
            // The running attempt's row only: a task met again in the run (a
            // sub-pipeline run twice) has an ended row of the same number.
            let at = TaskAt {
                run,
                pipeline: p,
                task,
            };
            match writing.known.attempts.borrow().running(at, *attempt) {
                Some(id) => super::exec(
                    tx,
                    "UPDATE attempts SET job = ?2 WHERE id = ?1",
                    params![id, job],
                )?,
                None => super::exec(
                    tx,
                    "UPDATE attempts SET job = ?5 WHERE run_id = ?1 AND pipeline = ?2 AND task = ?3 \
                     AND attempt = ?4 AND status = 'running'",
                    params![run, p, task, attempt, job],
                )?,
            };
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
