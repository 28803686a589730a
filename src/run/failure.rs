//! What a failed task becomes: its policy (once retries are used up) and how
//! it failed decide its final status, whether its dependents are blocked,
//! the output it contributes, whether the run aborts, and the event that says
//! so. One exhaustive match: a new policy does not compile until it is
//! decided here.

use super::events::{EventKind, SkipCause};
use super::executor::Failure;
use super::status::TaskStatus;
use crate::ir::Terminal;
use serde_json::{Map, Value};

/// A failed task, settled.
pub(crate) struct Settled {
    pub status: TaskStatus,
    /// Its dependents are skipped ("dependency `x` failed").
    pub blocked: bool,
    /// What it adds to the context (a `default` value), if anything.
    pub output: Option<Map<String, Value>>,
    /// Its message: the error, or why the policy skipped it.
    pub message: String,
    /// The run stops: the policy is `abort`.
    pub abort: bool,
    pub event: EventKind,
}

/// Where the event goes and what it says of the attempt.
pub(crate) struct Place {
    pub stage: String,
    pub task: String,
    pub attempt: u32,
    pub duration_ms: u64,
}

pub(crate) fn settle(terminal: Terminal<'_>, failure: &Failure, at: Place) -> Settled {
    let error = failure.text();
    let exit_code = failure.exit_code();
    let cause = failure.cause();
    let Place {
        stage,
        task,
        attempt,
        duration_ms,
    } = at;
    match terminal {
        Terminal::Warn => Settled {
            status: TaskStatus::Warned,
            blocked: false,
            output: None,
            message: error.clone(),
            abort: false,
            event: EventKind::TaskWarned {
                stage,
                task,
                attempt,
                error,
                cause,
                exit_code,
                duration_ms,
            },
        },
        Terminal::Skip => {
            let reason = format!("failed, skipped by its policy: {error}");
            Settled {
                status: TaskStatus::Skipped,
                blocked: false,
                output: None,
                message: reason.clone(),
                abort: false,
                event: EventKind::TaskSkipped {
                    stage,
                    task,
                    reason,
                    cause: SkipCause::Policy,
                    exit_code,
                },
            }
        }
        Terminal::Default(value) => Settled {
            status: TaskStatus::Defaulted,
            blocked: false,
            output: Some(value.as_object().cloned().unwrap_or_default()),
            message: error.clone(),
            abort: false,
            event: EventKind::TaskDefaulted {
                stage,
                task,
                attempt,
                error,
                cause,
                exit_code,
                duration_ms,
            },
        },
        Terminal::Fail | Terminal::Abort => {
            let (status, event) = match failure {
                Failure::TimedOut(timeout_ms) => (
                    TaskStatus::TimedOut,
                    EventKind::TaskTimedOut {
                        stage,
                        task,
                        attempt,
                        timeout_ms: *timeout_ms,
                        duration_ms,
                    },
                ),
                Failure::Exited { .. } | Failure::BadOutput(_) | Failure::Error(_) => (
                    TaskStatus::Failed,
                    EventKind::TaskFailed {
                        stage,
                        task,
                        attempt,
                        error: error.clone(),
                        cause,
                        exit_code,
                        duration_ms,
                    },
                ),
            };
            Settled {
                status,
                blocked: true,
                output: None,
                message: error,
                abort: terminal == Terminal::Abort,
                event,
            }
        }
    }
}
