//! Run, trace and span identifiers.

use chrono::{DateTime, Utc};

/// Sortable by start time, unique enough for one machine: `20261122T040110Z-3f9a1c`.
pub fn run_id(now: DateTime<Utc>) -> String {
    format!(
        "{}-{:06x}",
        now.format("%Y%m%dT%H%M%SZ"),
        fastrand::u32(..0x0100_0000)
    )
}

/// 16 random bytes in hex, as W3C trace context writes a trace id.
pub fn trace_id() -> String {
    format!("{:032x}", fastrand::u128(1..))
}

/// 8 random bytes in hex: one per attempt (and one for the run itself).
pub fn span_id() -> String {
    format!("{:016x}", fastrand::u64(1..))
}
