//! Stage gates and task `reads`, checked against what earlier tasks write.

use super::declare::duplicate;
use super::{expr, types};
use crate::diagnostic::Diagnostics;
use crate::ir::{Gate, Program, StageId, Type};
use crate::syntax::ast::{self, PipelineSetting, StageSetting};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Gates and `reads`, which need every task's output type: the context a gate
/// sees is everything its stage and the stages before it write.
/// `settings` are the pipeline's (its stages' gates among them; tasks are not
/// read), `poisoned` what `unresolved_dependencies` found.
pub(super) fn lower(
    settings: &[ast::Spanned<PipelineSetting>],
    poisoned: &HashSet<String>,
    index: usize,
    program: &Program,
    diagnostics: &mut Diagnostics,
) -> Vec<(usize, Gate)> {
    let pipeline = &program.pipelines[index];
    let mut context: BTreeMap<String, Type> = BTreeMap::new();
    let mut gates: Vec<(usize, Gate)> = Vec::new();
    let mut gate_index: HashMap<(usize, &str), usize> = HashMap::new();
    let stage_index: HashMap<&str, usize> = pipeline
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    let stage_decls = settings.iter().filter_map(|s| match &s.node {
        PipelineSetting::Stage(stage) => Some(stage),
        _ => None,
    });
    let poisoned: HashSet<&str> = poisoned.iter().map(String::as_str).collect();
    for stage_decl in stage_decls {
        let Some(&stage_index) = stage_index.get(stage_decl.name.text.as_str()) else {
            continue;
        };
        let stage = &pipeline.stages[stage_index];
        if stage.span != stage_decl.name.span {
            continue; // a duplicate stage, already reported
        }
        expr::check_reads(pipeline, program, stage, &context, &poisoned, diagnostics);
        for &task in &stage.tasks {
            for (key, ty) in types::task_output(program, pipeline, task) {
                context.entry(key).or_insert(ty);
            }
        }
        for setting in &stage_decl.settings {
            if let StageSetting::Gate(gate) = &setting.node {
                if let Some(&first) = gate_index.get(&(stage_index, gate.name.text.as_str())) {
                    diagnostics.push(duplicate("gate", &gate.name, gates[first].1.span));
                    continue;
                }
                gate_index.insert((stage_index, gate.name.text.as_str()), gates.len());
                let checked = expr::lower_gate(
                    &gate.expr,
                    pipeline,
                    StageId(stage_index as u32),
                    &context,
                    diagnostics,
                );
                gates.push((
                    stage_index,
                    Gate {
                        name: gate.name.text.clone(),
                        description: gate.description.as_ref().map(|d| d.node.clone()),
                        expr: checked,
                        text: crate::format::expr::expr(&gate.expr),
                        span: gate.name.span,
                    },
                ));
            }
        }
    }
    gates
}

/// Tasks with a dependency that did not resolve (an `after`, `joins` or
/// `flow` name already reported): what they read is unknown, so their reads
/// are not judged (one mistake, one diagnostic).
pub(super) fn unresolved_dependencies(
    decl: &ast::Pipeline,
    pipeline: &crate::ir::Pipeline,
) -> HashSet<String> {
    let known: HashSet<&str> = pipeline
        .dag
        .node_weights()
        .map(|t| t.name.as_str())
        .collect();
    let mut poisoned = HashSet::new();
    let stages = decl.settings.iter().filter_map(|s| match &s.node {
        PipelineSetting::Stage(stage) => Some(stage),
        _ => None,
    });
    for setting in stages.flat_map(|stage| &stage.settings) {
        match &setting.node {
            StageSetting::Task(task) => {
                let unresolved = task.settings.iter().flatten().any(|s| match &s.node {
                    ast::TaskSetting::After(names) | ast::TaskSetting::Joins(names) => {
                        names.iter().any(|n| !known.contains(n.text.as_str()))
                    }
                    _ => false,
                });
                if unresolved {
                    poisoned.insert(task.name.text.clone());
                }
            }
            StageSetting::Flow(steps) => {
                let names = steps.iter().flat_map(|step| &step.node);
                if names.clone().any(|n| !known.contains(n.text.as_str())) {
                    poisoned.extend(names.map(|n| n.text.clone()));
                }
            }
            _ => {}
        }
    }
    poisoned
}
