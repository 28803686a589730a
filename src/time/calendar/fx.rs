//! Spot foreign exchange, 24 hours a day five days a week: from Sunday 17:00
//! to Friday 17:00 New York time, the market's conventional week.

use super::cmes::NO_WINDOWS;
use super::model::Calendar;
use super::rules::ymd;
use super::table::{build, era, hm, DayTable, Spec};

pub(crate) fn fx() -> Calendar {
    build(Spec {
        code: "FX",
        name: "Spot FX (24x5)",
        tz: chrono_tz::America::New_York,
        // Each value date's session runs 17:00 to 17:00 New York time; Monday's
        // opens on Sunday at 17:00 and Friday's closes the week at 17:00.
        eras: vec![era(None, hm(17, 0), hm(17, 0), None, hm(17, 0))],
        valid_years: 2005..=2035,
        extended: NO_WINDOWS,
        year: fx_year,
    })
}

/// The two days on which every main dealing centre (Sydney, Tokyo, London,
/// New York) is on holiday, so brokers and ECNs stop quoting: the session
/// of that date, from 17:00 the evening before, does not trade. Nothing is
/// moved off a weekend: a Saturday or Sunday holiday closes nothing more.
fn fx_year(year: i32, t: &mut DayTable) {
    t.holiday(ymd(year, 1, 1), "New Year's Day");
    t.holiday(ymd(year, 12, 25), "Christmas Day");
}
