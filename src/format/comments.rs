//! The parser drops comments, so the formatter recovers them from the text:
//! every `#` outside a string literal starts one that runs to the end of the
//! line. Only files that parsed are formatted, so this scan sees exactly the
//! comments the grammar saw.

/// One `#` comment as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comment {
    /// Byte offset of the `#`.
    pub start: usize,
    /// Byte offset of the end of the line (the `\n` or the end of the file).
    pub end: usize,
    /// The text from `#` on, trailing blanks (and a `\r`) removed.
    pub text: String,
    /// Code comes before it on its line: it trails that code. Otherwise it
    /// stands on a line of its own and belongs to what follows.
    pub trailing: bool,
}

/// Every comment of `text`, in order.
pub(crate) fn scan(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i + 1),
            b'#' => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
                comments.push(Comment {
                    start: i,
                    end,
                    text: text[i..end].trim_end().to_string(),
                    trailing: !text[line_start..i].trim().is_empty(),
                });
                i = end;
            }
            _ => i += 1,
        }
    }
    comments
}

/// The offset just past the closing quote of a string whose body starts at `i`.
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            // Strings cannot span lines; stop so a broken file cannot hide comments.
            b'\n' => return i,
            _ => i += 1,
        }
    }
    i
}

/// The comments of a file, with the questions the printer asks of them.
#[derive(Debug, Default)]
pub(crate) struct Comments {
    pub list: Vec<Comment>,
}

impl Comments {
    pub(crate) fn new(text: &str) -> Comments {
        Comments { list: scan(text) }
    }

    /// Whether `formatted` holds these comments, the same words in the same
    /// order: formatting moves comments, it never loses or reorders one.
    pub(crate) fn kept_in(&self, formatted: &str) -> bool {
        let after = Comments::new(formatted);
        after.list.len() == self.list.len()
            && after
                .list
                .iter()
                .zip(&self.list)
                .all(|(a, b)| a.text == b.text)
    }

    /// Whether a comment starts strictly between `start` and `end`: such a
    /// construct must be printed over several lines to keep it.
    pub(crate) fn within(&self, start: usize, end: usize) -> bool {
        let first = self.list.partition_point(|c| c.start <= start);
        self.list.get(first).is_some_and(|c| c.start < end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_in_strings_are_not_comments() {
        let found = scan("exec \"a#b\" # real\n# own line\nx \"\\\"#\" #t");
        let texts: Vec<_> = found
            .iter()
            .map(|c| (c.text.as_str(), c.trailing))
            .collect();
        assert_eq!(
            texts,
            [("# real", true), ("# own line", false), ("#t", true)]
        );
    }

    #[test]
    fn within_is_strict() {
        let c = Comments::new("ab # c\n");
        assert!(c.within(0, 4));
        assert!(!c.within(3, 10));
        assert!(!c.within(0, 3));
    }
}
