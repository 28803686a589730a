//! Whether a file is already formatted, decided one top-level item at a
//! time. The whole-file formatter holds the file's syntax tree, its printed
//! lines and the output at once, many times the size of the file; deciding
//! that the output would equal the file needs none of them kept. Each item is
//! parsed (`syntax::pieces`), printed, its comments placed and its lines
//! compared with the file, then dropped, so memory stays near the size of the
//! file (and of the largest item's tree).
//!
//! It is the whole-file formatter in parts, and writes the same bytes: the
//! printer reads the whole file and all comments as before, and the one
//! state the layout of an item takes from the items before it (blank lines
//! between blocks) is carried over. A comment goes where the whole-file
//! placement puts it: one trailing the last line of an item is placed with
//! that item; one on a line of its own after an item's last line would be
//! placed before the next item's first line, so it is carried over to the
//! next piece, where it is placed just so (or after the last item at the end).
//! Only "unchanged" is answered here; anything else (a difference, a syntax
//! error, a comment that cannot be placed) is left to the whole-file
//! formatter, which reports it as before.

use super::comments::Comments;
use super::lines::{Compare, Writer};
use super::printer::{Printer, SequenceState};
use crate::diagnostic::Diagnostic;
use crate::span::FileId;
use crate::syntax;

/// Whether formatting `text` would give `text` itself.
pub(super) fn unchanged(text: &str, file: FileId, comments: &Comments) -> bool {
    let Some(pieces) = syntax::pieces(text, file) else {
        return false;
    };
    let mut writer = Writer::new(text, Compare::new(text));
    let mut state = SequenceState::default();
    // The first comment not placed yet.
    let mut from = 0;
    for piece in pieces {
        let Some(piece) = piece else {
            return false;
        };
        if piece.diagnostics.iter().any(Diagnostic::is_error) {
            return false;
        }
        let mut printer = Printer::new(text, comments);
        printer.items(&piece.items, &mut state);
        let to = comments.list.partition_point(|c| c.start < piece.text.end);
        let mine = &comments.list[from..to];
        let Ok(carried) = writer.lines(&printer.lines, mine) else {
            return false;
        };
        // What is carried over is the piece's last comments (on lines of
        // their own after its last line); were it not, the parts would not
        // be the whole: leave the file to the whole-file formatter.
        let last = &mine[mine.len() - carried.len().min(mine.len())..];
        if carried.len() != last.len()
            || !carried.iter().zip(last).all(|(a, b)| std::ptr::eq(*a, b))
        {
            return false;
        }
        from = to - carried.len();
        if !writer.out().same_so_far() {
            return false;
        }
    }
    writer.end(&comments.list[from..]);
    writer.out().same()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::format_source;

    fn unchanged_here(text: &str) -> bool {
        unchanged(text, FileId(0), &Comments::new(text))
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
        let mut texts: Vec<String> = CRAFTED.iter().map(|t| (*t).to_string()).collect();
        texts.extend(
            crate::corpus::files_and(&["tests/fmt", "tests/fmt/refused"])
                .into_iter()
                .map(|(_, text)| text),
        );
        let mut formatted_files = 0;
        for text in &texts {
            match format_source(text, FileId(0)) {
                Ok(formatted) => {
                    let has_items = crate::syntax::parse(text, FileId(0))
                        .0
                        .is_some_and(|file| !file.items.is_empty());
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
}
