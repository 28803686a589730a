//! A manual run is for a day the pipeline's triggers would run it: an as-of
//! date none of them fires on (a holiday of its calendar, a weekend) is
//! refused with the next day one does, unless `--any-day` says otherwise. A
//! pipeline without triggers runs on any day.

use crate::firings::{timeline, Firing};
use crate::ir::{PipelineId, Program};
use chrono::{Days, NaiveDate, TimeZone, Utc};

/// How far ahead the next valid day is looked for.
const LOOK_AHEAD_DAYS: u64 = 400;

pub fn check(
    program: &Program,
    pipeline: PipelineId,
    trigger: Option<&str>,
    as_of: NaiveDate,
) -> Result<(), String> {
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
    for firing in timeline(program, &[pipeline], after, Some(until), usize::MAX)? {
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
    let whose = match trigger {
        Some(t) => format!("trigger `{t}` of `{}` does not fire", p.name),
        None => format!("no trigger of `{}` fires", p.name),
    };
    let next = match next {
        Some((day, t)) => format!(
            "the next day one does is {day} ({}, `{t}`)",
            day.format("%A")
        ),
        None => format!("none does in the {LOOK_AHEAD_DAYS} days after it"),
    };
    Err(format!(
        "{whose} on {as_of} ({}); {next}. Add --any-day to run it for {as_of} anyway",
        as_of.format("%A")
    ))
}
