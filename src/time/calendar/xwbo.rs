//! Wiener Börse: the TARGET2 days, the Austrian National Holiday, Christmas Eve
//! and New Year's Eve; the Catholic feast days until 2018, Whit Monday until
//! 2022; a 14:15 close on the last trading day of the year since 2017.

use super::feasts::{close_on, Feast, EUROPEAN_CORE};
use super::model::Calendar;
use super::rules::{previous_weekday, weekend_to_friday, ymd};
use super::table::{build, era, hm, DayTable, Spec, DEFAULT_EXTENDED};

pub(crate) fn xwbo() -> Calendar {
    build(Spec {
        code: "XWBO",
        name: "Wiener Börse",
        tz: chrono_tz::Europe::Vienna,
        eras: vec![era(None, hm(9, 0), hm(17, 30), None, hm(14, 15))],
        valid_years: 2005..=2035,
        extended: DEFAULT_EXTENDED,
        year: wbo_year,
    })
}

fn wbo_year(year: i32, t: &mut DayTable) {
    close_on(year, t, EUROPEAN_CORE);
    if year <= 2018 {
        close_on(
            year,
            t,
            &[
                Feast::Epiphany,
                Feast::Ascension,
                Feast::CorpusChristi,
                Feast::Assumption,
                Feast::AllSaints,
                Feast::ImmaculateConception,
            ],
        );
    }
    if year <= 2022 {
        close_on(year, t, &[Feast::WhitMonday]);
    }
    t.holiday(ymd(year, 10, 26), "National Holiday");
    close_on(year, t, &[Feast::ChristmasEve]);
    // Until 2015 a weekend New Year's Eve closed the Friday before.
    let eve = Feast::NewYearsEve.date(year);
    t.holiday(
        if year <= 2015 {
            eve.and_then(weekend_to_friday)
        } else {
            eve
        },
        Feast::NewYearsEve.name(),
    );
    if year >= 2017 {
        t.early_close(
            eve.and_then(previous_weekday),
            "Last trading day of the year",
        );
    }
}
