//! The calendar file format: a line-based text file defining a calendar of
//! one's own or deriving one from a built-in calendar. See docs/calendars.md.

mod build;
mod days;
mod error;
mod lex;
mod rule;
mod rule_lines;
mod settings;

pub use error::CalendarFileError;

use super::model::{Calendar, DayOverride, HoursEra};
use chrono::{Duration, NaiveDate, NaiveTime};
use chrono_tz::Tz;
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
    /// Holidays and half days written as rules, in file order.
    rules: Vec<rule_lines::RuleEntry>,
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
            rules: Vec::new(),
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
}

fn fmt(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}
