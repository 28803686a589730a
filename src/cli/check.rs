//! `pipec check`: the CI linter.

use super::exit;
use clap::ValueEnum;
use pipec::compile::{compile, compile_keeping_ast, Compilation};
use pipec::diagnostic::json::CheckReport;
use pipec::diagnostic::render::{render, Style};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The `.pipe` files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Print an intermediate form instead of diagnostics: the syntax tree or the IR (JSON).
    #[arg(long, value_enum)]
    emit: Option<Emit>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Emit {
    Ast,
    Ir,
}

pub(super) fn run(args: &Args) -> u8 {
    let mut compilations = Vec::new();
    for file in &args.files {
        let compiled = if matches!(args.emit, Some(Emit::Ast)) {
            compile_keeping_ast(file)
        } else {
            compile(file)
        };
        match compiled {
            Ok(c) => compilations.push(c),
            Err(error) => {
                eprintln!("error: cannot read `{}`: {error}", file.display());
                return exit::USAGE;
            }
        }
    }
    let failed = compilations.iter().any(Compilation::has_errors);
    let mut stdout = std::io::stdout().lock();
    let written = match (args.emit, args.format) {
        (Some(emit), _) => emit_forms(&compilations, emit, &mut stdout),
        (None, Format::Json) => {
            let report = CheckReport::combine(
                compilations
                    .iter()
                    .map(|c| CheckReport::new(&c.diagnostics, &c.sources)),
            );
            serde_json::to_writer_pretty(&mut stdout, &report)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(stdout))
        }
        (None, Format::Human) => human(&compilations),
    };
    if let Err(error) = written {
        eprintln!("error: cannot write output: {error}");
        return exit::USAGE;
    }
    // The process ends now: freeing a large program node by node would only
    // delay the exit (a 100,000-task pipeline spends longer freeing than drawing its summary).
    std::mem::forget(compilations);
    if failed {
        exit::FAILED
    } else {
        exit::OK
    }
}

fn human(compilations: &[Compilation]) -> std::io::Result<()> {
    let mut stderr = std::io::stderr().lock();
    let style = Style::detect(stderr.is_terminal());
    let width = terminal_width();
    let (mut errors, mut warnings) = (0, 0);
    for c in compilations {
        stderr.write_all(render(&c.diagnostics, &c.sources, style, width).as_bytes())?;
        errors += c.diagnostics.iter().filter(|d| d.is_error()).count();
        warnings += c.diagnostics.len() - c.diagnostics.iter().filter(|d| d.is_error()).count();
    }
    let files = compilations.len();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    writeln!(
        stderr,
        "checked {}: {}, {}",
        plural(files, "file"),
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

fn emit_forms(
    compilations: &[Compilation],
    emit: Emit,
    out: &mut impl Write,
) -> std::io::Result<()> {
    for c in compilations {
        match emit {
            Emit::Ast => {
                for (_, file) in &c.loaded_files {
                    writeln!(out, "{file:#?}")?;
                }
            }
            Emit::Ir => match &c.program {
                Some(program) => {
                    serde_json::to_writer_pretty(
                        &mut *out,
                        &pipec::ir::public::Program::of(program),
                    )?;
                    writeln!(out)?;
                }
                None => human(std::slice::from_ref(c))?,
            },
        }
    }
    Ok(())
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}
