//! Fan-out (`for symbol in universe`): one instance per item, outputs gathered
//! in item order, instances bounded by the task's `concurrency`, the failure
//! rules (`max_failures`, and the policy split between instance and task),
//! and a resume that keeps the finished instances. Through the real binary.

use crate::durable_common;
use crate::run_common::{code, text, Fixture};
use serde_json::Value;

/// Six symbols. `score.sh` fails for the symbols listed in `fail.txt`, and
/// for those in `flaky.txt` on their first attempt only; it sleeps less for
/// later items, so instances finish out of item order.
const PIPE: &str = r#"
handler universe {
  builtin emit { universe: ["AAPL", "MSFT", "NVDA", "BRK.B", "XOM", "JPM"] }
  returns { universe: [string] }
}
handler score {
  exec "./score.sh"
  returns { symbol: string, score: int }
}
handler seen {
  shell "cat > seen.json"
}
pipeline day {
  concurrency 4
  stage pick { task universe }
  stage scoring {
    task score {
      for symbol in universe
      gather scores
      SETTINGS
    }
    task report { run seen  after score }
    GATE
  }
}
"#;

const SCORE: &str = r#"#!/bin/sh
grep -qx "$PIPEC_ITEM" fail.txt 2>/dev/null && { echo "no data for $PIPEC_ITEM" >&2; exit 3; }
if [ "$PIPEC_ATTEMPT" = 1 ] && grep -qx "$PIPEC_ITEM" flaky.txt 2>/dev/null; then exit 4; fi
echo "$PIPEC_ITEM" >> ran.txt
sleep "0.0$((6 - PIPEC_ITEM_INDEX))"
printf '{"symbol": "%s", "score": %s}\n' "$PIPEC_ITEM" "$PIPEC_ITEM_INDEX"
"#;

const SYMBOLS: [&str; 6] = ["AAPL", "MSFT", "NVDA", "BRK.B", "XOM", "JPM"];

fn fixture(name: &str, settings: &str, gate: &str) -> Fixture {
    let pipe = PIPE.replace("SETTINGS", settings).replace("GATE", gate);
    let f = Fixture::new(&format!("fan-out-{name}"), &pipe);
    f.script("score.sh", SCORE);
    f
}

/// What the task after the fan-out read: its `scores`, as (symbol, score).
fn seen_scores(f: &Fixture) -> Option<Vec<(String, i64)>> {
    let text = std::fs::read_to_string(f.dir.join("seen.json")).ok()?;
    let context: Value = serde_json::from_str(&text).unwrap();
    let scores = context.get("scores")?.as_array()?.clone();
    Some(
        scores
            .iter()
            .map(|s| {
                (
                    s["symbol"].as_str().unwrap().to_string(),
                    s["score"].as_i64().unwrap(),
                )
            })
            .collect(),
    )
}

fn instance_events(f: &Fixture, kind: &str) -> Vec<String> {
    f.events_of(kind)
        .into_iter()
        .filter_map(|e| e["task"].as_str().map(str::to_string))
        .filter(|t| t.starts_with("score["))
        .collect()
}

#[test]
fn instances_run_per_item_and_their_outputs_are_gathered_in_item_order() {
    let f = fixture(
        "order",
        "concurrency 2",
        r#"gate all_scored "six scores, in order" { len(scores) == 6 and all(scores, s => s.score >= 0) }"#,
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let expected: Vec<(String, i64)> = SYMBOLS
        .iter()
        .enumerate()
        .map(|(i, s)| ((*s).to_string(), i as i64))
        .collect();
    assert_eq!(seen_scores(&f), Some(expected));
    let started = instance_events(&f, "task_started");
    assert_eq!(
        started,
        SYMBOLS.map(|s| format!("score[{s}]")).to_vec(),
        "instances start in item order"
    );
    // Never more than two at once: the task's own `concurrency`.
    let mut running = 0i32;
    let mut most = 0;
    for e in f.events() {
        let is_instance = e["task"].as_str().is_some_and(|t| t.starts_with("score["));
        match e["event"].as_str() {
            Some("task_started") if is_instance => running += 1,
            Some("task_completed") if is_instance => running -= 1,
            _ => {}
        }
        most = most.max(running);
    }
    assert_eq!(most, 2);
    assert_eq!(f.status("score"), "completed");
    assert_eq!(f.message("score"), "6 instances");
    assert_eq!(f.events_of("gate_passed").len(), 1);
}

#[test]
fn one_failed_instance_fails_the_task_and_no_further_instance_starts() {
    let f = fixture("fails", "concurrency 1", "");
    f.write("fail.txt", "NVDA\n");
    let out = f.run(&[]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert_eq!(f.status("score"), "failed");
    assert_eq!(
        f.message("score"),
        "1 of 6 instances failed, more than `max_failures 0` allows: `score[NVDA]`"
    );
    assert_eq!(
        instance_events(&f, "task_completed"),
        ["score[AAPL]", "score[MSFT]"]
    );
    assert_eq!(instance_events(&f, "task_failed"), ["score[NVDA]"]);
    let skipped: Vec<Value> = f
        .events_of("task_skipped")
        .into_iter()
        .filter(|e| e["task"].as_str().is_some_and(|t| t.starts_with("score[")))
        .collect();
    assert_eq!(skipped.len(), 3);
    assert!(skipped.iter().all(|e| e["cause"] == "dependency"));
    assert_eq!(f.status("report"), "skipped");
    // The failed instance's forensic capture holds its own item.
    let capture =
        std::fs::read_to_string(f.run_dir().join("forensics/day.score[NVDA].json")).unwrap();
    let capture: Value = serde_json::from_str(&capture).unwrap();
    assert_eq!(capture["context"]["symbol"], "NVDA");
}

#[test]
fn max_failures_tolerates_a_count_or_a_share_and_gathers_the_rest() {
    let f = fixture("tolerated", "max_failures 2", "");
    f.write("fail.txt", "MSFT\nXOM\n");
    let out = f.run(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(f.status("score"), "completed");
    assert_eq!(
        f.message("score"),
        "6 instances, 2 failed within `max_failures`: `score[MSFT]`, `score[XOM]`"
    );
    let symbols: Vec<String> = seen_scores(&f)
        .unwrap()
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(symbols, ["AAPL", "NVDA", "BRK.B", "JPM"]);

    // 1 of 6 is more than 10%.
    let f = fixture("share", "max_failures 10%", "");
    f.write("fail.txt", "JPM\n");
    assert_eq!(code(&f.run(&[])), 1);
    assert_eq!(f.status("score"), "failed");
    assert!(f
        .message("score")
        .contains("more than `max_failures 10%` allows"));
}

#[test]
fn retries_and_default_act_on_each_instance() {
    let f = fixture(
        "per-instance",
        r#"on_failure retry 1 then default { symbol: "?", score: -1 }"#,
        "",
    );
    f.write("flaky.txt", "MSFT\n");
    f.write("fail.txt", "XOM\n");
    let out = f.run(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(
        instance_events(&f, "task_retrying"),
        ["score[MSFT]", "score[XOM]"]
    );
    assert_eq!(instance_events(&f, "task_defaulted"), ["score[XOM]"]);
    let scores = seen_scores(&f).unwrap();
    assert_eq!(scores.len(), 6);
    assert_eq!(scores[1], ("MSFT".to_string(), 1));
    assert_eq!(scores[4], ("?".to_string(), -1));
    assert_eq!(f.status("score"), "completed");
}

#[test]
fn warn_and_abort_decide_for_the_task_as_a_whole() {
    // Too many failed instances under `warn`: the task is warned and the
    // task after it runs without `scores`.
    let f = fixture("warn", "on_failure warn", "");
    f.write("fail.txt", "AAPL\n");
    let out = f.run(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(f.status("score"), "warned");
    assert_eq!(f.status("report"), "completed");
    assert_eq!(seen_scores(&f), None);

    // `abort`: the first instance that fails aborts the run.
    let f = fixture("abort", "on_failure abort  concurrency 1", "");
    f.write("fail.txt", "MSFT\n");
    let out = f.run(&[]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert!(f.summary()["reason"]
        .as_str()
        .unwrap()
        .contains("score[MSFT]"));
    assert_eq!(instance_events(&f, "task_completed"), ["score[AAPL]"]);
}

#[test]
fn a_list_missing_at_run_time_fails_the_task_and_an_empty_one_gathers_nothing() {
    let missing = PIPE
        .replace(
            r#"builtin emit { universe: ["AAPL", "MSFT", "NVDA", "BRK.B", "XOM", "JPM"] }"#,
            r#"builtin fail "vendor down""#,
        )
        .replace("task universe }", "task universe { on_failure warn } }")
        .replace("SETTINGS", "")
        .replace("GATE", "");
    let f = Fixture::new("fan-out-missing", &missing);
    f.script("score.sh", SCORE);
    assert_eq!(code(&f.run(&[])), 1);
    assert_eq!(f.status("score"), "failed");
    assert_eq!(
        f.message("score"),
        "cannot fan out: the context has no `universe` (its producer was skipped or failed)"
    );

    let empty = PIPE
        .replace(r#"["AAPL", "MSFT", "NVDA", "BRK.B", "XOM", "JPM"]"#, "[]")
        .replace("SETTINGS", "")
        .replace("GATE", r#"gate none "no scores" { len(scores) == 0 }"#);
    let f = Fixture::new("fan-out-empty", &empty);
    f.script("score.sh", SCORE);
    let out = f.run(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(seen_scores(&f), Some(Vec::new()));
    assert_eq!(f.message("score"), "0 instances");
}

#[test]
fn items_that_are_not_short_distinct_strings_number_their_instances() {
    let objects = PIPE
        .replace(
            r#"builtin emit { universe: ["AAPL", "MSFT", "NVDA", "BRK.B", "XOM", "JPM"] }
  returns { universe: [string] }"#,
            r#"builtin emit { universe: [{ s: "A" }, { s: "B" }] }
  returns { universe: [{ s: string }] }"#,
        )
        .replace("SETTINGS", "")
        .replace("GATE", "");
    let f = Fixture::new("fan-out-numbered", &objects);
    f.script(
        "score.sh",
        "#!/bin/sh\necho '{\"symbol\": \"x\", \"score\": 1}'\n",
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // Started in item order; they may finish in either.
    assert_eq!(
        instance_events(&f, "task_started"),
        ["score[0]", "score[1]"]
    );
    assert_eq!(instance_events(&f, "task_completed").len(), 2);
}

#[test]
fn a_resume_keeps_the_finished_instances_and_runs_the_rest() {
    let pipe = PIPE
        .replace("SETTINGS", "concurrency 1")
        .replace("GATE", "");
    let f = durable_common::Fixture::new("fan-out-resume", &pipe);
    f.script("score.sh", SCORE);
    f.write("fail.txt", "BRK.B\n");
    let first = f.run(&[]);
    assert_eq!(
        first.status.code(),
        Some(1),
        "{}",
        durable_common::text(&first)
    );
    for s in ["AAPL", "MSFT", "NVDA"] {
        assert_eq!(f.count(s), 1);
    }
    assert_eq!(f.count("XOM"), 0, "no instance starts after the failure");

    std::fs::remove_file(f.dir.join("fail.txt")).unwrap();
    let second = f.run(&[]);
    assert!(second.status.success(), "{}", durable_common::text(&second));
    // The three finished instances were restored, not run again.
    for s in SYMBOLS {
        assert_eq!(f.count(s), 1, "`{s}` ran {} times", f.count(s));
    }
    let db = f.store();
    let run_id = db.runs(None, 1).unwrap()[0].run_id.clone();
    let tasks = db.tasks(&run_id).unwrap();
    let status = |name: &str| {
        tasks
            .iter()
            .find(|t| t.task == name)
            .map(|t| t.status.clone())
            .unwrap_or_default()
    };
    assert_eq!(status("score"), "completed");
    assert_eq!(status("score[BRK.B]"), "completed");
    assert_eq!(status("score[AAPL]"), "completed");
    let scores: Vec<String> = seen_scores_in(&f.dir).into_iter().collect();
    assert_eq!(scores, SYMBOLS);
}

fn seen_scores_in(dir: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("seen.json")).unwrap();
    let context: Value = serde_json::from_str(&text).unwrap();
    context["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["symbol"].as_str().unwrap().to_string())
        .collect()
}
