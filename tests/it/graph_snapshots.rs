//! Snapshots of `pipec graph` for every `.pipe` under `pipelines/` and
//! `tests/graph/`, in both formats, every pipeline of each file (`--all`).
//! New files are picked up by the glob; their snapshots land in `/snapshots`.

use pipec::compile::compile;
use pipec::graph::{render, select, Format, Selection};
use std::path::Path;

fn draw(path: &Path, format: Format) -> String {
    let compilation =
        compile(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let program = match &compilation.program {
        Some(program) if !compilation.has_errors() => program,
        _ => panic!(
            "{} does not compile: {:#?}",
            path.display(),
            compilation.diagnostics
        ),
    };
    let root = compilation.root;
    let pipelines =
        select(program, root, Selection::All).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    render(program, &pipelines, format)
}

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

#[test]
fn mermaid_of_every_pipe_file() {
    settings().bind(|| {
        insta::glob!("../..", "{pipelines,tests/graph}/*.pipe", |path| {
            insta::assert_snapshot!("graph_mermaid", draw(path, Format::Mermaid));
        });
    });
}

#[test]
fn dot_of_every_pipe_file() {
    settings().bind(|| {
        insta::glob!("../..", "{pipelines,tests/graph}/*.pipe", |path| {
            insta::assert_snapshot!("graph_dot", draw(path, Format::Dot));
        });
    });
}
