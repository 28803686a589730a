//! Johannesburg Stock Exchange: South African public holidays (Public
//! Holidays Act 36 of 1994: a holiday on a Sunday is observed on the Monday)
//! and the days declared holidays for national and municipal elections.

use super::feasts::Feast;
use super::model::Calendar;
use super::rules::{sunday_to_monday, ymd};
use super::table::{build, era, hm, DayTable, Spec, DEFAULT_EXTENDED};

pub(crate) fn xjse() -> Calendar {
    build(Spec {
        code: "XJSE",
        name: "Johannesburg Stock Exchange",
        tz: chrono_tz::Africa::Johannesburg,
        eras: vec![era(None, hm(9, 0), hm(17, 0), None, hm(12, 0))],
        valid_years: 2005..=2035,
        extended: DEFAULT_EXTENDED,
        year: jse_year,
    })
}

/// Days declared public holidays by proclamation (Government Gazette):
/// election days, and 27 December when Christmas fell on a Sunday and Boxing
/// Day took the Monday (2011, 2016).
const PROCLAIMED: &[(i32, u32, u32, &str)] = &[
    (2004, 4, 14, "National election"),
    (2006, 3, 1, "Municipal election"),
    (2008, 5, 2, "Public holiday"),
    (2009, 4, 22, "National election"),
    (2011, 5, 18, "Municipal election"),
    (2011, 12, 27, "Public holiday"),
    (2014, 5, 7, "National election"),
    (2016, 8, 3, "Municipal election"),
    (2016, 12, 27, "Public holiday"),
    (2019, 5, 8, "National election"),
];

fn jse_year(year: i32, t: &mut DayTable) {
    let fixed = |m: u32, d: u32| ymd(year, m, d).and_then(sunday_to_monday);
    t.holiday(fixed(1, 1), "New Year's Day");
    t.holiday(fixed(3, 21), "Human Rights Day");
    t.holiday(Feast::GoodFriday.date(year), "Good Friday");
    t.holiday(Feast::EasterMonday.date(year), "Family Day");
    t.holiday(fixed(4, 27), "Freedom Day");
    t.holiday(fixed(5, 1), "Workers' Day");
    t.holiday(fixed(6, 16), "Youth Day");
    t.holiday(fixed(8, 9), "National Women's Day");
    t.holiday(fixed(9, 24), "Heritage Day");
    t.holiday(fixed(12, 16), "Day of Reconciliation");
    t.holiday(fixed(12, 25), "Christmas Day");
    t.holiday(fixed(12, 26), "Day of Goodwill");
    for &(y, m, d, name) in PROCLAIMED.iter().filter(|p| p.0 == year) {
        t.holiday(ymd(y, m, d), name);
    }
}
