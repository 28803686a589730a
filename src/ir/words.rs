//! How the IR's values are written in `.pipe` syntax: a trigger's timing, a
//! day condition, a duration. The drawing (`graph::label`) and the public IR
//! both use these words, so they cannot drift apart.

use super::{At, DayCondition, DayRef, Program, Timing};

/// Milliseconds written the way `.pipe` files write durations: `1m30s`.
pub fn duration(millis: u64) -> String {
    crate::syntax::format_duration(millis)
}

/// `at 10:00`, `at close + 30m`, `every 15m during SESSION`, `cron "…"`.
pub(crate) fn timing(timing: &Timing) -> String {
    match timing {
        Timing::At(At::Clock { time }) => {
            let text = time.format("%H:%M:%S").to_string();
            format!("at {}", text.strip_suffix(":00").unwrap_or(&text))
        }
        Timing::At(At::Open { offset_millis }) => format!("at open{}", offset(*offset_millis)),
        Timing::At(At::Close { offset_millis }) => format!("at close{}", offset(*offset_millis)),
        Timing::Every {
            interval_millis,
            from,
            to,
        } if from == to => {
            format!("every {} during {from}", duration(*interval_millis))
        }
        Timing::Every {
            interval_millis,
            from,
            to,
        } => {
            format!("every {} from {from} to {to}", duration(*interval_millis))
        }
        Timing::Cron { expr } => format!("cron \"{expr}\""),
    }
}

fn offset(millis: i64) -> String {
    match millis {
        0 => String::new(),
        m if m > 0 => format!(" + {}", duration(m.unsigned_abs())),
        m => format!(" - {}", duration(m.unsigned_abs())),
    }
}

pub(crate) fn day_condition(program: &Program, condition: &DayCondition) -> String {
    let names: Vec<String> = condition
        .any_of
        .iter()
        .map(|d| day_ref(program, d))
        .collect();
    let text = names.join(" or ");
    if condition.negated {
        format!("not {text}")
    } else {
        text
    }
}

fn day_ref(program: &Program, day: &DayRef) -> String {
    if let DayRef::Listed(id) = day {
        return program
            .day_sets
            .get(id.0 as usize)
            .map_or_else(|| "?".to_string(), |d| d.name.clone());
    }
    DayRef::BUILTIN
        .iter()
        .find(|(_, d)| d == day)
        .map_or_else(|| "?".to_string(), |(name, _)| (*name).to_string())
}
