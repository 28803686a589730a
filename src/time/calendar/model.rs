//! The calendar value: zone, hours history, weekend and the days that differ.

pub use super::day_hours::DayHours;
use super::local::local_to_utc;
use crate::time::session::{Interval, Session, SessionCalendar};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use std::collections::BTreeMap;
use std::ops::RangeInclusive;

/// Regular hours in force from `from` (inclusive) until the next era.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoursEra {
    /// `None` for the first era: it applies to all earlier dates too.
    pub from: Option<NaiveDate>,
    pub hours: DayHours,
}

/// Why a day is not an ordinary weekday session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayOverride {
    /// No session.
    Closed { name: String },
    /// A half day: the session ends at `close` (the era's early close when
    /// `None`) and has no lunch break.
    EarlyClose {
        close: Option<NaiveTime>,
        name: String,
    },
    /// A session with its own hours; also opens a weekend day.
    Hours {
        hours: DayHours,
        name: Option<String>,
    },
    /// A regular-hours session on a day that would otherwise be closed.
    Open { name: Option<String> },
}

/// How long before the open and after the close the market is PRE_OPEN and
/// POST_CLOSE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtendedHours {
    pub pre_open: Duration,
    pub post_close: Duration,
}

/// An exchange calendar: built in (see [`super::builtin`]) or read from a
/// calendar file (see [`super::parse_calendar_file`]).
#[derive(Debug, Clone)]
pub struct Calendar {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) tz: Tz,
    /// Indexed by `Weekday::num_days_from_monday`.
    pub(crate) weekend: [bool; 7],
    /// Sorted by `from`; the first has `from == None`.
    pub(crate) eras: Vec<HoursEra>,
    pub(crate) days: BTreeMap<NaiveDate, DayOverride>,
    pub(crate) valid_years: RangeInclusive<i32>,
    pub(crate) extended: ExtendedHours,
}

pub const WEEKEND_NAME: &str = "weekend";

impl Calendar {
    /// A calendar with the given regular hours and no holidays.
    pub(crate) fn new(code: &str, name: &str, tz: Tz, hours: DayHours) -> Calendar {
        Calendar {
            code: code.to_string(),
            name: name.to_string(),
            tz,
            weekend: [false, false, false, false, false, true, true],
            eras: vec![HoursEra { from: None, hours }],
            days: BTreeMap::new(),
            valid_years: 1..=9999,
            extended: ExtendedHours {
                pre_open: Duration::minutes(60),
                post_close: Duration::minutes(60),
            },
        }
    }

    /// The exchange's full name, e.g. "New York Stock Exchange".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The years this calendar is known to be right for.
    pub fn valid_years(&self) -> RangeInclusive<i32> {
        self.valid_years.clone()
    }

    /// The default PRE_OPEN and POST_CLOSE window lengths.
    pub fn extended_hours(&self) -> ExtendedHours {
        self.extended
    }

    pub(crate) fn is_weekend_day(&self, weekday: Weekday) -> bool {
        self.weekend[weekday.num_days_from_monday() as usize]
    }

    /// The regular hours in force on `date`.
    pub fn regular_hours(&self, date: NaiveDate) -> Option<DayHours> {
        self.eras
            .iter()
            .rev()
            .find(|era| era.from.map_or(true, |from| from <= date))
            .or_else(|| self.eras.first())
            .map(|era| era.hours)
    }

    /// The eras of regular hours, oldest first.
    pub fn hours_history(&self) -> &[HoursEra] {
        &self.eras
    }

    /// Why the exchange is closed on `date`: the holiday's name, or
    /// `"weekend"`; `None` when `date` is a session.
    pub fn holiday_name(&self, date: NaiveDate) -> Option<&str> {
        match self.days.get(&date) {
            Some(DayOverride::Closed { name }) => Some(name),
            Some(_) => None,
            None if self.is_weekend_day(date.weekday()) => Some(WEEKEND_NAME),
            None => None,
        }
    }

    /// The name given to a session that differs from the regular hours
    /// (e.g. "Christmas Eve" for a half day).
    pub fn special_session_name(&self, date: NaiveDate) -> Option<&str> {
        match self.days.get(&date)? {
            DayOverride::EarlyClose { name, .. } => Some(name),
            DayOverride::Hours { name, .. } | DayOverride::Open { name } => name.as_deref(),
            DayOverride::Closed { .. } => None,
        }
    }

    /// Every date this calendar treats specially, in date order.
    pub fn overrides(&self) -> impl Iterator<Item = (&NaiveDate, &DayOverride)> {
        self.days.iter()
    }

    /// The local hours of the session on `date`, and whether it is a half day.
    pub fn local_hours(&self, date: NaiveDate) -> Option<(DayHours, bool)> {
        let regular = self.regular_hours(date)?;
        match self.days.get(&date) {
            Some(DayOverride::Closed { .. }) => None,
            Some(DayOverride::EarlyClose { close, .. }) => {
                let close = close.unwrap_or(regular.early_close);
                Some((
                    DayHours {
                        close,
                        lunch: None,
                        ..regular
                    },
                    true,
                ))
            }
            Some(DayOverride::Hours { hours, .. }) => {
                Some((*hours, hours.close_minute() < regular.close_minute()))
            }
            Some(DayOverride::Open { .. }) => Some((regular, false)),
            None if self.is_weekend_day(date.weekday()) => None,
            None => Some((regular, false)),
        }
    }
}

impl SessionCalendar for Calendar {
    fn code(&self) -> &str {
        &self.code
    }

    fn tz(&self) -> Tz {
        self.tz
    }

    fn session(&self, date: NaiveDate) -> Option<Session> {
        let mut session = self.session_as_listed(date)?;
        // A session opening the day before never overlaps the previous
        // session (possible where hours change between eras or on a day
        // given its own hours): it opens when that one closes.
        if session.open < self.midnight(date) {
            let previous = date.pred_opt().and_then(|d| self.session_as_listed(d));
            if let Some(previous) = previous {
                session.open = session.open.max(previous.close);
            }
            if session.close <= session.open {
                return None;
            }
        }
        Some(session)
    }
}

impl Calendar {
    fn midnight(&self, date: NaiveDate) -> DateTime<Utc> {
        local_to_utc(self.tz, date, NaiveTime::MIN)
    }

    /// The session on `date` as its hours say, before any overlap with the
    /// previous session is resolved.
    fn session_as_listed(&self, date: NaiveDate) -> Option<Session> {
        let (hours, early_close) = self.local_hours(date)?;
        let at = |minute: i32| {
            let (day, time) = DayHours::local_at(date, minute);
            local_to_utc(self.tz, day, time)
        };
        let open = at(hours.open_minute());
        let close = at(hours.close_minute());
        if close <= open {
            return None;
        }
        let lunch = hours
            .lunch
            .map(|(start, end)| Interval {
                start: at(hours.minute_in_session(start)),
                end: at(hours.minute_in_session(end)),
            })
            .filter(|l| open < l.start && l.start < l.end && l.end < close);
        Some(Session {
            date,
            open,
            close,
            lunch,
            early_close,
        })
    }
}
