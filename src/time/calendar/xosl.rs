//! Oslo Børs: Norwegian holidays and the Christmas and New Year's eves; a
//! 13:00 close on the Wednesday before Easter since 2011.

use super::feasts::{close_on, Feast};
use super::model::Calendar;
use super::rules::{add_days, ymd};
use super::table::{build, era, hm, DayTable, Spec, DEFAULT_EXTENDED};

pub(crate) fn xosl() -> Calendar {
    build(Spec {
        code: "XOSL",
        name: "Oslo Børs",
        tz: chrono_tz::Europe::Oslo,
        eras: vec![era(None, hm(9, 0), hm(16, 20), None, hm(13, 0))],
        valid_years: 2005..=2035,
        extended: DEFAULT_EXTENDED,
        year: osl_year,
    })
}

fn osl_year(year: i32, t: &mut DayTable) {
    close_on(
        year,
        t,
        &[
            Feast::NewYearsDay,
            Feast::MaundyThursday,
            Feast::GoodFriday,
            Feast::EasterMonday,
            Feast::LabourDay,
            Feast::Ascension,
        ],
    );
    t.holiday(ymd(year, 5, 17), "Constitution Day");
    close_on(
        year,
        t,
        &[
            Feast::WhitMonday,
            Feast::ChristmasEve,
            Feast::Christmas,
            Feast::BoxingDay,
            Feast::NewYearsEve,
        ],
    );
    if year >= 2011 {
        t.early_close(
            Feast::MaundyThursday
                .date(year)
                .and_then(|d| add_days(d, -1)),
            "Holy Wednesday",
        );
    }
}
