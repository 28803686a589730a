//! Why the daemon stopped or could not start.

use crate::firings::TimelineError;
use crate::store::StoreError;
use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Error {
    /// Another live daemon drives the same store.
    Locked {
        pid: i64,
        state: PathBuf,
        lock: PathBuf,
    },
    /// The lock file could not be made or written.
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The lock file kept reappearing while its holder was gone.
    LockContended(PathBuf),
    Store(StoreError),
    Timeline(TimelineError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Locked { pid, state, lock } => write!(
                f,
                "another daemon (pid {pid}) drives the state store `{}` (lock `{}`)",
                state.display(),
                lock.display()
            ),
            Error::Lock { path, source } => {
                write!(f, "cannot create `{}`: {source}", path.display())
            }
            Error::LockContended(path) => {
                write!(f, "cannot take the lock `{}`", path.display())
            }
            Error::Store(e) => write!(f, "{e}"),
            Error::Timeline(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Store(e)
    }
}

impl From<TimelineError> for Error {
    fn from(e: TimelineError) -> Self {
        Error::Timeline(e)
    }
}
