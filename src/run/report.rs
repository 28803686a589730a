//! What a finished run reports (also written as `summary.json` in the run folder).

use super::status::{RunStatus, TaskStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunReport {
    pub run_id: String,
    pub trace_id: String,
    pub pipeline: String,
    pub as_of: NaiveDate,
    pub status: RunStatus,
    /// Why the run failed or was interrupted.
    pub reason: Option<String>,
    /// Failures that did not fail the run (best-effort stages, unwritable captures).
    pub warnings: Vec<String>,
    /// Stage by stage, each stage in plan order; sub-pipeline tasks before the task that ran them.
    pub tasks: Vec<TaskReport>,
    /// How many tasks ended each way.
    pub counts: TaskCounts,
    /// The context at the end.
    pub context: serde_json::Value,
    pub run_dir: PathBuf,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TaskReport {
    pub pipeline: String,
    pub stage: String,
    pub task: String,
    pub status: TaskStatus,
    pub attempts: u32,
    /// `None` when it never started.
    pub duration_ms: Option<u64>,
    /// The error, the skip reason, or the cancellation reason.
    pub message: Option<String>,
    /// Its result was restored from earlier in the run key (a resume), not made now.
    #[serde(default)]
    pub restored: bool,
}

impl RunReport {
    pub fn task(&self, name: &str) -> Option<&TaskReport> {
        self.tasks.iter().find(|t| t.task == name)
    }

    /// Tasks cancelled while running, as `pipeline/task`.
    pub fn interrupted(&self) -> Vec<String> {
        self.tasks
            .iter()
            .filter(|t| t.status == TaskStatus::Cancelled)
            .map(|t| format!("{}/{}", t.pipeline, t.task))
            .collect()
    }
}

/// How many tasks of a run ended each way; `restored` counts those (of any
/// status) whose result a resume kept from earlier in the run key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskCounts {
    pub completed: usize,
    pub warned: usize,
    pub defaulted: usize,
    pub skipped: usize,
    pub failed: usize,
    pub timed_out: usize,
    pub cancelled: usize,
    /// Never reached a final status (only when the run itself broke off).
    pub unfinished: usize,
    pub restored: usize,
}

impl TaskCounts {
    pub(crate) fn of(tasks: &[TaskReport]) -> TaskCounts {
        let mut c = TaskCounts::default();
        for t in tasks {
            let slot = match t.status {
                TaskStatus::Completed => &mut c.completed,
                TaskStatus::Warned => &mut c.warned,
                TaskStatus::Defaulted => &mut c.defaulted,
                TaskStatus::Skipped => &mut c.skipped,
                TaskStatus::Failed => &mut c.failed,
                TaskStatus::TimedOut => &mut c.timed_out,
                TaskStatus::Cancelled => &mut c.cancelled,
                TaskStatus::Pending
                | TaskStatus::Queued
                | TaskStatus::Running
                | TaskStatus::Retrying => &mut c.unfinished,
            };
            *slot += 1;
            c.restored += usize::from(t.restored);
        }
        c
    }

    /// `20 completed, 4 warned, 2 skipped (3 restored)`: the non-zero counts.
    pub(crate) fn describe(&self) -> String {
        let parts: Vec<String> = [
            (self.completed, "completed"),
            (self.warned, "warned"),
            (self.defaulted, "defaulted"),
            (self.skipped, "skipped"),
            (self.failed, "failed"),
            (self.timed_out, "timed out"),
            (self.cancelled, "cancelled"),
            (self.unfinished, "unfinished"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        let mut text = if parts.is_empty() {
            "no tasks".to_string()
        } else {
            parts.join(", ")
        };
        if self.restored > 0 {
            text.push_str(&format!(" ({} restored)", self.restored));
        }
        text
    }
}
