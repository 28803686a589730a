//! The scheduler: stages in order, and inside a stage every task as soon as
//! its dependencies allow, up to the pipeline's concurrency, higher priority
//! first and ties by name. One scheduler task owns all the state; attempts run
//! in spawned tasks and report back over a channel, so events come out in a
//! single, consistent order.

use super::clock::Clock;
use super::context::{self, Delta};
use super::events::{Emitter, EventKind};
use super::executor::{self, Attempt, Call, Failure};
use super::failure::{self, Place};
use super::gate;
use super::market::{self, Verdict};
use super::memo::Restored;
use super::plan::task_order;
use super::registry::Registry;
use super::report::TaskReport;
use super::rundir::RunDir;
use super::status::{RunStatus, TaskStatus};
use super::stop::{Interrupt, Stop};
use super::{days, ids};
use crate::ir::{Pipeline, PipelineId, Policy, Program, StageId, TaskId, Terminal, Work};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
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
        if let Ok(mut notes) = self.notes.lock() {
            notes.push(note);
        }
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
    started: Option<Instant>,
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
}

enum Msg {
    Attempt {
        task: TaskId,
        attempt: u32,
        span: String,
    },
    Process {
        task: TaskId,
        attempt: u32,
        pid: i32,
        start_ticks: Option<u64>,
    },
    Retrying {
        task: TaskId,
        attempt: u32,
        span: String,
        error: String,
        wait_ms: u64,
    },
    Done {
        task: TaskId,
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
    Running,
    Done,
}

struct PipelineRun {
    /// The pipeline's market, loaded when a task first `requires` a state.
    market: std::sync::OnceLock<Result<crate::ir::Market, String>>,
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
                (Some(stop), _) => Some(format!("not started: {}", stop.describe())),
                (None, Some(why)) => Some(format!("not started: {why}")),
                (None, None) => None,
            };
            if let Some(reason) = skip_reason {
                self.emit(
                    None,
                    EventKind::StageSkipped {
                        stage: stage.name.clone(),
                        reason: reason.clone(),
                    },
                );
                for &t in &stage.tasks {
                    self.skip(p, t, reason.clone(), false);
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
            let started = Instant::now();
            let result = self.run_stage(p, sid).await;
            self.report(p, sid);
            let duration_ms = millis(started.elapsed());
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
                self.shared.note(e);
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
        let name = &self.shared.program.pipeline(self.pid).name;
        self.shared.emitter.emit(name, span, kind);
    }

    async fn run_stage(&mut self, p: &Pipeline, sid: StageId) -> Result<(), String> {
        let stage = p.stage(sid);
        let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
        let mut waiting = vec![0u32; p.dag.node_count()];
        let mut ready: BinaryHeap<(u8, Reverse<&str>, TaskId)> = BinaryHeap::new();
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
                match self.start(p, sid, t, &tx) {
                    Started::Running => running += 1,
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
                    let reason = match self.shared.stop.current() {
                        Some(stop) => format!("not started: {}", stop.describe()),
                        None => "not started: its dependencies never finished".to_string(),
                    };
                    for &t in &stage.tasks {
                        if !self.state[t.index()].status.is_final() {
                            self.skip(p, t, reason.clone(), true);
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
                    task,
                    attempt,
                    span,
                } => {
                    let st = &mut self.state[task.index()];
                    st.attempts = attempt;
                    st.status = TaskStatus::Running;
                    self.emit(
                        Some(&span),
                        EventKind::TaskStarted {
                            stage: stage.name.clone(),
                            task: p.task(task).name.clone(),
                            attempt,
                        },
                    );
                }
                Msg::Process {
                    task,
                    attempt,
                    pid,
                    start_ticks,
                } => self.emit(
                    None,
                    EventKind::TaskProcess {
                        stage: stage.name.clone(),
                        task: p.task(task).name.clone(),
                        attempt,
                        pid,
                        start_ticks,
                    },
                ),
                Msg::Retrying {
                    task,
                    attempt,
                    span,
                    error,
                    wait_ms,
                } => {
                    self.state[task.index()].status = TaskStatus::Retrying;
                    self.emit(
                        Some(&span),
                        EventKind::TaskRetrying {
                            stage: stage.name.clone(),
                            task: p.task(task).name.clone(),
                            attempt,
                            error,
                            wait_ms,
                        },
                    );
                }
                Msg::Done { task, outcome } => {
                    running -= 1;
                    remaining -= 1;
                    self.finish(p, task, outcome);
                    self.release(p, sid, task, &mut waiting, &mut ready);
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

    fn queue<'p>(
        &mut self,
        p: &'p Pipeline,
        t: TaskId,
        ready: &mut BinaryHeap<(u8, Reverse<&'p str>, TaskId)>,
    ) {
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
        ready: &mut BinaryHeap<(u8, Reverse<&'p str>, TaskId)>,
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

    fn start(
        &mut self,
        p: &Pipeline,
        sid: StageId,
        t: TaskId,
        tx: &mpsc::UnboundedSender<Msg>,
    ) -> Started {
        let task = p.task(t);
        if let Some(d) = p.dependencies(t).find(|d| self.state[d.index()].blocked) {
            let reason = format!(
                "dependency `{}` {}",
                p.task(d).name,
                self.state[d.index()].status.label().replace('_', " ")
            );
            self.skip(p, t, reason, true);
            return Started::Done;
        }
        if let Err(reason) =
            days::check_when(&self.shared.program, p, &task.when, self.shared.as_of)
        {
            self.skip(p, t, reason, false);
            return Started::Done;
        }
        let joined = self.joined(p, t);
        self.state[t.index()].started = Some(Instant::now());
        let (merged, dropped) = match context::resolve(p, &joined, p.merge, task.joins) {
            Ok(resolved) => resolved,
            Err(collision) => {
                self.state[t.index()].joined = Some(joined);
                let outcome = Outcome::Failed {
                    failure: Failure::Error(collision.message()),
                    attempts: 0,
                    span: None,
                };
                self.finish(p, t, outcome);
                return Started::Done;
            }
        };
        let st = &mut self.state[t.index()];
        st.joined = Some(joined);
        st.dropped = dropped;
        let restored = self.shared.memo.as_ref();
        if let Some(earlier) = restored.and_then(|m| m.restore(&p.name, &task.name)) {
            self.finish(p, t, Outcome::Restored(earlier));
            return Started::Done;
        }
        let mut market_wait = None;
        if !task.requires.is_empty() && !self.shared.ignore_market_state {
            let market = self.market.get_or_init(|| crate::ir::Market::load(p, None));
            match market::judge(market, task, self.shared.clock.now()) {
                Verdict::Run => {}
                Verdict::Wait(wait) => market_wait = Some(wait),
                Verdict::Skip(reason) => {
                    self.skip(p, t, reason, false);
                    return Started::Done;
                }
            }
        }
        // Work that answers at once (a `noop`) completes inline: no task to
        // spawn, no slot held. Not while it waits for its market state.
        let instant = match market_wait {
            None => executor::route(&self.shared, task.work).instant(&self.shared, task.work),
            Some(_) => None,
        };
        if let Some(answer) = instant {
            let span = ids::span_id();
            self.state[t.index()].attempts = 1;
            self.emit(
                Some(&span),
                EventKind::TaskStarted {
                    stage: p.stage(sid).name.clone(),
                    task: task.name.clone(),
                    attempt: 1,
                },
            );
            let span = Some(span);
            let outcome = match answer {
                Attempt::Ok(output) => Outcome::Ok {
                    output,
                    attempts: 1,
                    span,
                },
                Attempt::Failed(failure) => Outcome::Failed {
                    failure,
                    attempts: 1,
                    span,
                },
                Attempt::Cancelled(stop) => Outcome::Cancelled {
                    reason: stop.describe(),
                    attempts: 1,
                    span,
                },
            };
            self.finish(p, t, outcome);
            return Started::Done;
        }
        let mut input = context::overlay(&self.context, merged);
        if task.joins {
            let branches: Map<String, Value> = p
                .dependencies(t)
                .filter(|d| p.task(*d).stage == sid)
                .map(|d| {
                    let own = self.state[d.index()]
                        .own
                        .as_ref()
                        .map(|o| (**o).clone())
                        .unwrap_or_default();
                    (p.task(d).name.clone(), Value::Object(own))
                })
                .collect();
            input.insert("branches".into(), Value::Object(branches));
        }
        let job = Job {
            shared: self.shared.clone(),
            pid: self.pid,
            sid,
            task: t,
            input: Arc::new(Value::Object(input)),
            market_wait,
        };
        tokio::spawn(job.work(tx.clone()));
        Started::Running
    }

    fn skip(&mut self, p: &Pipeline, t: TaskId, reason: String, blocked: bool) {
        let joined = self.joined(p, t);
        let st = &mut self.state[t.index()];
        st.status = TaskStatus::Skipped;
        st.blocked = blocked;
        st.message = Some(reason.clone());
        st.out = joined;
        let task = p.task(t);
        self.emit(
            None,
            EventKind::TaskSkipped {
                stage: p.stage(task.stage).name.clone(),
                task: task.name.clone(),
                reason,
                by_policy: false,
            },
        );
    }

    fn finish(&mut self, p: &Pipeline, t: TaskId, outcome: Outcome) {
        let task = p.task(t);
        let stage = p.stage(task.stage).name.clone();
        let name = task.name.clone();
        let order = self.order[t.index()];
        let st = &mut self.state[t.index()];
        let elapsed = st.started.map(|s| s.elapsed()).unwrap_or_default();
        st.duration = Some(elapsed);
        let duration_ms = millis(elapsed);
        let joined = st.joined.take().unwrap_or_default();
        match outcome {
            Outcome::Ok {
                output,
                attempts,
                span,
            } => {
                st.status = TaskStatus::Completed;
                st.attempts = attempts;
                if let Some(memo) = &self.shared.memo {
                    memo.output(&p.name, &name, &output);
                }
                st.out = context::with_output(&joined, t, order, &output, &st.dropped);
                st.own = Some(Arc::new(output));
                self.emit(
                    span.as_deref(),
                    EventKind::TaskCompleted {
                        stage,
                        task: name,
                        attempt: attempts,
                        duration_ms,
                    },
                );
            }
            Outcome::Restored(earlier) => {
                st.restored = true;
                // Nothing ran now: no attempts, no duration of its own.
                st.duration = None;
                st.status = earlier.status;
                st.message = earlier.message;
                let output = match (earlier.status, task.policy.terminal()) {
                    (TaskStatus::Defaulted, Terminal::Default(value)) => {
                        Some(value.as_object().cloned().unwrap_or_default())
                    }
                    (TaskStatus::Completed, _) => Some(earlier.output),
                    _ => None,
                };
                match output {
                    Some(output) => {
                        st.out = context::with_output(&joined, t, order, &output, &st.dropped);
                        st.own = Some(Arc::new(output));
                    }
                    None => st.out = joined,
                }
                self.emit(
                    None,
                    EventKind::TaskRestored {
                        stage,
                        task: name,
                        status: earlier.status,
                    },
                );
            }
            Outcome::Cancelled {
                reason,
                attempts,
                span,
            } => {
                st.status = TaskStatus::Cancelled;
                st.attempts = attempts;
                st.blocked = true;
                st.message = Some(reason.clone());
                st.out = joined;
                self.emit(
                    span.as_deref(),
                    EventKind::TaskCancelled {
                        stage,
                        task: name,
                        attempt: attempts,
                        reason,
                        duration_ms,
                    },
                );
            }
            Outcome::Failed {
                failure,
                attempts,
                span,
            } => {
                st.attempts = attempts;
                let place = Place {
                    stage,
                    task: name,
                    attempt: attempts,
                    duration_ms,
                };
                let settled = failure::settle(task.policy.terminal(), &failure, place);
                st.status = settled.status;
                st.blocked = settled.blocked;
                st.message = Some(settled.message);
                match settled.output {
                    Some(output) => {
                        st.out = context::with_output(&joined, t, order, &output, &st.dropped);
                        st.own = Some(Arc::new(output));
                    }
                    None => st.out = joined.clone(),
                }
                if settled.abort {
                    self.shared.stop.abort(&p.name, &task.name);
                }
                self.emit(span.as_deref(), settled.event);
                self.capture(p, t, &joined, attempts, &failure.text());
            }
        }
    }

    /// Saves the context a failed task read, for forensics.
    fn capture(&self, p: &Pipeline, t: TaskId, joined: &Delta, attempts: u32, error: &str) {
        let merged = context::resolve(p, joined, p.merge, true)
            .map(|(m, _)| m)
            .unwrap_or_default();
        let task = p.task(t);
        let capture = json!({
            "pipeline": p.name,
            "stage": p.stage(task.stage).name,
            "task": task.name,
            "attempts": attempts,
            "status": self.state[t.index()].status,
            "error": error,
            "context": context::overlay(&self.context, merged),
        });
        if let Err(e) = self
            .shared
            .rundir
            .capture(&format!("{}.{}", p.name, task.name), &capture)
        {
            self.shared.note(e);
        }
    }

    /// Merges what the stage's tasks wrote into the run's context.
    fn merge_stage(&mut self, p: &Pipeline, sid: StageId) -> Result<(), String> {
        let stage = p.stage(sid);
        // The sinks' deltas hold everything upstream of them.
        let sinks: Vec<&Delta> = stage
            .tasks
            .iter()
            .filter(|t| !p.dependents(**t).any(|d| p.task(d).stage == sid))
            .map(|t| &self.state[t.index()].out)
            .collect();
        let all = context::join(p, &sinks);
        let (merged, _) = context::resolve(p, &all, p.merge, false).map_err(|c| c.message())?;
        self.context = context::overlay(&self.context, merged);
        Ok(())
    }

    fn gates(&mut self, p: &Pipeline, sid: StageId) -> Result<(), String> {
        let stage = p.stage(sid);
        for g in &stage.gates {
            let status = |t: TaskId| self.state[t.index()].status;
            let why_absent = |key: &str| self.why_absent(p, key);
            let env = gate::Env {
                context: &self.context,
                pipeline: p,
                stage,
                status: &status,
                why_absent: &why_absent,
                now: self.shared.clock.now(),
            };
            match gate::check(g, &env) {
                Ok(()) => self.emit(
                    None,
                    EventKind::GatePassed {
                        stage: stage.name.clone(),
                        gate: g.name.clone(),
                    },
                ),
                Err(message) => {
                    self.emit(
                        None,
                        EventKind::GateFailed {
                            stage: stage.name.clone(),
                            gate: g.name.clone(),
                            message: message.clone(),
                        },
                    );
                    return Err(message);
                }
            }
        }
        Ok(())
    }

    fn why_absent(&self, p: &Pipeline, key: &str) -> String {
        let writers: Vec<String> = p
            .dag
            .node_indices()
            .filter(|t| p.task(*t).writes.iter().any(|w| w == key))
            .map(|t: TaskId| {
                let st = &self.state[t.index()];
                let how = match (st.status, &st.message) {
                    (TaskStatus::Pending, _) => "did not run in this run".to_string(),
                    (s, Some(m)) => format!("ended {} ({m})", s.label()),
                    (s, None) => format!("ended {}", s.label()),
                };
                format!("`{}`, which writes it, {how}", p.task(t).name)
            })
            .collect();
        if writers.is_empty() {
            "no task of the pipeline writes it".to_string()
        } else {
            writers.join("; ")
        }
    }

    fn report(&self, p: &Pipeline, sid: StageId) {
        let stage = p.stage(sid);
        let rows = task_order(p, sid).into_iter().map(|t| {
            let st = &self.state[t.index()];
            TaskReport {
                pipeline: p.name.clone(),
                stage: stage.name.clone(),
                task: p.task(t).name.clone(),
                status: st.status,
                attempts: st.attempts,
                duration_ms: st.duration.map(millis),
                message: st.message.clone(),
                restored: st.restored,
            }
        });
        if let Ok(mut reports) = self.shared.reports.lock() {
            reports.extend(rows);
        }
    }

    /// The pipeline's `cleanup` handler, once, on the context at the failure.
    /// A fresh stop handle: the abort that failed the run must not cancel it.
    async fn cleanup(&self, p: &Pipeline, h: crate::ir::HandlerId) {
        let name = self.shared.program.handler(h).name.clone();
        self.emit(
            None,
            EventKind::CleanupStarted {
                handler: name.clone(),
            },
        );
        let input = Arc::new(Value::Object(self.context.clone()));
        let span = ids::span_id();
        let call = Call {
            pipeline: p,
            stage: "",
            task: "cleanup",
            work: Work::Handler(h),
            args: &[],
            timeout_millis: CLEANUP_TIMEOUT_MILLIS,
            attempt: 1,
            span: &span,
            input: &input,
            // The cleanup runs after the run's stages: nothing resumes it.
            spawned: Box::new(|_, _| {}),
        };
        let error = match executor::run(&self.shared, call, Interrupt::new().subscribe()).await {
            Attempt::Ok(_) => None,
            Attempt::Failed(f) => Some(f.text()),
            Attempt::Cancelled(stop) => Some(stop.describe()),
        };
        self.emit(
            Some(&span),
            EventKind::CleanupFinished {
                handler: name,
                error,
            },
        );
    }
}

const CLEANUP_TIMEOUT_MILLIS: u64 = 30_000;

/// How long the scheduler stays idle before it flushes events.
const FLUSH_AFTER: Duration = Duration::from_millis(10);

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A task's attempts, in a spawned task: it keeps its slot while it waits to
/// retry, so a retrying task is not overtaken by lower-priority work.
struct Job {
    shared: Arc<Shared>,
    pid: PipelineId,
    sid: StageId,
    task: TaskId,
    input: Arc<Value>,
    /// How long to wait for a market state the task requires (it holds its slot).
    market_wait: Option<Duration>,
}

impl Job {
    async fn work(self, tx: mpsc::UnboundedSender<Msg>) {
        if let Some(wait) = self.market_wait {
            let mut stop = self.shared.stop.subscribe();
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                stop = stop.stopped() => {
                    let outcome = Outcome::Cancelled { reason: stop.describe(), attempts: 0, span: None };
                    let _ = tx.send(Msg::Done { task: self.task, outcome });
                    return;
                }
            }
        }
        let outcome = self.attempts(&tx).await;
        let _ = tx.send(Msg::Done {
            task: self.task,
            outcome,
        });
    }

    async fn attempts(&self, tx: &mpsc::UnboundedSender<Msg>) -> Outcome {
        let program = self.shared.program.clone();
        let p = program.pipeline(self.pid);
        let task = p.task(self.task);
        let retries = match &task.policy {
            Policy::Retry { retries, .. } => *retries,
            _ => 0,
        };
        let mut attempt = 1;
        loop {
            let span = ids::span_id();
            let _ = tx.send(Msg::Attempt {
                task: self.task,
                attempt,
                span: span.clone(),
            });
            let process_tx = tx.clone();
            let task_id = self.task;
            let call = Call {
                pipeline: p,
                stage: &p.stage(self.sid).name,
                task: &task.name,
                work: task.work,
                args: &task.args,
                timeout_millis: task.timeout_millis,
                attempt,
                span: &span,
                input: &self.input,
                spawned: Box::new(move |pid, start_ticks| {
                    let _ = process_tx.send(Msg::Process {
                        task: task_id,
                        attempt,
                        pid,
                        start_ticks,
                    });
                }),
            };
            match executor::run(&self.shared, call, self.shared.stop.subscribe()).await {
                Attempt::Ok(output) => {
                    return Outcome::Ok {
                        output,
                        attempts: attempt,
                        span: Some(span),
                    }
                }
                Attempt::Cancelled(stop) => {
                    return Outcome::Cancelled {
                        reason: stop.describe(),
                        attempts: attempt,
                        span: Some(span),
                    }
                }
                Attempt::Failed(failure) if attempt <= retries => {
                    let wait_ms = wait_millis(&task.policy, attempt);
                    let _ = tx.send(Msg::Retrying {
                        task: self.task,
                        attempt,
                        span: span.clone(),
                        error: failure.text(),
                        wait_ms,
                    });
                    let mut stop = self.shared.stop.subscribe();
                    tokio::select! {
                        () = tokio::time::sleep(Duration::from_millis(wait_ms)) => {}
                        stop = stop.stopped() => {
                            return Outcome::Cancelled { reason: stop.describe(), attempts: attempt, span: Some(span) };
                        }
                    }
                    attempt += 1;
                }
                Attempt::Failed(failure) => {
                    return Outcome::Failed {
                        failure,
                        attempts: attempt,
                        span: Some(span),
                    }
                }
            }
        }
    }
}

/// The wait before retry number `retry`; with jitter, uniform in [half, all].
pub fn wait_millis(policy: &Policy, retry: u32) -> u64 {
    match policy {
        Policy::Retry { backoff, .. } => {
            let wait = backoff.wait_millis(retry);
            match backoff {
                crate::ir::Backoff::Exponential { jitter: true, .. } if wait > 0 => {
                    fastrand::u64(wait / 2..=wait)
                }
                _ => wait,
            }
        }
        _ => 0,
    }
}
