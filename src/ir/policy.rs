//! What the interpreter does when a task fails.

use serde::{Deserialize, Serialize};

/// Every task holds one, so the rare big values are boxed: inline, a JSON
/// value (72 bytes with `preserve_order`) and a backoff would make every
/// task's policy three times as big.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    Abort,
    Fail,
    Warn,
    Skip,
    Default {
        value: Box<serde_json::Value>,
    },
    Retry {
        /// Attempts after the first.
        retries: u32,
        backoff: Box<Backoff>,
        then: Box<Policy>,
    },
}

/// What decides a failed task once its retries are used up: a policy that is
/// not `retry`. Its own type, so every match over it is exhaustive without an
/// arm for a retry that cannot happen there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Terminal<'a> {
    Abort,
    Fail,
    Warn,
    Skip,
    Default(&'a serde_json::Value),
}

impl Policy {
    /// The policy that applies once retries are used up.
    pub(crate) fn terminal(&self) -> Terminal<'_> {
        match self {
            Policy::Abort => Terminal::Abort,
            Policy::Fail => Terminal::Fail,
            Policy::Warn => Terminal::Warn,
            Policy::Skip => Terminal::Skip,
            Policy::Default { value } => Terminal::Default(value),
            Policy::Retry { then, .. } => then.terminal(),
        }
    }

    /// Attempts after the first.
    pub(crate) fn retries(&self) -> u32 {
        match self {
            Policy::Retry { retries, .. } => *retries,
            Policy::Abort | Policy::Fail | Policy::Warn | Policy::Skip | Policy::Default { .. } => {
                0
            }
        }
    }

    pub(crate) fn name(&self) -> &'static str {
        match self {
            Policy::Abort => "abort",
            Policy::Fail => "fail",
            Policy::Warn => "warn",
            Policy::Skip => "skip",
            Policy::Default { .. } => "default",
            Policy::Retry { .. } => "retry",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backoff {
    /// Waits in order; the last repeats.
    Fixed { millis: Vec<u64> },
    /// `base * 2^(n-1)`, capped; with jitter each wait is drawn from [half, all].
    Exponential {
        base_millis: u64,
        max_millis: u64,
        jitter: bool,
    },
}

impl Backoff {
    /// The wait before retry number `retry` (1-based), before any jitter.
    pub(crate) fn wait_millis(&self, retry: u32) -> u64 {
        match self {
            Backoff::Fixed { millis } => {
                let i = (retry.max(1) as usize - 1).min(millis.len().saturating_sub(1));
                millis.get(i).copied().unwrap_or(0)
            }
            Backoff::Exponential {
                base_millis,
                max_millis,
                ..
            } => {
                let factor = 1u64
                    .checked_shl(retry.saturating_sub(1))
                    .unwrap_or(u64::MAX);
                base_millis.saturating_mul(factor).min(*max_millis)
            }
        }
    }
}
