//! The plan hash is computed from the public, versioned IR: an upgrade that
//! changes the internal layout (here: the task graph built in another order,
//! so every internal task id differs) keeps every recorded hash valid, and
//! the hash of a known pipeline is pinned so a change of the public form is
//! noticed (it must then bump the form's version).

use crate::common;

use pipec::ir::{PipelineId, Program};
use pipec::store::plan_of;

fn pinned() -> (Program, PipelineId) {
    let compilation = common::compile(&common::root().join("tests/data/plan_hash/pinned.pipe"));
    let program = compilation
        .program
        .unwrap_or_else(|| panic!("pinned.pipe checks clean: {:#?}", compilation.diagnostics));
    let id = program.find_pipeline("pinned").expect("a pipeline");
    (program, id)
}

/// The same pipeline with its task graph's nodes inserted in reverse order.
fn reversed_layout(mut program: Program, id: PipelineId) -> Program {
    use petgraph::graph::{DiGraph, NodeIndex};
    let p = &mut program.pipelines[id.0 as usize];
    let old = std::mem::take(&mut p.dag);
    let n = old.node_count();
    let new_index = |i: NodeIndex<u32>| NodeIndex::new(n - 1 - i.index());
    let mut dag = DiGraph::with_capacity(n, old.edge_count());
    for i in (0..n).rev() {
        dag.add_node(old[NodeIndex::new(i)].clone());
    }
    for e in old.edge_indices() {
        let (a, b) = old.edge_endpoints(e).expect("an edge");
        dag.add_edge(new_index(a), new_index(b), old[e]);
    }
    for stage in &mut p.stages {
        for t in &mut stage.tasks {
            *t = new_index(*t);
        }
    }
    for source in &mut p.sources {
        source.producer = new_index(source.producer);
    }
    p.dag = dag;
    program
}

#[test]
fn a_different_internal_layout_keeps_the_plan_hash() {
    let (program, id) = pinned();
    let before = plan_of(&program, id);
    let internal_before = serde_json::to_string(&program.pipelines[id.0 as usize]).unwrap();
    let reordered = reversed_layout(program, id);
    let internal_after = serde_json::to_string(&reordered.pipelines[id.0 as usize]).unwrap();
    assert_ne!(
        internal_before, internal_after,
        "the internal IR did change"
    );
    assert_eq!(plan_of(&reordered, id), before);
}

#[test]
fn the_plan_hash_of_a_known_pipeline_is_pinned() {
    let (program, id) = pinned();
    let plan = plan_of(&program, id);
    assert!(plan.hash.starts_with("v1:"), "{}", plan.hash);
    // If this changes, the public IR's form changed: every recorded run would
    // refuse to resume. Bump `ir::public::FORMAT_VERSION` and the hash prefix
    // (docs/durability.md), then pin the new value.
    assert_eq!(
        plan.hash,
        "v1:6d6183f1f9e365cb8a09913bf9e02bc76a0b31c31573e96e4cac510d138305d0"
    );
}

/// Whom a run tells and by when it must end do not change its work: adding
/// notify lines and deadlines keeps the plan, so a run resumes across them.
#[test]
fn notify_lines_and_deadlines_keep_the_plan_hash() {
    let (program, id) = pinned();
    let before = plan_of(&program, id).hash;
    let text = std::fs::read_to_string(common::root().join("tests/data/plan_hash/pinned.pipe"))
        .unwrap()
        .replacen(
            "pipeline pinned \"Pinned\" {",
            "notifier ops { webhook \"http://127.0.0.1:9/hook\" }\npipeline pinned \"Pinned\" {\n  notify ops on run_failed\n  deadline close - 15m",
            1,
        )
        .replacen("  stage rest {", "  stage rest {\n    deadline 16:30", 1);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("plan-hash-notify");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("pinned.pipe");
    std::fs::write(&file, text).unwrap();
    let compilation = pipec::compile::compile(&file).unwrap();
    let program = compilation
        .program
        .unwrap_or_else(|| panic!("{:#?}", compilation.diagnostics));
    let id = program.find_pipeline("pinned").unwrap();
    let public = serde_json::to_value(pipec::ir::public::Program::of(&program)).unwrap();
    assert!(
        public.to_string().contains("deadline"),
        "the deadlines are in the public IR"
    );
    assert_eq!(plan_of(&program, id).hash, before);
}
