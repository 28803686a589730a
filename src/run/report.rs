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
