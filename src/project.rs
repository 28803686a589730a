//! The project a compilation may read files from. `pipec check` runs on pull
//! requests: a hostile `.pipe` must not make it print a runner's files, so
//! imports, date lists and calendar files resolve inside the project, and a
//! path outside is an error (`pipe::E005`) unless allowed.
//!
//! The project is the nearest folder, from the root file's folder upwards,
//! that holds a project marker (a `.pipec-project` file or a `.git`
//! folder), or else the root file's folder itself. Paths are compared after
//! symbolic links are resolved, so a link inside the project that points out
//! of it is outside too.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Folders allowed besides the project (`pipec --allow-path DIR`), set once
/// by the program before it compiles anything.
static ALLOWED: OnceLock<Vec<PathBuf>> = OnceLock::new();

/// Allows reading below `folders` in every compilation of this process.
pub fn allow(folders: Vec<PathBuf>) {
    let resolved = folders
        .into_iter()
        .map(|f| std::fs::canonicalize(&f).unwrap_or(f))
        .collect();
    let _ = ALLOWED.set(resolved);
}

/// The files marking a project's top folder.
const MARKERS: [&str; 2] = [".pipec-project", ".git"];

#[derive(Debug, Clone, Default)]
pub struct Project {
    /// `None`: no boundary (a compilation of text, not of files).
    root: Option<PathBuf>,
}

impl Project {
    /// The project of the root file `file`.
    pub(crate) fn of(file: &Path) -> Project {
        let dir = file
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let root = dir
            .ancestors()
            .find(|d| MARKERS.iter().any(|m| d.join(m).exists()))
            .unwrap_or(&dir)
            .to_path_buf();
        Project { root: Some(root) }
    }

    /// `Err` with why, when `path` lies outside the project and every allowed
    /// folder. A path that does not exist is judged by its folder (the read
    /// will then say it is missing).
    pub(crate) fn admits(&self, path: &Path) -> Result<(), String> {
        let Some(root) = &self.root else {
            return Ok(());
        };
        let resolved = resolve(path);
        let allowed = ALLOWED.get().map(Vec::as_slice).unwrap_or_default();
        if resolved.starts_with(root) || allowed.iter().any(|a| resolved.starts_with(a)) {
            return Ok(());
        }
        Err(format!(
            "`{}`: it is outside the project `{}`",
            path.display(),
            root.display()
        ))
    }
}

/// `path` with links resolved as far as it exists.
fn resolve(path: &Path) -> PathBuf {
    if let Ok(full) = std::fs::canonicalize(path) {
        return full;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => resolve(parent).join(name),
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}
