//! Toronto Stock Exchange: Canadian (Ontario) statutory holidays observed by
//! TMX, and a 13:00 close on Christmas Eve since 2010.

use super::feasts::Feast;
use super::model::Calendar;
use super::rules::{add_days, nth_weekday, weekend_to_monday, ymd};
use super::table::{build, era, hm, DayTable, Spec, DEFAULT_EXTENDED};
use chrono::{Datelike, Weekday};

pub(crate) fn xtse() -> Calendar {
    build(Spec {
        code: "XTSE",
        name: "Toronto Stock Exchange",
        tz: chrono_tz::America::Toronto,
        eras: vec![era(None, hm(9, 30), hm(16, 0), None, hm(13, 0))],
        valid_years: 2005..=2035,
        extended: DEFAULT_EXTENDED,
        year: tse_year,
    })
}

fn tse_year(year: i32, t: &mut DayTable) {
    t.holiday(
        ymd(year, 1, 1).and_then(weekend_to_monday),
        "New Year's Day",
    );
    if year >= 2008 {
        t.holiday(nth_weekday(year, 2, Weekday::Mon, 3), "Family Day");
    }
    t.holiday(Feast::GoodFriday.date(year), "Good Friday");
    // Victoria Day: the last Monday before 25 May.
    t.holiday(
        ymd(year, 5, 24).and_then(|d| add_days(d, -i64::from(d.weekday().num_days_from_monday()))),
        "Victoria Day",
    );
    t.holiday(ymd(year, 7, 1).and_then(weekend_to_monday), "Canada Day");
    t.holiday(nth_weekday(year, 8, Weekday::Mon, 1), "Civic Holiday");
    t.holiday(nth_weekday(year, 9, Weekday::Mon, 1), "Labour Day");
    t.holiday(nth_weekday(year, 10, Weekday::Mon, 2), "Thanksgiving Day");
    christmas_with_weekend_substitutes(year, t);
    if year >= 2010 {
        t.early_close(Feast::ChristmasEve.date(year), "Christmas Eve");
    }
}

/// Christmas Day and Boxing Day; when either falls on a weekend, the next
/// weekday not already a holiday (27 or 28 December) is closed instead.
pub(crate) fn christmas_with_weekend_substitutes(year: i32, t: &mut DayTable) {
    let christmas = ymd(year, 12, 25);
    let boxing = ymd(year, 12, 26);
    t.holiday(christmas, "Christmas Day");
    t.holiday(boxing, "Boxing Day");
    // 27 December is a substitute when it is a Monday or Tuesday (Christmas
    // on Saturday or Sunday), 28 December when it is (Boxing Day likewise).
    let substitute = |d: Option<chrono::NaiveDate>| {
        d.filter(|d| matches!(d.weekday(), Weekday::Mon | Weekday::Tue))
    };
    t.holiday(substitute(ymd(year, 12, 27)), "Christmas Day (substitute)");
    t.holiday(substitute(ymd(year, 12, 28)), "Boxing Day (substitute)");
}
