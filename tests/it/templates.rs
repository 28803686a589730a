//! Templates through the real binary: the market DAG is one template made
//! into three pipelines, drawn one by one; a mistake shared by every instance
//! is reported once; an instance plans like the same pipeline written out.

use crate::common::{self, stdout_of};

use pipec::store::plan_of;
use serde_json::Value;

#[test]
fn the_market_dag_is_three_pipelines_made_from_one_template() {
    let ir: Value = serde_json::from_str(&stdout_of(&[
        "check",
        "--emit",
        "ir",
        "pipelines/market_dag.pipe",
    ]))
    .expect("JSON");
    let pipelines = ir["pipelines"].as_array().expect("pipelines");
    let seen: Vec<(&str, &str, &str, &str)> = pipelines
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default(),
                p["template"].as_str().unwrap_or_default(),
                p["calendar"].as_str().unwrap_or_default(),
                p["title"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "market_us",
                "market_dag",
                "XNYS",
                "Market DAG: United States"
            ),
            (
                "market_eu",
                "market_dag",
                "XETR",
                "Market DAG: Europe (Xetra)"
            ),
            (
                "market_asia",
                "market_dag",
                "XTKS",
                "Market DAG: Asia (Tokyo)"
            ),
        ]
    );
    let zones: Vec<&str> = pipelines
        .iter()
        .map(|p| p["timezone"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(zones, ["America/New_York", "Europe/Berlin", "Asia/Tokyo"]);
    // Each instance has the whole DAG.
    for p in pipelines {
        let tasks: usize = p["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .map(|s| s["tasks"].as_array().map_or(0, Vec::len))
            .sum();
        assert_eq!(tasks, 9, "{}", p["name"]);
    }
}

#[test]
fn ingest_prices_is_declared_once_in_the_examples() {
    let mut declarations = 0;
    let mut stack = vec![common::root().join("pipelines")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "pipe") {
                let text = std::fs::read_to_string(&path).expect("read");
                declarations += text.matches("task ingest_prices").count();
            }
        }
    }
    assert_eq!(declarations, 1);
}

#[test]
fn graph_draws_one_instance() {
    let drawing = stdout_of(&[
        "graph",
        "--pipeline",
        "market_eu",
        "pipelines/market_dag.pipe",
    ]);
    assert!(drawing.contains("market_eu"), "{drawing}");
    assert!(drawing.contains("Market DAG: Europe (Xetra)"), "{drawing}");
    assert!(!drawing.contains("market_us"), "{drawing}");
    let all = stdout_of(&["graph", "--all", "pipelines/market_dag.pipe"]);
    for name in ["market_us", "market_eu", "market_asia"] {
        assert!(all.contains(name), "{name} not drawn:\n{all}");
    }
}

/// Three instances share a mistake of the template's text: one diagnostic,
/// at the template, labelled at each instance. The one that depends on an
/// argument (an unknown calendar) is reported at that argument.
#[test]
fn a_mistake_every_instance_shares_is_reported_once() {
    let out = common::pipec()
        .current_dir(common::root())
        .args([
            "check",
            "--format",
            "json",
            "tests/check/err/template_mistake_in_every_instance.pipe",
        ])
        .output()
        .expect("pipec runs");
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        codes,
        ["pipe::E014", "pipe::E014", "pipe::E012", "pipe::E015"]
    );
    // Said of the template, not of whichever instance was checked first.
    assert_eq!(
        diagnostics[2]["message"].as_str(),
        Some("template `market` has no task `ingets`")
    );
    let labels: Vec<String> = diagnostics[0]["labels"]
        .as_array()
        .expect("labels")
        .iter()
        .map(|l| l["message"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        labels,
        [
            "used here",
            "in instance `market_us` of template `market`",
            "in instance `market_eu` of template `market`",
            "in instance `market_xx` of template `market`",
        ]
    );
    let calendar_line = diagnostics[3]["labels"][0]["range"]["start"]["line"].as_u64();
    assert_eq!(calendar_line, Some(17), "at market_xx's argument");
}

/// An instance is the pipeline its template says: the plan hash (what a
/// resume compares) is the hash of the same pipeline written out.
#[test]
fn an_instance_plans_like_the_pipeline_written_out() {
    let project = common::Project::new(
        "templates",
        "plan",
        "handler a { builtin noop }\n\
         template t(zone, n) { timezone $zone  concurrency $n  stage s { task a { args \"${zone}\" } } }\n\
         pipeline made = t(zone: Europe/Berlin, n: 2)\n",
    );
    let written = project.write(
        "written.pipe",
        "handler a { builtin noop }\n\
         pipeline made { timezone Europe/Berlin  concurrency 2  stage s { task a { args \"Europe/Berlin\" } } }\n",
    );
    let plan = |path: &std::path::Path| {
        let program = common::compile(path).program.expect("checks clean");
        let id = program.find_pipeline("made").expect("the pipeline");
        plan_of(&program, id)
    };
    assert_eq!(plan(&project.dir.join("main.pipe")), plan(&written));
}
