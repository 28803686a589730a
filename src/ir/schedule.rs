//! From a trigger and day conditions as written to the time module's
//! schedules and day sets.

use super::{At, DayCondition, DayRef, Program, Timing, Trigger};
use crate::time::schedule::{Anchor, CronExpr, DaySet, Schedule};

/// All conditions must hold; within one, any of its day sets.
pub(crate) fn day_set(conditions: &[DayCondition], program: &Program) -> DaySet {
    let mut all: Vec<DaySet> = conditions
        .iter()
        .map(|c| {
            let mut any: Vec<DaySet> = c.any_of.iter().map(|d| day_ref(d, program)).collect();
            let set = if any.len() == 1 {
                any.remove(0)
            } else {
                DaySet::AnyOf(any)
            };
            if c.negated {
                DaySet::Not(Box::new(set))
            } else {
                set
            }
        })
        .collect();
    match all.len() {
        0 => DaySet::Every,
        1 => all.remove(0),
        _ => DaySet::AllOf(all),
    }
}

fn day_ref(day: &DayRef, program: &Program) -> DaySet {
    match day {
        DayRef::EveryDay => DaySet::Every,
        DayRef::Weekdays => DaySet::Weekdays,
        DayRef::TradingDays => DaySet::TradingDays,
        DayRef::MarketClosed => DaySet::Not(Box::new(DaySet::TradingDays)),
        DayRef::Weekday(w) => DaySet::Named(vec![*w]),
        DayRef::FirstTradingDayOfMonth => DaySet::FirstTradingDayOfMonth,
        DayRef::LastTradingDayOfMonth => DaySet::LastTradingDayOfMonth,
        DayRef::FirstTradingDayOfWeek => DaySet::FirstTradingDayOfWeek,
        DayRef::LastTradingDayOfWeek => DaySet::LastTradingDayOfWeek,
        DayRef::MonthlyOpex => DaySet::MonthlyExpiration,
        DayRef::TripleWitching => DaySet::QuarterlyExpiration,
        DayRef::Listed(id) => DaySet::Dates(program.day_set(*id).dates.iter().copied().collect()),
    }
}

impl Trigger {
    /// The trigger as a schedule. `None` only if the IR was not produced by the
    /// checker (which validates zones and cron expressions).
    pub(crate) fn schedule(&self, program: &Program) -> Option<Schedule> {
        let days = day_set(&self.days, program);
        let zone = self.zone;
        Some(match &self.timing {
            Timing::At(At::Clock { time }) => Schedule::At {
                time: *time,
                zone,
                days,
            },
            Timing::At(At::Open { offset_millis }) => Schedule::SessionRelative {
                anchor: Anchor::Open,
                offset: offset_millis / 1000,
                days,
            },
            Timing::At(At::Close { offset_millis }) => Schedule::SessionRelative {
                anchor: Anchor::Close,
                offset: offset_millis / 1000,
                days,
            },
            Timing::Every {
                interval_millis,
                from,
                to,
            } => Schedule::Every {
                interval: interval_millis / 1000,
                from: *from,
                to: *to,
                days,
            },
            Timing::Cron { expr } => Schedule::Cron {
                expr: CronExpr::parse(expr).ok()?,
                zone,
            },
        })
    }
}
