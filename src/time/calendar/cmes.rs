//! CME Globex equity-index futures (E-mini S&P 500 and kin): Sunday to Friday
//! 17:00-16:00 Chicago time, with the daily 16:00-17:00 maintenance halt
//! between one trade date's close and the next one's open.

use super::easter::easter_sunday;
use super::model::{Calendar, ExtendedHours};
use super::rules::{add_days, last_weekday, nearest_weekday, nth_weekday, sunday_to_monday, ymd};
use super::table::{build, era, hm, DayTable, Spec};
use chrono::{Datelike, Weekday};

/// Globex has no pre-market or after-hours of its own around these hours.
pub(crate) const NO_WINDOWS: ExtendedHours = ExtendedHours {
    pre_open: chrono::Duration::zero(),
    post_close: chrono::Duration::zero(),
};

pub(crate) fn cmes() -> Calendar {
    build(Spec {
        code: "CMES",
        name: "CME Globex Equity Index Futures",
        tz: chrono_tz::America::Chicago,
        // A trade date runs from 17:00 the evening before to 16:00; a holiday
        // trade date halts at 12:00.
        eras: vec![era(None, hm(17, 0), hm(16, 0), None, hm(12, 0))],
        valid_years: 2005..=2035,
        extended: NO_WINDOWS,
        year: cmes_year,
    })
}

/// National days of mourning on which CME closed with the US stock markets.
const MOURNING: &[(i32, u32, u32, &str)] = &[
    (2004, 6, 11, "National Day of Mourning for Ronald Reagan"),
    (2007, 1, 2, "National Day of Mourning for Gerald Ford"),
    (
        2018,
        12,
        5,
        "National Day of Mourning for George H. W. Bush",
    ),
    (2025, 1, 9, "National Day of Mourning for Jimmy Carter"),
];

/// CME Group holiday calendar (cmegroup.com/tools-information/holiday-calendar):
/// equity-index futures close for New Year's Day, Good Friday and Christmas,
/// and halt at 12:00 CT on the other US federal and exchange holidays.
fn cmes_year(year: i32, t: &mut DayTable) {
    // A Saturday New Year's Day is not moved (the weekend covers it).
    t.holiday(ymd(year, 1, 1).and_then(sunday_to_monday), "New Year's Day");
    t.holiday(
        easter_sunday(year).and_then(|e| add_days(e, -2)),
        "Good Friday",
    );
    t.holiday(ymd(year, 12, 25).and_then(nearest_weekday), "Christmas Day");
    for &(y, m, d, name) in MOURNING.iter().filter(|c| c.0 == year) {
        t.holiday(ymd(y, m, d), name);
    }

    t.early_close(
        nth_weekday(year, 1, Weekday::Mon, 3),
        "Martin Luther King Jr. Day",
    );
    t.early_close(
        nth_weekday(year, 2, Weekday::Mon, 3),
        "Washington's Birthday",
    );
    t.early_close(last_weekday(year, 5, Weekday::Mon), "Memorial Day");
    t.early_close(
        ymd(year, 7, 4).and_then(nearest_weekday),
        "Independence Day",
    );
    t.early_close(nth_weekday(year, 9, Weekday::Mon, 1), "Labor Day");
    let thanksgiving = nth_weekday(year, 11, Weekday::Thu, 4);
    t.early_close(thanksgiving, "Thanksgiving Day");
    t.early_close(
        thanksgiving.and_then(|d| add_days(d, 1)),
        "Day after Thanksgiving",
    );
    // Christmas Eve halts early Monday to Thursday; a Friday Christmas Eve is
    // the observed Christmas holiday itself.
    let eve = ymd(year, 12, 24).filter(|d| d.weekday() != Weekday::Fri);
    t.early_close(eve, "Christmas Eve");
}
