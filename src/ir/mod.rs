//! The intermediate representation: a checked program with every name bound and
//! every default filled in. The interpreter, the graph back ends and the daemon
//! read only this; nothing here can hold an unresolved name.
//!
//! Each pipeline's tasks are a petgraph DAG whose edges point from a dependency
//! to its dependent.

mod executor;
mod expr;
mod fan_out;
mod few;
mod market;
mod market_error;
mod notify;
mod policy;
pub mod public;
mod schedule;
mod shape;
mod trigger;
pub mod words;

pub(crate) use executor::{Executor, ExecutorId, ExecutorKind, Resources};
pub(crate) use expr::{BinaryOp, Expr, ExprKind, Function, Type, UnaryOp};
pub use fan_out::{FanOut, Tolerance};
pub use few::Few;
pub(crate) use market::Market;
pub(crate) use market_error::MarketError;
pub use notify::NotifyEvent;
pub(crate) use notify::{Deadline, Notifier, NotifierId, Notify, NotifyTarget};
pub use policy::{Backoff, Policy, Terminal};
pub(crate) use schedule::day_set;
pub(crate) use shape::{Field, Shape};
pub(crate) use trigger::{At, DayCondition, DayRef, Missed, Timing, Trigger};

use crate::span::Span;
use crate::time::market_state::MarketState;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

pub(crate) type TaskId = NodeIndex<u32>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct HandlerId(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PipelineId(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StageId(pub u32);
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DaySetId(pub u32);

/// Everything one compilation produced: the pipelines of the root file and of
/// what it imports, and the handlers and day sets they share.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Program {
    pub pipelines: Vec<Pipeline>,
    pub handlers: Vec<Handler>,
    pub day_sets: Vec<DaySet>,
    pub(crate) notifiers: Vec<Notifier>,
    pub(crate) executors: Vec<Executor>,
    /// The shared data sources (`source` at top level), each once.
    #[serde(default)]
    pub sources: Vec<SharedSource>,
}

impl Program {
    pub(crate) fn handler(&self, id: HandlerId) -> &Handler {
        &self.handlers[id.0 as usize]
    }

    pub fn pipeline(&self, id: PipelineId) -> &Pipeline {
        &self.pipelines[id.0 as usize]
    }

    pub(crate) fn executor(&self, id: ExecutorId) -> &Executor {
        &self.executors[id.0 as usize]
    }

    pub(crate) fn notifier(&self, id: NotifierId) -> &Notifier {
        &self.notifiers[id.0 as usize]
    }

    pub(crate) fn day_set(&self, id: DaySetId) -> &DaySet {
        &self.day_sets[id.0 as usize]
    }

    pub fn find_pipeline(&self, name: &str) -> Option<PipelineId> {
        self.pipelines
            .iter()
            .position(|p| p.name == name)
            .map(|i| PipelineId(i as u32))
    }
}

/// A value of a handler's `env`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnvValue {
    Text(String),
    /// The value of pipec's own environment variable of this name, hidden
    /// (`***`) in everything pipec records or prints.
    Secret(String),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Handler {
    pub name: String,
    pub kind: HandlerKind,
    pub returns: Option<Shape>,
    pub env: Vec<(String, EnvValue)>,
    /// The most bytes of stdout kept; more fails the task.
    pub max_output: u64,
    /// The folder of the file that declares the handler: relative programs resolve here.
    pub base_dir: PathBuf,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandlerKind {
    Exec { program: String, args: Vec<String> },
    Shell { command: String },
    Builtin(Builtin),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Builtin {
    Noop,
    Sleep { millis: u64 },
    Fail { message: String },
    Emit { value: serde_json::Value },
    Flaky { failures: u32 },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DaySet {
    pub name: String,
    pub dates: Vec<chrono::NaiveDate>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pipeline {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub calendar: Option<CalendarChoice>,
    /// A calendar file's calendar, parsed once by the checker: nothing after
    /// `check` reads the file again.
    #[serde(skip)]
    pub file_calendar: Option<std::sync::Arc<crate::time::calendar::Calendar>>,
    /// The IANA zone triggers use unless they name their own.
    pub timezone: chrono_tz::Tz,
    pub concurrency: u32,
    /// `run_timeout`: the longest a run of this pipeline (as the run's own
    /// pipeline, not as a sub-pipeline) may take.
    pub run_timeout_millis: Option<u64>,
    pub merge: MergeStrategy,
    pub cleanup: Option<HandlerId>,
    pub pre_open_millis: Option<u64>,
    pub post_close_millis: Option<u64>,
    pub stages: Vec<Stage>,
    pub dag: DiGraph<Task, Dependency, u32>,
    pub triggers: Vec<Trigger>,
    pub sources: Vec<Source>,
    /// Who is told of what (`notify`).
    pub(crate) notify: Vec<Notify>,
    /// By when a run must have ended.
    pub(crate) deadline: Option<Deadline>,
    /// The folder of the declaring file: handlers run from here.
    pub base_dir: PathBuf,
    pub span: Span,
    /// The template the pipeline was made from, if it is an instance of one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

impl Pipeline {
    pub(crate) fn stage(&self, id: StageId) -> &Stage {
        &self.stages[id.0 as usize]
    }

    pub fn task(&self, id: TaskId) -> &Task {
        &self.dag[id]
    }

    pub(crate) fn find_task(&self, name: &str) -> Option<TaskId> {
        self.dag.node_indices().find(|&i| self.dag[i].name == name)
    }

    /// The tasks a task waits for.
    pub(crate) fn dependencies(&self, id: TaskId) -> impl Iterator<Item = TaskId> + '_ {
        self.dag
            .neighbors_directed(id, petgraph::Direction::Incoming)
    }

    /// The tasks waiting for this one.
    pub(crate) fn dependents(&self, id: TaskId) -> impl Iterator<Item = TaskId> + '_ {
        self.dag
            .neighbors_directed(id, petgraph::Direction::Outgoing)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarChoice {
    Builtin(String),
    File(PathBuf),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergeStrategy {
    /// Two branches writing the same non-list key is an error.
    Error,
    /// The later-declared branch wins.
    LastWins,
    /// The earlier-declared branch wins.
    FirstWins,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stage {
    pub name: String,
    pub title: Option<String>,
    pub best_effort: bool,
    /// Checked in order when the stage ends; all must hold.
    pub gates: Vec<Gate>,
    /// In declaration order, which is also branch-merge order.
    pub tasks: Vec<TaskId>,
    /// By when the stage must have ended.
    pub(crate) deadline: Option<Deadline>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Task {
    pub name: String,
    pub stage: StageId,
    pub work: Work,
    pub args: Few<String>,
    pub timeout_millis: u64,
    pub policy: Policy,
    /// 0 (optional) to 100 (critical).
    pub priority: u8,
    /// Market states the task may run in; empty means any.
    pub requires: Few<MarketState>,
    /// How long a ready task waits for one of `requires` (0: it does not
    /// wait; out of those states it is skipped at once).
    pub requires_wait_millis: u64,
    /// Day conditions, all of which must hold for the task to run.
    pub when: Few<DayCondition>,
    pub reads: Few<String>,
    /// Where each of `reads` is written, for the checker's labels.
    #[serde(skip)]
    pub(crate) read_spans: Few<Span>,
    /// Top-level context keys the task's output adds.
    pub writes: Few<String>,
    /// A merge step: it receives the outputs of the tasks it joins apart.
    pub joins: bool,
    /// Where it runs: `None` here, else a declared cluster (`executor`,
    /// inherited from its stage and pipeline like `timeout`).
    pub(crate) executor: Option<ExecutorId>,
    /// `for … in …`: it runs once per item of a list (see `FanOut`).
    /// Boxed: few tasks fan out, and inline it would be a large part of
    /// every task's size.
    pub fan_out: Option<Box<FanOut>>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Work {
    Handler(HandlerId),
    Pipeline(PipelineId),
}

/// Why an edge exists, and where the user wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Gate {
    pub name: String,
    pub description: Option<String>,
    pub expr: Expr,
    /// The expression as `pipec fmt` writes it (the public IR's form).
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Source {
    pub name: String,
    pub producer: TaskId,
    pub green: Age,
    pub yellow: Age,
    pub span: Span,
    /// A shared source this pipeline's task produces (`produces`), judged
    /// once for the program from `Program::sources`; otherwise the
    /// pipeline's own, judged from this producer alone.
    #[serde(default)]
    pub shared: bool,
}

/// `source price_data { green 5m  yellow 15m }` at top level: one source for
/// the whole program, fresh from its latest production by any task that
/// `produces` it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SharedSource {
    pub name: String,
    pub green: Age,
    pub yellow: Age,
    /// The built-in calendar whose sessions its ages in sessions count.
    pub calendar: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Age {
    Millis(u64),
    Sessions(u32),
}
