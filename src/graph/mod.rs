//! `pipec graph`: a checked program drawn as a Mermaid flowchart or a Graphviz
//! DOT digraph.
//!
//! A pipeline is a cluster; its stages are clusters inside it, in order, linked
//! through their gates (hexagons between stage N and stage N+1); tasks are nodes
//! linked by their dependencies. The drawing is built once (`model`, with the
//! words from `label`) and then written by `mermaid` or `dot`, which only
//! translate it and escape text (`escape`). Everything is ordered by the program,
//! never by hash order, so the same file always draws the same text.

mod dot;
pub(crate) mod escape;
mod label;
mod mermaid;
mod model;
pub(crate) mod svg;

use crate::ir::{PipelineId, Program, Work};
use crate::span::FileId;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Mermaid,
    Dot,
}

/// Which pipelines to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection<'a> {
    /// The first pipeline of the root file, like `pipec run`.
    First,
    /// One pipeline by name, from the root file or an import.
    Named(&'a str),
    /// Every pipeline of the root file and the sub-pipelines they run.
    All,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectError {
    NoPipelines,
    Unknown { name: String, known: Vec<String> },
}

impl fmt::Display for SelectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectError::NoPipelines => f.write_str("the file declares no pipeline to draw"),
            SelectError::Unknown { name, known } if known.is_empty() => {
                write!(f, "no pipeline named `{name}`")
            }
            SelectError::Unknown { name, known } => {
                write!(
                    f,
                    "no pipeline named `{name}` (pipelines: {})",
                    known.join(", ")
                )
            }
        }
    }
}

impl std::error::Error for SelectError {}

/// The pipelines `selection` names, in program order. `root` is the file given on
/// the command line: its pipelines come before those it imports.
pub fn select(
    program: &Program,
    root: FileId,
    selection: Selection<'_>,
) -> Result<Vec<PipelineId>, SelectError> {
    let ids = || (0..program.pipelines.len()).map(|i| PipelineId(i as u32));
    let in_root: Vec<PipelineId> = ids()
        .filter(|&id| program.pipeline(id).span.file == root)
        .collect();
    match selection {
        Selection::First => in_root
            .first()
            .copied()
            .or_else(|| ids().next())
            .map(|id| vec![id])
            .ok_or(SelectError::NoPipelines),
        Selection::Named(name) => program
            .find_pipeline(name)
            .map(|id| vec![id])
            .ok_or_else(|| SelectError::Unknown {
                name: name.to_string(),
                known: program.pipelines.iter().map(|p| p.name.clone()).collect(),
            }),
        Selection::All => {
            // A file that only imports pipelines draws the imported ones.
            let mut chosen = if in_root.is_empty() {
                ids().collect()
            } else {
                in_root
            };
            // Sub-pipelines are drawn too, so the "runs" links have somewhere to go.
            let mut i = 0;
            while let Some(&id) = chosen.get(i) {
                for task in program.pipeline(id).dag.node_weights() {
                    if let Work::Pipeline(sub) = task.work {
                        if !chosen.contains(&sub) && (sub.0 as usize) < program.pipelines.len() {
                            chosen.push(sub);
                        }
                    }
                }
                i += 1;
            }
            chosen.sort();
            if chosen.is_empty() {
                Err(SelectError::NoPipelines)
            } else {
                Ok(chosen)
            }
        }
    }
}

/// Draws the given pipelines in one diagram.
pub fn render(program: &Program, pipelines: &[PipelineId], format: Format) -> String {
    let drawing = model::build(program, pipelines);
    match format {
        Format::Mermaid => mermaid::write(&drawing),
        Format::Dot => dot::write(&drawing),
    }
}
