//! Built-in handlers, run inside pipec: `noop`, `sleep`, `fail`, `emit`,
//! `flaky`.

use super::{checked, in_process, Attempt, AttemptFuture, Call, Executor, Failure};
use crate::clock::Clock;
use crate::ir::{Builtin, Handler, HandlerKind, Work};
use crate::run::scheduler::Shared;
use crate::run::stop::StopReceiver;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::Duration;

pub(crate) struct BuiltinExecutor;

impl Executor for BuiltinExecutor {
    /// `noop` and `emit` answer at once: no task to spawn, no slot held.
    fn instant(&self, shared: &Shared, work: Work) -> Option<Attempt> {
        let (handler, builtin) = builtin_of(shared, work)?;
        match builtin {
            Builtin::Noop | Builtin::Emit { .. } => Some(checked(instant(builtin, 1)?, handler)),
            Builtin::Sleep { .. } | Builtin::Fail { .. } | Builtin::Flaky { .. } => None,
        }
    }

    fn run<'a>(
        &'a self,
        shared: &'a Arc<Shared>,
        call: Call<'a>,
        stop: StopReceiver,
    ) -> AttemptFuture<'a> {
        Box::pin(async move {
            let Some((handler, builtin)) = builtin_of(shared, call.work) else {
                return Attempt::Failed(Failure::Error(
                    "a task that is not a built-in was routed to the built-in executor".to_string(),
                ));
            };
            in_process(
                shared,
                run(&*shared.clock, builtin, call.attempt),
                handler,
                call.timeout_millis,
                stop,
            )
            .await
        })
    }
}

fn builtin_of(shared: &Shared, work: Work) -> Option<(&Handler, &Builtin)> {
    let Work::Handler(id) = work else { return None };
    let handler = shared.program.handler(id);
    match &handler.kind {
        HandlerKind::Builtin(b) => Some((handler, b)),
        HandlerKind::Exec { .. } | HandlerKind::Shell { .. } => None,
    }
}

/// The answer of a built-in that needs no waiting, or `None` for `sleep`.
fn instant(builtin: &Builtin, attempt: u32) -> Option<Result<Value, String>> {
    Some(match builtin {
        Builtin::Noop => Ok(Value::Object(Map::new())),
        Builtin::Emit { value } => Ok(value.clone()),
        Builtin::Fail { message } => Err(if message.is_empty() {
            "failed (builtin fail)".into()
        } else {
            message.clone()
        }),
        Builtin::Flaky { failures } => {
            if attempt <= *failures {
                Err(format!(
                    "flaky: attempt {attempt} fails (the first {failures} do)"
                ))
            } else {
                Ok(Value::Object(Map::new()))
            }
        }
        Builtin::Sleep { .. } => return None,
    })
}

/// Runs a built-in; cancellation and timeouts drop this future.
async fn run(clock: &dyn Clock, builtin: &Builtin, attempt: u32) -> Result<Value, String> {
    match builtin {
        Builtin::Sleep { millis } => {
            clock.sleep(Duration::from_millis(*millis)).await;
            Ok(Value::Object(Map::new()))
        }
        Builtin::Noop | Builtin::Emit { .. } | Builtin::Fail { .. } | Builtin::Flaky { .. } => {
            instant(builtin, attempt).unwrap_or_else(|| Ok(Value::Object(Map::new())))
        }
    }
}
