//! The scheduler: stages in order, and inside a stage every task as soon as
//! its dependencies allow, up to the pipeline's concurrency, higher priority
//! first and ties by name. One scheduler task owns all the state; attempts run
//! in spawned tasks and report back over a channel, so events come out in a
//! single, consistent order.
//!
//! This file holds the run's state and the stage loop with its ready queue;
//! a ready task's start (`start.rs`), its end (`finish.rs`), its attempts and
//! retry waits (`job.rs`), a fan-out's instances (`fan_out.rs`) and a stage's
//! end (`stage_end.rs`) are their own files.

mod fan_out;
mod finish;
mod job;
mod stage_end;
mod start;

pub use job::wait_millis;

use super::context::{self, Delta};
use super::events::{Emitter, EventKind, FailureCause, SkipCause};
use super::executor::Failure;
use super::memo::Restored;
use super::plan::task_order;
use super::registry::Registry;
use super::report::TaskReport;
use super::rundir::RunDir;
use super::status::{RunStatus, TaskStatus};
use super::stop::{Interrupt, Stop};
use crate::clock::Clock;
use crate::ir::{Pipeline, PipelineId, Program, StageId, TaskId};
use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

/// What every pipeline of one run shares.
pub(crate) struct Shared {
    pub program: Arc<Program>,
    pub registry: Registry,
    pub emitter: Emitter,
    pub rundir: RunDir,
    pub as_of: NaiveDate,
    pub clock: Arc<dyn Clock>,
    pub grace: Duration,
    /// `--ignore-market-state`: `requires` is not enforced for this run.
    pub ignore_market_state: bool,
    /// The values of the secrets handlers' `env` names, and their mask.
    pub secrets: super::secrets::Secrets,
    pub redactor: super::secrets::Redactor,
    pub stop: Interrupt,
    pub memo: Option<Arc<dyn super::memo::Memo>>,
    /// Finished tasks, stage by stage in plan order.
    pub reports: Mutex<Vec<TaskReport>>,
    /// Problems that did not fail the run (captures that could not be written, …).
    pub notes: Mutex<Vec<String>>,
}

impl Shared {
    pub(crate) fn note(&self, note: String) {
        crate::sync::lock(&self.notes, "the run's notes").push(note);
    }
}

pub(crate) struct PipelineOutcome {
    pub status: RunStatus,
    pub reason: Option<String>,
    pub warnings: Vec<String>,
    pub context: Map<String, Value>,
}

/// Runs `stages` of a pipeline on `context`; boxed because sub-pipelines recurse.
pub(crate) fn run_pipeline(
    shared: Arc<Shared>,
    pipeline: PipelineId,
    stages: Vec<StageId>,
    context: Map<String, Value>,
) -> Pin<Box<dyn Future<Output = PipelineOutcome> + Send>> {
    Box::pin(async move {
        let p = shared.program.pipeline(pipeline);
        let count = p.dag.node_count();
        // Declaration order in its stage: the branch-merge order.
        let mut order = vec![0u32; count];
        for stage in &p.stages {
            for (i, t) in stage.tasks.iter().enumerate() {
                order[t.index()] = u32::try_from(i).unwrap_or(u32::MAX);
            }
        }
        let run = PipelineRun {
            market: std::sync::OnceLock::new(),
            shared,
            pid: pipeline,
            state: (0..count).map(|_| TaskState::default()).collect(),
            order,
            context,
        };
        run.run(stages).await
    })
}

#[derive(Default)]
struct TaskState {
    status: TaskStatus,
    attempts: u32,
    /// When the task started, on the run clock's monotonic reading.
    started: Option<Duration>,
    duration: Option<Duration>,
    message: Option<String>,
    /// Its dependents are skipped: it failed, or was skipped because a dependency failed.
    blocked: bool,
    /// The writes it read (set when it starts).
    joined: Option<Delta>,
    /// Keys its branches collided on (a merge step's input).
    dropped: Vec<String>,
    /// The writes visible after it.
    out: Delta,
    /// Its own output.
    own: Option<Arc<Map<String, Value>>>,
    /// Its result was restored from earlier in the run key, not made now.
    restored: bool,
    /// A fan-out's instances, from its start until the last one ended.
    fan: Option<Box<fan_out::FanState>>,
}

/// What runs: a task, or one instance of a fan-out.
#[derive(Debug, Clone, Copy)]
struct Unit {
    task: TaskId,
    instance: Option<usize>,
}

/// Ready work, highest priority first, ties by name. A fan-out's entry stands
/// for its next instance.
type Ready<'p> = BinaryHeap<(u8, Reverse<&'p str>, TaskId)>;

enum Msg {
    Attempt {
        unit: Unit,
        attempt: u32,
        span: String,
        /// When it started, on the run's clock.
        at: DateTime<Utc>,
    },
    Process {
        unit: Unit,
        attempt: u32,
        pid: i32,
        start_ticks: Option<u64>,
    },
    Retrying {
        unit: Unit,
        attempt: u32,
        span: String,
        error: String,
        cause: FailureCause,
        exit_code: Option<i32>,
        wait_ms: u64,
    },
    Done {
        unit: Unit,
        outcome: Outcome,
    },
}

enum Outcome {
    Ok {
        output: Map<String, Value>,
        attempts: u32,
        span: Option<String>,
    },
    Failed {
        failure: Failure,
        attempts: u32,
        span: Option<String>,
    },
    Cancelled {
        reason: String,
        attempts: u32,
        span: Option<String>,
    },
    /// Ended earlier for the same run key (see `Memo`).
    Restored(Restored),
}

enum Started {
    /// It holds a slot until its `Done` message.
    Running,
    /// It ended at once, and its task with it.
    Done,
    /// A fan-out began, or one of its instances ended at once: the task
    /// goes on without holding a slot.
    Waiting,
}

struct PipelineRun {
    /// The pipeline's market, loaded when a task first `requires` a state.
    market: std::sync::OnceLock<Result<crate::ir::Market, crate::ir::MarketError>>,
    shared: Arc<Shared>,
    pid: PipelineId,
    state: Vec<TaskState>,
    order: Vec<u32>,
    context: Map<String, Value>,
}

impl PipelineRun {
    async fn run(mut self, stages: Vec<StageId>) -> PipelineOutcome {
        let program = self.shared.program.clone();
        let p = program.pipeline(self.pid);
        let mut failure: Option<String> = None;
        let mut warnings = Vec::new();
        for &sid in &stages {
            let stage = p.stage(sid);
            let skip_reason = match (self.shared.stop.current(), &failure) {
                (Some(stop), _) => Some((
                    format!("not started: {}", stop.describe()),
                    SkipCause::Stopped,
                )),
                (None, Some(why)) => Some((format!("not started: {why}"), SkipCause::EarlierStage)),
                (None, None) => None,
            };
            if let Some((reason, cause)) = skip_reason {
                self.emit(
                    None,
                    EventKind::StageSkipped {
                        stage: stage.name.clone(),
                        reason: reason.clone(),
                    },
                );
                for &t in &stage.tasks {
                    self.skip(p, t, reason.clone(), cause, false);
                }
                self.report(p, sid);
                continue;
            }
            self.emit(
                None,
                EventKind::StageStarted {
                    stage: stage.name.clone(),
                    tasks: stage.tasks.len(),
                },
            );
            let started = self.shared.clock.monotonic();
            let result = self.run_stage(p, sid).await;
            self.report(p, sid);
            let duration_ms = millis(self.shared.clock.monotonic().saturating_sub(started));
            let result = match result {
                Err(reason) => Err(reason),
                Ok(()) => self.gates(p, sid),
            };
            match result {
                Ok(()) => self.emit(
                    None,
                    EventKind::StageCompleted {
                        stage: stage.name.clone(),
                        duration_ms,
                    },
                ),
                Err(reason) => {
                    let reason = format!("stage `{}` failed: {reason}", stage.name);
                    self.emit(
                        None,
                        EventKind::StageFailed {
                            stage: stage.name.clone(),
                            reason: reason.clone(),
                            best_effort: stage.best_effort,
                            duration_ms,
                        },
                    );
                    if stage.best_effort && self.shared.stop.current().is_none() {
                        warnings.push(format!("{reason} (best effort: the run goes on)"));
                    } else if failure.is_none() {
                        failure = Some(reason);
                    }
                }
            }
        }
        let status = match self.shared.stop.current() {
            Some(Stop::Interrupted(_)) => RunStatus::Interrupted,
            Some(Stop::Aborted { .. } | Stop::RunTimedOut { .. }) => RunStatus::Failed,
            None if failure.is_some() => RunStatus::Failed,
            None => RunStatus::Succeeded,
        };
        let reason = match (&failure, self.shared.stop.current()) {
            (Some(f), _) => Some(f.clone()),
            (None, Some(stop)) => Some(stop.describe()),
            (None, None) => None,
        };
        if status == RunStatus::Failed {
            let capture = json!({
                "pipeline": p.name,
                "reason": reason,
                "context": self.context,
            });
            if let Err(e) = self
                .shared
                .rundir
                .capture(&format!("{}.run", p.name), &capture)
            {
                self.shared.note(e.to_string());
            }
            if let Some(h) = p.cleanup {
                self.cleanup(p, h).await;
            }
        }
        PipelineOutcome {
            status,
            reason,
            warnings,
            context: self.context,
        }
    }

    fn emit(&self, span: Option<&str>, kind: EventKind) {
        self.emit_at(self.shared.clock.now(), span, kind);
    }

    fn emit_at(&self, at: DateTime<Utc>, span: Option<&str>, kind: EventKind) {
        let name = &self.shared.program.pipeline(self.pid).name;
        self.shared.emitter.emit_at(at, name, span, kind);
    }

    async fn run_stage(&mut self, p: &Pipeline, sid: StageId) -> Result<(), String> {
        let stage = p.stage(sid);
        let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
        let mut waiting = vec![0u32; p.dag.node_count()];
        let mut ready: Ready = BinaryHeap::new();
        for &t in &stage.tasks {
            let n = p
                .dependencies(t)
                .filter(|d| p.task(*d).stage == sid)
                .count();
            waiting[t.index()] = u32::try_from(n).unwrap_or(u32::MAX);
            if n == 0 {
                self.queue(p, t, &mut ready);
            }
        }
        let slots = p.concurrency.max(1) as usize;
        let mut running = 0usize;
        let mut remaining = stage.tasks.len();
        while remaining > 0 {
            while running < slots && self.shared.stop.current().is_none() {
                let Some((_, _, t)) = ready.pop() else { break };
                if self.state[t.index()].status.is_final() {
                    // A fan-out's entry left behind when it ended early.
                    continue;
                }
                let started = if self.state[t.index()].fan.is_some() {
                    self.start_instance(p, sid, t, &tx, &mut ready)
                } else {
                    self.start(p, sid, t, &tx, &mut ready)
                };
                match started {
                    Started::Running => running += 1,
                    Started::Waiting => {}
                    Started::Done => {
                        remaining -= 1;
                        self.release(p, sid, t, &mut waiting, &mut ready);
                    }
                }
            }
            if running == 0 {
                if ready.is_empty() || self.shared.stop.current().is_some() {
                    // Stopped (or, defensively, nothing can make progress):
                    // what never started is skipped with the reason.
                    let (reason, cause) = match self.shared.stop.current() {
                        Some(stop) => (
                            format!("not started: {}", stop.describe()),
                            SkipCause::Stopped,
                        ),
                        None => (
                            "not started: its dependencies never finished".to_string(),
                            SkipCause::Dependency,
                        ),
                    };
                    for &t in &stage.tasks {
                        if !self.state[t.index()].status.is_final() {
                            self.abandon(p, t, reason.clone(), cause);
                        }
                    }
                    break;
                }
                continue;
            }
            let msg = match rx.try_recv() {
                Ok(msg) => msg,
                Err(_) => {
                    // Idle: flush the observers once nothing happened for a
                    // moment, so a burst of short tasks costs one write, not
                    // one per event, and a long task never hides its events.
                    let next = tokio::select! {
                        msg = rx.recv() => msg,
                        () = tokio::time::sleep(FLUSH_AFTER) => {
                            self.shared.emitter.flush();
                            rx.recv().await
                        }
                    };
                    match next {
                        Some(msg) => msg,
                        None => break,
                    }
                }
            };
            match msg {
                Msg::Attempt {
                    unit,
                    attempt,
                    span,
                    at,
                } => {
                    if unit.instance.is_none() {
                        let st = &mut self.state[unit.task.index()];
                        st.attempts = attempt;
                        st.status = TaskStatus::Running;
                    }
                    self.emit_at(
                        at,
                        Some(&span),
                        EventKind::TaskStarted {
                            stage: stage.name.clone(),
                            task: self.unit_name(p, unit),
                            attempt,
                        },
                    );
                }
                Msg::Process {
                    unit,
                    attempt,
                    pid,
                    start_ticks,
                } => self.emit(
                    None,
                    EventKind::TaskProcess {
                        stage: stage.name.clone(),
                        task: self.unit_name(p, unit),
                        attempt,
                        pid,
                        start_ticks,
                    },
                ),
                Msg::Retrying {
                    unit,
                    attempt,
                    span,
                    error,
                    cause,
                    exit_code,
                    wait_ms,
                } => {
                    if unit.instance.is_none() {
                        self.state[unit.task.index()].status = TaskStatus::Retrying;
                    }
                    self.emit(
                        Some(&span),
                        EventKind::TaskRetrying {
                            stage: stage.name.clone(),
                            task: self.unit_name(p, unit),
                            attempt,
                            error,
                            cause,
                            exit_code,
                            wait_ms,
                        },
                    );
                }
                Msg::Done { unit, outcome } => {
                    running -= 1;
                    let ended = match unit.instance {
                        None => {
                            self.finish(p, unit.task, outcome);
                            true
                        }
                        Some(i) => self.instance_done(p, unit.task, i, outcome, &mut ready),
                    };
                    if ended {
                        remaining -= 1;
                        self.release(p, sid, unit.task, &mut waiting, &mut ready);
                    }
                }
            }
        }
        self.merge_stage(p, sid)?;
        let failed = task_order(p, sid)
            .into_iter()
            .find(|t| self.state[t.index()].status.is_failure());
        match failed {
            Some(t) => {
                let st = &self.state[t.index()];
                Err(format!(
                    "task `{}` {}: {}",
                    p.task(t).name,
                    st.status.label().replace('_', " "),
                    st.message.clone().unwrap_or_default()
                ))
            }
            None => Ok(()),
        }
    }

    fn queue<'p>(&mut self, p: &'p Pipeline, t: TaskId, ready: &mut Ready<'p>) {
        let task = p.task(t);
        self.state[t.index()].status = TaskStatus::Queued;
        self.emit(
            None,
            EventKind::TaskQueued {
                stage: p.stage(task.stage).name.clone(),
                task: task.name.clone(),
                priority: task.priority,
            },
        );
        ready.push((task.priority, Reverse(task.name.as_str()), t));
    }

    fn release<'p>(
        &mut self,
        p: &'p Pipeline,
        sid: StageId,
        t: TaskId,
        waiting: &mut [u32],
        ready: &mut Ready<'p>,
    ) {
        let dependents: Vec<TaskId> = p
            .dependents(t)
            .filter(|d| p.task(*d).stage == sid)
            .collect();
        for d in dependents {
            let n = &mut waiting[d.index()];
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.queue(p, d, ready);
            }
        }
    }

    /// The writes a task reads: its in-stage dependencies' deltas joined.
    fn joined(&self, p: &Pipeline, t: TaskId) -> Delta {
        let stage = p.task(t).stage;
        let deps: Vec<&Delta> = p
            .dependencies(t)
            .filter(|d| p.task(*d).stage == stage)
            .map(|d| &self.state[d.index()].out)
            .collect();
        context::join(p, &deps)
    }
}

const CLEANUP_TIMEOUT_MILLIS: u64 = 30_000;

/// How long the scheduler stays idle before it flushes events.
const FLUSH_AFTER: Duration = Duration::from_millis(10);

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
