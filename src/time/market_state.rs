//! The market-state machine: HOLIDAY, OVERNIGHT, PRE_OPEN, SESSION, BREAK, POST_CLOSE.

use crate::time::calendar::{builtin, start_of_day, Calendar, ExtendedHours, BUILTIN_CODES};
use crate::time::session::SessionCalendar;
use chrono::{DateTime, Days, Duration, NaiveDate, Offset, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a market is doing at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MarketState {
    Holiday,
    Overnight,
    PreOpen,
    Session,
    Break,
    PostClose,
}

impl MarketState {
    pub(crate) const ALL: [MarketState; 6] = [
        MarketState::Holiday,
        MarketState::Overnight,
        MarketState::PreOpen,
        MarketState::Session,
        MarketState::Break,
        MarketState::PostClose,
    ];

    /// The name used in `.pipe` files and in output, e.g. `PRE_OPEN`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            MarketState::Holiday => "HOLIDAY",
            MarketState::Overnight => "OVERNIGHT",
            MarketState::PreOpen => "PRE_OPEN",
            MarketState::Session => "SESSION",
            MarketState::Break => "BREAK",
            MarketState::PostClose => "POST_CLOSE",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<MarketState> {
        MarketState::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl fmt::Display for MarketState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A change of state: the state entered and the instant it is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub state: MarketState,
    pub at: DateTime<Utc>,
}

/// What a schedule needs of a market's state machine.
pub trait MarketClock {
    /// The state at `instant`.
    fn state_at(&self, instant: DateTime<Utc>) -> MarketState;
    /// The first change of state strictly after `instant`, if the calendar knows one.
    fn next_transition(&self, instant: DateTime<Utc>) -> Option<Transition>;
}

/// A calendar's state machine: the calendar plus the lengths of the PRE_OPEN
/// and POST_CLOSE windows.
///
/// Each exchange-local day is laid out on its own: a day that is not a
/// session (weekends included) is HOLIDAY from local midnight to local
/// midnight; a session day is OVERNIGHT, PRE_OPEN, SESSION, BREAK (lunch),
/// SESSION, POST_CLOSE, OVERNIGHT. Windows are clipped to the local day, so a
/// window never spills into a neighbouring day's state.
#[derive(Debug, Clone, Copy)]
pub struct MarketHours<'a> {
    pub calendar: &'a Calendar,
    pub windows: ExtendedHours,
}

/// How far ahead `next_transition` looks before giving up (a calendar with no
/// sessions at all has no transitions).
const SEARCH_DAYS: u64 = 400;

impl<'a> MarketHours<'a> {
    /// The calendar with its default windows (see docs/calendars.md).
    pub fn new(calendar: &'a Calendar) -> MarketHours<'a> {
        MarketHours {
            calendar,
            windows: calendar.extended_hours(),
        }
    }

    pub fn with_windows(calendar: &'a Calendar, windows: ExtendedHours) -> MarketHours<'a> {
        MarketHours { calendar, windows }
    }

    /// The states of exchange-local day `date` as (start, state), in order,
    /// the first starting at local midnight; adjacent equal states merged.
    pub fn day_states(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, MarketState)> {
        let tz = self.calendar.tz();
        let day_start = start_of_day(tz, date);
        let Some(session) = self.calendar.session(date) else {
            return vec![(day_start, MarketState::Holiday)];
        };
        let day_end = date
            .succ_opt()
            .map_or(session.close, |next| start_of_day(tz, next));
        let day_end = day_end.max(day_start);
        let clip = |t: DateTime<Utc>| t.clamp(day_start, day_end);
        // Negative or huge windows (possible through `with_windows`) clip to
        // nothing or to the whole day rather than overflow.
        let pre_open = self.windows.pre_open.max(Duration::zero());
        let post_close = self.windows.post_close.max(Duration::zero());
        let pre_start = session
            .open
            .checked_sub_signed(pre_open)
            .unwrap_or(day_start);
        let post_end = session
            .close
            .checked_add_signed(post_close)
            .unwrap_or(day_end);
        let mut points = vec![
            (day_start, MarketState::Overnight),
            (clip(pre_start), MarketState::PreOpen),
            (clip(session.open), MarketState::Session),
        ];
        if let Some(lunch) = session.lunch {
            points.push((clip(lunch.start), MarketState::Break));
            points.push((clip(lunch.end), MarketState::Session));
        }
        points.push((clip(session.close), MarketState::PostClose));
        points.push((clip(post_end), MarketState::Overnight));

        let mut states: Vec<(DateTime<Utc>, MarketState)> = Vec::with_capacity(points.len());
        for (at, state) in points {
            // A window clipped away at the end of the day belongs to no state here.
            if at >= day_end && !states.is_empty() {
                break;
            }
            // A later point at the same instant wins: the earlier state lasts no time.
            while states.last().is_some_and(|&(last, _)| last >= at) {
                states.pop();
            }
            if states.last().map(|&(_, s)| s) != Some(state) {
                states.push((at, state));
            }
        }
        states
    }

    /// The exchange-local date of `instant`.
    fn local_date(&self, instant: DateTime<Utc>) -> NaiveDate {
        // `with_timezone(..).date_naive()` panics at the very ends of chrono's
        // range; fall back to the UTC date there.
        let utc = instant.naive_utc();
        let offset = self.calendar.tz().offset_from_utc_datetime(&utc).fix();
        utc.checked_add_offset(offset)
            .map_or(utc.date(), |local| local.date())
    }
}

impl MarketClock for MarketHours<'_> {
    fn state_at(&self, instant: DateTime<Utc>) -> MarketState {
        let states = self.day_states(self.local_date(instant));
        states
            .iter()
            .rev()
            .find(|(start, _)| *start <= instant)
            .or(states.first())
            .map_or(MarketState::Holiday, |&(_, state)| state)
    }

    fn next_transition(&self, instant: DateTime<Utc>) -> Option<Transition> {
        let mut current = self.state_at(instant);
        let first = self.local_date(instant);
        for offset in 0..=SEARCH_DAYS {
            let date = first.checked_add_days(Days::new(offset))?;
            for (at, state) in self.day_states(date) {
                if at <= instant {
                    continue;
                }
                if state != current {
                    return Some(Transition { state, at });
                }
                current = state;
            }
        }
        None
    }
}

impl MarketClock for Calendar {
    fn state_at(&self, instant: DateTime<Utc>) -> MarketState {
        MarketHours::new(self).state_at(instant)
    }

    fn next_transition(&self, instant: DateTime<Utc>) -> Option<Transition> {
        MarketHours::new(self).next_transition(instant)
    }
}

/// One market's state at an instant, for a follow-the-sun board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MarketSnapshot {
    pub code: &'static str,
    pub name: String,
    pub state: MarketState,
    pub next: Option<Transition>,
}

/// Every built-in market's state at `instant`, with its next change, in
/// [`BUILTIN_CODES`] order (east to west).
pub fn follow_the_sun(instant: DateTime<Utc>) -> Vec<MarketSnapshot> {
    BUILTIN_CODES
        .iter()
        .filter_map(|&code| {
            let calendar = builtin(code)?;
            let hours = MarketHours::new(calendar);
            Some(MarketSnapshot {
                code,
                name: calendar.name().to_string(),
                state: hours.state_at(instant),
                next: hours.next_transition(instant),
            })
        })
        .collect()
}
