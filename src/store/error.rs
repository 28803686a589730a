//! Store errors are values with the database's path and SQLite's reason, so a
//! corrupt, locked or full database gives a clear message, never a panic.

use std::fmt;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    message: String,
    /// The store works; it refused what was asked (a run key already
    /// running, a changed plan), which a caller may report as a conflict.
    refusal: bool,
}

impl StoreError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            refusal: false,
        }
    }

    /// A refusal by the store's rules, not a failure of the store.
    pub(crate) fn refused(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            refusal: true,
        }
    }

    pub(crate) fn is_refusal(&self) -> bool {
        self.refusal
    }

    pub(crate) fn at(path: &Path, e: rusqlite::Error) -> Self {
        Self::from(e).context(path)
    }

    /// The message with the database's path in front (unless already there).
    pub fn context_string(self, path: &Path) -> String {
        if self.message.starts_with("state store `") {
            self.message
        } else {
            self.context(path).message
        }
    }

    pub(crate) fn context(self, path: &Path) -> Self {
        Self {
            message: format!("state store `{}`: {}", path.display(), self.message),
            refusal: self.refusal,
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        let hint = match e.sqlite_error_code() {
            Some(C::DatabaseBusy | C::DatabaseLocked) => {
                " (another process holds the database; try again when it is done)"
            }
            Some(C::DiskFull) => " (the disk is full)",
            Some(C::NotADatabase | C::DatabaseCorrupt) => {
                " (the file is not a pipec state database or is corrupt; move it aside to start afresh)"
            }
            Some(C::ReadOnly | C::CannotOpen | C::PermissionDenied) => {
                " (check the path and its permissions)"
            }
            _ => "",
        };
        Self::new(format!("{e}{hint}"))
    }
}
