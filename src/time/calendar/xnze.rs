//! NZX (New Zealand Exchange): New Zealand public holidays under the Holidays
//! Act 2003 (with "Mondayisation"), Matariki since 2022, and 12:45 closes on
//! the business days before Christmas and New Year since 2011.

use super::feasts::Feast;
use super::model::Calendar;
use super::rules::{next_monday_or_tuesday, nth_weekday, previous_weekday, weekend_to_monday, ymd};
use super::table::{build, era, hm, DayTable, Spec, DEFAULT_EXTENDED};
use chrono::{NaiveDate, Weekday};

pub(crate) fn xnze() -> Calendar {
    build(Spec {
        code: "XNZE",
        name: "New Zealand Exchange",
        tz: chrono_tz::Pacific::Auckland,
        eras: vec![era(None, hm(10, 0), hm(16, 45), None, hm(12, 45))],
        valid_years: 2005..=2035,
        extended: DEFAULT_EXTENDED,
        year: nze_year,
    })
}

/// Matariki public holiday dates (always a Friday), fixed in advance by the
/// Te Kāhui o Matariki Public Holiday Act 2022; listed here to 2035, the end
/// of the calendar's valid years.
const MATARIKI: &[(i32, u32, u32)] = &[
    (2022, 6, 24),
    (2023, 7, 14),
    (2024, 6, 28),
    (2025, 6, 20),
    (2026, 7, 10),
    (2027, 6, 25),
    (2028, 7, 14),
    (2029, 7, 6),
    (2030, 6, 21),
    (2031, 7, 11),
    (2032, 7, 2),
    (2033, 6, 24),
    (2034, 7, 7),
    (2035, 6, 29),
];

fn nze_year(year: i32, t: &mut DayTable) {
    // New Year's Day and Christmas on a weekend move to Monday; the day after
    // each then moves to Tuesday (or to Monday from a Saturday).
    let next_monday = |d: NaiveDate| weekend_to_monday(d);
    t.holiday(ymd(year, 1, 1).and_then(next_monday), "New Year's Day");
    t.holiday(
        ymd(year, 1, 2).and_then(next_monday_or_tuesday),
        "Day after New Year's Day",
    );
    // Waitangi Day and Anzac Day on a weekend move to Monday under the
    // Holidays (Full Recognition of Waitangi Day and ANZAC Day) Amendment Act
    // 2013; the first weekend case was Anzac Day 2015.
    let mondayised = |d: Option<NaiveDate>| {
        if year >= 2015 {
            d.and_then(weekend_to_monday)
        } else {
            d
        }
    };
    t.holiday(mondayised(ymd(year, 2, 6)), "Waitangi Day");
    t.holiday(Feast::GoodFriday.date(year), "Good Friday");
    t.holiday(Feast::EasterMonday.date(year), "Easter Monday");
    t.holiday(mondayised(ymd(year, 4, 25)), "Anzac Day");
    t.holiday(
        nth_weekday(year, 6, Weekday::Mon, 1),
        if year >= 2023 {
            "King's Birthday"
        } else {
            "Queen's Birthday"
        },
    );
    if let Some(&(y, m, d)) = MATARIKI.iter().find(|m| m.0 == year) {
        t.holiday(ymd(y, m, d), "Matariki");
    }
    t.holiday(nth_weekday(year, 10, Weekday::Mon, 4), "Labour Day");
    t.holiday(ymd(year, 12, 25).and_then(next_monday), "Christmas Day");
    t.holiday(
        ymd(year, 12, 26).and_then(next_monday_or_tuesday),
        "Boxing Day",
    );
    if year == 2022 {
        t.holiday(ymd(2022, 9, 26), "Queen Elizabeth II Memorial Day");
    }
    if year >= 2011 {
        t.early_close(
            ymd(year, 12, 25).and_then(previous_weekday),
            "Business day before Christmas Day",
        );
        t.early_close(
            ymd(year + 1, 1, 1).and_then(previous_weekday),
            "Business day before New Year's Day",
        );
    }
}
