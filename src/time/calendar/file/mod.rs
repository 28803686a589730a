//! The calendar file format: a line-based text file defining a calendar of
//! one's own or deriving one from a built-in calendar. See docs/calendars.md.

mod error;
mod lex;

pub use error::CalendarFileError;

use super::builtin::{builtin, BUILTIN_CODES};
use super::model::{Calendar, DayHours, DayOverride, HoursEra};
use chrono::{Duration, NaiveDate, NaiveTime};
use chrono_tz::Tz;
use lex::Token;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

const DIRECTIVES: &str = "calendar, name, base, zone, weekend, hours, valid, pre-open, \
                          post-close, holiday, closed, early-close, session, open";

/// The longest holiday range accepted, so a typo in a year cannot expand into
/// millions of days.
const MAX_RANGE_DAYS: i64 = 366;

/// Reads a calendar file. Every problem found is returned, each with its line.
pub fn parse_calendar_file(text: &str) -> Result<Calendar, Vec<CalendarFileError>> {
    let mut parser = Parser::new(text);
    let mut offset = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        parser.line(
            Place {
                line: index + 1,
                start: offset,
            },
            line,
        );
        offset += raw.len();
    }
    parser.finish()
}

/// Where a line starts in the file.
#[derive(Debug, Clone, Copy)]
struct Place {
    line: usize,
    start: usize,
}

/// A special day as written, with where it was written.
struct DayEntry {
    day: DayOverride,
    place: Place,
    span: Range<usize>,
    /// `early-close` without a time takes the era's half-day close.
    early_time: Option<NaiveTime>,
}

struct Parser<'t> {
    text: &'t str,
    errors: Vec<CalendarFileError>,
    singletons: HashMap<&'static str, usize>,
    code: Option<String>,
    name: Option<String>,
    base: Option<&'static Calendar>,
    zone: Option<Tz>,
    weekend: Option<[bool; 7]>,
    eras: Vec<(HoursEra, Place, Range<usize>)>,
    /// Whether any `hours` line was written, valid or not.
    hours_seen: bool,
    valid: Option<(i32, i32)>,
    pre_open: Option<Duration>,
    post_close: Option<Duration>,
    days: BTreeMap<NaiveDate, DayEntry>,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str) -> Parser<'t> {
        Parser {
            text,
            errors: Vec::new(),
            singletons: HashMap::new(),
            code: None,
            name: None,
            base: None,
            zone: None,
            weekend: None,
            eras: Vec::new(),
            hours_seen: false,
            valid: None,
            pre_open: None,
            post_close: None,
            days: BTreeMap::new(),
        }
    }

    fn error(&mut self, place: Place, span: Range<usize>, message: String, help: Option<String>) {
        let column = self
            .text
            .get(place.start..span.start)
            .map_or(1, |s| s.chars().count() + 1);
        self.errors.push(CalendarFileError {
            line: place.line,
            column,
            span,
            message,
            help,
        });
    }

    fn line(&mut self, place: Place, line: &str) {
        let tokens = match lex::tokenize(line, place.start) {
            Ok(tokens) => tokens,
            Err(span) => {
                self.error(
                    place,
                    span,
                    "unterminated quoted string".into(),
                    Some("close the name with a double quote \"".into()),
                );
                return;
            }
        };
        let Some((keyword, args)) = tokens.split_first() else {
            return;
        };
        if keyword.quoted {
            self.error(
                place,
                keyword.span.clone(),
                "a line must start with a directive, not a quoted string".into(),
                Some(format!("directives are: {DIRECTIVES}")),
            );
            return;
        }
        let kw = keyword.text.to_ascii_lowercase();
        match kw.as_str() {
            "calendar" | "name" | "base" | "zone" | "weekend" | "valid" | "pre-open"
            | "post-close" => self.singleton(place, keyword, &kw, args),
            "hours" => self.hours(place, keyword, args),
            "holiday" | "closed" => self.holiday(place, keyword, args),
            "early-close" => self.early_close(place, keyword, args),
            "session" => self.session(place, keyword, args),
            "open" => self.open(place, keyword, args),
            _ => self.error(
                place,
                keyword.span.clone(),
                format!("unknown directive `{}`", keyword.text),
                Some(format!("directives are: {DIRECTIVES}")),
            ),
        }
    }

    /// Directives that may appear once, each taking fixed arguments.
    fn singleton(&mut self, place: Place, keyword: &Token, kw: &str, args: &[Token]) {
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

    fn exactly_one<'a>(
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

    fn weekend_days(&mut self, place: Place, keyword: &Token, args: &[Token]) {
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
    fn hours(&mut self, place: Place, keyword: &Token, args: &[Token]) {
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
    fn day_hours(
        &mut self,
        place: Place,
        span: Range<usize>,
        open: NaiveTime,
        close: NaiveTime,
        lunch: Option<(NaiveTime, NaiveTime)>,
        early: Option<NaiveTime>,
    ) -> Option<DayHours> {
        if open >= close {
            self.error(
                place,
                span,
                format!(
                    "the session opens at {} but closes at {}",
                    fmt(open),
                    fmt(close)
                ),
                Some("a session must close after it opens on the same day".into()),
            );
            return None;
        }
        if let Some((start, end)) = lunch {
            if !(open < start && start < end && end < close) {
                self.error(
                    place,
                    span,
                    format!(
                        "lunch {}-{} is not inside the session",
                        fmt(start),
                        fmt(end)
                    ),
                    Some(format!(
                        "the lunch must lie between {} and {}",
                        fmt(open),
                        fmt(close)
                    )),
                );
                return None;
            }
        }
        if let Some(e) = early {
            if !(open < e && e < close) {
                self.error(
                    place,
                    span,
                    format!("half-day close {} is not inside the session", fmt(e)),
                    Some(format!(
                        "it must lie between {} and {}",
                        fmt(open),
                        fmt(close)
                    )),
                );
                return None;
            }
        }
        let middle = open + (close - open) / 2;
        let early_close = early.or(lunch.map(|l| l.0)).unwrap_or(middle);
        Some(DayHours {
            open,
            close,
            lunch,
            early_close,
        })
    }

    fn times(&mut self, place: Place, token: &Token) -> Option<(NaiveTime, NaiveTime)> {
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

    fn time(&mut self, place: Place, token: &Token) -> Option<NaiveTime> {
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

    fn date(&mut self, place: Place, token: &Token) -> Option<NaiveDate> {
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

    /// An optional trailing quoted name; anything else left over is an error.
    fn trailing_name(&mut self, place: Place, rest: &[Token]) -> Result<Option<String>, ()> {
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

    fn add_day(&mut self, place: Place, span: Range<usize>, date: NaiveDate, entry: DayOverride) {
        self.add_day_with_time(place, span, date, entry, None);
    }

    fn add_day_with_time(
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
    fn holiday(&mut self, place: Place, keyword: &Token, args: &[Token]) {
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
            self.error(
                place,
                first.span.clone(),
                format!("expected a date or range, found `{}`", first.text),
                Some("YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD".into()),
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
    fn early_close(&mut self, place: Place, keyword: &Token, args: &[Token]) {
        let Some((first, mut rest)) = args.split_first() else {
            self.error(
                place,
                keyword.span.clone(),
                "`early-close` needs a date".into(),
                Some("e.g. `early-close 2026-12-31 13:00 \"Year end\"`".into()),
            );
            return;
        };
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
    fn session(&mut self, place: Place, keyword: &Token, args: &[Token]) {
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
    fn open(&mut self, place: Place, keyword: &Token, args: &[Token]) {
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

    fn finish(mut self) -> Result<Calendar, Vec<CalendarFileError>> {
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
        let days = std::mem::take(&mut self.days);
        for (date, entry) in days {
            if let Some(t) = entry.early_time {
                let regular = cal.regular_hours(date);
                if let Some(h) = regular.filter(|h| !(h.open < t && t < h.close)) {
                    self.error(
                        entry.place,
                        entry.span.clone(),
                        format!("early close {} on {date} is not inside the session", fmt(t)),
                        Some(format!(
                            "regular hours that day are {}-{}",
                            fmt(h.open),
                            fmt(h.close)
                        )),
                    );
                    continue;
                }
            }
            cal.days.insert(date, entry.day);
        }
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        Ok(cal)
    }
}

fn fmt(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}
