//! `pipec calendar`: a month of an exchange's sessions, or its market state.

use super::{exit, when, Format};
use chrono::{Datelike, Utc};
use pipec::clock::{Clock, SystemClock};
use pipec::time::calendar::{self, month_view, Calendar};
use pipec::time::market_state::{follow_the_sun, MarketClock, MarketHours};
use pipec::time::session::SessionCalendar;
use serde::Serialize;
use std::path::Path;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// A built-in calendar code (XNYS, XNAS, XLON, XETR, XTKS, XHKG) or a calendar file.
    #[arg(required_unless_present = "all_markets")]
    calendar: Option<String>,
    /// The month to show, `2026-11` (default: this month).
    month: Option<String>,
    /// Show the market state at this time (`now`, `2026-11-20T09:31`, RFC 3339) and the next transition.
    #[arg(long)]
    state: Option<String>,
    /// With `--state`: every built-in market at that instant ("follow the sun").
    #[arg(long)]
    all_markets: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub(super) fn run(args: &Args) -> u8 {
    match execute(args) {
        Ok(text) => {
            print!("{text}");
            exit::OK
        }
        Err(message) => {
            eprintln!("error: {message}");
            exit::USAGE
        }
    }
}

fn execute(args: &Args) -> Result<String, String> {
    let now = SystemClock.now();
    if args.all_markets {
        let at = when::parse_instant(args.state.as_deref().unwrap_or("now"), chrono_tz::UTC, now)?;
        let snapshots = follow_the_sun(at);
        return match args.format {
            Format::Json => to_json(&snapshots),
            Format::Table => {
                let mut table = super::table::Table::new(&["MARKET", "STATE", "NEXT", "AT (UTC)"]);
                for s in &snapshots {
                    let (next, next_at) =
                        s.next.map_or((String::from("-"), String::from("-")), |t| {
                            (
                                t.state.to_string(),
                                t.at.format("%Y-%m-%d %H:%M").to_string(),
                            )
                        });
                    table.row(vec![
                        format!("{} {}", s.code, s.name),
                        s.state.to_string(),
                        next,
                        next_at,
                    ]);
                }
                Ok(format!(
                    "{} UTC\n{}",
                    at.format("%Y-%m-%d %H:%M:%S"),
                    table.render()
                ))
            }
        };
    }
    let code = args.calendar.as_deref().unwrap_or_default();
    let cal = load(code)?;
    if let Some(state) = &args.state {
        let at = when::parse_instant(state, cal.tz(), now)?;
        return state_view(&cal, at, args.format);
    }
    let (year, month) = match &args.month {
        Some(m) => when::parse_month(m)?,
        None => {
            let today = now.with_timezone(&cal.tz()).date_naive();
            (today.year(), today.month())
        }
    };
    let view = month_view(&cal, year, month);
    match args.format {
        Format::Json => to_json(&view),
        Format::Table => Ok(view.to_string()),
    }
}

fn load(code: &str) -> Result<Calendar, String> {
    if let Some(builtin) = calendar::builtin(code) {
        return Ok(builtin.clone());
    }
    let path = Path::new(code);
    if !path.exists() {
        return Err(format!(
            "unknown calendar `{code}`: built-in calendars are {}, or give a calendar file",
            calendar::BUILTIN_CODES.join(", ")
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read `{code}`: {e}"))?;
    calendar::parse_calendar_file(&text).map_err(|errors| {
        errors
            .iter()
            .map(|e| format!("{code}:{e}"))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

#[derive(Serialize)]
struct StateView {
    calendar: String,
    at: chrono::DateTime<Utc>,
    local: String,
    state: pipec::time::market_state::MarketState,
    next: Option<pipec::time::market_state::Transition>,
}

fn state_view(cal: &Calendar, at: chrono::DateTime<Utc>, format: Format) -> Result<String, String> {
    let clock = MarketHours::new(cal);
    let tz = cal.tz();
    let view = StateView {
        calendar: cal.code().to_string(),
        at,
        local: at
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M:%S %Z")
            .to_string(),
        state: clock.state_at(at),
        next: clock.next_transition(at),
    };
    match format {
        Format::Json => to_json(&view),
        Format::Table => {
            let mut out = format!(
                "{} at {} ({})\n  state: {}\n",
                cal.name(),
                view.local,
                tz.name(),
                view.state
            );
            if let Some(next) = view.next {
                let local = next.at.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S %Z");
                let wait = super::next::human_wait(next.at - at);
                out.push_str(&format!("  next:  {} at {local} (in {wait})\n", next.state));
            }
            Ok(out)
        }
    }
}

fn to_json(value: &impl Serialize) -> Result<String, String> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}
