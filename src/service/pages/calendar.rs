//! `/calendar`: today's market states of every calendar the pipelines use,
//! every built-in market follow-the-sun, and the coming holidays and early
//! closes.

use super::html::{badge, esc, time_in};
use super::Service;
use crate::ir::Market;
use crate::time::market_state::follow_the_sun;
use crate::time::session::SessionCalendar;
use chrono::Days;
use std::collections::BTreeSet;
use std::fmt::Write;

/// How far ahead holidays and early closes are listed.
const AHEAD_DAYS: u64 = 30;

pub(super) fn page(s: &Service) -> String {
    let now = s.clock.now();
    let mut body = String::new();
    let mut seen = BTreeSet::new();
    let mut coming = Vec::new();
    body.push_str(r#"<h2>Calendars in use</h2><table><thead><tr><th>Calendar</th><th>Used by</th><th>Now</th><th>Today's session</th><th>Next change</th></tr></thead><tbody>"#);
    for t in &s.targets {
        for p in &t.program.pipelines {
            let Ok(market) = Market::load(p, None) else {
                continue;
            };
            let Some(calendar) = market.calendar() else {
                continue;
            };
            let code = calendar.code().to_string();
            if !seen.insert(code.clone()) {
                continue;
            }
            let users: Vec<&str> = s
                .targets
                .iter()
                .flat_map(|t| t.program.pipelines.iter())
                .filter(|q| {
                    Market::load(q, None)
                        .ok()
                        .and_then(|m| m.calendar().map(|c| c.code() == code))
                        .unwrap_or(false)
                })
                .map(|q| q.name.as_str())
                .collect();
            let zone = calendar.tz();
            let today = now.with_timezone(&zone).date_naive();
            let (state, next, session) = market.with_clock(|cal, clock| {
                let session = cal.session(today).map_or_else(
                    || {
                        format!(
                            "closed: {}",
                            esc(calendar.holiday_name(today).unwrap_or("no session"))
                        )
                    },
                    |s| {
                        format!(
                            "{} – {}{}",
                            time_in(s.open, zone),
                            time_in(s.close, zone),
                            if s.early_close { " (early close)" } else { "" }
                        )
                    },
                );
                (clock.state_at(now), clock.next_transition(now), session)
            });
            let next = next.map_or_else(String::new, |n| {
                format!("{} at {}", badge(n.state.name()), time_in(n.at, zone))
            });
            let _ = write!(
                body,
                "<tr><td>{} <span class=\"muted\">{}</span></td><td>{}</td><td>{}</td><td>{session}</td><td>{next}</td></tr>",
                esc(&code),
                esc(calendar.name()),
                esc(&users.join(", ")),
                badge(state.name()),
            );
            for d in 0..AHEAD_DAYS {
                let Some(day) = today.checked_add_days(Days::new(d)) else {
                    continue;
                };
                match calendar.session(day) {
                    Some(s) if s.early_close => coming.push((
                        day,
                        code.clone(),
                        format!("early close at {}", time_in(s.close, zone)),
                    )),
                    Some(_) => {}
                    None => {
                        if let Some(name) = calendar
                            .holiday_name(day)
                            .filter(|n| *n != crate::time::calendar::WEEKEND_NAME)
                        {
                            coming.push((day, code.clone(), format!("closed: {}", esc(name))));
                        }
                    }
                }
            }
        }
    }
    if seen.is_empty() {
        body.push_str(
            r#"<tr><td colspan="5" class="muted">No pipeline names a calendar.</td></tr>"#,
        );
    }
    body.push_str("</tbody></table>");

    let _ = write!(
        body,
        "<h2>Holidays and early closes in the next {AHEAD_DAYS} days</h2>"
    );
    coming.sort();
    if coming.is_empty() {
        body.push_str(r#"<p class="muted">None.</p>"#);
    } else {
        body.push_str(
            "<table><thead><tr><th>Day</th><th>Calendar</th><th>What</th></tr></thead><tbody>",
        );
        for (day, code, what) in &coming {
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{what}</td></tr>",
                day.format("%a %Y-%m-%d"),
                esc(code)
            );
        }
        body.push_str("</tbody></table>");
    }

    body.push_str(r#"<h2>Follow the sun</h2><table><thead><tr><th>Market</th><th>Now</th><th>Next change</th></tr></thead><tbody>"#);
    for m in follow_the_sun(now) {
        let zone =
            crate::time::calendar::builtin(m.code).map_or(chrono_tz::UTC, SessionCalendar::tz);
        let next = m.next.map_or_else(String::new, |n| {
            format!("{} at {}", badge(n.state.name()), time_in(n.at, zone))
        });
        let _ = write!(
            body,
            "<tr><td>{} <span class=\"muted\">{}</span></td><td>{}</td><td>{next}</td></tr>",
            esc(m.code),
            esc(&m.name),
            badge(m.state.name())
        );
    }
    body.push_str("</tbody></table>");
    super::layout::page("Markets", "/calendar", "", &body)
}
