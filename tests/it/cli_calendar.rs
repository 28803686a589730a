//! `pipec calendar`: month views and market states from the command line.

use crate::common;

fn calendar(args: &[&str]) -> (String, i32) {
    let output = common::pipec()
        .arg("calendar")
        .args(args)
        .output()
        .expect("pipec runs");
    (
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
        output.status.code().unwrap_or(-1),
    )
}

#[test]
fn month_view_names_holidays_and_early_closes() {
    let (out, code) = calendar(&["XNYS", "2026-11"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("2026-11-26  Thu  -      -      -            Thanksgiving Day"),
        "{out}"
    );
    assert!(out.contains("2026-11-27  Fri  09:30  13:00"), "{out}");
    common::settings().bind(|| insta::assert_snapshot!(out));
}

#[test]
fn tokyo_shows_its_lunch_break() {
    let (out, _) = calendar(&["XTKS", "2026-11"]);
    assert!(out.contains("11:30-12:30"), "{out}");
}

#[test]
fn state_and_next_transition_on_an_early_close() {
    let (out, code) = calendar(&["XNYS", "--state", "2026-11-27T12:59", "--format", "json"]);
    assert_eq!(code, 0);
    let view: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(view["state"], "SESSION");
    assert_eq!(view["next"]["state"], "POST_CLOSE");
    assert_eq!(view["next"]["at"], "2026-11-27T18:00:00Z");
}

#[test]
fn follow_the_sun_lists_every_market() {
    let (out, code) = calendar(&[
        "--all-markets",
        "--state",
        "2026-11-20T09:00:00Z",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let markets: Vec<serde_json::Value> = serde_json::from_str(&out).expect("JSON");
    let state = |code: &str| {
        markets
            .iter()
            .find(|m| m["code"] == code)
            .map(|m| m["state"].clone())
    };
    assert_eq!(markets.len(), 30);
    assert_eq!(state("CMES"), Some("SESSION".into()));
    assert_eq!(state("CRYPTO"), Some("SESSION".into()));
    assert_eq!(state("XLON"), Some("SESSION".into()));
    assert_eq!(state("XNYS"), Some("PRE_OPEN".into()));
    assert_eq!(state("XTKS"), Some("OVERNIGHT".into()));
}

#[test]
fn unknown_calendar_is_a_usage_error() {
    let (out, code) = calendar(&["XNYZ", "2026-11"]);
    assert_eq!(code, 2);
    assert!(out.contains("unknown calendar `XNYZ`"), "{out}");
}

#[test]
fn list_shows_every_builtin_calendar() {
    let (out, code) = calendar(&["--list"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("XASX    Australian Securities Exchange    Australia/Sydney"),
        "{out}"
    );
    assert!(out.contains("2005-2026"), "{out}");
    assert!(
        out.contains("CMES    CME Globex Equity Index Futures   America/Chicago      17:00 (day before)-16:00"),
        "{out}"
    );
    common::settings().bind(|| insta::assert_snapshot!(out));

    let (out, code) = calendar(&["--list", "--format", "json"]);
    assert_eq!(code, 0);
    let listed: Vec<serde_json::Value> = serde_json::from_str(&out).expect("JSON");
    let codes: Vec<&str> = listed.iter().filter_map(|l| l["code"].as_str()).collect();
    assert_eq!(codes, pipec::time::calendar::BUILTIN_CODES);
    let xtks = &listed[2];
    assert_eq!(xtks["zone"], "Asia/Tokyo");
    assert_eq!(xtks["hours"].as_array().map(Vec::len), Some(3));
    assert_eq!(xtks["hours"][0]["lunch"], "11:00-12:30");
    assert_eq!(xtks["hours"][2]["from"], "2024-11-05");
    assert_eq!(xtks["valid_years"]["last"], 2035);
}

#[test]
fn range_lists_every_day_in_one_call() {
    let (out, code) = calendar(&["XASX", "--from", "2026-12-22", "--to", "2027-01-05"]);
    assert_eq!(code, 0);
    assert!(!out.contains("warning"), "{out}");
    common::settings().bind(|| insta::assert_snapshot!(out));
}

#[test]
fn thirty_years_of_sessions_in_one_json_call() {
    let (out, code) = calendar(&[
        "XNYS",
        "--from",
        "2005-01-01",
        "--to",
        "2035-12-31",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let view: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let days = view["days"].as_array().expect("days");
    assert_eq!(days.len(), 11_322);
    let sessions = days.iter().filter(|d| d["kind"] == "session").count();
    // The reference data (tests/data/calendars/xnys.tsv) has 7793 sessions.
    assert_eq!(sessions, 7793);
    assert_eq!(view["in_valid_years"], true);
    assert!(view.get("warning").is_none(), "{out}");
}

#[test]
fn every_view_warns_outside_the_valid_years() {
    let expect = "2050 is outside the years XNYS is known for (2005-2035)";
    let (month, _) = calendar(&["XNYS", "2050-12"]);
    assert!(month.contains(&format!("warning: {expect}")), "{month}");
    let (month, _) = calendar(&["XNYS", "2050-12", "--format", "json"]);
    let month: serde_json::Value = serde_json::from_str(&month).expect("JSON");
    assert_eq!(month["warning"], expect);

    let range = ["XSHG", "--from", "2026-12-28", "--to", "2027-01-08"];
    let (table, code) = calendar(&range);
    assert_eq!(code, 0);
    assert!(
        table.contains("warning: 2027 is outside the years XSHG is known for (2005-2026)"),
        "{table}"
    );
    let (json, _) = calendar(&[&range[..], &["--format", "json"]].concat());
    let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(json["in_valid_years"], false);
    assert_eq!(
        json["warning"],
        "2027 is outside the years XSHG is known for (2005-2026)"
    );

    let (state, code) = calendar(&["XNYS", "--state", "2050-12-26T12:00"]);
    assert_eq!(code, 0);
    assert!(state.contains(&format!("warning: {expect}")), "{state}");
    let (state, _) = calendar(&["XNYS", "--state", "2050-12-26T12:00", "--format", "json"]);
    let state: serde_json::Value = serde_json::from_str(&state).expect("JSON");
    assert_eq!(state["warning"], expect);

    let (inside, _) = calendar(&["XNYS", "--state", "2026-12-24T12:00", "--format", "json"]);
    let inside: serde_json::Value = serde_json::from_str(&inside).expect("JSON");
    assert!(inside.get("warning").is_none(), "{inside}");
}

#[test]
fn bad_ranges_are_usage_errors() {
    let (out, code) = calendar(&["XNYS", "--from", "2027-01-02", "--to", "2026-01-01"]);
    assert_eq!(code, 2);
    assert!(
        out.contains("--from 2027-01-02 is after --to 2026-01-01"),
        "{out}"
    );
    let (out, code) = calendar(&["XNYS", "--from", "2026-13-01", "--to", "2027-01-01"]);
    assert_eq!(code, 2);
    assert!(out.contains("`2026-13-01` is not a date"), "{out}");
    let (out, code) = calendar(&["XNYS", "--from", "1900-01-01", "--to", "2100-01-01"]);
    assert_eq!(code, 2);
    assert!(out.contains("a century at most"), "{out}");
    let (out, code) = calendar(&["XNYS", "--from", "2026-01-01"]);
    assert_eq!(code, 2);
    assert!(out.contains("--to"), "{out}");
}

/// `pipec calendar … | head`: the reader leaves early; pipec ends quietly with
/// 141 (128 + SIGPIPE), as Unix tools do, and reports no panic.
#[test]
fn a_closed_pipe_ends_the_listing_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = common::pipec()
        .args([
            "calendar",
            "XNYS",
            "--from",
            "2005-01-01",
            "--to",
            "2035-12-31",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("XNYS"), "{first}");
    // The reader is gone (dropped above); the rest of 30 years cannot be written.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(141), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
