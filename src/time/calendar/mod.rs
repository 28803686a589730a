//! Built-in exchange calendars and the calendar file format.
//!
//! See `docs/calendars.md` for the calendars' hours history, holiday sources
//! and the file format.

mod builtin;
mod cmes;
mod crypto;
mod day_hours;
mod easter;
mod equinox;
mod euronext;
mod feasts;
mod file;
mod fx;
mod japan;
mod local;
mod lunar;
mod model;
mod rules;
mod table;
mod view;
mod xasx;
mod xbom;
mod xcse;
mod xetr;
mod xhel;
mod xhkg;
mod xjse;
mod xkrx;
mod xlon;
mod xmad;
mod xmil;
mod xnys;
mod xnze;
mod xosl;
mod xses;
mod xshg;
mod xsto;
mod xswx;
mod xtai;
mod xtks;
mod xtse;
mod xwbo;

pub use builtin::{builtin, BUILTIN_CODES};
pub use easter::easter_sunday;
pub use file::{parse_calendar_file, CalendarFileError};
pub use local::{local_to_utc, start_of_day};
pub use model::{Calendar, DayHours, DayOverride, ExtendedHours, HoursEra, WEEKEND_NAME};
pub use view::{
    month_view, range_view, valid_years_warning, DayKind, DayView, MonthView, RangeView,
};
