//! The market-state machine: HOLIDAY, OVERNIGHT, PRE_OPEN, SESSION, BREAK, POST_CLOSE.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a market is doing at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MarketState {
    Holiday,
    Overnight,
    PreOpen,
    Session,
    Break,
    PostClose,
}

impl MarketState {
    pub const ALL: [MarketState; 6] = [
        MarketState::Holiday,
        MarketState::Overnight,
        MarketState::PreOpen,
        MarketState::Session,
        MarketState::Break,
        MarketState::PostClose,
    ];

    /// The name used in `.pipe` files and in output, e.g. `PRE_OPEN`.
    pub fn name(self) -> &'static str {
        match self {
            MarketState::Holiday => "HOLIDAY",
            MarketState::Overnight => "OVERNIGHT",
            MarketState::PreOpen => "PRE_OPEN",
            MarketState::Session => "SESSION",
            MarketState::Break => "BREAK",
            MarketState::PostClose => "POST_CLOSE",
        }
    }

    pub fn from_name(name: &str) -> Option<MarketState> {
        MarketState::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl fmt::Display for MarketState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A change of state: the state entered and the instant it is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Transition {
    pub state: MarketState,
    pub at: DateTime<Utc>,
}

/// What a schedule needs of a market's state machine.
pub trait MarketClock {
    /// The state at `instant`.
    fn state_at(&self, instant: DateTime<Utc>) -> MarketState;
    /// The first change of state strictly after `instant`, if the calendar knows one.
    fn next_transition(&self, instant: DateTime<Utc>) -> Option<Transition>;
}
