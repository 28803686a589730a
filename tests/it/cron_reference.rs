//! Compares cron next-fire times with croniter's, from the committed reference data
//! (tests/data/cron/reference.json, made by scripts/cron_reference.py).
//!
//! Every difference must be explained by one of the named allowed differences
//! below (documented in docs/time.md), and every allowed difference must actually
//! occur, so the list cannot go stale.

use crate::schedule_fake_market as fake_market;

use chrono::{DateTime, LocalResult, TimeZone, Utc};
use chrono_tz::Tz;
use fake_market::FakeMarket;
use pipec::time::schedule::{CronExpr, Schedule};
use serde::Deserialize;

#[derive(Deserialize)]
struct Reference {
    croniter_version: String,
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    expr: String,
    zone: String,
    start: DateTime<Utc>,
    next: Vec<DateTime<Utc>>,
}

#[derive(Debug)]
struct Difference<'a> {
    case: &'a Case,
    ours: Vec<DateTime<Utc>>,
}

fn load() -> Reference {
    let text = include_str!("../data/cron/reference.json");
    serde_json::from_str(text).expect("reference data parses")
}

fn ours(case: &Case) -> Vec<DateTime<Utc>> {
    let expr = CronExpr::parse(&case.expr).expect("reference expressions parse");
    let zone: Tz = case.zone.parse().expect("reference zone");
    let market = FakeMarket::new_york();
    let schedule = Schedule::Cron { expr, zone };
    schedule.next_n(case.start, case.next.len(), &market, &market)
}

/// An instant whose wall-clock time occurs twice and which is the second occurrence.
fn is_second_occurrence(zone: Tz, instant: DateTime<Utc>) -> bool {
    let wall = instant.with_timezone(&zone).naive_local();
    matches!(zone.from_local_datetime(&wall), LocalResult::Ambiguous(first, _) if first.with_timezone(&Utc) != instant)
}

/// The first wall time after a spring-forward gap: the minute before it does not exist.
fn ends_a_gap(zone: Tz, instant: DateTime<Utc>) -> bool {
    let wall = instant.with_timezone(&zone).naive_local() - chrono::Duration::minutes(1);
    matches!(zone.from_local_datetime(&wall), LocalResult::None)
}

/// A deliberate difference from croniter, with the test that recognises it.
struct AllowedDifference {
    name: &'static str,
    explains: fn(&Difference) -> bool,
}

/// The named list of deliberate differences (see docs/time.md, "Cron").
const ALLOWED: &[AllowedDifference] = &[
    AllowedDifference {
        // croniter skips a gap's slots when the hour field is `*`, but makes one up
        // at the end of the gap for a step (`*/2`), which then fires an hour before
        // the next slot: two firings within one two-hour interval. Ours skips the
        // slot for both. Recognised when dropping croniter's firings at the end of
        // a gap leaves exactly a prefix of ours.
        name: "spring-forward: croniter makes up a stepped hour's skipped slot",
        explains: |d| {
            let zone: Tz = d.case.zone.parse().expect("reference zone");
            let hour_field = d.case.expr.split_whitespace().nth(1).unwrap_or_default();
            let kept: Vec<DateTime<Utc>> = d
                .case
                .next
                .iter()
                .copied()
                .filter(|t| !ends_a_gap(zone, *t))
                .collect();
            hour_field.starts_with("*/")
                && kept.len() < d.case.next.len()
                && d.ours.starts_with(&kept)
        },
    },
    AllowedDifference {
        // croniter also fires at the second occurrence of a repeated wall-clock time on
        // a fall-back day; our rule fires each wall-clock time once, at its first
        // occurrence. Recognised when dropping croniter's second-occurrence firings
        // leaves exactly a prefix of ours.
        name: "fall-back: croniter fires repeated wall times twice",
        explains: |d| {
            let zone: Tz = d.case.zone.parse().expect("reference zone");
            let kept: Vec<DateTime<Utc>> = d
                .case
                .next
                .iter()
                .copied()
                .filter(|t| !is_second_occurrence(zone, *t))
                .collect();
            kept.len() < d.case.next.len() && d.ours.starts_with(&kept)
        },
    },
];

#[test]
fn matches_croniter_except_listed_differences() {
    let reference = load();
    assert!(reference.cases.len() > 1000, "reference data present");
    let mut used = vec![0usize; ALLOWED.len()];
    let mut unexplained = Vec::new();
    let mut agreeing = 0usize;
    for case in &reference.cases {
        let ours = ours(case);
        if ours == case.next {
            agreeing += 1;
            continue;
        }
        let difference = Difference { case, ours };
        match ALLOWED.iter().position(|a| (a.explains)(&difference)) {
            Some(i) => used[i] += 1,
            None => unexplained.push(difference),
        }
    }
    for d in &unexplained {
        eprintln!(
            "{:?} {} {}\n  ours:     {:?}\n  croniter: {:?}",
            d.case.expr, d.case.zone, d.case.start, d.ours, d.case.next
        );
    }
    for (allowed, count) in ALLOWED.iter().zip(&used) {
        eprintln!("allowed difference `{}`: {count} cases", allowed.name);
    }
    eprintln!(
        "croniter {}: {agreeing} of {} cases identical",
        reference.croniter_version,
        reference.cases.len()
    );
    assert!(
        unexplained.is_empty(),
        "{} unexplained differences",
        unexplained.len()
    );
    for (allowed, count) in ALLOWED.iter().zip(&used) {
        assert!(
            *count > 0,
            "allowed difference `{}` never occurs: remove it",
            allowed.name
        );
    }
}

#[test]
fn spring_forward_gap_agrees_with_croniter() {
    // 02:30 does not exist in New York on 2026-03-08: both fire at 03:00 EDT.
    let reference = load();
    let case = reference
        .cases
        .iter()
        .find(|c| {
            c.expr == "30 2 * * *"
                && c.zone == "America/New_York"
                && c.start.to_rfc3339() == "2026-03-08T05:00:00+00:00"
        })
        .expect("gap case in the reference data");
    assert_eq!(case.next[0], fake_market::utc(2026, 3, 8, 7, 0));
    assert_eq!(ours(case), case.next);
}

fn allowed(prefix: &str) -> fn(&Difference) -> bool {
    ALLOWED
        .iter()
        .find(|a| a.name.starts_with(prefix))
        .expect("an allowed difference")
        .explains
}

#[test]
fn the_allowed_differences_do_not_excuse_arbitrary_errors() {
    let reference = load();
    let case = reference
        .cases
        .iter()
        .find(|c| {
            c.expr == "30 1 * * *"
                && c.zone == "America/New_York"
                && c.start.to_rfc3339() == "2026-10-31T22:00:00+00:00"
        })
        .expect("fold case in the reference data");
    let explains = allowed("fall-back");
    // Our real answer is explained ...
    assert!(explains(&Difference {
        case,
        ours: ours(case)
    }));
    // ... but firing an hour late on an ordinary day is not.
    let mut wrong = ours(case);
    wrong[3] += chrono::Duration::hours(1);
    assert!(!explains(&Difference { case, ours: wrong }));

    let case = reference
        .cases
        .iter()
        .find(|c| {
            c.expr == "0 */2 * * *"
                && c.zone == "America/New_York"
                && c.start.to_rfc3339() == "2026-03-08T05:00:00+00:00"
        })
        .expect("stepped gap case in the reference data");
    let explains = allowed("spring-forward");
    assert!(explains(&Difference {
        case,
        ours: ours(case)
    }));
    // Losing a slot after the gap is not the skipped gap slot.
    let mut wrong = ours(case);
    wrong.remove(1);
    assert!(!explains(&Difference { case, ours: wrong }));
}
