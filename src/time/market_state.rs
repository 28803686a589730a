//! The market-state machine: HOLIDAY, OVERNIGHT, PRE_OPEN, SESSION, BREAK, POST_CLOSE.

use crate::time::calendar::{builtin, start_of_day, Calendar, ExtendedHours, BUILTIN_CODES};
use crate::time::session::SessionCalendar;
use chrono::{DateTime, Days, Duration, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;
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

    /// The span `[start, end)` of trading day `date`: the exchange-local day
    /// in `zone`, unless the market's sessions open the evening before their
    /// date (see [`MarketHours`]). Interval triggers cut their windows by it.
    fn trading_day(&self, zone: Tz, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let start = crate::time::schedule::dst::start_of_day(zone, date)?;
        let end = crate::time::schedule::dst::start_of_day(zone, date.succ_opt()?)?;
        Some((start, end))
    }
}

/// A calendar's state machine: the calendar plus the lengths of the PRE_OPEN
/// and POST_CLOSE windows.
///
/// Time is cut into trading days, one per exchange-local date. A trading day
/// starts at local midnight, except the day of a session that opens the
/// evening before its date: that day starts at the start of its PRE_OPEN
/// window, but not before the previous session's close nor before the
/// previous local midnight. A trading day that is not a session (weekends
/// included) is HOLIDAY throughout; a session's day is OVERNIGHT, PRE_OPEN,
/// SESSION, BREAK (lunch), SESSION, POST_CLOSE, OVERNIGHT. Windows are clipped
/// to the trading day, so a window never spills into a neighbouring day's
/// state: where the next session's PRE_OPEN starts before this one's
/// POST_CLOSE ends, PRE_OPEN wins. Back-to-back sessions (a market open
/// around the clock) are one stretch of SESSION.
#[derive(Debug, Clone, Copy)]
pub struct MarketHours<'a> {
    pub calendar: &'a Calendar,
    pub windows: ExtendedHours,
}

/// How far ahead `next_transition` looks before giving up (a calendar with no
/// sessions at all, or one open around the clock, has no transitions).
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

    fn pre_open(&self) -> Duration {
        // Negative windows (possible through `with_windows`) are no window.
        self.windows.pre_open.max(Duration::zero())
    }

    fn post_close(&self) -> Duration {
        self.windows.post_close.max(Duration::zero())
    }

    /// The instant trading day `date` starts (see [`MarketHours`]).
    pub fn day_start(&self, date: NaiveDate) -> DateTime<Utc> {
        let tz = self.calendar.tz();
        let midnight = start_of_day(tz, date);
        let Some(session) = self.calendar.session(date) else {
            return midnight;
        };
        if session.open >= midnight {
            return midnight;
        }
        let previous = date.pred_opt();
        let floor = previous
            .and_then(|d| self.calendar.session(d))
            .map(|s| s.close)
            .into_iter()
            .chain(previous.map(|d| start_of_day(tz, d)))
            .max()
            .unwrap_or(session.open);
        session
            .open
            .checked_sub_signed(self.pre_open())
            .unwrap_or(floor)
            .max(floor)
            .min(session.open)
    }

    /// The trading day `date` as `[start, end)`.
    pub fn trading_day(&self, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = self.day_start(date);
        let end = date.succ_opt().map_or(start, |next| self.day_start(next));
        (start, end.max(start))
    }

    /// The states of trading day `date` as (start, state), in order, the first
    /// starting when the day starts; adjacent equal states merged.
    pub fn day_states(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, MarketState)> {
        let (day_start, day_end) = self.trading_day(date);
        let Some(session) = self.calendar.session(date) else {
            return vec![(day_start, MarketState::Holiday)];
        };
        let clip = |t: DateTime<Utc>| t.clamp(day_start, day_end);
        // Huge windows clip to the whole day rather than overflow.
        let pre_start = session
            .open
            .checked_sub_signed(self.pre_open())
            .unwrap_or(day_start);
        let post_end = session
            .close
            .checked_add_signed(self.post_close())
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

    /// The trading day `instant` falls in: its local date, or the next date
    /// when that day's session has already started the evening before.
    pub fn trading_date(&self, instant: DateTime<Utc>) -> NaiveDate {
        let date = self.local_date(instant);
        match date.succ_opt() {
            Some(next) if self.day_start(next) <= instant => next,
            _ => date,
        }
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
        let states = self.day_states(self.trading_date(instant));
        states
            .iter()
            .rev()
            .find(|(start, _)| *start <= instant)
            .or(states.first())
            .map_or(MarketState::Holiday, |&(_, state)| state)
    }

    fn next_transition(&self, instant: DateTime<Utc>) -> Option<Transition> {
        let mut current = self.state_at(instant);
        let first = self.trading_date(instant);
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

    fn trading_day(&self, _zone: Tz, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        Some(MarketHours::trading_day(self, date))
    }
}

impl MarketClock for Calendar {
    fn state_at(&self, instant: DateTime<Utc>) -> MarketState {
        MarketHours::new(self).state_at(instant)
    }

    fn next_transition(&self, instant: DateTime<Utc>) -> Option<Transition> {
        MarketHours::new(self).next_transition(instant)
    }

    fn trading_day(&self, _zone: Tz, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        Some(MarketHours::new(self).trading_day(date))
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
