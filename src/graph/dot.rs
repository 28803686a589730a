//! The drawing as a Graphviz DOT digraph.
//!
//! Stages and pipelines are clusters. DOT cannot link a cluster itself, so a link
//! to or from a stage goes through the stage's first or last node and is clipped
//! at the cluster border (`compound=true` with `lhead`/`ltail`).

use super::escape::dot_text;
use super::model::{Drawing, LinkKind, Node, NodeKind, PipelineBox, StageBox};
use std::fmt::Write;

pub(crate) fn write(drawing: &Drawing) -> String {
    let mut out = String::from("digraph pipec {\n");
    out.push_str("  graph [compound=true, rankdir=TB, fontname=\"Helvetica\", fontsize=12];\n");
    out.push_str("  node [shape=box, style=\"rounded,filled\", fillcolor=\"white\", fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for pipeline in &drawing.pipelines {
        write_pipeline(&mut out, pipeline);
    }
    for link in &drawing.links {
        let mut attrs: Vec<String> = Vec::new();
        if let Some(cluster) = &link.from.cluster {
            attrs.push(format!("ltail=\"cluster_{cluster}\""));
        }
        if let Some(cluster) = &link.to.cluster {
            attrs.push(format!("lhead=\"cluster_{cluster}\""));
        }
        match link.kind {
            LinkKind::Dependency => {}
            // Data links cross stages already ordered by the spine; letting them
            // rank nodes would pull the stages out of shape.
            LinkKind::Data => attrs.extend(["style=dashed".into(), "constraint=false".into()]),
            LinkKind::Stage => attrs.push("penwidth=2".into()),
            LinkKind::Runs => attrs.extend([
                "style=dashed".into(),
                "constraint=false".into(),
                "label=\"runs\"".into(),
            ]),
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        let _ = writeln!(out, "  {} -> {}{attrs};", link.from.node, link.to.node);
    }
    out.push_str("}\n");
    out
}

fn write_pipeline(out: &mut String, pipeline: &PipelineBox) {
    let _ = writeln!(out, "  subgraph cluster_{} {{", pipeline.id);
    let _ = writeln!(out, "    label=\"{}\";", dot_text(&pipeline.title));
    let _ = writeln!(out, "    style=\"rounded\";");
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
    let _ = writeln!(out, "  }}");
}

fn write_stage(out: &mut String, stage: &StageBox) {
    let _ = writeln!(out, "    subgraph cluster_{} {{", stage.id);
    let _ = writeln!(out, "      label=\"{}\";", dot_text(&stage.title));
    let style = if stage.best_effort {
        "rounded,dashed"
    } else {
        "rounded"
    };
    let _ = writeln!(out, "      style=\"{style}\";");
    for node in stage.tasks.iter().chain(&stage.placeholder) {
        write_node(out, "      ", node);
    }
    // Tasks at one depth have no path between them: the parallel branches. Keep
    // them on one rank, side by side.
    let mut depth = 0;
    loop {
        let level: Vec<&str> = stage
            .tasks
            .iter()
            .filter(|n| n.depth == depth)
            .map(|n| n.id.as_str())
            .collect();
        if level.is_empty() {
            break;
        }
        if level.len() > 1 {
            // The invisible chain keeps them left to right in declaration order;
            // without it dot is free to (and does) reverse them.
            let _ = writeln!(
                out,
                "      {{ rank=same; {} [style=invis]; }}",
                level.join(" -> ")
            );
        }
        depth += 1;
    }
    let _ = writeln!(out, "    }}");
}

fn write_node(out: &mut String, indent: &str, node: &Node) {
    let text: Vec<String> = node.lines.iter().map(|l| dot_text(l)).collect();
    // A legend reads as a list, left-aligned (`\l` ends a left-justified line);
    // everything else is centred (`\n`).
    let text = match node.kind {
        NodeKind::Legend => text.iter().map(|l| format!("{l}\\l")).collect::<String>(),
        _ => text.join("\\n"),
    };
    let shape = match node.kind {
        NodeKind::Task => "",
        NodeKind::Merge => {
            ", shape=invtrapezium, style=\"filled\", fillcolor=\"#e3f2fd\", penwidth=2"
        }
        NodeKind::SubPipeline => {
            ", shape=box, peripheries=2, style=\"filled\", fillcolor=\"#ede7f6\""
        }
        NodeKind::Gate => ", shape=hexagon, style=\"filled\", fillcolor=\"#fff3cd\"",
        NodeKind::Legend => ", shape=note, style=\"filled\", fillcolor=\"#f5f5f5\"",
        NodeKind::Placeholder => ", shape=plaintext, style=\"\"",
    };
    let _ = writeln!(out, "{indent}{} [label=\"{text}\"{shape}];", node.id);
}
