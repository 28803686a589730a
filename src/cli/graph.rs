//! `pipec graph`: draws pipelines as Mermaid or Graphviz DOT.

use super::exit;
use clap::ValueEnum;
use pipec::compile::compile;
use pipec::diagnostic::render::{render, Style};
use pipec::graph::{self, Selection};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The `.pipe` file to draw.
    file: PathBuf,
    /// Draw this pipeline (default: the first of the file).
    #[arg(long, conflicts_with = "all")]
    pipeline: Option<String>,
    /// Draw every pipeline of the file, and the sub-pipelines they run.
    #[arg(long)]
    all: bool,
    /// The output language.
    #[arg(long, value_enum, default_value_t = Format::Mermaid)]
    format: Format,
    /// Write the drawing here instead of to stdout.
    #[arg(short = 'o', long = "output")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Mermaid,
    Dot,
}

pub(super) fn run(args: &Args) -> u8 {
    let compilation = match compile(&args.file) {
        Ok(c) => c,
        Err(error) => {
            eprintln!("error: cannot read `{}`: {error}", args.file.display());
            return exit::USAGE;
        }
    };
    // Warnings do not stop the drawing, but they are worth seeing, as in `check`.
    if !compilation.diagnostics.is_empty() {
        let style = Style::detect(std::io::stderr().is_terminal());
        let text = render(
            &compilation.diagnostics,
            &compilation.sources,
            style,
            terminal_width(),
        );
        eprint!("{text}");
    }
    let Some(program) = compilation
        .program
        .as_ref()
        .filter(|_| !compilation.has_errors())
    else {
        return exit::FAILED;
    };
    let root = compilation.root;
    let selection = match (&args.pipeline, args.all) {
        (Some(name), _) => Selection::Named(name),
        (None, true) => Selection::All,
        (None, false) => Selection::First,
    };
    let pipelines = match graph::select(program, root, selection) {
        Ok(p) => p,
        Err(error) => {
            eprintln!("error: {error}");
            return exit::USAGE;
        }
    };
    let format = match args.format {
        Format::Mermaid => graph::Format::Mermaid,
        Format::Dot => graph::Format::Dot,
    };
    let text = graph::render(program, &pipelines, format);
    let written = match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| (path.display().to_string(), e)),
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|e| ("stdout".to_string(), e)),
    };
    match written {
        Ok(()) => exit::OK,
        Err((place, error)) => {
            eprintln!("error: cannot write {place}: {error}");
            exit::USAGE
        }
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}
