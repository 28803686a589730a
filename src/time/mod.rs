//! Market time: exchange calendars, market states and trigger firing times.
//!
//! This module has no dependency on the `.pipe` language: the compiler and the
//! interpreter call into it, never the other way round.
