//! Chinese lunisolar festival dates for 2000-2049.
//!
//! There is no arithmetic rule for these: they follow the astronomical new
//! moons and solar terms as published by the Hong Kong Observatory
//! ("Gregorian-Lunar Calendar Conversion Table",
//! <https://www.hko.gov.hk/en/gts/time/conversion.htm>). The values were
//! transcribed from the PyPI package `holidays` 0.x
//! (`holidays/calendars/chinese.py`, itself from the HKO tables) and agree with
//! exchange_calendars 4.13.2 `lunisolar_holidays.py` for every year except
//! 2034, where exchange_calendars puts the 2033 leap month in the wrong place
//! and shifts the 2034 festivals a month early (see docs/calendars.md).

use chrono::NaiveDate;

pub(crate) const FIRST_YEAR: i32 = 2000;
const YEARS: usize = 50;

fn lookup(table: &[(u32, u32); YEARS], year: i32) -> Option<NaiveDate> {
    let index = usize::try_from(year - FIRST_YEAR).ok()?;
    let &(month, day) = table.get(index)?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// First day of the first lunar month.
pub(crate) fn lunar_new_year(year: i32) -> Option<NaiveDate> {
    lookup(&LUNAR_NEW_YEAR, year)
}

/// The Qingming solar term (Ching Ming Festival).
pub(crate) fn ching_ming(year: i32) -> Option<NaiveDate> {
    lookup(&CHING_MING, year)
}

/// 8th day of the 4th lunar month.
pub(crate) fn buddhas_birthday(year: i32) -> Option<NaiveDate> {
    lookup(&BUDDHAS_BIRTHDAY, year)
}

/// 5th day of the 5th lunar month (Dragon Boat Festival).
pub(crate) fn tuen_ng(year: i32) -> Option<NaiveDate> {
    lookup(&TUEN_NG, year)
}

/// 15th day of the 8th lunar month.
pub(crate) fn mid_autumn(year: i32) -> Option<NaiveDate> {
    lookup(&MID_AUTUMN, year)
}

/// 9th day of the 9th lunar month (Double Ninth).
pub(crate) fn chung_yeung(year: i32) -> Option<NaiveDate> {
    lookup(&CHUNG_YEUNG, year)
}

// Five years a row, 2000 first.
#[rustfmt::skip]
const LUNAR_NEW_YEAR: [(u32, u32); YEARS] = [
    (2, 5), (1, 24), (2, 12), (2, 1), (1, 22),
    (2, 9), (1, 29), (2, 18), (2, 7), (1, 26),
    (2, 14), (2, 3), (1, 23), (2, 10), (1, 31),
    (2, 19), (2, 8), (1, 28), (2, 16), (2, 5),
    (1, 25), (2, 12), (2, 1), (1, 22), (2, 10),
    (1, 29), (2, 17), (2, 6), (1, 26), (2, 13),
    (2, 3), (1, 23), (2, 11), (1, 31), (2, 19),
    (2, 8), (1, 28), (2, 15), (2, 4), (1, 24),
    (2, 12), (2, 1), (1, 22), (2, 10), (1, 30),
    (2, 17), (2, 6), (1, 26), (2, 14), (2, 2),
];

// Five years a row, 2000 first.
#[rustfmt::skip]
const CHING_MING: [(u32, u32); YEARS] = [
    (4, 4), (4, 5), (4, 5), (4, 5), (4, 4),
    (4, 5), (4, 5), (4, 5), (4, 4), (4, 4),
    (4, 5), (4, 5), (4, 4), (4, 4), (4, 5),
    (4, 5), (4, 4), (4, 4), (4, 5), (4, 5),
    (4, 4), (4, 4), (4, 5), (4, 5), (4, 4),
    (4, 4), (4, 5), (4, 5), (4, 4), (4, 4),
    (4, 5), (4, 5), (4, 4), (4, 4), (4, 5),
    (4, 5), (4, 4), (4, 4), (4, 5), (4, 5),
    (4, 4), (4, 4), (4, 4), (4, 5), (4, 4),
    (4, 4), (4, 4), (4, 5), (4, 4), (4, 4),
];

// Five years a row, 2000 first.
#[rustfmt::skip]
const BUDDHAS_BIRTHDAY: [(u32, u32); YEARS] = [
    (5, 11), (4, 30), (5, 19), (5, 8), (5, 26),
    (5, 15), (5, 5), (5, 24), (5, 12), (5, 2),
    (5, 21), (5, 10), (4, 28), (5, 17), (5, 6),
    (5, 25), (5, 14), (5, 3), (5, 22), (5, 12),
    (4, 30), (5, 19), (5, 8), (5, 26), (5, 15),
    (5, 5), (5, 24), (5, 13), (5, 2), (5, 20),
    (5, 9), (5, 28), (5, 16), (5, 6), (5, 25),
    (5, 15), (5, 3), (5, 22), (5, 11), (4, 30),
    (5, 18), (5, 7), (5, 26), (5, 16), (5, 5),
    (5, 24), (5, 13), (5, 2), (5, 20), (5, 9),
];

// Five years a row, 2000 first.
#[rustfmt::skip]
const TUEN_NG: [(u32, u32); YEARS] = [
    (6, 6), (6, 25), (6, 15), (6, 4), (6, 22),
    (6, 11), (5, 31), (6, 19), (6, 8), (5, 28),
    (6, 16), (6, 6), (6, 23), (6, 12), (6, 2),
    (6, 20), (6, 9), (5, 30), (6, 18), (6, 7),
    (6, 25), (6, 14), (6, 3), (6, 22), (6, 10),
    (5, 31), (6, 19), (6, 9), (5, 28), (6, 16),
    (6, 5), (6, 24), (6, 12), (6, 1), (6, 20),
    (6, 10), (5, 30), (6, 18), (6, 7), (5, 27),
    (6, 14), (6, 3), (6, 22), (6, 11), (5, 31),
    (6, 19), (6, 8), (5, 29), (6, 15), (6, 4),
];

// Five years a row, 2000 first.
#[rustfmt::skip]
const MID_AUTUMN: [(u32, u32); YEARS] = [
    (9, 12), (10, 1), (9, 21), (9, 11), (9, 28),
    (9, 18), (10, 6), (9, 25), (9, 14), (10, 3),
    (9, 22), (9, 12), (9, 30), (9, 19), (9, 8),
    (9, 27), (9, 15), (10, 4), (9, 24), (9, 13),
    (10, 1), (9, 21), (9, 10), (9, 29), (9, 17),
    (10, 6), (9, 25), (9, 15), (10, 3), (9, 22),
    (9, 12), (10, 1), (9, 19), (9, 8), (9, 27),
    (9, 16), (10, 4), (9, 24), (9, 13), (10, 2),
    (9, 20), (9, 10), (9, 28), (9, 17), (10, 5),
    (9, 25), (9, 15), (10, 4), (9, 22), (9, 11),
];

// Five years a row, 2000 first.
#[rustfmt::skip]
const CHUNG_YEUNG: [(u32, u32); YEARS] = [
    (10, 6), (10, 25), (10, 14), (10, 4), (10, 22),
    (10, 11), (10, 30), (10, 19), (10, 7), (10, 26),
    (10, 16), (10, 5), (10, 23), (10, 13), (10, 2),
    (10, 21), (10, 9), (10, 28), (10, 17), (10, 7),
    (10, 25), (10, 14), (10, 4), (10, 23), (10, 11),
    (10, 29), (10, 18), (10, 8), (10, 26), (10, 16),
    (10, 5), (10, 24), (10, 12), (10, 1), (10, 20),
    (10, 9), (10, 27), (10, 17), (10, 7), (10, 26),
    (10, 14), (10, 3), (10, 22), (10, 11), (10, 29),
    (10, 18), (10, 8), (10, 27), (10, 16), (10, 5),
];
