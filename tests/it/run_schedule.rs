//! Scheduling order, context merging at joins, gates and sub-pipelines.

use crate::run_common;
use run_common::*;
use serde_json::json;

#[test]
fn priority_then_name_decides_under_concurrency_1() {
    let f = Fixture::new(
        "priority",
        r#"
handler noop { builtin noop }
handler nap { builtin sleep 5ms }
pipeline p {
  concurrency 1
  stage one {
    task first { run nap }
    task a_low { run noop priority low after first }
    task b_crit { run nap priority critical after first }
    task c_high { run noop priority high after first }
    task d_std { run nap after first }
    task a_std { run noop after first }
    task e_num { run noop priority 80 after first }
  }
}"#,
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let order: Vec<String> = f
        .events_of("task_started")
        .iter()
        .map(|e| e["task"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        order,
        ["first", "b_crit", "e_num", "c_high", "a_std", "d_std", "a_low"]
    );
}

#[test]
fn concurrency_bounds_running_tasks() {
    let f = Fixture::new(
        "concurrency",
        r#"
handler nap { builtin sleep 30ms }
pipeline p {
  concurrency 2
  stage one { task a { run nap } task b { run nap } task c { run nap } task d { run nap } task e { run nap } }
}"#,
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 0);
    let mut running = 0i32;
    let mut peak = 0;
    for e in f.events() {
        match e["event"].as_str().unwrap() {
            "task_started" => running += 1,
            "task_completed" => running -= 1,
            _ => {}
        }
        peak = peak.max(running);
    }
    assert_eq!(peak, 2);
}

#[test]
fn parallel_lists_append_in_declaration_order_whatever_finishes_first() {
    let f = Fixture::new(
        "merge",
        r#"
handler root { builtin emit { signals: [0] } returns { signals: [int] } }
handler slow_one { shell "sleep 0.2; echo '{\"signals\": [1], \"a\": 1}'" returns { signals: [int], a: int } }
handler fast_two { builtin emit { signals: [2], b: 2 } returns { signals: [int], b: int } }
handler seen { shell "cat > \"$PIPEC_WORK_DIR/seen.json\"" }
pipeline p {
  concurrency 4
  stage one {
    task root
    task zeta { run slow_one }
    task alpha { run fast_two }
    task join { run seen }
    flow root -> [zeta, alpha] -> join
  }
  stage two { task after_stage { run seen after join } }
}"#,
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let seen: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(f.work("seen.json")).unwrap()).unwrap();
    // Lists accumulate: root's item, then the branches' in declaration order;
    // zeta is declared first, so its list comes first although it finished last.
    assert_eq!(seen, json!({ "signals": [0, 1, 2], "a": 1, "b": 2 }));
    assert_eq!(f.summary()["context"]["signals"], json!([0, 1, 2]));
}

#[test]
fn a_collision_fails_the_reader_and_a_merge_step_gets_branches_apart() {
    let f = Fixture::new(
        "collision",
        r#"
handler one { builtin emit { x: 1 } returns { x: int } }
handler two { builtin emit { x: 2 } returns { x: int } }
handler merge { shell "cat > \"$PIPEC_WORK_DIR/merge.json\"; echo '{\"x\": 3}'" returns { x: int } }
handler reader { shell "cat > \"$PIPEC_WORK_DIR/reader.json\"" }
pipeline p {
  stage one {
    task a { run one }
    task b { run two }
    task combine { run merge joins a, b }
    task naive { run reader after a, b }
  }
}"#,
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 1);
    let merge: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(f.work("merge.json")).unwrap()).unwrap();
    assert_eq!(
        merge,
        json!({ "branches": { "a": { "x": 1 }, "b": { "x": 2 } } })
    );
    assert_eq!(f.status("combine"), "completed");
    assert_eq!(f.status("naive"), "failed");
    assert_eq!(
        f.message("naive"),
        "context collision: parallel branches `a` and `b` all write `x` (pipeline `merge error`); order them, choose `merge last_wins`/`first_wins`, or join them in a merge step"
    );
    assert!(
        !f.work("reader.json").exists(),
        "the colliding reader never ran"
    );
}

#[test]
fn last_wins_and_first_wins_pick_by_declaration_order() {
    for (strategy, expected) in [("last_wins", 2), ("first_wins", 1)] {
        let f = Fixture::new(
            strategy,
            &format!(
                r#"
handler one {{ builtin emit {{ x: 1 }} returns {{ x: int }} }}
handler two {{ builtin emit {{ x: 2 }} returns {{ x: int }} }}
pipeline p {{
  merge {strategy}
  stage one {{ task a {{ run one }} task b {{ run two }} }}
}}"#
            ),
        );
        let out = f.run(&[]);
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        assert_eq!(f.summary()["context"]["x"], expected, "{strategy}");
    }
}

#[test]
fn sequential_writes_replace_values_and_append_lists() {
    let f = Fixture::new(
        "sequential",
        r#"
handler one { builtin emit { x: 1, l: [1] } returns { x: int, l: [int] } }
handler two { builtin emit { x: 2, l: [2] } returns { x: int, l: [int] } }
pipeline p {
  stage s1 { task a { run one } task b { run two after a } }
  stage s2 { task c { run one } }
}"#,
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(
        f.summary()["context"],
        json!({ "x": 1, "l": [1, 2, 1] }),
        "later writes replace a value and append to a list, within and across stages"
    );
}

#[test]
fn gate_failures_name_the_gate_the_expression_and_the_values() {
    let f = Fixture::new(
        "gates",
        r#"
handler signals {
  builtin emit { signals: [{ conf_score: 0.1 }, { conf_score: 0.2 }, { conf_score: 0.3 }], n: 3 }
  returns { signals: [{ conf_score: float }], n: int }
}
handler noop { builtin noop }
pipeline p {
  stage one {
    task signals
    gate counted "three signals" { len(signals) == 3 and count(signals, s => s.conf_score > 0.15) == 2 and all(signals, s => s.conf_score < 1) }
    gate has_signal "at least one signal with conf_score > 0.60" { n > 0 and any(signals, s => s.conf_score > 0.60) }
  }
  stage two { task later { run noop } }
}"#,
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 1);
    let passed = f.events_of("gate_passed");
    assert_eq!(passed.len(), 1);
    assert_eq!(passed[0]["gate"], "counted");
    let failed = f.events_of("gate_failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(
        failed[0]["message"],
        "gate `has_signal` failed: any(signals, …) was false; signals = [..3 items]"
    );
    assert_eq!(f.status("later"), "skipped");
    assert_eq!(
        f.summary()["reason"],
        "stage `one` failed: gate `has_signal` failed: any(signals, …) was false; signals = [..3 items]"
    );
}

#[test]
fn a_gate_on_a_missing_key_says_why_it_is_absent() {
    let f = Fixture::new(
        "absent",
        r#"
handler fetch { builtin fail "vendor down" returns { data_at: timestamp } }
handler check { builtin fail "broken" }
pipeline p {
  stage data {
    task fetch { on_failure warn }
    task check { on_failure warn }
    gate fresh "data younger than 24h" { age(data_at) < 24h }
  }
}"#,
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 1);
    assert_eq!(
        f.events_of("gate_failed")[0]["message"],
        "gate `fresh` failed: key `data_at` is absent: `fetch`, which writes it, ended warned (vendor down)"
    );
}

#[test]
fn task_status_functions_and_age_with_a_frozen_clock() {
    let f = Fixture::new(
        "age",
        r#"
handler stamp { builtin emit { at: "2026-11-20T10:00:00Z" } returns { at: timestamp } }
handler flaky { builtin fail "nope" }
pipeline p {
  stage one {
    task stamp
    task flaky { on_failure warn }
    gate fresh { age(at) < 24h and age(at) >= 2h and ok(stamp) and warned(flaky) and stage_ok() == false and exists(at) }
  }
}"#,
    );
    let out = f.run(&["--now", "2026-11-20T12:00:00Z"]);
    assert_eq!(code(&out), 0, "{}{}", text(&out.stdout), text(&out.stderr));
    let out = f.run(&["--now", "2026-11-22T12:00:00Z"]);
    assert_eq!(code(&out), 1);
    assert_eq!(
        f.events_of("gate_failed")[0]["message"],
        "gate `fresh` failed: age(at) < 24h was false; at = \"2026-11-20T10:00:00Z\""
    );
}

#[test]
fn a_sub_pipeline_runs_on_the_current_context_and_returns_what_it_added() {
    let f = Fixture::new(
        "sub",
        r#"
handler base { builtin emit { region: "US" } returns { region: string } }
handler child_work { shell "cat > \"$PIPEC_WORK_DIR/child.json\"; echo '{\"y\": 7}'" returns { y: int } }
handler noop { builtin noop }
pipeline main {
  stage one {
    task base
    task nested { run pipeline child after base }
    gate got { y == 7 and region == "US" }
  }
}
pipeline child {
  stage inner { task child_work }
}"#,
    );
    let out = f.run(&[]);
    assert_eq!(code(&out), 0, "{}{}", text(&out.stdout), text(&out.stderr));
    let child: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(f.work("child.json")).unwrap()).unwrap();
    assert_eq!(child, json!({ "region": "US" }));
    assert_eq!(f.summary()["context"], json!({ "region": "US", "y": 7 }));
    assert!(f
        .events()
        .iter()
        .any(|e| e["pipeline"] == "child" && e["event"] == "task_completed"));
    assert!(text(&out.stdout).contains("child/child_work"));
}

#[test]
fn stages_and_triggers_select_what_runs() {
    let f = Fixture::new(
        "select",
        r#"
handler noop { builtin noop }
pipeline p {
  stage a { task ta { run noop } }
  stage b { task tb { run noop } }
  stage c { task tc { run noop } }
  trigger LATE { at 10:00 stages b..c }
}"#,
    );
    let out = f.run(&["--stages", "a..b", "--as-of", "2026-11-20"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let names: Vec<String> = f.summary()["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["task"].as_str().unwrap().into())
        .collect();
    assert_eq!(names, ["ta", "tb"]);
    let out = f.run(&["--trigger", "LATE", "--as-of", "2026-11-20"]);
    assert_eq!(code(&out), 0);
    let names: Vec<String> = f.summary()["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["task"].as_str().unwrap().into())
        .collect();
    assert_eq!(names, ["tb", "tc"]);
    let out = f.run(&["--stages", "nope"]);
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("pipeline `p` has no stage `nope` (stages: a, b, c)"));
}

#[test]
fn after_a_merge_step_only_its_value_of_a_collided_key_remains() {
    let f = Fixture::new(
        "merge_step",
        r#"
handler one { builtin emit { x: 1, l: [1] } returns { x: int, l: [int] } }
handler two { builtin emit { x: 2, l: [2] } returns { x: int, l: [int] } }
handler merge { builtin emit { x: 3 } returns { x: int } }
handler silent { builtin noop }
pipeline p {
  stage s1 { task a { run one } task b { run two } task combine { run merge joins a, b } }
  stage s2 { task c { run one } task d { run two } task quiet { run silent joins c, d } }
}"#,
    );
    let out = f.run(&["--stages", "s1"]);
    assert_eq!(code(&out), 0, "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(f.summary()["context"], json!({ "x": 3, "l": [1, 2] }));
    let out = f.run(&["--stages", "s2"]);
    assert_eq!(code(&out), 0, "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(
        f.summary()["context"],
        json!({ "l": [1, 2] }),
        "a merge step that writes no x drops it"
    );
}

#[test]
fn gate_expressions_evaluate_every_operator() {
    let f = Fixture::new(
        "operators",
        r#"
handler facts {
  builtin emit {
    symbols: ["AAPL", "MSFT"], name: "market open", at: "2026-11-20T10:00:00Z", same: "2026-11-20T05:00:00-05:00",
    account: { cash: 1000.5, broker: "ib" }, n: 4, ratio: 0.5, flag: true, nothing: null
  }
  returns {
    symbols: [string], name: string, at: timestamp, same: timestamp,
    account: { cash: float, broker: string }, n: int, ratio: float, flag: bool, nothing?: any
  }
}
pipeline p {
  stage s {
    task facts
    gate membership { "AAPL" in symbols and not ("TSLA" in symbols) and "open" in name }
    gate sizes { len(symbols) == 2 and len(name) == 11 }
    gate arithmetic { n * 2 + 1 == 9 and n / 2 == 2 and n / 8 == ratio and -n < 0 and account.cash - 0.5 == 1000 }
    gate times { at == same and age(at) > 1h and age(at) <= 2h + 30m }
    gate fields { account.broker == "ib" and account.cash > 1000 and flag and nothing == null and exists(ratio) }
    gate lists { [1, 2] == [1, 2] and count(symbols, s => s != "AAPL") == 1 and all(symbols, s => len(s) == 4) }
  }
}"#,
    );
    let out = f.run(&["--now", "2026-11-20T11:30:00Z"]);
    assert_eq!(code(&out), 0, "{}{}", text(&out.stdout), text(&out.stderr));
    assert_eq!(f.events_of("gate_passed").len(), 6);
}
