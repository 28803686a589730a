//! `pipec next` on the bundled trading day: right across a DST change, a
//! holiday and an early close.

use crate::common;

fn next(args: &[&str]) -> String {
    common::stdout_of(&[&["next"], args].concat())
}

#[test]
fn firings_across_the_spring_dst_change_keep_market_time() {
    let table = next(&[
        "pipelines/trading_day.pipe",
        "--from",
        "2026-03-06",
        "--to",
        "2026-03-10",
    ]);
    // 06:00 New York is 11:00 UTC before the change and 10:00 UTC after it.
    assert!(
        table.contains("Fri 2026-03-06 11:00:00  06:00:00 EST"),
        "{table}"
    );
    assert!(
        table.contains("Mon 2026-03-09 10:00:00  06:00:00 EDT"),
        "{table}"
    );
    common::settings().bind(|| insta::assert_snapshot!(table));
}

#[test]
fn thanksgiving_is_skipped_and_the_early_close_moves_eod() {
    let json = next(&[
        "pipelines/trading_day.pipe",
        "--from",
        "2026-11-25T12:00",
        "--to",
        "2026-11-28",
        "--format",
        "json",
    ]);
    let firings: Vec<serde_json::Value> = serde_json::from_str(&json).expect("a JSON list");
    let on = |date: &str, trigger: &str| {
        firings
            .iter()
            .filter(|f| {
                f["trigger"] == trigger && f["at"].as_str().unwrap_or_default().starts_with(date)
            })
            .count()
    };
    assert_eq!(
        on("2026-11-26T1", "PREMARKET"),
        0,
        "no firing on Thanksgiving"
    );
    assert_eq!(on("2026-11-26T1", "EOD"), 0);
    // EOD follows the close: 13:00 EST (18:00 UTC) on the day after Thanksgiving.
    assert!(
        firings
            .iter()
            .any(|f| f["trigger"] == "EOD" && f["at"] == "2026-11-27T18:00:00Z"),
        "{json}"
    );
    assert!(firings.iter().all(|f| f["zone"] == "America/New_York"));
}

#[test]
fn count_limits_the_listing() {
    let table = next(&[
        "pipelines/trading_day.pipe",
        "--from",
        "2026-11-23",
        "-n",
        "3",
    ]);
    assert_eq!(
        table.lines().count(),
        4,
        "a header and three firings:\n{table}"
    );
}

#[test]
fn a_file_with_errors_prints_them_and_fails() {
    let output = common::pipec()
        .args(["next", "tests/check/err/E030_dependency_cycle.pipe"])
        .output()
        .expect("pipec runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("pipe::E030"));
}

/// A local time the spring-forward gap skips is read as the end of the gap,
/// as triggers read it: `--from 02:30` on New York's change day is 03:00 EDT,
/// so the 03:00 firing (07:00 UTC) is listed, not skipped.
#[test]
fn a_local_time_in_the_dst_gap_is_the_end_of_the_gap() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("next-gap");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("g.pipe");
    std::fs::write(
        &file,
        "handler ok { builtin noop }\npipeline g {\n  timezone America/New_York\n  stage s { task ok }\n  trigger EARLY { at 03:00 on every_day }\n}\n",
    )
    .unwrap();
    let table = next(&[
        file.to_str().unwrap(),
        "--from",
        "2025-03-09T02:30",
        "-n",
        "1",
    ]);
    assert!(
        table.contains("Sun 2025-03-09 07:00:00  03:00:00 EDT"),
        "{table}"
    );
}

/// Many firings of several triggers, several of them at one instant: the
/// streamed listing has every one once, in time order, simultaneous ones in
/// declaration order, with no gap or repeat where one chunk of a trigger's
/// instants ends and the next begins.
#[test]
fn a_long_streamed_listing_keeps_every_firing_in_order() {
    let dir = std::env::temp_dir().join(format!("pipec-next-long-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("many.pipe");
    std::fs::write(
        &file,
        "handler h { builtin noop }\n\
         pipeline p {\n\
           trigger EVERY { cron \"* * * * *\" }\n\
           trigger ALSO { cron \"* * * * *\" }\n\
           trigger EVEN { cron \"*/2 * * * *\" }\n\
           stage s { task t { run h } }\n\
         }\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let range = ["--from", "2026-01-05", "--to", "2026-01-06", "-n", "100000"];
    let json = next(&[&[file, "--format", "json"][..], &range[..]].concat());
    let firings: Vec<serde_json::Value> = serde_json::from_str(&json).expect("a JSON list");
    assert_eq!(firings.len(), 1440 + 1440 + 720);
    let at = |f: &serde_json::Value| f["at"].as_str().unwrap().to_string();
    let names: Vec<&str> = firings[..5]
        .iter()
        .map(|f| f["trigger"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["EVERY", "ALSO", "EVEN", "EVERY", "ALSO"]);
    assert!(firings.windows(2).all(|w| at(&w[0]) <= at(&w[1])));
    for trigger in ["EVERY", "ALSO", "EVEN"] {
        let mine: Vec<String> = firings
            .iter()
            .filter(|f| f["trigger"] == trigger)
            .map(at)
            .collect();
        let distinct: std::collections::BTreeSet<&String> = mine.iter().collect();
        assert_eq!(distinct.len(), mine.len(), "{trigger} repeats a firing");
    }
    let table = next(&[&[file][..], &range[..]].concat());
    assert_eq!(table.lines().count(), 1 + firings.len());
    let _ = std::fs::remove_dir_all(&dir);
}
