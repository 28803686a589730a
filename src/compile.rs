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
    /// The parsed files, for `--emit ast` and the formatter.
    pub loaded_files: Vec<(crate::span::FileId, crate::syntax::ast::File)>,
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
    let mut diagnostics = Diagnostics::default();
    let loaded: Loaded = loader::load(path, &mut diagnostics)?;
    // A file that did not parse has no AST; checking the rest would report
    // names it declares as unknown, so stop at syntax errors. A file that
    // parsed with a literal out of range (`at 25:00`) is checked on: its
    // other mistakes are reported too.
    let program = if loaded.incomplete {
        None
    } else {
        check::check(&loaded, today, &mut diagnostics)
    };
    Ok(Compilation {
        sources: loaded.sources,
        program,
        diagnostics: diagnostics.into_sorted(),
        loaded_files: loaded.files,
    })
}
