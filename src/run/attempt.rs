//! One attempt of one handler: a command, a built-in, a registered Rust
//! function or a sub-pipeline, bounded by the task's timeout and the run's stop.

use super::gate::duration_text;
use super::process::{self, Exit, Spec};
use super::registry::HandlerContext;
use super::scheduler::{run_pipeline, Shared};
use super::status::RunStatus;
use super::stop::{Stop, StopReceiver};
use super::{builtin, context, output};
use crate::ir::{HandlerId, HandlerKind, Pipeline, StageId, Work};
use serde_json::{Map, Value};
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub enum Failure {
    Error(String),
    TimedOut(u64),
}

impl Failure {
    pub fn text(&self) -> String {
        match self {
            Failure::Error(e) => e.clone(),
            Failure::TimedOut(ms) => format!(
                "timed out after {}",
                duration_text(i64::try_from(*ms).unwrap_or(i64::MAX))
            ),
        }
    }
}

pub enum Attempt {
    /// The keys the task adds to the context.
    Ok(Map<String, Value>),
    Failed(Failure),
    Cancelled(Stop),
}

/// What one attempt runs and with what.
pub struct Call<'a> {
    pub pipeline: &'a Pipeline,
    pub stage: &'a str,
    pub task: &'a str,
    pub work: Work,
    pub args: &'a [String],
    pub timeout_millis: u64,
    pub attempt: u32,
    pub span: &'a str,
    pub input: &'a Arc<Value>,
    /// Told a command's first process (pid, start ticks) once it runs.
    pub spawned: Box<dyn FnOnce(i32, Option<u64>) + Send>,
}

pub async fn run(shared: &Arc<Shared>, call: Call<'_>, stop: StopReceiver) -> Attempt {
    match call.work {
        Work::Pipeline(sub) => {
            // No timeout of its own: each task of the sub-pipeline has one,
            // and dropping a running pipeline would orphan its processes.
            let input = call.input.as_object().cloned().unwrap_or_default();
            let sub_pipeline = shared.program.pipeline(sub);
            let stages = (0..sub_pipeline.stages.len())
                .map(|i| StageId(i as u32))
                .collect();
            let outcome = run_pipeline(shared.clone(), sub, stages, input.clone()).await;
            match (outcome.status, shared.stop.current()) {
                (RunStatus::Succeeded, _) => Attempt::Ok(context::added(&input, &outcome.context)),
                (_, Some(stop)) => Attempt::Cancelled(stop),
                _ => Attempt::Failed(Failure::Error(format!(
                    "sub-pipeline `{}` failed: {}",
                    sub_pipeline.name,
                    outcome.reason.unwrap_or_default()
                ))),
            }
        }
        Work::Handler(h) => handler(shared, h, call, stop).await,
    }
}

async fn handler(
    shared: &Arc<Shared>,
    id: HandlerId,
    call: Call<'_>,
    mut stop: StopReceiver,
) -> Attempt {
    let handler = shared.program.handler(id);
    let timeout = Duration::from_millis(call.timeout_millis);
    if shared.registry.contains(&handler.name) {
        let ctx = HandlerContext {
            context: (**call.input).clone(),
            pipeline: call.pipeline.name.clone(),
            task: call.task.to_string(),
            attempt: call.attempt,
            args: call.args.to_vec(),
            run_id: shared.emitter.run_id.clone(),
            trace_id: shared.emitter.trace_id.clone(),
            span_id: call.span.to_string(),
            as_of: shared.as_of,
            work_dir: shared.rundir.work_dir(),
        };
        if let Some(future) = shared.registry.call(&handler.name, ctx) {
            return in_process(future, handler, call.timeout_millis, &mut stop).await;
        }
    }
    let (program, mut args) = match &handler.kind {
        HandlerKind::Builtin(b) => {
            return in_process(
                builtin::run(b, call.attempt),
                handler,
                call.timeout_millis,
                &mut stop,
            )
            .await;
        }
        HandlerKind::Exec { program, args } => {
            let path = PathBuf::from(program);
            let path = if program.contains('/') && path.is_relative() {
                // Absolute, since the child runs in the pipeline's folder.
                let joined = handler.base_dir.join(path);
                std::path::absolute(&joined).unwrap_or(joined)
            } else {
                path
            };
            (path, args.clone())
        }
        // `$0` is the task's name and the task's args are `$1`…: no quoting
        // problems, and the script can use "$@".
        HandlerKind::Shell { command } => (
            PathBuf::from("/bin/sh"),
            vec!["-c".into(), command.clone(), call.task.to_string()],
        ),
    };
    args.extend(call.args.iter().cloned());
    let (stdout_log, stderr_log) =
        match shared
            .rundir
            .logs(&call.pipeline.name, call.task, call.attempt)
        {
            Ok(paths) => paths,
            Err(e) => return Attempt::Failed(Failure::Error(e)),
        };
    let mut env = vec![
        ("PIPEC_RUN_ID".to_string(), shared.emitter.run_id.clone()),
        ("PIPEC_TRACE_ID".into(), shared.emitter.trace_id.clone()),
        ("PIPEC_SPAN_ID".into(), call.span.to_string()),
        ("PIPEC_PIPELINE".into(), call.pipeline.name.clone()),
        ("PIPEC_STAGE".into(), call.stage.to_string()),
        ("PIPEC_TASK".into(), call.task.to_string()),
        ("PIPEC_ATTEMPT".into(), call.attempt.to_string()),
        (
            "PIPEC_AS_OF".into(),
            shared.as_of.format("%Y-%m-%d").to_string(),
        ),
        (
            "PIPEC_WORK_DIR".into(),
            shared.rundir.work_dir().display().to_string(),
        ),
    ];
    env.extend(
        handler
            .env
            .iter()
            .map(|(k, v)| (k.clone(), shared.secrets.resolve(v).to_string())),
    );
    let spec = Spec {
        program,
        args,
        // A pipeline file named without a folder has an empty base_dir.
        cwd: if call.pipeline.base_dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            call.pipeline.base_dir.clone()
        },
        env,
        stdin: serde_json::to_vec(&**call.input).unwrap_or_else(|_| b"{}".to_vec()),
        max_output: handler.max_output,
        stdout_log,
        stderr_log,
        timeout,
        grace: shared.grace,
        span: call.span.to_string(),
        spawned: call.spawned,
        redactor: shared.redactor.clone(),
    };
    match process::run(spec, stop).await {
        Exit::Output(bytes) => match output::from_bytes(&bytes, handler) {
            Ok(map) => Attempt::Ok(map),
            Err(e) => Attempt::Failed(Failure::Error(e)),
        },
        Exit::Failed(e) => Attempt::Failed(Failure::Error(e)),
        Exit::TimedOut => Attempt::Failed(Failure::TimedOut(call.timeout_millis)),
        Exit::Cancelled(stop) => Attempt::Cancelled(stop),
    }
}

async fn in_process(
    future: impl Future<Output = Result<Value, String>>,
    handler: &crate::ir::Handler,
    timeout_millis: u64,
    stop: &mut StopReceiver,
) -> Attempt {
    tokio::select! {
        result = tokio::time::timeout(Duration::from_millis(timeout_millis), future) => match result {
            Ok(Ok(value)) => match output::from_value(value, handler) {
                Ok(map) => Attempt::Ok(map),
                Err(e) => Attempt::Failed(Failure::Error(e)),
            },
            Ok(Err(message)) => Attempt::Failed(Failure::Error(message)),
            Err(_) => Attempt::Failed(Failure::TimedOut(timeout_millis)),
        },
        stop = stop.stopped() => Attempt::Cancelled(stop),
    }
}
