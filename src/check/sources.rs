//! Data sources (`source`): their producer task and freshness thresholds.

use super::declare::Scope;
use super::dependencies;
use super::seen::Seen;
use super::suggest::did_you_mean;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{Age, Pipeline, Program, SharedSource, Source};
use crate::syntax::ast::{self, SourceSetting};

pub(super) fn lower_source(
    decl: &ast::Source,
    pipeline: &Pipeline,
    diagnostics: &mut Diagnostics,
) -> Option<Source> {
    let mut seen = Seen::default();
    let (mut producer, mut green, mut yellow) = (None, None, None);
    for setting in &decl.settings {
        match &setting.node {
            SourceSetting::Producer(name) if seen.first("producer", setting.span, diagnostics) => {
                producer = dependencies::resolve_task(
                    name,
                    pipeline,
                    &dependencies::task_index(pipeline),
                    diagnostics,
                );
            }
            SourceSetting::Green(age) if seen.first("green", setting.span, diagnostics) => {
                green = Some(*age);
            }
            SourceSetting::Yellow(age) if seen.first("yellow", setting.span, diagnostics) => {
                yellow = Some(*age);
            }
            // A pipeline's own source counts its pipeline's sessions.
            SourceSetting::Calendar(_) => diagnostics.push(
                Diagnostic::new(
                    Code::BadSharedSource,
                    "only a shared source names a calendar",
                )
                .label(setting.span, "a `calendar` in a pipeline's source")
                .help("a pipeline's own source counts the pipeline's sessions; remove it"),
            ),
            _ => {}
        }
    }
    let (Some(green), Some(yellow)) = (green, yellow) else {
        diagnostics.push(without_thresholds(decl));
        return None;
    };
    if producer.is_none()
        && !decl
            .settings
            .iter()
            .any(|s| matches!(s.node, SourceSetting::Producer(_)))
    {
        diagnostics.push(
            Diagnostic::new(
                Code::SourceWithoutProducer,
                format!("data source `{}` has no producer", decl.name.text),
            )
            .label(decl.name.span, "declared here")
            .help("name the task that refreshes it: `producer fetch_prices`"),
        );
    }
    let green_age = lower_age(green.node);
    let yellow_age = lower_age(yellow.node);
    if !age_before(green_age, yellow_age) {
        diagnostics.push(yellow_not_longer(green, yellow));
    }
    Some(Source {
        name: decl.name.text.clone(),
        producer: producer?,
        green: green_age,
        yellow: yellow_age,
        span: decl.name.span,
        shared: false,
    })
}

fn without_thresholds(decl: &ast::Source) -> Diagnostic {
    Diagnostic::new(
        Code::SourceWithoutProducer,
        format!(
            "data source `{}` needs `green` and `yellow`",
            decl.name.text
        ),
    )
    .label(decl.name.span, "declared here")
    .help("write e.g. `green 5m yellow 15m`: green under 5m, yellow under 15m, red beyond")
}

fn yellow_not_longer(green: ast::Spanned<ast::Age>, yellow: ast::Spanned<ast::Age>) -> Diagnostic {
    Diagnostic::new(
        Code::DurationOutOfRange,
        "the yellow threshold must be longer than the green one",
    )
    .label(yellow.span, "not longer than green")
    .label(green.span, "green")
    .help("yellow ends after green: e.g. `green 5m yellow 15m` (green under 5m, yellow under 15m, red beyond)")
}

fn lower_age(age: ast::Age) -> Age {
    match age {
        ast::Age::Wall(d) => Age::Millis(d.millis),
        ast::Age::Sessions(n) => Age::Sessions(u32::try_from(n).unwrap_or(u32::MAX)),
    }
}

/// Whether `green` is a shorter threshold than `yellow`; mixed units are not compared.
fn age_before(green: Age, yellow: Age) -> bool {
    match (green, yellow) {
        (Age::Millis(g), Age::Millis(y)) => g < y,
        (Age::Sessions(g), Age::Sessions(y)) => g < y,
        (Age::Millis(_), Age::Sessions(_)) | (Age::Sessions(_), Age::Millis(_)) => true,
    }
}

/// The shared sources (`source` at top level), each once. One with a
/// problem is reported and left out.
pub(super) fn lower_shared(scope: &Scope, diagnostics: &mut Diagnostics) -> Vec<SharedSource> {
    let mut out = Vec::new();
    for declared in &scope.sources {
        let decl = declared.node;
        let mut seen = Seen::default();
        let (mut green, mut yellow, mut calendar) = (None, None, None);
        let mut ok = true;
        for setting in &decl.settings {
            match &setting.node {
                SourceSetting::Producer(name) => {
                    ok = false;
                    diagnostics.push(
                        Diagnostic::new(
                            Code::BadSharedSource,
                            format!(
                                "the shared source `{}` names no `producer`: the tasks that refresh it say so",
                                decl.name.text
                            ),
                        )
                        .label(name.span, "a `producer` outside a pipeline")
                        .help(format!(
                            "remove it and write `produces {}` in the task `{}`",
                            decl.name.text, name.text
                        )),
                    );
                }
                SourceSetting::Green(age) if seen.first("green", setting.span, diagnostics) => {
                    green = Some(*age);
                }
                SourceSetting::Yellow(age) if seen.first("yellow", setting.span, diagnostics) => {
                    yellow = Some(*age);
                }
                SourceSetting::Calendar(c) if seen.first("calendar", setting.span, diagnostics) => {
                    calendar = lower_source_calendar(c, diagnostics);
                    ok &= calendar.is_some();
                }
                SourceSetting::Green(_) | SourceSetting::Yellow(_) | SourceSetting::Calendar(_) => {
                }
            }
        }
        let (Some(green), Some(yellow)) = (green, yellow) else {
            diagnostics.push(without_thresholds(decl));
            continue;
        };
        let sessions = matches!(green.node, ast::Age::Sessions(_))
            || matches!(yellow.node, ast::Age::Sessions(_));
        if sessions && calendar.is_none() && ok {
            ok = false;
            let at = if matches!(green.node, ast::Age::Sessions(_)) {
                green.span
            } else {
                yellow.span
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::BadSharedSource,
                    format!(
                        "the shared source `{}` counts sessions but names no calendar",
                        decl.name.text
                    ),
                )
                .label(at, "an age in sessions")
                .label(decl.name.span, "the source")
                .help("say whose sessions: `calendar XNYS`"),
            );
        }
        let (green_age, yellow_age) = (lower_age(green.node), lower_age(yellow.node));
        if !age_before(green_age, yellow_age) {
            diagnostics.push(yellow_not_longer(green, yellow));
        }
        if ok {
            out.push(SharedSource {
                name: decl.name.text.clone(),
                green: green_age,
                yellow: yellow_age,
                calendar,
                span: decl.name.span,
            });
        }
    }
    out
}

/// A shared source's calendar: a built-in code (its sessions are the
/// market's; a calendar file is a pipeline's).
fn lower_source_calendar(c: &ast::CalendarRef, diagnostics: &mut Diagnostics) -> Option<String> {
    match c {
        ast::CalendarRef::Builtin(code) => super::calendar::builtin_calendar(code, diagnostics),
        ast::CalendarRef::File(path) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::BadSharedSource,
                    "a shared source's calendar is a built-in calendar's code",
                )
                .label(path.span, "a calendar file")
                .help("name the exchange whose sessions its ages count, such as `calendar XNYS`"),
            );
            None
        }
    }
}

/// The shared sources a pipeline's tasks produce (`produces`), as sources of
/// the pipeline (the store marks their freshness when the task succeeds).
pub(super) fn lower_produces(
    decl: &ast::Pipeline,
    pipeline: &mut Pipeline,
    scope: &Scope,
    program: &Program,
    diagnostics: &mut Diagnostics,
) {
    let mut index = None;
    for setting in &decl.settings {
        let ast::PipelineSetting::Stage(stage) = &setting.node else {
            continue;
        };
        for setting in &stage.settings {
            let ast::StageSetting::Task(task) = &setting.node else {
                continue;
            };
            for setting in task.settings.iter().flatten() {
                let ast::TaskSetting::Produces(names) = &setting.node else {
                    continue;
                };
                let index = index.get_or_insert_with(|| dependencies::task_index(pipeline));
                let Some(&producer) = index.get(&task.name.text) else {
                    continue;
                };
                for name in names {
                    let Some(shared) = program.sources.iter().find(|s| s.name == name.text) else {
                        // A declared source with a problem was reported already.
                        if scope.source(&name.text).is_none() {
                            diagnostics.push(unknown_source(name, program));
                        }
                        continue;
                    };
                    let again = pipeline
                        .sources
                        .iter()
                        .any(|s| s.shared && s.name == name.text && s.producer == producer);
                    if !again {
                        pipeline.sources.push(Source {
                            name: shared.name.clone(),
                            producer,
                            green: shared.green,
                            yellow: shared.yellow,
                            span: name.span,
                            shared: true,
                        });
                    }
                }
            }
        }
    }
}

fn unknown_source(name: &ast::Name, program: &Program) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::UnknownSource,
        format!("no data source is named `{}`", name.text),
    )
    .label(name.span, "not a declared source");
    d = d.help(
        did_you_mean(&name.text, program.sources.iter().map(|s| s.name.as_str())).unwrap_or_else(
            || {
                format!(
                    "declare it once at top level: `source {} {{ green 5m  yellow 15m }}`",
                    name.text
                )
            },
        ),
    );
    d
}

/// A shared source of the checked file that no task produces: it could only
/// ever be red. Files with no pipeline (libraries of sources) are exempt.
pub(super) fn report_unproduced(scope: &Scope, program: &Program, diagnostics: &mut Diagnostics) {
    let root_has_pipelines = scope.pipelines.iter().any(|p| p.file.0 == 0);
    for declared in &scope.sources {
        let name = &declared.node.name.text;
        let produced = program
            .pipelines
            .iter()
            .any(|p| p.sources.iter().any(|s| s.shared && s.name == *name));
        let lowered = program.sources.iter().any(|s| s.name == *name);
        if root_has_pipelines && declared.file.0 == 0 && lowered && !produced {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnproducedSource,
                    format!("no task produces the data source `{name}`"),
                )
                .label(declared.node.name.span, "declared here")
                .help(format!(
                    "say which task refreshes it: `produces {name}` in that task, or remove it"
                )),
            );
        }
    }
}
