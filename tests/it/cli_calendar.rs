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
    assert_eq!(markets.len(), 27);
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
