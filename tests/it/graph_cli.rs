//! `pipec graph` as a user runs it: selection, output, errors and exit codes,
//! and properties every drawing must have (unique ids, both formats agreeing).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/graph")
        .join(name)
}

fn pipec(args: &[&str]) -> Output {
    crate::common::binary()
        .args(args)
        .output()
        .expect("pipec runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn fixture_str(name: &str) -> String {
    fixture(name).display().to_string()
}

/// A scratch folder of this test's own, so parallel tests never share files.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pipec-graph-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn mermaid_on_stdout_by_default() {
    let out = pipec(&["graph", &fixture_str("stages_and_gates.pipe")]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).starts_with("flowchart TD\n"));
}

#[test]
fn dot_on_request() {
    let out = pipec(&[
        "graph",
        "--format",
        "dot",
        &fixture_str("stages_and_gates.pipe"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.starts_with("digraph pipec {\n") && text.ends_with("}\n"));
}

#[test]
fn output_file_instead_of_stdout() {
    let path = scratch("output").join("day.dot");
    let out = pipec(&[
        "graph",
        "--format",
        "dot",
        "-o",
        &path.display().to_string(),
        &fixture_str("stages_and_gates.pipe"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&path).expect("output written");
    assert!(written.starts_with("digraph pipec {"));
}

#[test]
fn first_pipeline_by_default_one_by_name_or_all() {
    let file = fixture_str("sub_pipelines.pipe");
    let first = stdout(&pipec(&["graph", &file]));
    assert!(first.contains("subgraph p0_pipeline_parent "));
    assert!(!first.contains("subgraph p1_pipeline_child "));

    let named = stdout(&pipec(&["graph", "--pipeline", "child", &file]));
    assert!(named.contains("subgraph p1_pipeline_child "));
    assert!(!named.contains("subgraph p0_pipeline_parent "));

    let all = stdout(&pipec(&["graph", "--all", &file]));
    for id in [
        "p0_pipeline_parent",
        "p1_pipeline_child",
        "p2_pipeline_grandchild",
    ] {
        assert!(all.contains(&format!("subgraph {id} ")), "{id} missing");
    }
    // Sub-pipeline tasks link to the cluster of the pipeline they run.
    assert!(all.contains("p0_t0_refresh -.->|\"runs\"| p1_pipeline_child"));
}

#[test]
fn unknown_pipeline_is_a_usage_error() {
    let out = pipec(&[
        "graph",
        "--pipeline",
        "nope",
        &fixture_str("sub_pipelines.pipe"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no pipeline named `nope`"), "{stderr}");
}

#[test]
fn missing_file_is_a_usage_error() {
    let out = pipec(&["graph", "/nonexistent/nothing.pipe"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn compile_errors_are_reported_and_nothing_is_drawn() {
    let path = scratch("errors").join("broken.pipe");
    std::fs::write(
        &path,
        "handler h { builtin noop }\npipeline p {\n  stage s {\n    task t { run h  after nothing_here }\n  }\n}\n",
    )
    .expect("write fixture");
    let out = pipec(&["graph", &path.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nothing_here"), "{stderr}");
}

#[test]
fn gates_sit_between_their_stage_and_the_next() {
    let text = stdout(&pipec(&["graph", &fixture_str("stages_and_gates.pipe")]));
    let spine: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(" ==> "))
        .map(str::trim)
        .collect();
    assert_eq!(
        spine,
        [
            "p0_s0_prepare ==> p0_g0_0_ready",
            "p0_g0_0_ready ==> p0_g0_1_enough",
            "p0_g0_1_enough ==> p0_s1_work",
            "p0_s1_work ==> p0_s2_report",
            "p0_s2_report ==> p0_g2_0_published",
            "p0_g2_0_published ==> p0_s3_tidy",
        ]
    );
}

/// Node ids declared in a Mermaid drawing: `id[`, `id{{`, `id>`, `id(`, and subgraphs.
fn mermaid_ids(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.contains("-->") && !l.contains("==>") && !l.contains("-.->"))
        .filter_map(|l| {
            let l = l.strip_prefix("subgraph ").unwrap_or(l);
            let end = l.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
            let id = &l[..end];
            let rest = &l[end..];
            let declares = rest.starts_with(['[', '{', '>', '(']) || rest.starts_with(" [");
            (declares && !id.is_empty()).then(|| id.to_string())
        })
        .collect()
}

/// Node and cluster ids declared in a DOT drawing.
fn dot_ids(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter_map(|l| {
            if let Some(rest) = l.strip_prefix("subgraph cluster_") {
                return rest.strip_suffix(" {").map(str::to_string);
            }
            let (id, rest) = l.split_once(" [label=")?;
            (!rest.is_empty()).then(|| id.to_string())
        })
        .collect()
}

#[test]
fn ids_are_unique_and_both_formats_draw_the_same_boxes() {
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(fixture(""))
        .expect("tests/graph exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pipe"))
        .collect();
    fixtures.sort();
    assert!(!fixtures.is_empty());
    for path in fixtures {
        let file = path.display().to_string();
        let mermaid = mermaid_ids(&stdout(&pipec(&["graph", "--all", &file])));
        let dot = dot_ids(&stdout(&pipec(&[
            "graph", "--all", "--format", "dot", &file,
        ])));
        let unique: BTreeSet<&String> = mermaid.iter().collect();
        assert_eq!(
            unique.len(),
            mermaid.len(),
            "{file}: duplicate ids in {mermaid:?}"
        );
        for id in &mermaid {
            assert!(
                id.starts_with('p') && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            );
        }
        let dot: BTreeSet<&String> = dot.iter().collect();
        assert_eq!(unique, dot, "{file}: Mermaid and DOT disagree");
    }
}

#[test]
fn output_is_deterministic() {
    for format in ["mermaid", "dot"] {
        let file = fixture_str("branches_and_merges.pipe");
        let a = stdout(&pipec(&["graph", "--all", "--format", format, &file]));
        let b = stdout(&pipec(&["graph", "--all", "--format", format, &file]));
        assert_eq!(a, b);
    }
}

#[test]
fn parallel_branches_share_a_rank_and_merge_steps_are_marked() {
    let file = fixture_str("branches_and_merges.pipe");
    let dot = stdout(&pipec(&["graph", "--format", "dot", &file]));
    assert!(dot.contains("{ rank=same; p0_t1_fetch_a -> p0_t2_fetch_b [style=invis]; }"));
    assert!(dot.contains("{ rank=same; p0_t4_model_x -> p0_t5_model_y [style=invis]; }"));
    let mermaid = stdout(&pipec(&["graph", &file]));
    assert!(mermaid.contains("p0_t6_combine[/\"combine<br/>run combine<br/>fail · timeout 30s<br/>priority high<br/>merge step\"\\]"));
    // A dependency on an earlier stage is drawn dotted: data, not order.
    assert!(mermaid.contains("p0_t1_fetch_a -.-> p0_t4_model_x"));
}
