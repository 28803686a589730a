//! Which exchange-local dates a trigger may fire on.

use crate::time::session::SessionCalendar;
use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A set of dates, decided one date at a time against a calendar.
///
/// Dates are the trigger's local dates: the exchange's for session-relative and
/// interval triggers, the trigger's own zone for wall-clock and cron triggers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DaySet {
    /// Every calendar day.
    Every,
    /// Monday to Friday, holidays included.
    Weekdays,
    /// Dates on which the calendar has a session.
    TradingDays,
    /// The listed days of the week, e.g. saturday and sunday.
    Named(Vec<Weekday>),
    FirstTradingDayOfMonth,
    LastTradingDayOfMonth,
    /// First trading day of the ISO week (Monday to Sunday).
    FirstTradingDayOfWeek,
    /// Last trading day of the ISO week (Monday to Sunday).
    LastTradingDayOfWeek,
    /// Monthly options expiration: the third Friday of the month, or the trading
    /// day before it when that Friday is not a trading day.
    MonthlyExpiration,
    /// Quarterly triple witching: the monthly expiration of March, June, September
    /// and December.
    QuarterlyExpiration,
    /// A user-listed set of dates (FOMC days, earnings days, ...).
    Dates(BTreeSet<NaiveDate>),
    /// Every date not in the inner set, e.g. `Not(TradingDays)` = market closed.
    Not(Box<DaySet>),
    /// Dates in every inner set (an empty list is every day).
    AllOf(Vec<DaySet>),
    /// Dates in at least one inner set (an empty list is no day).
    AnyOf(Vec<DaySet>),
}

/// How far back the expiration rule looks for a trading day before a holiday
/// Friday; a week keeps the moved date inside the same month.
const EXPIRATION_LOOKBACK_DAYS: u64 = 6;

impl DaySet {
    pub fn contains(&self, date: NaiveDate, cal: &dyn SessionCalendar) -> bool {
        match self {
            DaySet::Every => true,
            DaySet::Weekdays => date.weekday().num_days_from_monday() < 5,
            DaySet::TradingDays => cal.is_session(date),
            DaySet::Named(days) => days.contains(&date.weekday()),
            DaySet::FirstTradingDayOfMonth => {
                cal.is_session(date) && !any_session(cal, first_of_month(date), date)
            }
            DaySet::LastTradingDayOfMonth => {
                cal.is_session(date) && !any_session_after(cal, date, last_of_month(date))
            }
            DaySet::FirstTradingDayOfWeek => {
                cal.is_session(date) && !any_session(cal, monday_of(date), date)
            }
            DaySet::LastTradingDayOfWeek => {
                cal.is_session(date) && !any_session_after(cal, date, sunday_of(date))
            }
            DaySet::MonthlyExpiration => is_monthly_expiration(date, cal),
            DaySet::QuarterlyExpiration => {
                date.month() % 3 == 0 && is_monthly_expiration(date, cal)
            }
            DaySet::Dates(dates) => dates.contains(&date),
            DaySet::Not(inner) => !inner.contains(date, cal),
            DaySet::AllOf(sets) => sets.iter().all(|s| s.contains(date, cal)),
            DaySet::AnyOf(sets) => sets.iter().any(|s| s.contains(date, cal)),
        }
    }
}

impl DaySet {
    /// Whether `contains` can be answered without asking the calendar; such sets are
    /// checked before a session lookup, the others after it.
    pub fn is_calendar_free(&self) -> bool {
        match self {
            DaySet::Every | DaySet::Weekdays | DaySet::Named(_) | DaySet::Dates(_) => true,
            DaySet::Not(inner) => inner.is_calendar_free(),
            DaySet::AllOf(sets) | DaySet::AnyOf(sets) => sets.iter().all(DaySet::is_calendar_free),
            _ => false,
        }
    }
}

/// The monthly options expiration of `year`-`month`: the third Friday, or the last
/// trading day before it (within the same week) when that Friday is a holiday.
pub fn monthly_expiration(year: i32, month: u32, cal: &dyn SessionCalendar) -> Option<NaiveDate> {
    let friday = NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Fri, 3)?;
    cal.session_on_or_before(friday, EXPIRATION_LOOKBACK_DAYS)
        .map(|s| s.date)
}

fn is_monthly_expiration(date: NaiveDate, cal: &dyn SessionCalendar) -> bool {
    // The third Friday is the 15th to the 21st; only the days up to six before it
    // can be the expiration, so most dates are rejected without a calendar lookup.
    if !(9..=21).contains(&date.day()) {
        return false;
    }
    monthly_expiration(date.year(), date.month(), cal) == Some(date)
}

fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

fn last_of_month(date: NaiveDate) -> NaiveDate {
    let next_month_first = if date.month() == 12 {
        NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)
    };
    next_month_first.and_then(|d| d.pred_opt()).unwrap_or(date)
}

fn monday_of(date: NaiveDate) -> NaiveDate {
    let back = u64::from(date.weekday().num_days_from_monday());
    date.checked_sub_days(Days::new(back)).unwrap_or(date)
}

fn sunday_of(date: NaiveDate) -> NaiveDate {
    let ahead = 6 - u64::from(date.weekday().num_days_from_monday());
    date.checked_add_days(Days::new(ahead)).unwrap_or(date)
}

/// Whether the calendar has a session on some date in `[from, until)`.
fn any_session(cal: &dyn SessionCalendar, from: NaiveDate, until: NaiveDate) -> bool {
    from.iter_days()
        .take_while(|d| *d < until)
        .any(|d| cal.is_session(d))
}

/// Whether the calendar has a session on some date in `(after, through]`.
fn any_session_after(cal: &dyn SessionCalendar, after: NaiveDate, through: NaiveDate) -> bool {
    after
        .iter_days()
        .skip(1)
        .take_while(|d| *d <= through)
        .any(|d| cal.is_session(d))
}
