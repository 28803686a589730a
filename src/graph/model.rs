//! The drawing before it is written: which boxes exist, in which order, with which
//! identifiers and words, and how they are linked. Built once from the IR; the
//! Mermaid and DOT writers only translate it, so ordering, identifiers and labels
//! are decided in one place and both formats show the same graph.

use super::escape::ident;
use super::label;
use crate::ir::{Pipeline, PipelineId, Program, Stage, TaskId, Work};
use std::collections::HashMap;

/// The pipelines to draw, in program order.
#[derive(Debug)]
pub(crate) struct Drawing {
    pub pipelines: Vec<PipelineBox>,
    pub links: Vec<Link>,
}

/// A pipeline: a cluster holding its stages, the gates between them and a legend.
#[derive(Debug)]
pub(crate) struct PipelineBox {
    pub id: String,
    pub title: String,
    pub stages: Vec<StageBox>,
    pub gates: Vec<Node>,
    /// Trigger legend lines; `None` without triggers.
    pub legend: Option<Node>,
    /// Stands in for the stages of a pipeline that has none, so links can reach it.
    pub placeholder: Option<Node>,
    /// The node a link into the pipeline lands on.
    pub entry: String,
}

#[derive(Debug)]
pub(crate) struct StageBox {
    pub id: String,
    pub title: String,
    pub best_effort: bool,
    /// Ordered by depth in the stage, then declaration order: tasks at one depth
    /// have no path between them, so they are the parallel branches.
    pub tasks: Vec<Node>,
    /// Stands in for the tasks of an empty stage.
    pub placeholder: Option<Node>,
    /// The first node of the stage (a link into the stage lands here in DOT).
    pub entry: String,
    /// The last node of the stage (a link out of the stage leaves from here in DOT).
    pub exit: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind {
    Task,
    /// A merge step: receives its branches' outputs apart.
    Merge,
    /// A task that runs another pipeline.
    SubPipeline,
    Gate,
    Legend,
    Placeholder,
}

#[derive(Debug)]
pub(crate) struct Node {
    pub id: String,
    pub kind: NodeKind,
    pub lines: Vec<String>,
    /// Depth among the tasks of its stage (0 for anything but a task).
    pub depth: usize,
}

/// One end of a link: a node, or a cluster reached through one of its nodes.
/// Mermaid links the cluster itself; DOT links the node and clips at the cluster.
#[derive(Debug, Clone)]
pub(crate) struct End {
    pub node: String,
    pub cluster: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkKind {
    /// A dependency between tasks of one stage.
    Dependency,
    /// A dependency on a task of an earlier stage: documents data, the stage order
    /// already enforces it.
    Data,
    /// Stage order, through the gates between stages.
    Stage,
    /// A task to the sub-pipeline it runs.
    Runs,
}

#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub from: End,
    pub to: End,
    pub kind: LinkKind,
}

impl End {
    fn node(id: &str) -> End {
        End {
            node: id.to_string(),
            cluster: None,
        }
    }

    fn cluster(cluster: &str, node: &str) -> End {
        End {
            node: node.to_string(),
            cluster: Some(cluster.to_string()),
        }
    }
}

/// Builds the drawing of `selected` (program order is kept whatever order they come in).
pub(crate) fn build(program: &Program, selected: &[PipelineId]) -> Drawing {
    let mut ids: Vec<PipelineId> = selected.to_vec();
    ids.sort();
    ids.dedup();
    let mut drawing = Drawing {
        pipelines: Vec::new(),
        links: Vec::new(),
    };
    let mut task_ids: HashMap<(PipelineId, TaskId), String> = HashMap::new();
    let mut drawn: Vec<(PipelineId, &Pipeline, Vec<TaskId>)> = Vec::new();
    for &pid in &ids {
        let Some(pipeline) = program.pipelines.get(pid.0 as usize) else {
            continue;
        };
        let (boxed, links, order) = pipeline_box(program, pid, pipeline, &mut task_ids);
        drawing.pipelines.push(boxed);
        drawing.links.extend(links);
        drawn.push((pid, pipeline, order));
    }
    // Sub-pipeline links come last, once every drawn pipeline has its entry.
    let entries: HashMap<PipelineId, (&str, &str)> = drawn
        .iter()
        .zip(&drawing.pipelines)
        .map(|((pid, _, _), b)| (*pid, (b.id.as_str(), b.entry.as_str())))
        .collect();
    let mut runs = Vec::new();
    for (pid, pipeline, order) in &drawn {
        let pid = *pid;
        for &task_id in order {
            let Some(Work::Pipeline(target)) = pipeline.dag.node_weight(task_id).map(|t| t.work)
            else {
                continue;
            };
            if let (Some(from), Some((cluster, entry))) =
                (task_ids.get(&(pid, task_id)), entries.get(&target))
            {
                runs.push(Link {
                    from: End::node(from),
                    to: End::cluster(cluster, entry),
                    kind: LinkKind::Runs,
                });
            }
        }
    }
    drawing.links.extend(runs);
    drawing
}

fn pipeline_box(
    program: &Program,
    pid: PipelineId,
    pipeline: &Pipeline,
    task_ids: &mut HashMap<(PipelineId, TaskId), String>,
) -> (PipelineBox, Vec<Link>, Vec<TaskId>) {
    let prefix = format!("p{}", pid.0);
    let depths = depths(pipeline);
    let mut stages = Vec::new();
    // Every task in drawing order, for the links.
    let mut order = Vec::new();
    for (si, stage) in pipeline.stages.iter().enumerate() {
        let stage_id = ident(&[&prefix, &format!("s{si}"), &stage.name]);
        let stage_tasks = stage_order(stage, &depths);
        order.extend(stage_tasks.iter().map(|&(_, t)| t));
        let tasks: Vec<Node> = stage_tasks
            .into_iter()
            .filter_map(|(depth, t)| {
                let task = pipeline.dag.node_weight(t)?;
                let id = ident(&[&prefix, &format!("t{}", t.index()), &task.name]);
                task_ids.insert((pid, t), id.clone());
                let kind = match task.work {
                    Work::Pipeline(_) => NodeKind::SubPipeline,
                    Work::Handler(_) if task.joins => NodeKind::Merge,
                    Work::Handler(_) => NodeKind::Task,
                };
                Some(Node {
                    id,
                    kind,
                    lines: label::task(program, task),
                    depth,
                })
            })
            .collect();
        let placeholder = tasks.is_empty().then(|| Node {
            id: format!("{stage_id}_empty"),
            kind: NodeKind::Placeholder,
            lines: vec!["(no tasks)".to_string()],
            depth: 0,
        });
        let first = tasks
            .first()
            .or(placeholder.as_ref())
            .map(|n| n.id.clone())
            .unwrap_or_default();
        let last = tasks
            .last()
            .or(placeholder.as_ref())
            .map(|n| n.id.clone())
            .unwrap_or_default();
        stages.push(StageBox {
            id: stage_id,
            title: label::stage(stage),
            best_effort: stage.best_effort,
            tasks,
            placeholder,
            entry: first,
            exit: last,
        });
    }

    let mut links = task_links(pipeline, &order, task_ids, pid);
    // The spine: each stage, then its gates in the order they are checked, then
    // the next stage; a stage without gates links straight to the next.
    let mut gates = Vec::new();
    for (si, stage) in pipeline.stages.iter().enumerate() {
        let Some(current) = stages.get(si) else {
            continue;
        };
        let mut from = End::cluster(&current.id, &current.exit);
        for (gi, gate) in stage.gates.iter().enumerate() {
            let id = ident(&[&prefix, &format!("g{si}_{gi}"), &gate.name]);
            links.push(Link {
                from,
                to: End::node(&id),
                kind: LinkKind::Stage,
            });
            from = End::node(&id);
            gates.push(Node {
                id,
                kind: NodeKind::Gate,
                lines: label::gate(gate),
                depth: 0,
            });
        }
        if let Some(next) = stages.get(si + 1) {
            links.push(Link {
                from,
                to: End::cluster(&next.id, &next.entry),
                kind: LinkKind::Stage,
            });
        }
    }

    // `p{i}_pipeline_…` cannot collide with the stage (`p{i}_s{j}_…`), task
    // (`p{i}_t{j}_…`) or gate (`p{i}_g{j}_{k}_…`) ids of the same pipeline, whatever
    // the names: a name never starts with a digit.
    let id = ident(&[&prefix, "pipeline", &pipeline.name]);
    let legend_lines = label::triggers(program, pipeline);
    let legend = (!legend_lines.is_empty()).then(|| Node {
        id: format!("{id}_triggers"),
        kind: NodeKind::Legend,
        lines: legend_lines,
        depth: 0,
    });
    let placeholder = stages.is_empty().then(|| Node {
        id: format!("{id}_empty"),
        kind: NodeKind::Placeholder,
        lines: vec!["(no stages)".to_string()],
        depth: 0,
    });
    let entry = stages
        .first()
        .map(|s| s.entry.clone())
        .or_else(|| placeholder.as_ref().map(|n| n.id.clone()))
        .unwrap_or_default();
    let boxed = PipelineBox {
        id,
        title: label::pipeline(pipeline),
        stages,
        gates,
        legend,
        placeholder,
        entry,
    };
    (boxed, links, order)
}

/// A stage's tasks with their depths, by depth then declaration order.
fn stage_order(stage: &Stage, depths: &HashMap<TaskId, usize>) -> Vec<(usize, TaskId)> {
    let mut order: Vec<(usize, usize, TaskId)> = stage
        .tasks
        .iter()
        .enumerate()
        .map(|(i, &t)| (depths.get(&t).copied().unwrap_or(0), i, t))
        .collect();
    order.sort();
    order.into_iter().map(|(depth, _, t)| (depth, t)).collect()
}

/// Dependencies as links, in drawing order of their targets then their sources.
fn task_links(
    pipeline: &Pipeline,
    order: &[TaskId],
    task_ids: &HashMap<(PipelineId, TaskId), String>,
    pid: PipelineId,
) -> Vec<Link> {
    let position: HashMap<TaskId, usize> = order.iter().enumerate().map(|(i, &t)| (t, i)).collect();
    let mut links = Vec::new();
    for &to in order {
        let mut from: Vec<TaskId> = pipeline.dependencies(to).collect();
        from.sort_by_key(|t| position.get(t).copied().unwrap_or(usize::MAX));
        from.dedup();
        for from in from {
            let (Some(a), Some(b)) = (task_ids.get(&(pid, from)), task_ids.get(&(pid, to))) else {
                continue;
            };
            let same_stage = pipeline.dag.node_weight(from).map(|t| t.stage)
                == pipeline.dag.node_weight(to).map(|t| t.stage);
            links.push(Link {
                from: End::node(a),
                to: End::node(b),
                kind: if same_stage {
                    LinkKind::Dependency
                } else {
                    LinkKind::Data
                },
            });
        }
    }
    links
}

/// Each task's depth among the tasks of its own stage: the longest chain of
/// same-stage dependencies leading to it. Relaxed at most once per task, so a
/// cycle (which the checker rejects anyway) cannot loop forever.
fn depths(pipeline: &Pipeline) -> HashMap<TaskId, usize> {
    let mut depth: HashMap<TaskId, usize> = pipeline.dag.node_indices().map(|t| (t, 0)).collect();
    let edges: Vec<(TaskId, TaskId)> = pipeline
        .dag
        .edge_indices()
        .filter_map(|e| pipeline.dag.edge_endpoints(e))
        .filter(|&(a, b)| {
            pipeline.dag.node_weight(a).map(|t| t.stage)
                == pipeline.dag.node_weight(b).map(|t| t.stage)
        })
        .collect();
    for _ in 0..pipeline.dag.node_count() {
        let mut changed = false;
        for &(a, b) in &edges {
            let next = depth.get(&a).copied().unwrap_or(0) + 1;
            let slot = depth.entry(b).or_insert(0);
            if next > *slot && next <= pipeline.dag.node_count() {
                *slot = next;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    depth
}
