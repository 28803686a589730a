//! Trigger schedules: times of day, session-relative times, intervals, cron and day sets.
