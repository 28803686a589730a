//! The layout engine shared by every construct: lines with their source
//! ranges, blocks in braces, sequences with their blank lines, and the width
//! rule that decides between one line and several.

use super::comments::Comments;
use super::lines::Line;

/// The widest a line may be before a construct that can break does.
pub(crate) const MAX_WIDTH: usize = 100;

/// How far a sequence is printed: elements so far, and whether the last was
/// a block over several lines (a blank line follows it).
#[derive(Debug, Default)]
pub(crate) struct SequenceState {
    printed: usize,
    previous_block: bool,
}

pub(crate) struct Printer<'a> {
    pub source: &'a str,
    pub comments: &'a Comments,
    pub lines: Vec<Line>,
}

impl<'a> Printer<'a> {
    pub(crate) fn new(source: &'a str, comments: &'a Comments) -> Printer<'a> {
        Printer {
            source,
            comments,
            lines: Vec::new(),
        }
    }

    /// Whether `text` fits on a line at `indent`.
    pub(crate) fn fits(&self, indent: usize, text: &str) -> bool {
        indent * 2 + text.chars().count() <= MAX_WIDTH
    }

    /// The one rule for everything that can break: it stays on one line when
    /// the user wrote it on one line, no comment is inside, and it fits.
    /// Otherwise it is spread out, one element a line, and stays so.
    pub(crate) fn one_line(&self, indent: usize, text: &str, (start, end): (usize, usize)) -> bool {
        let written_on_one_line = self
            .source
            .get(start..end)
            .is_some_and(|s| !s.contains('\n'));
        written_on_one_line && !self.has_comments(start, end) && self.fits(indent, text)
    }

    /// Whether a comment lies inside `[start, end)`: then the construct there
    /// is printed over several lines so the comment keeps its place.
    pub(crate) fn has_comments(&self, start: usize, end: usize) -> bool {
        self.comments.within(start, end)
    }

    pub(crate) fn push(&mut self, indent: usize, text: String, start: usize, end: usize) {
        self.lines.push(Line {
            indent,
            text,
            start,
            end,
            comment_indent: indent,
            ..Line::default()
        });
    }

    /// A line that starts an element of a sequence printed without
    /// [`Printer::sequence`]: a blank line the user left before it is kept.
    pub(crate) fn push_element(&mut self, indent: usize, text: String, start: usize, end: usize) {
        self.push(indent, text, start, end);
        if let Some(line) = self.lines.last_mut() {
            line.blank_ok = true;
        }
    }

    /// A line ending with `{` or `[`: what follows is one level deeper.
    pub(crate) fn open(&mut self, indent: usize, text: String, start: usize, end: usize) {
        self.push(indent, text, start, end);
        if let Some(line) = self.lines.last_mut() {
            line.opens = true;
        }
    }

    /// The closing line of what `open` opened; the source range is the
    /// closing character, `end` being just past it.
    pub(crate) fn close(&mut self, indent: usize, text: String, end: usize) {
        self.push(indent, text, end.saturating_sub(1), end);
        if let Some(line) = self.lines.last_mut() {
            line.closes = true;
            line.comment_indent = indent + 1;
        }
    }

    /// Prints the elements of a sequence (items of a file, settings of a
    /// block, fields of an object). `print` answers whether the element is a
    /// block (handler, stage, task …); a block printed over several lines gets
    /// a blank line before and after it. Elsewhere the user's blank lines stay.
    pub(crate) fn sequence<T>(&mut self, items: &[T], print: impl FnMut(&mut Self, &T) -> bool) {
        self.sequence_on(&mut SequenceState::default(), items, print);
    }

    /// [`Printer::sequence`] for a sequence printed in several calls (a
    /// file, an item at a time: `stream.rs`); `state` carries over.
    pub(crate) fn sequence_on<T>(
        &mut self,
        state: &mut SequenceState,
        items: &[T],
        mut print: impl FnMut(&mut Self, &T) -> bool,
    ) {
        for item in items {
            let first = self.lines.len();
            let block = print(self, item);
            let multi_line = block && self.lines.len() - first > 1;
            if let Some(line) = self.lines.get_mut(first) {
                line.blank_ok = true;
                line.force_blank = state.printed > 0 && (multi_line || state.previous_block);
            }
            state.previous_block = multi_line;
            state.printed += 1;
        }
    }

    /// A block `header { settings }` over several lines (`header {}` when
    /// it is empty). `brace` is the offset of its `{`, `end` just past its `}`.
    pub(crate) fn block<S>(
        &mut self,
        indent: usize,
        header: String,
        (start, brace, end): (usize, usize, usize),
        settings: &[S],
        mut setting: impl FnMut(&mut Self, usize, &S) -> bool,
    ) {
        if settings.is_empty() && !self.has_comments(brace, end) {
            self.push(indent, format!("{header} {{}}"), start, end);
            return;
        }
        self.open(indent, format!("{header} {{"), start, brace + 1);
        self.sequence(settings, |p, s| setting(p, indent + 1, s));
        self.close(indent, "}".to_string(), end);
    }

    /// A block on one line, `header { a  b }`, settings two spaces apart, by
    /// the rule of [`Printer::one_line`]. Answers whether it did.
    pub(crate) fn block_on_one_line(
        &mut self,
        indent: usize,
        header: &str,
        (start, end): (usize, usize),
        settings: &[String],
    ) -> bool {
        let text = format!("{header} {{ {} }}", settings.join("  "));
        if settings.is_empty() || !self.one_line(indent, &text, (start, end)) {
            return false;
        }
        self.push(indent, text, start, end);
        true
    }

    /// The offset of the first `open` character at or after `from`, skipping
    /// blanks and comments: where a block's `{` or a list's `[` is.
    pub(crate) fn find(&self, from: usize, open: u8) -> usize {
        let bytes = self.source.as_bytes();
        let mut i = from;
        while i < bytes.len() {
            match bytes[i] {
                c if c == open => return i,
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                _ => i += 1,
            }
        }
        from
    }
}
