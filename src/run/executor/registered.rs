//! A handler registered as a Rust function (`Registry`): it replaces the
//! declared handler of its name and keeps its `returns`, timeout and policy.

use super::{in_process, Attempt, AttemptFuture, Call, Executor, Failure};
use crate::ir::Work;
use crate::run::registry::HandlerContext;
use crate::run::scheduler::Shared;
use crate::run::stop::StopReceiver;
use std::sync::Arc;

pub(crate) struct Registered;

impl Executor for Registered {
    fn run<'a>(
        &'a self,
        shared: &'a Arc<Shared>,
        call: Call<'a>,
        stop: StopReceiver,
    ) -> AttemptFuture<'a> {
        Box::pin(async move {
            let Work::Handler(id) = call.work else {
                return Attempt::Failed(Failure::Error(
                    "a sub-pipeline was routed to the registered-function executor".to_string(),
                ));
            };
            let handler = shared.program.handler(id);
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
            match shared.registry.call(&handler.name, ctx) {
                Some(future) => {
                    in_process(shared, future, handler, call.timeout_millis, stop).await
                }
                None => Attempt::Failed(Failure::Error(format!(
                    "no Rust function is registered for handler `{}`",
                    handler.name
                ))),
            }
        })
    }
}
