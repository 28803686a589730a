//! The hook durable runs use to skip work already done for the same run key:
//! the interpreter asks it before starting a task and tells it every output a
//! task completes with. `pipec::store` implements it on the state database.

use serde_json::{Map, Value};

pub trait Memo: Send + Sync {
    /// The output `pipeline/task` completed with earlier in this run, if it did:
    /// the task is then not run again and its output is restored into the
    /// context, so its dependents see exactly what they would have seen.
    fn restore(&self, pipeline: &str, task: &str) -> Option<Map<String, Value>>;

    /// Called with a task's output just before its `task_completed` event, so a
    /// store can write both in one transaction.
    fn output(&self, pipeline: &str, task: &str, output: &Map<String, Value>);
}
