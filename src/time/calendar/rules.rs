//! Date rules shared by the built-in calendars: nth weekdays and weekend shifts.

use chrono::{Datelike, Days, NaiveDate, Weekday};

pub(crate) fn ymd(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The `n`th (1-based) `weekday` of the month.
pub(crate) fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, u8::try_from(n).ok()?)
}

/// The last `weekday` of the month.
pub(crate) fn last_weekday(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    let first_of_next = if month == 12 {
        ymd(year + 1, 1, 1)?
    } else {
        ymd(year, month + 1, 1)?
    };
    let last = first_of_next.pred_opt()?;
    let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    last.checked_sub_days(Days::new(u64::from(back)))
}

pub(crate) fn add_days(date: NaiveDate, n: i64) -> Option<NaiveDate> {
    if n >= 0 {
        date.checked_add_days(Days::new(n.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(n.unsigned_abs()))
    }
}

/// US federal style: Saturday to Friday, Sunday to Monday.
pub(crate) fn nearest_weekday(date: NaiveDate) -> Option<NaiveDate> {
    match date.weekday() {
        Weekday::Sat => add_days(date, -1),
        Weekday::Sun => add_days(date, 1),
        _ => Some(date),
    }
}

pub(crate) fn sunday_to_monday(date: NaiveDate) -> Option<NaiveDate> {
    match date.weekday() {
        Weekday::Sun => add_days(date, 1),
        _ => Some(date),
    }
}

/// The last weekday on or before `date` (a Saturday or Sunday goes back to Friday).
pub(crate) fn weekend_to_friday(date: NaiveDate) -> Option<NaiveDate> {
    match date.weekday() {
        Weekday::Sat => add_days(date, -1),
        Weekday::Sun => add_days(date, -2),
        _ => Some(date),
    }
}

/// The first weekday on or after `date`.
pub(crate) fn weekend_to_monday(date: NaiveDate) -> Option<NaiveDate> {
    match date.weekday() {
        Weekday::Sat => add_days(date, 2),
        Weekday::Sun => add_days(date, 1),
        _ => Some(date),
    }
}

/// The first `weekday` on or after `date`.
pub(crate) fn weekday_on_or_after(date: NaiveDate, weekday: Weekday) -> Option<NaiveDate> {
    let ahead = (7 + weekday.num_days_from_monday() - date.weekday().num_days_from_monday()) % 7;
    add_days(date, i64::from(ahead))
}

/// The last weekday strictly before `date`.
pub(crate) fn previous_weekday(date: NaiveDate) -> Option<NaiveDate> {
    add_days(date, -1).and_then(weekend_to_friday)
}

/// New Zealand's "Mondayisation" of a second holiday (2 January, Boxing Day):
/// Saturday moves to Monday; Sunday and Monday move to Tuesday, because the
/// first holiday of the pair then takes the Monday.
pub(crate) fn next_monday_or_tuesday(date: NaiveDate) -> Option<NaiveDate> {
    match date.weekday() {
        Weekday::Sat | Weekday::Sun => add_days(date, 2),
        Weekday::Mon => add_days(date, 1),
        _ => Some(date),
    }
}

pub(crate) fn is_weekday(date: NaiveDate) -> bool {
    date.weekday().num_days_from_monday() < 5
}
