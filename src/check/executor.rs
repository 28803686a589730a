//! Executors (where tasks run) and the `executor NAME` setting of pipelines,
//! stages and tasks: AST to IR.

use super::declare::Scope;
use super::suggest::did_you_mean;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{Executor, ExecutorId, ExecutorKind, Program, Resources};
use crate::span::Span;
use crate::syntax::ast::{self, ExecutorSetting};

/// The most CPUs or GPUs one job may ask for.
const MAX_UNITS: f64 = 1024.0;

/// Every declared executor, in declaration order: an executor's id is its index.
pub(crate) fn lower_all(scope: &Scope, diagnostics: &mut Diagnostics) -> Vec<Executor> {
    scope
        .executors
        .iter()
        .map(|declared| lower(declared.node, diagnostics))
        .collect()
}

fn lower(decl: &ast::Executor, diagnostics: &mut Diagnostics) -> Executor {
    let mut addresses: Vec<&ast::Spanned<String>> = Vec::new();
    let mut resources = Resources::default();
    // Where each resource was first given, to report a second one.
    let mut given: Vec<(&'static str, Span)> = Vec::new();
    let mut first = |keyword: &'static str, span: Span, diagnostics: &mut Diagnostics| {
        if let Some((_, earlier)) = given.iter().find(|(k, _)| *k == keyword) {
            diagnostics.push(
                Diagnostic::new(
                    Code::BadExecutor,
                    format!(
                        "`{keyword}` is given twice in executor `{}`",
                        decl.name.text
                    ),
                )
                .label(span, "given again here")
                .label(*earlier, "first given here")
                .help(format!("keep one `{keyword}`")),
            );
            return false;
        }
        given.push((keyword, span));
        true
    };
    for setting in &decl.settings {
        let span = setting.span;
        match &setting.node {
            ExecutorSetting::Ray(address) => {
                check_address(address, diagnostics);
                addresses.push(address);
            }
            ExecutorSetting::NumCpus(n) => {
                if first("num_cpus", span, diagnostics) && units("num_cpus", n, diagnostics) {
                    resources.num_cpus = Some(n.node);
                }
            }
            ExecutorSetting::NumGpus(n) => {
                if first("num_gpus", span, diagnostics) && units("num_gpus", n, diagnostics) {
                    resources.num_gpus = Some(n.node);
                }
            }
            ExecutorSetting::Memory(bytes) => {
                if first("memory", span, diagnostics) {
                    if bytes.node == 0 {
                        diagnostics.push(
                            Diagnostic::new(Code::BadExecutor, "`memory` cannot be zero")
                                .label(bytes.span, "no memory")
                                .help("give the memory each job needs, such as `4GB`, or leave `memory` out"),
                        );
                    } else {
                        resources.memory_bytes = Some(bytes.node);
                    }
                }
            }
        }
    }
    if addresses.len() != 1 {
        diagnostics.push(target_count(decl, &addresses));
    }
    let address = addresses
        .first()
        .map(|a| a.node.trim_end_matches('/').to_string())
        .unwrap_or_default();
    Executor {
        name: decl.name.text.clone(),
        kind: ExecutorKind::Ray { address, resources },
        span: decl.name.span,
    }
}

/// An executor says where to run nowhere, or in more than one place.
fn target_count(decl: &ast::Executor, addresses: &[&ast::Spanned<String>]) -> Diagnostic {
    if addresses.is_empty() {
        return Diagnostic::new(
            Code::BadExecutor,
            format!("executor `{}` has no `ray` target", decl.name.text),
        )
        .label(decl.name.span, "declared here")
        .help("give it the Ray dashboard's address: `ray \"http://127.0.0.1:8265\"`");
    }
    let mut d = Diagnostic::new(
        Code::BadExecutor,
        format!(
            "executor `{}` has more than one `ray` target",
            decl.name.text
        ),
    );
    for address in addresses {
        d = d.label(address.span, "one of them");
    }
    d.help("keep exactly one `ray`; declare another executor for another cluster")
}

/// The Ray dashboard is reached over HTTP.
fn check_address(address: &ast::Spanned<String>, diagnostics: &mut Diagnostics) {
    let text = &address.node;
    let rest = text
        .strip_prefix("http://")
        .or_else(|| text.strip_prefix("https://"));
    let has_host = matches!(rest, Some(host) if !host.trim_matches('/').is_empty());
    if !has_host {
        diagnostics.push(
            Diagnostic::new(
                Code::BadExecutor,
                format!("`{text}` is not an http or https address"),
            )
            .label(address.span, "the Ray dashboard's address")
            .help("write the Ray dashboard's address, e.g. `http://127.0.0.1:8265`"),
        );
    }
}

/// CPUs and GPUs: from 0 to [`MAX_UNITS`], fractions allowed.
fn units(keyword: &str, n: &ast::Spanned<f64>, diagnostics: &mut Diagnostics) -> bool {
    if (0.0..=MAX_UNITS).contains(&n.node) {
        return true;
    }
    diagnostics.push(
        Diagnostic::new(
            Code::BadExecutor,
            format!("`{keyword}` must be between 0 and 1024"),
        )
        .label(n.span, "out of range")
        .help(format!(
            "give `{keyword}` a number from 0 to 1024, such as `2` or `0.5`"
        )),
    );
    false
}

/// `executor NAME` or `executor local`: `Some(None)` for this machine,
/// `Some(Some(id))` for a declared executor, `None` (reported) for a name
/// no loaded file declares.
pub(crate) fn resolve(
    name: &ast::Name,
    scope: &Scope,
    diagnostics: &mut Diagnostics,
) -> Option<Option<ExecutorId>> {
    if name.text == "local" {
        return Some(None);
    }
    if let Some(i) = scope.executor(&name.text) {
        return Some(Some(ExecutorId(i as u32)));
    }
    let mut known = scope.executor_names();
    known.push("local");
    let help = did_you_mean(&name.text, known.iter().copied()).unwrap_or_else(|| {
        known.sort_unstable();
        known.dedup();
        let known: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
        format!("the executors are {}", known.join(", "))
    });
    diagnostics.push(
        Diagnostic::new(
            Code::UnknownExecutor,
            format!("no executor is named `{}`", name.text),
        )
        .label(name.span, "not an executor")
        .help(help),
    );
    None
}

/// An executor no task runs on is likely a typo or dead code; as for
/// notifiers, only the root file's count, and only when it has a pipeline.
pub(crate) fn warn_unused(scope: &Scope, program: &Program, diagnostics: &mut Diagnostics) {
    let mut used = vec![false; program.executors.len()];
    for pipeline in &program.pipelines {
        for task in pipeline.dag.node_weights() {
            if let Some(slot) = task.executor.and_then(|e| used.get_mut(e.0 as usize)) {
                *slot = true;
            }
        }
    }
    for declared in super::declare::unused_in_root(scope, &scope.executors, &used) {
        let name = &declared.node.name.text;
        diagnostics.push(
            Diagnostic::new(
                Code::UnusedExecutor,
                format!("no task runs on executor `{name}`"),
            )
            .label(declared.node.name.span, "declared here")
            .help(format!(
                "remove it, or run tasks on it: `executor {name}` in a pipeline, stage or task"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::compile::Compilation;
    use crate::diagnostic::Code;
    use crate::ir::{ExecutorId, ExecutorKind};
    use std::path::PathBuf;

    fn compile(test: &str, files: &[(&str, &str)]) -> (PathBuf, Compilation) {
        crate::check::compile_files(&format!("executor-{test}"), files)
    }

    const MAIN: &str = r#"
import "lib/executors.pipe"
handler h { builtin noop }
executor cluster { ray "http://127.0.0.1:8265/" }
pipeline alpha {
  executor cluster
  stage features {
    executor local
    task build { run h }
    task score { run h  executor gpu_box }
  }
  stage rest { task other { run h } }
}
"#;
    const LIB: &str = r#"
executor gpu_box { ray "https://10.0.0.5:8265"  num_cpus 2  num_gpus 0.5  memory 8GB }
"#;

    #[test]
    fn executors_are_lowered_and_inherited_task_over_stage_over_pipeline() {
        let (dir, compilation) = compile(
            "lowered",
            &[("main.pipe", MAIN), ("lib/executors.pipe", LIB)],
        );
        let program = compilation
            .program
            .unwrap_or_else(|| panic!("checks clean: {:#?}", compilation.diagnostics));
        assert!(
            compilation.diagnostics.is_empty(),
            "{:#?}",
            compilation.diagnostics
        );
        let names: Vec<&str> = program.executors.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["cluster", "gpu_box"]);
        let ExecutorKind::Ray { address, resources } = &program.executor(ExecutorId(0)).kind;
        assert_eq!(
            address, "http://127.0.0.1:8265",
            "the trailing `/` is dropped"
        );
        assert_eq!(resources.num_cpus, None);
        let ExecutorKind::Ray { address, resources } = &program.executor(ExecutorId(1)).kind;
        assert_eq!(address, "https://10.0.0.5:8265");
        assert_eq!(resources.num_cpus, Some(2.0));
        assert_eq!(resources.num_gpus, Some(0.5));
        assert_eq!(resources.memory_bytes, Some(8 << 30));
        let p = &program.pipelines[0];
        let on: Vec<(&str, Option<u32>)> = p
            .dag
            .node_weights()
            .map(|t| (t.name.as_str(), t.executor.map(|e| e.0)))
            .collect();
        assert_eq!(
            on,
            [("build", None), ("score", Some(1)), ("other", Some(0))]
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn an_executor_declared_in_two_files_is_reported_with_both_places() {
        let lib = "executor cluster { ray \"http://h:8265\" }\n";
        let (dir, compilation) = compile(
            "duplicate",
            &[
                ("main.pipe", MAIN),
                ("lib/executors.pipe", &format!("{LIB}{lib}")),
            ],
        );
        let found: Vec<_> = compilation
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::DuplicateExecutor)
            .collect();
        assert_eq!(found.len(), 1, "{:#?}", compilation.diagnostics);
        let files: Vec<u32> = found[0].labels.iter().map(|l| l.span.file.0).collect();
        // The primary label on the root file's line, the user's own.
        assert_eq!(files, [0, 1]);
        assert!(compilation.program.is_none());
        let _ = std::fs::remove_dir_all(dir);
    }
}
