//! `pipec fmt`: the canonical layout of a `.pipe` file.
//!
//! Formatting is two passes. The printer walks the syntax tree and lays the
//! code out as lines, each remembering the source bytes it prints
//! ([`items`], [`settings`], [`value`], [`expr`]); then every comment, which
//! the parser dropped, is put back by position next to the code it was next
//! to ([`comments`], [`lines`]). Before answering, the result is parsed again
//! and must mean the same and hold the same comments ([`verify`]).
//!
//! [`format_file`] first asks whether the file is formatted already, an item
//! at a time and without building the output ([`stream`]): for such a file,
//! the common case of `fmt --check`, memory stays near the file's size. A
//! large file that is not is formatted an item at a time too: no tree of the
//! whole file, only its text, the output and their comments (with
//! `--check`'s diff, about 5x the file at 50 MB, where the whole-file path
//! takes 18x). A small file, and any file the parts cannot answer for, is
//! formatted whole.

mod comments;
pub mod diff;
pub(crate) mod expr;
mod items;
mod lines;
mod literal;
mod printer;
mod settings;
mod stream;
mod template;
mod value;
pub mod verify;

use crate::diagnostic::Diagnostic;
use crate::span::FileId;
use crate::syntax;

/// Why a file was left as it is.
#[derive(Debug, Clone, PartialEq)]
pub enum FormatError {
    /// It does not parse; the diagnostics say why.
    Syntax(Vec<Diagnostic>),
    /// A comment the formatter cannot keep in place; `offset` is its `#`.
    Comment { offset: usize, reason: String },
    /// A bug: the formatted text would mean something else or lose a
    /// comment. The file is not touched.
    Internal(String),
}

/// What formatting a file comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Formatted {
    /// The file is in the canonical layout already.
    Unchanged,
    /// The canonical text, which differs from the file.
    Changed(String),
}

/// From this size on, a file that is not formatted is formatted an item at a
/// time: below it, the whole tree is small and the whole-file formatter is
/// the one every file has always gone through.
const FORMAT_IN_PARTS_FROM: usize = 256 * 1024;

/// Formats a `.pipe` file. A file that is formatted already is recognised
/// an item at a time, without the whole tree or the output in memory; a
/// large one that is not is formatted an item at a time ([`stream`]); any
/// other, and every error, goes through [`format_source`].
pub fn format_file(text: &str, file: FileId) -> Result<Formatted, FormatError> {
    let comments = comments::Comments::new(text);
    if stream::unchanged(text, file, &comments) {
        return Ok(Formatted::Unchanged);
    }
    let in_parts = if text.len() >= FORMAT_IN_PARTS_FROM {
        stream::formatted(text, file, &comments)
    } else {
        None
    };
    let formatted = match in_parts {
        Some(formatted) => formatted,
        None => format_whole(text, file, &comments)?,
    };
    Ok(if formatted == text {
        Formatted::Unchanged
    } else {
        Formatted::Changed(formatted)
    })
}

/// The canonical text of a `.pipe` file. `file` is the id its diagnostics
/// carry.
pub fn format_source(text: &str, file: FileId) -> Result<String, FormatError> {
    format_whole(text, file, &comments::Comments::new(text))
}

fn format_whole(
    text: &str,
    file: FileId,
    comments: &comments::Comments,
) -> Result<String, FormatError> {
    let ast = parse_clean(text, file).map_err(FormatError::Syntax)?;
    let mut printer = printer::Printer::new(text, comments);
    printer.file(&ast);
    let formatted = lines::render(text, &printer.lines, &comments.list).map_err(|unplaced| {
        FormatError::Comment {
            offset: unplaced.offset,
            reason: unplaced.reason.to_string(),
        }
    })?;
    // The first tree and the printed lines go before the text is parsed
    // again: a big file never has two trees in memory.
    let meaning = verify::fingerprint_hash(&ast);
    drop(printer);
    drop(ast);
    check_same(meaning, comments, &formatted, file)?;
    Ok(formatted)
}

/// The syntax tree, when the text parses without any error.
fn parse_clean(text: &str, file: FileId) -> Result<syntax::ast::File, Vec<Diagnostic>> {
    match syntax::parse(text, file) {
        (Some(ast), diagnostics) if !diagnostics.iter().any(Diagnostic::is_error) => Ok(ast),
        (_, diagnostics) => Err(diagnostics),
    }
}

fn check_same(
    meaning: [u8; 32],
    comments: &comments::Comments,
    formatted: &str,
    file: FileId,
) -> Result<(), FormatError> {
    let again = parse_clean(formatted, file)
        .map_err(|d| FormatError::Internal(format!("the formatted text does not parse: {d:?}")))?;
    if verify::fingerprint_hash(&again) != meaning {
        return Err(FormatError::Internal(
            "the formatted text would mean something else".to_string(),
        ));
    }
    if !comments.kept_in(formatted) {
        return Err(FormatError::Internal(
            "the formatted text would lose or reorder a comment".to_string(),
        ));
    }
    Ok(())
}
