//! Calendar files with rules: weekday of month, fixed dates with observance,
//! Easter offsets, `from` / `until` years, next to dated lines.

use chrono::{NaiveDate, NaiveTime};
use pipec::time::calendar::{parse_calendar_file, Calendar, CalendarFileError};
use pipec::time::session::SessionCalendar;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn parse_ok(text: &str) -> Calendar {
    parse_calendar_file(text).unwrap_or_else(|e| panic!("{e:#?}"))
}

fn parse_err(text: &str) -> Vec<CalendarFileError> {
    parse_calendar_file(text).expect_err("errors")
}

const HEAD: &str = "calendar R\nzone America/New_York\nhours 09:30-16:00 early 13:00\n";

/// The strongest check: a broker's calendar written once with rules gives
/// every XNYS session 2005-2035 (open, close, half days) exactly as the
/// exchange_calendars reference does.
#[test]
fn a_rules_calendar_reproduces_xnys_session_by_session() {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/tests/data/calendars/us_broker_rules.cal"))
        .expect("broker file");
    let broker = parse_ok(&text);
    let reference =
        std::fs::read_to_string(format!("{root}/tests/data/calendars/xnys.tsv")).expect("xnys.tsv");
    let mut expected = std::collections::BTreeMap::new();
    for line in reference.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        expected.insert(f[0].to_string(), (f[1].to_string(), f[2].to_string()));
    }
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%MZ").to_string();
    let mut sessions = 0;
    let mut wrong = Vec::new();
    for date in day(2005, 1, 1)
        .iter_days()
        .take_while(|d| *d <= day(2035, 12, 31))
    {
        let ours = broker.session(date).map(|s| (fmt(s.open), fmt(s.close)));
        let theirs = expected.get(&date.to_string()).cloned();
        sessions += usize::from(ours.is_some());
        if ours != theirs {
            wrong.push(format!("{date}: ours {ours:?}, reference {theirs:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} differences:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(sessions, 7793);
    assert_eq!(broker.holiday_name(day(2026, 4, 3)), Some("Good Friday"));
    assert_eq!(
        broker.special_session_name(day(2026, 11, 27)),
        Some("Day after Thanksgiving")
    );
}

#[test]
fn weekday_of_month_rules() {
    let c = parse_ok(&format!(
        "{HEAD}holiday third monday of january \"MLK\"\nholiday last monday of may \"Memorial\"\n\
         holiday first friday of march\nholiday fifth monday of february \"Rare\"\n\
         holiday 2nd tue of oct \"Short forms\"\n"
    ));
    assert_eq!(c.holiday_name(day(2026, 1, 19)), Some("MLK"));
    assert_eq!(c.holiday_name(day(2026, 5, 25)), Some("Memorial"));
    assert_eq!(c.holiday_name(day(2026, 3, 6)), Some("holiday"));
    assert_eq!(c.holiday_name(day(2026, 10, 13)), Some("Short forms"));
    // A fifth Monday of February exists only when February has 29 days and starts on a Monday.
    assert_eq!(c.holiday_name(day(2016, 2, 29)), Some("Rare"));
    assert!(c.is_session(day(2027, 2, 22)));
}

#[test]
fn fixed_dates_with_observance() {
    let c = parse_ok(&format!(
        "{HEAD}holiday 07-04 nearest-weekday \"Fourth\"\nholiday 12-26 next-monday \"Boxing\"\n\
         holiday 01-01 sunday-to-monday \"New Year\"\nholiday 02-29 \"Leap\"\n"
    ));
    // 2026-07-04 is a Saturday: Friday the 3rd is observed.
    assert_eq!(c.holiday_name(day(2026, 7, 3)), Some("Fourth"));
    // 2027-07-04 is a Sunday: Monday the 5th.
    assert_eq!(c.holiday_name(day(2027, 7, 5)), Some("Fourth"));
    // 2026-12-26 is a Saturday: next Monday, the 28th.
    assert_eq!(c.holiday_name(day(2026, 12, 28)), Some("Boxing"));
    // 2022-01-01 is a Saturday and stays there; 2023-01-01 a Sunday, observed Monday.
    assert!(c.is_session(day(2021, 12, 31)));
    assert!(c.is_session(day(2022, 1, 3)));
    assert_eq!(c.holiday_name(day(2023, 1, 2)), Some("New Year"));
    assert_eq!(c.holiday_name(day(2028, 2, 29)), Some("Leap"));
}

#[test]
fn easter_offsets_and_years() {
    let c = parse_ok(&format!(
        "{HEAD}holiday easter - 2 \"Good Friday\"\nholiday easter+1 \"Easter Monday\"\n\
         holiday easter + 39 from 2026 until 2027 \"Ascension\"\n\
         early-close fourth thursday of november + 1 13:00 until 2025 \"Black Friday\"\n"
    ));
    // Easter 2026 is April 5.
    assert_eq!(c.holiday_name(day(2026, 4, 3)), Some("Good Friday"));
    assert_eq!(c.holiday_name(day(2026, 4, 6)), Some("Easter Monday"));
    assert_eq!(c.holiday_name(day(2026, 5, 14)), Some("Ascension"));
    assert!(
        c.is_session(day(2025, 5, 29)),
        "Ascension 2025 is before `from`"
    );
    assert!(
        c.is_session(day(2028, 5, 25)),
        "Ascension 2028 is after `until`"
    );
    let (hours, early) = c.local_hours(day(2025, 11, 28)).expect("session");
    assert!(early);
    assert_eq!(
        hours.close,
        NaiveTime::from_hms_opt(13, 0, 0).expect("time")
    );
    assert!(
        !c.local_hours(day(2026, 11, 27)).expect("session").1,
        "the rule ends with 2025"
    );
}

/// A dated line wins over a rule on the same date; a half-day rule skips
/// days that are closed; the first holiday rule to close a date names it.
#[test]
fn rules_and_dated_lines_together() {
    let c = parse_ok(&format!(
        "{HEAD}holiday 12-25 nearest-weekday \"Christmas\"\nholiday 12-24 \"Eve closed\"\n\
         early-close 12-24 \"Eve half day\"\nopen 2026-12-25 \"Desk open on Christmas\"\n\
         early-close 12-31 12:00 \"Year end\"\n"
    ));
    assert!(c.is_session(day(2026, 12, 25)));
    assert_eq!(
        c.special_session_name(day(2026, 12, 25)),
        Some("Desk open on Christmas")
    );
    assert_eq!(c.holiday_name(day(2026, 12, 24)), Some("Eve closed"));
    // 2027-12-25 is a Saturday: Christmas is observed Friday the 24th and
    // named by the first rule.
    assert_eq!(c.holiday_name(day(2027, 12, 24)), Some("Christmas"));
    assert_eq!(
        c.local_hours(day(2026, 12, 31)).expect("session").0.close,
        NaiveTime::from_hms_opt(12, 0, 0).expect("time")
    );
    // 2028-12-31 is a Sunday: the half-day rule has nothing to shorten.
    assert_eq!(c.holiday_name(day(2028, 12, 31)), Some("weekend"));
}

/// Every malformed rule is reported with its line, column and what was
/// expected there.
#[test]
fn rule_errors_say_where_and_what_was_expected() {
    let text = format!(
        "{HEAD}holiday third funday of january\nholiday third monday in may\n\
         holiday last monday of maytime\nholiday easter -\nholiday easter + two\n\
         holiday 13-01\nholiday 07-04 nearest-weekend\nholiday 07-04 from\n\
         holiday 07-04 from 2030 until 2020\nearly-close 12-24 08:00 \"Too early\"\n\
         holiday fourth\n"
    );
    let errors = parse_err(&text);
    let got: Vec<(usize, usize, &str)> = errors
        .iter()
        .map(|e| (e.line, e.column, e.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (4, 15, "expected a day of the week, found `funday`"),
            (5, 22, "expected `of`, found `in`"),
            (6, 24, "expected a month, found `maytime`"),
            (7, 16, "`-` needs a number of days"),
            (8, 18, "expected a number of days, found `two`"),
            (9, 9, "expected a date, range or rule, found `13-01`"),
            (10, 15, "unexpected `nearest-weekend` in a rule"),
            (11, 15, "`from` needs a year"),
            (12, 9, "the rule runs from 2030 until 2020"),
            (
                13,
                13,
                "early close 08:00 on 1970-12-24 is not inside the session"
            ),
            (
                14,
                9,
                "`fourth` must be followed by a weekday, `of` and a month"
            ),
        ],
        "{errors:#?}"
    );
    assert!(errors.iter().all(|e| e.help.is_some()), "{errors:#?}");
}
