//! Triggers that can never fire, and tasks whose required market states no
//! trigger that runs them can satisfy ("a job required in SESSION run by a
//! Saturday trigger"). Both are warnings: the pipeline is valid, but something
//! in it will never happen on a schedule.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{Market, Pipeline, Program};
use crate::time::market_state::MarketState;
use chrono::{DateTime, Days, Utc};
use std::collections::BTreeSet;
use std::ops::Range;

/// How far ahead firings are looked for: long enough to see every kind of
/// special day (quarterly expirations, yearly holidays) at least once.
const LOOKAHEAD_DAYS: u64 = 400;

pub(crate) fn check(
    pipeline: &Pipeline,
    program: &Program,
    today: chrono::NaiveDate,
    diagnostics: &mut Diagnostics,
) {
    let start = today.and_time(chrono::NaiveTime::MIN).and_utc();
    let Some(end) = start.checked_add_days(Days::new(LOOKAHEAD_DAYS)) else {
        return;
    };
    let window = start..end;
    // For each stage, the states the triggers that run it fire in.
    let mut stage_states: Vec<Option<BTreeSet<MarketState>>> = vec![None; pipeline.stages.len()];
    for trigger in &pipeline.triggers {
        // Markets that cannot load (a bad calendar file) are reported elsewhere.
        let Ok(market) = Market::load(pipeline, trigger.calendar.as_deref()) else {
            continue;
        };
        let Some(schedule) = trigger.schedule(program) else {
            continue;
        };
        let states = market.with_clock(|cal, clock| states_in(&schedule, cal, clock, &window));
        if states.is_empty() {
            diagnostics.push(
                Diagnostic::new(Code::TriggerNeverFires, format!("trigger `{}` never fires", trigger.name))
                    .label(trigger.span, format!("no firing within {LOOKAHEAD_DAYS} days"))
                    .help("check its days against the calendar: e.g. a session time on days with no session"),
            );
        }
        for stage in &trigger.stages {
            stage_states[stage.0 as usize]
                .get_or_insert_with(BTreeSet::new)
                .extend(states.iter().copied());
        }
    }
    for (stage, states) in pipeline.stages.iter().zip(&stage_states) {
        let Some(states) = states else { continue };
        if states.is_empty() {
            continue; // the never-firing trigger is already reported
        }
        for &task in &stage.tasks {
            let task = pipeline.task(task);
            if task.requires.is_empty() || task.requires.iter().any(|s| states.contains(s)) {
                continue;
            }
            let names = |set: &mut dyn Iterator<Item = &MarketState>| {
                set.map(|s| s.name()).collect::<Vec<_>>().join(", ")
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::TriggerNeverFires,
                    format!(
                        "task `{}` requires {} but its triggers fire only in {}",
                        task.name,
                        names(&mut task.requires.iter()),
                        names(&mut states.iter())
                    ),
                )
                .label(task.span, "never runs on a schedule")
                .help("change the task's `requires`, or add a trigger that fires in those states"),
            );
        }
    }
}

fn states_in(
    schedule: &crate::time::schedule::Schedule,
    cal: &dyn crate::time::session::SessionCalendar,
    clock: &dyn crate::time::market_state::MarketClock,
    window: &Range<DateTime<Utc>>,
) -> BTreeSet<MarketState> {
    schedule.states_at_firings(cal, clock, window.clone())
}
