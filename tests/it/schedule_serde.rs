//! Every public schedule type round-trips through JSON (the compiler's IR embeds
//! them), with a readable form.

use chrono::{NaiveDate, NaiveTime, Weekday};
use pipec::time::market_state::MarketState;
use pipec::time::schedule::{
    Anchor, CronError, CronExpr, CronField, DateListError, DaySet, Schedule,
};
use serde_json::json;

fn all_day_sets() -> Vec<DaySet> {
    let date = NaiveDate::from_ymd_opt(2026, 1, 28).expect("date");
    vec![
        DaySet::Every,
        DaySet::Weekdays,
        DaySet::TradingDays,
        DaySet::Named(vec![Weekday::Sat, Weekday::Sun]),
        DaySet::FirstTradingDayOfMonth,
        DaySet::LastTradingDayOfMonth,
        DaySet::FirstTradingDayOfWeek,
        DaySet::LastTradingDayOfWeek,
        DaySet::MonthlyExpiration,
        DaySet::QuarterlyExpiration,
        DaySet::Dates([date].into_iter().collect()),
        DaySet::Not(Box::new(DaySet::TradingDays)),
        DaySet::AllOf(vec![DaySet::Weekdays, DaySet::MonthlyExpiration]),
        DaySet::AnyOf(vec![]),
    ]
}

#[test]
fn schedules_round_trip() {
    let mut schedules = vec![
        Schedule::SessionRelative {
            anchor: Anchor::Close,
            offset: -600,
            days: DaySet::TradingDays,
        },
        Schedule::Every {
            interval: 300,
            from: MarketState::PreOpen,
            to: MarketState::PostClose,
            days: DaySet::TradingDays,
        },
        Schedule::Cron {
            expr: CronExpr::parse("0 9 * * MON-FRI").expect("valid"),
            zone: chrono_tz::Europe::London,
        },
    ];
    for days in all_day_sets() {
        schedules.push(Schedule::At {
            time: NaiveTime::from_hms_opt(8, 0, 0).expect("time"),
            zone: chrono_tz::America::New_York,
            days,
        });
    }
    for s in schedules {
        let text = serde_json::to_string(&s).expect("serializes");
        let back: Schedule = serde_json::from_str(&text).expect("deserializes");
        assert_eq!(back, s, "{text}");
    }
}

#[test]
fn readable_form() {
    let s = Schedule::Cron {
        expr: CronExpr::parse("*/5 9-16 * * 1-5").expect("valid"),
        zone: chrono_tz::America::New_York,
    };
    assert_eq!(
        serde_json::to_value(&s).expect("json"),
        json!({"kind": "cron", "expr": "*/5 9-16 * * 1-5", "zone": "America/New_York"})
    );
    let e = Schedule::Every {
        interval: 60,
        from: MarketState::Session,
        to: MarketState::Session,
        days: DaySet::Not(Box::new(DaySet::TradingDays)),
    };
    assert_eq!(
        serde_json::to_value(&e).expect("json"),
        json!({"kind": "every", "interval": 60, "from": "SESSION", "to": "SESSION", "days": {"not": "trading_days"}})
    );
}

#[test]
fn readable_wall_clock_form() {
    let s = Schedule::At {
        time: NaiveTime::from_hms_opt(8, 0, 0).expect("time"),
        zone: chrono_tz::America::New_York,
        days: DaySet::Named(vec![Weekday::Sat, Weekday::Sun]),
    };
    assert_eq!(
        serde_json::to_value(&s).expect("json"),
        json!({"kind": "at", "time": "08:00:00", "zone": "America/New_York", "days": {"named": ["Sat", "Sun"]}})
    );
}

#[test]
fn an_invalid_cron_string_is_rejected_on_deserialization() {
    let text = r#"{"kind":"cron","expr":"61 * * * *","zone":"UTC"}"#;
    let err = serde_json::from_str::<Schedule>(text).expect_err("bad minute");
    assert!(err.to_string().contains("minute field"), "{err}");
}

#[test]
fn error_types_round_trip() {
    let cron = CronError {
        field: Some(CronField::Hour),
        message: "m".into(),
    };
    let back: CronError =
        serde_json::from_str(&serde_json::to_string(&cron).expect("json")).expect("back");
    assert_eq!(back, cron);
    let list = DateListError {
        line: 3,
        message: "m".into(),
    };
    let back: DateListError =
        serde_json::from_str(&serde_json::to_string(&list).expect("json")).expect("back");
    assert_eq!(back, list);
}
