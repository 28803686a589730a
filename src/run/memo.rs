//! The hook durable runs use to skip work already done for the same run key:
//! the interpreter asks it before starting a task and tells it every output a
//! task completes with. `pipec::store` implements it on the state database.

use super::status::TaskStatus;
use serde_json::{Map, Value};

/// How a task ended earlier for the same run key: its result, which a resume
/// keeps instead of running the task again.
#[derive(Debug, Clone, PartialEq)]
pub struct Restored {
    /// COMPLETED, WARNED, DEFAULTED, or SKIPPED by the task's own policy.
    pub status: TaskStatus,
    /// What it added to the context (a completed task's output; empty otherwise:
    /// a defaulted task's value comes from its policy).
    pub output: Map<String, Value>,
    /// Its error or reason, for a warned, defaulted or skipped task.
    pub message: Option<String>,
}

impl Restored {
    pub(crate) fn completed(output: Map<String, Value>) -> Restored {
        Restored {
            status: TaskStatus::Completed,
            output,
            message: None,
        }
    }
}

pub trait Memo: Send + Sync {
    /// How `pipeline/task` ended earlier for this run key, if its result is to
    /// be kept: the task is then not run again and its result is restored
    /// into the context, so its dependents see exactly what they would have seen.
    fn restore(&self, pipeline: &str, task: &str) -> Option<Restored>;

    /// Called with a task's output just before its `task_completed` event, so a
    /// store can write both in one transaction.
    fn output(&self, pipeline: &str, task: &str, output: &Map<String, Value>);
}
