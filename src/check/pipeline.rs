//! A pipeline's settings, stages and tasks: AST to IR.

use super::declare::{duplicate, Declared, Scope};
use super::range::{self, DAY_MILLIS};
use super::suggest::did_you_mean;
use super::{dependencies, expr, policy, triggers, types, zones};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{
    Age, CalendarChoice, DayCondition, DayRef, Gate, HandlerId, MergeStrategy, Pipeline,
    PipelineId, Policy, Program, Source, Stage, StageId, Task, TaskId, Type, Work,
};
use crate::loader::Loaded;
use crate::span::Span;
use crate::syntax::ast::{self, PipelineSetting, SourceSetting, StageSetting, TaskSetting};
use crate::time::market_state::MarketState;
use petgraph::graph::DiGraph;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

pub const DEFAULT_TIMEOUT_MILLIS: u64 = 30_000;
pub const DEFAULT_CONCURRENCY: u32 = 4;
pub const DEFAULT_PRIORITY: u8 = 50;
const MAX_CONCURRENCY: u64 = 1024;

/// Remembers which single-valued settings a block has given, to report a second one.
/// A block has a handful of settings, so a list beats a map (one per task).
#[derive(Default)]
pub struct Seen {
    first: Vec<(&'static str, Span)>,
}

impl Seen {
    /// True the first time `keyword` is seen; reports every later time.
    pub fn first(
        &mut self,
        keyword: &'static str,
        span: Span,
        diagnostics: &mut Diagnostics,
    ) -> bool {
        if let Some((_, first)) = self.first.iter().find(|(k, _)| *k == keyword) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateSetting,
                    format!("`{keyword}` is given twice"),
                )
                .label(span, "given again here")
                .label(*first, "first given here")
                .help(format!("keep one `{keyword}`")),
            );
            return false;
        }
        self.first.push((keyword, span));
        true
    }
}

/// The settings a stage passes down to its tasks.
struct StageDefaults<'a> {
    timeout: u64,
    policy: Option<&'a ast::Spanned<ast::Policy>>,
    requires: Vec<MarketState>,
    requires_wait_millis: u64,
    when: Vec<DayCondition>,
}

pub fn lower(
    declared: &Declared<ast::Pipeline>,
    scope: &Scope,
    program: &Program,
    loaded: &Loaded,
    diagnostics: &mut Diagnostics,
) -> Pipeline {
    let decl = declared.node;
    let dir = loaded
        .sources
        .get(declared.file)
        .path
        .parent()
        .unwrap_or(Path::new(""));
    let mut seen = Seen::default();
    let mut pipeline = Pipeline {
        name: decl.name.text.clone(),
        title: decl.title.as_ref().map(|t| t.node.clone()),
        description: None,
        calendar: None,
        file_calendar: None,
        timezone: chrono_tz::UTC,
        concurrency: DEFAULT_CONCURRENCY,
        run_timeout_millis: None,
        merge: MergeStrategy::Error,
        cleanup: None,
        pre_open_millis: None,
        post_close_millis: None,
        stages: Vec::new(),
        dag: DiGraph::default(),
        triggers: Vec::new(),
        sources: Vec::new(),
        base_dir: dir.to_path_buf(),
        span: decl.name.span,
    };
    let mut timezone = None;
    let mut timeout = DEFAULT_TIMEOUT_MILLIS;
    let mut default_policy = None;
    let mut priority = DEFAULT_PRIORITY;
    for setting in &decl.settings {
        let span = setting.span;
        match &setting.node {
            PipelineSetting::Description(text) if seen.first("description", span, diagnostics) => {
                pipeline.description = Some(text.node.clone());
            }
            PipelineSetting::Calendar(calendar) if seen.first("calendar", span, diagnostics) => {
                if let Some((choice, file)) =
                    lower_calendar(calendar, dir, &loaded.project, diagnostics)
                {
                    pipeline.calendar = Some(choice);
                    pipeline.file_calendar = file;
                }
            }
            PipelineSetting::Timezone(zone) if seen.first("timezone", span, diagnostics) => {
                timezone = lower_zone(zone, diagnostics);
            }
            PipelineSetting::Concurrency(n)
                if seen.first("concurrency", span, diagnostics)
                    && range::number(
                        n.node,
                        1,
                        MAX_CONCURRENCY,
                        "concurrency",
                        Code::ConcurrencyOutOfRange,
                        n.span,
                        diagnostics,
                    ) =>
            {
                pipeline.concurrency = n.node as u32;
            }
            PipelineSetting::Timeout(d)
                if seen.first("timeout", span, diagnostics) && range::timeout(d, diagnostics) =>
            {
                timeout = d.node.millis;
            }
            PipelineSetting::RunTimeout(d)
                if seen.first("run_timeout", span, diagnostics)
                    && range::run_timeout(d, diagnostics) =>
            {
                pipeline.run_timeout_millis = Some(d.node.millis);
            }
            PipelineSetting::OnFailure(p) if seen.first("on_failure", span, diagnostics) => {
                default_policy = Some(&**p);
            }
            PipelineSetting::Priority(p) if seen.first("priority", span, diagnostics) => {
                priority = policy::priority(p, diagnostics);
            }
            PipelineSetting::Merge(name) if seen.first("merge", span, diagnostics) => {
                pipeline.merge = lower_merge(name, diagnostics);
            }
            PipelineSetting::Cleanup(name) if seen.first("cleanup", span, diagnostics) => {
                pipeline.cleanup =
                    resolve_handler(name, scope, diagnostics).map(|i| HandlerId(i as u32));
            }
            PipelineSetting::PreOpen(d)
                if seen.first("pre_open", span, diagnostics)
                    && range::duration(
                        d.node.millis,
                        0,
                        DAY_MILLIS,
                        "pre-open window",
                        d.span,
                        diagnostics,
                    ) =>
            {
                pipeline.pre_open_millis = Some(d.node.millis);
            }
            PipelineSetting::PostClose(d)
                if seen.first("post_close", span, diagnostics)
                    && range::duration(
                        d.node.millis,
                        0,
                        DAY_MILLIS,
                        "post-close window",
                        d.span,
                        diagnostics,
                    ) =>
            {
                pipeline.post_close_millis = Some(d.node.millis);
            }
            _ => {}
        }
    }
    // Default: the calendar's own zone, a calendar file's included.
    pipeline.timezone = timezone
        .or_else(|| match &pipeline.calendar {
            Some(CalendarChoice::Builtin(code)) => zones::calendar_zone(code),
            Some(CalendarChoice::File(_)) => pipeline
                .file_calendar
                .as_ref()
                .map(|c| crate::time::session::SessionCalendar::tz(&**c)),
            None => None,
        })
        .unwrap_or(chrono_tz::UTC);

    let defaults = TaskDefaults {
        timeout,
        policy: default_policy,
        priority,
    };
    let stage_decls: Vec<&ast::Stage> = decl
        .settings
        .iter()
        .filter_map(|s| match &s.node {
            PipelineSetting::Stage(stage) => Some(stage),
            _ => None,
        })
        .collect();
    let index = lower_stages(
        &mut pipeline,
        &stage_decls,
        &defaults,
        scope,
        program,
        diagnostics,
    );
    dependencies::lower(&mut pipeline, &stage_decls, &index, diagnostics);
    if pipeline.calendar.is_none() {
        require_calendar_for_days(&pipeline, diagnostics);
    }

    for setting in &decl.settings {
        match &setting.node {
            PipelineSetting::Trigger(trigger) => {
                if let Some(t) = triggers::lower(trigger, &pipeline, scope, diagnostics) {
                    if let Some(first) = pipeline.triggers.iter().find(|x| x.name == t.name) {
                        diagnostics.push(duplicate("trigger", &trigger.name, first.span));
                    } else {
                        pipeline.triggers.push(t);
                    }
                }
            }
            PipelineSetting::Source(source) => {
                if let Some(s) = lower_source(source, &pipeline, diagnostics) {
                    if let Some(first) = pipeline.sources.iter().find(|x| x.name == s.name) {
                        diagnostics.push(duplicate("data source", &source.name, first.span));
                    } else {
                        pipeline.sources.push(s);
                    }
                }
            }
            _ => {}
        }
    }
    pipeline
}

struct TaskDefaults<'a> {
    timeout: u64,
    policy: Option<&'a ast::Spanned<ast::Policy>>,
    priority: u8,
}

fn lower_stages(
    pipeline: &mut Pipeline,
    stages: &[&ast::Stage],
    defaults: &TaskDefaults,
    scope: &Scope,
    program: &Program,
    diagnostics: &mut Diagnostics,
) -> dependencies::TaskIndex {
    // Sized up front: growing them copies every task lowered so far.
    let tasks = stages
        .iter()
        .flat_map(|stage| &stage.settings)
        .filter(|setting| matches!(setting.node, StageSetting::Task(_)))
        .count();
    pipeline.dag.reserve_nodes(tasks);
    pipeline.dag.reserve_edges(tasks);
    let mut task_index: dependencies::TaskIndex = HashMap::with_capacity(tasks);
    let mut stage_index: HashMap<&str, usize> = HashMap::with_capacity(stages.len());
    for stage in stages {
        if let Some(&first) = stage_index.get(stage.name.text.as_str()) {
            diagnostics.push(duplicate("stage", &stage.name, pipeline.stages[first].span));
            continue;
        }
        stage_index.insert(&stage.name.text, pipeline.stages.len());
        let stage_id = StageId(pipeline.stages.len() as u32);
        let mut seen = Seen::default();
        let mut stage_defaults = StageDefaults {
            timeout: defaults.timeout,
            policy: defaults.policy,
            requires: Vec::new(),
            requires_wait_millis: 0,
            when: Vec::new(),
        };
        let mut best_effort = false;
        for setting in &stage.settings {
            let span = setting.span;
            match &setting.node {
                StageSetting::BestEffort => {
                    best_effort = seen.first("best_effort", span, diagnostics)
                }
                StageSetting::Requires(r) if seen.first("requires", span, diagnostics) => {
                    (stage_defaults.requires, stage_defaults.requires_wait_millis) =
                        lower_requires(r, diagnostics);
                }
                StageSetting::When(when) => {
                    if let Some(c) = lower_when(when, scope, diagnostics) {
                        stage_defaults.when.push(c);
                    }
                }
                StageSetting::Timeout(d)
                    if seen.first("timeout", span, diagnostics)
                        && range::timeout(d, diagnostics) =>
                {
                    stage_defaults.timeout = d.node.millis;
                }
                StageSetting::OnFailure(p) if seen.first("on_failure", span, diagnostics) => {
                    stage_defaults.policy = Some(&**p);
                }
                _ => {}
            }
        }
        let mut tasks = Vec::new();
        for setting in &stage.settings {
            let StageSetting::Task(task) = &setting.node else {
                continue;
            };
            if let Some(&first) = task_index.get(&task.name.text) {
                diagnostics.push(duplicate("task", &task.name, pipeline.dag[first].span));
                continue;
            }
            let lowered = lower_task(
                task,
                stage_id,
                &stage_defaults,
                defaults.priority,
                scope,
                program,
                diagnostics,
            );
            let id = pipeline.dag.add_node(lowered);
            task_index.insert(task.name.text.clone(), id);
            tasks.push(id);
        }
        pipeline.stages.push(Stage {
            name: stage.name.text.clone(),
            title: stage.title.as_ref().map(|t| t.node.clone()),
            best_effort,
            gates: Vec::new(),
            tasks,
            span: stage.name.span,
        });
    }
    task_index
}

fn lower_task(
    decl: &ast::Task,
    stage: StageId,
    defaults: &StageDefaults,
    priority: u8,
    scope: &Scope,
    program: &Program,
    diagnostics: &mut Diagnostics,
) -> Task {
    let mut seen = Seen::default();
    let mut task = Task {
        name: decl.name.text.clone(),
        stage,
        work: Work::Handler(HandlerId(0)),
        args: Vec::new(),
        timeout_millis: defaults.timeout,
        policy: Policy::Fail,
        priority,
        requires: defaults.requires.clone(),
        requires_wait_millis: defaults.requires_wait_millis,
        when: defaults.when.clone(),
        reads: Vec::new(),
        writes: Vec::new(),
        joins: false,
        span: decl.name.span,
    };
    let mut work = None;
    let mut policy_decl = defaults.policy;
    for setting in decl.settings.iter().flatten() {
        let span = setting.span;
        match &setting.node {
            TaskSetting::Run(name) if seen.first("run", span, diagnostics) => {
                work = Some(
                    resolve_handler(name, scope, diagnostics)
                        .map(|i| Work::Handler(HandlerId(i as u32))),
                );
            }
            TaskSetting::RunPipeline(name) if seen.first("run", span, diagnostics) => {
                work = Some(
                    resolve_pipeline(name, scope, diagnostics)
                        .map(|i| Work::Pipeline(PipelineId(i as u32))),
                );
            }
            TaskSetting::Args(args) if seen.first("args", span, diagnostics) => {
                task.args = args.iter().map(|a| a.node.clone()).collect();
            }
            TaskSetting::Joins(_) => task.joins = true,
            TaskSetting::Reads(keys) => task.reads.extend(keys.iter().map(|k| k.text.clone())),
            TaskSetting::Timeout(d)
                if seen.first("timeout", span, diagnostics) && range::timeout(d, diagnostics) =>
            {
                task.timeout_millis = d.node.millis;
            }
            TaskSetting::OnFailure(p) if seen.first("on_failure", span, diagnostics) => {
                policy_decl = Some(&**p);
            }
            TaskSetting::Priority(p) if seen.first("priority", span, diagnostics) => {
                task.priority = policy::priority(p, diagnostics);
            }
            TaskSetting::Requires(r) if seen.first("requires", span, diagnostics) => {
                (task.requires, task.requires_wait_millis) = lower_requires(r, diagnostics);
            }
            TaskSetting::When(when) => {
                if let Some(c) = lower_when(when, scope, diagnostics) {
                    task.when.push(c);
                }
            }
            _ => {}
        }
    }
    let work = work.unwrap_or_else(|| implicit_handler(decl, scope, diagnostics));
    let shape = match work {
        Some(Work::Handler(h)) => program.handler(h).returns.as_ref(),
        _ => None,
    };
    if let Some(p) = policy_decl {
        task.policy = policy::lower(p, shape, diagnostics);
    }
    if let Some(work) = work {
        task.work = work;
    }
    task
}

/// `when trading_days` and its kin ask an exchange calendar; without one they
/// would never hold, silently.
fn require_calendar_for_days(pipeline: &Pipeline, diagnostics: &mut Diagnostics) {
    for task in pipeline.dag.node_weights() {
        let needs = task
            .when
            .iter()
            .flat_map(|c| &c.any_of)
            .any(DayRef::needs_calendar);
        if needs {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnknownCalendar,
                    format!(
                        "task `{}` runs on trading days but pipeline `{}` names no calendar",
                        task.name, pipeline.name
                    ),
                )
                .label(task.span, "its `when` needs an exchange calendar")
                .help("add `calendar XNYS` (or another calendar) to the pipeline"),
            );
        }
    }
}

/// `task x` with no `run` runs the handler named `x`.
fn implicit_handler(
    decl: &ast::Task,
    scope: &Scope,
    diagnostics: &mut Diagnostics,
) -> Option<Work> {
    if let Some(i) = scope.handler(&decl.name.text) {
        return Some(Work::Handler(HandlerId(i as u32)));
    }
    let mut d = Diagnostic::new(
        Code::UnknownHandler,
        format!(
            "task `{}` runs handler `{}`, which is not declared",
            decl.name.text, decl.name.text
        ),
    )
    .label(
        decl.name.span,
        "no `run`, so it runs the handler of its own name",
    );
    d = d.help(match did_you_mean(&decl.name.text, scope.handler_names()) {
        Some(near) => format!("{near} (write `run` with the handler's name)"),
        None => format!(
            "declare `handler {} {{ … }}` or give the task `run <handler>`",
            decl.name.text
        ),
    });
    diagnostics.push(d);
    None
}

fn resolve_handler(
    name: &ast::Name,
    scope: &Scope,
    diagnostics: &mut Diagnostics,
) -> Option<usize> {
    resolve(
        name,
        scope.handler(&name.text),
        Code::UnknownHandler,
        "handler",
        "used here",
        || scope.handler_names(),
        || {
            format!(
                "declare it: `handler {} {{ exec \"…\" }}`, here or in an imported file",
                name.text
            )
        },
        diagnostics,
    )
}

fn resolve_pipeline(
    name: &ast::Name,
    scope: &Scope,
    diagnostics: &mut Diagnostics,
) -> Option<usize> {
    resolve(
        name,
        scope.pipeline(&name.text),
        Code::UnknownPipeline,
        "pipeline",
        "run here",
        || scope.pipeline_names(),
        || "declare it with `pipeline`, here or in an imported file".to_string(),
        diagnostics,
    )
}

/// `found`, or a diagnostic that names the nearest `known` name (else says
/// `fallback`). Both are only worked out for a name that is not found: a
/// pipeline of 100,000 tasks resolves 100,000 names.
#[allow(clippy::too_many_arguments)]
fn resolve<'a>(
    name: &ast::Name,
    found: Option<usize>,
    code: Code,
    kind: &str,
    label: &str,
    known: impl FnOnce() -> Vec<&'a str>,
    fallback: impl FnOnce() -> String,
    diagnostics: &mut Diagnostics,
) -> Option<usize> {
    if found.is_none() {
        diagnostics.push(
            Diagnostic::new(code, format!("{kind} `{}` is not declared", name.text))
                .label(name.span, label)
                .help(did_you_mean(&name.text, known()).unwrap_or_else(fallback)),
        );
    }
    found
}

fn lower_calendar(
    calendar: &ast::CalendarRef,
    dir: &Path,
    project: &crate::project::Project,
    diagnostics: &mut Diagnostics,
) -> Option<(CalendarChoice, Option<Arc<crate::time::calendar::Calendar>>)> {
    match calendar {
        ast::CalendarRef::Builtin(code) => {
            if zones::calendar_zone(&code.text).is_some() {
                return Some((CalendarChoice::Builtin(code.text.clone()), None));
            }
            let mut d = Diagnostic::new(
                Code::UnknownCalendar,
                format!("unknown calendar `{}`", code.text),
            )
            .label(code.span, "not a built-in calendar");
            d = d.help(
                did_you_mean(&code.text, zones::calendar_codes()).unwrap_or_else(|| {
                    let codes: Vec<_> = zones::calendar_codes().collect();
                    format!(
                        "built-in calendars are {}; or name a calendar file in quotes",
                        codes.join(", ")
                    )
                }),
            );
            diagnostics.push(d);
            None
        }
        ast::CalendarRef::File(path) => {
            let full = dir.join(&path.node);
            if let Err(why) = project.admits(&full) {
                diagnostics.push(super::outside_project(&why, path.span));
                return None;
            }
            let text = match std::fs::read_to_string(&full) {
                Ok(text) => text,
                Err(error) => {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::Io,
                            format!("cannot read calendar file `{}`: {error}", full.display()),
                        )
                        .label(path.span, "named here")
                        .help("the path is relative to this file"),
                    );
                    return None;
                }
            };
            match crate::time::calendar::parse_calendar_file(&text) {
                Ok(parsed) => Some((CalendarChoice::File(full), Some(Arc::new(parsed)))),
                Err(errors) => {
                    for error in errors {
                        let mut d = Diagnostic::new(
                            Code::BadCalendarFile,
                            format!(
                                "{}:{}:{}: {}",
                                full.display(),
                                error.line,
                                error.column,
                                error.message
                            ),
                        )
                        .label(path.span, "in the calendar file named here");
                        if let Some(help) = error.help {
                            d = d.help(help);
                        }
                        diagnostics.push(d);
                    }
                    None
                }
            }
        }
    }
}

pub fn lower_zone(zone: &ast::Name, diagnostics: &mut Diagnostics) -> Option<chrono_tz::Tz> {
    let found = zones::resolve_zone(&zone.text);
    if found.is_none() {
        let mut d = Diagnostic::new(
            Code::UnknownTimeZone,
            format!("unknown time zone `{}`", zone.text),
        )
        .label(zone.span, "not an IANA time zone or calendar code");
        d = d.help(
            did_you_mean(&zone.text, zones::zone_suggestions()).unwrap_or_else(|| {
                "use an IANA name such as `America/New_York`, or a calendar code such as `XNYS`"
                    .into()
            }),
        );
        diagnostics.push(d);
    }
    found
}

fn lower_merge(name: &ast::Name, diagnostics: &mut Diagnostics) -> MergeStrategy {
    const STRATEGIES: [(&str, MergeStrategy); 3] = [
        ("error", MergeStrategy::Error),
        ("last_wins", MergeStrategy::LastWins),
        ("first_wins", MergeStrategy::FirstWins),
    ];
    match STRATEGIES.iter().find(|(n, _)| *n == name.text) {
        Some((_, s)) => *s,
        None => {
            let mut d = Diagnostic::new(
                Code::UnknownMergeStrategy,
                format!("unknown merge strategy `{}`", name.text),
            )
            .label(name.span, "not a merge strategy");
            d = d.help(
                did_you_mean(&name.text, STRATEGIES.iter().map(|(n, _)| *n))
                    .unwrap_or_else(|| "strategies are error, last_wins and first_wins".into()),
            );
            diagnostics.push(d);
            MergeStrategy::Error
        }
    }
}

/// The states and the wait (0: none) of a `requires`.
fn lower_requires(r: &ast::Requires, diagnostics: &mut Diagnostics) -> (Vec<MarketState>, u64) {
    let wait = match &r.wait {
        Some(d) if range::requires_wait(d, diagnostics) => d.node.millis,
        _ => 0,
    };
    (lower_states(&r.states, diagnostics), wait)
}

pub fn lower_states(states: &[ast::Name], diagnostics: &mut Diagnostics) -> Vec<MarketState> {
    states
        .iter()
        .filter_map(|s| lower_state(s, diagnostics))
        .collect()
}

pub fn lower_state(state: &ast::Name, diagnostics: &mut Diagnostics) -> Option<MarketState> {
    let found = MarketState::from_name(&state.text);
    if found.is_none() {
        let names = MarketState::ALL.map(MarketState::name);
        let mut d = Diagnostic::new(
            Code::UnknownMarketState,
            format!("unknown market state `{}`", state.text),
        )
        .label(state.span, "not a market state");
        d = d.help(
            did_you_mean(&state.text, names)
                .unwrap_or_else(|| format!("market states are {}", names.join(", "))),
        );
        diagnostics.push(d);
    }
    found
}

pub fn lower_day_ref(
    name: &ast::Name,
    scope: &Scope,
    diagnostics: &mut Diagnostics,
) -> Option<DayRef> {
    if let Some(i) = scope.day_set(&name.text) {
        return Some(DayRef::Listed(crate::ir::DaySetId(i as u32)));
    }
    if let Some(builtin) = DayRef::builtin(&name.text) {
        return Some(builtin);
    }
    let mut d = Diagnostic::new(
        Code::UnknownDaySet,
        format!("unknown day set `{}`", name.text),
    )
    .label(name.span, "not a day set");
    d = d.help(
        did_you_mean(&name.text, {
            let mut names = scope.day_set_names();
            for builtin in DayRef::builtin_names() {
                names.push(builtin);
            }
            names
        })
        .unwrap_or_else(|| format!("declare it: `days {} = dates [2026-01-28]`", name.text)),
    );
    diagnostics.push(d);
    None
}

fn lower_when(
    when: &ast::When,
    scope: &Scope,
    diagnostics: &mut Diagnostics,
) -> Option<DayCondition> {
    lower_day_ref(&when.days, scope, diagnostics).map(|day| DayCondition {
        any_of: vec![day],
        negated: when.negated,
    })
}

fn lower_source(
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
                green = Some(*age)
            }
            SourceSetting::Yellow(age) if seen.first("yellow", setting.span, diagnostics) => {
                yellow = Some(*age)
            }
            _ => {}
        }
    }
    let (Some(green), Some(yellow)) = (green, yellow) else {
        diagnostics.push(
            Diagnostic::new(
                Code::SourceWithoutProducer,
                format!(
                    "data source `{}` needs `green` and `yellow`",
                    decl.name.text
                ),
            )
            .label(decl.name.span, "declared here")
            .help("write e.g. `green 5m yellow 15m`: green under 5m, yellow under 15m, red beyond"),
        );
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
        diagnostics.push(
            Diagnostic::new(
                Code::DurationOutOfRange,
                "the yellow threshold must be longer than the green one",
            )
            .label(yellow.span, "not longer than green")
            .label(green.span, "green"),
        );
    }
    Some(Source {
        name: decl.name.text.clone(),
        producer: producer?,
        green: green_age,
        yellow: yellow_age,
        span: decl.name.span,
    })
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
        _ => true,
    }
}

/// A pipeline that runs itself, directly or through others, would never end.
pub fn check_nesting(program: &mut Program, diagnostics: &mut Diagnostics) {
    let mut graph = DiGraph::<usize, Span>::new();
    let nodes: Vec<_> = (0..program.pipelines.len())
        .map(|i| graph.add_node(i))
        .collect();
    for (i, pipeline) in program.pipelines.iter().enumerate() {
        for task in pipeline.dag.node_weights() {
            if let Work::Pipeline(p) = task.work {
                graph.add_edge(nodes[i], nodes[p.0 as usize], task.span);
            }
        }
    }
    for component in petgraph::algo::tarjan_scc(&graph) {
        let looped = component.len() > 1 || graph.contains_edge(component[0], component[0]);
        if !looped {
            continue;
        }
        let mut names: Vec<&str> = component
            .iter()
            .map(|n| program.pipelines[graph[*n]].name.as_str())
            .collect();
        names.sort_unstable();
        let mut d = Diagnostic::new(
            Code::PipelineCycle,
            format!("pipelines run each other in a loop: {}", names.join(", ")),
        );
        for edge in graph.edge_indices() {
            if let Some((a, b)) = graph.edge_endpoints(edge) {
                if component.contains(&a) && component.contains(&b) {
                    d = d.label(
                        graph[edge],
                        format!("runs `{}`", program.pipelines[graph[b]].name),
                    );
                }
            }
        }
        diagnostics.push(d.help("a pipeline may not run itself, directly or through another"));
    }
    // Writes are known only now that every pipeline is lowered.
    for index in 0..program.pipelines.len() {
        let ids: Vec<TaskId> = program.pipelines[index].dag.node_indices().collect();
        for id in ids {
            let writes = types::keys(&types::task_output(program, &program.pipelines[index], id));
            program.pipelines[index].dag[id].writes = writes;
        }
    }
}

/// Gates and `reads`, which need every task's output type: the context a gate
/// sees is everything its stage and the stages before it write.
pub fn lower_gates(
    declared: &Declared<ast::Pipeline>,
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
    let stage_decls = declared.node.settings.iter().filter_map(|s| match &s.node {
        PipelineSetting::Stage(stage) => Some(stage),
        _ => None,
    });
    for stage_decl in stage_decls {
        let Some(&stage_index) = stage_index.get(stage_decl.name.text.as_str()) else {
            continue;
        };
        let stage = &pipeline.stages[stage_index];
        if stage.span != stage_decl.name.span {
            continue; // a duplicate stage, already reported
        }
        expr::check_reads(pipeline, program, stage, &context, diagnostics);
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
