//! Hong Kong Exchanges: general holidays of Hong Kong plus the exchange's
//! half days and severe-weather closures.

use super::easter::easter_sunday;
use super::lunar;
use super::model::{Calendar, ExtendedHours};
use super::rules::{add_days, ymd};
use super::table::{build, era, hm, DayTable, Spec};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::collections::BTreeMap;

/// Pre-open is the 30-minute pre-opening session; post-close is the 10-minute
/// closing auction session (introduced 2016, used as the default for all years).
const EXTENDED: ExtendedHours = ExtendedHours {
    pre_open: Duration::minutes(30),
    post_close: Duration::minutes(10),
};

pub(crate) fn xhkg() -> Calendar {
    // HKEX trading-hours reform: phase 1 on 2011-03-07 moved the open from
    // 10:00 to 09:30 and the lunch break from 12:30-14:30 to 12:00-13:30;
    // phase 2 on 2012-03-05 shortened the lunch to 12:00-13:00. Half days end
    // with the morning session.
    build(Spec {
        code: "XHKG",
        name: "Hong Kong Exchanges and Clearing",
        tz: chrono_tz::Asia::Hong_Kong,
        eras: vec![
            era(
                None,
                hm(10, 0),
                hm(16, 0),
                Some((hm(12, 30), hm(14, 30))),
                hm(12, 30),
            ),
            era(
                ymd(2011, 3, 7),
                hm(9, 30),
                hm(16, 0),
                Some((hm(12, 0), hm(13, 30))),
                hm(12, 0),
            ),
            era(
                ymd(2012, 3, 5),
                hm(9, 30),
                hm(16, 0),
                Some((hm(12, 0), hm(13, 0))),
                hm(12, 0),
            ),
        ],
        valid_years: 2005..=2035,
        extended: EXTENDED,
        year: hkg_year,
    })
}

/// Whole-day closures: trading cancelled for typhoon signal 8 or a black
/// rainstorm warning (HKEX severe-weather notices), and one-off general
/// holidays. Half-day weather cancellations are not modelled.
const ONE_OFF_CLOSURES: &[(i32, u32, u32, &str)] = &[
    (2008, 8, 6, "Typhoon Kammuri"),
    (2008, 8, 22, "Typhoon Nuri"),
    (2011, 9, 29, "Typhoon Nesat"),
    (2013, 8, 14, "Typhoon Utor"),
    (
        2015,
        9,
        3,
        "70th Anniversary of the Victory of the War of Resistance",
    ),
    (2016, 8, 2, "Typhoon Nida"),
    (2016, 10, 21, "Typhoon Haima"),
    (2017, 8, 23, "Typhoon Hato"),
    (2020, 10, 13, "Typhoon Nangka"),
    (2021, 10, 13, "Typhoon Kompasu"),
    (2023, 7, 17, "Typhoon Talim"),
    (2023, 9, 1, "Typhoon Saola"),
    (2023, 9, 8, "Black rainstorm"),
    (2024, 9, 6, "Typhoon Yagi"),
];

fn hkg_year(year: i32, t: &mut DayTable) {
    for (date, name) in general_holidays(year) {
        t.holiday(Some(date), name);
    }
    for &(y, m, d, name) in ONE_OFF_CLOSURES.iter().filter(|c| c.0 == year) {
        t.holiday(ymd(y, m, d), name);
    }
    t.early_close(ymd(year, 12, 24), "Christmas Eve");
    t.early_close(ymd(year, 12, 31), "New Year's Eve");
    if year >= 2013 {
        t.early_close(
            lunar::lunar_new_year(year).and_then(|d| add_days(d, -1)),
            "Lunar New Year's Eve",
        );
    }
}

/// General Holidays Ordinance (Cap. 149): a holiday falling on a Sunday, or on
/// a day already a holiday, is replaced by the next day that is neither.
/// Saturday holidays are kept as they fall (and so cost the exchange nothing).
fn general_holidays(year: i32) -> BTreeMap<NaiveDate, &'static str> {
    let easter = easter_sunday(year);
    let mut candidates: Vec<(Option<NaiveDate>, &'static str)> = vec![
        (ymd(year, 1, 1), "New Year's Day"),
        (lunar::ching_ming(year), "Ching Ming Festival"),
        (easter.and_then(|e| add_days(e, -2)), "Good Friday"),
        (
            easter.and_then(|e| add_days(e, -1)),
            "Day following Good Friday",
        ),
        (easter.and_then(|e| add_days(e, 1)), "Easter Monday"),
        (ymd(year, 5, 1), "Labour Day"),
        (lunar::buddhas_birthday(year), "Buddha's Birthday"),
        (lunar::tuen_ng(year), "Tuen Ng Festival"),
        (ymd(year, 7, 1), "HKSAR Establishment Day"),
        day_following_mid_autumn(year),
        (ymd(year, 10, 1), "National Day"),
        (lunar::chung_yeung(year), "Chung Yeung Festival"),
        (ymd(year, 12, 25), "Christmas Day"),
        (ymd(year, 12, 26), "First weekday after Christmas Day"),
    ];
    candidates.sort_by_key(|c| c.0);

    let mut days = lunar_new_year(year);
    for (date, name) in candidates {
        let mut date = date;
        while let Some(d) = date.filter(|d| d.weekday() == Weekday::Sun || days.contains_key(d)) {
            date = add_days(d, 1);
        }
        if let Some(d) = date {
            days.insert(d, name);
        }
    }
    days
}

/// Until 2010, when the day following Mid-Autumn was a Sunday the festival
/// day itself (a Saturday) was the holiday; since 2011 the Sunday rule applies.
fn day_following_mid_autumn(year: i32) -> (Option<NaiveDate>, &'static str) {
    let festival = lunar::mid_autumn(year);
    let following = festival.and_then(|d| add_days(d, 1));
    if year <= 2010 && following.is_some_and(|d| d.weekday() == Weekday::Sun) {
        (festival, "Mid-Autumn Festival")
    } else {
        (following, "Day following Mid-Autumn Festival")
    }
}

/// The first three days of the lunar year. When one is a Sunday the
/// replacement was Lunar New Year's Eve until 2012 and the fourth day since
/// 2013 (General Holidays (Amendment) Ordinance 2011).
fn lunar_new_year(year: i32) -> BTreeMap<NaiveDate, &'static str> {
    let mut days = BTreeMap::new();
    let Some(first) = lunar::lunar_new_year(year) else {
        return days;
    };
    let names = [
        "Lunar New Year's Day",
        "Second day of Lunar New Year",
        "Third day of Lunar New Year",
    ];
    let mut any_sunday = false;
    for (offset, name) in (0..).zip(names) {
        if let Some(d) = add_days(first, offset) {
            any_sunday |= d.weekday() == Weekday::Sun;
            days.insert(d, name);
        }
    }
    if any_sunday {
        let replacement = if year >= 2013 {
            add_days(first, 3).map(|d| (d, "Fourth day of Lunar New Year"))
        } else {
            add_days(first, -1).map(|d| (d, "Lunar New Year's Eve"))
        };
        if let Some((d, name)) = replacement {
            days.insert(d, name);
        }
    }
    days
}
