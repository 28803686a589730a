//! ASX (Australian Securities Exchange): national and New South Wales public
//! holidays the ASX observes, and 14:10 closes before Christmas and New Year.

use super::feasts::Feast;
use super::model::Calendar;
use super::rules::{nth_weekday, sunday_to_monday, weekend_to_friday, weekend_to_monday, ymd};
use super::table::{build, era, hm, DayTable, Spec, DEFAULT_EXTENDED};
use super::xtse::christmas_with_weekend_substitutes;
use chrono::Weekday;

pub(crate) fn xasx() -> Calendar {
    build(Spec {
        code: "XASX",
        name: "Australian Securities Exchange",
        tz: chrono_tz::Australia::Sydney,
        eras: vec![era(None, hm(10, 0), hm(16, 0), None, hm(14, 10))],
        valid_years: 2005..=2035,
        extended: DEFAULT_EXTENDED,
        year: asx_year,
    })
}

/// One-off closures (ASX notices): Easter Tuesday 2011, when Anzac Day fell on
/// Easter Monday, and the National Day of Mourning for Queen Elizabeth II.
const ONE_OFF_CLOSURES: &[(i32, u32, u32, &str)] = &[
    (2011, 4, 26, "Easter Tuesday (Anzac Day on Easter Monday)"),
    (
        2022,
        9,
        22,
        "National Day of Mourning for Queen Elizabeth II",
    ),
];

fn asx_year(year: i32, t: &mut DayTable) {
    t.holiday(
        ymd(year, 1, 1).and_then(weekend_to_monday),
        "New Year's Day",
    );
    t.holiday(
        ymd(year, 1, 26).and_then(weekend_to_monday),
        "Australia Day",
    );
    t.holiday(Feast::GoodFriday.date(year), "Good Friday");
    t.holiday(Feast::EasterMonday.date(year), "Easter Monday");
    // Anzac Day is not moved off a weekend, except in 2010 (Sunday to Monday).
    let anzac = ymd(year, 4, 25);
    t.holiday(
        if year == 2010 {
            anzac.and_then(sunday_to_monday)
        } else {
            anzac
        },
        "Anzac Day",
    );
    t.holiday(
        nth_weekday(year, 6, Weekday::Mon, 2),
        if year >= 2023 {
            "King's Birthday"
        } else {
            "Queen's Birthday"
        },
    );
    christmas_with_weekend_substitutes(year, t);
    for &(y, m, d, name) in ONE_OFF_CLOSURES.iter().filter(|c| c.0 == year) {
        t.holiday(ymd(y, m, d), name);
    }
    // Since 2010 the last trading days before Christmas and before New Year
    // close at 14:10 (ASX trading calendar), except in 2022, when ASX kept
    // both days as full sessions (its 2022 calendar says "open", not "closes
    // early"; exchange_calendars PR 279 and, restoring 2023 on, PR 374).
    if year >= 2010 && year != 2022 {
        t.early_close(
            ymd(year, 12, 24).and_then(weekend_to_friday),
            "Last trading day before Christmas",
        );
        t.early_close(
            ymd(year, 12, 31).and_then(weekend_to_friday),
            "Last trading day of the year",
        );
    }
}
