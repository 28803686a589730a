//! Borsa Italiana (Euronext Milan): the TARGET2 days plus Assumption
//! (Ferragosto), Christmas Eve and New Year's Eve, on whatever weekday.

use super::feasts::{close_on, Feast, EUROPEAN_CORE};
use super::model::Calendar;
use super::table::{build, era, hm, DayTable, Spec, DEFAULT_EXTENDED};

pub(crate) fn xmil() -> Calendar {
    build(Spec {
        code: "XMIL",
        name: "Borsa Italiana",
        tz: chrono_tz::Europe::Rome,
        eras: vec![era(None, hm(9, 0), hm(17, 30), None, hm(13, 0))],
        valid_years: 2005..=2035,
        extended: DEFAULT_EXTENDED,
        year: mil_year,
    })
}

fn mil_year(year: i32, t: &mut DayTable) {
    close_on(year, t, EUROPEAN_CORE);
    close_on(
        year,
        t,
        &[Feast::Assumption, Feast::ChristmasEve, Feast::NewYearsEve],
    );
}
