//! Tasks that no trigger runs: a warning, since a pipeline with triggers
//! presumably means every stage to run at some time.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::Pipeline;

/// `declared` is how many triggers the pipeline declares: when one of them
/// was refused (already reported), what it would have run is unknown, and no
/// task is called unreachable on its account.
pub(crate) fn check(pipeline: &Pipeline, declared: usize, diagnostics: &mut Diagnostics) {
    if pipeline.triggers.is_empty() || pipeline.triggers.len() < declared {
        return; // run by hand only, or a trigger in error: nothing is unreachable
    }
    for (index, stage) in pipeline.stages.iter().enumerate() {
        let reached = pipeline
            .triggers
            .iter()
            .any(|t| t.stages.iter().any(|s| s.0 as usize == index));
        if reached {
            continue;
        }
        for &task in &stage.tasks {
            let task = pipeline.task(task);
            diagnostics.push(
                Diagnostic::new(
                    Code::UnreachableTask,
                    format!("no trigger runs task `{}` (stage `{}`)", task.name, stage.name),
                )
                .label(task.span, "never runs on a schedule")
                .label(stage.span, "no trigger's `stages` includes this stage")
                .help("add the stage to a trigger's `stages`, or run it by hand with `pipec run --stages`"),
            );
        }
    }
}
