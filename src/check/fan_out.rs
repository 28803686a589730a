//! Fan-out tasks (`for symbol in universe`): their settings lowered and
//! checked, and the list they run over typed against what upstream writes.

use super::range;
use super::seen::Seen;
use super::suggest::did_you_mean;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{FanOut, Program, Task, Tolerance, Type, Work};
use crate::span::Span;
use crate::syntax::ast::{self, TaskSetting};
use std::collections::BTreeMap;

const MAX_LIMIT: u64 = 1024;

/// A task's fan-out, or `None` for a task that runs once. `task` is the task
/// lowered so far (its `joins` known); `work` is what it runs, `None` when
/// that did not resolve (already reported).
pub(super) fn lower(
    decl: &ast::Task,
    task: &Task,
    work: Option<Work>,
    program: &Program,
    diagnostics: &mut Diagnostics,
) -> Option<FanOut> {
    let mut seen = Seen::default();
    let mut for_each = None;
    let mut gather = None;
    let mut limit = None;
    let mut max_failures = Tolerance::Count(0);
    let mut fan_settings: Vec<(&'static str, Span)> = Vec::new();
    for setting in decl.settings.iter().flatten() {
        let span = setting.span;
        match &setting.node {
            TaskSetting::ForEach(f) if seen.first("for", span, diagnostics) => {
                for_each = Some((f, span));
            }
            TaskSetting::Gather(key) if seen.first("gather", span, diagnostics) => {
                fan_settings.push(("gather", span));
                gather = Some(key.text.clone());
            }
            TaskSetting::Concurrency(n) if seen.first("concurrency", span, diagnostics) => {
                fan_settings.push(("concurrency", span));
                if range::number(
                    n.node,
                    1,
                    MAX_LIMIT,
                    "concurrency",
                    Code::ConcurrencyOutOfRange,
                    n.span,
                    diagnostics,
                ) {
                    limit = Some(n.node as u32);
                }
            }
            TaskSetting::MaxFailures(t) if seen.first("max_failures", span, diagnostics) => {
                fan_settings.push(("max_failures", span));
                if let Some(t) = tolerance(t, diagnostics) {
                    max_failures = t;
                }
            }
            // Settings of a task that runs once, lowered by the caller, and
            // repeated fan-out settings, reported by `seen`.
            TaskSetting::ForEach(_)
            | TaskSetting::Gather(_)
            | TaskSetting::Concurrency(_)
            | TaskSetting::MaxFailures(_)
            | TaskSetting::Run(_)
            | TaskSetting::RunPipeline(_)
            | TaskSetting::Args(_)
            | TaskSetting::After(_)
            | TaskSetting::Joins(_)
            | TaskSetting::Reads(_)
            | TaskSetting::Timeout(_)
            | TaskSetting::OnFailure(_)
            | TaskSetting::Priority(_)
            | TaskSetting::Requires(_)
            | TaskSetting::When(_)
            | TaskSetting::Executor(_)
            | TaskSetting::Produces(_) => {}
        }
    }
    let Some((for_each, for_span)) = for_each else {
        for (keyword, span) in fan_settings {
            diagnostics.push(
                Diagnostic::new(
                    Code::BadFanOut,
                    format!("`{keyword}` belongs to a fan-out, and `{}` runs once", task.name),
                )
                .label(span, "only a task with `for … in …` takes this")
                .help(format!(
                    "add `for ITEM in KEY` to run `{}` once per item of a list, or remove `{keyword}`",
                    task.name
                )),
            );
        }
        return None;
    };
    let mut ok = true;
    if task.joins {
        ok = false;
        diagnostics.push(
            Diagnostic::new(
                Code::BadFanOut,
                format!("`{}` is both a fan-out and a merge step", task.name),
            )
            .label(for_span, "a fan-out runs once per item")
            .help("merge the branches in a task of its own, and fan out after it"),
        );
    }
    let returns = match work {
        None => None,
        Some(Work::Handler(h)) => program
            .handlers
            .get(h.0 as usize)
            .map(|h| h.returns.is_some()),
        Some(Work::Pipeline(_)) => {
            ok = false;
            diagnostics.push(
                Diagnostic::new(
                    Code::BadFanOut,
                    format!("fan-out `{}` runs a pipeline", task.name),
                )
                .label(for_span, "each instance must run a handler")
                .help("run a handler per item; a pipeline can run once after the fan-out"),
            );
            None
        }
    };
    if returns == Some(true) && gather.is_none() {
        ok = false;
        diagnostics.push(
            Diagnostic::new(
                Code::BadFanOut,
                format!("fan-out `{}` does not say where its outputs go", task.name),
            )
            .label(for_span, "each instance returns an output")
            .help(
                "add `gather KEY` (e.g. `gather results`): the outputs are gathered, in item order, into a list under KEY",
            ),
        );
    }
    ok.then(|| FanOut {
        binding: for_each.binding.text.clone(),
        over: for_each.over.text.split('.').map(str::to_string).collect(),
        gather,
        limit,
        max_failures,
        span: for_each.over.span,
    })
}

fn tolerance(t: &ast::Spanned<ast::Tolerance>, diagnostics: &mut Diagnostics) -> Option<Tolerance> {
    match t.node {
        ast::Tolerance::Count(n) => match u32::try_from(n) {
            Ok(n) => Some(Tolerance::Count(n)),
            Err(_) => {
                range::number(
                    n,
                    0,
                    u64::from(u32::MAX),
                    "max_failures",
                    Code::BadFanOut,
                    t.span,
                    diagnostics,
                );
                None
            }
        },
        ast::Tolerance::Percent(p) => range::number(
            p,
            0,
            100,
            "max_failures percentage",
            Code::BadFanOut,
            t.span,
            diagnostics,
        )
        .then_some(Tolerance::Percent(p.min(100) as u8)),
    }
}

/// A fan-out's list must be written upstream (an earlier stage, or a task of
/// its own stage it depends on) and be a list.
pub(super) fn check_list(
    task: &Task,
    fan_out: &FanOut,
    available: &BTreeMap<String, Type>,
    diagnostics: &mut Diagnostics,
) {
    let path = fan_out.over.join(".");
    let head = &fan_out.over[0];
    let found = match available.get(head) {
        None => Err((
            format!("`{}` runs over `{path}`, which no upstream task writes", task.name),
            did_you_mean(head, available.keys().map(String::as_str)).unwrap_or_else(|| {
                "the list must come from an earlier stage, or from a task of this stage it runs `after`"
                    .into()
            }),
        )),
        Some(ty) => super::expr::field_type(ty, fan_out.over[1..].iter().map(String::as_str))
            .map_err(|problem| {
                (
                    format!("`{}` runs over `{path}`, but {problem}", task.name),
                    format!("name a field of `{head}` its handler declares in `returns`"),
                )
            }),
    };
    let ty = match found {
        Ok(ty) => ty,
        Err((message, help)) => {
            diagnostics.push(
                Diagnostic::new(Code::FanOutNotAList, message)
                    .label(fan_out.span, "the list it runs over")
                    .help(help),
            );
            return;
        }
    };
    if !matches!(ty, Type::List(_) | Type::Any) {
        diagnostics.push(
            Diagnostic::new(
                Code::FanOutNotAList,
                format!(
                    "`{}` runs over `{path}`, which is {}, not a list",
                    task.name,
                    ty.with_article()
                ),
            )
            .label(fan_out.span, "a fan-out needs a list")
            .help(format!(
                "declare `{path}` as a list in its handler's `returns`, e.g. `[string]`"
            )),
        );
    }
}
