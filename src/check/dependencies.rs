//! Edges of the task graph from `after`, `joins` and `flow`, and the checks
//! that keep it a DAG that respects stage order.

use super::suggest::did_you_mean;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{Dependency, Pipeline, TaskId};
use crate::span::Span;
use crate::syntax::ast::{self, StageSetting, TaskSetting};
use petgraph::visit::EdgeRef;
use std::collections::HashMap;

/// Task names to ids: looking names up by scanning the graph would make
/// checking quadratic in the number of tasks.
pub(crate) type TaskIndex = HashMap<String, TaskId>;

pub(crate) fn task_index(pipeline: &Pipeline) -> TaskIndex {
    pipeline
        .dag
        .node_indices()
        .map(|id| (pipeline.dag[id].name.clone(), id))
        .collect()
}

pub(crate) fn lower(
    pipeline: &mut Pipeline,
    stages: &[&ast::Stage],
    index: &TaskIndex,
    diagnostics: &mut Diagnostics,
) {
    for stage in stages {
        for setting in &stage.settings {
            match &setting.node {
                StageSetting::Task(task) => {
                    let Some(&id) = index.get(&task.name.text) else {
                        continue;
                    };
                    if pipeline.dag[id].span != task.name.span {
                        continue; // a duplicate task, already reported
                    }
                    for s in task.settings.iter().flatten() {
                        if let TaskSetting::After(names) | TaskSetting::Joins(names) = &s.node {
                            for name in names {
                                if let Some(dep) = resolve_task(name, pipeline, index, diagnostics)
                                {
                                    add_edge(pipeline, dep, id, name.span, diagnostics);
                                }
                            }
                        }
                    }
                }
                StageSetting::Flow(steps) => {
                    let resolved: Vec<Vec<(TaskId, Span)>> = steps
                        .iter()
                        .map(|step| {
                            step.node
                                .iter()
                                .filter_map(|n| {
                                    resolve_task(n, pipeline, index, diagnostics)
                                        .map(|t| (t, n.span))
                                })
                                .collect()
                        })
                        .collect();
                    for pair in resolved.windows(2) {
                        for &(from, _) in &pair[0] {
                            for &(to, span) in &pair[1] {
                                add_edge(pipeline, from, to, span, diagnostics);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    report_cycles(pipeline, diagnostics);
}

pub(crate) fn resolve_task(
    name: &ast::Name,
    pipeline: &Pipeline,
    index: &TaskIndex,
    diagnostics: &mut Diagnostics,
) -> Option<TaskId> {
    let found = index.get(&name.text).copied();
    if found.is_none() {
        let mut d = Diagnostic::new(
            Code::UnknownTask,
            format!("pipeline `{}` has no task `{}`", pipeline.name, name.text),
        )
        .label(name.span, "unknown task");
        if let Some(help) = did_you_mean(
            &name.text,
            pipeline.dag.node_weights().map(|t| t.name.as_str()),
        ) {
            d = d.help(help);
        }
        diagnostics.push(d);
    }
    found
}

fn add_edge(
    pipeline: &mut Pipeline,
    from: TaskId,
    to: TaskId,
    span: Span,
    diagnostics: &mut Diagnostics,
) {
    let (from_stage, to_stage) = (pipeline.dag[from].stage, pipeline.dag[to].stage);
    if from_stage > to_stage {
        let later = &pipeline.stages[from_stage.0 as usize].name;
        diagnostics.push(
            Diagnostic::new(
                Code::DependsOnLaterStage,
                format!(
                    "task `{}` depends on `{}`, which is in the later stage `{later}`",
                    pipeline.dag[to].name, pipeline.dag[from].name
                ),
            )
            .label(span, "this dependency runs backwards")
            .label(
                pipeline.dag[from].span,
                format!("declared in stage `{later}`"),
            )
            .help("stages run in order: move one of the tasks, or reorder the stages"),
        );
        return;
    }
    if !pipeline.dag.contains_edge(from, to) {
        pipeline.dag.add_edge(from, to, Dependency { span });
    }
}

/// Every cycle is reported with its path, once per strongly connected component.
fn report_cycles(pipeline: &Pipeline, diagnostics: &mut Diagnostics) {
    let dag = &pipeline.dag;
    for component in petgraph::algo::tarjan_scc(dag) {
        let Some(&start) = component.iter().min() else {
            continue;
        };
        if component.len() == 1 && !dag.contains_edge(start, start) {
            continue;
        }
        let path = cycle_path(pipeline, start, &component);
        let names: Vec<&str> = path.iter().map(|&t| dag[t].name.as_str()).collect();
        let mut d = Diagnostic::new(
            Code::DependencyCycle,
            format!("dependency cycle: {} -> {}", names.join(" -> "), names[0]),
        );
        for (i, &task) in path.iter().enumerate() {
            let next = path[(i + 1) % path.len()];
            if let Some(edge) = dag.find_edge(task, next) {
                d = d.label(
                    dag[edge].span,
                    format!("`{}` waits for `{}`", dag[next].name, dag[task].name),
                );
            }
        }
        diagnostics
            .push(d.help("remove one of these dependencies so the tasks can run in some order"));
    }
}

/// A cycle through `start` within its component, following edges.
fn cycle_path(pipeline: &Pipeline, start: TaskId, component: &[TaskId]) -> Vec<TaskId> {
    let dag = &pipeline.dag;
    // Breadth-first from start's successors back to start gives a shortest cycle.
    let mut previous = std::collections::HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        let mut successors: Vec<TaskId> = dag.edges(node).map(|e| e.target()).collect();
        successors.sort_unstable();
        for next in successors {
            if !component.contains(&next) || previous.contains_key(&next) {
                continue;
            }
            previous.insert(next, node);
            if next == start {
                let mut path = vec![node];
                let mut at = node;
                while at != start {
                    at = previous[&at];
                    path.push(at);
                }
                path.reverse();
                return path;
            }
            queue.push_back(next);
        }
    }
    vec![start]
}
