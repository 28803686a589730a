//! A task that runs another pipeline: all its stages, on the task's input
//! context; its output is what it added or changed.

use super::{Attempt, AttemptFuture, Call, Executor, Failure};
use crate::ir::{StageId, Work};
use crate::run::context;
use crate::run::scheduler::{run_pipeline, Shared};
use crate::run::status::RunStatus;
use crate::run::stop::StopReceiver;
use std::sync::Arc;

pub(crate) struct SubPipeline;

impl Executor for SubPipeline {
    fn run<'a>(
        &'a self,
        shared: &'a Arc<Shared>,
        call: Call<'a>,
        _stop: StopReceiver,
    ) -> AttemptFuture<'a> {
        Box::pin(async move {
            let Work::Pipeline(sub) = call.work else {
                return Attempt::Failed(Failure::Error(
                    "a handler was routed to the sub-pipeline executor".to_string(),
                ));
            };
            // No timeout of its own: each task of the sub-pipeline has one,
            // and dropping a running pipeline would orphan its processes. The
            // run's stop reaches its tasks directly.
            let input = call.input.as_object().cloned().unwrap_or_default();
            let sub_pipeline = shared.program.pipeline(sub);
            let stages = (0..sub_pipeline.stages.len())
                .map(|i| StageId(i as u32))
                .collect();
            let outcome = run_pipeline(shared.clone(), sub, stages, input.clone()).await;
            match (outcome.status, shared.stop.current()) {
                (RunStatus::Succeeded, _) => Attempt::Ok(context::added(&input, &outcome.context)),
                (RunStatus::Failed | RunStatus::Interrupted, Some(stop)) => {
                    Attempt::Cancelled(stop)
                }
                (RunStatus::Failed | RunStatus::Interrupted, None) => {
                    Attempt::Failed(Failure::Error(format!(
                        "sub-pipeline `{}` failed: {}",
                        sub_pipeline.name,
                        outcome.reason.unwrap_or_default()
                    )))
                }
            }
        })
    }
}
