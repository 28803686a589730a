//! After a syntax error, the file is parsed again piece by piece, so one
//! `check` reports a syntax error for each broken piece, not only the first of
//! the file. pest does not recover, but the file's own layout (`scan.rs`)
//! cuts it where a parse can start afresh: before each top-level item, and
//! each stage's body. A broken item whose stages all parse is reported once,
//! for the item; otherwise each broken stage body is.

use super::expected::syntax_error;
use super::grammar::{PipeParser, Rule};
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
    let ends = layout.items.iter().skip(1).copied().chain([text.len()]);
    for item in layout.items.iter().copied().zip(ends).map(|(a, b)| a..b) {
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
    let at = |d: &Diagnostic| d.labels.first().map(|l| l.span.start);
    let mut seen = vec![at(first)];
    found.retain(|d| {
        let here = at(d);
        let new = !seen.contains(&here);
        seen.push(here);
        new
    });
    found.truncate(MAX_ERRORS);
    found
}

/// The syntax error of one piece, placed in the file; `None` if it parses.
fn piece_error(text: &str, range: Range<usize>, rule: Rule, file: FileId) -> Option<Diagnostic> {
    let piece = &text[range.clone()];
    let error = PipeParser::parse(rule, piece).err()?;
    pest::set_error_detail(true);
    let error = PipeParser::parse(rule, piece).err().unwrap_or(error);
    let mut diagnostic = syntax_error(&error, piece, file);
    let offset = u32::try_from(range.start).unwrap_or(u32::MAX);
    for label in &mut diagnostic.labels {
        label.span.start = label.span.start.saturating_add(offset);
        label.span.end = label.span.end.saturating_add(offset);
    }
    Some(diagnostic)
}
