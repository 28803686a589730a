//! The executor seam: how one attempt of a task's work runs. The scheduler
//! knows nothing of commands, built-ins or Rust functions: it asks [`route`]
//! for the task's executor and awaits an [`Attempt`]. Each executor is one
//! file: a command in its own process tree (`process.rs`), a built-in
//! (`builtin.rs`), a Rust function from the `Registry` (`registered.rs`), a
//! sub-pipeline (`sub_pipeline.rs`). A new executor (a remote cluster) is a
//! new file and one arm in `route`.

mod builtin;
pub(crate) mod process;
mod ray;
mod registered;
mod stdin;
mod sub_pipeline;
pub(crate) mod tree;

use super::events::FailureCause;
use super::gate::duration_text;
use super::output;
use super::scheduler::Shared;
use super::stop::{Stop, StopReceiver};
use crate::ir::{ExecutorId, Handler, HandlerKind, Pipeline, Work};
use serde_json::{Map, Value};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// Why an attempt failed.
pub(crate) enum Failure {
    /// A command ended unsuccessfully: exited non-zero (`code`) or was killed
    /// by a signal (`signal`); the message says which, with stderr's last line.
    Exited {
        code: Option<i32>,
        signal: Option<i32>,
        message: String,
    },
    /// It answered, but not with what its `returns` declares (or not JSON).
    BadOutput(String),
    /// Anything else: it could not start, or said it failed.
    Error(String),
    TimedOut(u64),
}

impl Failure {
    /// The status a command exited with, when that is how it failed.
    pub(crate) fn exit_code(&self) -> Option<i32> {
        match self {
            Failure::Exited { code, .. } => *code,
            Failure::BadOutput(_) | Failure::Error(_) | Failure::TimedOut(_) => None,
        }
    }

    /// Why, as data (events and the store carry it).
    pub(crate) fn cause(&self) -> FailureCause {
        match self {
            Failure::Exited {
                code: Some(code), ..
            } => FailureCause::Exit { code: *code },
            Failure::Exited {
                code: None,
                signal: Some(signal),
                ..
            } => FailureCause::Signal { signal: *signal },
            Failure::Exited {
                code: None,
                signal: None,
                ..
            }
            | Failure::Error(_) => FailureCause::Error,
            Failure::BadOutput(_) => FailureCause::BadOutput,
            Failure::TimedOut(ms) => FailureCause::Timeout { after_ms: *ms },
        }
    }

    pub(crate) fn text(&self) -> String {
        match self {
            Failure::Exited { message, .. }
            | Failure::BadOutput(message)
            | Failure::Error(message) => message.clone(),
            Failure::TimedOut(ms) => format!(
                "timed out after {}",
                duration_text(i64::try_from(*ms).unwrap_or(i64::MAX))
            ),
        }
    }
}

pub(crate) enum Attempt {
    /// The keys the task adds to the context.
    Ok(Map<String, Value>),
    Failed(Failure),
    Cancelled(Stop),
}

/// What one attempt runs and with what.
pub(crate) struct Call<'a> {
    pub pipeline: &'a Pipeline,
    pub stage: &'a str,
    /// The task's name, or an instance's (`score[AAPL]`) for a fan-out.
    pub task: &'a str,
    pub work: Work,
    /// The cluster it runs on; `None`: this machine.
    pub executor: Option<crate::ir::ExecutorId>,
    /// A fan-out instance's index and item.
    pub item: Option<(usize, &'a Value)>,
    pub args: &'a [String],
    pub timeout_millis: u64,
    pub attempt: u32,
    pub span: &'a str,
    pub input: &'a Arc<Value>,
    /// Told a command's first process (pid, start ticks) once it runs.
    pub spawned: Box<dyn FnOnce(i32, Option<u64>) + Send>,
}

pub(crate) type AttemptFuture<'a> = Pin<Box<dyn Future<Output = Attempt> + Send + 'a>>;

/// One way of running a task's work.
pub(crate) trait Executor: Sync {
    /// The answer of a first attempt that needs no waiting (a `noop`): the
    /// scheduler then completes the task inline, without a slot or a spawned
    /// task. `None`: it must be run.
    fn instant(&self, _shared: &Shared, _work: Work) -> Option<Attempt> {
        None
    }

    /// Runs one attempt, bounded by its timeout and the run's stop.
    fn run<'a>(
        &'a self,
        shared: &'a Arc<Shared>,
        call: Call<'a>,
        stop: StopReceiver,
    ) -> AttemptFuture<'a>;
}

/// The executor of a task's work: a sub-pipeline; a handler registered as a
/// Rust function (which replaces the declared one of that name); a built-in;
/// a command.
pub(crate) fn route(
    shared: &Shared,
    work: Work,
    cluster: Option<ExecutorId>,
) -> &'static dyn Executor {
    match work {
        Work::Pipeline(_) => &sub_pipeline::SubPipeline,
        Work::Handler(h) => {
            let handler = shared.program.handler(h);
            if shared.registry.contains(&handler.name) {
                return &registered::Registered;
            }
            // Commands go where the task says; built-ins and Rust functions
            // are pipec's own and always run here.
            match (&handler.kind, cluster) {
                (HandlerKind::Builtin(_), _) => &builtin::BuiltinExecutor,
                (HandlerKind::Exec { .. } | HandlerKind::Shell { .. }, None) => &process::Process,
                (HandlerKind::Exec { .. } | HandlerKind::Shell { .. }, Some(_)) => &ray::Ray,
            }
        }
    }
}

/// Runs one attempt of `call` with the executor its work routes to.
pub(crate) async fn run(shared: &Arc<Shared>, call: Call<'_>, stop: StopReceiver) -> Attempt {
    route(shared, call.work, call.executor)
        .run(shared, call, stop)
        .await
}

/// An in-process answer (a built-in, a Rust function), bounded by the timeout
/// and the run's stop, checked against the handler's `returns`.
async fn in_process(
    shared: &Shared,
    future: impl Future<Output = Result<Value, String>>,
    handler: &Handler,
    timeout_millis: u64,
    mut stop: StopReceiver,
) -> Attempt {
    // The limit first: when the answer and the timeout are due together (on
    // a virtual clock, a wait as long as the timeout), the timeout wins.
    tokio::select! {
        biased;
        () = shared.clock.limit(Duration::from_millis(timeout_millis)) => {
            Attempt::Failed(Failure::TimedOut(timeout_millis))
        }
        stop = stop.stopped() => Attempt::Cancelled(stop),
        answer = future => checked(answer, handler),
    }
}

/// A handler's answer checked against its `returns`.
fn checked(answer: Result<Value, String>, handler: &Handler) -> Attempt {
    match answer {
        Ok(value) => match output::from_value(value, handler) {
            Ok(map) => Attempt::Ok(map),
            Err(message) => Attempt::Failed(Failure::BadOutput(message)),
        },
        Err(message) => Attempt::Failed(Failure::Error(message)),
    }
}
