//! Directives about single days: holidays, half days, changed hours, openings.

use super::lex::{self, Token};
use super::{DayEntry, MAX_RANGE_DAYS};
use super::{Parser, Place};
use crate::time::calendar::model::DayOverride;
use chrono::{NaiveDate, NaiveTime};
use std::ops::Range;

impl Parser<'_> {
    /// An optional trailing quoted name; anything else left over is an error.
    pub(super) fn trailing_name(
        &mut self,
        place: Place,
        rest: &[Token],
    ) -> Result<Option<String>, ()> {
        match rest {
            [] => Ok(None),
            [name] if name.quoted => Ok(Some(name.text.clone())),
            [name] => {
                self.error(
                    place,
                    name.span.clone(),
                    format!("unexpected `{}`", name.text),
                    Some("put a day's name in double quotes, e.g. \"Broker holiday\"".into()),
                );
                Err(())
            }
            [_, extra, ..] => {
                self.error(
                    place,
                    extra.span.clone(),
                    format!("unexpected `{}` after the name", extra.text),
                    None,
                );
                Err(())
            }
        }
    }

    pub(super) fn add_day(
        &mut self,
        place: Place,
        span: Range<usize>,
        date: NaiveDate,
        entry: DayOverride,
    ) {
        self.add_day_with_time(place, span, date, entry, None);
    }

    pub(super) fn add_day_with_time(
        &mut self,
        place: Place,
        span: Range<usize>,
        date: NaiveDate,
        day: DayOverride,
        early_time: Option<NaiveTime>,
    ) {
        if let Some(first) = self.days.get(&date).map(|e| e.place.line) {
            self.error(
                place,
                span,
                format!("{date} is already given"),
                Some(format!("first given on line {first}; give each date once")),
            );
            return;
        }
        self.days.insert(
            date,
            DayEntry {
                day,
                place,
                span,
                early_time,
            },
        );
    }

    /// `holiday DATE[..DATE] ["name"]`
    pub(super) fn holiday(&mut self, place: Place, keyword: &Token, args: &[Token]) {
        let Some((first, rest)) = args.split_first() else {
            self.error(
                place,
                keyword.span.clone(),
                format!("`{}` needs a date", keyword.text),
                Some("e.g. `holiday 2026-12-24 \"Broker holiday\"`".into()),
            );
            return;
        };
        let Some((from, to)) = lex::date_range(&first.text) else {
            if super::rule::starts_rule(first) {
                self.rule_line(place, keyword, args, false);
                return;
            }
            self.error(
                place,
                first.span.clone(),
                format!("expected a date, range or rule, found `{}`", first.text),
                Some(format!(
                    "YYYY-MM-DD, YYYY-MM-DD..YYYY-MM-DD or {}",
                    super::rule::RULE_FORMS
                )),
            );
            return;
        };
        let days = (to - from).num_days();
        if !(0..MAX_RANGE_DAYS).contains(&days) {
            self.error(
                place,
                first.span.clone(),
                format!("date range {from}..{to} is empty or longer than {MAX_RANGE_DAYS} days"),
                Some("give the first date first; split long closures into several lines".into()),
            );
            return;
        }
        let Ok(name) = self.trailing_name(place, rest) else {
            return;
        };
        let name = name.unwrap_or_else(|| "holiday".into());
        for date in from.iter_days().take_while(|d| *d <= to) {
            let day = DayOverride::Closed { name: name.clone() };
            self.add_day(place, first.span.clone(), date, day);
        }
    }

    /// `early-close DATE [HH:MM] ["name"]`
    pub(super) fn early_close(&mut self, place: Place, keyword: &Token, args: &[Token]) {
        let Some((first, mut rest)) = args.split_first() else {
            self.error(
                place,
                keyword.span.clone(),
                "`early-close` needs a date".into(),
                Some("e.g. `early-close 2026-12-31 13:00 \"Year end\"`".into()),
            );
            return;
        };
        if lex::date(&first.text).is_none() && super::rule::starts_rule(first) {
            self.rule_line(place, keyword, args, true);
            return;
        }
        let Some(date) = self.date(place, first) else {
            return;
        };
        let mut close = None;
        if let Some((t, tail)) = rest.split_first().filter(|(t, _)| !t.quoted) {
            match self.time(place, t) {
                Some(time) => close = Some(time),
                None => return,
            }
            rest = tail;
        }
        let Ok(name) = self.trailing_name(place, rest) else {
            return;
        };
        let day = DayOverride::EarlyClose {
            close,
            name: name.unwrap_or_else(|| "early close".into()),
        };
        self.add_day_with_time(place, first.span.clone(), date, day, close);
    }

    /// `session DATE HH:MM-HH:MM [lunch HH:MM-HH:MM] ["name"]`
    pub(super) fn session(&mut self, place: Place, keyword: &Token, args: &[Token]) {
        let [first, times, rest @ ..] = args else {
            self.error(
                place,
                keyword.span.clone(),
                "`session` needs a date and times".into(),
                Some("e.g. `session 2026-07-06 10:00-15:00 \"Systems migration\"`".into()),
            );
            return;
        };
        let date = self.date(place, first);
        let range = self.times(place, times);
        let mut rest = rest;
        let mut lunch = None;
        if let [opt, value, tail @ ..] = rest {
            if opt.text == "lunch" && !opt.quoted {
                lunch = self.times(place, value);
                if lunch.is_none() {
                    return;
                }
                rest = tail;
            }
        }
        let Ok(name) = self.trailing_name(place, rest) else {
            return;
        };
        let (Some(date), Some((open, close))) = (date, range) else {
            return;
        };
        let span = first.span.start..times.span.end;
        let Some(mut hours) = self.day_hours(place, span, open, close, lunch, None) else {
            return;
        };
        // A half day of a changed session is meaningless; keep the close.
        hours.early_close = hours.close;
        self.add_day(
            place,
            first.span.clone(),
            date,
            DayOverride::Hours { hours, name },
        );
    }

    /// `open DATE ["name"]`
    pub(super) fn open(&mut self, place: Place, keyword: &Token, args: &[Token]) {
        let Some((first, rest)) = args.split_first() else {
            self.error(
                place,
                keyword.span.clone(),
                "`open` needs a date".into(),
                Some("e.g. `open 2026-03-14 \"Saturday test session\"`".into()),
            );
            return;
        };
        let date = self.date(place, first);
        let Ok(name) = self.trailing_name(place, rest) else {
            return;
        };
        if let Some(date) = date {
            self.add_day(place, first.span.clone(), date, DayOverride::Open { name });
        }
    }
}
