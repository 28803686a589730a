//! The formatter an item at a time. The whole-file formatter holds the
//! file's syntax tree, its printed lines and the output at once, many times
//! the size of the file. Here each top-level item is parsed
//! (`syntax::pieces`), printed, its comments placed and its lines written,
//! then dropped, so memory stays near the size of the file and the output
//! (and of the largest item's tree).
//!
//! It is the whole-file formatter in parts, and writes the same bytes: the
//! printer reads the whole file and all comments as before, and the one
//! state the layout of an item takes from the items before it (blank lines
//! between blocks) is carried over. A comment goes where the whole-file
//! placement puts it: one trailing the last line of an item is placed with
//! that item; one on a line of its own after an item's last line would be
//! placed before the next item's first line, so it is carried over to the
//! next piece, where it is placed just so (or after the last item at the end).
//! Whatever the parts cannot answer (a syntax error, a comment that cannot be
//! placed, a file without items, a check that fails) is left to the
//! whole-file formatter, which formats or reports it as before.

use super::comments::Comments;
use super::lines::{Compare, Out, Writer};
use super::printer::{Printer, SequenceState};
use super::verify;
use crate::diagnostic::Diagnostic;
use crate::span::FileId;
use crate::syntax::{self, ast::Item};

/// Whether formatting `text` would give `text` itself. Nothing is kept: the
/// output is compared as it is written, and the first difference ends it.
pub(super) fn unchanged(text: &str, file: FileId, comments: &Comments) -> bool {
    write(text, file, comments, Compare::new(text), |_, out| {
        out.same_so_far()
    })
    .is_some_and(|out| out.same())
}

/// The formatted text of `text`, checked as the whole-file formatter checks
/// its output: every item's formatted text parses back to what the item
/// meant, and the comments are the same, in the same order. The parts are
/// parsed apart: each ends with a whole line outside any token and parses
/// alone, so the file of them parses as the parts do (the same reasoning
/// that lets `syntax::split` parse a file in parts).
pub(super) fn formatted(text: &str, file: FileId, comments: &Comments) -> Option<String> {
    // Where the output not yet checked starts.
    let mut checked = 0;
    let out = write(
        text,
        file,
        comments,
        String::with_capacity(text.len() + 64),
        |items, out: &String| {
            let part = &out[checked..];
            checked = out.len();
            means_the_same(part, items, file)
        },
    )?;
    comments.kept_in(&out).then_some(out)
}

fn means_the_same(part: &str, items: &[Item], file: FileId) -> bool {
    match syntax::parse(part, file) {
        (Some(again), diagnostics) if !diagnostics.iter().any(Diagnostic::is_error) => {
            verify::items_hash(&again.items) == verify::items_hash(items)
        }
        _ => false,
    }
}

/// Writes `text` formatted into `out`, an item at a time; after each,
/// `go_on` is shown the item and the output so far, and may end it. `None`
/// when the parts cannot answer or `go_on` ended it.
fn write<O: Out>(
    text: &str,
    file: FileId,
    comments: &Comments,
    out: O,
    mut go_on: impl FnMut(&[Item], &O) -> bool,
) -> Option<O> {
    let pieces = syntax::pieces(text, file)?;
    let mut writer = Writer::new(text, out);
    let mut state = SequenceState::default();
    // The first comment not placed yet.
    let mut from = 0;
    for piece in pieces {
        let piece = piece?;
        if piece.diagnostics.iter().any(Diagnostic::is_error) {
            return None;
        }
        let mut printer = Printer::new(text, comments);
        printer.items(&piece.items, &mut state);
        let to = comments.list.partition_point(|c| c.start < piece.text.end);
        let mine = &comments.list[from..to];
        let carried = writer.lines(&printer.lines, mine).ok()?;
        // What is carried over is the piece's last comments (on lines of
        // their own after its last line); were it not, the parts would not
        // be the whole: leave the file to the whole-file formatter.
        let last = &mine[mine.len() - carried.len().min(mine.len())..];
        if carried.len() != last.len()
            || !carried.iter().zip(last).all(|(a, b)| std::ptr::eq(*a, b))
        {
            return None;
        }
        from = to - carried.len();
        if !go_on(&piece.items, writer.out()) {
            return None;
        }
    }
    writer.end(&comments.list[from..]);
    Some(writer.into_out())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::format_source;

    fn unchanged_here(text: &str) -> bool {
        unchanged(text, FileId(0), &Comments::new(text))
    }

    fn formatted_here(text: &str) -> Option<String> {
        formatted(text, FileId(0), &Comments::new(text))
    }

    /// The crafted files and the formatter's test corpus, refused files too.
    fn texts() -> Vec<String> {
        let mut texts: Vec<String> = CRAFTED.iter().map(|t| (*t).to_string()).collect();
        texts.extend(
            crate::corpus::files_and(&["tests/fmt", "tests/fmt/refused"])
                .into_iter()
                .map(|(_, text)| text),
        );
        texts
    }

    /// A file without items is left to the whole-file formatter.
    fn has_items(text: &str) -> bool {
        crate::syntax::parse(text, FileId(0))
            .0
            .is_some_and(|file| !file.items.is_empty())
    }

    /// `text` laid out badly: every line's indentation dropped and the
    /// spaces after commas and colons doubled. It means the same.
    fn messed_up(text: &str) -> String {
        text.lines()
            .map(|line| line.trim_start().replace(", ", ",  ").replace(": ", ":  "))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Files with comments and blank lines between, before and after items.
    const CRAFTED: [&str; 6] = [
        "# head\n\nhandler a { builtin noop }  # trails a\n# before b\nhandler b { builtin noop }\n",
        "handler a { builtin noop }\n\n# own line after a\n\npipeline p {\n  stage s {\n    task t { run a }\n  }\n}  # after p\n\n# at the end\n",
        "handler a {\n  builtin noop\n}\nhandler b { builtin noop }\n# last\n",
        "import \"x.pipe\"\nimport \"y.pipe\"\n\nhandler a { builtin noop }\n",
        "handler a { builtin noop }\nhandler b { builtin noop }   \n\n\n\nhandler c { builtin noop }",
        "# only a comment\n",
    ];

    /// The parts give the whole: a file is "unchanged" exactly when the
    /// whole-file formatter gives it back, and its formatted text always is
    /// (a file without items is left to the whole-file formatter).
    #[test]
    fn an_item_at_a_time_agrees_with_the_whole_file() {
        let mut formatted_files = 0;
        for text in &texts() {
            match format_source(text, FileId(0)) {
                Ok(formatted) => {
                    let has_items = has_items(text);
                    assert_eq!(
                        unchanged_here(text),
                        has_items && formatted == *text,
                        "{text}"
                    );
                    assert_eq!(unchanged_here(&formatted), has_items, "{formatted}");
                    formatted_files += 1;
                }
                Err(_) => assert!(!unchanged_here(text), "{text}"),
            }
        }
        assert!(
            formatted_files >= 30,
            "only {formatted_files} files formatted"
        );
    }

    /// Formatted an item at a time, a file comes out byte for byte as the
    /// whole-file formatter gives it, whatever its layout; a file the whole
    /// formatter refuses is refused too.
    #[test]
    fn formatting_in_parts_writes_what_the_whole_file_formatter_writes() {
        let (mut in_parts, mut reformatted) = (0, 0);
        for text in texts().iter().flat_map(|t| [t.clone(), messed_up(t)]) {
            let whole = format_source(&text, FileId(0));
            let parts = formatted_here(&text);
            match (&whole, &parts) {
                (Ok(whole), Some(parts)) => {
                    assert_eq!(parts, whole, "{text}");
                    in_parts += 1;
                    reformatted += usize::from(*whole != text);
                }
                (Err(_), Some(parts)) => {
                    panic!("formatted a file the whole formatter refuses:\n{text}\n{parts}")
                }
                (Ok(_), None) => assert!(!has_items(&text), "not formatted in parts:\n{text}"),
                (Err(_), None) => {}
            }
        }
        assert!(
            in_parts >= 200 && reformatted >= 150,
            "only {in_parts} files formatted in parts, {reformatted} of them changed"
        );
    }
}
