//! Why an IR's market cannot be built: only an IR not made by the checker
//! (which resolves every calendar) can name what is not there.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarketError {
    /// No built-in calendar has this code.
    UnknownCalendar(String),
    /// A calendar file the checker did not load into the IR.
    FileNotLoaded(PathBuf),
}

impl fmt::Display for MarketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MarketError::UnknownCalendar(code) => write!(f, "unknown calendar `{code}`"),
            MarketError::FileNotLoaded(path) => write!(
                f,
                "the calendar file `{}` was not loaded by the checker",
                path.display()
            ),
        }
    }
}

impl std::error::Error for MarketError {}
