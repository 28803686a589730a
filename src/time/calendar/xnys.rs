//! New York Stock Exchange and Nasdaq: the same holidays and half days.

use super::easter::easter_sunday;
use super::model::{Calendar, ExtendedHours};
use super::rules::{add_days, last_weekday, nearest_weekday, nth_weekday, sunday_to_monday, ymd};
use super::table::{build, era, hm, DayTable, Spec};
use chrono::{Datelike, Duration, Weekday};

/// US pre-market from 04:00 and after-hours until 20:00 ET around 09:30-16:00;
/// on a half day after-hours runs 4 hours past the 13:00 close, as it does.
const EXTENDED: ExtendedHours = ExtendedHours {
    pre_open: Duration::minutes(330),
    post_close: Duration::minutes(240),
};

pub(crate) fn xnys() -> Calendar {
    us_equities("XNYS", "New York Stock Exchange")
}

pub(crate) fn xnas() -> Calendar {
    us_equities("XNAS", "Nasdaq Stock Market")
}

fn us_equities(code: &'static str, name: &'static str) -> Calendar {
    build(Spec {
        code,
        name,
        tz: chrono_tz::America::New_York,
        eras: vec![era(None, hm(9, 30), hm(16, 0), None, hm(13, 0))],
        valid_years: 2005..=2035,
        extended: EXTENDED,
        year: us_year,
    })
}

/// One-off closures (NYSE "Holidays and Trading Hours" notices and press
/// releases; Nasdaq closed on the same days).
const ONE_OFF_CLOSURES: &[(i32, u32, u32, &str)] = &[
    (2001, 9, 11, "September 11 attacks"),
    (2001, 9, 12, "September 11 attacks"),
    (2001, 9, 13, "September 11 attacks"),
    (2001, 9, 14, "September 11 attacks"),
    (2004, 6, 11, "National Day of Mourning for Ronald Reagan"),
    (2007, 1, 2, "National Day of Mourning for Gerald Ford"),
    (2012, 10, 29, "Hurricane Sandy"),
    (2012, 10, 30, "Hurricane Sandy"),
    (
        2018,
        12,
        5,
        "National Day of Mourning for George H. W. Bush",
    ),
    (2025, 1, 9, "National Day of Mourning for Jimmy Carter"),
];

fn us_year(year: i32, t: &mut DayTable) {
    // NYSE Rule 7.2: a Saturday holiday is not moved to Friday when that Friday
    // ends a month or year, which only ever bites New Year's Day.
    t.holiday(ymd(year, 1, 1).and_then(sunday_to_monday), "New Year's Day");
    t.holiday(
        nth_weekday(year, 1, Weekday::Mon, 3),
        "Martin Luther King Jr. Day",
    );
    t.holiday(
        nth_weekday(year, 2, Weekday::Mon, 3),
        "Washington's Birthday",
    );
    t.holiday(
        easter_sunday(year).and_then(|e| add_days(e, -2)),
        "Good Friday",
    );
    t.holiday(last_weekday(year, 5, Weekday::Mon), "Memorial Day");
    if year >= 2022 {
        t.holiday(
            ymd(year, 6, 19).and_then(nearest_weekday),
            "Juneteenth National Independence Day",
        );
    }
    t.holiday(
        ymd(year, 7, 4).and_then(nearest_weekday),
        "Independence Day",
    );
    t.holiday(nth_weekday(year, 9, Weekday::Mon, 1), "Labor Day");
    let thanksgiving = nth_weekday(year, 11, Weekday::Thu, 4);
    t.holiday(thanksgiving, "Thanksgiving Day");
    t.holiday(ymd(year, 12, 25).and_then(nearest_weekday), "Christmas Day");
    for &(y, m, d, name) in ONE_OFF_CLOSURES.iter().filter(|c| c.0 == year) {
        t.holiday(ymd(y, m, d), name);
    }

    // Half days at 13:00. July 3 only when July 4 is a weekday after it
    // (a Friday July 3 is itself the observed holiday).
    let july3 = ymd(year, 7, 3);
    if july3.is_some_and(|d| d.weekday() != Weekday::Fri) {
        t.early_close(july3, "Independence Day Eve");
    }
    t.early_close(
        thanksgiving.and_then(|d| add_days(d, 1)),
        "Day after Thanksgiving",
    );
    t.early_close(ymd(year, 12, 24), "Christmas Eve");
    for &(y, m, d) in ADHOC_HALF_DAYS.iter().filter(|c| c.0 == year) {
        t.early_close(ymd(y, m, d), "Day after Christmas");
    }
}

/// One-off 13:00 closes (NYSE notices).
const ADHOC_HALF_DAYS: &[(i32, u32, u32)] = &[(2003, 12, 26)];
