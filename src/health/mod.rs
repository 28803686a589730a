//! Data freshness: each declared `source` is green, yellow or red by the age of
//! its data, measured from its producer's last success (the freshness marks in
//! the state store). A shared source (declared at top level) is judged once,
//! from its latest production by any pipeline; a pipeline's own source from its
//! producer in that pipeline. Ages in `sessions` count the trading sessions of
//! the shared source's calendar, or of the pipeline's, that closed since, so
//! end-of-day data does not go red over a weekend or a holiday.

mod sessions;
mod stale;

pub use stale::StaleOnly;

use crate::ir::{Age, Market, MarketError, Program};
use crate::store::{parse_stamp, Store, StoreError};
use crate::time::session::{NoExchange, SessionCalendar};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Green,
    Yellow,
    Red,
}

impl std::str::FromStr for Level {
    type Err = String;

    fn from_str(text: &str) -> Result<Level, String> {
        Level::ALL
            .into_iter()
            .find(|l| l.label() == text)
            .ok_or_else(|| format!("`{text}` is not green, yellow or red"))
    }
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Green, Level::Yellow, Level::Red];

    pub fn label(self) -> &'static str {
        match self {
            Level::Green => "green",
            Level::Yellow => "yellow",
            Level::Red => "red",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceHealth {
    /// The pipeline whose producer it is; for a shared source, the one that
    /// produced it last (or, never produced, the first that produces it).
    pub pipeline: String,
    pub source: String,
    pub producer: String,
    pub level: Level,
    /// When the producer last succeeded; `None`: never (red).
    pub produced_at: Option<DateTime<Utc>>,
    /// Milliseconds since `produced_at`.
    pub age_millis: Option<i64>,
    /// Sessions closed since `produced_at` (for thresholds in sessions).
    pub age_sessions: Option<u32>,
    /// The thresholds as written: `5m`, `2 sessions`.
    pub green: String,
    pub yellow: String,
    /// Declared at top level: judged once for the program.
    pub shared: bool,
}

/// Every source of the program (or those `only` produces), as of `now`: each
/// shared source once, judged from its latest production by any pipeline in
/// the store (its `pipeline` and `producer` say which last produced it), then
/// each pipeline's own sources.
pub fn assess(
    program: &Program,
    store: &Store,
    only: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<SourceHealth>, HealthError> {
    let store_error = |e: StoreError| HealthError::Store(e.context(store.path()));
    let mut out = Vec::new();
    for shared in &program.sources {
        // The pipelines of this program that produce it, with the task.
        let producers: Vec<(&str, &str)> = program
            .pipelines
            .iter()
            .flat_map(|p| {
                p.sources
                    .iter()
                    .filter(|s| s.shared && s.name == shared.name)
                    .map(move |s| (p.name.as_str(), p.task(s.producer).name.as_str()))
            })
            .collect();
        if only.is_some_and(|o| !producers.iter().any(|(p, _)| *p == o)) {
            continue;
        }
        let latest = store
            .last_produced_anywhere(&shared.name)
            .map_err(store_error)?;
        let (pipeline, producer, produced_at) = match latest {
            Some((pipeline, producer, at)) => (pipeline, producer, parse_stamp(&at)),
            None => {
                let (p, t) = producers.first().copied().unwrap_or_default();
                (p.to_string(), t.to_string(), None)
            }
        };
        let calendar: &dyn SessionCalendar = match shared.calendar.as_deref() {
            Some(code) => crate::time::calendar::builtin(code)
                .ok_or_else(|| HealthError::Market(MarketError::UnknownCalendar(code.into())))?,
            None => &NoExchange,
        };
        let judged = judge(produced_at, shared.green, shared.yellow, calendar, now);
        out.push(SourceHealth {
            pipeline,
            source: shared.name.clone(),
            producer,
            level: judged.level,
            produced_at,
            age_millis: judged.age_millis,
            age_sessions: judged.age_sessions,
            green: describe(shared.green),
            yellow: describe(shared.yellow),
            shared: true,
        });
    }
    for p in &program.pipelines {
        if only.is_some_and(|o| o != p.name) || !p.sources.iter().any(|s| !s.shared) {
            continue;
        }
        let market = Market::load(p, None).map_err(HealthError::Market)?;
        for s in p.sources.iter().filter(|s| !s.shared) {
            let produced_at = store
                .last_produced(&p.name, &s.name)
                .map_err(store_error)?
                .as_deref()
                .and_then(parse_stamp);
            let judged =
                market.with_clock(|cal, _| judge(produced_at, s.green, s.yellow, cal, now));
            out.push(SourceHealth {
                pipeline: p.name.clone(),
                source: s.name.clone(),
                producer: p.task(s.producer).name.clone(),
                level: judged.level,
                produced_at,
                age_millis: judged.age_millis,
                age_sessions: judged.age_sessions,
                green: describe(s.green),
                yellow: describe(s.yellow),
                shared: false,
            });
        }
    }
    Ok(out)
}

struct Judged {
    level: Level,
    age_millis: Option<i64>,
    age_sessions: Option<u32>,
}

/// A source's level from when it was last produced: ages in sessions count
/// the sessions of `calendar` that closed since.
fn judge(
    produced_at: Option<DateTime<Utc>>,
    green: Age,
    yellow: Age,
    calendar: &dyn SessionCalendar,
    now: DateTime<Utc>,
) -> Judged {
    let age_millis = produced_at.map(|t| (now - t).num_milliseconds().max(0));
    let needs_sessions = matches!(green, Age::Sessions(_)) || matches!(yellow, Age::Sessions(_));
    let age_sessions = match produced_at {
        Some(t) if needs_sessions => {
            let cap = match (green, yellow) {
                (_, Age::Sessions(y)) => y.saturating_add(1),
                (Age::Sessions(g), _) => g.saturating_add(1),
                _ => 0,
            };
            Some(sessions::closed_between(calendar, t, now, cap))
        }
        _ => None,
    };
    let within = |age: Age| match age {
        Age::Millis(m) => age_millis.is_some_and(|a| a <= i64::try_from(m).unwrap_or(i64::MAX)),
        Age::Sessions(n) => age_sessions.is_some_and(|a| a <= n),
    };
    let level = if produced_at.is_none() {
        Level::Red
    } else if within(green) {
        Level::Green
    } else if within(yellow) {
        Level::Yellow
    } else {
        Level::Red
    };
    Judged {
        level,
        age_millis,
        age_sessions,
    }
}

pub(crate) fn describe(age: Age) -> String {
    match age {
        Age::Sessions(1) => "1 session".into(),
        Age::Sessions(n) => format!("{n} sessions"),
        Age::Millis(m) => human_millis(m),
    }
}

/// An age or threshold as `.pipe` files write durations, to the second
/// (`5m12s`); under a second, in milliseconds.
pub fn human_millis(m: u64) -> String {
    let whole_seconds = if m >= 1000 { m / 1000 * 1000 } else { m };
    crate::syntax::format_duration(whole_seconds)
}

/// Why freshness could not be judged.
#[derive(Debug)]
pub enum HealthError {
    Market(MarketError),
    Store(StoreError),
}

impl std::fmt::Display for HealthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HealthError::Market(e) => write!(f, "{e}"),
            HealthError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for HealthError {}
