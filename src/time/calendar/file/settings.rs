//! Directives that configure the calendar as a whole: identity, zone,
//! weekend, regular hours, windows.

use super::lex::{self, Token};
use super::{fmt, Parser, Place};
use crate::time::calendar::builtin::{builtin, BUILTIN_CODES};
use crate::time::calendar::model::{DayHours, HoursEra};
use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;
use std::ops::Range;

impl Parser<'_> {
    /// Directives that may appear once, each taking fixed arguments.
    pub(super) fn singleton(&mut self, place: Place, keyword: &Token, kw: &str, args: &[Token]) {
        let key: &'static str = match kw {
            "calendar" => "calendar",
            "name" => "name",
            "base" => "base",
            "zone" => "zone",
            "weekend" => "weekend",
            "valid" => "valid",
            "pre-open" => "pre-open",
            _ => "post-close",
        };
        if let Some(first) = self.singletons.get(key).copied() {
            self.error(
                place,
                keyword.span.clone(),
                format!("`{key}` given twice"),
                Some(format!("first given on line {first}")),
            );
            return;
        }
        self.singletons.insert(key, place.line);
        if key == "weekend" {
            self.weekend_days(place, keyword, args);
            return;
        }
        let Some(arg) = self.exactly_one(place, keyword, args) else {
            return;
        };
        let bad = |what: &str| format!("`{key}` expects {what}, found `{}`", arg.text);
        match key {
            "calendar" if lex::code(&arg.text) && !arg.quoted => self.code = Some(arg.text.clone()),
            "calendar" => self.error(
                place,
                arg.span.clone(),
                bad("a code"),
                Some("1 to 16 letters, digits, `_` or `-`, e.g. `calendar MYDESK`".into()),
            ),
            "name" if arg.quoted => self.name = Some(arg.text.clone()),
            "name" => self.error(
                place,
                arg.span.clone(),
                bad("a quoted name"),
                Some("e.g. `name \"My Broker\"`".into()),
            ),
            "base" => match builtin(&arg.text) {
                Some(cal) => self.base = Some(cal),
                None => self.error(
                    place,
                    arg.span.clone(),
                    format!("unknown built-in calendar `{}`", arg.text),
                    Some(format!("built-in calendars: {}", BUILTIN_CODES.join(", "))),
                ),
            },
            "zone" => match arg.text.parse::<Tz>() {
                Ok(tz) => self.zone = Some(tz),
                Err(_) => self.error(
                    place,
                    arg.span.clone(),
                    format!("unknown time zone `{}`", arg.text),
                    Some("use an IANA zone name such as `Europe/London`".into()),
                ),
            },
            "valid" => match lex::year_range(&arg.text) {
                Some((a, b)) if a <= b => self.valid = Some((a, b)),
                _ => self.error(
                    place,
                    arg.span.clone(),
                    bad("a year range"),
                    Some("e.g. `valid 2024..2030`, first year not after the last".into()),
                ),
            },
            _ => match lex::duration(&arg.text) {
                Some(d) if key == "pre-open" => self.pre_open = Some(d),
                Some(d) => self.post_close = Some(d),
                None => self.error(
                    place,
                    arg.span.clone(),
                    bad("a length HH:MM"),
                    Some("e.g. `pre-open 01:30` for an hour and a half".into()),
                ),
            },
        }
    }

    pub(super) fn exactly_one<'a>(
        &mut self,
        place: Place,
        keyword: &Token,
        args: &'a [Token],
    ) -> Option<&'a Token> {
        match args {
            [one] => Some(one),
            [] => {
                self.error(
                    place,
                    keyword.span.clone(),
                    format!("`{}` needs a value", keyword.text),
                    None,
                );
                None
            }
            [_, extra, ..] => {
                self.error(
                    place,
                    extra.span.clone(),
                    format!(
                        "unexpected `{}` after the value of `{}`",
                        extra.text, keyword.text
                    ),
                    None,
                );
                None
            }
        }
    }

    pub(super) fn weekend_days(&mut self, place: Place, keyword: &Token, args: &[Token]) {
        if args.is_empty() {
            self.error(
                place,
                keyword.span.clone(),
                "`weekend` needs days, or `none`".into(),
                Some("e.g. `weekend sat sun`".into()),
            );
            return;
        }
        let mut days = [false; 7];
        if let [only] = args {
            if only.text.eq_ignore_ascii_case("none") {
                self.weekend = Some(days);
                return;
            }
        }
        let mut ok = true;
        for arg in args {
            match lex::weekday(&arg.text) {
                Some(day) => days[day.num_days_from_monday() as usize] = true,
                None => {
                    ok = false;
                    self.error(
                        place,
                        arg.span.clone(),
                        format!("`{}` is not a day of the week", arg.text),
                        Some("use mon, tue, wed, thu, fri, sat, sun, or `none`".into()),
                    );
                }
            }
        }
        if ok {
            self.weekend = Some(days);
        }
    }

    /// `hours HH:MM-HH:MM [lunch HH:MM-HH:MM] [early HH:MM] [from DATE]`
    pub(super) fn hours(&mut self, place: Place, keyword: &Token, args: &[Token]) {
        self.hours_seen = true;
        let Some((first, rest)) = args.split_first() else {
            self.error(
                place,
                keyword.span.clone(),
                "`hours` needs the session times".into(),
                Some("e.g. `hours 09:30-16:00`".into()),
            );
            return;
        };
        let Some((open, close)) = self.times(place, first) else {
            return;
        };
        let mut lunch = None;
        let mut early = None;
        let mut from = None;
        let mut ok = true;
        let mut rest = rest.iter();
        while let Some(opt) = rest.next() {
            let Some(value) = rest.next() else {
                self.error(
                    place,
                    opt.span.clone(),
                    format!("`{}` needs a value", opt.text),
                    None,
                );
                ok = false;
                break;
            };
            match opt.text.as_str() {
                "lunch" => lunch = self.times(place, value),
                "early" => early = self.time(place, value),
                "from" => from = self.date(place, value),
                _ => {
                    self.error(
                        place,
                        opt.span.clone(),
                        format!("unknown `hours` option `{}`", opt.text),
                        Some(
                            "options are `lunch HH:MM-HH:MM`, `early HH:MM`, `from YYYY-MM-DD`"
                                .into(),
                        ),
                    );
                    ok = false;
                    continue;
                }
            }
            ok &= match opt.text.as_str() {
                "lunch" => lunch.is_some(),
                "early" => early.is_some(),
                _ => from.is_some(),
            };
        }
        let span = first.span.start..args.last().map_or(first.span.end, |t| t.span.end);
        let Some(hours) = self.day_hours(place, span.clone(), open, close, lunch, early) else {
            return;
        };
        if !ok {
            return;
        }
        if let Some((_, earlier, _)) = self.eras.iter().find(|(e, _, _)| e.from == from) {
            let first_line = earlier.line;
            self.error(
                place,
                span,
                match from {
                    Some(d) => format!("hours from {d} given twice"),
                    None => "regular `hours` without `from` given twice".into(),
                },
                Some(format!("first given on line {first_line}")),
            );
            return;
        }
        self.eras.push((HoursEra { from, hours }, place, span));
    }

    /// Checks the shape of a day's hours; the half-day close defaults to the
    /// lunch start, or else the middle of the session.
    pub(super) fn day_hours(
        &mut self,
        place: Place,
        span: Range<usize>,
        open: NaiveTime,
        close: NaiveTime,
        lunch: Option<(NaiveTime, NaiveTime)>,
        early: Option<NaiveTime>,
    ) -> Option<DayHours> {
        let mut hours = DayHours {
            open,
            close,
            lunch,
            early_close: close,
        };
        let (open_text, close_text) = (fmt(open), DayHours::close_text(close));
        let on_date = if hours.opens_day_before() {
            " (the close's day)"
        } else {
            ""
        };
        if let Some((start, end)) = lunch {
            let (a, b) = (hours.minute_in_session(start), hours.minute_in_session(end));
            if !(hours.open_minute() < a && a < b && b < hours.close_minute()) {
                self.error(
                    place,
                    span,
                    format!(
                        "lunch {}-{} is not inside the session",
                        fmt(start),
                        fmt(end)
                    ),
                    Some(format!(
                        "the lunch must lie between {open_text} and {close_text}"
                    )),
                );
                return None;
            }
        }
        if let Some(e) = early {
            if hours.closing_early_at(e).is_none() {
                self.error(
                    place,
                    span,
                    format!("half-day close {} is not inside the session", fmt(e)),
                    Some(format!(
                        "it must lie between {open_text} and {close_text}{on_date}"
                    )),
                );
                return None;
            }
        }
        // By default a half day closes at the lunch, or else halfway through
        // the part of the session on its own date.
        let middle = (hours.open_minute().max(0) + hours.close_minute()) / 2;
        hours.early_close = early
            .or(lunch.map(|l| l.0))
            .unwrap_or_else(|| DayHours::local_at(NaiveDate::MIN, middle).1);
        Some(hours)
    }

    pub(super) fn times(&mut self, place: Place, token: &Token) -> Option<(NaiveTime, NaiveTime)> {
        if token.text.ends_with("-00:00") {
            self.error(
                place,
                token.span.clone(),
                format!("`{}` closes at 00:00", token.text),
                Some(
                    "write 24:00 for the midnight that ends the day (e.g. `00:00-24:00` \
                     for a whole day); a close before the open, e.g. `17:00-16:00`, opens \
                     the evening before"
                        .into(),
                ),
            );
            return None;
        }
        let parsed = lex::time_range(&token.text);
        if parsed.is_none() {
            self.error(
                place,
                token.span.clone(),
                format!("expected a time range HH:MM-HH:MM, found `{}`", token.text),
                Some("24-hour local times, e.g. `09:30-16:00`".into()),
            );
        }
        parsed
    }

    pub(super) fn time(&mut self, place: Place, token: &Token) -> Option<NaiveTime> {
        let parsed = lex::time(&token.text);
        if parsed.is_none() {
            self.error(
                place,
                token.span.clone(),
                format!("expected a time HH:MM, found `{}`", token.text),
                Some("24-hour local time, e.g. `13:00`".into()),
            );
        }
        parsed
    }

    pub(super) fn date(&mut self, place: Place, token: &Token) -> Option<NaiveDate> {
        let parsed = lex::date(&token.text);
        if parsed.is_none() {
            self.error(
                place,
                token.span.clone(),
                format!("expected a date YYYY-MM-DD, found `{}`", token.text),
                None,
            );
        }
        parsed
    }
}
