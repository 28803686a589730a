//! Handlers, notifiers, executors, day sets, pipelines, stages, tasks, gates, triggers
//! and data sources, with their settings.

use super::{exact, first, next, unreachable_name, Builder};
use crate::diagnostic::Code;
use crate::syntax::ast::*;
use crate::syntax::grammar::Rule;
use crate::syntax::literal;
use pest::iterators::Pair;

impl Builder {
    pub(super) fn handler(&mut self, pair: Pair<Rule>) -> Handler {
        let (name, _, settings, span) = self.block(pair, Self::handler_setting);
        Handler {
            name,
            settings,
            span,
        }
    }

    fn handler_setting(&mut self, pair: Pair<Rule>) -> HandlerSetting {
        match pair.as_rule() {
            Rule::exec => HandlerSetting::Exec(pair.into_inner().map(|p| self.string(p)).collect()),
            Rule::shell => HandlerSetting::Shell(self.string(first(pair))),
            Rule::builtin => {
                let mut inner = pair.into_inner();
                let name = self.name(next(&mut inner));
                let arg = inner.next().map(|p| self.value(p));
                HandlerSetting::Builtin { name, arg }
            }
            Rule::returns => HandlerSetting::Returns(self.shape(first(pair))),
            Rule::env => HandlerSetting::Env(
                pair.into_inner()
                    .map(|entry| {
                        let mut inner = entry.into_inner();
                        let key = self.key(next(&mut inner));
                        let value = self.env_value(next(&mut inner));
                        (key, value)
                    })
                    .collect(),
            ),
            _ => {
                let p = first(pair);
                let span = self.span(&p);
                let bytes = literal::size(p.as_str()).unwrap_or_else(|message| {
                    self.literal_error(
                        Code::SizeOutOfRange,
                        span,
                        message,
                        "a size is a whole number of `B`, `KB`, `MB` or `GB`, such as `1MB`",
                    );
                    0
                });
                HandlerSetting::MaxOutput(Spanned::new(bytes, span))
            }
        }
    }

    /// A string, or `secret "NAME"`: an `env` value, a notifier's URL.
    fn env_value(&mut self, value: Pair<Rule>) -> EnvValue {
        let span = self.span(&value);
        match value.as_rule() {
            Rule::secret => EnvValue {
                text: self.string(first(value)),
                secret: true,
                span,
            },
            _ => EnvValue {
                text: self.string(value),
                secret: false,
                span,
            },
        }
    }

    pub(super) fn notifier(&mut self, pair: Pair<Rule>) -> Notifier {
        let (name, _, targets, span) = self.block(pair, Self::notifier_target);
        Notifier {
            name,
            targets,
            span,
        }
    }

    fn notifier_target(&mut self, pair: Pair<Rule>) -> NotifierTarget {
        match pair.as_rule() {
            Rule::webhook => NotifierTarget::Webhook(self.env_value(first(pair))),
            Rule::slack => NotifierTarget::Slack(self.env_value(first(pair))),
            _ => NotifierTarget::Exec(pair.into_inner().map(|p| self.string(p)).collect()),
        }
    }

    pub(super) fn executor(&mut self, pair: Pair<Rule>) -> Executor {
        let (name, _, settings, span) = self.block(pair, Self::executor_setting);
        Executor {
            name,
            settings,
            span,
        }
    }

    fn executor_setting(&mut self, pair: Pair<Rule>) -> ExecutorSetting {
        match pair.as_rule() {
            Rule::ray => ExecutorSetting::Ray(self.string(first(pair))),
            Rule::num_cpus => ExecutorSetting::NumCpus(self.resource_number(first(pair))),
            Rule::num_gpus => ExecutorSetting::NumGpus(self.resource_number(first(pair))),
            _ => {
                let p = first(pair);
                let span = self.span(&p);
                let bytes = literal::size(p.as_str()).unwrap_or_else(|message| {
                    self.literal_error(
                        Code::SizeOutOfRange,
                        span,
                        message,
                        "a size is a whole number of `B`, `KB`, `MB` or `GB`, such as `1MB`",
                    );
                    0
                });
                ExecutorSetting::Memory(Spanned::new(bytes, span))
            }
        }
    }

    /// A whole or decimal number, perhaps negative (the checker judges it).
    fn resource_number(&mut self, pair: Pair<Rule>) -> Spanned<f64> {
        let span = self.span(&pair);
        // The grammar admits only an optional `-`, digits and an optional
        // fraction, which always parse as an `f64`.
        Spanned::new(pair.as_str().parse().unwrap_or(0.0), span)
    }

    pub(super) fn days(&mut self, pair: Pair<Rule>) -> Days {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.name(next(&mut inner));
        let source = next(&mut inner);
        let source = if source.as_rule() == Rule::string {
            DaysSource::File(self.string(source))
        } else {
            DaysSource::List(source.into_inner().map(|d| self.date(d)).collect())
        };
        Days { name, source, span }
    }

    pub(super) fn pipeline(&mut self, pair: Pair<Rule>) -> Pipeline {
        let (name, title, settings, span) = self.block(pair, Self::pipeline_setting);
        Pipeline {
            name,
            title,
            settings,
            span,
        }
    }

    pub(super) fn pipeline_setting(&mut self, pair: Pair<Rule>) -> PipelineSetting {
        match pair.as_rule() {
            Rule::description => PipelineSetting::Description(self.string(first(pair))),
            Rule::calendar => PipelineSetting::Calendar(self.calendar(first(pair))),
            Rule::timezone => PipelineSetting::Timezone(self.name(first(pair))),
            Rule::concurrency => PipelineSetting::Concurrency(self.integer(first(pair))),
            Rule::timeout => PipelineSetting::Timeout(self.duration(first(pair))),
            Rule::run_timeout => PipelineSetting::RunTimeout(self.duration(first(pair))),
            Rule::on_failure => PipelineSetting::OnFailure(Box::new(self.policy(first(pair)))),
            Rule::priority => PipelineSetting::Priority(self.priority(first(pair))),
            Rule::merge => PipelineSetting::Merge(self.name(first(pair))),
            Rule::cleanup => PipelineSetting::Cleanup(self.name(first(pair))),
            Rule::pre_open => PipelineSetting::PreOpen(self.duration(first(pair))),
            Rule::post_close => PipelineSetting::PostClose(self.duration(first(pair))),
            Rule::stage => PipelineSetting::Stage(self.stage(pair)),
            Rule::trigger => PipelineSetting::Trigger(self.trigger(pair)),
            Rule::notify => PipelineSetting::Notify(Box::new(self.notify(pair))),
            Rule::deadline => PipelineSetting::Deadline(Box::new(self.deadline(pair))),
            Rule::run_on => PipelineSetting::Executor(self.name(first(pair))),
            _ => PipelineSetting::Source(self.source(pair)),
        }
    }

    fn notify(&mut self, pair: Pair<Rule>) -> Notify {
        let mut inner = pair.into_inner();
        let notifier = self.name(next(&mut inner));
        let events = self.names(inner);
        Notify { notifier, events }
    }

    /// `deadline TIME [in ZONE]` or `deadline open|close [± D]`.
    fn deadline(&mut self, pair: Pair<Rule>) -> Deadline {
        let mut inner = pair.into_inner();
        let at = self.at(next(&mut inner));
        let zone = inner.next().map(|in_zone| self.name(first(in_zone)));
        Deadline { at, zone }
    }

    fn calendar(&mut self, pair: Pair<Rule>) -> CalendarRef {
        if pair.as_rule() == Rule::string {
            CalendarRef::File(self.string(pair))
        } else {
            CalendarRef::Builtin(self.name(pair))
        }
    }

    fn priority(&mut self, pair: Pair<Rule>) -> Spanned<PriorityValue> {
        let span = self.span(&pair);
        let value = if pair.as_rule() == Rule::integer {
            PriorityValue::Number(self.integer(pair).node)
        } else {
            PriorityValue::Named(pair.as_str().to_string())
        };
        Spanned::new(value, span)
    }

    fn policy(&mut self, pair: Pair<Rule>) -> Spanned<Policy> {
        let span = self.span(&pair);
        let policy = match pair.as_rule() {
            Rule::abort => Policy::Abort,
            Rule::fail => Policy::Fail,
            Rule::warn => Policy::Warn,
            Rule::skip => Policy::Skip,
            Rule::default => Policy::Default(self.value(first(pair))),
            _ => {
                let mut inner = pair.into_inner();
                let attempts = self.integer(next(&mut inner));
                let mut backoff = None;
                let mut then = None;
                for p in inner {
                    if p.as_rule() == Rule::backoff {
                        backoff = Some(self.backoff(p));
                    } else {
                        then = Some(Box::new(self.policy(p)));
                    }
                }
                Policy::Retry {
                    attempts,
                    backoff,
                    then,
                }
            }
        };
        Spanned::new(policy, span)
    }

    fn backoff(&mut self, pair: Pair<Rule>) -> Spanned<Backoff> {
        let span = self.span(&pair);
        let body = first(pair);
        let backoff = if body.as_rule() == Rule::exponential {
            let mut inner = body.into_inner();
            let base = self.duration(next(&mut inner));
            let mut max = None;
            let mut jitter = false;
            for p in inner {
                if p.as_rule() == Rule::jitter {
                    jitter = true;
                } else {
                    max = Some(self.duration(p));
                }
            }
            Backoff::Exponential { base, max, jitter }
        } else {
            Backoff::Fixed(body.into_inner().map(|p| self.duration(p)).collect())
        };
        Spanned::new(backoff, span)
    }

    /// The settings of a piece of a stage's body (`split.rs`).
    pub(in crate::syntax) fn stage_body(&mut self, body: Pair<Rule>) -> Vec<Spanned<StageSetting>> {
        let inner = body.into_inner();
        // Every pair but the last, `EOI`.
        let settings = inner.len().saturating_sub(1);
        exact(
            inner
                .take(settings)
                .map(|p| self.spanned(p, Self::stage_setting)),
        )
    }

    fn stage(&mut self, pair: Pair<Rule>) -> Stage {
        let (name, title, settings, span) = self.block(pair, Self::stage_setting);
        Stage {
            name,
            title,
            settings,
            span,
        }
    }

    fn stage_setting(&mut self, pair: Pair<Rule>) -> StageSetting {
        match pair.as_rule() {
            Rule::best_effort => StageSetting::BestEffort,
            Rule::requires => StageSetting::Requires(Box::new(self.requires(pair))),
            Rule::when => StageSetting::When(self.when(pair)),
            Rule::timeout => StageSetting::Timeout(self.duration(first(pair))),
            Rule::on_failure => StageSetting::OnFailure(Box::new(self.policy(first(pair)))),
            Rule::task => StageSetting::Task(self.task(pair)),
            Rule::deadline => StageSetting::Deadline(Box::new(self.deadline(pair))),
            Rule::run_on => StageSetting::Executor(self.name(first(pair))),
            Rule::flow => StageSetting::Flow(
                pair.into_inner()
                    .map(|step| {
                        let span = self.span(&step);
                        Spanned::new(self.names(step.into_inner()), span)
                    })
                    .collect(),
            ),
            _ => StageSetting::Gate(Box::new(self.gate(pair))),
        }
    }

    fn when(&mut self, pair: Pair<Rule>) -> When {
        let mut negated = false;
        let mut days = None;
        for p in pair.into_inner() {
            if p.as_rule() == Rule::negation {
                negated = true;
            } else {
                days = Some(self.name(p));
            }
        }
        When {
            negated,
            days: days.unwrap_or_else(|| unreachable_name(self.file)),
        }
    }

    fn task(&mut self, pair: Pair<Rule>) -> Task {
        let span = self.span(&pair);
        let text = pair.as_str();
        let mut inner = pair.into_inner();
        let name = self.name(next(&mut inner));
        let settings = exact(inner.map(|p| self.spanned(p, Self::task_setting)));
        // `task x {}` and `task x` mean the same but are kept apart for `fmt`.
        let braces = text.trim_end().ends_with('}');
        Task {
            name,
            settings: braces.then_some(settings),
            span,
        }
    }

    fn task_setting(&mut self, pair: Pair<Rule>) -> TaskSetting {
        match pair.as_rule() {
            Rule::run => {
                let target = first(pair);
                if target.as_rule() == Rule::run_pipeline {
                    TaskSetting::RunPipeline(self.name(first(target)))
                } else {
                    TaskSetting::Run(self.name(target))
                }
            }
            Rule::args => TaskSetting::Args(pair.into_inner().map(|p| self.string(p)).collect()),
            Rule::after => TaskSetting::After(self.names(pair.into_inner())),
            Rule::joins => TaskSetting::Joins(self.names(pair.into_inner())),
            Rule::reads => TaskSetting::Reads(self.names(pair.into_inner())),
            Rule::timeout => TaskSetting::Timeout(self.duration(first(pair))),
            Rule::on_failure => TaskSetting::OnFailure(Box::new(self.policy(first(pair)))),
            Rule::priority => TaskSetting::Priority(self.priority(first(pair))),
            Rule::requires => TaskSetting::Requires(Box::new(self.requires(pair))),
            Rule::run_on => TaskSetting::Executor(self.name(first(pair))),
            Rule::for_each => {
                let mut inner = pair.into_inner().filter(|p| p.as_rule() != Rule::in_word);
                let binding = self.name(next(&mut inner));
                let over = self.name(next(&mut inner));
                TaskSetting::ForEach(Box::new(ForEach { binding, over }))
            }
            Rule::gather => TaskSetting::Gather(self.name(first(pair))),
            Rule::concurrency => TaskSetting::Concurrency(self.integer(first(pair))),
            Rule::max_failures => TaskSetting::MaxFailures(self.tolerance(first(pair))),
            Rule::produces => TaskSetting::Produces(self.names(pair.into_inner())),
            _ => TaskSetting::When(self.when(pair)),
        }
    }

    fn gate(&mut self, pair: Pair<Rule>) -> Gate {
        let span = self.span(&pair);
        let mut inner = pair.into_inner().peekable();
        let name = self.name(next(&mut inner));
        let description = match inner.peek() {
            Some(p) if p.as_rule() == Rule::string => Some(self.string(next(&mut inner))),
            _ => None,
        };
        let expr = self.gate_expr(next(&mut inner));
        Gate {
            name,
            description,
            expr,
            span,
        }
    }

    fn trigger(&mut self, pair: Pair<Rule>) -> Trigger {
        let (name, _, settings, span) = self.block(pair, Self::trigger_setting);
        Trigger {
            name,
            settings,
            span,
        }
    }

    fn trigger_setting(&mut self, pair: Pair<Rule>) -> TriggerSetting {
        match pair.as_rule() {
            Rule::at => TriggerSetting::At(self.at(first(pair))),
            Rule::every => {
                let mut inner = pair.into_inner();
                let interval = self.duration(next(&mut inner));
                let window = next(&mut inner);
                let states: Vec<Name> = window.into_inner().map(|p| self.name(p)).collect();
                let from = states
                    .first()
                    .cloned()
                    .unwrap_or_else(|| unreachable_name(self.file));
                let to = states.get(1).cloned().unwrap_or_else(|| from.clone());
                TriggerSetting::Every { interval, from, to }
            }
            Rule::cron => TriggerSetting::Cron(self.string(first(pair))),
            Rule::in_zone => TriggerSetting::In(self.name(first(pair))),
            Rule::on_days => TriggerSetting::On(self.names(pair.into_inner())),
            Rule::stages => {
                let body = first_or_all(pair);
                TriggerSetting::Stages(match body {
                    StagesBody::Range(range) => {
                        let mut inner = range.into_inner();
                        let from = self.name(next(&mut inner));
                        let to = self.name(next(&mut inner));
                        StageSelection::Range(from, to)
                    }
                    StagesBody::List(pairs) => StageSelection::List(self.names(pairs.into_iter())),
                })
            }
            Rule::missed => {
                let body = first(pair);
                TriggerSetting::Missed(if body.as_rule() == Rule::missed_skip {
                    Missed::Skip
                } else {
                    Missed::RunLate(self.duration(first(body)))
                })
            }
            _ => TriggerSetting::Calendar(self.calendar(first(pair))),
        }
    }

    fn at(&mut self, pair: Pair<Rule>) -> At {
        if pair.as_rule() == Rule::time_of_day {
            return At::Clock(self.time(pair));
        }
        let mut inner = pair.into_inner();
        let anchor = next(&mut inner).as_str().to_string();
        let mut offset: i64 = 0;
        if let (Some(sign), Some(amount)) = (inner.next(), inner.next()) {
            let millis = i64::try_from(self.duration(amount).node.millis).unwrap_or(i64::MAX);
            offset = if sign.as_str() == "-" {
                -millis
            } else {
                millis
            };
        }
        if anchor == "open" {
            At::Open(offset)
        } else {
            At::Close(offset)
        }
    }

    pub(super) fn source(&mut self, pair: Pair<Rule>) -> Source {
        let (name, _, settings, span) = self.block(pair, Self::source_setting);
        Source {
            name,
            settings,
            span,
        }
    }

    fn source_setting(&mut self, pair: Pair<Rule>) -> SourceSetting {
        match pair.as_rule() {
            Rule::producer => SourceSetting::Producer(self.name(first(pair))),
            Rule::green => SourceSetting::Green(self.age(first(pair))),
            Rule::calendar => SourceSetting::Calendar(self.calendar(first(pair))),
            _ => SourceSetting::Yellow(self.age(first(pair))),
        }
    }

    fn age(&mut self, pair: Pair<Rule>) -> Spanned<Age> {
        let span = self.span(&pair);
        let age = if pair.as_rule() == Rule::sessions {
            Age::Sessions(self.integer(first(pair)).node)
        } else {
            Age::Wall(self.duration(pair).node)
        };
        Spanned::new(age, span)
    }

    fn requires(&mut self, pair: Pair<Rule>) -> Requires {
        let mut states = Vec::new();
        let mut wait = None;
        for part in pair.into_inner() {
            if part.as_rule() == Rule::requires_wait {
                // `wait_word`, then the duration.
                if let Some(d) = part.into_inner().find(|p| p.as_rule() == Rule::duration) {
                    wait = Some(self.duration(d));
                }
            } else {
                states.push(self.name(part));
            }
        }
        Requires { states, wait }
    }
}

enum StagesBody<'i> {
    Range(Pair<'i, Rule>),
    List(Vec<Pair<'i, Rule>>),
}

fn first_or_all(pair: Pair<'_, Rule>) -> StagesBody<'_> {
    let inner: Vec<_> = pair.into_inner().collect();
    match inner.first() {
        Some(p) if p.as_rule() == Rule::stage_range => StagesBody::Range(p.clone()),
        _ => StagesBody::List(inner),
    }
}
