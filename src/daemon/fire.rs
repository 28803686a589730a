//! One firing: begin (or resume) its run key in the store, run the stages its
//! trigger selects, and record how it ended.

use super::Target;
use crate::clock::Clock;
use crate::firings::Firing;
use crate::ir::{PipelineId, Timing};
use crate::run::{self, Interrupt, RunOptions};
use crate::store::durable::{self, Claim, Keep};
use crate::store::{RunKey, Store};
use std::path::Path;
use std::sync::Arc;

/// The run key of a firing. A trigger at a time of day fires once a day: its
/// key is its name. `every` and `cron` triggers fire many times a day, so each
/// firing is its own key (`name@instant`), or all but the first would find
/// the day's work done.
pub(crate) fn run_key(target: &Target, pid: PipelineId, firing: &Firing) -> RunKey {
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
pub(crate) async fn run_firing(
    target: Arc<Target>,
    pid: PipelineId,
    firing: Firing,
    state: &Path,
    clock: Arc<dyn Clock>,
    interrupt: Interrupt,
) -> (Option<String>, String) {
    let program = target.program.clone();
    let p = program.pipeline(pid);
    let Some(trigger) = p.triggers.iter().find(|t| t.name == firing.trigger) else {
        return (None, format!("refused: no trigger `{}`", firing.trigger));
    };
    let key = run_key(&target, pid, &firing);
    let claimed = Store::open(state).and_then(|db| {
        let claim = Claim::Key { key, force: false };
        durable::begin(
            db,
            &program,
            pid,
            claim,
            &*clock,
            interrupt.clone(),
            Keep::Settled,
        )
    });
    let run = match claimed {
        Ok(run) => run,
        Err(e) => return (None, format!("refused: {e}")),
    };
    let run_id = run.run_id.clone();
    let mut options = RunOptions::new(pid, run.default_folder(&target.file));
    options.stages = Some(trigger.stages.clone());
    options.clock = clock;
    options.interrupt = interrupt;
    run.wire(&mut options);
    options.observers.push(run::hub::hub());
    options.observers.push(target.notices.observer());
    let status = match run::execute(program.clone(), options).await {
        Ok(report) => match run.recorder.error() {
            Some(e) => format!("failed: cannot record the run: {e}"),
            None => report.status.label().to_string(),
        },
        Err(e) => format!("failed: {e}"),
    };
    (Some(run_id), status)
}
