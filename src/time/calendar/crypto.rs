//! Cryptocurrency markets: open around the clock, every day, in UTC.

use super::cmes::NO_WINDOWS;
use super::model::Calendar;
use super::table::{build, era, hm, DayTable, Spec};

pub(crate) fn crypto() -> Calendar {
    let mut calendar = build(Spec {
        code: "CRYPTO",
        name: "Crypto (24x7)",
        tz: chrono_tz::UTC,
        // 00:00-24:00: each UTC date is one session, back to back with the next.
        eras: vec![era(None, hm(0, 0), hm(0, 0), None, hm(0, 0))],
        // No holidays to get wrong, in any year.
        valid_years: 1..=9999,
        extended: NO_WINDOWS,
        year: no_holidays,
    });
    calendar.weekend = [false; 7];
    calendar
}

fn no_holidays(_year: i32, _table: &mut DayTable) {}
