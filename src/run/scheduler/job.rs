//! A task's attempts and the waits between them, in a spawned task.

use super::{Msg, Outcome, Shared, Unit};
use crate::ir::{Backoff, PipelineId, Policy, StageId};
use crate::run::executor::{self, Attempt, Call, Failure};
use crate::run::ids;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// A task's attempts, in a spawned task: it keeps its slot while it waits to
/// retry, so a retrying task is not overtaken by lower-priority work.
pub(super) struct Job {
    pub(super) shared: Arc<Shared>,
    pub(super) pid: PipelineId,
    pub(super) sid: StageId,
    pub(super) unit: Unit,
    /// The task's name, or the instance's.
    pub(super) name: String,
    /// A fan-out instance's item (its index is the unit's).
    pub(super) item: Option<Value>,
    pub(super) input: Arc<Value>,
    /// How long to wait for a market state the task requires (it holds its slot).
    pub(super) market_wait: Option<Duration>,
}

impl Job {
    pub(super) async fn work(self, tx: mpsc::UnboundedSender<Msg>) {
        if let Some(wait) = self.market_wait {
            let mut stop = self.shared.stop.subscribe();
            tokio::select! {
                () = self.shared.clock.sleep(wait) => {}
                stop = stop.stopped() => {
                    let outcome = Outcome::Cancelled { reason: stop.describe(), attempts: 0, span: None };
                    let _ = tx.send(Msg::Done { unit: self.unit, outcome });
                    return;
                }
            }
        }
        // A panic in an attempt (a registered Rust function's, or pipec's
        // own) must not leave the scheduler waiting for this task forever:
        // it fails the task, with what the panic said.
        let attempts = std::panic::AssertUnwindSafe(self.attempts(&tx));
        let outcome = match futures_util::FutureExt::catch_unwind(attempts).await {
            Ok(outcome) => outcome,
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "no message".to_string());
                Outcome::Failed {
                    failure: Failure::Error(format!(
                        "internal error: the attempt panicked: {what}"
                    )),
                    attempts: 1,
                    span: None,
                }
            }
        };
        let _ = tx.send(Msg::Done {
            unit: self.unit,
            outcome,
        });
    }

    async fn attempts(&self, tx: &mpsc::UnboundedSender<Msg>) -> Outcome {
        let program = self.shared.program.clone();
        let p = program.pipeline(self.pid);
        let task = p.task(self.unit.task);
        let retries = task.policy.retries();
        let mut attempt = 1;
        loop {
            let span = ids::span_id();
            let _ = tx.send(Msg::Attempt {
                unit: self.unit,
                attempt,
                span: span.clone(),
                at: self.shared.clock.now(),
            });
            let process_tx = tx.clone();
            let unit = self.unit;
            let call = Call {
                pipeline: p,
                stage: &p.stage(self.sid).name,
                task: &self.name,
                work: task.work,
                executor: task.executor,
                item: self.unit.instance.zip(self.item.as_ref()),
                args: &task.args,
                timeout_millis: task.timeout_millis,
                attempt,
                span: &span,
                input: &self.input,
                spawned: Box::new(move |pid, start_ticks| {
                    let _ = process_tx.send(Msg::Process {
                        unit,
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
                        unit: self.unit,
                        attempt,
                        span: span.clone(),
                        error: failure.text(),
                        cause: failure.cause(),
                        exit_code: failure.exit_code(),
                        wait_ms,
                    });
                    let mut stop = self.shared.stop.subscribe();
                    tokio::select! {
                        () = self.shared.clock.sleep(Duration::from_millis(wait_ms)) => {}
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
            match &**backoff {
                Backoff::Exponential { jitter: true, .. } if wait > 0 => {
                    fastrand::u64(wait / 2..=wait)
                }
                Backoff::Exponential { .. } | Backoff::Fixed { .. } => wait,
            }
        }
        Policy::Abort | Policy::Fail | Policy::Warn | Policy::Skip | Policy::Default { .. } => 0,
    }
}
