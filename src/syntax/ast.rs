//! The abstract syntax tree: what a `.pipe` file says, in source order, with a
//! span on every node. Names are still text here; `check::resolve` binds them.

use crate::span::Span;
use chrono::{NaiveDate, NaiveTime};

/// A name as written, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// Any node with its span.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub(crate) fn new(node: T, span: Span) -> Spanned<T> {
        Spanned { node, span }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Import(Spanned<String>),
    Handler(Handler),
    Days(Days),
    Notifier(Notifier),
    Executor(Executor),
    Pipeline(Pipeline),
    Template(Template),
    Instance(Instance),
    /// A shared data source, declared once for the whole program.
    Source(Source),
}

// ---------------------------------------------------------------- handlers

#[derive(Debug, Clone, PartialEq)]
pub struct Handler {
    pub name: Name,
    pub settings: Vec<Spanned<HandlerSetting>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum HandlerSetting {
    Exec(Vec<Spanned<String>>),
    Shell(Spanned<String>),
    Builtin {
        name: Name,
        arg: Option<Spanned<Value>>,
    },
    Returns(Spanned<Shape>),
    Env(Vec<(Name, EnvValue)>),
    MaxOutput(Spanned<u64>),
}

/// A value in a handler's `env`: text, or `secret "NAME"`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvValue {
    /// The text, or the name of the variable a secret comes from.
    pub text: Spanned<String>,
    pub secret: bool,
    /// The whole value, `secret` included.
    pub span: Span,
}

/// The declared shape of JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Prim(Prim),
    List(Box<Spanned<Shape>>),
    Object(Vec<ShapeField>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prim {
    String,
    Int,
    Float,
    Bool,
    Timestamp,
    Any,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ShapeField {
    pub key: Name,
    pub optional: bool,
    pub shape: Spanned<Shape>,
}

/// A JSON value written in `.pipe` syntax.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Spanned<Value>>),
    Object(Vec<(Name, Spanned<Value>)>),
    /// Only as the argument of `builtin sleep`.
    Duration(Duration),
}

// ---------------------------------------------------------------- notifiers

/// `notifier ops { webhook "https://…" }`. The grammar admits any number of
/// targets; the checker wants exactly one.
#[derive(Debug, Clone, PartialEq)]
pub struct Notifier {
    pub name: Name,
    pub targets: Vec<Spanned<NotifierTarget>>,
    pub span: Span,
}

/// Where a notifier sends: a URL (text or `secret "VAR"`) or a command.
#[derive(Debug, Clone, PartialEq)]
pub enum NotifierTarget {
    Webhook(EnvValue),
    Slack(EnvValue),
    /// The program, then its arguments.
    Exec(Vec<Spanned<String>>),
}

// ---------------------------------------------------------------- executors

/// `executor cluster { ray "http://…:8265"  num_cpus 2 }`. The grammar admits
/// any settings in any number; the checker wants one `ray` and each resource
/// at most once.
#[derive(Debug, Clone, PartialEq)]
pub struct Executor {
    pub name: Name,
    pub settings: Vec<Spanned<ExecutorSetting>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExecutorSetting {
    /// The Ray dashboard's address.
    Ray(Spanned<String>),
    NumCpus(Spanned<f64>),
    NumGpus(Spanned<f64>),
    /// Bytes.
    Memory(Spanned<u64>),
}

// ---------------------------------------------------------------- day sets

#[derive(Debug, Clone, PartialEq)]
pub struct Days {
    pub name: Name,
    pub source: DaysSource,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DaysSource {
    File(Spanned<String>),
    List(Vec<Spanned<NaiveDate>>),
}

// ---------------------------------------------------------------- pipelines

#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    pub name: Name,
    pub title: Option<Spanned<String>>,
    pub settings: Vec<Spanned<PipelineSetting>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PipelineSetting {
    Description(Spanned<String>),
    Calendar(CalendarRef),
    Timezone(Name),
    Concurrency(Spanned<u64>),
    Timeout(Spanned<Duration>),
    RunTimeout(Spanned<Duration>),
    OnFailure(Box<Spanned<Policy>>),
    Priority(Spanned<PriorityValue>),
    Merge(Name),
    Cleanup(Name),
    PreOpen(Spanned<Duration>),
    PostClose(Spanned<Duration>),
    Stage(Stage),
    Trigger(Trigger),
    Source(Source),
    Notify(Box<Notify>),
    Deadline(Box<Deadline>),
    /// `executor NAME`, `executor local`.
    Executor(Name),
}

/// `notify ops on run_failed, gate_failed`.
#[derive(Debug, Clone, PartialEq)]
pub struct Notify {
    pub notifier: Name,
    pub events: Vec<Name>,
}

/// `deadline 09:25 in America/New_York` or `deadline close - 15m`.
#[derive(Debug, Clone, PartialEq)]
pub struct Deadline {
    pub at: At,
    /// `in ZONE`, only after a wall-clock time.
    pub zone: Option<Name>,
}

/// `calendar XNYS` or `calendar "calendars/broker.cal"`.
#[derive(Debug, Clone, PartialEq)]
pub enum CalendarRef {
    Builtin(Name),
    File(Spanned<String>),
}

/// A length of time in milliseconds, as written (`1h30m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration {
    pub millis: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PriorityValue {
    Number(u64),
    Named(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Policy {
    Abort,
    Fail,
    Warn,
    Skip,
    Default(Spanned<Value>),
    Retry {
        attempts: Spanned<u64>,
        backoff: Option<Spanned<Backoff>>,
        then: Option<Box<Spanned<Policy>>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Backoff {
    Fixed(Vec<Spanned<Duration>>),
    Exponential {
        base: Spanned<Duration>,
        max: Option<Spanned<Duration>>,
        jitter: bool,
    },
}

// ---------------------------------------------------------------- templates

/// `template market_dag(calendar, zone) "Title ${zone}" { ... }`: a pipeline
/// written once with parameters. The checker makes one pipeline of it per
/// [`Instance`]; nothing after the checker sees a template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub name: Name,
    pub params: Vec<Name>,
    pub title: Option<Spanned<String>>,
    pub settings: Vec<Spanned<TemplateSetting>>,
    pub span: Span,
}

/// A setting of a template's body: any pipeline setting (whose strings may
/// hold `${name}`), or a pipeline setting whose whole value is a parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplateSetting {
    Pipeline(PipelineSetting),
    Param(ParamSetting),
}

/// `timezone $zone`: the setting, and the parameter (its text without `$`,
/// its span over `$zone`).
#[derive(Debug, Clone, PartialEq)]
pub struct ParamSetting {
    pub place: ParamPlace,
    pub param: Name,
}

/// The pipeline settings whose value may be a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamPlace {
    Calendar,
    Timezone,
    Concurrency,
    Timeout,
    RunTimeout,
    PreOpen,
    PostClose,
}

impl ParamPlace {
    /// The setting's keyword.
    pub(crate) fn keyword(self) -> &'static str {
        match self {
            ParamPlace::Calendar => "calendar",
            ParamPlace::Timezone => "timezone",
            ParamPlace::Concurrency => "concurrency",
            ParamPlace::Timeout => "timeout",
            ParamPlace::RunTimeout => "run_timeout",
            ParamPlace::PreOpen => "pre_open",
            ParamPlace::PostClose => "post_close",
        }
    }
}

/// `pipeline market_us = market_dag(calendar: XNYS, region: "United States")`.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub name: Name,
    pub template: Name,
    pub args: Vec<Argument>,
    pub span: Span,
}

/// `zone: America/New_York`.
#[derive(Debug, Clone, PartialEq)]
pub struct Argument {
    pub name: Name,
    pub value: Spanned<ArgValue>,
}

/// What an argument is, as written.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgValue {
    /// A bare word: a calendar code, a zone (`America/New_York`).
    Word(String),
    /// A quoted string.
    Text(String),
    Duration(Duration),
    Number(u64),
}

// ---------------------------------------------------------------- stages and tasks

#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub name: Name,
    pub title: Option<Spanned<String>>,
    pub settings: Vec<Spanned<StageSetting>>,
    pub span: Span,
}

/// `requires STATE, … [wait DURATION]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Requires {
    pub states: Vec<Name>,
    /// How long a ready task may wait for one of the states; none: it does not wait.
    pub wait: Option<Spanned<Duration>>,
}

/// Big variants are boxed: a stage holds one setting per task, and a task
/// one per line, so the size of the enum is paid 100,000 times over.
#[derive(Debug, Clone, PartialEq)]
pub enum StageSetting {
    BestEffort,
    Requires(Box<Requires>),
    When(When),
    Timeout(Spanned<Duration>),
    OnFailure(Box<Spanned<Policy>>),
    Task(Task),
    Flow(Vec<Spanned<Vec<Name>>>),
    Gate(Box<Gate>),
    Deadline(Box<Deadline>),
    Executor(Name),
}

/// `when fomc_day` / `when not market_closed`.
#[derive(Debug, Clone, PartialEq)]
pub struct When {
    pub negated: bool,
    pub days: Name,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub name: Name,
    /// `None` for `task x` with no braces; `Some(vec![])` for `task x {}`.
    pub settings: Option<Vec<Spanned<TaskSetting>>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TaskSetting {
    Run(Name),
    RunPipeline(Name),
    Args(Vec<Spanned<String>>),
    After(Vec<Name>),
    Joins(Vec<Name>),
    Reads(Vec<Name>),
    Timeout(Spanned<Duration>),
    OnFailure(Box<Spanned<Policy>>),
    Priority(Spanned<PriorityValue>),
    Requires(Box<Requires>),
    When(When),
    Executor(Name),
    /// `for symbol in universe`: a fan-out over a list in the context.
    /// Boxed: it is the biggest setting, and every setting of every task
    /// would be as big.
    ForEach(Box<ForEach>),
    /// `gather scores`: where a fan-out's outputs go.
    Gather(Name),
    /// `concurrency 4`: a fan-out's own limit on instances at once.
    Concurrency(Spanned<u64>),
    /// `max_failures 2` or `max_failures 10%`.
    MaxFailures(Spanned<Tolerance>),
    /// `produces price_data, fundamentals`: shared sources it refreshes.
    Produces(Vec<Name>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForEach {
    /// The name the item is handed to the handler under.
    pub binding: Name,
    /// The context key (with fields, `data.symbols`) holding the list.
    pub over: Name,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tolerance {
    Count(u64),
    Percent(u64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    pub name: Name,
    pub description: Option<Spanned<String>>,
    pub expr: Expr,
    pub span: Span,
}

// ---------------------------------------------------------------- triggers and sources

#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    pub name: Name,
    pub settings: Vec<Spanned<TriggerSetting>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TriggerSetting {
    At(At),
    Every {
        interval: Spanned<Duration>,
        from: Name,
        to: Name,
    },
    Cron(Spanned<String>),
    In(Name),
    On(Vec<Name>),
    Stages(StageSelection),
    Missed(Missed),
    Calendar(CalendarRef),
}

#[derive(Debug, Clone, PartialEq)]
pub enum At {
    Clock(Spanned<NaiveTime>),
    Open(i64),
    Close(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub enum StageSelection {
    Range(Name, Name),
    List(Vec<Name>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Missed {
    Skip,
    RunLate(Spanned<Duration>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub name: Name,
    pub settings: Vec<Spanned<SourceSetting>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SourceSetting {
    Producer(Name),
    Green(Spanned<Age>),
    Yellow(Spanned<Age>),
    /// The calendar a shared source's ages in sessions count.
    Calendar(CalendarRef),
}

/// A freshness threshold: wall-clock time or trading sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Age {
    Wall(Duration),
    Sessions(u64),
}

// ---------------------------------------------------------------- expressions

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Duration(Duration),
    Name(String),
    Field(Box<Expr>, Name),
    Call(Name, Vec<Expr>),
    Lambda(Name, Box<Expr>),
    List(Vec<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinaryOp {
    /// Binding strength, as in the parser's Pratt table (higher binds tighter).
    /// Prefix `not` sits at 3, between `and` and the comparisons; unary minus at 7.
    pub(crate) fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::In => 4,
            BinaryOp::Add | BinaryOp::Sub => 5,
            BinaryOp::Mul | BinaryOp::Div => 6,
        }
    }

    pub(crate) fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}
