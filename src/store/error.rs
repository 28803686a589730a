//! Store errors are values with the database's path and SQLite's reason, so a
//! corrupt, locked or full database gives a clear message, never a panic.

use std::fmt;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(String);

impl StoreError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    pub(crate) fn at(path: &Path, e: rusqlite::Error) -> Self {
        Self::from(e).context(path)
    }

    /// The message with the database's path in front (unless already there).
    pub fn context_string(self, path: &Path) -> String {
        if self.0.starts_with("state store `") {
            self.0
        } else {
            self.context(path).0
        }
    }

    pub(crate) fn context(self, path: &Path) -> Self {
        Self(format!("state store `{}`: {}", path.display(), self.0))
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
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
        Self(format!("{e}{hint}"))
    }
}
