//! Cron next-fire times against a brute-force oracle that walks real time minute by
//! minute and applies the DST rule directly, for random expressions and random
//! starts around the DST changes of 2005-2035.

use crate::schedule_fake_market as fake_market;

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use fake_market::{transitions, FakeMarket, OffsetChange};
use pipec::time::schedule::{CronExpr, Schedule};
use proptest::prelude::*;
use std::sync::OnceLock;

const ZONES: [Tz; 3] = [
    chrono_tz::America::New_York,
    chrono_tz::Europe::London,
    chrono_tz::Europe::Berlin,
];

/// The offset changes of each zone of `ZONES`, enumerated once for all cases.
fn changes(zone_index: usize) -> &'static [OffsetChange] {
    static ALL: OnceLock<Vec<Vec<OffsetChange>>> = OnceLock::new();
    &ALL.get_or_init(|| ZONES.iter().map(|z| transitions(*z)).collect())[zone_index]
}

fn wall(zone: Tz, instant: DateTime<Utc>) -> NaiveDateTime {
    instant.with_timezone(&zone).naive_local()
}

fn is_first_occurrence(zone: Tz, instant: DateTime<Utc>) -> bool {
    match zone.from_local_datetime(&wall(zone, instant)) {
        LocalResult::Single(t) => t.with_timezone(&Utc) == instant,
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc) == instant,
        LocalResult::None => false,
    }
}

/// The rule stated directly on real-time minutes: minute `u` fires when its wall
/// time matches and this is that wall time's first occurrence, or when `u` ends a
/// gap that skipped a matching wall time of an expression with named hours (one
/// whose hour field is `*` or `*/N` repeats through the day and skips it).
fn oracle(
    expr: &CronExpr,
    zone: Tz,
    after: DateTime<Utc>,
    limit: Duration,
) -> Option<DateTime<Utc>> {
    let secs = after.timestamp();
    let first = DateTime::from_timestamp(secs - secs.rem_euclid(60) + 60, 0)?;
    let mut u = first;
    while u - after < limit {
        let w = wall(zone, u);
        if expr.matches(w) && is_first_occurrence(zone, u) {
            return Some(u);
        }
        let previous = wall(zone, u - Duration::minutes(1)) + Duration::minutes(1);
        let mut skipped = previous;
        while skipped < w && !expr.skips_gaps() {
            if expr.matches(skipped) {
                return Some(u);
            }
            skipped += Duration::minutes(1);
        }
        u += Duration::minutes(1);
    }
    None
}

fn field(values: Vec<u32>, star: bool) -> String {
    if star || values.is_empty() {
        "*".to_string()
    } else {
        values
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn expression() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(0u32..60, 1..4),
        prop_oneof![Just(None), (1u32..30).prop_map(Some)],
        prop::collection::vec(0u32..24, 1..4),
        any::<bool>(),
        prop::collection::vec(0u32..7, 1..3),
        any::<bool>(),
    )
        .prop_map(|(minutes, minute_step, hours, hour_star, dows, dow_star)| {
            let minute = match minute_step {
                Some(step) => format!("*/{step}"),
                None => field(minutes, false),
            };
            // Hours 0-3 often, so that gaps and folds are hit.
            let hours: Vec<u32> = hours
                .into_iter()
                .map(|h| if h % 2 == 0 { h / 8 } else { h })
                .collect();
            format!(
                "{minute} {} * * {}",
                field(hours, hour_star),
                field(dows, dow_star)
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn cron_matches_the_brute_force_oracle(
        text in expression(),
        zone_index in 0usize..3,
        transition_index in 0usize..62,
        offset_minutes in -2000i64..600,
        offset_seconds in 0i64..60,
    ) {
        let zone = ZONES[zone_index];
        let changes = changes(zone_index);
        let change = &changes[transition_index % changes.len()];
        let after = change.at + Duration::minutes(offset_minutes) + Duration::seconds(offset_seconds);
        let expr = CronExpr::parse(&text).expect("generated expressions are valid");
        let market = FakeMarket::always_open(zone);
        let schedule = Schedule::Cron { expr: expr.clone(), zone };
        let ours = schedule.next_after(after, &market, &market);
        // Every generated expression fires at least weekly.
        let expected = oracle(&expr, zone, after, Duration::days(8));
        prop_assert!(expected.is_some());
        prop_assert_eq!(ours, expected, "{} in {} after {}", text, zone, after);
    }
}

#[test]
fn the_oracle_itself_applies_the_rule() {
    let ny = chrono_tz::America::New_York;
    let expr = CronExpr::parse("30 2 * * *").expect("valid");
    let after = fake_market::utc(2026, 3, 8, 5, 0);
    assert_eq!(
        oracle(&expr, ny, after, Duration::days(2)),
        Some(fake_market::utc(2026, 3, 8, 7, 0))
    );
    let fold = CronExpr::parse("30 1 * * *").expect("valid");
    let after = fake_market::utc(2026, 11, 1, 5, 31);
    assert_eq!(
        oracle(&fold, ny, after, Duration::days(2)),
        Some(fake_market::utc(2026, 11, 2, 6, 30))
    );
}
