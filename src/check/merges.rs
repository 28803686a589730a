//! Parallel branches that write the same key. Two tasks of one stage that
//! neither depends on, directly or not, may run at once; if both write a key
//! that is not a list, the merge at their join has no answer unless the
//! pipeline names a strategy or a merge step joins them.

use super::types::task_output;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{MergeStrategy, Pipeline, Program, TaskId, Type};
use std::collections::{BTreeMap, HashSet};

pub(crate) fn check(pipeline: &Pipeline, program: &Program, diagnostics: &mut Diagnostics) {
    if pipeline.merge != MergeStrategy::Error {
        return;
    }
    let Ok(order) = petgraph::algo::toposort(&pipeline.dag, None) else {
        return; // cycles are reported on their own
    };
    let mut position = vec![0usize; pipeline.dag.node_count()];
    for (i, task) in order.iter().enumerate() {
        position[task.index()] = i;
    }
    for stage in &pipeline.stages {
        let mut writers: BTreeMap<String, Vec<(TaskId, Type)>> = BTreeMap::new();
        for &task in &stage.tasks {
            for (key, ty) in task_output(program, pipeline, task) {
                writers.entry(key).or_default().push((task, ty));
            }
        }
        for (key, mut tasks) in writers {
            if tasks.len() < 2 || tasks.iter().all(|(_, ty)| matches!(ty, Type::List(_))) {
                continue;
            }
            tasks.sort_by_key(|(t, _)| position[t.index()]);
            for pair in tasks.windows(2) {
                let (a, b) = (pair[0].0, pair[1].0);
                if reaches(pipeline, a, b) || joined(pipeline, a, b) {
                    continue;
                }
                let (first, second) = if pipeline.task(a).span <= pipeline.task(b).span {
                    (a, b)
                } else {
                    (b, a)
                };
                diagnostics.push(
                    Diagnostic::new(
                        Code::ParallelWriteConflict,
                        format!(
                            "tasks `{}` and `{}` may run in parallel and both write `{key}`",
                            pipeline.task(first).name,
                            pipeline.task(second).name
                        ),
                    )
                    .label(pipeline.task(second).span, format!("writes `{key}`"))
                    .label(pipeline.task(first).span, format!("also writes `{key}`"))
                    .help(format!(
                        "order them with `after`, give `merge last_wins` to the pipeline, or join them in a merge step: `task combine {{ joins {}, {} }}`",
                        pipeline.task(first).name,
                        pipeline.task(second).name
                    )),
                );
                break;
            }
        }
    }
}

/// Whether `to` depends on `from`, directly or not.
fn reaches(pipeline: &Pipeline, from: TaskId, to: TaskId) -> bool {
    let mut stack = vec![from];
    let mut seen = HashSet::new();
    while let Some(task) = stack.pop() {
        if task == to {
            return true;
        }
        if seen.insert(task) {
            stack.extend(pipeline.dependents(task));
        }
    }
    false
}

/// Whether a merge step receives both tasks' outputs apart.
fn joined(pipeline: &Pipeline, a: TaskId, b: TaskId) -> bool {
    pipeline
        .dependents(a)
        .any(|j| pipeline.task(j).joins && pipeline.dependencies(j).any(|d| d == b))
}
