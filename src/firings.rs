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
    each_firing(program, pipelines, after, until, limit, |f| all.push(f))?;
    Ok(all)
}

/// How many instants of one trigger are computed at a time: what streaming
/// the timeline holds in memory is this many per trigger.
const CHUNK: usize = 256;

/// One trigger's part of a streamed timeline.
struct Lane {
    market: Market,
    schedule: crate::time::schedule::Schedule,
    template: Firing,
    /// Computed and not yet handed out, in time order.
    next: std::collections::VecDeque<DateTime<Utc>>,
    /// The last instant computed: the next chunk starts after it.
    cursor: DateTime<Utc>,
    done: bool,
}

impl Lane {
    fn refill(&mut self, until: Option<DateTime<Utc>>) {
        let (schedule, cursor) = (&self.schedule, self.cursor);
        let chunk: Vec<DateTime<Utc>> = self.market.with_clock(|cal, clock| match until {
            Some(until) => schedule
                .firings_in(cursor..until, cal, clock)
                .filter(|at| *at > cursor)
                .take(CHUNK)
                .collect(),
            None => schedule.firings(cursor, cal, clock).take(CHUNK).collect(),
        });
        self.done = chunk.len() < CHUNK;
        if let Some(last) = chunk.last() {
            self.cursor = *last;
        }
        self.next.extend(chunk);
    }
}

/// The same firings as `timeline`, handed to `f` one by one as they are
/// computed: memory stays bounded (`CHUNK` instants per trigger) however many
/// there are.
pub fn each_firing(
    program: &Program,
    pipelines: &[PipelineId],
    after: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
    limit: usize,
    mut f: impl FnMut(Firing),
) -> Result<(), TimelineError> {
    let mut lanes = Vec::new();
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
            let template = Firing {
                at: after,
                pipeline: pipeline.name.clone(),
                trigger: trigger.name.clone(),
                zone: trigger.zone,
                stages: trigger
                    .stages
                    .iter()
                    .map(|s| pipeline.stage(*s).name.clone())
                    .collect(),
            };
            lanes.push(Lane {
                market,
                schedule,
                template,
                next: std::collections::VecDeque::new(),
                cursor: after,
                done: false,
            });
        }
    }
    for _ in 0..limit {
        // The earliest next instant; among equal ones the first lane, which
        // is declaration order.
        let mut earliest: Option<(DateTime<Utc>, usize)> = None;
        for (i, lane) in lanes.iter_mut().enumerate() {
            if lane.next.is_empty() && !lane.done {
                lane.refill(until);
            }
            if let Some(&at) = lane.next.front() {
                if earliest.map_or(true, |(e, _)| at < e) {
                    earliest = Some((at, i));
                }
            }
        }
        let Some((at, i)) = earliest else { break };
        lanes[i].next.pop_front();
        f(Firing {
            at,
            ..lanes[i].template.clone()
        });
    }
    Ok(())
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
