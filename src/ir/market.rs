//! The market a pipeline or trigger follows, made ready for the time module:
//! its calendar loaded (built in or from a file) and its windows applied.

use super::{CalendarChoice, MarketError, Pipeline};
use crate::time::calendar::{self, Calendar, ExtendedHours};
use crate::time::market_state::{MarketClock, MarketHours};
use crate::time::session::{NoExchange, SessionCalendar};
use std::sync::Arc;

pub(crate) struct Market {
    calendar: Option<Shared>,
    windows: Option<ExtendedHours>,
}

/// A calendar without copying it: the built-in ones are static, a file's
/// was parsed once by the checker.
enum Shared {
    Builtin(&'static Calendar),
    File(Arc<Calendar>),
}

impl Shared {
    fn get(&self) -> &Calendar {
        match self {
            Shared::Builtin(c) => c,
            Shared::File(c) => c,
        }
    }
}

impl Market {
    /// The market of `pipeline`, or of the built-in calendar `code` when a
    /// trigger names its own. Reads no file: a calendar file was loaded by
    /// the checker (an IR not made by the checker has none, and is refused).
    pub(crate) fn load(pipeline: &Pipeline, code: Option<&str>) -> Result<Market, MarketError> {
        let calendar = match (code, &pipeline.calendar) {
            (Some(code), _) => Some(Shared::Builtin(load_builtin(code)?)),
            (None, Some(CalendarChoice::Builtin(code))) => {
                Some(Shared::Builtin(load_builtin(code)?))
            }
            (None, Some(CalendarChoice::File(path))) => match &pipeline.file_calendar {
                Some(calendar) => Some(Shared::File(calendar.clone())),
                None => return Err(MarketError::FileNotLoaded(path.clone())),
            },
            (None, None) => None,
        };
        let windows = calendar.as_ref().map(|c| {
            let defaults = c.get().extended_hours();
            let millis =
                |m: u64| chrono::Duration::milliseconds(i64::try_from(m).unwrap_or(i64::MAX));
            ExtendedHours {
                pre_open: pipeline.pre_open_millis.map_or(defaults.pre_open, millis),
                post_close: pipeline
                    .post_close_millis
                    .map_or(defaults.post_close, millis),
            }
        });
        Ok(Market { calendar, windows })
    }

    pub(crate) fn calendar(&self) -> Option<&Calendar> {
        self.calendar.as_ref().map(Shared::get)
    }

    /// Runs `f` with the calendar and market-state clock the time module needs.
    pub(crate) fn with_clock<R>(
        &self,
        f: impl FnOnce(&dyn SessionCalendar, &dyn MarketClock) -> R,
    ) -> R {
        match (self.calendar.as_ref().map(Shared::get), self.windows) {
            (Some(calendar), Some(windows)) => {
                f(calendar, &MarketHours::with_windows(calendar, windows))
            }
            (Some(calendar), None) => f(calendar, &MarketHours::new(calendar)),
            (None, _) => f(&NoExchange, &NoExchange),
        }
    }
}

fn load_builtin(code: &str) -> Result<&'static Calendar, MarketError> {
    calendar::builtin(code).ok_or_else(|| MarketError::UnknownCalendar(code.to_string()))
}
