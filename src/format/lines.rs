//! The second half of formatting: the printer has laid the code out as lines,
//! each knowing the source range it came from; this puts every comment back
//! next to the code it was next to, and keeps the user's blank lines where a
//! blank line may go.

use super::comments::Comment;

/// Spaces per indentation level.
const INDENT: &str = "  ";

/// One output line of code.
#[derive(Debug, Clone, Default)]
pub(crate) struct Line {
    pub indent: usize,
    pub text: String,
    /// The source bytes `[start, end)` this line prints.
    pub start: usize,
    pub end: usize,
    /// Ends with an opening brace or bracket: no blank line may follow.
    pub opens: bool,
    /// A closing brace or bracket: no blank line may come before it.
    pub closes: bool,
    /// Starts an element of a sequence (item, setting, field): a blank line
    /// the user left before it is kept.
    pub blank_ok: bool,
    /// A blank line always comes before it (and before its leading comments).
    pub force_blank: bool,
    /// The indentation of comments placed before this line; deeper than the
    /// line itself for a closing brace, since they are inside the block.
    pub comment_indent: usize,
}

/// A comment the formatter has no place for; the file is left as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unplaced {
    /// Byte offset of the `#`.
    pub offset: usize,
    pub reason: &'static str,
}

/// Where each comment goes: before a line, after a line, or at the end.
struct Placement<'c> {
    leading: Vec<Vec<&'c Comment>>,
    trailing: Vec<Option<&'c Comment>>,
    at_end: Vec<&'c Comment>,
}

fn place<'c>(lines: &[Line], comments: &'c [Comment]) -> Result<Placement<'c>, Unplaced> {
    let mut placement = Placement {
        leading: vec![Vec::new(); lines.len()],
        trailing: vec![None; lines.len()],
        at_end: Vec::new(),
    };
    // The line before which the last comment went, when it went before one:
    // a comment after it may not move up past it.
    let mut last_leading = None;
    for comment in comments {
        // Lines are in source order: the last one starting before the comment
        // either contains it or is the code just before it.
        let before = lines.partition_point(|l| l.start < comment.start);
        let previous = before.checked_sub(1);
        let inside = previous.filter(|&i| lines[i].end > comment.start);
        if comment.trailing {
            // A comment after code stays after that code, on the line that
            // prints it; unless a comment on a line of its own came in between
            // (only punctuation such as a comma before it on its line): then it
            // follows that comment, or the order of the two would change.
            let after_own_line_comment = inside.is_none() && last_leading == Some(before);
            let target = inside.or(previous).filter(|_| !after_own_line_comment);
            let Some(target) = target else {
                push_leading(&mut placement, before, lines.len(), comment);
                last_leading = Some(before);
                continue;
            };
            if placement.trailing[target].replace(comment).is_some() {
                return Err(Unplaced {
                    offset: comment.start,
                    reason: "two comments would end up at the end of one line",
                });
            }
        } else if inside.is_some() {
            return Err(Unplaced {
                offset: comment.start,
                reason:
                    "a comment on its own line inside a construct the formatter prints on one line",
            });
        } else {
            push_leading(&mut placement, before, lines.len(), comment);
            last_leading = Some(before);
        }
    }
    Ok(placement)
}

fn push_leading<'c>(
    placement: &mut Placement<'c>,
    index: usize,
    count: usize,
    comment: &'c Comment,
) {
    if index < count {
        placement.leading[index].push(comment);
    } else {
        placement.at_end.push(comment);
    }
}

/// Whether the source between `from` and `to` holds an empty line.
fn blank_between(source: &str, from: usize, to: usize) -> bool {
    let Some(gap) = source.get(from..to) else {
        return false;
    };
    let mut parts = gap.split('\n');
    parts.next();
    let middle: Vec<&str> = parts.collect();
    // The last part is the start of the line `to` is on, not a whole line.
    middle
        .split_last()
        .is_some_and(|(_, whole)| whole.iter().any(|l| l.trim().is_empty()))
}

/// Where formatted text goes: a string, or a comparison with the file.
pub(crate) trait Out {
    fn push_str(&mut self, text: &str);
}

impl Out for String {
    fn push_str(&mut self, text: &str) {
        String::push_str(self, text);
    }
}

/// Compares what is written with a text instead of keeping it: deciding
/// that a file is formatted needs no copy of it.
pub(crate) struct Compare<'s> {
    text: &'s str,
    at: usize,
    same: bool,
}

impl<'s> Compare<'s> {
    pub(crate) fn new(text: &'s str) -> Compare<'s> {
        Compare {
            text,
            at: 0,
            same: true,
        }
    }

    /// Everything written so far is the start of the text.
    pub(crate) fn same_so_far(&self) -> bool {
        self.same
    }

    /// Everything written is the whole text.
    pub(crate) fn same(&self) -> bool {
        self.same && self.at == self.text.len()
    }
}

impl Out for Compare<'_> {
    fn push_str(&mut self, text: &str) {
        if self.same && self.text.as_bytes()[self.at..].starts_with(text.as_bytes()) {
            self.at += text.len();
        } else {
            self.same = false;
        }
    }
}

/// Writes lines with their comments, in one call or in several (one a
/// top-level item, `stream.rs`): what decides a blank line carries over.
pub(crate) struct Writer<'s, O> {
    source: &'s str,
    out: O,
    /// Where in the source the last thing written ended.
    source_end: usize,
    /// No blank line may come next: start of file, after `{`, or after a blank.
    no_blank: bool,
}

impl<'s, O: Out> Writer<'s, O> {
    pub(crate) fn new(source: &'s str, out: O) -> Writer<'s, O> {
        Writer {
            source,
            out,
            source_end: 0,
            no_blank: true,
        }
    }

    pub(crate) fn out(&self) -> &O {
        &self.out
    }

    pub(crate) fn into_out(self) -> O {
        self.out
    }

    fn blank(&mut self) {
        if !self.no_blank {
            self.out.push_str("\n");
            self.no_blank = true;
        }
    }

    fn kept_blank(&mut self, start: usize, allowed: bool) {
        if allowed && blank_between(self.source, self.source_end, start) {
            self.blank();
        }
    }

    fn line(&mut self, indent: usize, text: &str, end: usize, opens: bool) {
        for _ in 0..indent {
            self.out.push_str(INDENT);
        }
        self.out.push_str(text);
        self.out.push_str("\n");
        self.source_end = self.source_end.max(end);
        self.no_blank = opens;
    }

    /// Writes `lines` with `comments` in place: the comments from the end
    /// of what was written before up to the code after these lines. The
    /// comments that come after the last line on lines of their own are
    /// not written but returned: they go before the code that follows, or
    /// at the end ([`Writer::end`]).
    pub(crate) fn lines<'c>(
        &mut self,
        lines: &[Line],
        comments: &'c [Comment],
    ) -> Result<Vec<&'c Comment>, Unplaced> {
        let placement = place(lines, comments)?;
        for (i, line) in lines.iter().enumerate() {
            if line.force_blank {
                self.blank();
            }
            let comments_may_blank = line.blank_ok || line.closes;
            for comment in &placement.leading[i] {
                self.kept_blank(comment.start, comments_may_blank);
                self.line(line.comment_indent, &comment.text, comment.end, false);
            }
            self.kept_blank(line.start, line.blank_ok && !line.closes);
            let mut text = line.text.clone();
            let mut end = line.end;
            if let Some(comment) = placement.trailing[i] {
                text.push_str("  ");
                text.push_str(&comment.text);
                end = end.max(comment.end);
            }
            self.line(line.indent, &text, end, line.opens);
        }
        Ok(placement.at_end)
    }

    /// Writes the comments after the last line of the file.
    pub(crate) fn end<'c>(&mut self, comments: impl IntoIterator<Item = &'c Comment>) {
        for comment in comments {
            self.kept_blank(comment.start, true);
            self.line(0, &comment.text, comment.end, false);
        }
    }
}

/// The formatted text: `lines` with `comments` in place.
pub(crate) fn render(
    source: &str,
    lines: &[Line],
    comments: &[Comment],
) -> Result<String, Unplaced> {
    let mut w = Writer::new(source, String::with_capacity(source.len() + 64));
    let at_end = w.lines(lines, comments)?;
    w.end(at_end);
    Ok(w.into_out())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_are_whole_empty_lines() {
        assert!(blank_between("a\n\nb", 1, 3));
        assert!(blank_between("a\n  \n  b", 1, 7));
        assert!(!blank_between("a\n  b", 1, 4));
        assert!(!blank_between("a  b", 1, 3));
    }
}
