//! The run context as it flows through a stage's graph.
//!
//! A task's view of the context is the stage's starting context plus what its
//! upstream tasks (in the stage) wrote. For every key we keep the *latest*
//! writers along the paths that reach the task: a writer that is an ancestor of
//! another writer of the same key was superseded (sequential writes replace);
//! writers that remain are parallel branches and are merged: lists append in
//! declaration order, anything else collides unless the pipeline chose a
//! strategy or the reader is a merge step.

use crate::ir::{MergeStrategy, Pipeline, TaskId};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::collections::HashSet;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Write {
    pub task: TaskId,
    /// Declaration order in the stage: the branch-merge order.
    pub order: u32,
    /// `None`: a merge step dropped the key (its branches collided on it and
    /// it did not write a merged value).
    pub value: Option<Arc<Value>>,
}

pub type Writes = BTreeMap<String, Vec<Write>>;

/// The writes visible downstream of a task, shared cheaply along chains.
#[derive(Debug, Clone, Default)]
pub struct Delta(pub Arc<Writes>);

/// The union of the dependencies' deltas, superseded writers removed.
pub fn join(pipeline: &Pipeline, deps: &[&Delta]) -> Delta {
    match deps {
        [] => Delta::default(),
        [one] => (*one).clone(),
        _ if deps.iter().all(|d| Arc::ptr_eq(&d.0, &deps[0].0)) => deps[0].clone(),
        _ => {
            let mut all: Writes = BTreeMap::new();
            for d in deps {
                for (key, writes) in d.0.iter() {
                    let entry = all.entry(key.clone()).or_default();
                    for w in writes {
                        if !entry.iter().any(|e| e.task == w.task) {
                            entry.push(w.clone());
                        }
                    }
                }
            }
            for writes in all.values_mut() {
                if writes.len() > 1 {
                    let superseded = superseded(pipeline, writes);
                    writes.retain(|w| !superseded.contains(&w.task));
                    writes.sort_by_key(|w| w.order);
                }
            }
            Delta(Arc::new(all))
        }
    }
}

/// The writers that are ancestors of another writer of the same key: one
/// backwards walk per writer, so a wide join stays linear in the graph.
fn superseded(pipeline: &Pipeline, writes: &[Write]) -> HashSet<TaskId> {
    let writers: HashSet<TaskId> = writes.iter().map(|w| w.task).collect();
    let mut out = HashSet::new();
    for w in writes {
        let mut seen = HashSet::new();
        let mut stack: Vec<TaskId> = pipeline.dependencies(w.task).collect();
        while let Some(t) = stack.pop() {
            if seen.insert(t) {
                if writers.contains(&t) {
                    out.insert(t);
                }
                stack.extend(pipeline.dependencies(t));
            }
        }
    }
    out
}

/// The delta after a task wrote `output` (and, for a merge step, dropped `dropped`).
pub fn with_output(
    base: &Delta,
    task: TaskId,
    order: u32,
    output: &Map<String, Value>,
    dropped: &[String],
) -> Delta {
    if output.is_empty() && dropped.is_empty() {
        return base.clone();
    }
    let mut writes = (*base.0).clone();
    for (key, value) in output {
        writes.insert(
            key.clone(),
            vec![Write {
                task,
                order,
                value: Some(Arc::new(value.clone())),
            }],
        );
    }
    for key in dropped {
        if !output.contains_key(key) {
            writes.insert(
                key.clone(),
                vec![Write {
                    task,
                    order,
                    value: None,
                }],
            );
        }
    }
    Delta(Arc::new(writes))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    pub key: String,
    pub tasks: Vec<String>,
}

impl Collision {
    pub fn message(&self) -> String {
        let names: Vec<String> = self.tasks.iter().map(|t| format!("`{t}`")).collect();
        format!(
            "context collision: parallel branches {} all write `{}` (pipeline `merge error`); order them, choose `merge last_wins`/`first_wins`, or join them in a merge step",
            names.join(" and "),
            self.key
        )
    }
}

/// The merged values of a delta. With `lenient` (a merge step reading its
/// branches) colliding keys are left out and listed instead of failing.
pub fn resolve(
    pipeline: &Pipeline,
    delta: &Delta,
    strategy: MergeStrategy,
    lenient: bool,
) -> Result<(Map<String, Value>, Vec<String>), Collision> {
    let mut merged = Map::new();
    let mut collided = Vec::new();
    for (key, writes) in delta.0.iter() {
        let values: Vec<&Arc<Value>> = writes.iter().filter_map(|w| w.value.as_ref()).collect();
        let value = match values.as_slice() {
            [] => continue,
            [one] => (***one).clone(),
            many if many.iter().all(|v| v.is_array()) => Value::Array(
                many.iter()
                    .flat_map(|v| v.as_array().into_iter().flatten().cloned())
                    .collect(),
            ),
            many => match strategy {
                MergeStrategy::LastWins => (**many[many.len() - 1]).clone(),
                MergeStrategy::FirstWins => (**many[0]).clone(),
                MergeStrategy::Error if lenient => {
                    collided.push(key.clone());
                    continue;
                }
                MergeStrategy::Error => {
                    return Err(Collision {
                        key: key.clone(),
                        tasks: writes
                            .iter()
                            .map(|w| pipeline.task(w.task).name.clone())
                            .collect(),
                    })
                }
            },
        };
        merged.insert(key.clone(), value);
    }
    Ok((merged, collided))
}

/// `base` with `merged` written over it.
pub fn overlay(base: &Map<String, Value>, merged: Map<String, Value>) -> Map<String, Value> {
    let mut out = base.clone();
    for (k, v) in merged {
        out.insert(k, v);
    }
    out
}

/// What a sub-pipeline added: keys new or changed relative to its input.
pub fn added(input: &Map<String, Value>, output: &Map<String, Value>) -> Map<String, Value> {
    output
        .iter()
        .filter(|(k, v)| input.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
