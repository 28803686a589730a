//! `pipec run --stale`: re-run only the producers of stale sources. Every other
//! task of their stages is restored from the output it last succeeded with, so
//! the producers see the context they would normally see, and nothing else runs.
//! (A task that never succeeded has no output to restore: it runs.)

use crate::run::{Memo, Restored};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

pub struct StaleOnly {
    inner: Arc<dyn Memo>,
    pipeline: String,
    rerun: HashSet<String>,
    previous: HashMap<(String, String), Map<String, Value>>,
}

impl StaleOnly {
    /// `previous`: (pipeline, task) → the output it last succeeded with.
    pub fn new(
        inner: Arc<dyn Memo>,
        pipeline: &str,
        rerun: HashSet<String>,
        previous: HashMap<(String, String), Map<String, Value>>,
    ) -> Self {
        Self {
            inner,
            pipeline: pipeline.to_string(),
            rerun,
            previous,
        }
    }
}

impl Memo for StaleOnly {
    fn restore(&self, pipeline: &str, task: &str) -> Option<Restored> {
        if pipeline == self.pipeline && self.rerun.contains(task) {
            return None;
        }
        self.inner.restore(pipeline, task).or_else(|| {
            self.previous
                .get(&(pipeline.to_string(), task.to_string()))
                .cloned()
                .map(Restored::completed)
        })
    }

    fn output(&self, pipeline: &str, task: &str, output: &Map<String, Value>) {
        self.inner.output(pipeline, task, output);
    }
}
