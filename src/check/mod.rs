//! The front end's second phase: bind names, fill defaults, check types and
//! the task graph, and build the IR. Every problem is collected; the IR is
//! returned only when there is no error.

mod bodies;
mod calendar;
mod calendar_range;
mod deadline_fit;
mod declare;
mod dependencies;
mod exec_target;
mod executor;
mod expr;
mod fan_out;
mod firing;
mod gates;
mod handlers;
mod merges;
mod nesting;
mod notify;
mod pipeline;
mod policy;
mod range;
mod reachability;
mod resolve;
mod seen;
mod sources;
pub(crate) mod suggest;
mod template;
mod triggers;
mod types;
mod zones;

pub use bodies::Unparsed;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::Program;
use crate::loader::Loaded;

/// Checks the loaded files and lowers them to IR. The IR is `None` when any
/// error was found; warnings never withhold it. `today` dates the checks that
/// depend on it (a calendar's years).
///
/// Each pipeline's syntax tree is freed once the pipeline is lowered, so the
/// tree of a big file and its IR are never whole at once: afterwards the
/// files' pipelines hold only their names, title and span (`Compilation`
/// does not keep them). The stage bodies a big file's parse left out
/// (`Loaded::deferred`) are parsed as their pipelines are reached; one that
/// does not parse is `Unparsed`, and the loaded files must then be parsed
/// whole. `check_keeping_ast` leaves the files whole.
pub fn check(
    loaded: &mut Loaded,
    today: chrono::NaiveDate,
    diagnostics: &mut Diagnostics,
) -> Result<Option<Program>, Unparsed> {
    let bodies = bodies::Bodies::detach(loaded);
    check_with(loaded, bodies, today, diagnostics)
}

/// `check`, leaving the loaded files' syntax trees whole (for `--emit ast`).
pub fn check_keeping_ast(
    loaded: &Loaded,
    today: chrono::NaiveDate,
    diagnostics: &mut Diagnostics,
) -> Option<Program> {
    // Nothing was detached, so no body is left to parse.
    check_with(loaded, bodies::Bodies::default(), today, diagnostics).unwrap_or(None)
}

fn check_with(
    loaded: &Loaded,
    mut bodies: bodies::Bodies,
    today: chrono::NaiveDate,
    diagnostics: &mut Diagnostics,
) -> Result<Option<Program>, Unparsed> {
    let from_loader = diagnostics.count();
    let made = template::expand(loaded, diagnostics);
    let scope = declare::collect(loaded, &made, diagnostics);
    // The instance each pipeline was made from, if any.
    let origins: Vec<Option<&template::Instantiated>> = scope
        .pipelines
        .iter()
        .map(|d| made.iter().find(|m| std::ptr::eq(d.node, &m.pipeline)))
        .collect();
    let tag = |diagnostics: &mut Diagnostics, start: usize, index: usize| {
        if let Some(made) = origins[index] {
            template::attribute::tag(diagnostics, start, made);
        }
    };
    let handlers = handlers::lower_all(&scope, loaded, diagnostics);
    let day_sets = handlers::lower_day_sets(&scope, loaded, diagnostics);
    let notifiers = notify::lower_all(&scope, loaded, diagnostics);
    let executors = executor::lower_all(&scope, diagnostics);
    let sources = sources::lower_shared(&scope, diagnostics);
    let mut program = Program {
        pipelines: Vec::new(),
        handlers,
        day_sets,
        notifiers,
        executors,
        sources,
    };
    let mut lowered = Vec::new();
    // What the passes after lowering read of each pipeline's tasks, taken
    // before they are freed: the tasks whose dependencies did not resolve
    // (their `reads` are not judged), and the handler names tasks run that no
    // handler has.
    let mut poisoned = Vec::with_capacity(scope.pipelines.len());
    let mut unresolved_runs = Vec::new();
    for (index, decl) in scope.pipelines.iter().enumerate() {
        let start = diagnostics.count();
        let whole = bodies.take(decl, loaded)?;
        let node = whole.as_ref().unwrap_or(decl.node);
        let full = declare::Declared {
            node,
            file: decl.file,
            name: decl.name,
        };
        let mut lowered_one = pipeline::lower(&full, &scope, &program, loaded, diagnostics);
        lowered_one.template = origins[index].map(|m| m.template.clone());
        poisoned.push(gates::unresolved_dependencies(node, &lowered_one));
        unresolved_runs.extend(handlers::unresolved_runs(node, &scope));
        if let Some(whole) = whole {
            bodies.keep(decl, whole);
        }
        lowered.push(lowered_one);
        tag(diagnostics, start, index);
    }
    program.pipelines = lowered;
    bodies.read_rest(loaded)?;
    bodies.report(diagnostics, from_loader);
    nesting::check(&program, diagnostics);
    pipeline::fill_writes(&mut program);
    for (index, poisoned) in poisoned.iter().enumerate() {
        let start = diagnostics.count();
        let settings = bodies.get(&scope.pipelines[index]);
        let gates = gates::lower(settings, poisoned, index, &program, diagnostics);
        for (stage, gate) in gates {
            program.pipelines[index].stages[stage].gates.push(gate);
        }
        let pipeline = &program.pipelines[index];
        merges::check(pipeline, &program, diagnostics);
        let declared_triggers = settings
            .iter()
            .filter(|s| matches!(s.node, crate::syntax::ast::PipelineSetting::Trigger(_)))
            .count();
        reachability::check(pipeline, declared_triggers, diagnostics);
        calendar_range::check(pipeline, &program, today, diagnostics);
        firing::check(pipeline, &program, today, diagnostics);
        tag(diagnostics, start, index);
    }
    deadline_fit::check(&program, today, diagnostics);
    handlers::warn_unused(&scope, &program, &unresolved_runs, diagnostics);
    notify::warn_unused(&scope, &program, diagnostics);
    executor::warn_unused(&scope, &program, diagnostics);
    sources::report_unproduced(&scope, &program, diagnostics);
    template::attribute::merge(diagnostics, &made);
    Ok((!diagnostics.has_errors()).then_some(program))
}

/// A date list or calendar file named outside the project: not read.
fn outside_project(why: &str, span: crate::span::Span) -> Diagnostic {
    Diagnostic::new(Code::OutsideProject, format!("cannot read {why}"))
        .label(span, "named here")
        .help("files a pipeline reads must be inside the project; `pipec --allow-path DIR` allows another folder")
}

/// A fresh folder holding `files` (path, text), and the compilation of its
/// `main.pipe` as of 2026-11-20: what the checker's unit tests of a feature
/// spread over files start from.
#[cfg(test)]
pub(crate) fn compile_files(
    name: &str,
    files: &[(&str, &str)],
) -> (std::path::PathBuf, crate::compile::Compilation) {
    let dir = std::env::temp_dir().join(format!("pipec-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap_or(std::path::Path::new("."))).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let compilation = crate::compile::compile_as_of(&dir.join("main.pipe"), today).unwrap();
    (dir, compilation)
}
