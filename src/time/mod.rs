//! Market time: exchange calendars, market states and trigger firing times.
//!
//! This module has no dependency on the `.pipe` language: the compiler and the
//! interpreter call into it, never the other way round.

pub mod calendar;
pub mod market_state;
pub mod schedule;
pub mod session;
