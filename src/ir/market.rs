//! The market a pipeline or trigger follows, made ready for the time module:
//! its calendar loaded (built in or from a file) and its windows applied.

use super::{CalendarChoice, Pipeline};
use crate::time::calendar::{self, Calendar, ExtendedHours};
use crate::time::market_state::{MarketClock, MarketHours};
use crate::time::session::{NoExchange, SessionCalendar};

pub struct Market {
    calendar: Option<Calendar>,
    windows: Option<ExtendedHours>,
}

impl Market {
    /// The market of `pipeline`, or of the built-in calendar `code` when a
    /// trigger names its own.
    pub fn load(pipeline: &Pipeline, code: Option<&str>) -> Result<Market, String> {
        let calendar = match (code, &pipeline.calendar) {
            (Some(code), _) => Some(load_builtin(code)?),
            (None, Some(CalendarChoice::Builtin(code))) => Some(load_builtin(code)?),
            (None, Some(CalendarChoice::File(path))) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read calendar file `{}`: {e}", path.display()))?;
                let parsed = calendar::parse_calendar_file(&text).map_err(|errors| {
                    let first = errors.first().map_or_else(String::new, ToString::to_string);
                    format!("calendar file `{}` is invalid: {first}", path.display())
                })?;
                Some(parsed)
            }
            (None, None) => None,
        };
        let windows = calendar.as_ref().map(|c| {
            let defaults = c.extended_hours();
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

    pub fn calendar(&self) -> Option<&Calendar> {
        self.calendar.as_ref()
    }

    /// Runs `f` with the calendar and market-state clock the time module needs.
    pub fn with_clock<R>(&self, f: impl FnOnce(&dyn SessionCalendar, &dyn MarketClock) -> R) -> R {
        match (&self.calendar, self.windows) {
            (Some(calendar), Some(windows)) => {
                f(calendar, &MarketHours::with_windows(calendar, windows))
            }
            (Some(calendar), None) => f(calendar, &MarketHours::new(calendar)),
            (None, _) => f(&NoExchange, &NoExchange),
        }
    }
}

fn load_builtin(code: &str) -> Result<Calendar, String> {
    calendar::builtin(code)
        .cloned()
        .ok_or_else(|| format!("unknown calendar `{code}`"))
}
