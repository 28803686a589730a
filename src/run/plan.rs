//! What a run would do: the stages it selects and the order of their tasks.

use super::days;
use crate::ir::{Builtin, HandlerKind, Pipeline, Policy, Program, StageId, TaskId, Work};
use chrono::NaiveDate;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt::Write;

/// `a..b` (inclusive), `a, b`, `a` or `all`.
pub fn select_stages(pipeline: &Pipeline, spec: &str) -> Result<Vec<StageId>, String> {
    let find = |name: &str| {
        let name = name.trim();
        pipeline
            .stages
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| {
                let known: Vec<&str> = pipeline.stages.iter().map(|s| s.name.as_str()).collect();
                format!(
                    "pipeline `{}` has no stage `{name}` (stages: {})",
                    pipeline.name,
                    known.join(", ")
                )
            })
    };
    let spec = spec.trim();
    if spec == "all" {
        return Ok((0..pipeline.stages.len())
            .map(|i| StageId(i as u32))
            .collect());
    }
    let mut indices = Vec::new();
    if let Some((from, to)) = spec.split_once("..") {
        let (a, b) = (find(from)?, find(to)?);
        if a > b {
            return Err(format!(
                "stage `{}` comes after `{}`",
                from.trim(),
                to.trim()
            ));
        }
        indices.extend(a..=b);
    } else {
        for name in spec.split(',') {
            indices.push(find(name)?);
        }
    }
    indices.sort_unstable();
    indices.dedup();
    Ok(indices.into_iter().map(|i| StageId(i as u32)).collect())
}

/// The stages a trigger runs.
pub fn trigger_stages(pipeline: &Pipeline, trigger: &str) -> Result<Vec<StageId>, String> {
    match pipeline.triggers.iter().find(|t| t.name == trigger) {
        Some(t) => Ok(t.stages.clone()),
        None => {
            let known: Vec<&str> = pipeline.triggers.iter().map(|t| t.name.as_str()).collect();
            Err(format!(
                "pipeline `{}` has no trigger `{trigger}`{}",
                pipeline.name,
                if known.is_empty() {
                    String::new()
                } else {
                    format!(" (triggers: {})", known.join(", "))
                }
            ))
        }
    }
}

/// The longest chain of dependencies among a stage's tasks, each weighing
/// `cost`: how long the stage takes when every ready task has a slot.
pub(crate) fn longest_chain(
    pipeline: &Pipeline,
    stage: StageId,
    mut cost: impl FnMut(TaskId) -> i64,
) -> i64 {
    let mut ends: std::collections::HashMap<TaskId, i64> = std::collections::HashMap::new();
    let mut longest = 0;
    for t in task_order(pipeline, stage) {
        let before = pipeline
            .dependencies(t)
            .filter_map(|d| ends.get(&d))
            .max()
            .copied()
            .unwrap_or(0);
        let end = before.saturating_add(cost(t));
        longest = longest.max(end);
        ends.insert(t, end);
    }
    longest
}

/// The stage's tasks in the order a run with one slot would start them:
/// dependencies first, then higher priority, then name.
pub(crate) fn task_order(pipeline: &Pipeline, stage: StageId) -> Vec<TaskId> {
    let tasks = &pipeline.stage(stage).tasks;
    let mut waiting: std::collections::HashMap<TaskId, usize> = tasks
        .iter()
        .map(|&t| {
            (
                t,
                pipeline
                    .dependencies(t)
                    .filter(|d| pipeline.task(*d).stage == stage)
                    .count(),
            )
        })
        .collect();
    let mut ready: BinaryHeap<(u8, Reverse<&str>, TaskId)> = BinaryHeap::new();
    for (&t, &n) in &waiting {
        if n == 0 {
            ready.push((
                pipeline.task(t).priority,
                Reverse(pipeline.task(t).name.as_str()),
                t,
            ));
        }
    }
    let mut order = Vec::with_capacity(tasks.len());
    while let Some((_, _, t)) = ready.pop() {
        order.push(t);
        for d in pipeline.dependents(t) {
            if let Some(n) = waiting.get_mut(&d) {
                *n -= 1;
                if *n == 0 {
                    ready.push((
                        pipeline.task(d).priority,
                        Reverse(pipeline.task(d).name.as_str()),
                        d,
                    ));
                }
            }
        }
    }
    order
}

/// The dry-run plan, as text.
pub fn render(
    program: &Program,
    pipeline: &Pipeline,
    stages: &[StageId],
    as_of: NaiveDate,
) -> String {
    let mut out = String::new();
    let count: usize = stages.iter().map(|s| pipeline.stage(*s).tasks.len()).sum();
    let _ = writeln!(
        out,
        "plan: pipeline `{}` as of {as_of} ({}), {count} task{} in {} stage{}, concurrency {}",
        pipeline.name,
        as_of.format("%A"),
        if count == 1 { "" } else { "s" },
        stages.len(),
        if stages.len() == 1 { "" } else { "s" },
        pipeline.concurrency
    );
    for (n, &sid) in stages.iter().enumerate() {
        let stage = pipeline.stage(sid);
        let _ = writeln!(
            out,
            "\nstage {}/{} `{}`{}{}",
            n + 1,
            stages.len(),
            stage.name,
            stage
                .title
                .as_ref()
                .map(|t| format!(" \"{t}\""))
                .unwrap_or_default(),
            if stage.best_effort {
                " (best effort)"
            } else {
                ""
            }
        );
        for (i, t) in task_order(pipeline, sid).into_iter().enumerate() {
            let task = pipeline.task(t);
            let mut deps: Vec<&str> = pipeline
                .dependencies(t)
                .map(|d| pipeline.task(d).name.as_str())
                .collect();
            deps.sort_unstable();
            let _ = writeln!(
                out,
                "  {}. {}  [{}]  timeout {}  on_failure {}  priority {}{}",
                i + 1,
                task.name,
                work_text(program, task.work),
                super::gate::duration_text(i64::try_from(task.timeout_millis).unwrap_or(i64::MAX)),
                policy_text(&task.policy),
                task.priority,
                if deps.is_empty() {
                    String::new()
                } else {
                    format!("  after {}", deps.join(", "))
                }
            );
            if let Err(reason) = days::check_when(program, pipeline, &task.when, as_of) {
                let _ = writeln!(out, "     skipped: {reason}");
            }
        }
        for gate in &stage.gates {
            let _ = writeln!(
                out,
                "  gate `{}`: {}",
                gate.name,
                super::gate::render(pipeline, &gate.expr)
            );
        }
    }
    out
}

fn work_text(program: &Program, work: Work) -> String {
    match work {
        Work::Pipeline(p) => format!("pipeline {}", program.pipeline(p).name),
        Work::Handler(h) => {
            let handler = program.handler(h);
            match &handler.kind {
                HandlerKind::Exec { program, args } => {
                    let mut words = vec![program.clone()];
                    words.extend(args.iter().cloned());
                    format!("exec {}", words.join(" "))
                }
                HandlerKind::Shell { command } => format!("shell {command:?}"),
                HandlerKind::Builtin(b) => match b {
                    Builtin::Noop => "builtin noop".into(),
                    Builtin::Sleep { millis } => {
                        format!(
                            "builtin sleep {}",
                            super::gate::duration_text(i64::try_from(*millis).unwrap_or(i64::MAX))
                        )
                    }
                    Builtin::Fail { message } => format!("builtin fail {message:?}"),
                    Builtin::Emit { value } => format!("builtin emit {value}"),
                    Builtin::Flaky { failures } => format!("builtin flaky {failures}"),
                },
            }
        }
    }
}

pub(crate) fn policy_text(policy: &Policy) -> String {
    match policy {
        Policy::Default { value } => format!("default {value}"),
        Policy::Retry {
            retries,
            backoff,
            then,
        } => {
            let backoff = match &**backoff {
                crate::ir::Backoff::Fixed { millis } => millis
                    .iter()
                    .map(|m| super::gate::duration_text(i64::try_from(*m).unwrap_or(i64::MAX)))
                    .collect::<Vec<_>>()
                    .join(", "),
                crate::ir::Backoff::Exponential {
                    base_millis,
                    max_millis,
                    jitter,
                } => format!(
                    "exponential {} max {}{}",
                    super::gate::duration_text(i64::try_from(*base_millis).unwrap_or(i64::MAX)),
                    super::gate::duration_text(i64::try_from(*max_millis).unwrap_or(i64::MAX)),
                    if *jitter { " jitter" } else { "" }
                ),
            };
            format!(
                "retry {retries} backoff {backoff} then {}",
                policy_text(then)
            )
        }
        Policy::Abort | Policy::Fail | Policy::Warn | Policy::Skip => policy.name().to_string(),
    }
}
