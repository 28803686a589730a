//! One firing: begin (or resume) its run key in the store, run the stages its
//! trigger selects, and record how it ended.

use super::timer::Timer;
use super::Target;
use crate::firings::Firing;
use crate::ir::{PipelineId, Timing};
use crate::run::{self, Interrupt, RunOptions};
use crate::store::{plan_of, Begin, Recorder, RunKey, Store};
use std::path::Path;
use std::sync::Arc;

/// The run key of a firing. A trigger at a time of day fires once a day: its
/// key is its name. `every` and `cron` triggers fire many times a day, so each
/// firing is its own key (`name@instant`), or all but the first would find
/// the day's work done.
pub fn run_key(target: &Target, pid: PipelineId, firing: &Firing) -> RunKey {
    let p = target.program.pipeline(pid);
    let once_a_day = p
        .triggers
        .iter()
        .find(|t| t.name == firing.trigger)
        .is_some_and(|t| matches!(t.timing, Timing::At(_)));
    let trigger = if once_a_day {
        firing.trigger.clone()
    } else {
        format!("{}@{}", firing.trigger, crate::store::stamp(firing.at))
    };
    RunKey {
        pipeline: p.name.clone(),
        trigger,
        as_of: firing.at.with_timezone(&firing.zone).date_naive(),
    }
}

/// Runs the firing to the end; returns the status to record for it.
pub async fn run_firing(
    target: Arc<Target>,
    pid: PipelineId,
    firing: Firing,
    state: &Path,
    timer: Arc<dyn Timer>,
    interrupt: Interrupt,
) -> (Option<String>, String) {
    let program = target.program.clone();
    let p = program.pipeline(pid);
    let Some(trigger) = p.triggers.iter().find(|t| t.name == firing.trigger) else {
        return (None, format!("refused: no trigger `{}`", firing.trigger));
    };
    let key = run_key(&target, pid, &firing);
    let clock = timer.clock();
    let mut db = match Store::open(state) {
        Ok(db) => db,
        Err(e) => return (None, format!("refused: {e}")),
    };
    let new_id = run::new_run_id(&*clock);
    let begin = match db.begin(&key, &plan_of(&program, pid), false, &new_id, clock.now()) {
        Ok(b) => b,
        Err(e) => return (None, format!("refused: {e}")),
    };
    let run_id = begin.run_id().to_string();
    let folder = match &begin {
        Begin::New { .. } => run_id.clone(),
        Begin::Resume { resumes, .. } => format!("{run_id}.resume-{resumes}"),
    };
    let base = target
        .file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let recorder = Arc::new(Recorder::new(db, &run_id, &program, interrupt.clone()));
    let mut options = RunOptions::new(pid, base.join(".pipec").join("runs").join(folder));
    options.stages = Some(trigger.stages.clone());
    options.as_of = Some(key.as_of);
    options.clock = clock;
    options.run_id = Some(run_id.clone());
    options.interrupt = interrupt;
    options.memo = Some(recorder.clone());
    options.observers.push(recorder.clone());
    let status = match run::execute(program.clone(), options).await {
        Ok(report) => match recorder.error() {
            Some(e) => format!("failed: cannot record the run: {e}"),
            None => report.status.label().to_string(),
        },
        Err(e) => format!("failed: {e}"),
    };
    (Some(run_id), status)
}
