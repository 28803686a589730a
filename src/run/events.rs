//! Lifecycle events: the public contract of `--events` (one JSON object a line).
//! The schema is documented in `docs/execution.md`; add fields, never rename.

use super::status::TaskStatus;
use crate::clock::Clock;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// One event. `span_id` is the attempt's span for task attempt events and the
/// run's root span otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// 0, 1, 2 … in emission order.
    pub seq: u64,
    pub time: DateTime<Utc>,
    pub run_id: String,
    pub trace_id: String,
    pub span_id: String,
    /// The pipeline the event is about: the run's, or a sub-pipeline's.
    pub pipeline: String,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// Why an attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FailureCause {
    /// A command exited with a non-zero status.
    Exit { code: i32 },
    /// A command was killed by a signal.
    Signal { signal: i32 },
    /// It ran past its timeout.
    Timeout { after_ms: u64 },
    /// Its answer was not JSON, or not what its `returns` declares.
    BadOutput,
    /// It could not start, or said it failed (`builtin fail`, a Rust
    /// function's `Err`).
    Error,
}

/// Why a task was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipCause {
    /// It failed and its policy is `skip`.
    Policy,
    /// Its `when` is false on the as-of date.
    Condition,
    /// Its pipeline's market is not in a state it `requires`.
    MarketState,
    /// A dependency failed or was skipped without running.
    Dependency,
    /// An earlier stage failed, so its stage never started.
    EarlierStage,
    /// The run was stopped (interrupted, cancelled, past `run_timeout`).
    Stopped,
}

impl SkipCause {
    /// The word the store and the API use.
    pub(crate) fn label(self) -> &'static str {
        match self {
            SkipCause::Policy => "policy",
            SkipCause::Condition => "condition",
            SkipCause::MarketState => "market_state",
            SkipCause::Dependency => "dependency",
            SkipCause::EarlierStage => "earlier_stage",
            SkipCause::Stopped => "stopped",
        }
    }
}

impl EventKind {
    /// The task an event is about, if any.
    pub(crate) fn task(&self) -> Option<&str> {
        match self {
            EventKind::TaskQueued { task, .. }
            | EventKind::TaskStarted { task, .. }
            | EventKind::TaskProcess { task, .. }
            | EventKind::TaskRetrying { task, .. }
            | EventKind::TaskRestored { task, .. }
            | EventKind::TaskCompleted { task, .. }
            | EventKind::TaskWarned { task, .. }
            | EventKind::TaskDefaulted { task, .. }
            | EventKind::TaskFailed { task, .. }
            | EventKind::TaskTimedOut { task, .. }
            | EventKind::TaskCancelled { task, .. }
            | EventKind::TaskSkipped { task, .. }
            | EventKind::TaskSubmitted { task, .. }
            | EventKind::TaskStuck { task, .. } => Some(task),
            EventKind::RunStarted { .. }
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
}

impl FailureCause {
    /// The word the store and the API use.
    pub(crate) fn label(self) -> &'static str {
        match self {
            FailureCause::Exit { .. } => "exit",
            FailureCause::Signal { .. } => "signal",
            FailureCause::Timeout { .. } => "timeout",
            FailureCause::BadOutput => "bad_output",
            FailureCause::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    RunStarted {
        as_of: NaiveDate,
        stages: Vec<String>,
        tasks: usize,
        run_dir: PathBuf,
        /// `requires` is not enforced in this run (`--ignore-market-state`).
        ignore_market_state: bool,
    },
    RunCompleted {
        duration_ms: u64,
    },
    RunFailed {
        reason: String,
        duration_ms: u64,
    },
    RunInterrupted {
        reason: String,
        interrupted: Vec<String>,
        duration_ms: u64,
    },
    StageStarted {
        stage: String,
        tasks: usize,
    },
    StageCompleted {
        stage: String,
        duration_ms: u64,
    },
    StageFailed {
        stage: String,
        reason: String,
        best_effort: bool,
        duration_ms: u64,
    },
    StageSkipped {
        stage: String,
        reason: String,
    },
    GatePassed {
        stage: String,
        gate: String,
    },
    GateFailed {
        stage: String,
        gate: String,
        message: String,
    },
    TaskQueued {
        stage: String,
        task: String,
        priority: u8,
    },
    TaskStarted {
        stage: String,
        task: String,
        attempt: u32,
    },
    /// A command's first process is running: its pid and its start time in
    /// clock ticks since boot (Linux; `null` elsewhere), which name it even
    /// after the pid is reused. A resume after pipec was killed ends what is
    /// still running under that identity.
    TaskProcess {
        stage: String,
        task: String,
        attempt: u32,
        pid: i32,
        start_ticks: Option<u64>,
    },
    TaskRetrying {
        stage: String,
        task: String,
        attempt: u32,
        error: String,
        /// Why, as data.
        cause: FailureCause,
        /// The status a command exited with, when that is how it failed.
        exit_code: Option<i32>,
        wait_ms: u64,
    },
    TaskCompleted {
        stage: String,
        task: String,
        attempt: u32,
        duration_ms: u64,
    },
    TaskWarned {
        stage: String,
        task: String,
        attempt: u32,
        error: String,
        /// Why, as data.
        cause: FailureCause,
        /// The status a command exited with, when that is how it failed.
        exit_code: Option<i32>,
        duration_ms: u64,
    },
    TaskDefaulted {
        stage: String,
        task: String,
        attempt: u32,
        error: String,
        /// Why, as data.
        cause: FailureCause,
        /// The status a command exited with, when that is how it failed.
        exit_code: Option<i32>,
        duration_ms: u64,
    },
    TaskFailed {
        stage: String,
        task: String,
        attempt: u32,
        error: String,
        /// Why, as data.
        cause: FailureCause,
        /// The status a command exited with, when that is how it failed.
        exit_code: Option<i32>,
        duration_ms: u64,
    },
    TaskTimedOut {
        stage: String,
        task: String,
        attempt: u32,
        timeout_ms: u64,
        duration_ms: u64,
    },
    TaskSkipped {
        stage: String,
        task: String,
        reason: String,
        /// Why, as data.
        cause: SkipCause,
        /// With cause `policy`: the status a command exited with, when that
        /// is how it failed.
        exit_code: Option<i32>,
    },
    /// Completed earlier for the same run key (a resumed run): not run again,
    /// its recorded output restored into the context.
    TaskRestored {
        stage: String,
        task: String,
        /// How it ended earlier: completed, warned, defaulted or skipped.
        status: TaskStatus,
    },
    TaskCancelled {
        stage: String,
        task: String,
        attempt: u32,
        reason: String,
        duration_ms: u64,
    },
    /// An attempt runs as a job on a cluster (`executor`): where it ran.
    TaskSubmitted {
        stage: String,
        task: String,
        attempt: u32,
        executor: String,
        /// The job's submission id at the cluster.
        job: String,
        /// A resumed run found the attempt's job already there and followed it.
        reattached: bool,
    },
    /// A task has run three times its average runtime (from the store) and
    /// is still running.
    TaskStuck {
        stage: String,
        task: String,
        running_ms: u64,
        average_ms: u64,
    },
    /// The pipeline's deadline (`stage` absent) or a stage's passed before it ended.
    DeadlineMissed {
        stage: Option<String>,
        deadline: DateTime<Utc>,
    },
    /// The average runtimes of the unfinished tasks no longer fit before the
    /// deadline: at this pace the work ends at `expected_end`.
    DeadlineAtRisk {
        stage: Option<String>,
        deadline: DateTime<Utc>,
        expected_end: DateTime<Utc>,
    },
    CleanupStarted {
        handler: String,
    },
    CleanupFinished {
        handler: String,
        error: Option<String>,
    },
}

/// Receives every event, in order, from the scheduler's thread. Keep it cheap:
/// it is called inline. `flush` is called whenever the scheduler goes idle;
/// `sync` before the run decides and reports how it ended, and waits until
/// every event told so far is durable (the state store's last commit).
pub trait Observer: Send + Sync {
    fn event(&self, event: &Event);
    fn flush(&self) {}
    fn sync(&self) {}
}

/// Writes events as JSON lines. A write error (full disk) stops the writing and
/// is kept for `error()`, so a broken events file never breaks the run.
pub struct JsonlWriter {
    path: PathBuf,
    state: Mutex<(Option<BufWriter<File>>, Option<String>)>,
}

impl JsonlWriter {
    pub fn create(path: &Path) -> std::io::Result<Self> {
        let file = File::create(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            state: Mutex::new((Some(BufWriter::new(file)), None)),
        })
    }

    /// The first write error, if any.
    pub fn error(&self) -> Option<String> {
        crate::sync::lock(&self.state, "the events file").1.clone()
    }

    fn with(&self, f: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>) {
        let mut state = crate::sync::lock(&self.state, "the events file");
        let (writer, error) = &mut *state;
        if let Some(w) = writer.as_mut() {
            if let Err(e) = f(w) {
                *error = Some(format!("cannot write `{}`: {e}", self.path.display()));
                *writer = None;
            }
        }
    }
}

impl Observer for JsonlWriter {
    fn event(&self, event: &Event) {
        self.with(|w| {
            serde_json::to_writer(&mut *w, event)?;
            w.write_all(b"\n")
        });
    }

    fn flush(&self) {
        self.with(std::io::Write::flush);
    }
}

/// Stamps and numbers events and hands them to the observers.
pub(crate) struct Emitter {
    pub run_id: String,
    pub trace_id: String,
    pub root_span: String,
    seq: AtomicU64,
    /// Held while an event is numbered and told: events emitted from several
    /// tasks (the scheduler, attempts, the deadline watch) reach every
    /// observer in `seq` order.
    order: Mutex<()>,
    clock: Arc<dyn Clock>,
    observers: Vec<Arc<dyn Observer>>,
}

impl Emitter {
    pub(crate) fn new(
        run_id: String,
        trace_id: String,
        clock: Arc<dyn Clock>,
        observers: Vec<Arc<dyn Observer>>,
    ) -> Self {
        Self {
            run_id,
            trace_id,
            root_span: super::ids::span_id(),
            seq: AtomicU64::new(0),
            order: Mutex::new(()),
            clock,
            observers,
        }
    }

    pub(crate) fn emit(&self, pipeline: &str, span: Option<&str>, kind: EventKind) {
        self.emit_at(self.clock.now(), pipeline, span, kind);
    }

    /// An event stamped with when it happened, for one told later (an
    /// attempt's start, reported by the task that made it).
    pub(crate) fn emit_at(
        &self,
        time: DateTime<Utc>,
        pipeline: &str,
        span: Option<&str>,
        kind: EventKind,
    ) {
        if self.observers.is_empty() {
            return;
        }
        let _in_order = crate::sync::lock(&self.order, "the run's event order");
        let event = Event {
            seq: self.seq.fetch_add(1, Ordering::Relaxed),
            time,
            run_id: self.run_id.clone(),
            trace_id: self.trace_id.clone(),
            span_id: span.unwrap_or(&self.root_span).to_string(),
            pipeline: pipeline.to_string(),
            kind,
        };
        for o in &self.observers {
            o.event(&event);
        }
    }

    pub(crate) fn flush(&self) {
        for o in &self.observers {
            o.flush();
        }
    }

    /// Waits until every event emitted so far is durable.
    pub(crate) fn sync(&self) {
        for o in &self.observers {
            o.sync();
        }
    }
}
