//! One daemon per state store: a lock file beside the database holding the
//! daemon's pid, created atomically with its content (written to a private
//! file, then hard-linked into place, which fails when the lock exists), so
//! nobody ever reads a lock without its pid. A lock left by a dead
//! process (kill -9, power cut) is taken over; a live one is refused.

use super::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct DaemonLock {
    path: PathBuf,
}

impl DaemonLock {
    pub fn path_for(state: &Path) -> PathBuf {
        let mut name = state.as_os_str().to_owned();
        name.push(".daemon.lock");
        PathBuf::from(name)
    }

    pub fn acquire(state: &Path) -> Result<DaemonLock, Error> {
        let path = Self::path_for(state);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::Lock {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    writeln!(f, "{}", std::process::id())
                        .and_then(|()| f.sync_all())
                        .map_err(|source| Error::Lock {
                            path: path.clone(),
                            source,
                        })?;
                    return Ok(DaemonLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path).unwrap_or_default();
                    let pid: Option<i64> = holder.trim().parse().ok();
                    if let Some(pid) = pid.filter(|p| crate::store::process_alive(*p)) {
                        return Err(Error::Locked {
                            pid,
                            state: state.to_path_buf(),
                            lock: path,
                        });
                    }
                    // Its holder is gone: take it over.
                    let _ = std::fs::remove_file(&path);
                }
                Err(source) => return Err(Error::Lock { path, source }),
            }
        }
        Err(Error::LockContended(path))
    }
}

impl Drop for DaemonLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
