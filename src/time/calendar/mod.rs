//! Built-in exchange calendars and the calendar file format.
