//! Deutsche Börse Xetra: exchange holidays, not German public holidays.

use super::easter::easter_sunday;
use super::model::{Calendar, ExtendedHours};
use super::rules::{add_days, ymd};
use super::table::{build, era, hm, DayTable, Spec};
use chrono::{Datelike, Duration, Weekday};

/// Pre-trading from 07:30 (order entry before the 09:00 opening auction);
/// post-trading until 20:00, when Xetra order maintenance ends.
const EXTENDED: ExtendedHours = ExtendedHours {
    pre_open: Duration::minutes(90),
    post_close: Duration::minutes(150),
};

pub(crate) fn xetr() -> Calendar {
    build(Spec {
        code: "XETR",
        name: "Deutsche Börse Xetra",
        tz: chrono_tz::Europe::Berlin,
        eras: vec![era(None, hm(9, 0), hm(17, 30), None, hm(14, 0))],
        valid_years: 2005..=2035,
        extended: EXTENDED,
        year: xetr_year,
    })
}

fn xetr_year(year: i32, t: &mut DayTable) {
    t.holiday(ymd(year, 1, 1), "New Year's Day");
    let easter = easter_sunday(year);
    t.holiday(easter.and_then(|e| add_days(e, -2)), "Good Friday");
    t.holiday(easter.and_then(|e| add_days(e, 1)), "Easter Monday");
    t.holiday(ymd(year, 5, 1), "Labour Day");
    // Deutsche Börse trading calendars: Xetra closed on Whit Monday in 2007 and
    // 2015-2021 and on German Unity Day in 2014-2021, open in the other years.
    if year == 2007 || (2015..=2021).contains(&year) {
        t.holiday(easter.and_then(|e| add_days(e, 50)), "Whit Monday");
    }
    if (2014..=2021).contains(&year) {
        t.holiday(ymd(year, 10, 3), "Day of German Unity");
    }
    if year == 2017 {
        t.holiday(ymd(2017, 10, 31), "Reformation Day (500th anniversary)");
    }
    t.holiday(ymd(year, 12, 24), "Christmas Eve");
    t.holiday(ymd(year, 12, 25), "Christmas Day");
    t.holiday(ymd(year, 12, 26), "Boxing Day");
    t.holiday(ymd(year, 12, 31), "New Year's Eve");
    // From 2010 the last weekday before New Year's Eve closes at 14:00.
    if year >= 2010 {
        let mut day = ymd(year, 12, 30);
        while let Some(d) = day.filter(|d| matches!(d.weekday(), Weekday::Sat | Weekday::Sun)) {
            day = add_days(d, -1);
        }
        t.early_close(day, "Last trading day of the year");
    }
}
