//! The date-list file format: one ISO date per line, `#` starts a comment.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// One bad line of a date list; `line` counts from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateListError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for DateListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for DateListError {}

/// Parses a date list, reporting every bad line rather than only the first.
///
/// Blank lines and comments are skipped; a date listed twice is an error because
/// it usually means a copy-paste slip in a hand-maintained file.
pub fn parse_date_list(text: &str) -> Result<BTreeSet<NaiveDate>, Vec<DateListError>> {
    let mut dates = BTreeSet::new();
    let mut errors = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        if content.split_whitespace().count() > 1 {
            errors.push(DateListError {
                line,
                message: format!("expected one date per line, found `{content}`"),
            });
            continue;
        }
        match NaiveDate::parse_from_str(content, "%Y-%m-%d") {
            Ok(date) if content.len() == 10 => {
                if !dates.insert(date) {
                    errors.push(DateListError {
                        line,
                        message: format!("date {date} is listed more than once"),
                    });
                }
            }
            Ok(_) => errors.push(DateListError {
                line,
                message: format!("`{content}` is not in the form YYYY-MM-DD"),
            }),
            Err(e) => errors.push(DateListError {
                line,
                message: format!("`{content}` is not a valid YYYY-MM-DD date: {e}"),
            }),
        }
    }
    if errors.is_empty() {
        Ok(dates)
    } else {
        Err(errors)
    }
}
