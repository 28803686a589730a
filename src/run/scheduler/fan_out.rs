//! A fan-out's instances. The task starts by reading its list; each item is
//! an instance with the task's handler, timeout and retries, started as the
//! pipeline's slots and the task's own `concurrency` allow, in item order.
//! The task ends once every instance has: completed with the outputs gathered
//! in item order, or failed when more instances failed than `max_failures`
//! tolerates (no further instance starts then).
//!
//! The task's failure policy is split: retries and `default` apply to each
//! instance; `abort` aborts the run at the first instance that fails; `fail`,
//! `warn` and `skip` apply to the task as a whole once it fails.

use super::finish::Failed;
use super::job::Job;
use super::{millis, Msg, Outcome, PipelineRun, Ready, Started, Unit};
use crate::ir::{FanOut, Pipeline, TaskId, Terminal};
use crate::run::events::{EventKind, SkipCause};
use crate::run::executor::Failure;
use crate::run::failure::{self, Place};
use crate::run::fan_out::{failed_list, instance_names, list_at};
use crate::run::ids;
use crate::run::status::TaskStatus;
use serde_json::{Map, Value};
use std::cmp::Reverse;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

pub(super) struct FanState {
    items: Vec<Value>,
    names: Vec<String>,
    /// The context every instance reads, before its item is added.
    input: Map<String, Value>,
    market_wait: Option<Duration>,
    /// The task's span (its own `task_started`).
    span: String,
    /// Instances at once: the task's `concurrency`, else no limit of its own.
    limit: usize,
    /// The next instance to start.
    next: usize,
    running: usize,
    /// An entry for it is in the ready queue.
    queued: bool,
    /// When each instance started, on the run clock's monotonic reading.
    started: Vec<Option<Duration>>,
    /// What each ended instance adds to the gathered list.
    outputs: Vec<Option<Map<String, Value>>>,
    failed: Vec<usize>,
    cancelled: bool,
    /// Why no further instance starts: too many failed.
    halted: Option<String>,
    ended: usize,
}

impl PipelineRun {
    /// The name events and the store know a unit by.
    pub(super) fn unit_name(&self, p: &Pipeline, unit: Unit) -> String {
        match (unit.instance, &self.state[unit.task.index()].fan) {
            (Some(i), Some(fan)) => fan.names[i].clone(),
            (None, _) | (Some(_), None) => p.task(unit.task).name.clone(),
        }
    }

    /// A ready fan-out: its list read from the context it sees, then its
    /// instances queued (or the task ended, for an empty or missing list).
    pub(super) fn fan_out<'p>(
        &mut self,
        p: &'p Pipeline,
        t: TaskId,
        fan_out: &FanOut,
        input: Map<String, Value>,
        market_wait: Option<Duration>,
        ready: &mut Ready<'p>,
    ) -> Started {
        let task = p.task(t);
        let items = match list_at(&input, &fan_out.over) {
            Ok(items) => items.to_vec(),
            Err(why) => {
                let failure = Failure::Error(format!("cannot fan out: {why}"));
                self.finish(
                    p,
                    t,
                    Outcome::Failed {
                        failure,
                        attempts: 0,
                        span: None,
                    },
                );
                return Started::Done;
            }
        };
        let span = ids::span_id();
        let st = &mut self.state[t.index()];
        st.attempts = 1;
        st.status = TaskStatus::Running;
        self.emit(
            Some(&span),
            EventKind::TaskStarted {
                stage: p.stage(task.stage).name.clone(),
                task: task.name.clone(),
                attempt: 1,
            },
        );
        let count = items.len();
        self.state[t.index()].fan = Some(Box::new(FanState {
            names: instance_names(&task.name, &items),
            items,
            input,
            market_wait,
            span,
            limit: fan_out.limit.map_or(usize::MAX, |n| n as usize),
            next: 0,
            running: 0,
            queued: false,
            started: vec![None; count],
            outputs: vec![None; count],
            failed: Vec::new(),
            cancelled: false,
            halted: None,
            ended: 0,
        }));
        if self.end_fan_out(p, t) {
            // An empty list: nothing to run, an empty list gathered.
            return Started::Done;
        }
        self.queue_instance(p, t, ready);
        Started::Waiting
    }

    /// Puts the fan-out's next instance in the ready queue, if one may start.
    fn queue_instance<'p>(&mut self, p: &'p Pipeline, t: TaskId, ready: &mut Ready<'p>) {
        let stopped = self.shared.stop.current().is_some();
        let Some(fan) = self.state[t.index()].fan.as_mut() else {
            return;
        };
        let more = fan.next < fan.items.len() && fan.halted.is_none();
        if more && !fan.queued && fan.running < fan.limit && !stopped {
            fan.queued = true;
            let task = p.task(t);
            ready.push((task.priority, Reverse(task.name.as_str()), t));
        }
    }

    /// Starts a fan-out's next instance: restored from earlier in the run
    /// key, answered at once, or spawned.
    pub(super) fn start_instance<'p>(
        &mut self,
        p: &'p Pipeline,
        sid: crate::ir::StageId,
        t: TaskId,
        tx: &mpsc::UnboundedSender<Msg>,
        ready: &mut Ready<'p>,
    ) -> Started {
        let now = self.shared.clock.monotonic();
        let Some(fan) = self.state[t.index()].fan.as_mut() else {
            return Started::Waiting;
        };
        fan.queued = false;
        if fan.next >= fan.items.len() {
            // Queued before too many instances failed: nothing left to start.
            return Started::Waiting;
        }
        let i = fan.next;
        fan.next += 1;
        fan.started[i] = Some(now);
        let name = fan.names[i].clone();
        let market_wait = fan.market_wait;
        let unit = Unit {
            task: t,
            instance: Some(i),
        };
        let memo = self.shared.memo.as_ref();
        let inline = match memo.and_then(|m| m.restore(&p.name, &name)) {
            Some(earlier) => Some(Outcome::Restored(earlier)),
            None => self.answer_now(p, unit, market_wait),
        };
        if let Some(outcome) = inline {
            return if self.end_instance(p, t, i, outcome, ready) {
                Started::Done
            } else {
                Started::Waiting
            };
        }
        let task = p.task(t);
        let Some(fan) = self.state[t.index()].fan.as_mut() else {
            return Started::Waiting;
        };
        fan.running += 1;
        let job = Job {
            shared: self.shared.clone(),
            pid: self.pid,
            sid,
            unit,
            name,
            item: Some(fan.items[i].clone()),
            input: Arc::new(Value::Object(instance_input(
                fan,
                task.fan_out.as_deref(),
                i,
            ))),
            market_wait,
        };
        tokio::spawn(job.work(tx.clone()));
        self.queue_instance(p, t, ready);
        Started::Running
    }

    /// A spawned instance's end; true when its task ended with it.
    pub(super) fn instance_done<'p>(
        &mut self,
        p: &'p Pipeline,
        t: TaskId,
        i: usize,
        outcome: Outcome,
        ready: &mut Ready<'p>,
    ) -> bool {
        if let Some(fan) = self.state[t.index()].fan.as_mut() {
            fan.running -= 1;
        }
        self.end_instance(p, t, i, outcome, ready)
    }

    /// Records an instance's end; ends the task once every instance has.
    fn end_instance<'p>(
        &mut self,
        p: &'p Pipeline,
        t: TaskId,
        i: usize,
        outcome: Outcome,
        ready: &mut Ready<'p>,
    ) -> bool {
        let task = p.task(t);
        let stage = p.stage(task.stage).name.clone();
        let now = self.shared.clock.monotonic();
        let Some(fan) = self.state[t.index()].fan.as_mut() else {
            return false;
        };
        let name = fan.names[i].clone();
        let duration_ms = millis(
            fan.started[i]
                .map(|s| now.saturating_sub(s))
                .unwrap_or_default(),
        );
        let (span, kind) = match outcome {
            Outcome::Ok {
                output,
                attempts,
                span,
            } => {
                if let Some(memo) = &self.shared.memo {
                    memo.output(&p.name, &name, &output);
                }
                fan.outputs[i] = Some(output);
                (
                    span,
                    EventKind::TaskCompleted {
                        stage,
                        task: name,
                        attempt: attempts,
                        duration_ms,
                    },
                )
            }
            Outcome::Restored(earlier) => {
                // An instance settles only completed or defaulted; a store
                // that says otherwise gets it run again next time.
                let output = super::finish::restored_output(task, earlier.status, earlier.output);
                match output {
                    Some(output) => fan.outputs[i] = Some(output),
                    None => fan.failed.push(i),
                }
                (
                    None,
                    EventKind::TaskRestored {
                        stage,
                        task: name,
                        status: earlier.status,
                    },
                )
            }
            Outcome::Cancelled {
                reason,
                attempts,
                span,
            } => {
                fan.cancelled = true;
                (
                    span,
                    EventKind::TaskCancelled {
                        stage,
                        task: name,
                        attempt: attempts,
                        reason,
                        duration_ms,
                    },
                )
            }
            Outcome::Failed {
                failure,
                attempts,
                span,
            } => {
                let place = Place {
                    stage,
                    task: name.clone(),
                    attempt: attempts,
                    duration_ms,
                };
                let settled =
                    failure::settle(instance_terminal(task.policy.terminal()), &failure, place);
                match settled.output {
                    Some(output) => fan.outputs[i] = Some(output),
                    None => fan.failed.push(i),
                }
                let context = instance_input(fan, task.fan_out.as_deref(), i);
                if settled.abort {
                    self.shared.stop.abort(&p.name, &name);
                }
                let failed = Failed {
                    name: &name,
                    attempts,
                    status: settled.status,
                    error: &failure.text(),
                };
                self.save_capture(p, t, &failed, context);
                (span, settled.event)
            }
        };
        self.emit(span.as_deref(), kind);
        let Some(fan) = self.state[t.index()].fan.as_mut() else {
            return false;
        };
        fan.ended += 1;
        let max_failures = task.fan_out.as_ref().map(|f| f.max_failures);
        let total = fan.items.len();
        let too_many = max_failures.is_some_and(|m| !m.tolerates(fan.failed.len(), total));
        if too_many && fan.halted.is_none() {
            let names: Vec<&str> = fan.failed.iter().map(|&j| fan.names[j].as_str()).collect();
            let why = format!(
                "{} of {total} instances failed, more than `max_failures {}` allows: {}",
                names.len(),
                max_failures.map(|m| m.to_string()).unwrap_or_default(),
                failed_list(&names)
            );
            let unstarted = fan.next..total;
            fan.next = total;
            fan.halted = Some(why.clone());
            let reason = format!("not started: `{}` failed: {why}", task.name);
            self.skip_instances(p, t, unstarted, &reason, SkipCause::Dependency);
        }
        self.queue_instance(p, t, ready);
        self.end_fan_out(p, t)
    }

    /// Instances that will never start, each with why.
    fn skip_instances(
        &mut self,
        p: &Pipeline,
        t: TaskId,
        which: std::ops::Range<usize>,
        reason: &str,
        cause: SkipCause,
    ) {
        let stage = p.stage(p.task(t).stage).name.clone();
        let Some(fan) = self.state[t.index()].fan.as_mut() else {
            return;
        };
        fan.ended += which.len();
        let names: Vec<String> = fan.names[which].to_vec();
        for name in names {
            self.emit(
                None,
                EventKind::TaskSkipped {
                    stage: stage.clone(),
                    task: name,
                    reason: reason.to_string(),
                    cause,
                    exit_code: None,
                },
            );
        }
    }

    /// Ends the fan-out's task once every instance has ended; true if it did.
    fn end_fan_out(&mut self, p: &Pipeline, t: TaskId) -> bool {
        let st = &mut self.state[t.index()];
        if st
            .fan
            .as_ref()
            .is_some_and(|fan| fan.ended < fan.items.len())
        {
            return false;
        }
        let Some(fan) = st.fan.take() else {
            return false;
        };
        let task = p.task(t);
        let span = Some(fan.span);
        let total = fan.items.len();
        let failed: Vec<&str> = fan.failed.iter().map(|&j| fan.names[j].as_str()).collect();
        let summary = if failed.is_empty() {
            format!("{total} instances")
        } else {
            format!(
                "{total} instances, {} failed within `max_failures`: {}",
                failed.len(),
                failed_list(&failed)
            )
        };
        let outcome = if fan.cancelled {
            let reason = self.shared.stop.current().map_or_else(
                || "its instances were cancelled".to_string(),
                |s| s.describe(),
            );
            Outcome::Cancelled {
                reason,
                attempts: 1,
                span,
            }
        } else if let Some(why) = fan.halted {
            Outcome::Failed {
                failure: Failure::Error(why),
                attempts: 1,
                span,
            }
        } else {
            let list = fan
                .outputs
                .into_iter()
                .flatten()
                .map(Value::Object)
                .collect();
            let output = match &task.fan_out {
                Some(fan_out) => gathered(fan_out, list),
                None => Map::new(),
            };
            Outcome::Ok {
                output,
                attempts: 1,
                span,
            }
        };
        let completed = matches!(outcome, Outcome::Ok { .. });
        self.finish(p, t, outcome);
        if completed {
            self.state[t.index()].message = Some(summary);
        }
        true
    }

    /// A task the stage gives up on (a stop, or nothing left to run): a
    /// fan-out under way ends cancelled, its unstarted instances skipped;
    /// anything else is skipped.
    pub(super) fn abandon(&mut self, p: &Pipeline, t: TaskId, reason: String, cause: SkipCause) {
        let Some(fan) = self.state[t.index()].fan.as_mut() else {
            self.skip(p, t, reason, cause, true);
            return;
        };
        let unstarted = fan.next..fan.items.len();
        fan.next = fan.items.len();
        fan.cancelled = true;
        self.skip_instances(p, t, unstarted, &reason, cause);
        self.end_fan_out(p, t);
    }
}

/// The context instance `i` reads: the task's, with its item under the binding.
fn instance_input(fan: &FanState, fan_out: Option<&FanOut>, i: usize) -> Map<String, Value> {
    let mut input = fan.input.clone();
    if let Some(fan_out) = fan_out {
        input.insert(fan_out.binding.clone(), fan.items[i].clone());
    }
    input
}

/// The task's output: the instances' outputs, in item order, under `gather`.
fn gathered(fan_out: &FanOut, list: Vec<Value>) -> Map<String, Value> {
    let mut output = Map::new();
    if let Some(key) = &fan_out.gather {
        output.insert(key.clone(), Value::Array(list));
    }
    output
}

/// What one instance's failure means for the instance: `default` and `abort`
/// act at once; `fail`, `warn` and `skip` are for the task as a whole, which
/// fails only when too many instances did.
fn instance_terminal(terminal: Terminal<'_>) -> Terminal<'_> {
    match terminal {
        Terminal::Abort => Terminal::Abort,
        Terminal::Default(value) => Terminal::Default(value),
        Terminal::Fail | Terminal::Warn | Terminal::Skip => Terminal::Fail,
    }
}
