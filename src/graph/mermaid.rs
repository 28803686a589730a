//! The drawing as a Mermaid flowchart.
//!
//! Every node is declared inside its subgraph before any link is written: Mermaid
//! puts a node in the subgraph where it first appears, so links written inside a
//! subgraph could pull nodes of other stages into it.

use super::escape::mermaid_text;
use super::model::{Drawing, End, LinkKind, Node, NodeKind, PipelineBox, StageBox};
use std::fmt::Write;

/// Styles for the node kinds; only the ones a drawing uses are written.
const CLASSES: [(NodeKind, &str, &str); 5] = [
    (NodeKind::Gate, "gate", "fill:#fff3cd,stroke:#b8860b"),
    (
        NodeKind::Merge,
        "merge",
        "fill:#e3f2fd,stroke:#1565c0,stroke-width:2px",
    ),
    (
        NodeKind::SubPipeline,
        "subpipeline",
        "fill:#ede7f6,stroke:#5e35b1",
    ),
    (NodeKind::Legend, "legend", "fill:#f5f5f5,stroke:#9e9e9e"),
    (
        NodeKind::Placeholder,
        "placeholder",
        "fill:none,stroke:#bdbdbd,stroke-dasharray:3 3",
    ),
];

pub(crate) fn write(drawing: &Drawing) -> String {
    let mut out = String::from("flowchart TD\n");
    for pipeline in &drawing.pipelines {
        write_pipeline(&mut out, pipeline);
    }
    for link in &drawing.links {
        let arrow = match link.kind {
            LinkKind::Dependency => "-->",
            LinkKind::Data => "-.->",
            LinkKind::Stage => "==>",
            LinkKind::Runs => "-.->|\"runs\"|",
        };
        let _ = writeln!(out, "  {} {arrow} {}", end(&link.from), end(&link.to));
    }
    write_styles(&mut out, drawing);
    out
}

fn write_pipeline(out: &mut String, pipeline: &PipelineBox) {
    let _ = writeln!(
        out,
        "  subgraph {} [\"{}\"]",
        pipeline.id,
        mermaid_text(&pipeline.title)
    );
    let _ = writeln!(out, "    direction TB");
    if let Some(legend) = &pipeline.legend {
        write_node(out, "    ", legend);
    }
    if let Some(placeholder) = &pipeline.placeholder {
        write_node(out, "    ", placeholder);
    }
    for stage in &pipeline.stages {
        write_stage(out, stage);
    }
    for gate in &pipeline.gates {
        write_node(out, "    ", gate);
    }
    let _ = writeln!(out, "  end");
}

fn write_stage(out: &mut String, stage: &StageBox) {
    let _ = writeln!(
        out,
        "    subgraph {} [\"{}\"]",
        stage.id,
        mermaid_text(&stage.title)
    );
    let _ = writeln!(out, "      direction TB");
    for node in stage.tasks.iter().chain(&stage.placeholder) {
        write_node(out, "      ", node);
    }
    let _ = writeln!(out, "    end");
}

fn write_node(out: &mut String, indent: &str, node: &Node) {
    let text: Vec<String> = node.lines.iter().map(|l| mermaid_text(l)).collect();
    let text = text.join("<br/>");
    let (open, close) = match node.kind {
        NodeKind::Task => ("[", "]"),
        NodeKind::Merge => ("[/", "\\]"),
        NodeKind::SubPipeline => ("[[", "]]"),
        NodeKind::Gate => ("{{", "}}"),
        NodeKind::Legend => (">", "]"),
        NodeKind::Placeholder => ("(", ")"),
    };
    let _ = writeln!(out, "{indent}{}{open}\"{text}\"{close}", node.id);
}

/// Mermaid links subgraphs by their id, so a cluster end needs no anchor node.
fn end(end: &End) -> &str {
    end.cluster.as_deref().unwrap_or(&end.node)
}

fn write_styles(out: &mut String, drawing: &Drawing) {
    let nodes: Vec<&Node> = drawing
        .pipelines
        .iter()
        .flat_map(|p| {
            let stages = p
                .stages
                .iter()
                .flat_map(|s| s.tasks.iter().chain(&s.placeholder));
            p.legend
                .iter()
                .chain(&p.placeholder)
                .chain(stages)
                .chain(&p.gates)
        })
        .collect();
    for (kind, class, style) in CLASSES {
        let members: Vec<&str> = nodes
            .iter()
            .filter(|n| n.kind == kind)
            .map(|n| n.id.as_str())
            .collect();
        if !members.is_empty() {
            let _ = writeln!(out, "  classDef {class} {style}");
            let _ = writeln!(out, "  class {} {class}", members.join(","));
        }
    }
    // A best-effort stage gets a dashed border as well as its "(best effort)" title.
    for stage in drawing.pipelines.iter().flat_map(|p| &p.stages) {
        if stage.best_effort {
            let _ = writeln!(out, "  style {} stroke-dasharray:6 4", stage.id);
        }
    }
}
