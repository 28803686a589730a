//! When a pipeline runs, as written in its triggers, with names bound.

use super::{DaySetId, StageId};
use crate::span::Span;
use crate::time::market_state::MarketState;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Trigger {
    pub name: String,
    pub timing: Timing,
    /// The IANA zone wall-clock times and cron fields are read in.
    pub zone: chrono_tz::Tz,
    /// The calendar whose sessions and states the trigger follows.
    pub calendar: Option<String>,
    /// The firing day must satisfy every condition.
    pub days: Vec<DayCondition>,
    /// The stages a firing runs, in pipeline order.
    pub stages: Vec<StageId>,
    pub missed: Missed,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    At(At),
    Every {
        interval_millis: u64,
        from: MarketState,
        to: MarketState,
    },
    Cron {
        expr: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum At {
    Clock { time: chrono::NaiveTime },
    Open { offset_millis: i64 },
    Close { offset_millis: i64 },
}

/// A set of days; `any_of` in a trigger's `on` list, all conditions in `when`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCondition {
    /// The day must be in at least one of these.
    pub any_of: Vec<DayRef>,
    pub negated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayRef {
    EveryDay,
    Weekdays,
    TradingDays,
    MarketClosed,
    Weekday(chrono::Weekday),
    FirstTradingDayOfMonth,
    LastTradingDayOfMonth,
    FirstTradingDayOfWeek,
    LastTradingDayOfWeek,
    MonthlyOpex,
    TripleWitching,
    Listed(DaySetId),
}

impl DayRef {
    pub(crate) const BUILTIN: [(&'static str, DayRef); 17] = [
        ("every_day", DayRef::EveryDay),
        ("weekdays", DayRef::Weekdays),
        ("trading_days", DayRef::TradingDays),
        ("market_closed", DayRef::MarketClosed),
        ("monday", DayRef::Weekday(chrono::Weekday::Mon)),
        ("tuesday", DayRef::Weekday(chrono::Weekday::Tue)),
        ("wednesday", DayRef::Weekday(chrono::Weekday::Wed)),
        ("thursday", DayRef::Weekday(chrono::Weekday::Thu)),
        ("friday", DayRef::Weekday(chrono::Weekday::Fri)),
        ("saturday", DayRef::Weekday(chrono::Weekday::Sat)),
        ("sunday", DayRef::Weekday(chrono::Weekday::Sun)),
        ("first_trading_day_of_month", DayRef::FirstTradingDayOfMonth),
        ("last_trading_day_of_month", DayRef::LastTradingDayOfMonth),
        ("first_trading_day_of_week", DayRef::FirstTradingDayOfWeek),
        ("last_trading_day_of_week", DayRef::LastTradingDayOfWeek),
        ("monthly_opex", DayRef::MonthlyOpex),
        ("triple_witching", DayRef::TripleWitching),
    ];

    pub(crate) fn builtin(name: &str) -> Option<DayRef> {
        DayRef::BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| d.clone())
    }

    /// Whether the set depends on an exchange's sessions.
    pub(crate) fn needs_calendar(&self) -> bool {
        !matches!(
            self,
            DayRef::EveryDay | DayRef::Weekdays | DayRef::Weekday(_) | DayRef::Listed(_)
        )
    }

    pub(crate) fn builtin_names() -> impl Iterator<Item = &'static str> {
        DayRef::BUILTIN.iter().map(|(n, _)| *n)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missed {
    Skip,
    RunLate { within_millis: u64 },
}
