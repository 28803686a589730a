//! Nasdaq Helsinki: Finnish holidays and eves.

use super::feasts::{close_on, Feast};
use super::model::Calendar;
use super::rules::{weekday_on_or_after, ymd};
use super::table::{build, era, hm, DayTable, Spec, DEFAULT_EXTENDED};
use chrono::Weekday;

pub(crate) fn xhel() -> Calendar {
    build(Spec {
        code: "XHEL",
        name: "Nasdaq Helsinki",
        tz: chrono_tz::Europe::Helsinki,
        eras: vec![era(None, hm(10, 0), hm(18, 30), None, hm(14, 0))],
        valid_years: 2005..=2035,
        extended: DEFAULT_EXTENDED,
        year: hel_year,
    })
}

fn hel_year(year: i32, t: &mut DayTable) {
    close_on(
        year,
        t,
        &[
            Feast::NewYearsDay,
            Feast::Epiphany,
            Feast::GoodFriday,
            Feast::EasterMonday,
            Feast::LabourDay,
            Feast::Ascension,
        ],
    );
    // Midsummer Eve is the Friday between 19 and 25 June.
    t.holiday(
        ymd(year, 6, 19).and_then(|d| weekday_on_or_after(d, Weekday::Fri)),
        "Midsummer Eve",
    );
    t.holiday(ymd(year, 12, 6), "Independence Day");
    close_on(
        year,
        t,
        &[
            Feast::ChristmasEve,
            Feast::Christmas,
            Feast::BoxingDay,
            Feast::NewYearsEve,
        ],
    );
}
