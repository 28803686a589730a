//! The triggers of compiled pipelines merged into one timeline: what fires
//! when, and what it runs. `pipec next` prints it; a scheduler sleeps on it.

use crate::ir::{Market, MarketError, PipelineId, Program};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

/// One firing of one trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Firing {
    pub at: DateTime<Utc>,
    pub pipeline: String,
    pub trigger: String,
    /// The zone the trigger is written in, for showing `at` in market time.
    #[serde(serialize_with = "zone_name")]
    pub zone: Tz,
    /// The stages the firing runs, in pipeline order.
    pub stages: Vec<String>,
}

fn zone_name<S: serde::Serializer>(zone: &Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(zone.name())
}

/// The firings of every trigger of `pipelines` strictly after `after` (and
/// before `until`, when given), in time order, at most `limit` of them. Two
/// triggers firing at one instant are listed in declaration order.
pub fn timeline(
    program: &Program,
    pipelines: &[PipelineId],
    after: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
    limit: usize,
) -> Result<Vec<Firing>, TimelineError> {
    let mut all = Vec::new();
    for &id in pipelines {
        let pipeline = program.pipeline(id);
        for trigger in &pipeline.triggers {
            let at_trigger = |cause| TimelineError {
                pipeline: pipeline.name.clone(),
                trigger: trigger.name.clone(),
                cause,
            };
            let market = Market::load(pipeline, trigger.calendar.as_deref())
                .map_err(|e| at_trigger(TimelineCause::Market(e)))?;
            let schedule = trigger
                .schedule(program)
                .ok_or_else(|| at_trigger(TimelineCause::NoSchedule))?;
            let zone: Tz = trigger.zone;
            let stages: Vec<String> = trigger
                .stages
                .iter()
                .map(|s| pipeline.stage(*s).name.clone())
                .collect();
            let instants: Vec<DateTime<Utc>> = market.with_clock(|cal, clock| match until {
                Some(until) => schedule
                    .firings_in(after..until, cal, clock)
                    .filter(|at| *at > after)
                    .take(limit)
                    .collect(),
                None => schedule.firings(after, cal, clock).take(limit).collect(),
            });
            all.extend(instants.into_iter().map(|at| Firing {
                at,
                pipeline: pipeline.name.clone(),
                trigger: trigger.name.clone(),
                zone,
                stages: stages.clone(),
            }));
        }
    }
    // A stable sort keeps declaration order among simultaneous firings.
    all.sort_by_key(|f| f.at);
    all.truncate(limit);
    Ok(all)
}

/// A trigger whose firings cannot be listed: only an IR not made by the
/// checker (which resolves calendars and schedules) gets one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineError {
    pub pipeline: String,
    pub trigger: String,
    pub cause: TimelineCause,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimelineCause {
    Market(MarketError),
    NoSchedule,
}

impl std::fmt::Display for TimelineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "trigger `{}` of `{}`: ", self.trigger, self.pipeline)?;
        match &self.cause {
            TimelineCause::Market(e) => write!(f, "{e}"),
            TimelineCause::NoSchedule => write!(f, "it has no valid schedule"),
        }
    }
}

impl std::error::Error for TimelineError {}
