//! Next firing of the triggers that name wall-clock times: `At` and `Cron`.
//!
//! Both scan wall-clock candidates in increasing order and resolve each through the
//! DST rule. Because resolution never maps a later wall time to an earlier instant,
//! every candidate at or before the wall time of `after` resolves to an instant at
//! or before `after`, so the scan can start just past that wall time; candidates in
//! a fall-back fold may still resolve too early and are skipped, and so are a
//! repeating cron expression's candidates inside a gap (`CronExpr::skips_gaps`).

use super::cron::CronExpr;
use super::day_set::DaySet;
use super::dst::{exists, resolve_local};
use crate::time::session::SessionCalendar;
use chrono::{DateTime, Days, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

/// Next instant strictly after `after` at wall time `time` in `zone` on a date in `days`,
/// considering dates up to `last_date`.
pub(crate) fn next_at(
    time: NaiveTime,
    zone: Tz,
    days: &DaySet,
    after: DateTime<Utc>,
    last_date: NaiveDate,
    cal: &dyn SessionCalendar,
) -> Option<DateTime<Utc>> {
    let first_date = after.with_timezone(&zone).date_naive();
    first_date
        .iter_days()
        .take_while(|d| *d <= last_date)
        .filter_map(|date| {
            let fire = resolve_local(zone, date.and_time(time))?;
            // Check the cheap instant comparison before the day set, which may ask the calendar.
            (fire > after && days.contains(date, cal)).then_some(fire)
        })
        .next()
}

/// Next instant strictly after `after` matching `expr` in `zone`, considering dates
/// up to `last_date`.
pub(crate) fn next_cron(
    expr: &CronExpr,
    zone: Tz,
    after: DateTime<Utc>,
    last_date: NaiveDate,
) -> Option<DateTime<Utc>> {
    let wall = after.with_timezone(&zone).naive_local();
    // Strictly past the wall time of `after`: a candidate equal to it resolves to
    // `after` itself or earlier.
    let mut from = wall.checked_add_signed(Duration::nanoseconds(1))?;
    loop {
        let candidate = expr.next_local_on_or_after(from, last_date)?;
        let skipped = expr.skips_gaps() && !exists(zone, candidate);
        if !skipped {
            if let Some(fire) = resolve_local(zone, candidate) {
                if fire > after {
                    return Some(fire);
                }
            }
        }
        from = candidate.checked_add_signed(Duration::minutes(1))?;
    }
}

/// The last date a search starting at `after` looks at, `horizon_days` after the
/// local date of `after`.
pub(crate) fn horizon_date(zone: Tz, after: DateTime<Utc>, horizon_days: u64) -> NaiveDate {
    let start = after.with_timezone(&zone).date_naive();
    start
        .checked_add_days(Days::new(horizon_days))
        .unwrap_or(NaiveDate::MAX)
}
