//! Cron parsing, its error messages, and matching of wall-clock times.

use chrono::{NaiveDate, NaiveDateTime};
use pipec::time::schedule::{CronExpr, CronField};

fn parse(text: &str) -> CronExpr {
    CronExpr::parse(text).unwrap_or_else(|e| panic!("`{text}` should parse: {e}"))
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|x| x.and_hms_opt(h, min, 0))
        .expect("valid")
}

fn error(text: &str) -> (Option<CronField>, String) {
    let e = CronExpr::parse(text).expect_err(text);
    (e.field, e.to_string())
}

#[test]
fn lists_ranges_steps_and_names() {
    let e = parse("0,30 9-16/2 * JAN,jul mon-FRI");
    assert!(e.matches(at(2026, 1, 5, 9, 0)), "Monday in January");
    assert!(e.matches(at(2026, 7, 10, 15, 30)), "Friday in July");
    assert!(!e.matches(at(2026, 1, 5, 10, 0)), "hour 10 not in 9-16/2");
    assert!(!e.matches(at(2026, 1, 4, 9, 0)), "Sunday");
    assert!(!e.matches(at(2026, 2, 2, 9, 0)), "February");
    let stepped = parse("5/20 * * * *");
    assert!(stepped.matches(at(2026, 1, 1, 0, 45)) && !stepped.matches(at(2026, 1, 1, 0, 0)));
    let all = parse("*/15 * * * *");
    assert!(all.matches(at(2026, 1, 1, 3, 45)) && !all.matches(at(2026, 1, 1, 3, 50)));
}

#[test]
fn seven_is_sunday() {
    let e = parse("0 0 * * 7");
    assert!(e.matches(at(2026, 3, 8, 0, 0)), "2026-03-08 is a Sunday");
    assert!(!e.matches(at(2026, 3, 7, 0, 0)));
    assert!(parse("0 0 * * 5-7").matches(at(2026, 3, 8, 0, 0)));
}

#[test]
fn vixie_rule_either_day_field_when_both_restricted() {
    let e = parse("0 0 13 * 5");
    assert!(e.matches(at(2026, 3, 13, 0, 0)), "Friday the 13th");
    assert!(e.matches(at(2026, 3, 6, 0, 0)), "any Friday");
    assert!(e.matches(at(2026, 4, 13, 0, 0)), "any 13th (a Monday)");
    assert!(!e.matches(at(2026, 4, 14, 0, 0)));
    // Only one restricted: both must hold (the star field is always true).
    let dom_only = parse("0 0 13 * *");
    assert!(!dom_only.matches(at(2026, 3, 6, 0, 0)));
    // A field starting with `*` counts as unrestricted, as in Vixie cron.
    let star_step = parse("0 0 */2 * 1");
    assert!(
        !star_step.matches(at(2026, 3, 3, 0, 0)),
        "Tuesday the 3rd: day 3 ok, Monday not"
    );
    assert!(
        !star_step.matches(at(2026, 3, 2, 0, 0)),
        "Monday the 2nd: Monday ok, day 2 not"
    );
    assert!(star_step.matches(at(2026, 3, 9, 0, 0)), "Monday the 9th");
}

#[test]
fn macros() {
    assert!(parse("@daily").matches(at(2026, 5, 5, 0, 0)));
    assert!(parse("@hourly").matches(at(2026, 5, 5, 7, 0)));
    assert!(!parse("@weekly").matches(at(2026, 5, 5, 0, 0)), "a Tuesday");
    assert!(parse("@yearly").matches(at(2027, 1, 1, 0, 0)));
    assert_eq!(parse("@monthly").source(), "@monthly");
}

#[test]
fn errors_name_the_field_and_the_reason() {
    let (field, msg) = error("61 * * * *");
    assert_eq!(field, Some(CronField::Minute));
    assert_eq!(msg, "minute field: `61`: value 61 is out of range 0-59");
    let (field, msg) = error("0 9 * * MON-XYZ");
    assert_eq!(field, Some(CronField::DayOfWeek));
    assert!(
        msg.contains("`XYZ` is not a number 0-7 or a name SUN-SAT"),
        "{msg}"
    );
    let (field, msg) = error("0 9 * *");
    assert_eq!(field, None);
    assert!(
        msg.contains("expected 5 fields") && msg.contains("found 4"),
        "{msg}"
    );
    let (field, msg) = error("*/0 * * * *");
    assert_eq!(field, Some(CronField::Minute));
    assert!(msg.contains("step must be at least 1"), "{msg}");
    let (field, msg) = error("0 17-9 * * *");
    assert_eq!(field, Some(CronField::Hour));
    assert!(msg.contains("backwards"), "{msg}");
    let (field, msg) = error("0 0 L * *");
    assert_eq!(field, Some(CronField::DayOfMonth));
    assert!(msg.contains("not supported"), "{msg}");
    // Quartz's forms with a number are named as Quartz too, not "not a number".
    for (text, field) in [
        ("0 0 L5 * *", CronField::DayOfMonth),
        ("0 0 L-3 * *", CronField::DayOfMonth),
        ("0 0 15W * *", CronField::DayOfMonth),
        ("0 0 LW * *", CronField::DayOfMonth),
        ("0 0 ? * MON", CronField::DayOfMonth),
        ("0 0 * * 5L", CronField::DayOfWeek),
        ("0 0 * * 6#3", CronField::DayOfWeek),
    ] {
        let (found, msg) = error(text);
        assert_eq!(found, Some(field), "{text}");
        assert!(msg.contains("a Quartz extension"), "{text}: {msg}");
    }
    let (field, _) = error("0 0 0 * *");
    assert_eq!(field, Some(CronField::DayOfMonth));
    let (field, msg) = error("0 0 1 13 *");
    assert_eq!(field, Some(CronField::Month));
    assert!(msg.contains("out of range 1-12"), "{msg}");
    let (_, msg) = error("0 0 1,,2 * *");
    assert!(msg.contains("empty list item"), "{msg}");
    let (_, msg) = error("@often");
    assert!(msg.contains("unknown macro"), "{msg}");
    let (field, _) = error("*/99999999999 * * * *");
    assert_eq!(field, Some(CronField::Minute));
}

#[test]
fn no_input_panics() {
    let junk = [
        "",
        " ",
        "*",
        "* * * * * *",
        "-",
        "1-",
        "-1 * * * *",
        "a-b/c * * * *",
        "*/",
        "/5 * * * *",
        "4294967295/4294967295 * * * *",
        "0 0 31 2 *",
        "ü * * * *",
    ];
    for text in junk {
        let _ = CronExpr::parse(text);
    }
    // Huge steps are accepted but only match the start.
    let e = parse("0/4294967295 * * * *");
    assert!(e.matches(at(2026, 1, 1, 0, 0)) && !e.matches(at(2026, 1, 1, 0, 1)));
}

#[test]
fn next_local_scans_forward_within_the_bound() {
    let e = parse("0 0 29 2 *");
    let from = at(2026, 3, 1, 0, 0);
    let last = NaiveDate::from_ymd_opt(2034, 1, 1).expect("date");
    assert_eq!(
        e.next_local_on_or_after(from, last),
        Some(at(2028, 2, 29, 0, 0))
    );
    let never = parse("0 0 31 2 *");
    assert_eq!(never.next_local_on_or_after(from, last), None);
    let every = parse("* * * * *");
    let odd = at(2026, 3, 1, 10, 0) + chrono::Duration::seconds(1);
    assert_eq!(
        every.next_local_on_or_after(odd, last),
        Some(at(2026, 3, 1, 10, 1))
    );
}
