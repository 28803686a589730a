//! `requires`: a task runs only while its pipeline's market is in one of the
//! states it requires, judged on the run's clock when the task becomes ready.
//! Out of those states it is skipped (never, say, an order sent after the
//! close), unless its `requires … wait D` lets it wait up to D for one of
//! them to begin. `pipec run` and the daemon apply the same rule; only
//! `RunOptions::ignore_market_state` (`--ignore-market-state`) lifts it.

use super::gate::duration_text;
use crate::ir::{Market, MarketError, Task};
use crate::time::market_state::{MarketClock, MarketState};
use crate::time::session::SessionCalendar;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// What the rule says of a ready task.
pub(crate) enum Verdict {
    Run,
    /// Wait this long: one of the required states begins then.
    Wait(Duration),
    /// Skip it, for this reason.
    Skip(String),
}

pub(crate) fn judge(
    market: &Result<Market, MarketError>,
    task: &Task,
    now: DateTime<Utc>,
) -> Verdict {
    if task.requires.is_empty() {
        return Verdict::Run;
    }
    let market = match market {
        Ok(market) => market,
        Err(e) => {
            return Verdict::Skip(format!(
                "requires {}, but the market state cannot be known: {e}",
                names(&task.requires)
            ))
        }
    };
    market.with_clock(|calendar, clock| {
        let state = clock.state_at(now);
        if task.requires.contains(&state) {
            return Verdict::Run;
        }
        let wait = chrono::Duration::milliseconds(
            i64::try_from(task.requires_wait_millis).unwrap_or(i64::MAX),
        );
        if let Some(begins) = entered_within(clock, &task.requires, now, wait) {
            let millis = (begins - now).num_milliseconds().max(0);
            return Verdict::Wait(Duration::from_millis(u64::try_from(millis).unwrap_or(0)));
        }
        let waited = if task.requires_wait_millis > 0 {
            format!(
                ", and the market does not enter {} within its wait of {}",
                names(&task.requires),
                duration_text(wait.num_milliseconds())
            )
        } else {
            String::new()
        };
        Verdict::Skip(format!(
            "market {} is {state} at {}; the task requires {}{waited}",
            market_name(calendar),
            local(calendar, now),
            names(&task.requires)
        ))
    })
}

/// When one of `states` begins within `wait` after `now`, if it does.
fn entered_within(
    clock: &dyn MarketClock,
    states: &[MarketState],
    now: DateTime<Utc>,
    wait: chrono::Duration,
) -> Option<DateTime<Utc>> {
    if wait <= chrono::Duration::zero() {
        return None;
    }
    let until = now + wait;
    let mut at = now;
    while let Some(next) = clock.next_transition(at) {
        if next.at > until {
            return None;
        }
        if states.contains(&next.state) {
            return Some(next.at);
        }
        at = next.at;
    }
    None
}

fn market_name(calendar: &dyn SessionCalendar) -> String {
    match calendar.code() {
        "NONE" => "(none: the pipeline has no calendar)".to_string(),
        code => code.to_string(),
    }
}

/// `05:00 EST (2026-11-30T10:00:00Z)`: the market's time first.
fn local(calendar: &dyn SessionCalendar, now: DateTime<Utc>) -> String {
    let here = now.with_timezone(&calendar.tz());
    format!(
        "{} ({})",
        here.format("%Y-%m-%d %H:%M %Z"),
        now.format("%Y-%m-%dT%H:%M:%SZ")
    )
}

fn names(states: &[MarketState]) -> String {
    states
        .iter()
        .map(|s| s.name())
        .collect::<Vec<_>>()
        .join(" or ")
}
