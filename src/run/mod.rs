//! `pipec run`: the interpreter. It executes a checked [`Program`] on tokio:
//! stages in order, tasks as their dependencies allow, handlers as child
//! processes (one process group each), built-ins and registered Rust functions
//! in-process. The semantics are in `docs/execution.md`.
//!
//! ```no_run
//! # async fn demo(program: pipec::ir::Program) {
//! use pipec::run::{execute, Registry, RunOptions};
//! let pipeline = program.find_pipeline("trading_day").unwrap();
//! let mut options = RunOptions::new(pipeline, "/tmp/run-1");
//! options.registry.register("fetch_prices", |ctx| async move {
//!     Ok(serde_json::json!({ "prices": [], "as_of": format!("{}T00:00:00Z", ctx.as_of) }))
//! });
//! let report = execute(std::sync::Arc::new(program), options).await.unwrap();
//! println!("{:?}", report.status);
//! # }
//! ```

mod context;
mod days;
mod error;
mod events;
pub(crate) mod executor;
mod failure;
mod fan_out;
mod gate;
pub(crate) mod hub;
mod ids;
mod market;
mod memo;
mod output;
pub mod plan;
mod registry;
mod report;
mod rundir;
mod scheduler;
mod secrets;
mod status;
mod stop;
pub mod view;
mod watch;

pub use error::{Error, SecretProblem};
pub use events::{Event, EventKind, FailureCause, JsonlWriter, Observer, SkipCause};
pub use executor::tree::{adopt_orphans, end_leftovers, reap_orphans};
pub(crate) use fan_out::{is_instance, FAN_OUT_TASK};
pub use memo::{Memo, Restored};
pub use registry::{HandlerContext, HandlerFuture, HandlerResult, Registry};
pub use report::{RunReport, TaskCounts, TaskReport};
pub use scheduler::wait_millis;
pub use secrets::{Secrets, MASK};
pub use status::{RunStatus, TaskStatus};
pub use stop::Interrupt;
pub use watch::Averages;
pub(crate) use watch::STUCK_FACTOR;

use crate::clock::{Clock, SystemClock};
use crate::ir::{PipelineId, Program, StageId};
use chrono::NaiveDate;
use events::Emitter;
use rundir::RunDir;
use scheduler::{run_pipeline, Shared};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How to run: which pipeline and stages, on which date, where to keep things.
pub struct RunOptions {
    pub pipeline: PipelineId,
    /// `None`: every stage.
    pub stages: Option<Vec<StageId>>,
    /// The date `when` conditions and handlers (`PIPEC_AS_OF`) see; default: the clock's date (UTC).
    pub as_of: Option<NaiveDate>,
    pub clock: Arc<dyn Clock>,
    /// Default: generated from the clock.
    pub run_id: Option<String>,
    /// The run folder itself (created): logs, events, captures, `work/`.
    pub run_dir: PathBuf,
    /// Between SIGTERM and SIGKILL when a process group is stopped.
    pub grace: Duration,
    pub registry: Registry,
    /// Besides `events.jsonl` in the run folder, which is always written.
    pub observers: Vec<Arc<dyn Observer>>,
    /// Fire it to stop the run (what Ctrl-C does).
    pub interrupt: Interrupt,
    /// Durable runs: tasks already completed for this run key are restored, not re-run.
    pub memo: Option<Arc<dyn Memo>>,
    /// Run tasks whatever the market's state, `requires` notwithstanding (an
    /// on-demand run that must happen now). The run's events and report say so.
    pub ignore_market_state: bool,
    /// Average runtimes of the pipeline's tasks (from the store): with them
    /// the run reports stuck tasks and deadlines at risk.
    pub averages: Arc<Averages>,
}

impl RunOptions {
    pub fn new(pipeline: PipelineId, run_dir: impl Into<PathBuf>) -> Self {
        Self {
            pipeline,
            stages: None,
            as_of: None,
            clock: Arc::new(SystemClock),
            run_id: None,
            run_dir: run_dir.into(),
            grace: Duration::from_secs(2),
            registry: Registry::new(),
            observers: Vec::new(),
            interrupt: Interrupt::new(),
            memo: None,
            ignore_market_state: false,
            averages: Arc::default(),
        }
    }
}

pub(crate) use ids::is_run_id;

/// A new run id from the clock: sortable by start time.
pub fn new_run_id(clock: &dyn Clock) -> String {
    ids::run_id(clock.now())
}

/// Runs a pipeline to the end. `Err` only when the run cannot start (the run
/// folder cannot be created); everything after that is in the report.
pub async fn execute(program: Arc<Program>, options: RunOptions) -> Result<RunReport, Error> {
    let started = options.clock.monotonic();
    let Some(pipeline) = program.pipelines.get(options.pipeline.0 as usize) else {
        return Err(Error::NoPipeline(options.pipeline));
    };
    let pipeline_name = pipeline.name.clone();
    let stages = options.stages.clone().unwrap_or_else(|| {
        (0..pipeline.stages.len())
            .map(|i| StageId(i as u32))
            .collect()
    });
    let as_of = options
        .as_of
        .unwrap_or_else(|| options.clock.now().date_naive());
    let run_id = options
        .run_id
        .clone()
        .unwrap_or_else(|| new_run_id(&*options.clock));
    // Before anything exists of the run: a missing secret is the caller's to fix.
    let secrets = Secrets::load(&program, options.pipeline)?;
    let rundir = RunDir::create(&options.run_dir)?;
    let events_file =
        Arc::new(
            JsonlWriter::create(&rundir.events()).map_err(|source| Error::RunFolder {
                path: rundir.events(),
                source,
            })?,
        );
    let mut observers: Vec<Arc<dyn Observer>> = vec![events_file.clone()];
    observers.extend(options.observers.iter().cloned());
    let watch = watch::Watch::new(
        &program,
        options.pipeline,
        &stages,
        as_of,
        options.averages.clone(),
        options.clock.clone(),
    );
    if let Some(watch) = &watch {
        observers.push(watch.clone());
    }
    let emitter = Emitter::new(
        run_id.clone(),
        ids::trace_id(),
        options.clock.clone(),
        observers,
    );
    let shared = Arc::new(Shared {
        program: program.clone(),
        registry: options.registry,
        emitter,
        rundir: rundir.clone(),
        as_of,
        clock: options.clock.clone(),
        grace: options.grace,
        ignore_market_state: options.ignore_market_state,
        redactor: secrets.redactor(),
        secrets,
        stop: options.interrupt.clone(),
        memo: options.memo.clone(),
        reports: Mutex::new(Vec::new()),
        notes: Mutex::new(Vec::new()),
    });
    shared.emitter.emit(
        &pipeline_name,
        None,
        EventKind::RunStarted {
            as_of,
            stages: stages
                .iter()
                .map(|s| pipeline.stage(*s).name.clone())
                .collect(),
            tasks: stages.iter().map(|s| pipeline.stage(*s).tasks.len()).sum(),
            run_dir: rundir.root().to_path_buf(),
            ignore_market_state: options.ignore_market_state,
        },
    );
    if options.ignore_market_state {
        shared.note(
            "market states were not enforced: tasks ran whatever their `requires` (--ignore-market-state)"
                .to_string(),
        );
    }
    // The whole run's limit: past it, running tasks are stopped and the run fails.
    let run_timeout = pipeline.run_timeout_millis.map(|limit_ms| {
        let stop = shared.stop.clone();
        let limit = shared.clock.limit(Duration::from_millis(limit_ms));
        tokio::spawn(async move {
            limit.await;
            stop.time_out(limit_ms);
        })
    });
    let watching = watch.map(|watch| tokio::spawn(watch.run(shared.clone())));
    let mut outcome = run_pipeline(
        shared.clone(),
        options.pipeline,
        stages,
        serde_json::Map::new(),
    )
    .await;
    if let Some(timer) = run_timeout {
        timer.abort();
    }
    // Nothing is watched once the work is over: no alert follows the run's end.
    if let Some(watching) = watching {
        watching.abort();
        // On a runtime with several threads it may be emitting right now.
        let _ = watching.await;
    }
    // Everything the run did is recorded before it says how it ended; a
    // record that failed meanwhile (a full disk) interrupted it.
    shared.emitter.sync();
    if outcome.status == RunStatus::Succeeded {
        if let Some(stop @ stop::Stop::Interrupted(_)) = shared.stop.current() {
            outcome.status = RunStatus::Interrupted;
            outcome.reason = Some(stop.describe());
        }
    }
    let duration_ms = u64::try_from(
        options
            .clock
            .monotonic()
            .saturating_sub(started)
            .as_millis(),
    )
    .unwrap_or(u64::MAX);
    let tasks = crate::sync::lock(&shared.reports, "the run's task reports").clone();
    let mut warnings = outcome.warnings;
    warnings.extend(crate::sync::lock(&shared.notes, "the run's notes").clone());
    let mut report = RunReport {
        run_id,
        trace_id: shared.emitter.trace_id.clone(),
        pipeline: pipeline_name.clone(),
        as_of,
        status: outcome.status,
        reason: outcome.reason,
        warnings,
        counts: report::TaskCounts::of(&tasks),
        tasks,
        context: serde_json::Value::Object(outcome.context),
        run_dir: rundir.root().to_path_buf(),
        duration_ms,
    };
    let reason = report.reason.clone().unwrap_or_default();
    let end = match report.status {
        RunStatus::Succeeded => EventKind::RunCompleted { duration_ms },
        RunStatus::Failed => EventKind::RunFailed {
            reason,
            duration_ms,
        },
        RunStatus::Interrupted => EventKind::RunInterrupted {
            reason,
            interrupted: report.interrupted(),
            duration_ms,
        },
    };
    shared.emitter.emit(&pipeline_name, None, end);
    shared.emitter.flush();
    // The run's end is on disk before it is reported.
    shared.emitter.sync();
    executor::tree::reap_orphans();
    if let Some(e) = events_file.error() {
        report.warnings.push(e);
    }
    if let Err(e) = rundir.write_json(&rundir.root().join("summary.json"), &report) {
        report.warnings.push(e.to_string());
    }
    Ok(report)
}
