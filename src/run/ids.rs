//! Run, trace and span identifiers.

use chrono::{DateTime, Utc};

/// Sortable by start time, unique enough for one machine: `20261122T040110Z-3f9a1c`.
pub(crate) fn run_id(now: DateTime<Utc>) -> String {
    format!(
        "{}-{:06x}",
        now.format("%Y%m%dT%H%M%SZ"),
        fastrand::u32(..0x0100_0000)
    )
}

/// Is `id` one [`run_id`] makes? Run ids name folders: one read back from a
/// store is checked before it becomes a path (a damaged or hostile store must
/// not name `../../somewhere`).
pub(crate) fn is_run_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() == 23
        && bytes[..8].iter().all(u8::is_ascii_digit)
        && bytes[8] == b'T'
        && bytes[9..15].iter().all(u8::is_ascii_digit)
        && bytes[15] == b'Z'
        && bytes[16] == b'-'
        && bytes[17..]
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
}

/// 16 random bytes in hex, as W3C trace context writes a trace id.
pub(crate) fn trace_id() -> String {
    format!("{:032x}", fastrand::u128(1..))
}

/// 8 random bytes in hex: one per attempt (and one for the run itself).
pub(crate) fn span_id() -> String {
    format!("{:016x}", fastrand::u64(1..))
}
