//! Holidays that many (mostly European) exchanges share: fixed dates of the
//! Western church year and the civil calendar, and Easter-relative feasts.

use super::easter::easter_sunday;
use super::rules::{add_days, ymd};
use super::table::DayTable;
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Feast {
    NewYearsDay,
    Epiphany,
    MaundyThursday,
    GoodFriday,
    EasterMonday,
    LabourDay,
    Ascension,
    WhitMonday,
    CorpusChristi,
    Assumption,
    AllSaints,
    ImmaculateConception,
    ChristmasEve,
    Christmas,
    BoxingDay,
    NewYearsEve,
}

impl Feast {
    /// The feast's date in `year`, on whatever weekday it falls.
    pub(crate) fn date(self, year: i32) -> Option<NaiveDate> {
        let easter = |days: i64| easter_sunday(year).and_then(|e| add_days(e, days));
        match self {
            Feast::NewYearsDay => ymd(year, 1, 1),
            Feast::Epiphany => ymd(year, 1, 6),
            Feast::MaundyThursday => easter(-3),
            Feast::GoodFriday => easter(-2),
            Feast::EasterMonday => easter(1),
            Feast::LabourDay => ymd(year, 5, 1),
            Feast::Ascension => easter(39),
            Feast::WhitMonday => easter(50),
            Feast::CorpusChristi => easter(60),
            Feast::Assumption => ymd(year, 8, 15),
            Feast::AllSaints => ymd(year, 11, 1),
            Feast::ImmaculateConception => ymd(year, 12, 8),
            Feast::ChristmasEve => ymd(year, 12, 24),
            Feast::Christmas => ymd(year, 12, 25),
            Feast::BoxingDay => ymd(year, 12, 26),
            Feast::NewYearsEve => ymd(year, 12, 31),
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Feast::NewYearsDay => "New Year's Day",
            Feast::Epiphany => "Epiphany",
            Feast::MaundyThursday => "Maundy Thursday",
            Feast::GoodFriday => "Good Friday",
            Feast::EasterMonday => "Easter Monday",
            Feast::LabourDay => "Labour Day",
            Feast::Ascension => "Ascension Day",
            Feast::WhitMonday => "Whit Monday",
            Feast::CorpusChristi => "Corpus Christi",
            Feast::Assumption => "Assumption Day",
            Feast::AllSaints => "All Saints' Day",
            Feast::ImmaculateConception => "Immaculate Conception",
            Feast::ChristmasEve => "Christmas Eve",
            Feast::Christmas => "Christmas Day",
            Feast::BoxingDay => "Boxing Day",
            Feast::NewYearsEve => "New Year's Eve",
        }
    }
}

/// Closes each feast of `year` on the day it falls (no weekend observance).
pub(crate) fn close_on(year: i32, t: &mut DayTable, feasts: &[Feast]) {
    for &feast in feasts {
        t.holiday(feast.date(year), feast.name());
    }
}

/// The six TARGET2 closing days (New Year's Day, Good Friday, Easter Monday,
/// 1 May, Christmas Day, 26 December), on which most euro-area exchanges
/// close too.
pub(crate) const EUROPEAN_CORE: &[Feast] = &[
    Feast::NewYearsDay,
    Feast::GoodFriday,
    Feast::EasterMonday,
    Feast::LabourDay,
    Feast::Christmas,
    Feast::BoxingDay,
];
