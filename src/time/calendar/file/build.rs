//! Turning the parsed directives into a calendar, with the checks that need
//! the whole file (required lines, a base's hours for a date).

use super::{fmt, CalendarFileError, Parser, Place};
use crate::time::calendar::model::{Calendar, DayHours, DayOverride, HoursEra};

impl Parser<'_> {
    pub(super) fn finish(self) -> Result<Calendar, Vec<CalendarFileError>> {
        let result = self.build();
        result.map_err(|mut errors| {
            // File order, whichever pass found the error.
            errors.sort_by_key(|e| (e.line, e.column));
            errors
        })
    }

    pub(super) fn build(mut self) -> Result<Calendar, Vec<CalendarFileError>> {
        let top = Place { line: 1, start: 0 };
        let code = self.code.take();
        // A directive given but invalid has been reported already.
        let given = |key: &str| self.singletons.contains_key(key);
        if code.is_none() && !given("calendar") {
            self.error(
                top,
                0..0,
                "missing `calendar` line".into(),
                Some("start the file with `calendar CODE`, e.g. `calendar MYDESK`".into()),
            );
        }
        let base = self.base;
        let tz = self.zone.or(base.map(|b| b.tz));
        if tz.is_none() && !self.singletons.contains_key("zone") {
            self.error(
                top,
                0..0,
                "missing time zone".into(),
                Some("add `zone Area/City` (e.g. `zone Europe/London`) or `base XNYS`".into()),
            );
        }
        let mut eras: Vec<HoursEra> = match self.eras.iter().find(|(e, _, _)| e.from.is_none()) {
            Some((era, _, _)) => vec![*era],
            None => base.map(|b| b.eras.clone()).unwrap_or_default(),
        };
        if eras.is_empty() && !self.hours_seen {
            self.error(
                top,
                0..0,
                "missing regular `hours`".into(),
                Some("add e.g. `hours 09:00-17:30`, or derive with `base XLON`".into()),
            );
        }
        for (era, _, _) in self.eras.iter().filter(|(e, _, _)| e.from.is_some()) {
            eras.retain(|e| e.from != era.from);
            eras.push(*era);
        }
        eras.sort_by_key(|e| e.from);

        let (Some(code), Some(tz), Some(first)) = (code, tz, eras.first().copied()) else {
            return Err(self.errors);
        };
        let first_hours = first.hours;
        let mut cal = match base {
            Some(b) => Calendar {
                code: code.clone(),
                ..b.clone()
            },
            None => Calendar::new(&code, &code, tz, first_hours),
        };
        cal.tz = tz;
        cal.eras = eras;
        if let Some(name) = self.name.take() {
            cal.name = name;
        }
        if let Some(weekend) = self.weekend {
            cal.weekend = weekend;
        }
        if let Some((a, b)) = self.valid {
            cal.valid_years = a..=b;
        } else if base.is_none() {
            // A user's own calendar is as right as its author makes it.
            cal.valid_years = 1..=9999;
        }
        if let Some(d) = self.pre_open {
            cal.extended.pre_open = d;
        }
        if let Some(d) = self.post_close {
            cal.extended.post_close = d;
        }
        self.apply_rules(&mut cal);
        let days = std::mem::take(&mut self.days);
        for (date, entry) in days {
            if let Some(t) = entry.early_time {
                let regular = cal.regular_hours(date);
                if let Some(h) = regular.filter(|h| h.closing_early_at(t).is_none()) {
                    self.error(
                        entry.place,
                        entry.span.clone(),
                        format!("early close {} on {date} is not inside the session", fmt(t)),
                        Some(format!(
                            "regular hours that day are {}-{}",
                            fmt(h.open),
                            DayHours::close_text(h.close)
                        )),
                    );
                    continue;
                }
            }
            let closed_anyway = cal.holiday_name(date).is_some();
            if matches!(entry.day, DayOverride::EarlyClose { .. }) && closed_anyway {
                self.error(
                    entry.place,
                    entry.span.clone(),
                    format!("{date} is not a session, so it cannot close early"),
                    Some(
                        "to trade on a closed day use `open DATE` or \
                         `session DATE HH:MM-HH:MM`"
                            .into(),
                    ),
                );
                continue;
            }
            cal.days.insert(date, entry.day);
        }
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        Ok(cal)
    }
}
