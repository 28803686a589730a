//! Interval triggers: every N seconds while the market is in a span of states.
//!
//! The rules, per exchange-local date D whose date is in the day set:
//! * D's trading day (its local day, or from the evening before when D's
//!   session opens then; see `MarketHours`) is cut into segments of constant
//!   state; a state running across the day's edge is split there, so a window
//!   never leaves its day;
//! * the window runs from the start of the first `from` segment to the end of the
//!   last `to` segment of the day, end exclusive; no such pair, no window;
//! * ticks are `window start + k * interval` for k = 0, 1, 2, ... in real (UTC)
//!   time, so spacing is kept across a DST change inside the window;
//! * a tick fires only when the state at the tick lies in `from..=to` in the daily
//!   order PRE_OPEN < SESSION < BREAK < POST_CLOSE (HOLIDAY and OVERNIGHT first):
//!   a BREAK pauses a SESSION-only window, and ticks resume on the same grid.

use super::day_set::DaySet;
use super::dst::local_date;
use crate::time::market_state::{MarketClock, MarketState};
use crate::time::session::SessionCalendar;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

/// Bounds the walk over one day's transitions in case a clock misbehaves.
const MAX_TRANSITIONS_PER_DAY: usize = 256;

/// A stretch of constant market state, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Segment {
    pub state: MarketState,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// One day's interval window and the segments inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The segments clipped to the window, in order.
    pub segments: Vec<Segment>,
}

/// Whether a tick in `state` fires in a `from..=to` window.
pub(crate) fn state_fires(state: MarketState, from: MarketState, to: MarketState) -> bool {
    from <= state && state <= to
}

/// The segments of trading day `date`, clipped to the day.
pub(crate) fn day_segments(
    zone: Tz,
    date: NaiveDate,
    clock: &dyn MarketClock,
) -> Option<Vec<Segment>> {
    let (day_start, day_end) = clock.trading_day(zone, date)?;
    let mut segments = Vec::new();
    let mut state = clock.state_at(day_start);
    let mut start = day_start;
    for _ in 0..MAX_TRANSITIONS_PER_DAY {
        match clock.next_transition(start) {
            Some(t) if t.at > start && t.at < day_end => {
                segments.push(Segment {
                    state,
                    start,
                    end: t.at,
                });
                state = t.state;
                start = t.at;
            }
            _ => break,
        }
    }
    segments.push(Segment {
        state,
        start,
        end: day_end,
    });
    Some(segments)
}

/// The `from`..`to` window of exchange-local date `date`, if the day has one.
pub(crate) fn day_window(
    zone: Tz,
    date: NaiveDate,
    from: MarketState,
    to: MarketState,
    clock: &dyn MarketClock,
) -> Option<Window> {
    let segments = day_segments(zone, date, clock)?;
    let first = segments.iter().position(|s| s.state == from)?;
    let last = segments.iter().rposition(|s| s.state == to)?;
    if last < first {
        return None;
    }
    let inside = segments.get(first..=last)?.to_vec();
    Some(Window {
        start: inside.first()?.start,
        end: inside.last()?.end,
        segments: inside,
    })
}

/// The first tick of `window` strictly after `after` whose state fires.
fn next_tick_in(
    window: &Window,
    interval: Duration,
    from: MarketState,
    to: MarketState,
    after: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let step = interval.num_nanoseconds()?;
    for segment in &window.segments {
        if segment.end <= after || !state_fires(segment.state, from, to) {
            continue;
        }
        // First grid tick at or after the segment start and strictly after `after`.
        let lower = segment.start.max(after);
        let since_start = (lower - window.start).num_nanoseconds()?;
        let tick_at = |k: i64| {
            window
                .start
                .checked_add_signed(Duration::nanoseconds(k.checked_mul(step)?))
        };
        let mut k = since_start.div_euclid(step);
        let mut tick = tick_at(k)?;
        while tick < segment.start || tick <= after {
            k += 1;
            tick = tick_at(k)?;
        }
        if tick < segment.end {
            return Some(tick);
        }
    }
    None
}

/// Next tick strictly after `after`, considering exchange-local dates up to `last_date`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn next_every(
    interval_seconds: u64,
    from: MarketState,
    to: MarketState,
    days: &DaySet,
    after: DateTime<Utc>,
    last_date: NaiveDate,
    cal: &dyn SessionCalendar,
    clock: &dyn MarketClock,
) -> Option<DateTime<Utc>> {
    if interval_seconds == 0 || !state_fires(from, from, to) {
        return None;
    }
    let interval = Duration::try_seconds(i64::try_from(interval_seconds).ok()?)?;
    let zone = cal.tz();
    // Windows never leave their day, so earlier days cannot have a tick after `after`.
    local_date(zone, after)
        .iter_days()
        .take_while(|d| *d <= last_date)
        .filter(|d| days.contains(*d, cal))
        .find_map(|date| {
            let window = day_window(zone, date, from, to, clock)?;
            if window.end <= after {
                return None;
            }
            next_tick_in(&window, interval, from, to, after)
        })
}
