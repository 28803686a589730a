//! Japanese national holidays under the Act on National Holidays.
//!
//! The Act gives rules, so we apply them rather than list dates: a holiday on a
//! Sunday moves to the next day that is not a holiday (substitute holiday), and
//! a day sandwiched between two holidays is itself a holiday (citizens' holiday).

use super::equinox;
use super::rules::{add_days, nth_weekday, ymd};
use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeMap;

/// The national holidays of `year` with their names.
pub(crate) fn national_holidays(year: i32) -> BTreeMap<NaiveDate, &'static str> {
    let mut days: BTreeMap<NaiveDate, &'static str> = BTreeMap::new();
    let mut add = |date: Option<NaiveDate>, name: &'static str| {
        if let Some(date) = date {
            days.entry(date).or_insert(name);
        }
    };
    add(ymd(year, 1, 1), "New Year's Day");
    add(nth_weekday(year, 1, Weekday::Mon, 2), "Coming of Age Day");
    add(ymd(year, 2, 11), "National Foundation Day");
    if year >= 2020 {
        add(ymd(year, 2, 23), "Emperor's Birthday");
    }
    add(equinox::vernal(year), "Vernal Equinox Day");
    add(
        ymd(year, 4, 29),
        if year >= 2007 {
            "Showa Day"
        } else {
            "Greenery Day"
        },
    );
    add(ymd(year, 5, 3), "Constitution Memorial Day");
    if year >= 2007 {
        add(ymd(year, 5, 4), "Greenery Day");
    }
    add(ymd(year, 5, 5), "Children's Day");
    // The 2020 Olympics moved Marine, Mountain and Sports Day in 2020 and 2021
    // (Act on Special Measures for the Tokyo Olympic and Paralympic Games).
    let (marine, mountain, sports) = match year {
        2020 => (ymd(2020, 7, 23), ymd(2020, 8, 10), ymd(2020, 7, 24)),
        2021 => (ymd(2021, 7, 22), ymd(2021, 8, 8), ymd(2021, 7, 23)),
        _ => (
            nth_weekday(year, 7, Weekday::Mon, 3),
            ymd(year, 8, 11).filter(|_| year >= 2016),
            nth_weekday(year, 10, Weekday::Mon, 2),
        ),
    };
    add(marine, "Marine Day");
    add(mountain, "Mountain Day");
    add(
        nth_weekday(year, 9, Weekday::Mon, 3),
        "Respect for the Aged Day",
    );
    add(equinox::autumnal(year), "Autumnal Equinox Day");
    add(
        sports,
        if year >= 2020 {
            "Sports Day"
        } else {
            "Health and Sports Day"
        },
    );
    add(ymd(year, 11, 3), "Culture Day");
    add(ymd(year, 11, 23), "Labour Thanksgiving Day");
    if year <= 2018 {
        add(ymd(year, 12, 23), "Emperor's Birthday");
    }
    if year == 2019 {
        // Imperial succession (Act on Special Measures, 2018).
        add(ymd(2019, 4, 30), "National Holiday (Abdication Day)");
        add(ymd(2019, 5, 1), "Enthronement Day");
        add(ymd(2019, 10, 22), "Enthronement Ceremony Day");
    }

    let sundays: Vec<NaiveDate> = days
        .keys()
        .copied()
        .filter(|d| d.weekday() == Weekday::Sun)
        .collect();
    for sunday in sundays {
        let mut sub = add_days(sunday, 1);
        while let Some(d) = sub.filter(|d| days.contains_key(d)) {
            sub = add_days(d, 1);
        }
        if let Some(d) = sub {
            days.insert(d, "Substitute Holiday");
        }
    }
    let dates: Vec<NaiveDate> = days.keys().copied().collect();
    for pair in dates.windows(2) {
        if let Some(between) = add_days(pair[0], 1) {
            if add_days(between, 1) == Some(pair[1]) && between.weekday() != Weekday::Sun {
                days.insert(between, "Citizens' Holiday");
            }
        }
    }
    days
}
