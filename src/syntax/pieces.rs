//! A file parsed one top-level item at a time, for work that needs only one
//! item's tree at once (`fmt --check` of a big file). pest keeps a queue of
//! tokens for all the text it is given (two per rule matched, each tens of
//! bytes: many times the text) until the tree is built, so a parse of the
//! whole file costs memory in proportion to the file; a parse per item costs
//! it in proportion to the largest item.
//!
//! A piece runs from a top-level item's keyword (as `scan.rs` finds them) to
//! the next one; the first piece also holds what comes before the first
//! item. Each gives the items a parse of the whole file gives, for the reason
//! `split.rs` gives for its cuts before items.

use super::ast::Item;
use super::grammar::{PipeParser, Rule};
use super::parser::Builder;
use super::placement::Placement;
use super::scan;
use crate::diagnostic::Diagnostic;
use crate::span::FileId;
use pest::Parser;
use std::ops::Range;

/// One piece of a file, parsed.
pub(crate) struct Piece {
    /// Its top-level items, spans placed in the file.
    pub items: Vec<Item>,
    /// Diagnostics of literals that have no value (`25:00`).
    pub diagnostics: Vec<Diagnostic>,
    /// Where it is in the file.
    pub text: Range<usize>,
}

/// The pieces of `text`, each parsed when it is reached: an item is `None`
/// when its piece does not parse. `None` when the file nests too deep or
/// holds no item; the whole file's parse says why.
pub(crate) fn pieces(text: &str, file: FileId) -> Option<impl Iterator<Item = Option<Piece>> + '_> {
    let layout = scan::scan(text).ok()?;
    let mut starts = layout.items;
    if starts.is_empty() {
        return None;
    }
    starts[0] = 0;
    let ends = starts
        .iter()
        .skip(1)
        .copied()
        .chain([text.len()])
        .collect::<Vec<_>>();
    Some(
        starts
            .into_iter()
            .zip(ends)
            .map(move |(start, end)| parse_piece(text, file, start..end)),
    )
}

fn parse_piece(text: &str, file: FileId, range: Range<usize>) -> Option<Piece> {
    let root = PipeParser::parse(Rule::file, &text[range.clone()])
        .ok()?
        .next()?;
    let mut builder = Builder::new(file, Placement::starting_at(range.start));
    let items = builder.file(root).items;
    Some(Piece {
        items,
        diagnostics: builder.diagnostics,
        text: range,
    })
}
