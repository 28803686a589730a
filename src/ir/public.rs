//! The public, versioned form of a checked program: what `pipec check --emit
//! ir` prints and what the plan hash of a durable run is computed from.
//!
//! It is separate from the internal IR on purpose: the internal types change
//! whenever the interpreter needs them to (a petgraph upgrade, a renamed
//! field), and neither the JSON users read nor the hash that decides whether
//! a run may resume may change with them. Tasks are a list in declaration
//! order, dependencies are names, and policies, shapes, timings and gate
//! expressions are written the way a `.pipe` file writes them. Fields are
//! only ever added within a `format_version`; anything else bumps it.

use super::words;
use super::{
    Age, Backoff, Builtin, CalendarChoice, Deadline as IrDeadline, EnvValue as IrEnv,
    ExecutorKind as IrExecutorKind, HandlerKind as IrKind, Missed, NotifyTarget,
    Policy as IrPolicy, Program as IrProgram, Timing, Work,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Bumped when a field changes meaning or goes away.
pub(crate) const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Program {
    pub format_version: u32,
    pub handlers: Vec<Handler>,
    pub day_sets: Vec<DaySet>,
    pub pipelines: Vec<Pipeline>,
    /// Left out when there are none, so programs without them keep their form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notifiers: Vec<Notifier>,
    /// Left out when there are none, so programs without them keep their form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub executors: Vec<Executor>,
    /// The shared data sources; left out when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SharedSource>,
}

/// `source price_data { green 5m  yellow 15m }` at top level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedSource {
    pub name: String,
    /// `5m` or `1 sessions`.
    pub green: String,
    pub yellow: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
}

/// `executor cluster { ray "http://127.0.0.1:8265"  num_cpus 2 }`: where tasks
/// that name it run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Executor {
    pub name: String,
    pub kind: ExecutorKind,
}

/// The kind of place an executor runs tasks, and what each job asks of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExecutorKind {
    Ray {
        /// The Ray dashboard's address, without a trailing `/`.
        address: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        num_cpus: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        num_gpus: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        memory_bytes: Option<u64>,
    },
}

/// `notifier ops { webhook "https://…" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifier {
    pub name: String,
    pub target: Target,
}

/// Where a notifier sends; a URL may be a secret, which is named, never valued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Webhook { url: EnvValue },
    Slack { url: EnvValue },
    Exec { program: String, args: Vec<String> },
}

/// `notify ops on run_failed, gate_failed`: one per notifier, events in the
/// order first written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notify {
    pub notifier: String,
    pub events: Vec<String>,
}

/// `deadline close - 15m` or `deadline 09:25 in America/New_York`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// `09:25`, `open + 30m`, `close - 15m`.
    pub at: String,
    /// The zone a time of day is read in.
    pub zone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handler {
    pub name: String,
    pub kind: HandlerKind,
    /// The shape of its answer, in `.pipe` syntax: `{ signals: [{ symbol: string }] }`.
    pub returns: Option<String>,
    pub env: BTreeMap<String, EnvValue>,
    pub max_output: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandlerKind {
    Exec {
        program: String,
        args: Vec<String>,
    },
    Shell {
        command: String,
    },
    Builtin {
        builtin: String,
        argument: Option<Value>,
    },
}

/// A secret is named, never valued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnvValue {
    Text(String),
    Secret(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySet {
    pub name: String,
    pub dates: Vec<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pipeline {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// A built-in calendar's code, or a calendar file's path.
    pub calendar: Option<String>,
    pub timezone: String,
    pub concurrency: u32,
    pub run_timeout_ms: Option<u64>,
    /// `error`, `last_wins` or `first_wins`.
    pub merge: String,
    pub cleanup: Option<String>,
    pub pre_open_ms: Option<u64>,
    pub post_close_ms: Option<u64>,
    pub stages: Vec<Stage>,
    pub triggers: Vec<Trigger>,
    pub sources: Vec<Source>,
    /// Left out when there are none, so pipelines without them keep their
    /// form and their plan hash.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notify: Vec<Notify>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Deadline>,
    /// The template the pipeline was made from (`pipeline x = t(…)`). Left
    /// out for other pipelines, and from the plan hash: where a pipeline's
    /// text came from is not what it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub name: String,
    pub title: Option<String>,
    pub best_effort: bool,
    /// In declaration order.
    pub tasks: Vec<Task>,
    pub gates: Vec<Gate>,
    /// Left out when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Deadline>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub name: String,
    pub run: Run,
    pub args: Vec<String>,
    /// The tasks it waits for, by name, sorted.
    pub after: Vec<String>,
    pub timeout_ms: u64,
    pub policy: Policy,
    /// 0 (optional) to 100 (critical).
    pub priority: u8,
    pub requires: Vec<String>,
    pub requires_wait_ms: u64,
    /// Day conditions, as written: `trading_days`, `not fomc`.
    pub when: Vec<String>,
    pub reads: Vec<String>,
    pub writes: Vec<String>,
    pub joins: bool,
    /// The executor it runs on, by name; left out when it runs here, so tasks
    /// without one keep their form and their plan hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executor: Option<String>,
    /// `for … in …`; left out for a task that runs once, so such tasks keep
    /// their form and their plan hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fan_out: Option<FanOut>,
}

/// A fan-out: one instance per item of the list at `over`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FanOut {
    pub binding: String,
    /// The context key, with fields: `data.symbols`.
    pub over: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gather: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<u32>,
    /// `2` or `10%`.
    pub max_failures: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Run {
    Handler(String),
    Pipeline(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    Abort,
    Fail,
    Warn,
    Skip,
    Default {
        value: Value,
    },
    Retry {
        retries: u32,
        /// `fixed` (the waits, the last repeating) or `exponential`.
        backoff: BackoffForm,
        then: Box<Policy>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackoffForm {
    Fixed {
        waits_ms: Vec<u64>,
    },
    Exponential {
        base_ms: u64,
        max_ms: u64,
        jitter: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gate {
    pub name: String,
    pub description: Option<String>,
    /// The expression as `pipec fmt` writes it.
    pub expr: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub name: String,
    /// `at 10:00`, `at close + 30m`, `every 15m during SESSION`, `cron "…"`.
    pub timing: String,
    pub zone: String,
    pub calendar: Option<String>,
    pub days: Vec<String>,
    pub stages: Vec<String>,
    /// `skip`, or `run_late within 4h`.
    pub missed: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub name: String,
    pub producer: String,
    /// `5m` or `1 sessions`.
    pub green: String,
    pub yellow: String,
}

impl Program {
    pub fn of(program: &IrProgram) -> Program {
        Program {
            format_version: FORMAT_VERSION,
            handlers: program.handlers.iter().map(Handler::of).collect(),
            day_sets: program
                .day_sets
                .iter()
                .map(|d| DaySet {
                    name: d.name.clone(),
                    dates: d.dates.clone(),
                })
                .collect(),
            pipelines: program
                .pipelines
                .iter()
                .map(|p| Pipeline::of(program, p))
                .collect(),
            notifiers: program.notifiers.iter().map(Notifier::of).collect(),
            executors: program.executors.iter().map(Executor::of).collect(),
            sources: program
                .sources
                .iter()
                .map(|s| SharedSource {
                    name: s.name.clone(),
                    green: age(s.green),
                    yellow: age(s.yellow),
                    calendar: s.calendar.clone(),
                })
                .collect(),
        }
    }
}

impl Executor {
    pub(crate) fn of(e: &super::Executor) -> Executor {
        let kind = match &e.kind {
            IrExecutorKind::Ray { address, resources } => ExecutorKind::Ray {
                address: address.clone(),
                num_cpus: resources.num_cpus,
                num_gpus: resources.num_gpus,
                memory_bytes: resources.memory_bytes,
            },
        };
        Executor {
            name: e.name.clone(),
            kind,
        }
    }
}

impl Notifier {
    pub(crate) fn of(n: &super::Notifier) -> Notifier {
        let target = match &n.target {
            NotifyTarget::Webhook { url } => Target::Webhook {
                url: EnvValue::of(url),
            },
            NotifyTarget::Slack { url } => Target::Slack {
                url: EnvValue::of(url),
            },
            NotifyTarget::Exec { program, args, .. } => Target::Exec {
                program: program.clone(),
                args: args.clone(),
            },
        };
        Notifier {
            name: n.name.clone(),
            target,
        }
    }
}

impl EnvValue {
    fn of(v: &IrEnv) -> EnvValue {
        match v {
            IrEnv::Text(t) => EnvValue::Text(t.clone()),
            IrEnv::Secret(name) => EnvValue::Secret(name.clone()),
        }
    }
}

impl Deadline {
    fn of(d: &IrDeadline) -> Deadline {
        let timing = words::timing(&Timing::At(d.at.clone()));
        Deadline {
            at: timing.strip_prefix("at ").unwrap_or(&timing).to_string(),
            zone: d.zone.name().to_string(),
        }
    }
}

impl Handler {
    pub(crate) fn of(h: &super::Handler) -> Handler {
        let kind = match &h.kind {
            IrKind::Exec { program, args } => HandlerKind::Exec {
                program: program.clone(),
                args: args.clone(),
            },
            IrKind::Shell { command } => HandlerKind::Shell {
                command: command.clone(),
            },
            IrKind::Builtin(b) => {
                let (builtin, argument) = match b {
                    Builtin::Noop => ("noop", None),
                    Builtin::Sleep { millis } => {
                        ("sleep", Some(Value::String(words::duration(*millis))))
                    }
                    Builtin::Fail { message } => ("fail", Some(Value::String(message.clone()))),
                    Builtin::Emit { value } => ("emit", Some(value.clone())),
                    Builtin::Flaky { failures } => ("flaky", Some(Value::from(*failures))),
                };
                HandlerKind::Builtin {
                    builtin: builtin.to_string(),
                    argument,
                }
            }
        };
        Handler {
            name: h.name.clone(),
            kind,
            returns: h.returns.as_ref().map(super::Shape::describe),
            env: h
                .env
                .iter()
                .map(|(k, v)| (k.clone(), EnvValue::of(v)))
                .collect(),
            max_output: h.max_output,
        }
    }
}

impl Pipeline {
    pub(crate) fn of(program: &IrProgram, p: &super::Pipeline) -> Pipeline {
        let stages = p
            .stages
            .iter()
            .map(|stage| Stage {
                name: stage.name.clone(),
                title: stage.title.clone(),
                best_effort: stage.best_effort,
                tasks: stage
                    .tasks
                    .iter()
                    .map(|&t| Task::of(program, p, t))
                    .collect(),
                gates: stage
                    .gates
                    .iter()
                    .map(|g| Gate {
                        name: g.name.clone(),
                        description: g.description.clone(),
                        expr: g.text.clone(),
                    })
                    .collect(),
                deadline: stage.deadline.as_ref().map(Deadline::of),
            })
            .collect();
        let stage_name = |s: super::StageId| p.stage(s).name.clone();
        Pipeline {
            name: p.name.clone(),
            title: p.title.clone(),
            description: p.description.clone(),
            calendar: p.calendar.as_ref().map(|c| match c {
                CalendarChoice::Builtin(code) => code.clone(),
                CalendarChoice::File(path) => path.display().to_string(),
            }),
            timezone: p.timezone.name().to_string(),
            concurrency: p.concurrency,
            run_timeout_ms: p.run_timeout_millis,
            merge: match p.merge {
                super::MergeStrategy::Error => "error",
                super::MergeStrategy::LastWins => "last_wins",
                super::MergeStrategy::FirstWins => "first_wins",
            }
            .to_string(),
            cleanup: p.cleanup.map(|h| program.handler(h).name.clone()),
            pre_open_ms: p.pre_open_millis,
            post_close_ms: p.post_close_millis,
            stages,
            triggers: p
                .triggers
                .iter()
                .map(|t| Trigger {
                    name: t.name.clone(),
                    timing: words::timing(&t.timing),
                    zone: t.zone.name().to_string(),
                    calendar: t.calendar.clone(),
                    days: t
                        .days
                        .iter()
                        .map(|d| words::day_condition(program, d))
                        .collect(),
                    stages: t.stages.iter().map(|&s| stage_name(s)).collect(),
                    missed: match t.missed {
                        Missed::Skip => "skip".to_string(),
                        Missed::RunLate { within_millis } => {
                            format!("run_late within {}", words::duration(within_millis))
                        }
                    },
                })
                .collect(),
            sources: p
                .sources
                .iter()
                .map(|s| Source {
                    name: s.name.clone(),
                    producer: p.task(s.producer).name.clone(),
                    green: age(s.green),
                    yellow: age(s.yellow),
                })
                .collect(),
            notify: p
                .notify
                .iter()
                .map(|n| Notify {
                    notifier: program.notifier(n.notifier).name.clone(),
                    events: n.events.iter().map(|e| e.name().to_string()).collect(),
                })
                .collect(),
            deadline: p.deadline.as_ref().map(Deadline::of),
            template: p.template.clone(),
        }
    }
}

impl Task {
    pub(crate) fn of(program: &IrProgram, p: &super::Pipeline, t: super::TaskId) -> Task {
        let task = p.task(t);
        let mut after: Vec<String> = p.dependencies(t).map(|d| p.task(d).name.clone()).collect();
        after.sort_unstable();
        Task {
            name: task.name.clone(),
            run: match task.work {
                Work::Handler(h) => Run::Handler(program.handler(h).name.clone()),
                Work::Pipeline(sub) => Run::Pipeline(program.pipeline(sub).name.clone()),
            },
            args: task.args.to_vec(),
            after,
            timeout_ms: task.timeout_millis,
            policy: Policy::of(&task.policy),
            priority: task.priority,
            requires: task.requires.iter().map(|s| s.name().to_string()).collect(),
            requires_wait_ms: task.requires_wait_millis,
            when: task
                .when
                .iter()
                .map(|d| words::day_condition(program, d))
                .collect(),
            reads: task.reads.to_vec(),
            writes: task.writes.to_vec(),
            joins: task.joins,
            executor: task.executor.map(|e| program.executor(e).name.clone()),
            fan_out: task.fan_out.as_ref().map(|f| FanOut {
                binding: f.binding.clone(),
                over: f.over.join("."),
                gather: f.gather.clone(),
                concurrency: f.limit,
                max_failures: f.max_failures.to_string(),
            }),
        }
    }
}

impl Policy {
    pub(crate) fn of(policy: &IrPolicy) -> Policy {
        match policy {
            IrPolicy::Abort => Policy::Abort,
            IrPolicy::Fail => Policy::Fail,
            IrPolicy::Warn => Policy::Warn,
            IrPolicy::Skip => Policy::Skip,
            IrPolicy::Default { value } => Policy::Default {
                value: (**value).clone(),
            },
            IrPolicy::Retry {
                retries,
                backoff,
                then,
            } => Policy::Retry {
                retries: *retries,
                backoff: match &**backoff {
                    Backoff::Fixed { millis } => BackoffForm::Fixed {
                        waits_ms: millis.clone(),
                    },
                    Backoff::Exponential {
                        base_millis,
                        max_millis,
                        jitter,
                    } => BackoffForm::Exponential {
                        base_ms: *base_millis,
                        max_ms: *max_millis,
                        jitter: *jitter,
                    },
                },
                then: Box::new(Policy::of(then)),
            },
        }
    }
}

fn age(age: Age) -> String {
    match age {
        Age::Millis(ms) => words::duration(ms),
        Age::Sessions(n) => format!("{n} sessions"),
    }
}
