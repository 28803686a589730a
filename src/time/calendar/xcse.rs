//! Nasdaq Copenhagen: Danish holidays, including Great Prayer Day until its
//! abolition in 2024 and the bank holiday on the day after Ascension since 2009.

use super::easter::easter_sunday;
use super::feasts::{close_on, Feast};
use super::model::Calendar;
use super::rules::{add_days, ymd};
use super::table::{build, era, hm, DayTable, Spec, DEFAULT_EXTENDED};

pub(crate) fn xcse() -> Calendar {
    build(Spec {
        code: "XCSE",
        name: "Nasdaq Copenhagen",
        tz: chrono_tz::Europe::Copenhagen,
        eras: vec![era(None, hm(9, 0), hm(17, 0), None, hm(13, 0))],
        valid_years: 2005..=2035,
        extended: DEFAULT_EXTENDED,
        year: cse_year,
    })
}

fn cse_year(year: i32, t: &mut DayTable) {
    let easter = |days: i64| easter_sunday(year).and_then(|e| add_days(e, days));
    close_on(
        year,
        t,
        &[
            Feast::NewYearsDay,
            Feast::MaundyThursday,
            Feast::GoodFriday,
            Feast::EasterMonday,
        ],
    );
    // Store Bededag, the fourth Friday after Easter, abolished from 2024.
    if year <= 2023 {
        t.holiday(easter(26), "Great Prayer Day");
    }
    close_on(year, t, &[Feast::Ascension]);
    if year >= 2009 {
        t.holiday(easter(40), "Bank Holiday");
    }
    close_on(year, t, &[Feast::WhitMonday]);
    t.holiday(ymd(year, 6, 5), "Constitution Day");
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
