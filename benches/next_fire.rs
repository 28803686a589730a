//! Next firing of 1,000 mixed triggers against a New York-like calendar.
//!
//! Run: `cargo bench --bench next_fire`. Prints microseconds per `next_after` call.

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use pipec::time::market_state::{MarketClock, MarketState, Transition};
use pipec::time::schedule::{resolve_local, Anchor, CronExpr, DaySet, Schedule};
use pipec::time::session::{Session, SessionCalendar};
use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::Instant;

/// Weekdays 09:30-16:00 New York minus a few holidays; PRE_OPEN 04:00, POST_CLOSE to 20:00.
struct Market {
    tz: Tz,
    holidays: BTreeSet<NaiveDate>,
}

impl Market {
    fn at(&self, date: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
        let time = NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        resolve_local(self.tz, date.and_time(time)).unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// (state, start) cuts of one local day, the last being the next midnight.
    fn cuts(&self, date: NaiveDate) -> Vec<(MarketState, DateTime<Utc>)> {
        let next = date.checked_add_days(Days::new(1)).unwrap_or(date);
        if self.session(date).is_none() {
            return vec![
                (MarketState::Holiday, self.at(date, 0, 0)),
                (MarketState::Holiday, self.at(next, 0, 0)),
            ];
        }
        vec![
            (MarketState::Overnight, self.at(date, 0, 0)),
            (MarketState::PreOpen, self.at(date, 4, 0)),
            (MarketState::Session, self.at(date, 9, 30)),
            (MarketState::PostClose, self.at(date, 16, 0)),
            (MarketState::Overnight, self.at(date, 20, 0)),
            (MarketState::Overnight, self.at(next, 0, 0)),
        ]
    }
}

impl SessionCalendar for Market {
    fn code(&self) -> &str {
        "BENCH"
    }
    fn tz(&self) -> Tz {
        self.tz
    }
    fn session(&self, date: NaiveDate) -> Option<Session> {
        if date.weekday().num_days_from_monday() >= 5 || self.holidays.contains(&date) {
            return None;
        }
        Some(Session {
            date,
            open: self.at(date, 9, 30),
            close: self.at(date, 16, 0),
            lunch: None,
            early_close: false,
        })
    }
}

impl MarketClock for Market {
    fn state_at(&self, instant: DateTime<Utc>) -> MarketState {
        let date = instant.with_timezone(&self.tz).date_naive();
        let cuts = self.cuts(date);
        cuts.windows(2)
            .find(|w| w[0].1 <= instant && instant < w[1].1)
            .map_or(MarketState::Overnight, |w| w[0].0)
    }
    fn next_transition(&self, instant: DateTime<Utc>) -> Option<Transition> {
        let first = instant.with_timezone(&self.tz).date_naive();
        let mut previous = None;
        for date in first.iter_days().take(30) {
            let cuts = self.cuts(date);
            for (state, at) in &cuts[..cuts.len() - 1] {
                if *at > instant && previous != Some(*state) {
                    return Some(Transition {
                        state: *state,
                        at: *at,
                    });
                }
                previous = Some(*state);
            }
        }
        None
    }
}

fn triggers(tz: Tz) -> Vec<Schedule> {
    let day_sets = [
        DaySet::Every,
        DaySet::Weekdays,
        DaySet::TradingDays,
        DaySet::Named(vec![Weekday::Sat]),
        DaySet::FirstTradingDayOfMonth,
        DaySet::LastTradingDayOfWeek,
        DaySet::MonthlyExpiration,
    ];
    let crons = [
        "*/5 * * * *",
        "0 9 * * MON-FRI",
        "30 2 * * *",
        "0 0 1 * *",
        "15 14 * * 1-5",
        "0 */2 * * *",
        "0 0 13 * 5",
    ];
    let states = [
        (MarketState::Session, MarketState::Session),
        (MarketState::PreOpen, MarketState::PostClose),
        (MarketState::PreOpen, MarketState::PreOpen),
    ];
    (0..1000usize)
        .map(|i| {
            let days = day_sets[i % day_sets.len()].clone();
            match i % 4 {
                0 => Schedule::At {
                    time: NaiveTime::from_hms_opt((i % 24) as u32, (i % 60) as u32, 0)
                        .unwrap_or(NaiveTime::MIN),
                    zone: tz,
                    days,
                },
                1 => Schedule::SessionRelative {
                    anchor: if i % 8 == 1 {
                        Anchor::Open
                    } else {
                        Anchor::Close
                    },
                    offset: (i as i64 % 120 - 60) * 60,
                    days,
                },
                2 => {
                    let (from, to) = states[i % states.len()];
                    Schedule::Every {
                        interval: [60, 300, 900, 3600][i % 4 / 2 + i % 3],
                        from,
                        to,
                        days,
                    }
                }
                _ => Schedule::Cron {
                    expr: CronExpr::parse(crons[i % crons.len()]).unwrap_or_else(|e| panic!("{e}")),
                    zone: tz,
                },
            }
        })
        .collect()
}

fn main() {
    let tz = chrono_tz::America::New_York;
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap_or(NaiveDate::MIN);
    let market = Market {
        tz,
        holidays: [
            d(1, 1),
            d(1, 19),
            d(2, 16),
            d(4, 3),
            d(5, 25),
            d(6, 19),
            d(7, 3),
            d(9, 7),
            d(11, 26),
            d(12, 25),
        ]
        .into_iter()
        .collect(),
    };
    let schedules = triggers(tz);
    let start = Utc
        .with_ymd_and_hms(2026, 1, 2, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    // 40 start instants spread over 2026 at odd times of day, so every kind of
    // position (before, inside and after windows; weekends; DST days) is hit.
    let starts: Vec<DateTime<Utc>> = (0..40)
        .map(|k| start + Duration::minutes(k * 9 * 24 * 60 + k * 37))
        .collect();

    // Warm up.
    for s in &schedules {
        black_box(s.next_after(starts[0], &market, &market));
    }
    let began = Instant::now();
    let mut calls = 0u64;
    let mut found = 0u64;
    for after in &starts {
        for s in &schedules {
            if black_box(s.next_after(*after, &market, &market)).is_some() {
                found += 1;
            }
            calls += 1;
        }
    }
    let elapsed = began.elapsed();
    println!(
        "next_fire: {calls} next_after calls over 1000 mixed triggers, {found} found, {:.2} µs per call",
        elapsed.as_secs_f64() * 1e6 / calls as f64
    );
    // Per kind, split into calls that find a firing and calls that exhaust the horizon.
    for (kind, name) in ["at", "session_relative", "every", "cron"]
        .iter()
        .enumerate()
    {
        let mut timing = [(0u64, 0f64); 2];
        for after in &starts {
            for s in schedules.iter().skip(kind).step_by(4) {
                let t = Instant::now();
                let none = black_box(s.next_after(*after, &market, &market)).is_none();
                let slot = &mut timing[usize::from(none)];
                slot.0 += 1;
                slot.1 += t.elapsed().as_secs_f64() * 1e6;
            }
        }
        let avg = |(n, total): (u64, f64)| if n == 0 { 0.0 } else { total / n as f64 };
        println!(
            "  {name:<17} found: {:>6} calls {:>8.2} µs   none: {:>5} calls {:>8.2} µs",
            timing[0].0,
            avg(timing[0]),
            timing[1].0,
            avg(timing[1])
        );
    }
}
