//! After a syntax error, the file is parsed again piece by piece, so one
//! `check` reports a syntax error for each broken piece, not only the first of
//! the file. pest does not recover, but the file's own layout (`scan.rs`)
//! cuts it where a parse can start afresh: before each top-level item, and
//! each stage's body. A broken item whose stages all parse is reported once,
//! for the item; otherwise each broken stage body is.

use super::expected::syntax_error;
use super::grammar::{PipeParser, Rule};
use super::parser::detailed;
use super::scan;
use crate::diagnostic::Diagnostic;
use crate::span::FileId;
use pest::Parser;
use std::ops::Range;

/// At most this many syntax errors per file: past a few, the rest are
/// usually one mistake seen again.
const MAX_ERRORS: usize = 10;

/// The syntax errors of the pieces of `text` other than `first`'s.
pub(super) fn more_errors(text: &str, file: FileId, first: &Diagnostic) -> Vec<Diagnostic> {
    let Ok(layout) = scan::scan(text) else {
        return Vec::new();
    };
    let mut found: Vec<Diagnostic> = Vec::new();
    // The scan finds items where the braces before them balance; a brace
    // left open would hide the rest of the file, so a line that starts with
    // an item's keyword at its first column starts a piece too.
    let mut starts: Vec<usize> = layout.items.clone();
    starts.extend(item_lines(text));
    starts.sort_unstable();
    starts.dedup();
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    for item in starts.iter().copied().zip(ends).map(|(a, b)| a..b) {
        if found.len() >= MAX_ERRORS {
            break;
        }
        if PipeParser::parse(Rule::file, &text[item.clone()]).is_ok() {
            continue;
        }
        let bodies: Vec<Diagnostic> = layout
            .stages
            .iter()
            .filter(|stage| item.contains(&stage.whole.start))
            .filter_map(|stage| piece_error(text, stage.body.clone(), Rule::stage_body, file))
            .collect();
        if bodies.is_empty() {
            found.extend(piece_error(text, item, Rule::file, file));
        } else {
            found.extend(bodies);
        }
    }
    // One mistake seen from two pieces points at the same place (the same
    // token, or the same unclosed `{`): keep it once.
    let places = |d: &Diagnostic| d.labels.iter().map(|l| l.span.start).collect::<Vec<_>>();
    let mut seen = places(first);
    found.retain(|d| {
        let here = places(d);
        let new = !here.iter().any(|p| seen.contains(p));
        seen.extend(here);
        new
    });
    found.truncate(MAX_ERRORS);
    found
}

/// The starts of the lines that begin, at their first column, with the
/// keyword of a top-level item.
fn item_lines(text: &str) -> impl Iterator<Item = usize> + '_ {
    const KEYWORDS: [&str; 8] = [
        "import", "handler", "days", "notifier", "executor", "template", "pipeline", "source",
    ];
    let mut offset = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let start = offset;
        offset += line.len();
        let word = line
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()?;
        (KEYWORDS.contains(&word) && line.len() > word.len()).then_some(start)
    })
}

/// The syntax error of one piece, placed in the file; `None` if it parses.
fn piece_error(text: &str, range: Range<usize>, rule: Rule, file: FileId) -> Option<Diagnostic> {
    let piece = &text[range.clone()];
    let error = PipeParser::parse(rule, piece).err()?;
    let mut diagnostic = syntax_error(&detailed(rule, error, piece), piece, file);
    let offset = u32::try_from(range.start).unwrap_or(u32::MAX);
    for label in &mut diagnostic.labels {
        label.span.start = label.span.start.saturating_add(offset);
        label.span.end = label.span.end.saturating_add(offset);
    }
    Some(diagnostic)
}
