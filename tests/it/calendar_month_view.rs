//! The month view behind `pipec calendar CODE YYYY-MM`.

use pipec::time::calendar::{builtin, month_view, DayKind};

#[test]
fn nyse_november_2026() {
    let view = month_view(builtin("XNYS").expect("XNYS"), 2026, 11);
    assert_eq!(view.days.len(), 30);
    assert!(view.in_valid_years);
    let thanksgiving = &view.days[25];
    assert_eq!(thanksgiving.date.to_string(), "2026-11-26");
    assert_eq!(thanksgiving.kind, DayKind::Holiday);
    assert_eq!(thanksgiving.note.as_deref(), Some("Thanksgiving Day"));
    let friday = &view.days[26];
    assert_eq!(friday.kind, DayKind::Session);
    assert!(friday.early_close);
    assert_eq!(friday.close.as_deref(), Some("13:00"));
    assert_eq!(friday.note.as_deref(), Some("Day after Thanksgiving"));
    let saturday = &view.days[27];
    assert_eq!(
        (saturday.kind, saturday.weekday.as_str()),
        (DayKind::Weekend, "Sat")
    );
    let ordinary = &view.days[23];
    assert_eq!(ordinary.open.as_deref(), Some("09:30"));
    assert_eq!(ordinary.lunch, None);

    let text = view.to_string();
    assert!(text.starts_with("XNYS New York Stock Exchange 2026-11 (times in America/New_York)\n"));
    assert!(text.contains("2026-11-26  Thu  -      -      -            Thanksgiving Day\n"));
    assert!(text.contains(
        "2026-11-27  Fri  09:30  13:00  -            early close: Day after Thanksgiving\n"
    ));
    assert!(text.contains("2026-11-24  Tue  09:30  16:00  -\n"));
    assert_eq!(text.lines().count(), 2 + 30);
}

#[test]
fn tokyo_lunch_and_json() {
    let view = month_view(builtin("XTKS").expect("XTKS"), 2026, 5);
    let may7 = &view.days[6];
    assert_eq!(may7.lunch.as_deref(), Some("11:30-12:30"));
    let json = serde_json::to_value(&view).expect("json");
    assert_eq!(json["days"][2]["kind"], "holiday");
    assert_eq!(json["days"][2]["note"], "Constitution Memorial Day");
    assert_eq!(json["days"][6]["close"], "15:30");
    assert_eq!(json["tz"], "Asia/Tokyo");
}

#[test]
fn out_of_range_and_bad_months() {
    let cal = builtin("XLON").expect("XLON");
    let view = month_view(cal, 2040, 2);
    assert!(!view.in_valid_years);
    assert!(view.to_string().contains("warning: 2040 is outside"));
    assert_eq!(view.days.len(), 29);
    assert!(month_view(cal, 2026, 13).days.is_empty());
    assert!(month_view(cal, 2026, 0).days.is_empty());
}
