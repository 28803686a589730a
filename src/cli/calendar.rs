//! `pipec calendar`: the built-in calendars, a month or a range of an
//! exchange's sessions, or its market state.

use super::{exit, when, Format};
use chrono::{Datelike, NaiveDate, Utc};
use pipec::clock::{Clock, SystemClock};
use pipec::time::calendar::{self, month_view, range_view, valid_years_warning, Calendar};
use pipec::time::market_state::{follow_the_sun, MarketClock, MarketHours};
use pipec::time::session::SessionCalendar;
use serde::Serialize;
use std::path::Path;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// A built-in calendar code (`pipec calendar --list` shows them) or a calendar file.
    #[arg(required_unless_present_any = ["all_markets", "list"])]
    calendar: Option<String>,
    /// The month to show, `2026-11` (default: this month).
    #[arg(conflicts_with_all = ["from", "to", "state"])]
    month: Option<String>,
    /// List every built-in calendar: code, name, zone, hours and valid years.
    #[arg(long, conflicts_with_all = ["calendar", "all_markets", "state", "from", "to"])]
    list: bool,
    /// Show every day from this date (`2005-01-01`) to `--to`, one line a day.
    #[arg(long, requires = "to", conflicts_with = "state")]
    from: Option<String>,
    /// The last date shown with `--from` (inclusive).
    #[arg(long, requires = "from")]
    to: Option<String>,
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

/// The longest range `--from`/`--to` shows: a century of days.
const MAX_RANGE_DAYS: i64 = 36_525;

fn execute(args: &Args) -> Result<String, String> {
    let now = SystemClock.now();
    if args.list {
        return list(args.format);
    }
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
    if let (Some(from), Some(to)) = (&args.from, &args.to) {
        let (from, to) = (parse_date(from)?, parse_date(to)?);
        if from > to {
            return Err(format!("--from {from} is after --to {to}"));
        }
        if (to - from).num_days() >= MAX_RANGE_DAYS {
            return Err(format!(
                "--from {from} --to {to} spans more than {MAX_RANGE_DAYS} days; ask for a century at most"
            ));
        }
        let view = range_view(&cal, from, to);
        return match args.format {
            Format::Json => to_json(&view),
            Format::Table => Ok(view.to_string()),
        };
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

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date: write it `2026-11-20`"))
}

/// One built-in calendar in `pipec calendar --list`.
#[derive(Serialize)]
struct Listed {
    code: &'static str,
    name: String,
    zone: String,
    /// Regular hours, oldest era first: local `HH:MM-HH:MM`, the lunch break,
    /// and the date each era starts (`None` for the first).
    hours: Vec<ListedHours>,
    valid_years: ListedYears,
}

#[derive(Serialize)]
struct ListedHours {
    from: Option<NaiveDate>,
    open: String,
    /// Set when the session opens the evening before its date (`17:00-16:00`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    opens_day_before: bool,
    /// `HH:MM`; `24:00` for the midnight ending the day.
    close: String,
    lunch: Option<String>,
}

#[derive(Serialize)]
struct ListedYears {
    first: i32,
    last: i32,
}

fn list(format: Format) -> Result<String, String> {
    let hhmm = |t: chrono::NaiveTime| t.format("%H:%M").to_string();
    let listed: Vec<Listed> = calendar::BUILTIN_CODES
        .iter()
        .filter_map(|&code| calendar::builtin(code).map(|cal| (code, cal)))
        .map(|(code, cal)| Listed {
            code,
            name: cal.name().to_string(),
            zone: cal.tz().name().to_string(),
            hours: cal
                .hours_history()
                .iter()
                .map(|era| ListedHours {
                    from: era.from,
                    open: hhmm(era.hours.open),
                    opens_day_before: era.hours.opens_day_before(),
                    close: calendar::DayHours::close_text(era.hours.close),
                    lunch: era
                        .hours
                        .lunch
                        .map(|(a, b)| format!("{}-{}", hhmm(a), hhmm(b))),
                })
                .collect(),
            valid_years: ListedYears {
                first: *cal.valid_years().start(),
                last: *cal.valid_years().end(),
            },
        })
        .collect();
    match format {
        Format::Json => to_json(&listed),
        Format::Table => {
            let mut table = super::table::Table::new(&[
                "CODE",
                "NAME",
                "ZONE",
                "HOURS (LOCAL)",
                "LUNCH",
                "VALID",
            ]);
            for l in &listed {
                // The hours in force now-ish: the latest era; earlier eras are in --format json.
                let current = l.hours.last();
                table.row(vec![
                    l.code.to_string(),
                    l.name.clone(),
                    l.zone.clone(),
                    current.map_or_else(String::new, |h| {
                        let since = if l.hours.len() > 1 {
                            h.from.map(|d| format!(" since {d}")).unwrap_or_default()
                        } else {
                            String::new()
                        };
                        let before = if h.opens_day_before {
                            " (day before)"
                        } else {
                            ""
                        };
                        format!("{}{before}-{}{since}", h.open, h.close)
                    }),
                    current
                        .and_then(|h| h.lunch.clone())
                        .unwrap_or_else(|| "-".to_string()),
                    format!("{}-{}", l.valid_years.first, l.valid_years.last),
                ]);
            }
            Ok(table.render())
        }
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
    /// Set when the local date of `at` or of `next` is outside the calendar's valid years.
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<String>,
}

fn state_view(cal: &Calendar, at: chrono::DateTime<Utc>, format: Format) -> Result<String, String> {
    let clock = MarketHours::new(cal);
    let tz = cal.tz();
    let next = clock.next_transition(at);
    let year = |t: chrono::DateTime<Utc>| t.with_timezone(&tz).year();
    let last = next.map_or(year(at), |n| year(n.at));
    let view = StateView {
        calendar: cal.code().to_string(),
        at,
        local: at
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M:%S %Z")
            .to_string(),
        state: clock.state_at(at),
        next,
        warning: valid_years_warning(cal, year(at).min(last), year(at).max(last)),
    };
    match format {
        Format::Json => to_json(&view),
        Format::Table => {
            let mut out = format!("{} at {} ({})\n", cal.name(), view.local, tz.name());
            if let Some(warning) = &view.warning {
                out.push_str(&format!("warning: {warning}\n"));
            }
            out.push_str(&format!("  state: {}\n", view.state));
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
