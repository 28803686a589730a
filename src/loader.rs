//! Reads a root file and everything it imports, parsing each once.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::project::Project;
use crate::source::SourceMap;
use crate::span::{FileId, Span};
use crate::syntax::{self, ast};
use std::path::{Path, PathBuf};

/// The parsed files of one compilation, the root first.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: SourceMap,
    pub files: Vec<(FileId, ast::File)>,
    /// Where the files it names may be read from.
    pub project: Project,
    /// A file did not parse, or an import could not be read: checking the
    /// rest would report what they declare as unknown.
    pub incomplete: bool,
    /// The big files whose pipelines' stage bodies were left out, to be
    /// parsed as the checker reaches each pipeline (`load` with `defer`).
    pub(crate) deferred: Vec<(FileId, syntax::deferred::Deferred)>,
}

impl Loaded {
    /// The folder of a loaded file: what the paths it names are relative to
    /// (empty for a file named without a folder).
    pub(crate) fn folder(&self, file: FileId) -> &Path {
        self.sources
            .get(file)
            .path
            .parent()
            .unwrap_or(Path::new(""))
    }
}

/// The root file's id: the loader adds it first.
pub(crate) const ROOT: FileId = FileId(0);

/// Loads `root` and its imports, depth first. An unreadable root is an I/O
/// error for the caller; an unreadable import is a diagnostic at the import.
/// With `defer`, a big file's pipelines' stage bodies are left out of its
/// tree (`syntax::deferred`): only the checker, which parses them one
/// pipeline at a time, can use such a tree.
pub(crate) fn load(
    root: &Path,
    defer: bool,
    diagnostics: &mut Diagnostics,
) -> std::io::Result<Loaded> {
    let text = std::fs::read_to_string(root)?;
    let mut loaded = Loaded {
        project: Project::of(root),
        ..Loaded::default()
    };
    let id = loaded.sources.add(normalize(root), text);
    debug_assert_eq!(id, ROOT);
    let mut pending = vec![id];
    while let Some(id) = pending.pop() {
        let file = loaded.sources.get(id);
        let (ast, found, deferred) = if defer {
            syntax::deferred::parse(&file.text, id)
        } else {
            let (ast, found) = syntax::parse(&file.text, id);
            (ast, found, None)
        };
        diagnostics.extend(found);
        let Some(ast) = ast else {
            loaded.incomplete = true;
            continue;
        };
        let dir = file
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for item in &ast.items {
            if let ast::Item::Import(import) = item {
                match import_file(&mut loaded, &dir, import.span, &import.node, diagnostics) {
                    Import::New(next) => pending.push(next),
                    Import::Known => {}
                    Import::Failed => loaded.incomplete = true,
                }
            }
        }
        loaded.files.push((id, ast));
        loaded.deferred.extend(deferred.map(|d| (id, d)));
    }
    loaded.files.sort_by_key(|(id, _)| *id);
    Ok(loaded)
}

/// Adds an imported file to the source map, once; `None` when it was already
/// there or cannot be read.
fn import_file(
    loaded: &mut Loaded,
    dir: &Path,
    span: Span,
    path: &str,
    diagnostics: &mut Diagnostics,
) -> Import {
    let full: PathBuf = normalize(&dir.join(path));
    if loaded.sources.find(&full).is_some() {
        return Import::Known;
    }
    let outside = loaded.project.admits(&full).err().or_else(|| {
        (full.extension().map_or(true, |e| e != "pipe"))
            .then(|| format!("`{}`: it is not a `.pipe` file", full.display()))
    });
    if let Some(why) = outside {
        diagnostics.push(
            Diagnostic::new(Code::OutsideProject, format!("cannot import {why}"))
                .label(span, "imported here")
                .help("imports name `.pipe` files inside the project; `pipec --allow-path DIR` allows another folder"),
        );
        return Import::Failed;
    }
    match std::fs::read_to_string(&full) {
        Ok(text) => Import::New(loaded.sources.add(full, text)),
        Err(error) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::Io,
                    format!("cannot read `{}`: {error}", full.display()),
                )
                .label(span, "imported here")
                .help("import paths are relative to the importing file"),
            );
            Import::Failed
        }
    }
}

/// What an `import` found.
enum Import {
    /// A file not loaded yet, to parse.
    New(FileId),
    /// A file already loaded (imported twice, or in a cycle).
    Known,
    /// Nothing: reported.
    Failed,
}

/// `a/./b/../c` to `a/c`, without touching the file system, so one file
/// imported along two routes is recognised as the same file.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
