//! SIX Swiss Exchange: the TARGET2 days plus Berchtold's Day, Ascension, Whit
//! Monday, Swiss National Day and the two eves.

use super::feasts::{close_on, Feast, EUROPEAN_CORE};
use super::model::Calendar;
use super::rules::ymd;
use super::table::{build, era, hm, DayTable, Spec, DEFAULT_EXTENDED};

pub(crate) fn xswx() -> Calendar {
    build(Spec {
        code: "XSWX",
        name: "SIX Swiss Exchange",
        tz: chrono_tz::Europe::Zurich,
        eras: vec![era(None, hm(9, 0), hm(17, 30), None, hm(13, 0))],
        valid_years: 2005..=2035,
        extended: DEFAULT_EXTENDED,
        year: swx_year,
    })
}

fn swx_year(year: i32, t: &mut DayTable) {
    close_on(year, t, EUROPEAN_CORE);
    t.holiday(ymd(year, 1, 2), "Berchtold's Day");
    t.holiday(ymd(year, 8, 1), "Swiss National Day");
    close_on(
        year,
        t,
        &[
            Feast::Ascension,
            Feast::WhitMonday,
            Feast::ChristmasEve,
            Feast::NewYearsEve,
        ],
    );
}
