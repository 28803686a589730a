//! A manual run is for a day the pipeline's triggers would run it: an as-of
//! date none of them fires on (a holiday of its calendar, a weekend) is
//! refused with the next day one does, unless `--any-day` says otherwise. A
//! pipeline without triggers runs on any day.

use crate::firings::{timeline, Firing, TimelineError};
use crate::ir::{PipelineId, Program};
use chrono::{Days, NaiveDate, TimeZone, Utc};

/// How far ahead the next valid day is looked for.
const LOOK_AHEAD_DAYS: u64 = 400;

pub fn check(
    program: &Program,
    pipeline: PipelineId,
    trigger: Option<&str>,
    as_of: NaiveDate,
) -> Result<(), RunDayError> {
    let p = program.pipeline(pipeline);
    if p.triggers.is_empty() {
        return Ok(());
    }
    let counts = |f: &Firing| trigger.map_or(true, |t| f.trigger == t);
    // A firing's as-of date is its date in the trigger's zone, which lies
    // within a day of the UTC date either way.
    let Some(start) = as_of.checked_sub_days(Days::new(1)) else {
        return Ok(());
    };
    let after = Utc.from_utc_datetime(&start.and_hms_opt(0, 0, 0).unwrap_or_default());
    let until = after + chrono::Duration::days(i64::try_from(LOOK_AHEAD_DAYS).unwrap_or(400));
    let mut next = None;
    for firing in timeline(program, &[pipeline], after, Some(until), usize::MAX)
        .map_err(RunDayError::Timeline)?
    {
        let day = firing.at.with_timezone(&firing.zone).date_naive();
        if !counts(&firing) || day < as_of {
            continue;
        }
        if day == as_of {
            return Ok(());
        }
        next = Some((day, firing.trigger));
        break;
    }
    Err(RunDayError::NoFiring {
        pipeline: p.name.clone(),
        trigger: trigger.map(str::to_string),
        as_of,
        next,
    })
}

#[derive(Debug)]
pub enum RunDayError {
    /// No trigger (or not the one asked for) fires on the day.
    NoFiring {
        pipeline: String,
        trigger: Option<String>,
        as_of: NaiveDate,
        /// The next day one does, and which trigger.
        next: Option<(NaiveDate, String)>,
    },
    Timeline(TimelineError),
}

impl std::fmt::Display for RunDayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (pipeline, trigger, as_of, next) = match self {
            RunDayError::Timeline(e) => return write!(f, "{e}"),
            RunDayError::NoFiring {
                pipeline,
                trigger,
                as_of,
                next,
            } => (pipeline, trigger, as_of, next),
        };
        match trigger {
            Some(t) => write!(f, "trigger `{t}` of `{pipeline}` does not fire")?,
            None => write!(f, "no trigger of `{pipeline}` fires")?,
        }
        write!(f, " on {as_of} ({}); ", as_of.format("%A"))?;
        match next {
            Some((day, t)) => write!(
                f,
                "the next day one does is {day} ({}, `{t}`)",
                day.format("%A")
            )?,
            None => write!(f, "none does in the {LOOK_AHEAD_DAYS} days after it")?,
        }
        write!(f, ". Add --any-day to run it for {as_of} anyway")
    }
}

impl std::error::Error for RunDayError {}
