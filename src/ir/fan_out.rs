//! A fan-out (`for symbol in universe`): a task that runs once per item of a
//! list an upstream task wrote, its outputs gathered into one list.

use crate::span::Span;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FanOut {
    /// The key each instance finds its item under, in the context it reads.
    pub binding: String,
    /// The context key holding the list, then the fields into it:
    /// `universe` is `["universe"]`, `data.symbols` is `["data", "symbols"]`.
    pub over: Vec<String>,
    /// The key the instances' outputs are gathered under, in item order;
    /// `None` when the handler returns nothing.
    pub gather: Option<String>,
    /// The most instances running at once, besides the pipeline's concurrency.
    pub limit: Option<u32>,
    /// How many failed instances still let the task complete.
    pub max_failures: Tolerance,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tolerance {
    /// At most this many instances may fail.
    Count(u32),
    /// At most this share of the instances (0 to 100) may fail.
    Percent(u8),
}

impl Tolerance {
    /// Whether `failed` failed instances out of `total` are still tolerated.
    pub(crate) fn tolerates(self, failed: usize, total: usize) -> bool {
        match self {
            Tolerance::Count(n) => failed <= n as usize,
            // failed / total <= p / 100, in integers.
            Tolerance::Percent(p) => failed * 100 <= usize::from(p) * total,
        }
    }
}

impl std::fmt::Display for Tolerance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tolerance::Count(n) => write!(f, "{n}"),
            Tolerance::Percent(p) => write!(f, "{p}%"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Tolerance;

    #[test]
    fn a_tolerance_counts_or_takes_a_share() {
        assert!(Tolerance::Count(0).tolerates(0, 10));
        assert!(!Tolerance::Count(0).tolerates(1, 10));
        assert!(Tolerance::Count(2).tolerates(2, 3));
        assert!(!Tolerance::Count(2).tolerates(3, 3));
        assert!(Tolerance::Percent(10).tolerates(1, 10));
        assert!(!Tolerance::Percent(10).tolerates(2, 10));
        assert!(!Tolerance::Percent(10).tolerates(1, 9));
        assert!(Tolerance::Percent(100).tolerates(7, 7));
        assert!(Tolerance::Percent(0).tolerates(0, 0));
    }
}
