//! Euronext cash markets (Paris, Amsterdam, Brussels, Lisbon): one harmonised
//! trading calendar since 2002-2003, published yearly by Euronext.

use super::feasts::{close_on, Feast, EUROPEAN_CORE};
use super::model::Calendar;
use super::table::{build, era, hm, DayTable, Spec, DEFAULT_EXTENDED};
use chrono_tz::Tz;

pub(crate) fn xpar() -> Calendar {
    euronext(
        "XPAR",
        "Euronext Paris",
        chrono_tz::Europe::Paris,
        9,
        17,
        14,
    )
}

pub(crate) fn xams() -> Calendar {
    euronext(
        "XAMS",
        "Euronext Amsterdam",
        chrono_tz::Europe::Amsterdam,
        9,
        17,
        14,
    )
}

pub(crate) fn xbru() -> Calendar {
    euronext(
        "XBRU",
        "Euronext Brussels",
        chrono_tz::Europe::Brussels,
        9,
        17,
        14,
    )
}

/// Lisbon trades the same hours as the other venues, an hour earlier on its
/// own (Western European) clock.
pub(crate) fn xlis() -> Calendar {
    euronext(
        "XLIS",
        "Euronext Lisbon",
        chrono_tz::Europe::Lisbon,
        8,
        16,
        13,
    )
}

fn euronext(
    code: &'static str,
    name: &'static str,
    tz: Tz,
    open: u32,
    close: u32,
    early: u32,
) -> Calendar {
    // Continuous trading to 17:30 CET; on a half day the closing auction ends
    // at 14:05 CET.
    build(Spec {
        code,
        name,
        tz,
        eras: vec![era(None, hm(open, 0), hm(close, 30), None, hm(early, 5))],
        valid_years: 2005..=2035,
        extended: DEFAULT_EXTENDED,
        year: euronext_year,
    })
}

fn euronext_year(year: i32, t: &mut DayTable) {
    close_on(year, t, EUROPEAN_CORE);
    t.early_close(Feast::ChristmasEve.date(year), "Christmas Eve");
    t.early_close(Feast::NewYearsEve.date(year), "New Year's Eve");
}
