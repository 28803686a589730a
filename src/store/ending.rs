//! How an attempt of a task ended, as the store keeps it: the one list of
//! the events that end an attempt (completed, warned, defaulted, failed,
//! timed out, cancelled), read by `fold.rs` to fold an end into its start
//! and by `rows.rs` to write it.

use super::stats::Ended;
use crate::run::{EventKind, FailureCause};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Why a task or an attempt did not succeed, as the store keeps it: the
/// cause's word (`exit`, `timeout`, `policy`, …) and a command's exit status.
#[derive(Debug, Clone, Copy)]
pub(super) struct Why {
    pub(super) cause: &'static str,
    pub(super) exit_code: Option<i32>,
}

impl From<FailureCause> for Why {
    fn from(cause: FailureCause) -> Why {
        let exit_code = match cause {
            FailureCause::Exit { code } => Some(code),
            FailureCause::Signal { .. }
            | FailureCause::Timeout { .. }
            | FailureCause::BadOutput
            | FailureCause::Error => None,
        };
        Why {
            cause: cause.label(),
            exit_code,
        }
    }
}

/// An attempt's end: what its rows say of it.
pub(super) struct Ending<'a> {
    pub(super) status: &'static str,
    /// The attempt that ended.
    pub(super) attempt: u32,
    pub(super) message: Option<Cow<'a, str>>,
    pub(super) duration_ms: u64,
    /// A completion's output (`Memo::output` queued it with the event).
    output: Option<Map<String, Value>>,
    pub(super) why: Option<Why>,
}

impl<'a> Ending<'a> {
    /// The end an event tells, if it ends an attempt; `output` is a
    /// completion's.
    pub(super) fn of(kind: &'a EventKind, output: Option<Map<String, Value>>) -> Option<Self> {
        let failed =
            |status, attempt: &u32, error: &'a String, cause: FailureCause, ms: &u64| Ending {
                status,
                attempt: *attempt,
                message: Some(Cow::Borrowed(error.as_str())),
                duration_ms: *ms,
                output: None,
                why: Some(Why::from(cause)),
            };
        match kind {
            EventKind::TaskCompleted {
                attempt,
                duration_ms,
                ..
            } => Some(Ending {
                status: "completed",
                attempt: *attempt,
                message: None,
                duration_ms: *duration_ms,
                output: Some(output.unwrap_or_default()),
                why: None,
            }),
            EventKind::TaskWarned {
                attempt,
                error,
                cause,
                duration_ms,
                ..
            } => Some(failed("warned", attempt, error, *cause, duration_ms)),
            EventKind::TaskDefaulted {
                attempt,
                error,
                cause,
                duration_ms,
                ..
            } => Some(failed("defaulted", attempt, error, *cause, duration_ms)),
            EventKind::TaskFailed {
                attempt,
                error,
                cause,
                duration_ms,
                ..
            } => Some(failed("failed", attempt, error, *cause, duration_ms)),
            EventKind::TaskTimedOut {
                attempt,
                timeout_ms,
                duration_ms,
                ..
            } => Some(Ending {
                status: "timed_out",
                attempt: *attempt,
                message: Some(Cow::Owned(format!("timed out after {timeout_ms} ms"))),
                duration_ms: *duration_ms,
                output: None,
                why: Some(Why::from(FailureCause::Timeout {
                    after_ms: *timeout_ms,
                })),
            }),
            EventKind::TaskCancelled {
                attempt,
                reason,
                duration_ms,
                ..
            } => Some(Ending {
                status: "cancelled",
                attempt: *attempt,
                message: Some(Cow::Borrowed(reason.as_str())),
                duration_ms: *duration_ms,
                output: None,
                why: None,
            }),
            // A retry ends the attempt but not the task, and a skip after a
            // failed attempt writes rows of its own: neither is an `Ending`.
            EventKind::TaskRetrying { .. }
            | EventKind::TaskSkipped { .. }
            | EventKind::TaskQueued { .. }
            | EventKind::TaskStarted { .. }
            | EventKind::TaskProcess { .. }
            | EventKind::TaskRestored { .. }
            | EventKind::TaskSubmitted { .. }
            | EventKind::TaskStuck { .. }
            | EventKind::RunStarted { .. }
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

    /// The results a resume keeps (see `Memo::restore`).
    pub(super) fn settled(&self) -> bool {
        matches!(self.status, "completed" | "warned" | "defaulted")
    }

    /// A completion's output as the `tasks` row keeps it.
    pub(super) fn output_text(&self) -> Option<String> {
        self.output
            .as_ref()
            .map(|o| serde_json::to_string(o).unwrap_or_default())
    }

    /// What the task's statistics count of it: a success (with the output's
    /// `records`), a failure, or nothing (a cancellation).
    pub(super) fn counted<'r>(&'r self, run: &'r str) -> Option<Ended<'r>> {
        match self.status {
            "completed" => Some(Ended::Success {
                run,
                records: self
                    .output
                    .as_ref()
                    .and_then(|o| o.get("records"))
                    .and_then(Value::as_i64),
            }),
            "cancelled" => None,
            _ => Some(Ended::Failure {
                error: self.message.as_deref().unwrap_or_default(),
                exit_code: self.why.and_then(|w| w.exit_code),
            }),
        }
    }
}
