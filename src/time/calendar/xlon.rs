//! London Stock Exchange: English bank holidays, half days on the two eves.

use super::easter::easter_sunday;
use super::model::{Calendar, ExtendedHours};
use super::rules::{
    add_days, last_weekday, nth_weekday, weekend_to_friday, weekend_to_monday, ymd,
};
use super::table::{build, era, hm, DayTable, Spec};
use chrono::{Datelike, Duration, Weekday};

/// Pre-open from 07:00 (order entry and the 07:50 opening auction); post-close
/// until 17:15, the end of post-close trade reporting.
const EXTENDED: ExtendedHours = ExtendedHours {
    pre_open: Duration::minutes(60),
    post_close: Duration::minutes(45),
};

pub(crate) fn xlon() -> Calendar {
    build(Spec {
        code: "XLON",
        name: "London Stock Exchange",
        tz: chrono_tz::Europe::London,
        eras: vec![era(None, hm(8, 0), hm(16, 30), None, hm(12, 30))],
        valid_years: 2005..=2035,
        extended: EXTENDED,
        year: lon_year,
    })
}

/// Bank holidays moved or added by royal proclamation (gov.uk bank holiday
/// announcements): jubilees, royal weddings and funerals, the coronation, and
/// the VE Day anniversary.
const PROCLAIMED: &[(i32, u32, u32, &str)] = &[
    (2002, 6, 3, "Golden Jubilee"),
    (2002, 6, 4, "Spring Bank Holiday"),
    (
        2011,
        4,
        29,
        "Wedding of Prince William and Catherine Middleton",
    ),
    (2012, 6, 4, "Spring Bank Holiday"),
    (2012, 6, 5, "Diamond Jubilee"),
    (2020, 5, 8, "Early May Bank Holiday (VE Day)"),
    (2022, 6, 2, "Spring Bank Holiday"),
    (2022, 6, 3, "Platinum Jubilee"),
    (2022, 9, 19, "State Funeral of Queen Elizabeth II"),
    (2023, 5, 8, "Coronation of King Charles III"),
];

fn lon_year(year: i32, t: &mut DayTable) {
    t.holiday(
        ymd(year, 1, 1).and_then(weekend_to_monday),
        "New Year's Day",
    );
    let easter = easter_sunday(year);
    t.holiday(easter.and_then(|e| add_days(e, -2)), "Good Friday");
    t.holiday(easter.and_then(|e| add_days(e, 1)), "Easter Monday");
    if year != 2020 {
        t.holiday(
            nth_weekday(year, 5, Weekday::Mon, 1),
            "Early May Bank Holiday",
        );
    }
    if !matches!(year, 2002 | 2012 | 2022) {
        t.holiday(last_weekday(year, 5, Weekday::Mon), "Spring Bank Holiday");
    }
    t.holiday(last_weekday(year, 8, Weekday::Mon), "Summer Bank Holiday");
    for &(y, m, d, name) in PROCLAIMED.iter().filter(|p| p.0 == year) {
        t.holiday(ymd(y, m, d), name);
    }
    // Christmas and Boxing Day falling on a weekend are replaced by the next
    // weekdays that are not already holidays: Dec 27 and, when needed, Dec 28.
    let christmas = ymd(year, 12, 25);
    t.holiday(
        christmas.filter(|d| d.weekday().num_days_from_monday() < 5),
        "Christmas Day",
    );
    let boxing = ymd(year, 12, 26);
    t.holiday(
        boxing.filter(|d| d.weekday().num_days_from_monday() < 5),
        "Boxing Day",
    );
    let mut next = ymd(year, 12, 27);
    for (day, name) in [
        (christmas, "Christmas Day (substitute)"),
        (boxing, "Boxing Day (substitute)"),
    ] {
        if !day.is_some_and(|d| d.weekday().num_days_from_monday() >= 5) {
            continue;
        }
        while let Some(d) =
            next.filter(|d| d.weekday().num_days_from_monday() >= 5 || t.is_closed(*d))
        {
            next = add_days(d, 1);
        }
        t.holiday(next, name);
        next = next.and_then(|d| add_days(d, 1));
    }

    // Half days close at 12:30; on a weekend eve the Friday before is the half day.
    t.early_close(
        ymd(year, 12, 24).and_then(weekend_to_friday),
        "Christmas Eve",
    );
    t.early_close(
        ymd(year, 12, 31).and_then(weekend_to_friday),
        "New Year's Eve",
    );
}
