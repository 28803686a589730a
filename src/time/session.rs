//! The shared vocabulary of calendars and schedules: one trading session and the
//! trait every calendar implements.

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

/// A half-open interval of time `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Interval {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Interval {
    pub fn contains(&self, instant: DateTime<Utc>) -> bool {
        self.start <= instant && instant < self.end
    }
}

/// One trading session, labelled by the exchange's local date.
///
/// The session is `[open, close)`; a lunch break, when there is one, is
/// `[start, end)` and lies inside the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Session {
    pub date: NaiveDate,
    pub open: DateTime<Utc>,
    pub close: DateTime<Utc>,
    pub lunch: Option<Interval>,
    pub early_close: bool,
}

/// What a schedule needs to know of an exchange: its zone and its sessions.
pub trait SessionCalendar {
    /// The calendar's code, e.g. `XNYS`.
    fn code(&self) -> &str;
    /// The exchange's IANA time zone.
    fn tz(&self) -> Tz;
    /// The session labelled `date` (exchange-local), or `None` when the exchange is closed.
    fn session(&self, date: NaiveDate) -> Option<Session>;

    fn is_session(&self, date: NaiveDate) -> bool {
        self.session(date).is_some()
    }

    /// The first session on or after `date`, searching at most `limit_days` days.
    fn session_on_or_after(&self, date: NaiveDate, limit_days: u64) -> Option<Session> {
        (0..=limit_days)
            .filter_map(|n| date.checked_add_days(Days::new(n)))
            .find_map(|d| self.session(d))
    }

    /// The last session on or before `date`, searching at most `limit_days` days.
    fn session_on_or_before(&self, date: NaiveDate, limit_days: u64) -> Option<Session> {
        (0..=limit_days)
            .filter_map(|n| date.checked_sub_days(Days::new(n)))
            .find_map(|d| self.session(d))
    }
}

/// The calendar of a pipeline that follows no exchange: it has no sessions, so
/// only day sets that need no calendar (weekdays, named days, listed dates)
/// ever match, and its market is always HOLIDAY.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NoExchange;

impl SessionCalendar for NoExchange {
    fn code(&self) -> &str {
        "NONE"
    }

    fn tz(&self) -> Tz {
        chrono_tz::UTC
    }

    fn session(&self, _date: NaiveDate) -> Option<Session> {
        None
    }
}

impl crate::time::market_state::MarketClock for NoExchange {
    fn state_at(&self, _instant: DateTime<Utc>) -> crate::time::market_state::MarketState {
        crate::time::market_state::MarketState::Holiday
    }

    fn next_transition(
        &self,
        _instant: DateTime<Utc>,
    ) -> Option<crate::time::market_state::Transition> {
        None
    }
}
