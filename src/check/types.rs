//! Static types of what tasks put into the context.

use crate::ir::{Pipeline, PipelineId, Program, Shape, TaskId, Type, Work};
use std::collections::BTreeMap;

pub(crate) fn shape_type(shape: &Shape) -> Type {
    match shape {
        Shape::String => Type::String,
        Shape::Int => Type::Int,
        Shape::Float => Type::Float,
        Shape::Bool => Type::Bool,
        Shape::Timestamp => Type::Timestamp,
        Shape::Any => Type::Any,
        Shape::List(item) => Type::List(Box::new(shape_type(item))),
        Shape::Object(fields) => Type::Object(
            fields
                .iter()
                .map(|f| (f.key.clone(), shape_type(&f.shape)))
                .collect(),
        ),
    }
}

/// The keys a task adds to the context, with their types. A sub-pipeline adds
/// what all its tasks add; nesting cycles are cut (they are reported elsewhere).
pub(crate) fn task_output(
    program: &Program,
    pipeline: &Pipeline,
    task: TaskId,
) -> Vec<(String, Type)> {
    let task = pipeline.task(task);
    let output = work_output(program, task.work, &mut Vec::new());
    match &task.fan_out {
        None => output,
        // The instances' outputs, one object each, in a list under `gather`.
        Some(fan_out) => {
            let item = if has_returns(program, task.work) {
                Type::Object(output)
            } else {
                Type::Any
            };
            fan_out
                .gather
                .iter()
                .map(|key| (key.clone(), Type::List(Box::new(item.clone()))))
                .collect()
        }
    }
}

fn has_returns(program: &Program, work: Work) -> bool {
    match work {
        Work::Handler(h) => program
            .handlers
            .get(h.0 as usize)
            .is_some_and(|h| h.returns.is_some()),
        Work::Pipeline(_) => false,
    }
}

fn work_output(
    program: &Program,
    work: Work,
    visiting: &mut Vec<PipelineId>,
) -> Vec<(String, Type)> {
    match work {
        // During checking, a task whose handler did not resolve points nowhere.
        Work::Handler(h) => match program
            .handlers
            .get(h.0 as usize)
            .and_then(|h| h.returns.as_ref())
            .map(shape_type)
        {
            Some(Type::Object(fields)) => fields,
            _ => Vec::new(),
        },
        Work::Pipeline(p) => {
            if visiting.contains(&p) {
                return Vec::new();
            }
            visiting.push(p);
            let mut fields = BTreeMap::new();
            for task in program.pipeline(p).dag.node_weights() {
                for (key, ty) in work_output(program, task.work, visiting) {
                    fields.entry(key).or_insert(ty);
                }
            }
            visiting.pop();
            fields.into_iter().collect()
        }
    }
}

/// The top-level keys of a type, as the context sees them.
pub(crate) fn keys(fields: &[(String, Type)]) -> Vec<String> {
    fields.iter().map(|(k, _)| k.clone()).collect()
}
