//! Collecting a built-in calendar's special days year by year.

use super::model::{Calendar, DayHours, DayOverride, ExtendedHours, HoursEra};
use chrono::{Datelike, NaiveDate, NaiveTime};
use chrono_tz::Tz;
use std::collections::BTreeMap;
use std::ops::RangeInclusive;

/// The years for which built-in rules are expanded into dates. Wider than any
/// calendar's valid years so lookups just past the edge still see holidays;
/// bounded by the lunar tables in `lunar.rs`.
pub(crate) const BUILD_YEARS: RangeInclusive<i32> = 2000..=2049;

#[derive(Default)]
pub(crate) struct DayTable {
    days: BTreeMap<NaiveDate, DayOverride>,
}

impl DayTable {
    /// Closes `date`. A date already closed keeps its first name, so rules
    /// listed first (the primary holiday) name a day two rules hit.
    pub(crate) fn holiday(&mut self, date: Option<NaiveDate>, name: &str) {
        if let Some(date) = date {
            if !self.is_closed(date) {
                self.days.insert(
                    date,
                    DayOverride::Closed {
                        name: name.to_string(),
                    },
                );
            }
        }
    }

    /// A half day at the era's early close, unless `date` is a weekend or holiday.
    pub(crate) fn early_close(&mut self, date: Option<NaiveDate>, name: &str) {
        if let Some(date) = date {
            if date.weekday().num_days_from_monday() < 5 && !self.days.contains_key(&date) {
                self.days.insert(
                    date,
                    DayOverride::EarlyClose {
                        close: None,
                        name: name.to_string(),
                    },
                );
            }
        }
    }

    /// A session with its own hours (a late open, a longer day), unless
    /// `date` is a holiday.
    pub(crate) fn hours(&mut self, date: Option<NaiveDate>, hours: DayHours, name: &str) {
        if let Some(date) = date {
            if !self.is_closed(date) {
                self.days.insert(
                    date,
                    DayOverride::Hours {
                        hours,
                        name: Some(name.to_string()),
                    },
                );
            }
        }
    }

    pub(crate) fn is_closed(&self, date: NaiveDate) -> bool {
        matches!(self.days.get(&date), Some(DayOverride::Closed { .. }))
    }
}

/// PRE_OPEN and POST_CLOSE windows for the calendars that do not model their
/// exchange's own phases: one hour each, as for calendar files.
pub(crate) const DEFAULT_EXTENDED: ExtendedHours = ExtendedHours {
    pre_open: chrono::Duration::minutes(60),
    post_close: chrono::Duration::minutes(60),
};

pub(crate) fn hm(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN)
}

pub(crate) fn era(
    from: Option<NaiveDate>,
    open: NaiveTime,
    close: NaiveTime,
    lunch: Option<(NaiveTime, NaiveTime)>,
    early_close: NaiveTime,
) -> HoursEra {
    HoursEra {
        from,
        hours: DayHours {
            open,
            close,
            lunch,
            early_close,
        },
    }
}

/// What distinguishes one built-in calendar from another.
pub(crate) struct Spec {
    pub code: &'static str,
    pub name: &'static str,
    pub tz: Tz,
    pub eras: Vec<HoursEra>,
    pub valid_years: RangeInclusive<i32>,
    pub extended: ExtendedHours,
    /// Adds one year's holidays and half days.
    pub year: fn(i32, &mut DayTable),
}

pub(crate) fn build(spec: Spec) -> Calendar {
    let mut table = DayTable::default();
    for year in BUILD_YEARS {
        (spec.year)(year, &mut table);
    }
    let first_hours = spec.eras.first().map_or(
        DayHours {
            open: hm(9, 0),
            close: hm(17, 0),
            lunch: None,
            early_close: hm(12, 0),
        },
        |e| e.hours,
    );
    let mut cal = Calendar::new(spec.code, spec.name, spec.tz, first_hours);
    cal.eras = spec.eras;
    cal.days = table.days;
    cal.valid_years = spec.valid_years;
    cal.extended = spec.extended;
    cal
}
