//! The front end in one call: load, parse and check a file and its imports.

use crate::check;
use crate::clock::{Clock, SystemClock};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::Program;
use crate::loader::{self, Loaded};
use crate::source::SourceMap;
use std::path::Path;

/// The outcome of compiling one root file.
#[derive(Debug)]
pub struct Compilation {
    pub sources: SourceMap,
    /// `None` when any error was found.
    pub program: Option<Program>,
    /// Errors and warnings, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// The parsed files, for `--emit ast`: only from `compile_keeping_ast`,
    /// empty otherwise (the checker frees each pipeline's syntax tree once it
    /// is lowered).
    pub loaded_files: Vec<(crate::span::FileId, crate::syntax::ast::File)>,
    /// The root file: the first the loader adds.
    pub root: crate::span::FileId,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Compiles `path` as of today. Only an unreadable root file is an `Err`;
/// everything else, unreadable imports included, is a diagnostic.
pub fn compile(path: &Path) -> std::io::Result<Compilation> {
    compile_as_of(path, SystemClock.now().date_naive())
}

/// Compiles `path` with the checks that look ahead in time (triggers that never
/// fire, calendars' years) starting from `today`.
pub fn compile_as_of(path: &Path, today: chrono::NaiveDate) -> std::io::Result<Compilation> {
    compile_with(path, today, Trees::Freed)
}

/// `compile`, keeping the parsed files in `Compilation::loaded_files`.
pub fn compile_keeping_ast(path: &Path) -> std::io::Result<Compilation> {
    compile_with(path, SystemClock.now().date_naive(), Trees::Kept)
}

/// What the front end does with the files' syntax trees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trees {
    /// Keeps them whole in the compilation (`--emit ast`).
    Kept,
    /// Frees each pipeline's once it is checked, and parses a big file's
    /// stage bodies only as the checker reaches their pipeline
    /// (`syntax::deferred`): the tree of a whole big file never exists.
    Freed,
    /// Frees each pipeline's once it is checked, the files parsed whole
    /// first: after a stage body left for later did not parse.
    FreedParsedWhole,
}

fn compile_with(
    path: &Path,
    today: chrono::NaiveDate,
    trees: Trees,
) -> std::io::Result<Compilation> {
    let mut diagnostics = Diagnostics::default();
    let mut loaded: Loaded = loader::load(path, trees == Trees::Freed, &mut diagnostics)?;
    // A file that did not parse has no AST; checking the rest would report
    // names it declares as unknown, so stop at syntax errors. A file that
    // parsed with a literal out of range (`at 25:00`) is checked on: its
    // other mistakes are reported too.
    let program = if loaded.incomplete {
        None
    } else if trees == Trees::Kept {
        check::check_keeping_ast(&loaded, today, &mut diagnostics)
    } else {
        match check::check(&mut loaded, today, &mut diagnostics) {
            Ok(program) => program,
            // A stage body has a syntax error: what the checker found so
            // far is dropped, and the files are loaded again with whole
            // parses, which report it as every syntax error is reported.
            Err(check::Unparsed) => {
                drop(loaded);
                return compile_with(path, today, Trees::FreedParsedWhole);
            }
        }
    };
    Ok(Compilation {
        sources: loaded.sources,
        program,
        diagnostics: diagnostics.into_sorted(),
        loaded_files: if trees == Trees::Kept {
            loaded.files
        } else {
            Vec::new()
        },
        root: loader::ROOT,
    })
}
