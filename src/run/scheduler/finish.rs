//! A task's end: its final status, what it adds to the context, its event,
//! and the forensic capture of a failure.

use super::{millis, Outcome, PipelineRun};
use crate::ir::{Pipeline, TaskId, Terminal};
use crate::run::context::{self, Delta};
use crate::run::events::EventKind;
use crate::run::failure::{self, Place};
use crate::run::status::TaskStatus;
use serde_json::json;
use std::sync::Arc;

impl PipelineRun {
    pub(super) fn finish(&mut self, p: &Pipeline, t: TaskId, outcome: Outcome) {
        let task = p.task(t);
        let stage = p.stage(task.stage).name.clone();
        let name = task.name.clone();
        let order = self.order[t.index()];
        let now = self.shared.clock.monotonic();
        let st = &mut self.state[t.index()];
        let elapsed = st
            .started
            .map(|s| now.saturating_sub(s))
            .unwrap_or_default();
        st.duration = Some(elapsed);
        let duration_ms = millis(elapsed);
        let joined = st.joined.take().unwrap_or_default();
        match outcome {
            Outcome::Ok {
                output,
                attempts,
                span,
            } => {
                st.status = TaskStatus::Completed;
                st.attempts = attempts;
                if let Some(memo) = &self.shared.memo {
                    memo.output(&p.name, &name, &output);
                }
                st.out = context::with_output(&joined, t, order, &output, &st.dropped);
                st.own = Some(Arc::new(output));
                self.emit(
                    span.as_deref(),
                    EventKind::TaskCompleted {
                        stage,
                        task: name,
                        attempt: attempts,
                        duration_ms,
                    },
                );
            }
            Outcome::Restored(earlier) => {
                st.restored = true;
                // Nothing ran now: no attempts, no duration of its own.
                st.duration = None;
                st.status = earlier.status;
                st.message = earlier.message;
                match restored_output(task, earlier.status, earlier.output) {
                    Some(output) => {
                        st.out = context::with_output(&joined, t, order, &output, &st.dropped);
                        st.own = Some(Arc::new(output));
                    }
                    None => st.out = joined,
                }
                self.emit(
                    None,
                    EventKind::TaskRestored {
                        stage,
                        task: name,
                        status: earlier.status,
                    },
                );
            }
            Outcome::Cancelled {
                reason,
                attempts,
                span,
            } => {
                st.status = TaskStatus::Cancelled;
                st.attempts = attempts;
                st.blocked = true;
                st.message = Some(reason.clone());
                st.out = joined;
                self.emit(
                    span.as_deref(),
                    EventKind::TaskCancelled {
                        stage,
                        task: name,
                        attempt: attempts,
                        reason,
                        duration_ms,
                    },
                );
            }
            Outcome::Failed {
                failure,
                attempts,
                span,
            } => {
                st.attempts = attempts;
                let place = Place {
                    stage,
                    task: name,
                    attempt: attempts,
                    duration_ms,
                };
                let terminal = match (&task.fan_out, task.policy.terminal()) {
                    // `default` went to each failed instance; a fan-out that
                    // fails as a whole (its list missing, too many failed
                    // instances) has no value of its shape to default to.
                    (Some(_), Terminal::Default(_)) => Terminal::Fail,
                    (_, terminal) => terminal,
                };
                let settled = failure::settle(terminal, &failure, place);
                st.status = settled.status;
                st.blocked = settled.blocked;
                st.message = Some(settled.message);
                match settled.output {
                    Some(output) => {
                        st.out = context::with_output(&joined, t, order, &output, &st.dropped);
                        st.own = Some(Arc::new(output));
                    }
                    None => st.out = joined.clone(),
                }
                if settled.abort {
                    self.shared.stop.abort(&p.name, &task.name);
                }
                self.emit(span.as_deref(), settled.event);
                self.capture(p, t, &joined, attempts, &failure.text());
            }
        }
    }

    /// Saves the context a failed task read, for forensics.
    pub(super) fn capture(
        &self,
        p: &Pipeline,
        t: TaskId,
        joined: &Delta,
        attempts: u32,
        error: &str,
    ) {
        let merged = context::resolve(p, joined, p.merge, true)
            .map(|(m, _)| m)
            .unwrap_or_default();
        let task = p.task(t);
        let failed = Failed {
            name: &task.name,
            attempts,
            status: self.state[t.index()].status,
            error,
        };
        self.save_capture(p, t, &failed, context::overlay(&self.context, merged));
    }

    /// Writes `forensics/PIPELINE.NAME.json`: what failed, and the context it
    /// read (a task's, or a fan-out instance's with its item).
    pub(super) fn save_capture(
        &self,
        p: &Pipeline,
        t: TaskId,
        failed: &Failed<'_>,
        context: serde_json::Map<String, serde_json::Value>,
    ) {
        let capture = json!({
            "pipeline": p.name,
            "stage": p.stage(p.task(t).stage).name,
            "task": failed.name,
            "attempts": failed.attempts,
            "status": failed.status,
            "error": failed.error,
            "context": context,
        });
        if let Err(e) = self
            .shared
            .rundir
            .capture(&format!("{}.{}", p.name, failed.name), &capture)
        {
            self.shared.note(e.to_string());
        }
    }
}

/// A failure's forensic record, apart from its context.
pub(super) struct Failed<'a> {
    pub(super) name: &'a str,
    pub(super) attempts: u32,
    pub(super) status: TaskStatus,
    pub(super) error: &'a str,
}

/// What a task (or a fan-out's instance) restored from earlier in the run key
/// adds: a completed one's output, a defaulted one's default (taken from the
/// policy, not stored); anything else adds nothing.
pub(super) fn restored_output(
    task: &crate::ir::Task,
    status: TaskStatus,
    output: serde_json::Map<String, serde_json::Value>,
) -> Option<serde_json::Map<String, serde_json::Value>> {
    match status {
        TaskStatus::Completed => Some(output),
        TaskStatus::Defaulted => match task.policy.terminal() {
            Terminal::Default(value) => Some(value.as_object().cloned().unwrap_or_default()),
            // The plan is the same (its hash), so the policy is still
            // `default`; anything else adds nothing.
            Terminal::Abort | Terminal::Fail | Terminal::Warn | Terminal::Skip => None,
        },
        TaskStatus::Warned
        | TaskStatus::Skipped
        | TaskStatus::Failed
        | TaskStatus::TimedOut
        | TaskStatus::Cancelled
        | TaskStatus::Pending
        | TaskStatus::Queued
        | TaskStatus::Running
        | TaskStatus::Retrying => None,
    }
}
