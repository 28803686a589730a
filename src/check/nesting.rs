//! Pipelines that run each other in a loop.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ir::{Program, Work};
use crate::span::Span;
use petgraph::graph::DiGraph;

/// A pipeline that runs itself, directly or through others, would never end.
pub(super) fn check(program: &Program, diagnostics: &mut Diagnostics) {
    let mut graph = DiGraph::<usize, Span>::new();
    let nodes: Vec<_> = (0..program.pipelines.len())
        .map(|i| graph.add_node(i))
        .collect();
    for (i, pipeline) in program.pipelines.iter().enumerate() {
        for task in pipeline.dag.node_weights() {
            if let Work::Pipeline(p) = task.work {
                graph.add_edge(nodes[i], nodes[p.0 as usize], task.span);
            }
        }
    }
    for component in petgraph::algo::tarjan_scc(&graph) {
        let looped = component.len() > 1 || graph.contains_edge(component[0], component[0]);
        if !looped {
            continue;
        }
        let mut names: Vec<&str> = component
            .iter()
            .map(|n| program.pipelines[graph[*n]].name.as_str())
            .collect();
        names.sort_unstable();
        let mut d = Diagnostic::new(
            Code::PipelineCycle,
            format!("pipelines run each other in a loop: {}", names.join(", ")),
        );
        for edge in graph.edge_indices() {
            if let Some((a, b)) = graph.edge_endpoints(edge) {
                if component.contains(&a) && component.contains(&b) {
                    d = d.label(
                        graph[edge],
                        format!("runs `{}`", program.pipelines[graph[b]].name),
                    );
                }
            }
        }
        diagnostics.push(d.help("a pipeline may not run itself, directly or through another"));
    }
}
