//! The run folder: logs per attempt, the events file, forensic captures, the
//! shared scratch folder and the final summary.

use super::error::Error;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub(crate) struct RunDir {
    root: PathBuf,
}

impl RunDir {
    pub(crate) fn create(root: &Path) -> Result<Self, Error> {
        for sub in ["logs", "work", "forensics"] {
            let path = root.join(sub);
            std::fs::create_dir_all(&path).map_err(|source| Error::RunFolder { path, source })?;
        }
        // Absolute: handlers run in the pipeline's folder and get these paths.
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        Ok(Self { root })
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn work_dir(&self) -> PathBuf {
        self.root.join("work")
    }

    pub(crate) fn events(&self) -> PathBuf {
        self.root.join("events.jsonl")
    }

    /// `logs/<pipeline>/<task>.<attempt>.stdout` and `.stderr`, created by
    /// the first byte written (the folder too).
    pub(crate) fn logs(&self, pipeline: &str, task: &str, attempt: u32) -> (PathBuf, PathBuf) {
        let dir = self.root.join("logs").join(pipeline);
        (
            dir.join(format!("{task}.{attempt}.stdout")),
            dir.join(format!("{task}.{attempt}.stderr")),
        )
    }

    /// Writes `forensics/<name>.json`.
    pub(crate) fn capture(&self, name: &str, value: &impl Serialize) -> Result<PathBuf, Error> {
        self.write_json(
            &self.root.join("forensics").join(format!("{name}.json")),
            value,
        )
    }

    pub(crate) fn write_json(&self, path: &Path, value: &impl Serialize) -> Result<PathBuf, Error> {
        let failed = |source| Error::RunFolder {
            path: path.to_path_buf(),
            source,
        };
        let text = serde_json::to_vec_pretty(value).map_err(|e| failed(e.into()))?;
        std::fs::write(path, text).map_err(failed)?;
        Ok(path.to_path_buf())
    }
}
