//! A pipeline's settings, stages and tasks: AST to IR.

use super::calendar::lower_calendar;
use super::declare::{duplicate, Declared, Scope};
use super::executor;
use super::notify::{lower_deadline, lower_notify, DeadlineOwner};
use super::range::{self, DAY_MILLIS};
use super::resolve::{
    implicit_handler, lower_day_ref, lower_states, lower_zone, resolve_handler, resolve_pipeline,
};
use super::seen::Seen;
use super::sources::{lower_produces, lower_source};
use super::suggest::did_you_mean;
use super::{dependencies, fan_out, policy, triggers, types, zones};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{
    CalendarChoice, DayCondition, DayRef, ExecutorId, Few, HandlerId, MergeStrategy, Pipeline,
    PipelineId, Policy, Program, Stage, StageId, Task, TaskId, Work,
};
use crate::loader::Loaded;
use crate::syntax::ast::{self, PipelineSetting, StageSetting, TaskSetting};
use crate::time::market_state::MarketState;
use petgraph::graph::DiGraph;
use std::collections::HashMap;

pub(crate) const DEFAULT_TIMEOUT_MILLIS: u64 = 30_000;
pub(crate) const DEFAULT_CONCURRENCY: u32 = 4;
pub(crate) const DEFAULT_PRIORITY: u8 = 50;
const MAX_CONCURRENCY: u64 = 1024;

/// How many tasks `decl`'s stages declare.
fn task_count(decl: &ast::Pipeline) -> usize {
    decl.settings
        .iter()
        .filter_map(|s| match &s.node {
            PipelineSetting::Stage(stage) => Some(stage),
            _ => None,
        })
        .flat_map(|stage| &stage.settings)
        .filter(|s| matches!(s.node, StageSetting::Task(_)))
        .count()
}

/// The settings a stage passes down to its tasks.
struct StageDefaults<'a> {
    timeout: u64,
    policy: Option<&'a ast::Spanned<ast::Policy>>,
    requires: Vec<MarketState>,
    requires_wait_millis: u64,
    when: Vec<DayCondition>,
    /// Where the tasks run: `None` here.
    executor: Option<ExecutorId>,
}

pub(crate) fn lower(
    declared: &Declared<ast::Pipeline>,
    scope: &Scope,
    program: &Program,
    loaded: &Loaded,
    diagnostics: &mut Diagnostics,
) -> Pipeline {
    let decl = declared.node;
    let dir = loaded.folder(declared.file);
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
        // Room for every task at once: a graph grown by doubling leaves the
        // smaller copies behind, which a big pipeline's size makes matter.
        dag: DiGraph::with_capacity(task_count(decl), 0),
        triggers: Vec::new(),
        sources: Vec::new(),
        notify: Vec::new(),
        deadline: None,
        base_dir: dir.to_path_buf(),
        span: decl.name.span,
        template: None,
    };
    let mut timezone = None;
    let mut deadline = None;
    let mut timeout = DEFAULT_TIMEOUT_MILLIS;
    let mut default_policy = None;
    let mut priority = DEFAULT_PRIORITY;
    let mut run_on = None;
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
            PipelineSetting::Notify(n) => {
                lower_notify(n, span, scope, &mut pipeline.notify, diagnostics);
            }
            PipelineSetting::Deadline(d) if seen.first("deadline", span, diagnostics) => {
                deadline = Some((&**d, span));
            }
            PipelineSetting::Executor(name) if seen.first("executor", span, diagnostics) => {
                if let Some(e) = executor::resolve(name, scope, diagnostics) {
                    run_on = e;
                }
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
    // A calendar that is named but did not load has been reported already.
    let calendar_named = decl
        .settings
        .iter()
        .any(|s| matches!(s.node, PipelineSetting::Calendar(_)));
    if let Some((d, span)) = deadline {
        let owner = DeadlineOwner {
            what: &format!("pipeline `{}`", pipeline.name),
            zone: pipeline.timezone,
            calendar: calendar_named,
        };
        pipeline.deadline = lower_deadline(d, span, &owner, diagnostics);
    }

    let defaults = TaskDefaults {
        timeout,
        policy: default_policy,
        priority,
        executor: run_on,
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
        calendar_named,
        scope,
        program,
        diagnostics,
    );
    dependencies::lower(&mut pipeline, &stage_decls, &index, diagnostics);
    if !calendar_named {
        require_calendar_for_days(&pipeline, diagnostics);
    }

    for setting in &decl.settings {
        match &setting.node {
            PipelineSetting::Trigger(trigger) => {
                if let Some(t) =
                    triggers::lower(trigger, &pipeline, calendar_named, scope, diagnostics)
                {
                    if let Some(first) = pipeline.triggers.iter().find(|x| x.name == t.name) {
                        diagnostics.push(duplicate("trigger", &trigger.name, first.span));
                    } else {
                        pipeline.triggers.push(t);
                    }
                }
            }
            PipelineSetting::Source(source) => {
                if let Some(shared) = scope.source(&source.name.text) {
                    diagnostics.push(duplicate(
                        "data source",
                        &source.name,
                        scope.sources[shared].name.span,
                    ));
                } else if let Some(s) = lower_source(source, &pipeline, diagnostics) {
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
    lower_produces(decl, &mut pipeline, scope, program, diagnostics);
    pipeline
}

struct TaskDefaults<'a> {
    timeout: u64,
    policy: Option<&'a ast::Spanned<ast::Policy>>,
    priority: u8,
    executor: Option<ExecutorId>,
}

fn lower_stages(
    pipeline: &mut Pipeline,
    stages: &[&ast::Stage],
    defaults: &TaskDefaults,
    calendar_named: bool,
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
            executor: defaults.executor,
        };
        let mut best_effort = false;
        let mut deadline = None;
        for setting in &stage.settings {
            let span = setting.span;
            match &setting.node {
                StageSetting::BestEffort => {
                    best_effort = seen.first("best_effort", span, diagnostics);
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
                StageSetting::Deadline(d) if seen.first("deadline", span, diagnostics) => {
                    let owner = DeadlineOwner {
                        what: &format!("stage `{}`", stage.name.text),
                        zone: pipeline.timezone,
                        calendar: calendar_named,
                    };
                    deadline = lower_deadline(d, span, &owner, diagnostics);
                }
                StageSetting::Executor(name) if seen.first("executor", span, diagnostics) => {
                    if let Some(e) = executor::resolve(name, scope, diagnostics) {
                        stage_defaults.executor = e;
                    }
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
            deadline,
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
        args: Few::new(),
        timeout_millis: defaults.timeout,
        policy: Policy::Fail,
        priority,
        requires: defaults.requires.clone().into(),
        requires_wait_millis: defaults.requires_wait_millis,
        when: defaults.when.clone().into(),
        reads: Few::new(),
        read_spans: Few::new(),
        writes: Few::new(),
        joins: false,
        executor: defaults.executor,
        fan_out: None,
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
            TaskSetting::Reads(keys) => {
                task.reads.extend(keys.iter().map(|k| k.text.clone()));
                task.read_spans.extend(keys.iter().map(|k| k.span));
            }
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
                let (requires, wait) = lower_requires(r, diagnostics);
                (task.requires, task.requires_wait_millis) = (requires.into(), wait);
            }
            TaskSetting::When(when) => {
                if let Some(c) = lower_when(when, scope, diagnostics) {
                    task.when.push(c);
                }
            }
            TaskSetting::Executor(name) if seen.first("executor", span, diagnostics) => {
                if let Some(e) = executor::resolve(name, scope, diagnostics) {
                    task.executor = e;
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
    task.fan_out = fan_out::lower(decl, &task, work, program, diagnostics).map(Box::new);
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
            // No program comes of a file with an error: the strategy only
            // decides what else is reported, and one that never collides
            // reports nothing on account of the unknown one.
            MergeStrategy::LastWins
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

/// Each task's `writes`: known only once every pipeline is lowered, since a
/// task that runs a pipeline writes what that pipeline's tasks write.
pub(crate) fn fill_writes(program: &mut Program) {
    for index in 0..program.pipelines.len() {
        let ids: Vec<TaskId> = program.pipelines[index].dag.node_indices().collect();
        for id in ids {
            let writes = types::keys(&types::task_output(program, &program.pipelines[index], id));
            program.pipelines[index].dag[id].writes = writes.into();
        }
    }
}
