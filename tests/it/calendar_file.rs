//! The calendar file format: good files (own and derived calendars) and every
//! error, each reported with its line and column, all at once.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use pipec::time::calendar::{builtin, parse_calendar_file, Calendar, CalendarFileError};
use pipec::time::market_state::{MarketClock, MarketState};
use pipec::time::session::SessionCalendar;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("time")
}

fn parse_ok(text: &str) -> Calendar {
    match parse_calendar_file(text) {
        Ok(c) => c,
        Err(errors) => panic!("unexpected errors: {errors:#?}"),
    }
}

fn parse_err(text: &str) -> Vec<CalendarFileError> {
    match parse_calendar_file(text) {
        Ok(c) => panic!("expected errors, got calendar {}", c.code()),
        Err(errors) => errors,
    }
}

/// The single error in `text`: (line, column, message contains, has help).
fn one_error(text: &str) -> CalendarFileError {
    let errors = parse_err(text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().expect("one")
}

const OWN: &str = "\
# A desk in Paris
calendar PARDESK
name \"Paris desk\"
zone Europe/Paris
weekend sat sun
hours 09:00-17:30 lunch 12:00-13:00 early 12:00
hours 09:00-18:00 lunch 12:00-13:00 from 2027-01-01
valid 2026..2028
pre-open 00:30
post-close 01:00
holiday 2026-05-01 \"Fête du Travail\"
holiday 2026-12-24..2026-12-26 \"Christmas break\"
early-close 2026-12-31 \"Saint-Sylvestre\"
early-close 2026-12-30 15:00
session 2026-07-13 10:00-16:00 lunch 12:00-12:30 \"Short day\"
open 2026-06-06 \"Saturday session\"
";

#[test]
fn own_calendar() {
    let c = parse_ok(OWN);
    assert_eq!(c.code(), "PARDESK");
    assert_eq!(c.name(), "Paris desk");
    assert_eq!(c.tz(), chrono_tz::Europe::Paris);
    assert_eq!(c.valid_years(), 2026..=2028);
    assert_eq!(c.extended_hours().pre_open, chrono::Duration::minutes(30));

    // Regular day, with lunch; 09:00 CEST is 07:00 UTC.
    let s = c.session(day(2026, 6, 2)).expect("session");
    assert_eq!(s.open, Utc.with_ymd_and_hms(2026, 6, 2, 7, 0, 0).unwrap());
    assert!(s.lunch.is_some());
    // The second hours era.
    let h = c.regular_hours(day(2027, 3, 1)).expect("hours");
    assert_eq!(h.close, hm(18, 0));
    assert_eq!(
        c.regular_hours(day(2026, 12, 1)).expect("hours").close,
        hm(17, 30)
    );

    assert_eq!(c.holiday_name(day(2026, 5, 1)), Some("Fête du Travail"));
    for d in 24..=26 {
        assert_eq!(c.holiday_name(day(2026, 12, d)), Some("Christmas break"));
    }
    assert_eq!(c.holiday_name(day(2026, 6, 7)), Some("weekend"));

    // Half day at the era's early close, no lunch.
    let s = c.session(day(2026, 12, 31)).expect("half day");
    assert!(s.early_close && s.lunch.is_none());
    assert_eq!(
        c.local_hours(day(2026, 12, 31)).expect("hours").0.close,
        hm(12, 0)
    );
    assert_eq!(
        c.local_hours(day(2026, 12, 30)).expect("hours").0.close,
        hm(15, 0)
    );

    let (h, early) = c.local_hours(day(2026, 7, 13)).expect("changed hours");
    assert_eq!(
        (h.open, h.close, h.lunch),
        (hm(10, 0), hm(16, 0), Some((hm(12, 0), hm(12, 30))))
    );
    assert!(early);
    assert_eq!(c.special_session_name(day(2026, 7, 13)), Some("Short day"));

    // A Saturday opened on regular hours.
    assert!(c.is_session(day(2026, 6, 6)));
    assert!(!c.is_session(day(2026, 6, 13)));
}

#[test]
fn example_file_derives_from_nyse() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/calendars/example_broker.cal"
    );
    let text = std::fs::read_to_string(path).expect("example file");
    let c = parse_ok(&text);
    let nyse = builtin("XNYS").expect("XNYS");
    assert_eq!(c.code(), "BRKUS");
    assert_eq!(c.tz(), nyse.tz());
    // Inherited exchange holidays keep their names.
    assert_eq!(c.holiday_name(day(2026, 11, 26)), Some("Thanksgiving Day"));
    assert_eq!(
        c.holiday_name(day(2026, 12, 24)),
        Some("Broker holiday: Christmas Eve")
    );
    assert!(nyse.is_session(day(2026, 12, 24)));
    for d in 28..=31 {
        assert!(!c.is_session(day(2026, 12, d)));
    }
    assert_eq!(
        c.holiday_name(day(2026, 2, 17)),
        Some("Snowstorm: office closed")
    );
    assert_eq!(
        c.local_hours(day(2026, 9, 4)).expect("session").0.close,
        hm(14, 0)
    );
    assert_eq!(
        c.local_hours(day(2026, 7, 6)).expect("session").0.open,
        hm(10, 0)
    );
    assert!(c.is_session(day(2026, 3, 14)));
    // Inherited half day.
    assert!(c.session(day(2026, 11, 27)).expect("session").early_close);
    // Windows: PRE_OPEN from 07:00 New York time.
    let ny = chrono_tz::America::New_York;
    let at = |h, m| {
        ny.with_ymd_and_hms(2026, 11, 24, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    };
    assert_eq!(c.state_at(at(6, 59)), MarketState::Overnight);
    assert_eq!(c.state_at(at(7, 0)), MarketState::PreOpen);
    assert_eq!(c.state_at(at(17, 59)), MarketState::PostClose);
    assert_eq!(c.state_at(at(18, 0)), MarketState::Overnight);
}

#[test]
fn derived_calendar_can_open_an_exchange_holiday_and_change_hours() {
    let c = parse_ok(
        "calendar HKDESK\nbase XHKG\nopen 2026-12-25 \"Desk open\"\nhours 09:00-16:30 lunch 12:00-13:00 from 2026-01-01\n",
    );
    assert!(c.is_session(day(2026, 12, 25)));
    assert_eq!(
        c.local_hours(day(2026, 6, 1)).expect("session").0.open,
        hm(9, 0)
    );
    // Earlier eras are kept.
    assert_eq!(
        c.local_hours(day(2010, 6, 1)).expect("session").0.open,
        hm(10, 0)
    );
    assert_eq!(c.name(), "Hong Kong Exchanges and Clearing");
}

#[test]
fn comments_blank_lines_and_crlf() {
    let c = parse_ok(
        "\r\n# comment\r\ncalendar X1 # trailing comment\r\nzone UTC\r\nhours 00:00-23:59\r\n",
    );
    assert_eq!(c.code(), "X1");
    assert_eq!(c.valid_years(), 1..=9999);
}

#[test]
fn missing_required_lines_are_reported_together() {
    let errors = parse_err("# nothing here\nname \"Nameless\"\n");
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "missing `calendar` line",
            "missing time zone",
            "missing regular `hours`"
        ]
    );
    assert!(errors.iter().all(|e| e.line == 1 && e.help.is_some()));
}

#[test]
fn every_line_error_is_reported_with_its_line() {
    let text = "\
calendar BAD
zone Mars/Olympus
weekend sat funday
hours 17:00-00:00
hours 09:00-17:00 lunch 08:00-09:30
hours 09:00-17:00 early 18:00 from 2026-01-01
hours 09:00-17:00 brunch 11:00-12:00
hours 9:00-17:00
holiday 2026-02-30 \"Bad date\"
holiday 2026-12-31..2026-01-01 \"Backwards\"
holiday 2026-12-25 Christmas
holiday 2026-12-26 \"Boxing\" \"extra\"
early-close 2026-12-24 25:00 \"Bad time\"
session 2026-07-01
open
frobnicate 2026-01-01
valid 2030..2020
pre-open 90m
base XNOPE
calendar AGAIN
name \"unterminated
\"quoted\" directive
";
    let errors = parse_err(text);
    let got: Vec<(usize, usize)> = errors.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(
        got,
        vec![
            (2, 6),   // unknown zone
            (3, 13),  // funday
            (4, 7),   // closes at 00:00
            (5, 7),   // lunch outside
            (6, 7),   // early outside
            (7, 19),  // unknown option
            (8, 7),   // bad time range
            (9, 9),   // bad date
            (10, 9),  // backwards range
            (11, 20), // unquoted name
            (12, 29), // extra after name
            (13, 24), // bad time
            (14, 1),  // session needs times
            (15, 1),  // open needs a date
            (16, 1),  // unknown directive
            (17, 7),  // backwards years
            (18, 10), // bad duration
            (19, 6),  // unknown base
            (20, 1),  // calendar twice
            (21, 6),  // unterminated quote
            (22, 1),  // quoted directive
        ],
        "{errors:#?}"
    );
    assert!(errors[0].message.contains("Mars/Olympus"));
    assert!(errors[17]
        .help
        .as_deref()
        .is_some_and(|h| h.contains("XNYS")));
    assert!(errors[18]
        .help
        .as_deref()
        .is_some_and(|h| h.contains("line 1")));
    // Spans point into the text.
    assert_eq!(&text[errors[0].span.clone()], "Mars/Olympus");
    assert_eq!(&text[errors[14].span.clone()], "frobnicate");
}

#[test]
fn duplicate_dates_and_eras() {
    let e = one_error(
        "calendar D\nzone UTC\nhours 09:00-17:00\nholiday 2026-01-01 \"A\"\nclosed 2026-01-01 \"B\"\n",
    );
    assert_eq!((e.line, e.column), (5, 8));
    assert!(e.help.as_deref().is_some_and(|h| h.contains("line 4")));

    let e = one_error("calendar D\nzone UTC\nhours 09:00-17:00\nhours 10:00-17:00\n");
    assert_eq!(e.line, 4);
    assert!(e.message.contains("twice"));
}

#[test]
fn early_close_outside_that_days_hours() {
    let e = one_error("calendar D\nbase XLON\nearly-close 2026-12-24 07:00\n");
    assert_eq!((e.line, e.column), (3, 13));
    assert!(e.help.as_deref().is_some_and(|h| h.contains("08:00-16:30")));
}

#[test]
fn early_close_on_a_closed_day() {
    // Saturday, and an exchange holiday inherited from the base.
    let errors =
        parse_err("calendar D\nbase XNYS\nearly-close 2026-11-28\nearly-close 2026-11-26 12:00\n");
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![3, 4]);
    assert!(errors[1].message.contains("2026-11-26 is not a session"));
}

#[test]
fn overlong_ranges_and_bad_values() {
    let e = one_error("calendar D\nzone UTC\nhours 09:00-17:00\nholiday 2026-01-01..2030-01-01\n");
    assert_eq!(e.line, 4);
    let e = one_error("calendar D\nzone UTC\nhours 09:00-17:00\nvalid 26..30\n");
    assert_eq!((e.line, e.column), (4, 7));
    let e = one_error("calendar D\nzone UTC\nhours 09:00-17:00\nweekend\n");
    assert_eq!(e.line, 4);
    let e = one_error("calendar D\nzone UTC\nhours 09:00-17:00\nname Unquoted\n");
    assert_eq!((e.line, e.column), (4, 6));
    let e = one_error("calendar D E\nzone UTC\nhours 09:00-17:00\n");
    assert_eq!((e.line, e.column), (1, 12));
    let e = one_error("calendar bad!code\nzone UTC\nhours 09:00-17:00\n");
    assert_eq!(e.line, 1);
    let e = one_error("calendar D\nzone UTC\nhours 09:00-17:00 lunch\n");
    assert_eq!((e.line, e.column), (3, 19));
}

#[test]
fn weekend_none_and_named_days() {
    let c = parse_ok("calendar W\nzone Asia/Dubai\nweekend friday Saturday\nhours 10:00-14:00\n");
    assert!(c.is_session(day(2026, 11, 22))); // Sunday
    assert!(!c.is_session(day(2026, 11, 27))); // Friday
    let c = parse_ok("calendar W\nzone UTC\nweekend none\nhours 10:00-14:00\n");
    assert!(c.is_session(day(2026, 11, 22)));
}

#[test]
fn never_panics_on_garbage() {
    let samples = [
        "",
        "\"",
        "calendar",
        "calendar \"X\"",
        "hours -",
        "hours 09:00-",
        "session 2026-01-01 09:00-08:00",
        "session 2026-01-01 09:00-17:00 lunch",
        "session 2026-01-01 09:00-17:00 lunch 10:00-09:00",
        "early-close 2026-01-01 \"",
        "holiday ..",
        "holiday 2026-01-01..",
        "valid ..",
        "post-close 99:99",
        "weekend none sat",
        "\u{feff}calendar X",
        "calendar Ω\nzone Europe/London\nhours 08:00-16:30 lunch 😀",
    ];
    for text in samples {
        let result = parse_calendar_file(text);
        assert!(result.is_err(), "{text:?} should not parse");
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "calendar",
        "name",
        "base",
        "zone",
        "weekend",
        "hours",
        "valid",
        "pre-open",
        "post-close",
        "holiday",
        "closed",
        "early-close",
        "session",
        "open",
        "lunch",
        "early",
        "from",
        "XNYS",
        "XHKG",
        "UTC",
        "Europe/London",
        "sat",
        "none",
        "09:00-17:00",
        "12:00-13:00",
        "17:00-09:00",
        "13:00",
        "24:00",
        "2026-01-01",
        "2026-12-31..2026-01-01",
        "2026-01-01..2026-01-05",
        "2026..2027",
        "01:30",
        "18:00-06:00",
        "00:00-24:00",
        "07-04",
        "02-29",
        "nearest-weekday",
        "next-monday",
        "third",
        "last",
        "monday",
        "of",
        "january",
        "easter",
        "easter-2",
        "+",
        "-2",
        "366",
        "until",
        "2026",
        "\"name\"",
        "\"",
        "#",
        "..",
        "-",
        "",
    ];

    proptest! {
        /// Any arrangement of the format's own words, or any text at all,
        /// parses or fails with errors on real lines; it never panics.
        #[test]
        fn never_panics_on_word_soup(lines in prop::collection::vec(prop::collection::vec(0..WORDS.len(), 0..6), 0..12)) {
            let text: String = lines
                .iter()
                .map(|l| l.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join(" ") + "\n")
                .collect();
            if let Err(errors) = parse_calendar_file(&text) {
                let line_count = text.lines().count().max(1);
                for e in errors {
                    prop_assert!(e.line >= 1 && e.line <= line_count);
                    prop_assert!(e.span.end <= text.len());
                }
            }
        }

        #[test]
        fn never_panics_on_any_text(text in "\\PC{0,200}") {
            let _ = parse_calendar_file(&text);
        }
    }
}

#[test]
fn hours_crossing_midnight_open_the_evening_before() {
    let c = parse_ok(
        "calendar NIGHTDESK\nzone Europe/London\n\
         hours 18:00-06:00 lunch 23:30-00:30 early 03:00\n\
         early-close 2026-12-24\nsession 2026-07-06 20:00-04:00 \"Migration\"\n",
    );
    let at = |y, m, d, h, min| Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap();
    // Tuesday 2026-01-06's session: Monday 18:00 to Tuesday 06:00 (GMT).
    let s = c.session(day(2026, 1, 6)).expect("session");
    assert_eq!(
        (s.open, s.close),
        (at(2026, 1, 5, 18, 0), at(2026, 1, 6, 6, 0))
    );
    let lunch = s.lunch.expect("lunch");
    assert_eq!(
        (lunch.start, lunch.end),
        (at(2026, 1, 5, 23, 30), at(2026, 1, 6, 0, 30))
    );
    // Monday's opens on Sunday evening, though Sunday is a weekend day.
    assert_eq!(
        c.session(day(2026, 1, 5)).expect("Monday").open,
        at(2026, 1, 4, 18, 0)
    );
    assert!(!c.is_session(day(2026, 1, 4)));
    // The half day closes at 03:00 on its own date.
    let half = c.session(day(2026, 12, 24)).expect("half day");
    assert_eq!(
        (half.close, half.early_close),
        (at(2026, 12, 24, 3, 0), true)
    );
    let changed = c.session(day(2026, 7, 6)).expect("changed hours");
    // 20:00 BST on Sunday 5 July is 19:00 UTC.
    assert_eq!(changed.open, at(2026, 7, 5, 19, 0));
}

#[test]
fn whole_day_hours_end_at_24_00() {
    let c = parse_ok("calendar ALLDAY\nzone UTC\nweekend none\nhours 00:00-24:00\n");
    let s = c.session(day(2026, 1, 3)).expect("Saturday trades");
    assert_eq!(s.close - s.open, chrono::Duration::hours(24));
    assert_eq!(
        c.state_at(s.close - chrono::Duration::seconds(1)),
        MarketState::Session
    );
    assert_eq!(c.next_transition(s.open), None);
    let evening = parse_ok("calendar EVE\nzone UTC\nhours 18:00-24:00\n");
    let s = evening.session(day(2026, 1, 5)).expect("session");
    assert_eq!(s.close, Utc.with_ymd_and_hms(2026, 1, 6, 0, 0, 0).unwrap());
}

#[test]
fn overnight_hours_errors_say_what_to_write() {
    let errors = parse_err(
        "calendar BAD\nzone UTC\nhours 09:00-00:00\nhours 18:00-06:00 lunch 07:00-08:00 from 2027-01-01\n\
         hours 18:00-06:00 early 19:00 from 2028-01-01\nsession 2026-07-06 24:00-06:00\n",
    );
    let got: Vec<(usize, &str)> = errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, "`09:00-00:00` closes at 00:00"),
            (4, "lunch 07:00-08:00 is not inside the session"),
            (5, "half-day close 19:00 is not inside the session"),
            (6, "expected a time range HH:MM-HH:MM, found `24:00-06:00`"),
        ],
        "{errors:#?}"
    );
    assert!(errors[0]
        .help
        .as_deref()
        .is_some_and(|h| h.contains("24:00")));
    assert!(errors[1]
        .help
        .as_deref()
        .is_some_and(|h| h.contains("18:00 and 06:00")));
    assert!(errors[2]
        .help
        .as_deref()
        .is_some_and(|h| h.contains("(the close's day)")));
}
