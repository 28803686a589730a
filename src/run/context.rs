//! The run context as it flows through a stage's graph.
//!
//! A task's view of the context is the stage's starting context plus what its
//! upstream tasks (in the stage) wrote. Lists accumulate, like an audit trail:
//! every write of a list key is kept and the lists are appended in declaration
//! order. For any other key we keep the *latest* writers along the paths that
//! reach the task: a writer that is an ancestor of another writer of the same
//! key was superseded (sequential writes replace); writers that remain are
//! parallel branches and collide unless the pipeline chose a strategy or the
//! reader is a merge step.

use crate::ir::{MergeStrategy, Pipeline, TaskId};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::collections::HashSet;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub(crate) struct Write {
    pub task: TaskId,
    /// Declaration order in the stage: the branch-merge order.
    pub order: u32,
    /// `None`: a merge step dropped the key (its branches collided on it and
    /// it did not write a merged value).
    pub value: Option<Arc<Value>>,
}

pub(crate) type Writes = BTreeMap<String, Vec<Write>>;

/// The writes visible downstream of a task, shared cheaply along chains.
#[derive(Debug, Clone, Default)]
pub(crate) struct Delta(pub Arc<Writes>);

/// The union of the dependencies' deltas, superseded writers removed.
pub(crate) fn join(pipeline: &Pipeline, deps: &[&Delta]) -> Delta {
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
                    // Lists accumulate: an earlier write of a list is never superseded.
                    if !all_lists(writes) {
                        let superseded = superseded(pipeline, writes);
                        writes.retain(|w| !superseded.contains(&w.task));
                    }
                    writes.sort_by_key(|w| w.order);
                }
            }
            Delta(Arc::new(all))
        }
    }
}

/// Whether every write of a key is a list: such writes accumulate.
fn all_lists(writes: &[Write]) -> bool {
    writes
        .iter()
        .all(|w| w.value.as_deref().is_some_and(Value::is_array))
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
pub(crate) fn with_output(
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
        let write = Write {
            task,
            order,
            value: Some(Arc::new(value.clone())),
        };
        match writes.get_mut(key) {
            Some(earlier) if value.is_array() && all_lists(earlier) => {
                earlier.push(write);
                earlier.sort_by_key(|w| w.order);
            }
            _ => {
                writes.insert(key.clone(), vec![write]);
            }
        }
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
pub(crate) struct Collision {
    pub key: String,
    pub tasks: Vec<String>,
}

impl Collision {
    pub(crate) fn message(&self) -> String {
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
pub(crate) fn resolve(
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

/// `base` with `merged` written over it; lists are appended to.
pub(crate) fn overlay(base: &Map<String, Value>, merged: Map<String, Value>) -> Map<String, Value> {
    let mut out = base.clone();
    for (k, v) in merged {
        match (out.get_mut(&k), v) {
            (Some(Value::Array(earlier)), Value::Array(more)) => earlier.extend(more),
            (_, v) => {
                out.insert(k, v);
            }
        }
    }
    out
}

/// What a sub-pipeline added: keys new or changed relative to its input, and
/// for a list only the items it appended (they are appended again by its caller).
pub(crate) fn added(input: &Map<String, Value>, output: &Map<String, Value>) -> Map<String, Value> {
    output
        .iter()
        .filter_map(|(k, v)| match (input.get(k), v) {
            (Some(Value::Array(before)), Value::Array(after)) if after.starts_with(before) => {
                let appended = after[before.len()..].to_vec();
                (!appended.is_empty()).then(|| (k.clone(), Value::Array(appended)))
            }
            (Some(old), new) if old == new => None,
            _ => Some((k.clone(), v.clone())),
        })
        .collect()
}
