//! Trigger schedules: times of day, session-relative times, intervals, cron and day sets.
//!
//! Every search is bounded: `next_after` looks [`HORIZON_DAYS`] ahead
//! ([`CRON_HORIZON_DAYS`] for cron, so `0 0 29 2 *` is always found) and answers
//! `None` past that, so a trigger that can never fire costs a bounded scan.
//! See `docs/time.md` for the rules.

pub(crate) mod cron;
pub(crate) mod date_list;
pub(crate) mod day_set;
pub(crate) mod dst;
pub(crate) mod every;
pub(crate) mod firings;
pub(crate) mod session_relative;
pub(crate) mod wall_clock;

pub use cron::{CronError, CronExpr, CronField};
pub use date_list::{parse_date_list, DateListError};
pub use day_set::{monthly_expiration, DaySet};
pub use dst::resolve_local;
pub(crate) use firings::Firings;
pub use session_relative::Anchor;

use crate::time::market_state::{MarketClock, MarketState};
use crate::time::session::SessionCalendar;
use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::ops::Range;

/// How many days past the local date of `after` a search looks (two years and a day).
pub(crate) const HORIZON_DAYS: u64 = 2 * 366 + 1;
/// Cron's horizon: eight years and a day, the longest gap between two February 29ths.
pub(crate) const CRON_HORIZON_DAYS: u64 = 8 * 366 + 1;
/// The longest stretch one `next_before` call scans (a century), so that a range
/// ending at the end of time still terminates promptly on a trigger that never fires.
pub(crate) const MAX_RANGE_DAYS: u64 = 100 * 366;

/// One trigger's timing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Schedule {
    /// A wall-clock time in a zone, on the dates (in that zone) of `days`.
    At {
        time: NaiveTime,
        zone: Tz,
        days: DaySet,
    },
    /// The session's open or close plus a signed offset in seconds, on sessions
    /// whose date is in `days`. Follows early closes since it reads the calendar.
    SessionRelative {
        anchor: Anchor,
        offset: i64,
        days: DaySet,
    },
    /// Every `interval` seconds from the start of the first `from` state to the end
    /// of the last `to` state of each exchange-local date in `days` (see [`every`]).
    Every {
        interval: u64,
        from: MarketState,
        to: MarketState,
        days: DaySet,
    },
    /// A five-field cron expression evaluated on wall-clock time in `zone`.
    Cron { expr: CronExpr, zone: Tz },
}

impl Schedule {
    /// The first firing strictly after `after`, or `None` when there is none within
    /// the search horizon.
    pub fn next_after(
        &self,
        after: DateTime<Utc>,
        cal: &dyn SessionCalendar,
        clock: &dyn MarketClock,
    ) -> Option<DateTime<Utc>> {
        let horizon = match self {
            Schedule::Cron { .. } => CRON_HORIZON_DAYS,
            _ => HORIZON_DAYS,
        };
        self.next_within(after, horizon, cal, clock)
    }

    /// The first firing strictly after `after` and strictly before `until`, searching
    /// at most [`MAX_RANGE_DAYS`] past `after`.
    pub(crate) fn next_before(
        &self,
        after: DateTime<Utc>,
        until: DateTime<Utc>,
        cal: &dyn SessionCalendar,
        clock: &dyn MarketClock,
    ) -> Option<DateTime<Utc>> {
        if until <= after {
            return None;
        }
        // One day of slack covers zones ahead of UTC; the instant check is exact.
        let days = u64::try_from((until - after).num_days())
            .unwrap_or(0)
            .saturating_add(2)
            .min(MAX_RANGE_DAYS);
        self.next_within(after, days, cal, clock)
            .filter(|fire| *fire < until)
    }

    fn next_within(
        &self,
        after: DateTime<Utc>,
        horizon_days: u64,
        cal: &dyn SessionCalendar,
        clock: &dyn MarketClock,
    ) -> Option<DateTime<Utc>> {
        match self {
            Schedule::At { time, zone, days } => {
                let last = wall_clock::horizon_date(*zone, after, horizon_days);
                wall_clock::next_at(*time, *zone, days, after, last, cal)
            }
            Schedule::SessionRelative {
                anchor,
                offset,
                days,
            } => {
                let last = wall_clock::horizon_date(cal.tz(), after, horizon_days);
                session_relative::next_session_relative(*anchor, *offset, days, after, last, cal)
            }
            Schedule::Every {
                interval,
                from,
                to,
                days,
            } => {
                let last = wall_clock::horizon_date(cal.tz(), after, horizon_days);
                every::next_every(*interval, *from, *to, days, after, last, cal, clock)
            }
            Schedule::Cron { expr, zone } => {
                let last = wall_clock::horizon_date(*zone, after, horizon_days);
                wall_clock::next_cron(expr, *zone, after, last)
            }
        }
    }

    /// The successive firings strictly after `after`, each found with `next_after`.
    pub fn firings<'a>(
        &'a self,
        after: DateTime<Utc>,
        cal: &'a dyn SessionCalendar,
        clock: &'a dyn MarketClock,
    ) -> Firings<'a> {
        Firings::new(self, after, None, cal, clock)
    }

    /// The firings in `[range.start, range.end)`, lazily.
    pub fn firings_in<'a>(
        &'a self,
        range: Range<DateTime<Utc>>,
        cal: &'a dyn SessionCalendar,
        clock: &'a dyn MarketClock,
    ) -> Firings<'a> {
        Firings::starting_at(self, range.start, Some(range.end), cal, clock)
    }

    /// The next `n` firings strictly after `after` (fewer if the horizon runs out).
    pub fn next_n(
        &self,
        after: DateTime<Utc>,
        n: usize,
        cal: &dyn SessionCalendar,
        clock: &dyn MarketClock,
    ) -> Vec<DateTime<Utc>> {
        self.firings(after, cal, clock).take(n).collect()
    }

    /// Whether the trigger fires at least once in `within` (e.g. the next two years);
    /// the compiler warns about triggers that never fire.
    pub fn can_ever_fire(
        &self,
        cal: &dyn SessionCalendar,
        clock: &dyn MarketClock,
        within: Range<DateTime<Utc>>,
    ) -> bool {
        self.firings_in(within, cal, clock).next().is_some()
    }

    /// The market states the trigger fires in over `within`, so the compiler can warn
    /// about e.g. a job that needs SESSION run by a Saturday trigger.
    ///
    /// Firings are not visited one by one: after a firing in some state, the search
    /// jumps to the clock's next transition, so the cost follows the number of
    /// state changes, not of firings (an every-second trigger over a year is cheap).
    pub fn states_at_firings(
        &self,
        cal: &dyn SessionCalendar,
        clock: &dyn MarketClock,
        within: Range<DateTime<Utc>>,
    ) -> BTreeSet<MarketState> {
        let mut states = BTreeSet::new();
        let Some(mut cursor) = within
            .start
            .checked_sub_signed(chrono::Duration::nanoseconds(1))
        else {
            return states;
        };
        // Each round moves `cursor` past at least one transition or firing; the cap
        // only guards against a clock whose transitions do not advance.
        for _ in 0..1_000_000 {
            let Some(fire) = self.next_before(cursor, within.end, cal, clock) else {
                break;
            };
            states.insert(clock.state_at(fire));
            if states.len() == MarketState::ALL.len() {
                break;
            }
            match clock.next_transition(fire) {
                // Firings before the transition share this state: skip to just
                // before it so a firing exactly at the transition is still seen.
                Some(t) if t.at > fire => {
                    cursor = (t.at - chrono::Duration::nanoseconds(1)).max(fire);
                }
                Some(_) => cursor = fire,
                None => break,
            }
        }
        states
    }
}
