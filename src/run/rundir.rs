//! The run folder: logs per attempt, the events file, forensic captures, the
//! shared scratch folder and the final summary.

use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct RunDir {
    root: PathBuf,
}

impl RunDir {
    pub fn create(root: &Path) -> Result<Self, String> {
        for sub in ["logs", "work", "forensics"] {
            let dir = root.join(sub);
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn work_dir(&self) -> PathBuf {
        self.root.join("work")
    }

    pub fn events(&self) -> PathBuf {
        self.root.join("events.jsonl")
    }

    /// `logs/<pipeline>/<task>.<attempt>.stdout` and `.stderr`.
    pub fn logs(
        &self,
        pipeline: &str,
        task: &str,
        attempt: u32,
    ) -> Result<(PathBuf, PathBuf), String> {
        let dir = self.root.join("logs").join(pipeline);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
        Ok((
            dir.join(format!("{task}.{attempt}.stdout")),
            dir.join(format!("{task}.{attempt}.stderr")),
        ))
    }

    /// Writes `forensics/<name>.json`.
    pub fn capture(&self, name: &str, value: &impl Serialize) -> Result<PathBuf, String> {
        self.write_json(
            &self.root.join("forensics").join(format!("{name}.json")),
            value,
        )
    }

    pub fn write_json(&self, path: &Path, value: &impl Serialize) -> Result<PathBuf, String> {
        let text = serde_json::to_vec_pretty(value).map_err(|e| e.to_string())?;
        std::fs::write(path, text)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        Ok(path.to_path_buf())
    }
}
