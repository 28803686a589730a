//! Data freshness: each declared `source` is green, yellow or red by the age of
//! its data, measured from its producer's last success (the freshness marks in
//! the state store). Ages in `sessions` count the trading sessions of the
//! pipeline's calendar that closed since, so end-of-day data does not go red
//! over a weekend or a holiday.

mod sessions;
mod stale;

pub use stale::StaleOnly;

use crate::ir::{Age, Market, MarketError, Program};
use crate::store::{parse_stamp, Store, StoreError};
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
}

/// Every source of the program's pipelines (or of `only`), as of `now`.
pub fn assess(
    program: &Program,
    store: &Store,
    only: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<SourceHealth>, HealthError> {
    let mut out = Vec::new();
    for p in &program.pipelines {
        if only.is_some_and(|o| o != p.name) || p.sources.is_empty() {
            continue;
        }
        let market = Market::load(p, None).map_err(HealthError::Market)?;
        for s in &p.sources {
            let produced_at = store
                .last_produced(&p.name, &s.name)
                .map_err(|e: StoreError| HealthError::Store(e.context(store.path())))?
                .as_deref()
                .and_then(parse_stamp);
            let age_millis = produced_at.map(|t| (now - t).num_milliseconds().max(0));
            let needs_sessions =
                matches!(s.green, Age::Sessions(_)) || matches!(s.yellow, Age::Sessions(_));
            let age_sessions = match produced_at {
                Some(t) if needs_sessions => {
                    let cap = match (s.green, s.yellow) {
                        (_, Age::Sessions(y)) => y.saturating_add(1),
                        (Age::Sessions(g), _) => g.saturating_add(1),
                        _ => 0,
                    };
                    Some(market.with_clock(|cal, _| sessions::closed_between(cal, t, now, cap)))
                }
                _ => None,
            };
            let within = |age: Age| match age {
                Age::Millis(m) => {
                    age_millis.is_some_and(|a| a <= i64::try_from(m).unwrap_or(i64::MAX))
                }
                Age::Sessions(n) => age_sessions.is_some_and(|a| a <= n),
            };
            let level = if produced_at.is_none() {
                Level::Red
            } else if within(s.green) {
                Level::Green
            } else if within(s.yellow) {
                Level::Yellow
            } else {
                Level::Red
            };
            out.push(SourceHealth {
                pipeline: p.name.clone(),
                source: s.name.clone(),
                producer: p.task(s.producer).name.clone(),
                level,
                produced_at,
                age_millis,
                age_sessions,
                green: describe(s.green),
                yellow: describe(s.yellow),
            });
        }
    }
    Ok(out)
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
