//! Bolsa de Madrid (BME): the TARGET2 days; Christmas Eve and New Year's Eve
//! closed, half days or ordinary days depending on the year.

use super::feasts::{close_on, Feast, EUROPEAN_CORE};
use super::model::Calendar;
use super::table::{build, era, hm, DayTable, Spec, DEFAULT_EXTENDED};

pub(crate) fn xmad() -> Calendar {
    build(Spec {
        code: "XMAD",
        name: "Bolsa de Madrid",
        tz: chrono_tz::Europe::Madrid,
        eras: vec![era(None, hm(9, 0), hm(17, 30), None, hm(14, 0))],
        valid_years: 2005..=2035,
        extended: DEFAULT_EXTENDED,
        year: mad_year,
    })
}

fn mad_year(year: i32, t: &mut DayTable) {
    close_on(year, t, EUROPEAN_CORE);
    if year <= 2006 {
        close_on(year, t, &[Feast::Epiphany]);
    }
    // BME market calendars: the two eves were closed through 2010 and in
    // 2021-2023, ordinary sessions in 2011, and half days (14:00) in 2012-2020
    // and from 2024.
    let eves = [Feast::ChristmasEve, Feast::NewYearsEve];
    if year <= 2010 || (2021..=2023).contains(&year) {
        close_on(year, t, &eves);
    } else if year >= 2012 {
        for eve in eves {
            t.early_close(eve.date(year), eve.name());
        }
    }
}
