//! Errors found in a calendar file, each tied to its place in the text.

use serde::Serialize;
use std::fmt;
use std::ops::Range;

/// One problem in a calendar file. Parsing collects them all rather than
/// stopping at the first, so a user fixes a file in one pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarFileError {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column (in characters) of the offending text.
    pub column: usize,
    /// Byte range of the offending text in the whole file.
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for CalendarFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}:{}: {}", self.line, self.column, self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

impl std::error::Error for CalendarFileError {}
