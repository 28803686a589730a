//! The one-line text of simple settings: a keyword and its values, one space
//! apart. Settings that carry a value which may break (`default {…}`) are
//! split into the text before the value and the value.

use super::literal;
use crate::syntax::ast::*;

/// A setting's text, and the value that ends it when it has one.
pub(crate) struct Piece<'a> {
    pub text: String,
    pub value: Option<&'a Spanned<Value>>,
}

impl<'a> Piece<'a> {
    pub(crate) fn text(text: String) -> Piece<'a> {
        Piece { text, value: None }
    }

    /// The whole setting on one line.
    pub(crate) fn inline(&self) -> String {
        match self.value {
            Some(v) => format!("{}{}", self.text, super::value::value_inline(&v.node)),
            None => self.text.clone(),
        }
    }
}

pub(crate) fn names(names: &[Name]) -> String {
    let texts: Vec<&str> = names.iter().map(|n| n.text.as_str()).collect();
    texts.join(", ")
}

pub(crate) fn requires(r: &Requires) -> String {
    match &r.wait {
        Some(wait) => format!(
            "requires {} wait {}",
            names(&r.states),
            literal::duration(wait.node)
        ),
        None => format!("requires {}", names(&r.states)),
    }
}

pub(crate) fn strings(strings: &[Spanned<String>]) -> String {
    let texts: Vec<String> = strings.iter().map(|s| literal::string(&s.node)).collect();
    texts.join(" ")
}

pub(crate) fn calendar(c: &CalendarRef) -> String {
    match c {
        CalendarRef::Builtin(name) => format!("calendar {}", name.text),
        CalendarRef::File(path) => format!("calendar {}", literal::string(&path.node)),
    }
}

pub(crate) fn priority(p: &PriorityValue) -> String {
    match p {
        PriorityValue::Number(n) => format!("priority {n}"),
        PriorityValue::Named(name) => format!("priority {name}"),
    }
}

pub(crate) fn when(w: &When) -> String {
    let not = if w.negated { "not " } else { "" };
    format!("when {not}{}", w.days.text)
}

/// `on_failure POLICY`; a `default` value, possibly after `retry … then`, is
/// the piece's value.
pub(crate) fn on_failure(policy: &Spanned<Policy>) -> Piece<'_> {
    let mut piece = Piece::text("on_failure ".to_string());
    push_policy(&mut piece, &policy.node);
    piece
}

fn push_policy<'a>(piece: &mut Piece<'a>, policy: &'a Policy) {
    match policy {
        Policy::Abort => piece.text.push_str("abort"),
        Policy::Fail => piece.text.push_str("fail"),
        Policy::Warn => piece.text.push_str("warn"),
        Policy::Skip => piece.text.push_str("skip"),
        Policy::Default(value) => {
            piece.text.push_str("default ");
            piece.value = Some(value);
        }
        Policy::Retry {
            attempts,
            backoff,
            then,
        } => {
            piece.text.push_str(&format!("retry {}", attempts.node));
            if let Some(backoff) = backoff {
                piece.text.push(' ');
                piece.text.push_str(&self::backoff(&backoff.node));
            }
            if let Some(then) = then {
                piece.text.push_str(" then ");
                push_policy(piece, &then.node);
            }
        }
    }
}

fn backoff(b: &Backoff) -> String {
    match b {
        Backoff::Fixed(waits) => {
            let waits: Vec<String> = waits.iter().map(|d| literal::duration(d.node)).collect();
            format!("backoff {}", waits.join(", "))
        }
        Backoff::Exponential { base, max, jitter } => {
            let mut text = format!("backoff exponential {}", literal::duration(base.node));
            if let Some(max) = max {
                text.push_str(&format!(" max {}", literal::duration(max.node)));
            }
            if *jitter {
                text.push_str(" jitter");
            }
            text
        }
    }
}

/// `notify ops on run_failed, gate_failed`.
pub(crate) fn notify(n: &Notify) -> String {
    format!("notify {} on {}", n.notifier.text, names(&n.events))
}

/// `deadline 09:25 in America/New_York`, `deadline close - 15m`.
pub(crate) fn deadline(d: &Deadline) -> String {
    match &d.zone {
        Some(zone) => format!("deadline {} in {}", at(&d.at), zone.text),
        None => format!("deadline {}", at(&d.at)),
    }
}

/// One step of a flow: a task, or parallel branches in brackets.
pub(crate) fn flow_step(step: &[Name]) -> String {
    match step {
        [one] => one.text.clone(),
        many => format!("[{}]", names(many)),
    }
}

pub(crate) fn pipeline(s: &PipelineSetting) -> Option<Piece<'_>> {
    let d =
        |keyword: &str, d: &Spanned<Duration>| format!("{keyword} {}", literal::duration(d.node));
    let text = match s {
        PipelineSetting::Description(text) => {
            format!("description {}", literal::string(&text.node))
        }
        PipelineSetting::Calendar(c) => calendar(c),
        PipelineSetting::Timezone(zone) => format!("timezone {}", zone.text),
        PipelineSetting::Concurrency(n) => format!("concurrency {}", n.node),
        PipelineSetting::Timeout(t) => d("timeout", t),
        PipelineSetting::RunTimeout(t) => d("run_timeout", t),
        PipelineSetting::OnFailure(p) => return Some(on_failure(p)),
        PipelineSetting::Priority(p) => priority(&p.node),
        PipelineSetting::Merge(m) => format!("merge {}", m.text),
        PipelineSetting::Cleanup(h) => format!("cleanup {}", h.text),
        PipelineSetting::PreOpen(t) => d("pre_open", t),
        PipelineSetting::PostClose(t) => d("post_close", t),
        PipelineSetting::Notify(n) => notify(n),
        PipelineSetting::Deadline(deadline) => self::deadline(deadline),
        PipelineSetting::Executor(e) => format!("executor {}", e.text),
        PipelineSetting::Stage(_) | PipelineSetting::Trigger(_) | PipelineSetting::Source(_) => {
            return None
        }
    };
    Some(Piece::text(text))
}

pub(crate) fn stage(s: &StageSetting) -> Option<Piece<'_>> {
    let text = match s {
        StageSetting::BestEffort => "best_effort".to_string(),
        StageSetting::Requires(r) => requires(r),
        StageSetting::When(w) => when(w),
        StageSetting::Timeout(t) => format!("timeout {}", literal::duration(t.node)),
        StageSetting::OnFailure(p) => return Some(on_failure(p)),
        StageSetting::Flow(steps) => {
            let steps: Vec<String> = steps.iter().map(|step| flow_step(&step.node)).collect();
            format!("flow {}", steps.join(" -> "))
        }
        StageSetting::Deadline(d) => deadline(d),
        StageSetting::Executor(e) => format!("executor {}", e.text),
        StageSetting::Task(_) | StageSetting::Gate(_) => return None,
    };
    Some(Piece::text(text))
}

pub(crate) fn task(s: &TaskSetting) -> Piece<'_> {
    let text = match s {
        TaskSetting::Run(handler) => format!("run {}", handler.text),
        TaskSetting::RunPipeline(p) => format!("run pipeline {}", p.text),
        TaskSetting::Args(args) => format!("args {}", strings(args)),
        TaskSetting::After(tasks) => format!("after {}", names(tasks)),
        TaskSetting::Joins(tasks) => format!("joins {}", names(tasks)),
        TaskSetting::Reads(keys) => format!("reads {}", names(keys)),
        TaskSetting::Timeout(t) => format!("timeout {}", literal::duration(t.node)),
        TaskSetting::OnFailure(p) => return on_failure(p),
        TaskSetting::Priority(p) => priority(&p.node),
        TaskSetting::Requires(r) => requires(r),
        TaskSetting::When(w) => when(w),
        TaskSetting::Executor(e) => format!("executor {}", e.text),
        TaskSetting::ForEach(f) => format!("for {} in {}", f.binding.text, f.over.text),
        TaskSetting::Gather(key) => format!("gather {}", key.text),
        TaskSetting::Concurrency(n) => format!("concurrency {}", n.node),
        TaskSetting::MaxFailures(t) => match t.node {
            Tolerance::Count(n) => format!("max_failures {n}"),
            Tolerance::Percent(n) => format!("max_failures {n}%"),
        },
        TaskSetting::Produces(sources) => format!("produces {}", names(sources)),
    };
    Piece::text(text)
}

pub(crate) fn trigger(s: &TriggerSetting) -> String {
    match s {
        TriggerSetting::At(at) => format!("at {}", self::at(at)),
        TriggerSetting::Every { interval, from, to } => {
            let every = literal::duration(interval.node);
            // `during S` and `from S to S` are the same window.
            if from.text == to.text {
                format!("every {every} during {}", from.text)
            } else {
                format!("every {every} from {} to {}", from.text, to.text)
            }
        }
        TriggerSetting::Cron(expr) => format!("cron {}", literal::string(&expr.node)),
        TriggerSetting::In(zone) => format!("in {}", zone.text),
        TriggerSetting::On(days) => format!("on {}", names(days)),
        TriggerSetting::Stages(StageSelection::Range(from, to)) => {
            format!("stages {}..{}", from.text, to.text)
        }
        TriggerSetting::Stages(StageSelection::List(stages)) => format!("stages {}", names(stages)),
        TriggerSetting::Missed(Missed::Skip) => "missed skip".to_string(),
        TriggerSetting::Missed(Missed::RunLate(within)) => {
            format!("missed run_late within {}", literal::duration(within.node))
        }
        TriggerSetting::Calendar(c) => calendar(c),
    }
}

fn at(at: &At) -> String {
    let relative = |anchor: &str, offset: i64| {
        let amount = literal::duration(Duration {
            millis: offset.unsigned_abs(),
        });
        match offset.signum() {
            0 => anchor.to_string(),
            1 => format!("{anchor} + {amount}"),
            _ => format!("{anchor} - {amount}"),
        }
    };
    match at {
        At::Clock(t) => literal::time(t.node),
        At::Open(offset) => relative("open", *offset),
        At::Close(offset) => relative("close", *offset),
    }
}

pub(crate) fn source(s: &SourceSetting) -> String {
    let age = |keyword: &str, age: &Spanned<Age>| match age.node {
        Age::Wall(d) => format!("{keyword} {}", literal::duration(d)),
        Age::Sessions(1) => format!("{keyword} 1 session"),
        Age::Sessions(n) => format!("{keyword} {n} sessions"),
    };
    match s {
        SourceSetting::Producer(p) => format!("producer {}", p.text),
        SourceSetting::Green(a) => age("green", a),
        SourceSetting::Yellow(a) => age("yellow", a),
        SourceSetting::Calendar(c) => calendar(c),
    }
}
