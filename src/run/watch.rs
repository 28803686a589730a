//! The run's watch: deadlines missed or at risk, and stuck tasks, judged on
//! the run's clock as time passes, not only when a task ends.
//!
//! It follows the run through its events (it is an observer) and wakes at
//! the next instant something can change: a deadline, a running task
//! reaching its average runtime or three times it. On a virtual clock those
//! wake-ups are limits, so the watch fires at its own instants.

use super::events::{Event, EventKind, Observer};
use super::plan::longest_chain;
use super::scheduler::Shared;
use crate::clock::Clock;
use crate::ir::{Market, Pipeline, PipelineId, Program, StageId};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// A task is stuck once it has run this many times its average.
pub(crate) const STUCK_FACTOR: i64 = 3;

/// Average runtimes in milliseconds of the run's pipeline's tasks, by name:
/// what the store knows of earlier runs.
pub type Averages = HashMap<String, u64>;

pub(crate) struct Watch {
    program: Arc<Program>,
    pipeline: PipelineId,
    /// The stages this run runs, in order.
    stages: Vec<StageId>,
    averages: Arc<Averages>,
    clock: Arc<dyn Clock>,
    progress: Mutex<Progress>,
    wake: Notify,
}

/// A deadline this run must meet: the pipeline's (`stage` is `None`: every
/// stage of the run) or a stage's (it and the stages before it).
struct Target {
    stage: Option<StageId>,
    deadline: DateTime<Utc>,
    /// How many of the run's stages must have ended.
    stages: usize,
    told_missed: bool,
    told_at_risk: bool,
}

#[derive(Default)]
struct Progress {
    /// Running tasks and when they started (the run clock's time of day).
    running: HashMap<String, DateTime<Utc>>,
    finished: HashSet<String>,
    ended_stages: HashSet<String>,
    run_ended: bool,
    stuck_told: HashSet<String>,
    targets: Vec<Target>,
}

impl Watch {
    /// The watch of a run, or `None` when there is nothing to watch (no
    /// deadline this day, no average runtime known).
    pub(crate) fn new(
        program: &Arc<Program>,
        pipeline: PipelineId,
        stages: &[StageId],
        as_of: NaiveDate,
        averages: Arc<Averages>,
        clock: Arc<dyn Clock>,
    ) -> Option<Arc<Watch>> {
        let p = program.pipeline(pipeline);
        let start = clock.now();
        let market = Market::load(p, None).ok();
        // A run that starts after a deadline is a late re-run, not a miss
        // to report now: only deadlines still ahead are watched.
        let deadline_of = |d: &crate::ir::Deadline| {
            market
                .as_ref()
                .and_then(|m| d.on(m, as_of))
                .filter(|at| *at > start)
        };
        let mut targets = Vec::new();
        if let Some(deadline) = p.deadline.as_ref().and_then(deadline_of) {
            targets.push(Target::new(None, deadline, stages.len()));
        }
        for (i, &sid) in stages.iter().enumerate() {
            if let Some(deadline) = p.stage(sid).deadline.as_ref().and_then(deadline_of) {
                targets.push(Target::new(Some(sid), deadline, i + 1));
            }
        }
        if targets.is_empty() && averages.is_empty() {
            return None;
        }
        Some(Arc::new(Watch {
            program: program.clone(),
            pipeline,
            stages: stages.to_vec(),
            averages,
            clock,
            progress: Mutex::new(Progress {
                targets,
                ..Progress::default()
            }),
            wake: Notify::new(),
        }))
    }

    /// Judges, emits what it found, and sleeps until the next instant
    /// something can change or the run moves; ends with the run.
    pub(crate) async fn run(self: Arc<Self>, shared: Arc<Shared>) {
        let name = self.pipeline().name.clone();
        loop {
            let now = self.clock.now();
            let (found, next, ended) = {
                let mut progress = crate::sync::lock(&self.progress, "the run's watch");
                let found = self.judge(&mut progress, now);
                (found, self.next_wake(&progress, now), progress.run_ended)
            };
            for kind in found {
                shared.emitter.emit(&name, None, kind);
            }
            if ended {
                return;
            }
            let woken = self.wake.notified();
            match next {
                Some(at) => {
                    let wait = (at - now).to_std().unwrap_or_default();
                    tokio::select! {
                        () = self.clock.limit(wait) => {}
                        () = woken => {}
                    }
                }
                None => woken.await,
            }
        }
    }

    fn pipeline(&self) -> &Pipeline {
        self.program.pipeline(self.pipeline)
    }

    fn average(&self, task: &str) -> Option<i64> {
        self.averages
            .get(task)
            .and_then(|ms| i64::try_from(*ms).ok())
            .filter(|ms| *ms > 0)
    }

    /// What is newly true at `now`: stuck tasks, deadlines missed or at risk.
    fn judge(&self, progress: &mut Progress, now: DateTime<Utc>) -> Vec<EventKind> {
        let p = self.pipeline();
        let mut found = Vec::new();
        let stuck: Vec<(String, i64, i64)> = progress
            .running
            .iter()
            .filter(|(task, _)| !progress.stuck_told.contains(*task))
            .filter_map(|(task, started)| {
                let average = self.average(task)?;
                let running = (now - *started).num_milliseconds();
                (running >= STUCK_FACTOR * average).then(|| (task.clone(), running, average))
            })
            .collect();
        for (task, running, average) in stuck {
            let stage = p
                .find_task(&task)
                .map(|t| p.stage(p.task(t).stage).name.clone())
                .unwrap_or_default();
            progress.stuck_told.insert(task.clone());
            found.push(EventKind::TaskStuck {
                stage,
                task,
                running_ms: u64::try_from(running).unwrap_or(0),
                average_ms: u64::try_from(average).unwrap_or(0),
            });
        }
        let mut targets = std::mem::take(&mut progress.targets);
        for target in &mut targets {
            if target.ended(self, progress) || target.told_missed {
                continue;
            }
            let stage = target.stage.map(|s| p.stage(s).name.clone());
            if now >= target.deadline {
                target.told_missed = true;
                found.push(EventKind::DeadlineMissed {
                    stage,
                    deadline: target.deadline,
                });
                continue;
            }
            let expected_end = now + self.remaining(progress, target.stages, now);
            if !target.told_at_risk && expected_end > target.deadline {
                target.told_at_risk = true;
                found.push(EventKind::DeadlineAtRisk {
                    stage,
                    deadline: target.deadline,
                    expected_end,
                });
            }
        }
        progress.targets = targets;
        found
    }

    /// The next instant a judgement can change without an event: a deadline,
    /// a running task reaching its average (after which the work's expected
    /// end moves with the clock) or becoming stuck, or the instant the
    /// expected end would pass a deadline.
    fn next_wake(&self, progress: &Progress, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut wakes = Vec::new();
        for target in &progress.targets {
            if target.told_missed || target.ended(self, progress) {
                continue;
            }
            wakes.push(target.deadline);
            if !target.told_at_risk {
                wakes.push(target.deadline - self.remaining(progress, target.stages, now));
            }
        }
        for (task, started) in &progress.running {
            let Some(average) = self.average(task) else {
                continue;
            };
            wakes.push(*started + chrono::Duration::milliseconds(average));
            if !progress.stuck_told.contains(task) {
                wakes.push(*started + chrono::Duration::milliseconds(STUCK_FACTOR * average));
            }
        }
        wakes.into_iter().filter(|at| *at > now).min()
    }

    /// How long the unfinished work of the first `stages` stages still takes
    /// at the average pace: stages one after another, within a stage the
    /// longest chain of dependencies (as if every ready task had a slot). A
    /// task without an average counts nothing; a running one counts what is
    /// left of its average.
    fn remaining(
        &self,
        progress: &Progress,
        stages: usize,
        now: DateTime<Utc>,
    ) -> chrono::Duration {
        let p = self.pipeline();
        let mut total = 0;
        for &sid in self.stages.iter().take(stages) {
            if progress.ended_stages.contains(&p.stage(sid).name) {
                continue;
            }
            let longest = longest_chain(p, sid, |t| {
                let name = &p.task(t).name;
                if progress.finished.contains(name) {
                    return 0;
                }
                let average = self.average(name).unwrap_or(0);
                let spent = progress
                    .running
                    .get(name)
                    .map_or(0, |started| (now - *started).num_milliseconds());
                (average - spent).max(0)
            });
            total += longest;
        }
        chrono::Duration::milliseconds(total)
    }
}

impl Target {
    fn new(stage: Option<StageId>, deadline: DateTime<Utc>, stages: usize) -> Target {
        Target {
            stage,
            deadline,
            stages,
            told_missed: false,
            told_at_risk: false,
        }
    }

    fn ended(&self, watch: &Watch, progress: &Progress) -> bool {
        let p = watch.pipeline();
        progress.run_ended
            || match self.stage {
                Some(sid) => progress.ended_stages.contains(&p.stage(sid).name),
                None => false,
            }
    }
}

impl Observer for Watch {
    fn event(&self, event: &Event) {
        if event.pipeline != self.pipeline().name {
            return;
        }
        let mut progress = crate::sync::lock(&self.progress, "the run's watch");
        match &event.kind {
            // From its first attempt, as the store's runtimes are measured:
            // a retry does not start the clock again.
            EventKind::TaskStarted { task, .. } => {
                progress.running.entry(task.clone()).or_insert(event.time);
            }
            EventKind::TaskCompleted { task, .. }
            | EventKind::TaskWarned { task, .. }
            | EventKind::TaskDefaulted { task, .. }
            | EventKind::TaskFailed { task, .. }
            | EventKind::TaskTimedOut { task, .. }
            | EventKind::TaskSkipped { task, .. }
            | EventKind::TaskRestored { task, .. }
            | EventKind::TaskCancelled { task, .. } => {
                progress.running.remove(task);
                progress.finished.insert(task.clone());
            }
            EventKind::StageCompleted { stage, .. }
            | EventKind::StageFailed { stage, .. }
            | EventKind::StageSkipped { stage, .. } => {
                progress.ended_stages.insert(stage.clone());
            }
            EventKind::RunCompleted { .. }
            | EventKind::RunFailed { .. }
            | EventKind::RunInterrupted { .. } => progress.run_ended = true,
            EventKind::RunStarted { .. }
            | EventKind::StageStarted { .. }
            | EventKind::GatePassed { .. }
            | EventKind::GateFailed { .. }
            | EventKind::TaskQueued { .. }
            | EventKind::TaskProcess { .. }
            | EventKind::TaskSubmitted { .. }
            | EventKind::TaskRetrying { .. }
            | EventKind::TaskStuck { .. }
            | EventKind::DeadlineMissed { .. }
            | EventKind::DeadlineAtRisk { .. }
            | EventKind::CleanupStarted { .. }
            | EventKind::CleanupFinished { .. } => return,
        }
        drop(progress);
        self.wake.notify_one();
    }
}
