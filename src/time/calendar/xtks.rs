//! Tokyo Stock Exchange: national holidays plus the exchange's year-end closure.

use super::japan::national_holidays;
use super::model::{Calendar, ExtendedHours};
use super::rules::ymd;
use super::table::{build, era, hm, DayTable, Spec};
use chrono::Duration;

/// Pre-open from 08:00, when TSE starts accepting orders; post-close 30 minutes
/// (ToSTNeT off-auction trading after the close).
const EXTENDED: ExtendedHours = ExtendedHours {
    pre_open: Duration::minutes(60),
    post_close: Duration::minutes(30),
};

pub(crate) fn xtks() -> Calendar {
    // JPX trading-hours history: the morning session ran to 11:00 until
    // 2011-11-18 and to 11:30 from 2011-11-21; the close moved from 15:00 to
    // 15:30 on 2024-11-05 (arrowhead 4.0). TSE has had no half days since 2005.
    let lunch_old = Some((hm(11, 0), hm(12, 30)));
    let lunch = Some((hm(11, 30), hm(12, 30)));
    build(Spec {
        code: "XTKS",
        name: "Tokyo Stock Exchange",
        tz: chrono_tz::Asia::Tokyo,
        eras: vec![
            era(None, hm(9, 0), hm(15, 0), lunch_old, hm(11, 0)),
            era(ymd(2011, 11, 21), hm(9, 0), hm(15, 0), lunch, hm(11, 30)),
            era(ymd(2024, 11, 5), hm(9, 0), hm(15, 30), lunch, hm(11, 30)),
        ],
        valid_years: 2005..=2035,
        extended: EXTENDED,
        year: tks_year,
    })
}

fn tks_year(year: i32, t: &mut DayTable) {
    for (date, name) in national_holidays(year) {
        t.holiday(Some(date), name);
    }
    // TSE Business Regulations: closed Dec 31 and Jan 1-3 whatever the weekday.
    t.holiday(ymd(year, 1, 2), "New Year Holiday");
    t.holiday(ymd(year, 1, 3), "New Year Holiday");
    t.holiday(ymd(year, 12, 31), "New Year Holiday");
    if year == 2020 {
        // JPX news release 2020-10-19: arrowhead equipment failure.
        t.holiday(ymd(2020, 10, 1), "Trading system failure");
    }
}
