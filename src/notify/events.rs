//! A run's events as notifications: the observer a dispatcher gives a run.

use super::{Dispatcher, Notification};
use crate::ir::NotifyEvent;
use crate::run::{Event, EventKind, Observer};
use chrono::NaiveDate;
use serde_json::json;
use std::sync::{Arc, Mutex};

/// What an event tells: its kind, a line for people, its stage and task,
/// and the details of docs/notifications.md.
type Notice<'a> = (
    NotifyEvent,
    String,
    Option<&'a str>,
    Option<&'a str>,
    serde_json::Value,
);

pub(super) struct RunNotices {
    dispatcher: Arc<Dispatcher>,
    /// From the run's `run_started`.
    as_of: Mutex<Option<NaiveDate>>,
}

impl RunNotices {
    pub(super) fn new(dispatcher: Arc<Dispatcher>) -> Self {
        RunNotices {
            dispatcher,
            as_of: Mutex::new(None),
        }
    }

    /// The notification an event makes, if any.
    fn notice(event: &Event) -> Option<Notice<'_>> {
        let p = &event.pipeline;
        let run = &event.run_id;
        Some(match &event.kind {
            EventKind::RunCompleted { duration_ms } => (
                NotifyEvent::RunSucceeded,
                format!("run {run} of `{p}` succeeded"),
                None,
                None,
                json!({ "duration_ms": duration_ms }),
            ),
            EventKind::RunFailed {
                reason,
                duration_ms,
            } => (
                NotifyEvent::RunFailed,
                format!("run {run} of `{p}` failed: {reason}"),
                None,
                None,
                json!({ "reason": reason, "duration_ms": duration_ms }),
            ),
            EventKind::GateFailed {
                stage,
                gate,
                message,
            } => (
                NotifyEvent::GateFailed,
                format!("gate `{gate}` of `{p}/{stage}` did not hold: {message}"),
                Some(stage.as_str()),
                None,
                json!({ "gate": gate, "message": message }),
            ),
            EventKind::TaskFailed {
                stage,
                task,
                attempt,
                error,
                cause,
                exit_code,
                duration_ms,
            } => (
                NotifyEvent::TaskFailed,
                format!("task `{p}/{stage}/{task}` failed: {error}"),
                Some(stage.as_str()),
                Some(task.as_str()),
                json!({ "attempt": attempt, "error": error, "cause": cause, "exit_code": exit_code, "duration_ms": duration_ms }),
            ),
            EventKind::TaskTimedOut {
                stage,
                task,
                attempt,
                timeout_ms,
                duration_ms,
            } => (
                NotifyEvent::TaskFailed,
                format!("task `{p}/{stage}/{task}` timed out after {timeout_ms} ms"),
                Some(stage.as_str()),
                Some(task.as_str()),
                json!({ "attempt": attempt, "cause": { "kind": "timeout", "after_ms": timeout_ms }, "duration_ms": duration_ms }),
            ),
            EventKind::TaskStuck {
                stage,
                task,
                running_ms,
                average_ms,
            } => (
                NotifyEvent::TaskStuck,
                format!(
                    "task `{p}/{stage}/{task}` has run {}, {} times its average of {}",
                    crate::ir::words::duration(*running_ms),
                    crate::run::STUCK_FACTOR,
                    crate::ir::words::duration(*average_ms)
                ),
                Some(stage.as_str()),
                Some(task.as_str()),
                json!({ "running_ms": running_ms, "average_ms": average_ms }),
            ),
            EventKind::DeadlineMissed { stage, deadline } => (
                NotifyEvent::DeadlineMissed,
                match stage {
                    Some(s) => format!("stage `{p}/{s}` missed its deadline {deadline}"),
                    None => format!("run {run} of `{p}` missed its deadline {deadline}"),
                },
                stage.as_deref(),
                None,
                json!({ "deadline": deadline }),
            ),
            EventKind::DeadlineAtRisk {
                stage,
                deadline,
                expected_end,
            } => (
                NotifyEvent::DeadlineAtRisk,
                format!(
                    "{} may miss its deadline {deadline}: at the average pace it ends at {expected_end}",
                    match stage {
                        Some(s) => format!("stage `{p}/{s}`"),
                        None => format!("run {run} of `{p}`"),
                    }
                ),
                stage.as_deref(),
                None,
                json!({ "deadline": deadline, "expected_end": expected_end }),
            ),
            EventKind::RunStarted { .. }
            | EventKind::RunInterrupted { .. }
            | EventKind::StageStarted { .. }
            | EventKind::StageCompleted { .. }
            | EventKind::StageFailed { .. }
            | EventKind::StageSkipped { .. }
            | EventKind::GatePassed { .. }
            | EventKind::TaskQueued { .. }
            | EventKind::TaskStarted { .. }
            | EventKind::TaskProcess { .. }
            | EventKind::TaskSubmitted { .. }
            | EventKind::TaskRetrying { .. }
            | EventKind::TaskCompleted { .. }
            | EventKind::TaskWarned { .. }
            | EventKind::TaskDefaulted { .. }
            | EventKind::TaskSkipped { .. }
            | EventKind::TaskRestored { .. }
            | EventKind::TaskCancelled { .. }
            | EventKind::CleanupStarted { .. }
            | EventKind::CleanupFinished { .. } => return None,
        })
    }
}

impl Observer for RunNotices {
    fn event(&self, event: &Event) {
        if let EventKind::RunStarted { as_of, .. } = &event.kind {
            *crate::sync::lock(&self.as_of, "the run's as-of date") = Some(*as_of);
        }
        let as_of = *crate::sync::lock(&self.as_of, "the run's as-of date");
        let ended = matches!(
            event.kind,
            EventKind::RunCompleted { .. }
                | EventKind::RunFailed { .. }
                | EventKind::RunInterrupted { .. }
        );
        if let Some((kind, summary, stage, task, details)) = Self::notice(event) {
            if self.dispatcher.wants(&event.pipeline, kind) {
                let id = format!("{}-{}", event.run_id, event.seq);
                let mut n = Notification::new(id, kind, &event.pipeline, event.time, summary);
                n.run_id = Some(event.run_id.clone());
                n.as_of = as_of;
                n.stage = stage.map(str::to_string);
                n.task = task.map(str::to_string);
                n.details = details;
                self.dispatcher.send(n);
            }
        }
        if ended
            && self
                .dispatcher
                .wants(&event.pipeline, NotifyEvent::SourceRed)
        {
            // Judged once the run's end is recorded: the store's recorder
            // is told before this observer.
            self.dispatcher
                .red_sources(&event.pipeline, &event.run_id, as_of);
        }
    }
}

impl Dispatcher {
    /// Notifies `source_red` for each red source of `pipeline`, judged now
    /// from the store (in a task: never blocks the caller).
    pub(crate) fn red_sources(
        self: &Arc<Self>,
        pipeline: &str,
        run_id: &str,
        as_of: Option<NaiveDate>,
    ) {
        let Some(state) = self.state.clone() else {
            return;
        };
        let dispatcher = self.clone();
        let pipeline = pipeline.to_string();
        let run_id = run_id.to_string();
        // Counted before the task runs: a `pipec run` that waits for its
        // notifications waits for this judgement too.
        let underway = super::Underway::new(&self.pending);
        tokio::spawn(async move {
            let _underway = underway;
            let now = dispatcher.clock.now();
            let program = dispatcher.program.clone();
            let judged = tokio::task::spawn_blocking(move || {
                let store = crate::store::Store::open(&state).ok()?;
                crate::health::assess(&program, &store, Some(&pipeline), now).ok()
            })
            .await
            .ok()
            .flatten();
            for source in judged.unwrap_or_default() {
                if source.level != crate::health::Level::Red {
                    continue;
                }
                let summary = match source.produced_at {
                    Some(at) => format!(
                        "source `{}` of `{}` is red: its producer `{}` last succeeded at {at}",
                        source.source, source.pipeline, source.producer
                    ),
                    None => format!(
                        "source `{}` of `{}` is red: its producer `{}` never succeeded",
                        source.source, source.pipeline, source.producer
                    ),
                };
                let id = format!("{run_id}-{}-red", source.source);
                let mut n =
                    Notification::new(id, NotifyEvent::SourceRed, &source.pipeline, now, summary);
                n.run_id = Some(run_id.clone());
                n.as_of = as_of;
                n.task = Some(source.producer.clone());
                n.details = json!({
                    "source": source.source,
                    "produced_at": source.produced_at,
                    "age_millis": source.age_millis,
                    "yellow": source.yellow,
                });
                dispatcher.send(n);
            }
        });
    }
}
