//! Nasdaq Stockholm: Swedish holidays and eves, and 13:00 half days before
//! Epiphany, 1 May, Ascension and All Saints' Day and on Maundy Thursday.

use super::feasts::{close_on, Feast};
use super::model::Calendar;
use super::rules::{add_days, is_weekday, weekday_on_or_after, ymd};
use super::table::{build, era, hm, DayTable, Spec, DEFAULT_EXTENDED};
use chrono::Weekday;

pub(crate) fn xsto() -> Calendar {
    build(Spec {
        code: "XSTO",
        name: "Nasdaq Stockholm",
        tz: chrono_tz::Europe::Stockholm,
        eras: vec![era(None, hm(9, 0), hm(17, 30), None, hm(13, 0))],
        valid_years: 2005..=2035,
        extended: DEFAULT_EXTENDED,
        year: sto_year,
    })
}

fn sto_year(year: i32, t: &mut DayTable) {
    close_on(
        year,
        t,
        &[
            Feast::NewYearsDay,
            Feast::Epiphany,
            Feast::GoodFriday,
            Feast::EasterMonday,
            Feast::LabourDay,
            Feast::Ascension,
        ],
    );
    if year <= 2004 {
        close_on(year, t, &[Feast::WhitMonday]);
    }
    t.holiday(ymd(year, 6, 6), "National Day");
    // Midsummer Eve is the Friday between 19 and 25 June.
    t.holiday(
        ymd(year, 6, 19).and_then(|d| weekday_on_or_after(d, Weekday::Fri)),
        "Midsummer Eve",
    );
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

    let weekday = |d: Option<chrono::NaiveDate>| d.filter(|d| is_weekday(*d));
    t.early_close(weekday(ymd(year, 1, 5)), "Day before Epiphany");
    t.early_close(Feast::MaundyThursday.date(year), "Maundy Thursday");
    t.early_close(weekday(ymd(year, 4, 30)), "Walpurgis Night");
    t.early_close(
        Feast::Ascension.date(year).and_then(|d| add_days(d, -1)),
        "Day before Ascension Day",
    );
    // All Saints' Day is the Saturday between 31 October and 6 November.
    t.early_close(
        ymd(year, 10, 30).and_then(|d| weekday_on_or_after(d, Weekday::Fri)),
        "All Saints' Eve",
    );
}
