//! Paused pipelines: their firings are recorded `paused` and start nothing
//! until resumed. The pause lives in this daemon process (the operations
//! service sets it); a restarted daemon fires every trigger again.

use std::collections::BTreeSet;
use std::sync::Mutex;

static PAUSED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// Pauses a pipeline's triggers; `false` if they already were.
pub fn pause(pipeline: &str) -> bool {
    crate::sync::lock(&PAUSED, "the paused pipelines").insert(pipeline.to_string())
}

/// Resumes a pipeline's triggers; `false` if they were not paused.
pub fn resume(pipeline: &str) -> bool {
    crate::sync::lock(&PAUSED, "the paused pipelines").remove(pipeline)
}

pub(crate) fn is_paused(pipeline: &str) -> bool {
    crate::sync::lock(&PAUSED, "the paused pipelines").contains(pipeline)
}
