//! Overnight and around-the-clock markets where a user sees them: `pipec
//! calendar` month, range and state views, and `pipec next` firing times.

use crate::common::{self, stdout_of as run};

#[test]
fn month_view_shows_the_evening_each_session_opens() {
    let out = run(&["calendar", "CMES", "2025-03"]);
    assert!(out.contains("2025-03-10  Mon  Sun 17:00  16:00"), "{out}");
    assert!(out.contains("2025-03-09  Sun  -          -"), "{out}");
    common::settings().bind(|| insta::assert_snapshot!(out));
}

#[test]
fn range_json_gives_the_open_date() {
    let out = run(&[
        "calendar",
        "FX",
        "--from",
        "2025-12-24",
        "--to",
        "2025-12-26",
        "--format",
        "json",
    ]);
    let view: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let days = view["days"].as_array().expect("days");
    assert_eq!(days[0]["open"], "17:00");
    assert_eq!(days[0]["open_date"], "2025-12-23");
    assert_eq!(days[0]["close"], "17:00");
    assert_eq!(days[1]["kind"], "holiday");
    assert_eq!(days[1]["note"], "Christmas Day");
    assert_eq!(days[2]["open_date"], "2025-12-25");
}

#[test]
fn crypto_month_is_all_day_every_day() {
    let out = run(&[
        "calendar",
        "CRYPTO",
        "--from",
        "2025-03-08",
        "--to",
        "2025-03-09",
    ]);
    assert!(out.contains("2025-03-08  Sat  00:00  24:00"), "{out}");
    assert!(out.contains("2025-03-09  Sun  00:00  24:00"), "{out}");
}

/// Sunday before Globex opens is HOLIDAY; the open is 17:00 Chicago time on
/// the day Chicago moved its clocks forward.
#[test]
fn state_before_and_after_the_sunday_open_on_the_change_day() {
    let before = run(&["calendar", "CMES", "--state", "2025-03-09T16:59"]);
    assert!(before.contains("state: HOLIDAY"), "{before}");
    assert!(
        before.contains("next:  SESSION at 2025-03-09 17:00:00 CDT (in 1m 0s)"),
        "{before}"
    );
    let after = run(&[
        "calendar",
        "CMES",
        "--state",
        "2025-03-09T17:00",
        "--format",
        "json",
    ]);
    let view: serde_json::Value = serde_json::from_str(&after).expect("JSON");
    assert_eq!(view["state"], "SESSION");
    assert_eq!(view["next"]["state"], "OVERNIGHT");
    assert_eq!(view["next"]["at"], "2025-03-10T21:00:00Z");
}

#[test]
fn fx_is_in_session_all_week_and_crypto_has_no_next_change() {
    let fx = run(&["calendar", "FX", "--state", "2025-03-12T03:00"]);
    assert!(fx.contains("state: SESSION"), "{fx}");
    assert!(
        fx.contains("next:  OVERNIGHT at 2025-03-14 17:00:00 EDT"),
        "{fx}"
    );
    let crypto = run(&[
        "calendar",
        "CRYPTO",
        "--state",
        "2025-03-09T02:30",
        "--format",
        "json",
    ]);
    let view: serde_json::Value = serde_json::from_str(&crypto).expect("JSON");
    assert_eq!(view["state"], "SESSION");
    assert_eq!(view["next"], serde_json::Value::Null);
}

/// Session-relative and interval triggers on CMES across Chicago's spring
/// change: `at open - 15m` fires the evening before each trade date, `at
/// close` at 16:00, the interval grid starts at each 17:00 open and skips the
/// halt, and `on trading_days` leaves Sunday's own date out.
#[test]
fn next_on_globex_across_the_spring_change() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("next-globex");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("g.pipe");
    std::fs::write(
        &file,
        "handler ok { builtin noop }\npipeline g {\n  calendar CMES\n  stage s { task ok }\n  \
         trigger PREP { at open - 15m on trading_days }\n  \
         trigger SETTLE { at close on trading_days }\n  \
         trigger POLL { every 6h during SESSION on trading_days }\n  \
         trigger EVENING { at 18:00 on trading_days }\n}\n",
    )
    .unwrap();
    let table = run(&[
        "next",
        file.to_str().unwrap(),
        "--from",
        "2025-03-07T00:00",
        "--to",
        "2025-03-11T00:00",
    ]);
    let fires = |when: &str, trigger: &str| {
        table
            .lines()
            .any(|l| l.starts_with(when) && l.split_whitespace().nth(8) == Some(trigger))
    };
    // Friday's trade date closes at 16:00 CST; Monday's opens Sunday 17:00 CDT.
    assert!(
        fires("Fri 2025-03-07 22:00:00  16:00:00 CST", "SETTLE"),
        "{table}"
    );
    assert!(
        fires("Sun 2025-03-09 21:45:00  16:45:00 CDT", "PREP"),
        "{table}"
    );
    assert!(
        fires("Sun 2025-03-09 22:00:00  17:00:00 CDT", "POLL"),
        "{table}"
    );
    assert!(
        fires("Mon 2025-03-10 21:00:00  16:00:00 CDT", "SETTLE"),
        "{table}"
    );
    assert!(
        fires("Mon 2025-03-10 23:00:00  18:00:00 CDT", "EVENING"),
        "{table}"
    );
    assert!(
        !table.contains("Sun 2025-03-09 23:00:00"),
        "no EVENING on Sunday: {table}"
    );
    common::settings().bind(|| insta::assert_snapshot!(table));
}

/// FX's week opens Sunday 17:00 New York time on both sides of New York's
/// autumn change: 21:00 UTC before it, 22:00 UTC after it.
#[test]
fn next_on_fx_across_the_autumn_change() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("next-fx");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("fx.pipe");
    std::fs::write(
        &file,
        "handler ok { builtin noop }\npipeline fx {\n  calendar FX\n  stage s { task ok }\n  \
         trigger WEEK_OPEN { at open on first_trading_day_of_week }\n}\n",
    )
    .unwrap();
    let table = run(&[
        "next",
        file.to_str().unwrap(),
        "--from",
        "2025-10-24T00:00",
        "-n",
        "3",
    ]);
    let opens: Vec<&str> = table
        .lines()
        .skip(1)
        .map(|l| l.get(..37).unwrap_or(l))
        .collect();
    assert_eq!(
        opens,
        vec![
            "Sun 2025-10-26 21:00:00  17:00:00 EDT",
            "Sun 2025-11-02 22:00:00  17:00:00 EST",
            "Sun 2025-11-09 22:00:00  17:00:00 EST",
        ],
        "{table}"
    );
}

/// A file calendar trading 22:00-06:00 New York time: on the spring night
/// its session lasts seven hours and `--state` shows the close at 06:00 EDT.
#[test]
fn state_inside_a_session_crossing_the_spring_change_night() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("state-night");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("night.cal");
    std::fs::write(
        &file,
        "calendar NIGHT\nzone America/New_York\nweekend none\nhours 22:00-06:00\n\
         pre-open 00:00\npost-close 00:00\n",
    )
    .unwrap();
    let out = run(&[
        "calendar",
        file.to_str().unwrap(),
        "--state",
        "2025-03-09T01:30",
    ]);
    assert!(out.contains("at 2025-03-09 01:30:00 EST"), "{out}");
    assert!(out.contains("state: SESSION"), "{out}");
    assert!(
        out.contains("next:  OVERNIGHT at 2025-03-09 06:00:00 EDT (in 3h 30m)"),
        "{out}"
    );
}
