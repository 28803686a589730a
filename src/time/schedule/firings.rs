//! Iterating a schedule's successive firings.

use super::Schedule;
use crate::time::market_state::MarketClock;
use crate::time::session::SessionCalendar;
use chrono::{DateTime, Duration, Utc};

/// Successive firings of one schedule, optionally stopping before an end instant.
///
/// Ends at the first gap longer than the search horizon.
pub struct Firings<'a> {
    schedule: &'a Schedule,
    cursor: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    cal: &'a dyn SessionCalendar,
    clock: &'a dyn MarketClock,
}

impl<'a> Firings<'a> {
    /// Firings strictly after `after`.
    pub(crate) fn new(
        schedule: &'a Schedule,
        after: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
        cal: &'a dyn SessionCalendar,
        clock: &'a dyn MarketClock,
    ) -> Firings<'a> {
        Firings {
            schedule,
            cursor: Some(after),
            until,
            cal,
            clock,
        }
    }

    /// Firings at or after `start`.
    pub(crate) fn starting_at(
        schedule: &'a Schedule,
        start: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
        cal: &'a dyn SessionCalendar,
        clock: &'a dyn MarketClock,
    ) -> Firings<'a> {
        let mut firings = Firings::new(schedule, start, until, cal, clock);
        firings.cursor = start.checked_sub_signed(Duration::nanoseconds(1));
        firings
    }
}

impl Iterator for Firings<'_> {
    type Item = DateTime<Utc>;

    fn next(&mut self) -> Option<DateTime<Utc>> {
        let after = self.cursor?;
        let next = match self.until {
            Some(until) => self
                .schedule
                .next_before(after, until, self.cal, self.clock),
            None => self.schedule.next_after(after, self.cal, self.clock),
        };
        self.cursor = next;
        next
    }
}
